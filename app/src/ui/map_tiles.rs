//! The street map: Leaflet (vendored under `assets/vendor/leaflet-1.9.4`,
//! never a CDN) over tiles the core serves from its MBTiles cache or the
//! pack's source at `/tiles/{z}/{x}/{y}.png`: a custom protocol handler in
//! the desktop webview, an axum route in browser mode. The page talks to
//! Rust over one eval channel: the pin's position comes back when it is
//! dropped or the map tapped; the pin, "you are here" and the other pins go
//! out whenever they change.

use std::{cell::Cell, rc::Rc};

use dioxus::prelude::*;
use mycity_core::{
    geo::WardShape,
    tiles::{MapPin, MapView},
    City, LatLon, MyCity,
};

const LEAFLET_JS: &str = include_str!("../../../assets/vendor/leaflet-1.9.4/leaflet.js");
pub(super) const LEAFLET_CSS: &str = include_str!("../../../assets/vendor/leaflet-1.9.4/leaflet.css");

/// Sizes Leaflet's controls for fingers (≥ 44 px) and styles the pins.
pub(super) const MAP_CSS: &str = r#"
.tile-map{width:100%;height:320px;border-radius:12px;overflow:hidden;background:#e8e4dc;touch-action:none;position:relative;z-index:0;isolation:isolate}
.tile-map .leaflet-bar a{width:44px;height:44px;line-height:44px;font-size:22px}
.tile-map .leaflet-control-attribution{font-size:11px;line-height:1.4;max-width:100%;white-space:normal}
.map-pin svg{filter:drop-shadow(0 1px 2px rgba(0,0,0,.4))}
.map-dot{border-radius:50%;border:2px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.5)}
.map-dot-report{background:#d9480f}.map-dot-place{background:#2b8a3e}
.map-me{background:#1c7ed6;border-radius:50%;border:3px solid #fff;box-shadow:0 0 0 6px rgba(28,126,214,.25)}
"#;

/// How every Leaflet script on a page starts: defines `window.L` from the
/// library when this page has not had it yet (a classic script, so it exists
/// in the desktop webview and the browser alike), waits for the map's element
/// and drops a map an earlier render left in it. The rest goes on with `el`.
const LEAFLET_PRELUDE: &str = r##"
const lib = __LEAFLET__;
if (!window.L && lib) {
  const s = document.createElement('script');
  s.textContent = lib;
  document.head.appendChild(s);
}
if (!window.L) return;
let el = null;
for (let i = 0; i < 200 && !(el = document.getElementById('__ID__')); i++) await new Promise(r => setTimeout(r, 25));
if (!el) return;
if (el._mycity) el._mycity.remove();
"##;

/// A Leaflet script for the element `id`: the prelude, then `body`. The
/// library (150 KB) goes to a page once, not with every map.
pub(super) fn leaflet_script(on_page: &LeafletOnPage, id: &str, body: &str) -> String {
    let lib = match on_page.0.replace(true) {
        true => "null".to_owned(),
        false => serde_json::Value::from(LEAFLET_JS).to_string(),
    };
    LEAFLET_PRELUDE.replace("__LEAFLET__", &lib).replace("__ID__", id) + body
}

/// After the prelude: builds the street map, then relays the pin both ways
/// until the map leaves the page.
const MAP_JS: &str = r##"
const view = __VIEW__;
const b = view.bbox, m = 0.1;
const map = L.map(el, { zoomControl: false, maxBounds: [[b.min_lat - m, b.min_lon - m], [b.max_lat + m, b.max_lon + m]], minZoom: 11 });
el._mycity = map;
L.control.zoom({ zoomInTitle: view.zoom_in, zoomOutTitle: view.zoom_out }).addTo(map);
// Plain text: a link would navigate the desktop webview away from the app.
map.attributionControl.setPrefix('Leaflet');
const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
L.tileLayer('/tiles/{z}/{x}/{y}.png', { maxZoom: view.max_zoom, attribution: esc(view.attribution) }).addTo(map);
const start = view.pin ? [view.pin.lat, view.pin.lon] : [view.center.lat, view.center.lon];
map.setView(start, view.pin ? Math.max(view.zoom, 17) : view.zoom);
const icon = L.divIcon({ className: 'map-pin', iconSize: [44, 44], iconAnchor: [22, 44],
  html: '<svg width="44" height="44" viewBox="-22 -44 44 44"><path fill="#d6336c" d="M0,0 C-9,-13 -14,-19 -14,-27 A14,14 0 1,1 14,-27 C14,-19 9,-13 0,0 Z"/><circle cy="-27" r="5" fill="#fff"/></svg>' });
let pin = null;
const place = (ll) => {
  if (pin) { pin.setLatLng(ll); return; }
  pin = L.marker(ll, { draggable: true, icon, autoPan: true, title: view.pin_title }).addTo(map);
  pin.getElement().dataset.testid = 'map-pin';
  pin.on('dragend', () => { const p = pin.getLatLng(); dioxus.send([p.lat, p.lng]); });
};
if (view.pin) place([view.pin.lat, view.pin.lon]);
map.on('click', (e) => { place(e.latlng); dioxus.send([e.latlng.lat, e.latlng.lng]); });
const others = L.layerGroup().addTo(map);
let me = null;
// Liveview's `dioxus.recv()` spins the page's thread until a message is
// queued (dioxus-liveview 0.7.10, query.rs), freezing it: there, wait on its
// queue instead.
const next = typeof _message_queue === 'undefined' ? () => dioxus.recv() : async () => {
  while (!_message_queue.length) await new Promise((r) => setTimeout(r, 50));
  return _message_queue.shift();
};
while (true) {
  const s = await next();
  if (s.pin) {
    const ll = [s.pin.lat, s.pin.lon];
    const moved = !pin || pin.getLatLng().distanceTo(ll) > 0.5;
    place(ll);
    if (moved && !map.getBounds().pad(-0.1).contains(ll)) map.panTo(ll);
  }
  if (s.me) {
    const ll = [s.me.lat, s.me.lon];
    if (me) me.setLatLng(ll);
    else {
      me = L.marker(ll, { interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'map-me', iconSize: [18, 18], iconAnchor: [9, 9] }) }).addTo(map);
      me.getElement().dataset.testid = 'map-me';
    }
  }
  others.clearLayers();
  for (const p of s.pins) {
    const mk = L.marker([p.lat, p.lon], { keyboard: false, title: p.label,
      icon: L.divIcon({ className: 'map-dot map-dot-' + p.kind, iconSize: [14, 14], iconAnchor: [7, 7] }) });
    mk.on('add', () => { mk.getElement().dataset.testid = 'map-dot-' + p.kind; });
    mk.addTo(others);
  }
}
"##;

