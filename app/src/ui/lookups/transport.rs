//! The transport look-up (being built: issue 14).

use dioxus::prelude::*;

use crate::ui::{Screen, TitleBar, Ui};

/// The transport look-up screen.
#[component]
pub fn Transport() -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    rsx! {
        TitleBar { title: t.get("lookups-transport"), back: Screen::Lookups }
    }
}
