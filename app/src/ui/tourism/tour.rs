//! A tour's page: its stops in order with their minutes; each opens its place.

use dioxus::prelude::*;

use super::{Nav, Page};
use crate::ui::{icons::Icon, ErrorNote, Services, Ui};

#[component]
pub(super) fn TourView(id: String) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let page = use_memo(use_reactive!(|id| {
        ui.revision.read();
        core.tour(&id).map_err(|e| ui.texts.peek().error(&e))
    }));
    let t = ui.texts.read();
    let l = t.lang().code();
    let p = match page.read().clone() {
        Ok(p) => p,
        Err(e) => return rsx! { ErrorNote { message: e } },
    };
    let mode = p.tour.transport.as_deref().map(|m| t.get(&format!("plan-mode-{m}")));
    rsx! {
        section { class: "card", "data-testid": "tour-page",
            button { r#type: "button", class: "link", "data-testid": "tour-back", onclick: move |_| nav.back(), {t.get("back")} }
            h2 { "data-testid": "tour-name", {p.tour.name.get(l)} }
            p { {p.tour.description.get(l)} }
            p { class: "muted",
                {t.args("tour-meta", &[("stops", &p.stops.len().to_string()), ("hours", &super::one_decimal(l, p.tour.duration_min as f64 / 60.0))])}
                if let Some(m) = mode { " · {m}" }
            }
            ol { class: "list", "data-testid": "tour-stops",
                for (i, (stop, place)) in p.stops.iter().enumerate() {
                    {
                        let id = place.id.clone();
                        rsx! {
                            li { key: "{i}", class: "place",
                                button { r#type: "button", class: "row-button", "data-testid": "tour-stop-{i}",
                                    onclick: move |_| nav.open(Page::Place(id.clone())),
                                    Icon { name: "place" }
                                    div {
                                        strong { "{i + 1}. " {place.name.get(l)} }
                                        small { {t.args("tour-stop-minutes", &[("minutes", &stop.minutes.to_string())])} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
