//! Thông báo: the city's announcements, newest first, searchable without
//! accents (the core folds and matches), readable offline.

use dioxus::prelude::*;

use super::{icons::Icon, ErrorNote, Services, TitleBar, Ui};

const CATEGORIES: [&str; 5] = ["administration", "traffic", "health", "culture", "environment"];

#[component]
pub fn Announcements() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut query = use_signal(String::new);
    let list = use_memo(move || {
        ui.revision.read();
        core.announcements(&query.read()).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let list = match &*list.read() {
        Ok(l) => l.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("announcements-title") }
        label { class: "search",
            Icon { name: "search" }
            input { r#type: "search", "data-testid": "announcements-search", "aria-label": t.get("announcements-search"),
                placeholder: t.get("announcements-search"), value: "{query}", oninput: move |e| query.set(e.value()) }
        }
        if list.is_empty() { p { class: "muted", "data-testid": "announcements-none", {t.get("announcements-none")} } }
        ul { class: "list", "data-testid": "announcements-list",
            for a in list {
                li { key: "{a.id}", class: "card announcement", "data-testid": "announcement-{a.id}",
                    small { class: "muted",
                        span { class: "chip category",
                            {t.get(if CATEGORIES.contains(&a.category.as_str()) {
                                format!("announcement-category-{}", a.category)
                            } else {
                                "announcement-category-other".to_owned()
                            }.as_str())}
                        }
                        " {t.when(&a.date)}"
                    }
                    h2 { "{a.title}" }
                    p { "{a.body}" }
                }
            }
        }
    }
}
