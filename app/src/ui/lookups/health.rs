//! The health look-up: the city's hospitals, health stations, clinics and
//! pharmacies, searched offline from the pack, nearest first, with a call
//! button where the pack knows a phone and 115 always at hand.

use dioxus::prelude::*;
use mycity_core::{
    health::{self, Hit, Kind, Query},
    tourism::hours::OpenState,
    LatLon,
};

use crate::ui::{icons::Icon, sos::LOCATE_JS, ErrorNote, Screen, Services, TitleBar, Ui};

/// The health look-up screen.
#[component]
pub fn Health() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut text = use_signal(String::new);
    let mut kind = use_signal(|| None::<Kind>);
    let mut open_now = use_signal(|| false);
    let mut here = use_signal(|| None::<LatLon>);
    // Ask once for the position; until it comes (or when refused) distances are from the centre.
    use_future(move || async move {
        if let Ok(Some([lat, lon, _])) = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await {
            here.set(Some(LatLon { lat, lon }));
        }
    });
    let found = use_memo(move || {
        ui.revision.read();
        let q = Query { text: text(), kinds: kind().into_iter().collect(), open_now: open_now() };
        core.health_search(&q, here()).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let found = match &*found.read() {
        Ok(f) => f.clone(),
        Err(e) => {
            return rsx! { TitleBar { title: t.get("lookups-health"), back: Screen::Lookups } ErrorNote { message: e.clone() } }
        }
    };
    rsx! {
        TitleBar { title: t.get("lookups-health"), back: Screen::Lookups }
        a { class: "call-115", href: found.emergency_call.clone(), "data-testid": "health-call-115",
            Icon { name: "ambulance" }
            {t.get("health-call-115")}
        }
        label { class: "search",
            Icon { name: "search" }
            input { r#type: "search", value: "{text}", placeholder: t.get("health-search"), "data-testid": "health-search",
                "aria-label": t.get("health-search"), oninput: move |e| text.set(e.value()) }
        }
        div { class: "chips", role: "group", "data-testid": "health-kinds",
            button { r#type: "button", class: if kind().is_none() { "chip on" } else { "chip" }, "aria-pressed": "{kind().is_none()}",
                "data-testid": "health-kind-all", onclick: move |_| kind.set(None), {t.get("health-kind-all")} }
            for k in Kind::ALL {
                button { key: "{k.as_str()}", r#type: "button", class: if kind() == Some(k) { "chip on" } else { "chip" },
                    "aria-pressed": "{kind() == Some(k)}", "data-testid": "health-kind-{k.as_str()}",
                    onclick: move |_| kind.set(Some(k)), {t.get(&format!("health-kind-{}", k.as_str()))} }
            }
        }
        label { class: "check",
            input { r#type: "checkbox", checked: open_now(), "data-testid": "health-open-now", onchange: move |e| open_now.set(e.checked()) }
            {t.get("health-open-now")}
        }
        p { class: "muted", "data-testid": "health-origin",
            if found.from_centre { {t.get("health-from-centre")} } else { {t.get("health-from-you")} }
            " "
            {t.args("health-count", &[("count", &found.hits.len().to_string())])}
        }
        if found.hits.is_empty() {
            p { class: "muted", "data-testid": "health-none", {t.get("health-none")} }
        }
        ul { class: "list", "data-testid": "health-list",
            for h in found.hits.iter() { FacilityRow { key: "{h.facility.id}", hit: h.clone() } }
        }
        p { class: "muted small", {t.get("health-source")} }
    }
}

/// One facility: name, kind, distance, open state, marks, address and call button.
#[component]
fn FacilityRow(hit: Hit) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let l = t.lang().code();
    let f = &hit.facility;
    let open = match hit.open {
        OpenState::Open => ("open", t.get("health-open")),
        OpenState::Closed => ("closed", t.get("health-closed")),
        OpenState::Unknown => ("unknown", t.get("health-hours-unknown")),
    };
    let meta = [t.get(&format!("health-is-{}", f.kind.as_str())), t.distance(hit.distance_m)].join(" · ");
    rsx! {
        li { class: "place facility", "data-testid": "facility-{f.id}", "data-kind": f.kind.as_str(),
            Icon { name: if f.kind == Kind::Hospital { "ambulance" } else { "place" } }
            div { class: "facility-body",
                strong { {f.name.get(l)} }
                small { class: "muted", "data-testid": "facility-meta", "{meta}" }
                p {
                    span { class: "open-state {open.0}", "data-testid": "facility-open", {open.1} }
                    if f.emergency { " · " span { class: "emergency", {t.get("health-emergency")} } }
                }
                if let Some(a) = &f.address { p { "{a}" } }
                if let Some(h) = &f.opening_hours {
                    p { class: "muted", {t.args("place-hours", &[("hours", &health::hours_text(h, t.lang()))])} }
                }
                if f.approximate { p { class: "approximate", "data-testid": "facility-approximate", {t.get("health-approximate")} } }
            }
            match (&hit.call, &f.phone) {
                (Some(uri), Some(phone)) => rsx! {
                    a { class: "call-button", href: "{uri}", "data-testid": "call-{f.id}", "aria-label": "{t.get(\"health-call\")} {phone}",
                        {t.get("health-call")}
                    }
                },
                _ => rsx! { small { class: "no-phone", {t.get("health-no-phone")} } },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn the_list_shows_facilities_nearest_first_with_kinds_marks_and_115() {
        let html = render(Screen::Health, |core| {
            core.set_city("da-nang").unwrap();
        });
        for id in ["health-search", "health-kind-pharmacy", "health-open-now", "health-list", "facility-dn-bv-c"] {
            assert!(html.contains(id), "missing {id}: {html}");
        }
        assert!(html.contains("href=\"tel:115\""), "{html}");
        assert!(html.contains("trung tâm thành phố"), "no position yet: from the centre");
        assert!(html.contains("gần đúng"), "the approximate mark shows");
    }
}
