//! "Plan my free time": start, hours, interests and travel mode go to the
//! core in one call; the route comes back as ordered stops with their times,
//! drawn on the map. The core's problems show next to their field.

use dioxus::prelude::*;
use mycity_core::{
    tourism::{planner::Mode, Browse, PlanForm, PlannedRoute, Start, KINDS},
    LatLon,
};

use super::{route_map::RouteMap, Here, Nav, Page};
use crate::ui::{sos::LOCATE_JS, FieldError, Services, Shown, Ui};

#[derive(Clone, Copy, PartialEq)]
enum From {
    Centre,
    Here,
    Place,
}

#[component]
pub(super) fn PlanCard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut here = use_context::<Here>().0;
    let mut from = use_signal(|| From::Centre);
    let mut start_place = use_signal(String::new);
    let mut hours = use_signal(|| "3".to_owned());
    let mut interests = use_signal(Vec::<&'static str>::new);
    let mut mode = use_signal(|| Mode::Walk);
    let mut errors = use_signal(Vec::<Shown>::new);
    let mut route = use_signal(|| None::<PlannedRoute>);
    let places = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.browse(&Browse { limit: 100, ..Default::default() }).map(|p| p.rows).unwrap_or_default()
        })
    };
    let t = ui.texts.read();
    let l = t.lang().code();
    let plan = move |_| {
        let core = core.clone();
        async move {
            let start = match from() {
                From::Centre => Start::Centre,
                From::Place => Start::Place(start_place()),
                From::Here => {
                    if here().is_none() {
                        if let Ok(Some([lat, lon, _])) = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await {
                            here.set(Some(LatLon { lat, lon }));
                        }
                    }
                    match here() {
                        Some(at) => Start::Here(at),
                        None => {
                            errors.set(vec![Shown::at("start", ui.texts.peek().get("plan-no-position"))]);
                            return;
                        }
                    }
                }
            };
            let form = PlanForm {
                start,
                hours: hours(),
                interests: interests().iter().map(|k| k.to_string()).collect(),
                mode: mode(),
            };
            match core.plan_free_time(&form) {
                Ok(r) => {
                    errors.set(vec![]);
                    route.set(Some(r));
                }
                Err(e) => {
                    route.set(None);
                    errors.set(vec![Shown::of(&ui.texts.peek(), &e)]);
                }
            }
        }
    };
    let froms = [(From::Centre, "plan-from-centre"), (From::Here, "plan-from-here"), (From::Place, "plan-from-place")];
    let modes = [Mode::Walk, Mode::Motorbike, Mode::Car];
    let general: Vec<Shown> = errors.read().iter().filter(|e| !e.is_at(&["start", "minutes"])).cloned().collect();
    rsx! {
        section { class: "card form", "data-testid": "plan",
            h2 { {t.get("plan-title")} }
            div { class: "field",
                span { {t.get("plan-start")} }
                div { class: "segmented", role: "group",
                    for (f, key) in froms {
                        button { key: "{key}", r#type: "button", class: if from() == f { "selected" } else { "" },
                            "data-testid": "{key}", "aria-pressed": "{from() == f}", onclick: move |_| from.set(f), {t.get(key)} }
                    }
                }
                if from() == From::Place {
                    select { "data-testid": "plan-start-place", "aria-label": t.get("plan-from-place"),
                        onchange: move |e| start_place.set(e.value()),
                        option { value: "", {t.get("plan-choose-place")} }
                        for r in places.read().iter() {
                            option { key: "{r.place.id}", value: "{r.place.id}", selected: *start_place.read() == r.place.id, {r.place.name.get(l)} }
                        }
                    }
                }
                FieldError { error: errors, field: "start" }
            }
            label { class: "field",
                span { {t.get("plan-hours")} }
                input { r#type: "text", inputmode: "decimal", "data-testid": "plan-hours", value: "{hours}",
                    oninput: move |e| hours.set(e.value()) }
                FieldError { error: errors, field: "minutes" }
            }
            div { class: "field",
                span { {t.get("plan-interests")} }
                div { class: "chips", role: "group",
                    for k in KINDS.iter().copied() {
                        button { key: "{k}", r#type: "button", class: if interests.read().contains(&k) { "chip on" } else { "chip" },
                            "aria-pressed": "{interests.read().contains(&k)}", "data-testid": "interest-{k}",
                            onclick: move |_| { let mut i = interests.write(); if let Some(at) = i.iter().position(|x| *x == k) { i.remove(at); } else { i.push(k); } },
                            {t.get(&format!("kind-{k}"))} }
                    }
                }
            }
            div { class: "field",
                span { {t.get("plan-mode")} }
                div { class: "segmented", role: "group",
                    for m in modes {
                        button { key: "{m.as_str()}", r#type: "button", class: if mode() == m { "selected" } else { "" },
                            "data-testid": "plan-mode-{m.as_str()}", "aria-pressed": "{mode() == m}", onclick: move |_| mode.set(m),
                            {t.get(&format!("plan-mode-{}", m.as_str()))} }
                    }
                }
            }
            button { r#type: "button", class: "primary", "data-testid": "plan-go", onclick: plan, {t.get("plan-go")} }
            for e in general { p { class: "field-error", role: "alert", "data-testid": "plan-error", "{e.text}" } }
            if let Some(r) = route() { RouteView { route: r } }
        }
    }
}

/// The planned route: the map, then each stop with its times and the way there.
#[component]
fn RouteView(route: PlannedRoute) -> Element {
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let t = ui.texts.read();
    let l = t.lang().code();
    let stops = route.plan.stops.clone();
    let points: Vec<(LatLon, String)> =
        stops.iter().map(|s| (LatLon { lat: s.place.lat, lon: s.place.lon }, s.place.name.get(l).to_owned())).collect();
    rsx! {
        div { "data-testid": "plan-route",
            if stops.is_empty() {
                p { class: "muted", "data-testid": "plan-empty", {t.get("plan-empty")} }
            } else {
                p { class: "muted", "data-testid": "plan-summary",
                    {t.args("plan-summary", &[("stops", &stops.len().to_string()), ("end", &t.clock(route.plan.ends_at))])} }
                RouteMap { start: route.start, stops: points }
                ol { class: "list", "data-testid": "plan-stops",
                    for (i, s) in stops.iter().enumerate() {
                        {
                            let id = s.place.id.clone();
                            let times = t.args("plan-stop-times", &[("arrive", &t.clock(s.arrive)), ("leave", &t.clock(s.leave))]);
                            let leg = t.args("plan-leg", &[("minutes", &s.travel_min.to_string())]);
                            rsx! {
                                li { key: "{i}", class: "place",
                                    button { r#type: "button", class: "row-button", "data-testid": "plan-stop-{i}",
                                        onclick: move |_| nav.open(Page::Place(id.clone())),
                                        span { class: "stop-number", "{i + 1}" }
                                        div {
                                            strong { {s.place.name.get(l)} }
                                            small { "{times}" }
                                            small { class: "muted", " · {leg}" }
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
