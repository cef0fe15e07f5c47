//! The planning map: the city's land-use zones drawn as SVG over its wards,
//! coloured by land-use class, the chosen zone outlined and the tapped point
//! pinned. Drawing only; which zone a point falls in is the core's answer.

use std::sync::Arc;

use dioxus::prelude::*;
use mycity_core::{geo::WardShape, pack::BBox, planning::ZoneIndex, LatLon};

use crate::ui::map::{Frame, MapPin, WIDTH};

/// The zones' box with a margin, so the edge zones are not cut by the frame.
fn view(b: BBox) -> BBox {
    let (dy, dx) = ((b.max_lat - b.min_lat) * 0.06, (b.max_lon - b.min_lon) * 0.06);
    BBox { min_lat: b.min_lat - dy, min_lon: b.min_lon - dx, max_lat: b.max_lat + dy, max_lon: b.max_lon + dx }
}

/// Wrapper so the index can be a component property (compared by identity).
#[derive(Clone)]
pub(super) struct Zones(pub Arc<ZoneIndex>);

impl PartialEq for Zones {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[component]
pub(super) fn ZoneMap(
    zones: Zones,
    wards: Vec<WardShape>,
    chosen: Option<String>,
    pin: Option<LatLon>,
    label: String,
    on_pick: EventHandler<LatLon>,
) -> Element {
    let Some(bbox) = zones.0.bbox() else { return rsx! {} };
    let frame = Frame::new(view(bbox));
    let h = frame.height;
    rsx! {
        svg { class: "city-map zone-map", "data-testid": "zone-map", role: "img", "aria-label": "{label}",
            width: "{WIDTH}", height: "{h}", view_box: "0 0 {WIDTH} {h}",
            onclick: move |e: MouseEvent| {
                let p = e.element_coordinates();
                on_pick.call(frame.lat_lon(p.x, p.y));
            },
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{h}", class: "sea" }
            for s in wards.iter() {
                path { key: "w-{s.ward.code}", class: "ward", d: frame.path(&s.polygons) }
            }
            for s in zones.0.shapes().iter() {
                path { key: "{s.zone.code}", d: frame.path(&s.polygons),
                    class: if chosen.as_deref() == Some(s.zone.code.as_str()) { "zone {s.zone.class} chosen" } else { "zone {s.zone.class}" },
                    "data-zone": "{s.zone.code}",
                    title { "{s.zone.code}" }
                }
            }
            if let Some(p) = pin { MapPin { frame, at: p, testid: "map-pin" } }
        }
    }
}