/// The report's map: the street map when the core has tiles for the city,
/// else the ward outlines (offline with nothing cached, or no tile source).
#[component]
pub fn PlaceMap(
    city: City,
    shapes: Vec<WardShape>,
    lang: &'static str,
    pin: Option<LatLon>,
    me: Option<LatLon>,
    service_code: String,
    on_pick: EventHandler<LatLon>,
) -> Element {
    let core = use_context::<super::Services>().core;
    let texts = use_context::<super::Ui>().texts.read().clone();
    let titles = [texts.get("map-pin"), texts.get("map-zoom-in"), texts.get("map-zoom-out")];
    let view = use_resource({
        let core = core.clone();
        move || {
            let core = core.clone();
            async move { core.map_view().await.ok().flatten() }
        }
    });
    let mut at = use_signal(|| pin.unwrap_or(city.center));
    if let Some(p) = pin.filter(|p| *p != *at.peek()) {
        at.set(p);
    }
    let pins = use_resource(move || {
        let (core, code, at) = (core.clone(), service_code.clone(), at());
        async move { core.map_pins(Some(&code), at).await.unwrap_or_default() }
    });
    let view = view.read().clone();
    match view {
        Some(Some(v)) => rsx! {
            TileMap { view: v, pin, me, pins: pins.read().clone().unwrap_or_default(), titles, on_pick }
        },
        Some(None) => rsx! { super::map::CityMap { bbox: city.bbox, shapes, pin, lang, on_pick } },
        None => rsx! { div { class: "tile-map", "data-testid": "map-loading" } },
    }
}

/// Whether this page (one per virtual DOM) has been sent Leaflet already.
#[derive(Clone)]
pub(super) struct LeafletOnPage(pub(super) Rc<Cell<bool>>);

