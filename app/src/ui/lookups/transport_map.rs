//! The transport map: the city's wards, road closures in force drawn as the
//! alert map draws an alert's area, the chosen route's line and stops in its
//! colour (else the nearest stops), and where the distances were measured from.

use dioxus::prelude::*;
use mycity_core::{
    alerts::ActiveAlert,
    geo::WardShape,
    pack::BBox,
    transport::{RouteLine, Stop},
    LatLon,
};

use crate::ui::{
    alert_map::AlertArea,
    map::{Frame, MapPin, WIDTH},
};

/// The box that shows all of `points`, padded, and never smaller than about
/// a kilometre so a single stop is not drawn at street-sign scale.
pub(super) fn view_of(points: impl IntoIterator<Item = LatLon>, fallback: BBox) -> BBox {
    let (mut lo_lat, mut lo_lon, mut hi_lat, mut hi_lon) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in points {
        lo_lat = lo_lat.min(p.lat);
        lo_lon = lo_lon.min(p.lon);
        hi_lat = hi_lat.max(p.lat);
        hi_lon = hi_lon.max(p.lon);
    }
    if lo_lat > hi_lat {
        return fallback;
    }
    let pad = |lo: f64, hi: f64| ((hi - lo) * 0.12).max(0.006);
    let (pl, pn) = (pad(lo_lat, hi_lat), pad(lo_lon, hi_lon));
    BBox { min_lat: lo_lat - pl, min_lon: lo_lon - pn, max_lat: hi_lat + pl, max_lon: hi_lon + pn }
}

fn polyline(frame: &Frame, points: &[LatLon]) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let (x, y) = frame.xy(p.lon, p.lat);
        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
    }
    d
}

#[component]
pub(super) fn TransportMap(
    view: BBox,
    shapes: Vec<WardShape>,
    route: Option<RouteLine>,
    near: Vec<Stop>,
    closures: Vec<ActiveAlert>,
    position: LatLon,
    label: String,
) -> Element {
    let frame = Frame::new(view);
    let h = frame.height;
    let colour = route.as_ref().map(|r| r.route.colour.clone()).unwrap_or_default();
    let lines = route.map(|r| r.lines).unwrap_or_default();
    rsx! {
        svg { class: "city-map transport-map", "data-testid": "transport-map", role: "img", "aria-label": "{label}",
            width: "{WIDTH}", height: "{h}", view_box: "0 0 {WIDTH} {h}",
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{h}", class: "sea" }
            for s in shapes.iter() {
                path { key: "{s.ward.code}", class: "ward", d: frame.path(&s.polygons) }
            }
            for a in closures {
                AlertArea { key: "{a.id}", frame, alert: a }
            }
            for (i, l) in lines.iter().enumerate() {
                path { key: "l{i}", class: "route-line", "data-testid": "route-line", d: polyline(&frame, &l.points),
                    style: "stroke: {colour};" }
            }
            if let Some(l) = lines.first() {
                for s in l.stops.iter() {
                    {
                        let (x, y) = frame.xy(s.position.lon, s.position.lat);
                        rsx! {
                            circle { key: "{s.id}", class: "route-stop", "data-testid": "route-stop", cx: "{x:.1}", cy: "{y:.1}",
                                r: "4", style: "stroke: {colour};", title { "{s.name}" } }
                        }
                    }
                }
            }
            if lines.is_empty() {
                for s in near.iter() {
                    {
                        let (x, y) = frame.xy(s.position.lon, s.position.lat);
                        rsx! {
                            rect { key: "{s.id}", class: "near-stop", "data-testid": "near-stop", x: "{x - 5.0:.1}", y: "{y - 5.0:.1}",
                                width: "10", height: "10", rx: "2", title { "{s.name}" } }
                        }
                    }
                }
            }
            MapPin { frame, at: position, testid: "map-position" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_frames_its_points_with_a_margin_or_falls_back() {
        let city = BBox { min_lat: 15.9, min_lon: 108.1, max_lat: 16.2, max_lon: 108.3 };
        assert_eq!(view_of([], city), city);
        let v = view_of([LatLon { lat: 16.06, lon: 108.22 }], city);
        assert!(v.contains(LatLon { lat: 16.06, lon: 108.22 }) && v.max_lat - v.min_lat >= 0.012);
        let w = view_of([LatLon { lat: 16.0, lon: 108.2 }, LatLon { lat: 16.1, lon: 108.25 }], city);
        assert!(w.min_lat < 16.0 && w.max_lat > 16.1 && w.min_lon < 108.2 && w.max_lon > 108.25);
    }
}
