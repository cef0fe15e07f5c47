//! The planning look-up (being built: issue 14).

use dioxus::prelude::*;

use crate::ui::{Screen, TitleBar, Ui};

/// The planning look-up screen.
#[component]
pub fn Planning() -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    rsx! {
        TitleBar { title: t.get("lookups-planning"), back: Screen::Lookups }
    }
}
