//! The health look-up (being built: issue 14).

use dioxus::prelude::*;

use crate::ui::{Screen, TitleBar, Ui};

/// The health look-up screen.
#[component]
pub fn Health() -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    rsx! {
        TitleBar { title: t.get("lookups-health"), back: Screen::Lookups }
    }
}
