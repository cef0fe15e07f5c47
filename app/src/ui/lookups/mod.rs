//! Tra cứu: look-ups of the city's health services, public transport and
//! planning zones (seed 004 §5.1 (6) and §5.2), all answered offline from the
//! city pack by the core.

mod health;
mod planning;
mod transport;
mod transport_map;
mod zone_map;

use dioxus::prelude::*;

pub use health::Health;
pub use planning::Planning;
pub use transport::Transport;

use super::{icons::Icon, Screen, TitleBar, Ui};

/// The look-ups hub: one entry per kind of look-up.
#[component]
pub fn Lookups() -> Element {
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let t = ui.texts.read();
    let entries = [
        (Screen::Health, "ambulance", "lookups-health", "lookups-health-hint"),
        (Screen::Transport, "bus", "lookups-transport", "lookups-transport-hint"),
        (Screen::Planning, "zones", "lookups-planning", "lookups-planning-hint"),
    ];
    rsx! {
        TitleBar { title: t.get("lookups-title") }
        ul { class: "list", "data-testid": "lookups",
            for (target, icon, key, hint) in entries {
                li { key: "{key}", class: "place",
                    button { r#type: "button", class: "row-button", "data-testid": "open-{key}",
                        onclick: move |_| screen.set(target),
                        Icon { name: icon }
                        div {
                            strong { {t.get(key)} }
                            p { {t.get(hint)} }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn the_hub_offers_health_transport_and_planning() {
        let html = render(Screen::Lookups, |_| {});
        for id in ["open-lookups-health", "open-lookups-transport", "open-lookups-planning"] {
            assert!(html.contains(id), "missing {id}: {html}");
        }
        assert!(html.contains("Tra cứu"), "{html}");
    }
}
