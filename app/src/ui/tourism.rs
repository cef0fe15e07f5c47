//! Du lịch: search the city's places (Vietnamese with or without marks).

use dioxus::prelude::*;

use super::{home::PlaceRow, icons::Icon, place::PlacePage, Services, TitleBar, Ui};

#[component]
pub fn Tourism() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut query = use_signal(String::new);
    let mut open = use_signal(|| None::<String>);
    let results = use_memo(move || {
        ui.revision.read();
        core.browse_places(&query.read(), 30).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let city =
        use_context::<Services>().core.city().map(|c| c.name.get(t.lang().code()).to_owned()).unwrap_or_default();
    if let Some(id) = open() {
        return rsx! {
            TitleBar { title: t.args("tourism-title", &[("city", &city)]) }
            PlacePage { id, on_back: move |_| open.set(None) }
        };
    }
    rsx! {
        TitleBar { title: t.args("tourism-title", &[("city", &city)]) }
        label { class: "search",
            Icon { name: "search" }
            input {
                r#type: "search", "data-testid": "place-search",
                placeholder: t.get("search-placeholder"),
                value: "{query}",
                oninput: move |e| query.set(e.value()),
            }
        }
        match &*results.read() {
            Ok(list) if list.is_empty() => rsx! {
                p { class: "muted", "data-testid": "search-empty", {t.args("search-empty", &[("query", &query.read())])} }
            },
            Ok(list) => rsx! {
                if !query.read().trim().is_empty() {
                    p { class: "muted", "data-testid": "search-count", {t.args("search-count", &[("count", &list.len().to_string())])} }
                }
                ul { class: "list", "data-testid": "place-results",
                    for p in list.iter() {
                        PlaceRow { key: "{p.id}", place: p.clone(), on_open: move |id: String| open.set(Some(id)) }
                    }
                }
            },
            Err(e) => rsx! { p { class: "muted", "data-testid": "search-error", "{e}" } },
        }
    }
}