/// The street map. `on_pick` gets the pin's position after a drop or a tap;
/// `titles` name the pin and the zoom buttons (for screen readers and hover).
#[component]
pub fn TileMap(
    view: MapView,
    pin: Option<LatLon>,
    me: Option<LatLon>,
    pins: Vec<MapPin>,
    titles: [String; 3],
    on_pick: EventHandler<LatLon>,
) -> Element {
    let core = use_context::<super::Services>().core;
    tile_protocol(core);
    let on_page = use_root_context(|| LeafletOnPage(Rc::new(Cell::new(false))));
    let channel = use_hook(move || {
        let init = serde_json::json!({
            "center": view.center, "zoom": view.zoom, "max_zoom": view.max_zoom, "bbox": view.bbox,
            "attribution": view.attribution, "pin": pin, "pin_title": titles[0], "zoom_in": titles[1], "zoom_out": titles[2],
        });
        document::eval(&leaflet_script(&on_page, "tile-map", &MAP_JS.replace("__VIEW__", &init.to_string())))
    });
    use_future(move || async move {
        let mut channel = channel;
        while let Ok([lat, lon]) = channel.recv::<[f64; 2]>().await {
            on_pick.call(LatLon { lat, lon });
        }
    });
    use_effect(use_reactive!(|(pin, me, pins)| {
        let _ = channel.send(serde_json::json!({ "pin": pin, "me": me, "pins": pins }));
    }));
    rsx! {
        style { {LEAFLET_CSS} {MAP_CSS} }
        div { id: "tile-map", class: "tile-map", "data-testid": "tile-map" }
    }
}

/// In the desktop webview, `/tiles/…` is answered here from the core; in
/// browser mode the axum route [`tile_response`] does it.
#[cfg(feature = "desktop")]
pub(super) fn tile_protocol(core: std::sync::Arc<MyCity>) {
    use dioxus::desktop::{use_asset_handler, wry::http::Response};
    // The same for the life of the app: this hook is either always or never called.
    let desktop = use_hook(|| try_consume_context::<dioxus::desktop::DesktopContext>().is_some());
    if !desktop {
        return;
    }
    use_asset_handler("tiles", move |req, responder| {
        let (core, path) = (core.clone(), req.uri().path().to_owned());
        spawn(async move {
            let tile = match parse_path(&path) {
                Some((z, x, y)) => core.tile(z, x, y).await.ok().flatten(),
                None => None,
            };
            let resp = match tile {
                Some(t) => Response::builder().header("Content-Type", t.content_type).body(t.bytes),
                None => Response::builder().status(404).body(Vec::new()),
            };
            if let Ok(r) = resp {
                responder.respond(r);
            }
        });
    });
}

#[cfg(not(feature = "desktop"))]
pub(super) fn tile_protocol(_core: std::sync::Arc<MyCity>) {}

/// `z/x/y` from `/tiles/{z}/{x}/{y}.png`.
pub fn parse_path(path: &str) -> Option<(u8, u32, u32)> {
    let mut parts = path.trim_start_matches('/').strip_prefix("tiles/")?.split('/');
    let z = parts.next()?.parse().ok()?;
    let x = parts.next()?.parse().ok()?;
    let y = parts.next()?.strip_suffix(".png")?.parse().ok()?;
    parts.next().is_none().then_some((z, x, y))
}

/// Browser mode's `/tiles/{z}/{x}/{y}.png`: the core's cached or fetched tile, else 404.
#[cfg(feature = "web-e2e")]
pub async fn tile_response(core: &MyCity, path: &str) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    let tile = match parse_path(path) {
        Some((z, x, y)) => core.tile(z, x, y).await.ok().flatten(),
        None => None,
    };
    match tile {
        Some(t) => ([(header::CONTENT_TYPE, t.content_type)], t.bytes).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_parse() {
        assert_eq!(parse_path("/tiles/17/104321/57000.png"), Some((17, 104321, 57000)));
        assert_eq!(parse_path("/tiles/17/1/2.jpg"), None);
        assert_eq!(parse_path("/tiles/17/1"), None);
        assert_eq!(parse_path("/other/1/2/3.png"), None);
        assert_eq!(parse_path("/tiles/1/2/3.png/4"), None);
    }
}
