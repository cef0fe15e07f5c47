//! The transport look-up: next buses at the nearest stops, a chosen route on
//! the map, and the road closures and roadworks in force. Everything is the
//! core's, answered offline from the city pack and the last alerts fetched.

use dioxus::prelude::*;
use mycity_core::{
    alerts::ActiveAlert,
    transport::{RouteInfo, StopDepartures},
    LatLon,
};

use super::transport_map::{view_of, TransportMap};
use crate::ui::{sos::LOCATE_JS, ErrorNote, Screen, Services, TitleBar, Ui};

/// The transport look-up screen.
#[component]
pub fn Transport() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let chosen = use_signal(|| None::<String>);
    let mut here = use_signal(|| None::<LatLon>);
    let data = use_memo(move || {
        ui.revision.read();
        let view = core.transport(here(), None).map_err(|e| ui.texts.peek().error(&e))?;
        let closures = core.road_closures().unwrap_or_default();
        let city = core.city().map_err(|e| ui.texts.peek().error(&e))?;
        Ok::<_, String>((view, closures, city, core.ward_shapes().unwrap_or_default()))
    });
    let core = use_context::<Services>().core;
    let route = use_memo(move || chosen().and_then(|id| core.transport_route(&id).ok().flatten()));
    let t = ui.texts.read();
    let (view, closures, city, shapes) = match &*data.read() {
        Ok(d) => d.clone(),
        Err(e) => {
            return rsx! { TitleBar { title: t.get("lookups-transport"), back: Screen::Lookups } ErrorNote { message: e.clone() } }
        }
    };
    let lang = t.lang().code();
    if !view.has_feed {
        return rsx! {
            TitleBar { title: t.get("lookups-transport"), back: Screen::Lookups }
            p { class: "muted", "data-testid": "transport-none", {t.args("transport-none", &[("city", city.name.get(lang))])} }
            Closures { closures }
        };
    }
    let route = route();
    let mut points: Vec<_> = closures
        .iter()
        .flat_map(|a| a.polygons.iter().flatten().map(|[lat, lon]| LatLon { lat: *lat, lon: *lon }))
        .collect();
    match &route {
        Some(r) => points.extend(r.lines.iter().flat_map(|l| l.points.iter().copied())),
        None => points.extend(view.stops.iter().map(|s| s.stop.position).chain([view.position])),
    }
    let map_view = view_of(points.into_iter().filter(|p| city.bbox.contains(*p)), city.bbox);
    let near = view.stops.iter().map(|s| s.stop.clone()).collect::<Vec<_>>();
    rsx! {
        TitleBar { title: t.get("lookups-transport"), back: Screen::Lookups }
        if view.approximate {
            p { class: "banner info", "data-testid": "transport-approximate", {t.get("transport-approximate")} }
        }
        div { class: "row refresh-row",
            p { class: "muted", "data-testid": "transport-from",
                {t.get(if view.from_centre { "transport-from-centre" } else { "transport-from-position" })}
            }
            button { r#type: "button", class: "secondary", "data-testid": "transport-locate",
                onclick: move |_| async move {
                    if let Ok(Some([lat, lon, _])) = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await {
                        here.set(Some(LatLon { lat, lon }));
                    }
                },
                {t.get("transport-locate")}
            }
        }
        h2 { {t.get("transport-nearest")} }
        ul { class: "list", "data-testid": "transport-stops",
            for s in view.stops.iter() {
                StopCard { key: "{s.stop.id}", stop: s.clone(), chosen }
            }
        }
        TransportMap { view: map_view, shapes, route: route.clone(), near, closures: closures.clone(),
            position: view.position, label: t.get("transport-map-label") }
        if let Some(r) = &route {
            div { class: "card", "data-testid": "route-card",
                strong { "data-testid": "route-title", {t.args("transport-route-title", &[("number", &r.route.number), ("name", &r.route.name)])} }
                for l in r.lines.iter().take(1) {
                    p { class: "muted", {t.args("transport-route-stops", &[("count", &l.stops.len().to_string()), ("headsign", &l.headsign)])} }
                    p { "data-testid": "route-stops", {l.stops.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" → ")} }
                }
            }
        }
        h2 { {t.get("transport-routes")} }
        RouteChips { routes: view.routes.clone(), chosen }
        Closures { closures }
    }
}

