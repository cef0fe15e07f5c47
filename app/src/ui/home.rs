//! Trang chủ: the city, quick actions, hotlines and places to see.

use dioxus::prelude::*;
use mycity_core::Place;

use super::{icons::Icon, ErrorNote, Screen, Services, TitleBar, Ui};

#[component]
pub fn Home() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let home = use_memo(move || {
        ui.revision.read();
        core.home().map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let l = t.lang().code();
    let home = match &*home.read() {
        Ok(h) => h.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let city = home.city.name.get(l).to_owned();
    let quick = [
        (Screen::Report, "report", "quick-report"),
        (Screen::Dossier, "dossier", "quick-dossier"),
        (Screen::Tourism, "tourism", "quick-tourism"),
        (Screen::Sos, "sos", "quick-sos"),
    ];
    rsx! {
        TitleBar { title: city.clone(), subtitle: home.city.region.get(l).to_owned() }
        if home.city.last_error.is_some() {
            p { class: "banner offline", "data-testid": "offline-banner",
                Icon { name: "offline" }
                {t.get("offline-banner")}
            }
        }
        section { class: "hero", "data-testid": "home-city",
            p { class: "welcome", {t.args("home-welcome", &[("city", &city)])} }
        }
        super::alert_banner::AlertBanner {}
        super::air::AirCard {}
        section { class: "card",
            h2 { {t.get("home-quick")} }
            div { class: "quick-grid",
                for (target, icon, key) in quick {
                    button { key: "{key}", r#type: "button",
                        class: if target == Screen::Sos { "quick danger" } else { "quick" },
                        "data-testid": "quick-{icon}",
                        onclick: move |_| screen.set(target),
                        Icon { name: icon }
                        span { {t.get(key)} }
                    }
                }
            }
        }
        section { class: "card", "data-testid": "home-city-info",
            h2 { {t.get("city-info")} }
            div { class: "quick-grid",
                for (target, key) in [(Screen::Alerts, "alerts-title"), (Screen::Announcements, "announcements-title"), (Screen::Consult, "consult-title"), (Screen::Scorecard, "scorecard-title"), (Screen::Lookups, "lookups-title")] {
                    button { key: "{key}", r#type: "button", class: "quick", "data-testid": "open-{key}",
                        onclick: move |_| screen.set(target), span { {t.get(key)} } }
                }
            }
        }
        section { class: "card",
            h2 { {t.get("home-hotlines")} }
            div { class: "chips",
                for h in home.hotlines.iter() {
                    a { key: "{h.number}", class: "chip", href: mycity_core::emergency::tel_uri(h.to_dial()),
                        "data-testid": "home-hotline-{h.number}",
                        strong { "{h.number}" }
                        span { {h.name.get(l)} }
                    }
                }
            }
        }
        section { class: "card",
            h2 { {t.get("home-places")} }
            ul { class: "list",
                for p in home.featured.iter() {
                    PlaceRow { key: "{p.id}", place: p.clone() }
                }
            }
        }
    }
}

/// One place in a list; with `on_open`, the whole row is a button that opens it.
#[component]
pub fn PlaceRow(place: Place, on_open: Option<EventHandler<String>>) -> Element {
    let ui = use_context::<Ui>();
    let t = ui.texts.read();
    let l = t.lang().code();
    let price = t.ticket(place.ticket_price_vnd);
    let body = rsx! {
        Icon { name: "place" }
        div {
            strong { {place.name.get(l)} }
            p { {place.description.get(l)} }
            if let Some(p) = price { small { "{p}" } }
        }
    };
    rsx! {
        li { class: "place", "data-testid": "place-{place.id}",
            match on_open {
                Some(open) => rsx! {
                    button { r#type: "button", class: "row-button", "data-testid": "open-{place.id}",
                        onclick: { let id = place.id.clone(); move |_| open.call(id.clone()) }, {body} }
                },
                None => body,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn home_shows_city_quick_actions_and_hotlines() {
        let html = render(Screen::Home, |_| {});
        assert!(html.contains("Hà Giang"), "{html}");
        for id in ["quick-report", "quick-dossier", "quick-tourism", "quick-sos", "home-hotline-113"] {
            assert!(html.contains(id), "missing {id}");
        }
        assert!(html.contains("href=\"tel:113\""));
    }

    #[test]
    fn home_lists_the_city_line_after_the_emergency_numbers() {
        let html = render(Screen::Home, |core| {
            core.set_city("da-nang").unwrap();
        });
        assert!(html.contains("home-hotline-1022"), "{html}");
        assert!(html.contains("href=\"tel:02361022\""));
    }
}
