//! Phản ánh: pick a category, answer its questions, add photos, place it,
//! describe it, send. Sending queues it in the core (it leaves the phone when
//! the network allows); "My reports" shows each report's way through the city.

mod clip;
mod feedback;
mod form;
mod mine;
mod nearby;
mod place;
mod questions;

use dioxus::prelude::*;

use super::{icons::Icon, Services, TitleBar, Ui};

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    New,
    Mine,
}

#[component]
pub fn Report() -> Element {
    let ui = use_context::<Ui>();
    let mut tab = use_signal(|| Tab::New);
    let core = use_context::<Services>().core;
    let waiting = use_memo(move || {
        ui.revision.read();
        core.waiting().unwrap_or(0)
    });
    let t = ui.texts.read();
    rsx! {
        TitleBar { title: t.get("report-title") }
        if waiting() > 0 {
            p { class: "banner offline", "data-testid": "waiting-banner",
                Icon { name: "offline" }
                {t.args("report-waiting", &[("count", &waiting().to_string())])}
            }
        }
        div { class: "segmented",
            button { r#type: "button", "data-testid": "report-new",
                class: if tab() == Tab::New { "selected" } else { "" },
                onclick: move |_| tab.set(Tab::New), {t.get("report-new")} }
            button { r#type: "button", "data-testid": "report-mine",
                class: if tab() == Tab::Mine { "selected" } else { "" },
                onclick: move |_| tab.set(Tab::Mine), {t.get("report-mine")} }
        }
        match tab() {
            Tab::New => rsx! { form::NewReport { on_sent: move |_| tab.set(Tab::Mine) } },
            Tab::Mine => rsx! { mine::MyReports {} },
        }
    }
}
