//! Where the problem is: tap the map, use the device's position, or type
//! coordinates; a photo taken on the spot may already have placed it.

use dioxus::prelude::*;
use mycity_core::{reports::PlaceSource, Draft, LatLon};

use crate::ui::{
    icons::Icon,
    map::{CityMap, CoordsInput},
    sos::LOCATE_JS,
    FieldError, Services, Shown, Ui,
};

#[component]
pub fn PlaceCard(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    // The map's geometry changes only with the city: not re-read on every keystroke.
    let map = use_memo(move || {
        ui.revision.read();
        (core.city().ok(), core.ward_shapes().unwrap_or_default())
    });
    let core = use_context::<Services>().core;
    let t = ui.texts.read();
    let lang = t.lang();
    let place = draft.read().place;
    let ward = place.and_then(|p| core.ward_at(p.position).ok().flatten());
    let (city, shapes) = map();
    rsx! {
        section { class: "card", "data-testid": "report-place", "data-field": "place",
            h2 { Icon { name: "location" } {t.get("report-where")} }
            p { class: "muted", {t.get("report-where-help")} }
            if let Some(c) = city {
                CityMap { bbox: c.bbox, shapes, pin: place.map(|p| p.position), lang: lang.code(),
                    on_pick: move |p: LatLon| draft.write().set_place(p, PlaceSource::Map) }
            }
            button { r#type: "button", class: "secondary", "data-testid": "report-locate",
                onclick: move |_| async move {
                    if let Ok(Some([lat, lon, _])) = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await {
                        draft.write().set_place(LatLon { lat, lon }, PlaceSource::Gps);
                    }
                },
                Icon { name: "location" } {t.get("sos-locate")}
            }
            CoordsInput {
                on_set: move |p: Option<LatLon>| match p {
                    Some(p) => { draft.write().set_place(p, PlaceSource::Typed); error.write().retain(|e| !e.is_at(&["place"])); }
                    None => error.set(vec![Shown::at("place", ui.texts.peek().get("report-bad-coords"))]),
                },
            }
            if place.is_some_and(|p| p.source == PlaceSource::Photo) {
                p { class: "muted", "data-testid": "pin-from-photo", {t.get("photo-place")} }
            }
            match (place, &ward) {
                (Some(p), Some(w)) => rsx! { p { class: "ward", "data-testid": "report-ward", "{w.name.get(lang.code())} · {p.position.lat:.5}, {p.position.lon:.5}" } },
                // Outside every ward is outside the city: a warning, since the report cannot be sent so.
                (Some(p), None) => rsx! { p { class: "banner warning", role: "alert", "data-testid": "report-ward-outside",
                    Icon { name: "location" } {t.get("report-outside-warning")} " · {p.position.lat:.5}, {p.position.lon:.5}" } },
                _ => rsx! {},
            }
            FieldError { error, field: "place" }
        }
    }
}
