//! Du lịch: scan a site, search the city's places, featured tours, events
//! this week, plan my free time, browse every place by kind. Pages (a place,
//! a tour) open on top of the guide, which stays mounted underneath so a
//! plan or a search is still there on the way back.

mod browse;
mod guide;
mod plan;
mod route_map;
mod scan;
mod tour;

use dioxus::prelude::*;

use super::{home::PlaceRow, icons::Icon, place::PlacePage, Services, TitleBar, Ui};

/// `x` with one decimal as the language writes it ("2,5" / "2.5"), "2" for a whole number.
fn one_decimal(lang: &str, x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_owned();
    if lang == "vi" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// A page opened on top of the guide.
#[derive(Clone, PartialEq, Debug)]
enum Page {
    Place(String),
    Tour(String),
}

/// Where the person is, once asked (nearest first, "start here").
#[derive(Clone, Copy)]
struct Here(Signal<Option<mycity_core::LatLon>>);

/// The tab's pages, last on top.
#[derive(Clone, Copy)]
struct Nav(Signal<Vec<Page>>);

impl Nav {
    fn open(mut self, page: Page) {
        self.0.write().push(page);
    }

    fn back(mut self) {
        self.0.write().pop();
    }
}

#[component]
pub fn Tourism() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let nav = use_context_provider(|| Nav(Signal::new(Vec::new())));
    use_context_provider(|| Here(Signal::new(None)));
    let t = ui.texts.read();
    let city = core.city().map(|c| c.name.get(t.lang().code()).to_owned()).unwrap_or_default();
    let top = nav.0.read().last().cloned();
    rsx! {
        TitleBar { title: t.args("tourism-title", &[("city", &city)]) }
        match top.clone() {
            Some(Page::Place(id)) => rsx! { PlacePage { key: "{id}", id, on_back: move |_| nav.back() } },
            Some(Page::Tour(id)) => rsx! { tour::TourView { key: "{id}", id } },
            None => rsx! {},
        }
        div { hidden: top.is_some(), "data-testid": "tourism-guide",
            scan::ScanSite {}
            Search {}
        }
    }
}

/// The search box; while it holds words, the results replace the guide below it.
#[component]
fn Search() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let mut query = use_signal(String::new);
    let results = use_memo(move || {
        ui.revision.read();
        if query.read().trim().is_empty() {
            return Ok(Vec::new());
        }
        core.browse_places(&query.read(), 30).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let searching = !query.read().trim().is_empty();
    rsx! {
        label { class: "search",
            Icon { name: "search" }
            input {
                r#type: "search", "data-testid": "place-search",
                placeholder: t.get("search-placeholder"),
                value: "{query}",
                oninput: move |e| query.set(e.value()),
            }
        }
        if searching {
            match &*results.read() {
                Ok(list) if list.is_empty() => rsx! {
                    p { class: "muted", "data-testid": "search-empty", {t.args("search-empty", &[("query", &query.read())])} }
                },
                Ok(list) => rsx! {
                    p { class: "muted", "data-testid": "search-count", {t.args("search-count", &[("count", &list.len().to_string())])} }
                    ul { class: "list", "data-testid": "place-results",
                        for p in list.iter() {
                            PlaceRow { key: "{p.id}", place: p.clone(), on_open: move |id: String| nav.open(Page::Place(id)) }
                        }
                    }
                },
                Err(e) => rsx! { p { class: "muted", "data-testid": "search-error", "{e}" } },
            }
        } else {
            guide::Featured {}
            guide::Events {}
            plan::PlanCard {}
            browse::BrowsePlaces {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn the_guide_shows_scan_tours_events_plan_and_every_kind() {
        let html = render(Screen::Tourism, |_| {});
        for id in
            ["scan-input", "place-search", "tours", "events", "plan-go", "plan-hours", "browse-list", "kind-relic"]
        {
            assert!(html.contains(&format!("data-testid=\"{id}\"")), "missing {id}");
        }
        assert!(html.contains("capture=\"environment\""), "the camera on phones");
        assert!(html.contains("browse-more"), "45 places come a page at a time");
    }
}
