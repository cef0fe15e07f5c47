//! The city map: ward outlines from the pack drawn as SVG (no tile server),
//! with a pin placed by tapping.

use dioxus::prelude::*;
use mycity_core::{geo::WardShape, pack::BBox, LatLon};

/// Drawn width in CSS pixels; the tap position maps back through it.
pub(super) const WIDTH: f64 = 358.0;

/// Equirectangular projection of the city's box onto the drawing.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Frame {
    bbox: BBox,
    pub(super) height: f64,
}

impl Frame {
    pub(super) fn new(bbox: BBox) -> Frame {
        let mid = ((bbox.min_lat + bbox.max_lat) / 2.0).to_radians().cos().max(0.1);
        let aspect = (bbox.max_lat - bbox.min_lat) / ((bbox.max_lon - bbox.min_lon) * mid);
        Frame { bbox, height: (WIDTH * aspect).clamp(180.0, 440.0) }
    }

    pub(super) fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        let b = self.bbox;
        ((lon - b.min_lon) / (b.max_lon - b.min_lon) * WIDTH, (b.max_lat - lat) / (b.max_lat - b.min_lat) * self.height)
    }

    pub(super) fn lat_lon(&self, x: f64, y: f64) -> LatLon {
        let b = self.bbox;
        LatLon {
            lat: b.max_lat - y / self.height * (b.max_lat - b.min_lat),
            lon: b.min_lon + x / WIDTH * (b.max_lon - b.min_lon),
        }
    }

    /// A CAP ring of `[lat, lon]` vertices as an SVG path.
    pub(super) fn ring(&self, ring: &[[f64; 2]]) -> String {
        let mut d = String::new();
        for (i, [lat, lon]) in ring.iter().enumerate() {
            let (x, y) = self.xy(*lon, *lat);
            d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
        d
    }

    /// Kilometres east-west at latitude `lat` as drawn pixels.
    pub(super) fn km(&self, km: f64, lat: f64) -> f64 {
        let deg = km / (111.32 * lat.to_radians().cos().max(0.01));
        deg / (self.bbox.max_lon - self.bbox.min_lon) * WIDTH
    }

    pub(super) fn path(&self, polygons: &[Vec<Vec<[f64; 2]>>]) -> String {
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            for (i, [lon, lat]) in ring.iter().enumerate() {
                let (x, y) = self.xy(*lon, *lat);
                d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }
}

/// The map; `on_pick` receives the tapped position.
#[component]
pub fn CityMap(
    bbox: BBox,
    shapes: Vec<WardShape>,
    pin: Option<LatLon>,
    lang: &'static str,
    on_pick: EventHandler<LatLon>,
) -> Element {
    let frame = Frame::new(bbox);
    let h = frame.height;
    rsx! {
        svg {
            class: "city-map",
            "data-testid": "city-map",
            width: "{WIDTH}",
            height: "{h}",
            view_box: "0 0 {WIDTH} {h}",
            onclick: move |e: MouseEvent| {
                let p = e.element_coordinates();
                on_pick.call(frame.lat_lon(p.x, p.y));
            },
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{h}", class: "sea" }
            for s in shapes.iter() {
                path { key: "{s.ward.code}", class: "ward", d: frame.path(&s.polygons),
                    title { {s.ward.name.get(lang)} }
                }
            }
            if let Some(p) = pin { MapPin { frame, at: p, testid: "map-pin" } }
        }
    }
}

/// A map pin at `at`, its point on the place (drawn over an SVG map with `frame`).
#[component]
pub(super) fn MapPin(frame: Frame, at: LatLon, testid: &'static str) -> Element {
    let (x, y) = frame.xy(at.lon, at.lat);
    rsx! {
        g { class: "pin", "data-testid": testid, transform: "translate({x:.1},{y:.1})",
            path { d: "M0,0 C-7,-10 -9,-14 -9,-19 A9,9 0 1,1 9,-19 C9,-14 7,-10 0,0 Z" }
            circle { cx: "0", cy: "-19", r: "3.5", fill: "#fff" }
        }
    }
}

/// Coordinates typed by hand ("lat, lon"): for a desktop without GPS, or a
/// position read off another map. `on_set` gets `None` for input that is not
/// a valid latitude and longitude.
#[component]
pub fn CoordsInput(on_set: EventHandler<Option<LatLon>>) -> Element {
    let t = use_context::<super::Ui>().texts;
    let mut lat = use_signal(String::new);
    let mut lon = use_signal(String::new);
    rsx! {
        details { class: "manual",
            summary { {t.read().get("sos-manual")} }
            div { class: "row",
                input { r#type: "text", inputmode: "decimal", placeholder: "lat", "data-testid": "lat",
                    value: "{lat}", oninput: move |e| lat.set(e.value()) }
                input { r#type: "text", inputmode: "decimal", placeholder: "lon", "data-testid": "lon",
                    value: "{lon}", oninput: move |e| lon.set(e.value()) }
                button { r#type: "button", class: "secondary", "data-testid": "set-position",
                    onclick: move |_| on_set.call(parse_coords(&lat.read(), &lon.read())),
                    "OK"
                }
            }
        }
    }
}

/// A latitude and longitude typed by hand, if both are numbers in range.
pub fn parse_coords(lat: &str, lon: &str) -> Option<LatLon> {
    let (lat, lon) =
        (lat.trim().replace(',', ".").parse::<f64>().ok()?, lon.trim().replace(',', ".").parse::<f64>().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some(LatLon { lat, lon })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_coordinates_accept_comma_decimals_and_refuse_nonsense() {
        assert_eq!(parse_coords(" 16,0612 ", "108.2272"), Some(LatLon { lat: 16.0612, lon: 108.2272 }));
        assert_eq!(parse_coords("91", "0"), None);
        assert_eq!(parse_coords("abc", "1"), None);
        assert_eq!(parse_coords("NaN", "1"), None);
    }

    #[test]
    fn projection_round_trips() {
        let f = Frame::new(BBox { min_lat: 15.95, min_lon: 108.1, max_lat: 16.2, max_lon: 108.35 });
        let (x, y) = f.xy(108.2272, 16.0612);
        let back = f.lat_lon(x, y);
        assert!((back.lat - 16.0612).abs() < 1e-9 && (back.lon - 108.2272).abs() < 1e-9);
        assert!(f.height >= 180.0);
    }
}
