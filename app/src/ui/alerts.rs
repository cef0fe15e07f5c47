//! Cảnh báo: every alert in force in the city, the ones that concern the
//! person first (the core orders and colours them), with what to do and
//! until when; readable offline with the age of the last check.

use dioxus::prelude::*;

use super::{ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Alerts() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let list = use_memo(move || {
        ui.revision.read();
        core.alerts(None).map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let list = match &*list.read() {
        Ok(l) => l.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("alerts-title") }
        if let Some(at) = list.checked_at { p { class: "muted", "data-testid": "alerts-age", {t.args("age-updated", &[("age", &t.age(at))])} } }
        if list.alerts.is_empty() {
            p { class: "muted", "data-testid": "alerts-none", {t.get("alerts-none")} }
        }
        ul { class: "list", "data-testid": "alerts-list",
            for a in list.alerts {
                li { key: "{a.id}", class: "alert-item", "data-testid": "alert-item",
                    style: "border-left: 6px solid {a.banner.colour};",
                    strong { "{a.headline}" }
                    small { class: "muted",
                        if !a.whole_city { "{a.area} · " }
                        {t.args("alerts-until", &[("when", &t.when_unix(a.expires_at))])}
                        if !a.relevant { " · " {t.get("alerts-elsewhere")} }
                    }
                    if let Some(d) = &a.description { p { "{d}" } }
                    if let Some(i) = &a.instruction { p { strong { "{i}" } } }
                }
            }
        }
    }
}
