//! Every place of the city by kind, nearest first once the position is
//! known (else the pack's order), open now or not, a page at a time.

use dioxus::prelude::*;
use mycity_core::{
    tourism::{hours::OpenState, Browse, Order, PlaceRow, KINDS},
    LatLon,
};

use super::{Here, Nav, Page};
use crate::ui::{icons::Icon, sos::LOCATE_JS, Services, Ui};

/// Rows added by each "more".
const PAGE: usize = 12;

#[component]
pub(super) fn BrowsePlaces() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut here = use_context::<Here>().0;
    let mut kind = use_signal(|| None::<&'static str>);
    let mut open_now = use_signal(|| false);
    let mut shown = use_signal(|| PAGE);
    let mut locating = use_signal(|| false);
    let page = use_memo(move || {
        ui.revision.read();
        let near = here();
        let b = Browse {
            kind: kind().map(str::to_owned),
            open_now: open_now(),
            order: if near.is_some() { Order::Nearest } else { Order::Pack },
            near,
            limit: shown(),
            ..Default::default()
        };
        core.browse(&b).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    rsx! {
        section { class: "card", "data-testid": "browse",
            h2 { {t.get("browse-title")} }
            div { class: "chips", role: "group",
                button { r#type: "button", class: if kind().is_none() { "chip on" } else { "chip" }, "aria-pressed": "{kind().is_none()}",
                    "data-testid": "kind-all", onclick: move |_| { kind.set(None); shown.set(PAGE); }, {t.get("kind-all")} }
                for k in KINDS.iter().copied() {
                    button { key: "{k}", r#type: "button", class: if kind() == Some(k) { "chip on" } else { "chip" },
                        "aria-pressed": "{kind() == Some(k)}", "data-testid": "kind-{k}",
                        onclick: move |_| { kind.set(Some(k)); shown.set(PAGE); }, {t.get(&format!("kind-{k}"))} }
                }
            }
            div { class: "browse-tools",
                label { class: "check",
                    input { r#type: "checkbox", checked: open_now(), "data-testid": "open-now",
                        onchange: move |e| { open_now.set(e.checked()); shown.set(PAGE); } }
                    {t.get("browse-open-now")}
                }
                button { r#type: "button", class: "secondary", "data-testid": "browse-near",
                    onclick: move |_| async move {
                        locating.set(true);
                        let got = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await;
                        locating.set(false);
                        if let Ok(Some([lat, lon, _])) = got { here.set(Some(LatLon { lat, lon })); }
                    },
                    Icon { name: "location" }
                    if locating() { {t.get("sos-locating")} } else if here().is_some() { {t.get("browse-nearest")} } else { {t.get("browse-near-me")} }
                }
            }
            match &*page.read() {
                Ok(p) => rsx! {
                    p { class: "muted", "data-testid": "browse-count", {t.args("browse-count", &[("shown", &p.rows.len().to_string()), ("total", &p.total.to_string())])} }
                    ul { class: "list", "data-testid": "browse-list",
                        for r in p.rows.iter() { Row { key: "{r.place.id}", row: r.clone() } }
                    }
                    if p.next_offset.is_some() {
                        button { r#type: "button", class: "secondary", "data-testid": "browse-more",
                            onclick: move |_| shown.set((shown() + PAGE).min(100)), {t.get("browse-more")} }
                    }
                },
                Err(e) => rsx! { p { class: "muted", "{e}" } },
            }
        }
    }
}

/// A place with its kind, distance, open state and stars; a tap opens its page.
#[component]
fn Row(row: PlaceRow) -> Element {
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let t = ui.texts.read();
    let l = t.lang().code();
    let p = &row.place;
    let mut meta = vec![t.get(&format!("kind-{}", p.kind))];
    if let Some(d) = row.distance_m {
        meta.push(if d < 1000.0 {
            format!("{} m", d.round())
        } else {
            format!("{} km", super::one_decimal(l, d / 1000.0))
        });
    }
    match row.open {
        OpenState::Open => meta.push(t.get("place-open")),
        OpenState::Closed => meta.push(t.get("place-closed")),
        OpenState::Unknown => {}
    }
    if let Some((avg, n)) = row.rating {
        meta.push(format!("★ {avg:.1} ({n})"));
    }
    let id = p.id.clone();
    rsx! {
        li { class: "place", "data-testid": "place-{p.id}",
            button { r#type: "button", class: "row-button", "data-testid": "open-{p.id}",
                onclick: move |_| nav.open(Page::Place(id.clone())),
                Icon { name: "place" }
                div {
                    strong { {p.name.get(l)} }
                    small { {meta.join(" · ")} }
                }
            }
        }
    }
}
