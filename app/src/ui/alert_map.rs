//! One alert's area over the city's ward map: the wards it names, its
//! polygons and circles in the alert's colour, the person's home ward
//! outlined and their position pinned. Drawing only; what is hit is the core's.

use dioxus::prelude::*;
use mycity_core::{alerts::ActiveAlert, geo::WardShape, pack::BBox, LatLon};

use super::map::{Frame, MapPin, WIDTH};

#[component]
pub fn AlertMap(
    bbox: BBox,
    shapes: Vec<WardShape>,
    alert: ActiveAlert,
    home_ward: Option<String>,
    position: Option<LatLon>,
    lang: &'static str,
    label: String,
) -> Element {
    let frame = Frame::new(bbox);
    let h = frame.height;
    let colour = alert.banner.colour;
    let hit = |code: &str| alert.whole_city || alert.wards.iter().any(|w| w == code);
    rsx! {
        svg { class: "city-map alert-map", "data-testid": "alert-map", role: "img", "aria-label": "{label}",
            width: "{WIDTH}", height: "{h}", view_box: "0 0 {WIDTH} {h}",
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{h}", class: "sea" }
            for s in shapes.iter() {
                path { key: "{s.ward.code}", d: frame.path(&s.polygons),
                    class: if hit(&s.ward.code) { "ward hit" } else { "ward" },
                    "data-ward": "{s.ward.code}",
                    style: if hit(&s.ward.code) { format!("fill: {colour}; fill-opacity: .45;") } else { String::new() },
                    title { {s.ward.name.get(lang)} }
                }
            }
            for s in shapes.iter().filter(|s| home_ward.as_deref() == Some(s.ward.code.as_str())) {
                path { key: "home-{s.ward.code}", class: "home-ward", "data-testid": "map-home-ward", d: frame.path(&s.polygons) }
            }
            AlertArea { frame, alert: alert.clone() }
            if let Some(p) = position { MapPin { frame, at: p, testid: "map-position" } }
        }
    }
}

/// An alert's own polygons and circles in its colour, over a map drawn with
/// `frame` (the alert map here, road closures on the transport map).
#[component]
pub(super) fn AlertArea(frame: Frame, alert: ActiveAlert) -> Element {
    let colour = alert.banner.colour;
    rsx! {
        g { class: "alert-areas", "data-alert": "{alert.id}",
            for (i, ring) in alert.polygons.iter().enumerate() {
                path { key: "p{i}", class: "alert-area", "data-testid": "alert-polygon", d: frame.ring(ring),
                    style: "fill: {colour}; stroke: {colour};" }
            }
            for (i, c) in alert.circles.iter().enumerate() {
                {
                    let (x, y) = frame.xy(c.centre[1], c.centre[0]);
                    // A circle of radius 0 is a point: still worth seeing.
                    let r = frame.km(c.radius_km, c.centre[0]).max(4.0);
                    rsx! {
                        circle { key: "c{i}", class: "alert-area", "data-testid": "alert-circle",
                            cx: "{x:.1}", cy: "{y:.1}", r: "{r:.1}", style: "fill: {colour}; stroke: {colour};" }
                    }
                }
            }
        }
    }
}
