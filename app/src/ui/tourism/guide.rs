//! The guide's front: the pack's tours, and the week's events (today's
//! marked) with the tours that go with them.

use dioxus::prelude::*;
use mycity_core::tourism::{events::Tour, Guide};

use super::{Nav, Page};
use crate::ui::{Services, Ui};

fn use_guide() -> Memo<Result<Guide, String>> {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    use_memo(move || {
        ui.revision.read();
        core.guide().map_err(|e| ui.texts.peek().error(&e))
    })
}

/// One tour as a row: name, stops, duration; a tap opens its page.
#[component]
pub(super) fn TourRow(tour: Tour) -> Element {
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let t = ui.texts.read();
    let l = t.lang().code();
    let hours = super::one_decimal(l, tour.duration_min as f64 / 60.0);
    let meta = t.args("tour-meta", &[("stops", &tour.stops.len().to_string()), ("hours", &hours)]);
    let id = tour.id.clone();
    rsx! {
        li { class: "place",
            button { r#type: "button", class: "row-button", "data-testid": "tour-{tour.id}",
                onclick: move |_| nav.open(Page::Tour(id.clone())),
                div {
                    strong { {tour.name.get(l)} }
                    p { {tour.description.get(l)} }
                    small { "{meta}" }
                }
            }
        }
    }
}

/// The pack's tours.
#[component]
pub(super) fn Featured() -> Element {
    let guide = use_guide();
    let t = use_context::<Ui>().texts.read().clone();
    let g = guide.read().clone();
    match g {
        Ok(g) if !g.tours.is_empty() => rsx! {
            section { class: "card", "data-testid": "tours",
                h2 { {t.get("tours-title")} }
                ul { class: "list",
                    for tour in g.tours { TourRow { key: "{tour.id}", tour } }
                }
            }
        },
        Ok(_) => rsx! {},
        Err(e) => rsx! { p { class: "muted", "{e}" } },
    }
}

/// Events in the coming week, soonest first, today's marked.
#[component]
pub(super) fn Events() -> Element {
    let guide = use_guide();
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let t = ui.texts.read();
    let l = t.lang().code();
    let Ok(g) = guide.read().clone() else { return rsx! {} };
    rsx! {
        section { class: "card", "data-testid": "events",
            h2 { {t.get("events-title")} }
            if g.events.is_empty() { p { class: "muted", {t.get("events-none")} } }
            ul { class: "list",
                for (i, e) in g.events.iter().enumerate() {
                    li { key: "{e.on.event.id}-{i}", class: "place", "data-testid": "event-{e.on.event.id}",
                        div {
                            if e.today { span { class: "status open", {t.get("events-today")} } }
                            strong { {e.on.event.name.get(l)} }
                            p { class: "muted", {t.when_unix(e.on.starts)} " – " {t.clock(e.on.ends)} }
                            p { {e.on.event.description.get(l)} }
                            if let Some(place) = e.on.event.place_id.clone() {
                                button { r#type: "button", class: "link", "data-testid": "event-place-{e.on.event.id}",
                                    onclick: move |_| nav.open(Page::Place(place.clone())), {t.get("events-where")} }
                            }
                            for tour in e.tours.iter() {
                                {
                                    let id = tour.id.clone();
                                    rsx! {
                                        button { key: "{tour.id}", r#type: "button", class: "link", "data-testid": "event-tour-{tour.id}",
                                            onclick: move |_| nav.open(Page::Tour(id.clone())),
                                            {t.args("events-tour", &[("tour", tour.name.get(l))])}
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
}
