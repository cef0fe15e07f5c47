//! Phản ánh: the city's report categories. Composing and sending a report is
//! the next step of this screen (photos, location, outbox).

use dioxus::prelude::*;

use super::{icons::Icon, ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Report() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let categories = use_memo(move || {
        ui.revision.read();
        core.categories().map_err(|e| e.to_string())
    });
    let t = ui.texts.read();
    let l = t.lang().code();
    let categories = match &*categories.read() {
        Ok(c) => c.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("report-title") }
        p { class: "lead", {t.get("report-intro")} }
        div { class: "category-grid", "data-testid": "categories",
            for c in categories {
                div { key: "{c.code}", class: "category", "data-testid": "category-{c.code}",
                    Icon { name: c.icon.clone() }
                    span { {c.name.get(l)} }
                }
            }
        }
    }
}