/// One stop: its name, how far, and the next buses per route and headsign.
#[component]
fn StopCard(stop: StopDepartures, chosen: Signal<Option<String>>) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let away = t.distance(stop.distance_m);
    rsx! {
        li { class: "place stop-card", "data-testid": "stop-{stop.stop.id}",
            div { class: "stop-head",
                strong { "{stop.stop.name}" }
                span { class: "muted", {t.args("transport-distance", &[("distance", &away)])} }
            }
            if stop.lines.is_empty() {
                p { class: "muted", {t.get("transport-no-departures")} }
            }
            for l in stop.lines.iter() {
                button { r#type: "button", class: "row-button departure", "data-testid": "departure",
                    key: "{l.route.id}-{l.headsign}",
                    onclick: {
                        let id = l.route.id.clone();
                        move |_| chosen.set(Some(id.clone()))
                    },
                    span { class: "chip route-number", style: "background: {l.route.colour}; color: #fff;", "data-testid": "departure-route", "{l.route.number}" }
                    span { class: "headsign", "data-testid": "departure-headsign", "{l.headsign}" }
                    span { class: "minutes",
                        strong { "data-testid": "departure-minutes", {soonest(&t, l.minutes[0], &l.times[0])} }
                        small { class: "muted", "data-testid": "departure-times", {later(&t, l.minutes[0], &l.times)} }
                    }
                }
            }
        }
    }
}

/// The soonest departure: minutes while it is worth waiting for, else its time.
fn soonest(t: &mycity_core::Texts, minutes: u32, at: &str) -> String {
    if minutes <= 90 {
        t.args("transport-minutes", &[("minutes", &minutes.to_string())])
    } else {
        t.args("transport-at", &[("time", at)])
    }
}

/// Under the soonest: every time while the soonest shows as minutes, else the ones after it.
fn later(t: &mycity_core::Texts, minutes: u32, times: &[String]) -> String {
    match times {
        [_, rest @ ..] if minutes > 90 && !rest.is_empty() => t.args("transport-then", &[("time", &rest.join(", "))]),
        _ if minutes > 90 => String::new(),
        _ => t.args("transport-at", &[("time", &times.join(", "))]),
    }
}

/// Every route of the city; choosing one draws it.
#[component]
fn RouteChips(routes: Vec<RouteInfo>, chosen: Signal<Option<String>>) -> Element {
    rsx! {
        div { class: "chips", "data-testid": "transport-routes",
            for r in routes {
                button { r#type: "button", key: "{r.id}", class: if chosen().as_deref() == Some(r.id.as_str()) { "chip selected" } else { "chip" },
                    "data-testid": "route-{r.id}", "aria-pressed": "{chosen().as_deref() == Some(r.id.as_str())}",
                    onclick: {
                        let id = r.id.clone();
                        move |_| chosen.set(Some(id.clone()))
                    },
                    "{r.number}"
                }
            }
        }
    }
}

/// The road closures and roadworks in force, with their text.
#[component]
fn Closures(closures: Vec<ActiveAlert>) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    rsx! {
        h2 { {t.get("transport-closures")} }
        if closures.is_empty() {
            p { class: "muted", "data-testid": "closures-none", {t.get("transport-closures-none")} }
        }
        ul { class: "list", "data-testid": "closures",
            for a in closures {
                li { key: "{a.id}", class: "alert-item", "data-testid": "closure",
                    strong { style: "color: {a.banner.colour};", "{a.event}" }
                    p { "data-testid": "closure-headline", "{a.headline}" }
                    if let Some(d) = &a.description { p { class: "muted", "{d}" } }
                    if let Some(i) = &a.instruction { p { "{i}" } }
                    p { class: "muted", {t.args("transport-closures-until", &[("until", &t.when_unix(a.expires_at))])} }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn a_city_without_buses_says_so_plainly() {
        let html = render(Screen::Transport, |_| {});
        assert!(html.contains("transport-none"), "{html}");
        assert!(html.contains("chưa có lịch xe buýt"), "{html}");
        assert!(html.contains("closures-none"), "{html}");
    }

    #[test]
    fn da_nang_shows_the_next_buses_at_the_nearest_stops_and_its_routes() {
        let html = render(Screen::Transport, |c| {
            c.set_city("da-nang").unwrap();
        });
        for id in [
            "transport-approximate",
            "transport-stops",
            "departure-route",
            "departure-minutes",
            "transport-map",
            "route-R16",
            "near-stop",
        ] {
            assert!(html.contains(id), "missing {id}: {html}");
        }
        assert!(html.contains("gần đúng"), "{html}");
        assert!(html.contains("Tính từ trung tâm"), "no position known: {html}");
    }

    #[test]
    fn in_english_the_mark_and_the_labels_are_english() {
        let html = render(Screen::Transport, |c| {
            c.set_city("da-nang").unwrap();
            c.set_lang(mycity_core::Lang::En).unwrap();
        });
        for text in ["approximate", "Nearest stops", "Road closures and roadworks", "Use my position"] {
            assert!(html.contains(text), "missing {text}: {html}");
        }
    }
}
