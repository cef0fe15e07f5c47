//! The planned route on a map: the street map (Leaflet over the core's
//! tiles) with a line and numbered stops where the city has tiles, else the
//! ward outlines drawn as SVG around the route.

use dioxus::prelude::*;
use mycity_core::{geo::WardShape, LatLon};

use crate::ui::{
    map_tiles::{leaflet_script, tile_protocol, LeafletOnPage, LEAFLET_CSS, MAP_CSS},
    Services,
};

const ROUTE_JS: &str = r##"
const d = __ROUTE__;
const map = L.map(el);
el._mycity = map;
map.attributionControl.setPrefix('Leaflet');
const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
L.tileLayer('/tiles/{z}/{x}/{y}.png', { maxZoom: d.max_zoom, attribution: esc(d.attribution) }).addTo(map);
const pts = [[d.start.lat, d.start.lon]].concat(d.stops.map((s) => [s.lat, s.lon]));
// The view first: Leaflet draws no line on a map without one.
map.fitBounds(L.latLngBounds(pts).pad(0.15), { maxZoom: Math.min(d.max_zoom, 16) });
L.polyline(pts, { color: '#1c7ed6', weight: 4, opacity: 0.85 }).addTo(map);
L.marker(pts[0], { interactive: false, icon: L.divIcon({ className: 'map-me', iconSize: [18, 18], iconAnchor: [9, 9] }) }).addTo(map);
d.stops.forEach((s, i) => {
  const m = L.marker([s.lat, s.lon], { title: s.name, keyboard: false,
    icon: L.divIcon({ className: 'route-num', html: String(i + 1), iconSize: [28, 28], iconAnchor: [14, 14] }) }).addTo(map);
  m.getElement().dataset.testid = 'route-stop-' + (i + 1);
});
"##;

const ROUTE_CSS: &str = ".route-num{background:#d6336c;color:#fff;border:2px solid #fff;border-radius:50%;\
display:flex;align-items:center;justify-content:center;font:700 13px/1 sans-serif;box-shadow:0 0 2px rgba(0,0,0,.5)}";

/// The route from `start` through `stops` (position, name), numbered from 1.
#[component]
pub(super) fn RouteMap(start: LatLon, stops: Vec<(LatLon, String)>) -> Element {
    let core = use_context::<Services>().core;
    tile_protocol(core.clone());
    let view = use_resource({
        let core = core.clone();
        move || {
            let core = core.clone();
            async move { core.map_view().await.ok().flatten() }
        }
    });
    let shapes = use_hook(|| core.ward_shapes().unwrap_or_default());
    let on_page = use_root_context(|| LeafletOnPage(std::rc::Rc::new(std::cell::Cell::new(false))));
    let v = view.read().clone();
    let street = matches!(v, Some(Some(_)));
    let drawn = stops.clone();
    use_effect(use_reactive!(|(start, drawn, street)| {
        let Some(Some(v)) = view.peek().clone() else { return };
        let _ = street; // redraw when the street map becomes available
        let stops: Vec<_> =
            drawn.iter().map(|(p, name)| serde_json::json!({ "lat": p.lat, "lon": p.lon, "name": name })).collect();
        let data =
            serde_json::json!({ "start": start, "stops": stops, "max_zoom": v.max_zoom, "attribution": v.attribution });
        document::eval(&leaflet_script(&on_page, "route-map", &ROUTE_JS.replace("__ROUTE__", &data.to_string())));
    }));
    match v {
        Some(Some(_)) => rsx! {
            style { {LEAFLET_CSS} {MAP_CSS} {ROUTE_CSS} }
            div { id: "route-map", class: "tile-map", "data-testid": "route-map" }
        },
        Some(None) => rsx! { WardRoute { start, stops, shapes } },
        None => rsx! { div { class: "tile-map", "data-testid": "map-loading" } },
    }
}

const W: f64 = 358.0;
const H: f64 = 260.0;

/// The route over the ward outlines, framed on the route with a margin.
#[component]
fn WardRoute(start: LatLon, stops: Vec<(LatLon, String)>, shapes: Vec<WardShape>) -> Element {
    let pts: Vec<LatLon> = std::iter::once(start).chain(stops.iter().map(|s| s.0)).collect();
    let (mut lo_lat, mut hi_lat, mut lo_lon, mut hi_lon) = (start.lat, start.lat, start.lon, start.lon);
    for p in &pts {
        (lo_lat, hi_lat, lo_lon, hi_lon) = (lo_lat.min(p.lat), hi_lat.max(p.lat), lo_lon.min(p.lon), hi_lon.max(p.lon));
    }
    let k = ((lo_lat + hi_lat) / 2.0).to_radians().cos().max(0.1);
    // Metres-true scale that fits both ways, with a 12% margin and at least ~300 m across.
    let span_x = ((hi_lon - lo_lon) * k).max(0.003);
    let span_y = (hi_lat - lo_lat).max(0.003);
    let scale = (W / span_x).min(H / span_y) * 0.76;
    let (cx, cy) = ((lo_lon + hi_lon) / 2.0, (lo_lat + hi_lat) / 2.0);
    let xy = move |lat: f64, lon: f64| (W / 2.0 + (lon - cx) * k * scale, H / 2.0 - (lat - cy) * scale);
    let mut wards = String::new();
    for ring in shapes.iter().flat_map(|s| s.polygons.iter().flatten()) {
        for (i, [lon, lat]) in ring.iter().enumerate() {
            let (x, y) = xy(*lat, *lon);
            wards.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
        }
        wards.push('Z');
    }
    let line: Vec<String> = pts.iter().map(|p| xy(p.lat, p.lon)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let (sx, sy) = xy(start.lat, start.lon);
    rsx! {
        svg { class: "city-map", "data-testid": "route-ward-map", width: "{W}", height: "{H}", view_box: "0 0 {W} {H}",
            rect { x: "0", y: "0", width: "{W}", height: "{H}", class: "sea" }
            path { class: "ward", d: "{wards}" }
            polyline { points: line.join(" "), fill: "none", stroke: "#1c7ed6", stroke_width: "3" }
            circle { cx: "{sx:.1}", cy: "{sy:.1}", r: "6", fill: "#1c7ed6", stroke: "#fff", stroke_width: "2" }
            for (i, (p, name)) in stops.iter().enumerate() {
                {
                    let (x, y) = xy(p.lat, p.lon);
                    rsx! {
                        g { key: "{i}", transform: "translate({x:.1},{y:.1})", "data-testid": "route-stop-{i + 1}",
                            title { "{name}" }
                            circle { r: "11", fill: "#d6336c", stroke: "#fff", stroke_width: "2" }
                            text { text_anchor: "middle", dy: "4", fill: "#fff", font_size: "12", font_weight: "700", "{i + 1}" }
                        }
                    }
                }
            }
        }
    }
}
