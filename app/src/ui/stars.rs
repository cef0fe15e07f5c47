//! A 1–5 picker drawn as stars: place ratings and report satisfaction.

use dioxus::prelude::*;

/// Five star buttons in a radio group; `label` names each choice for screen
/// readers ("4 out of 5"), and `testid` prefixes each star's test id.
#[component]
pub fn Stars(value: Signal<u8>, label: Callback<u8, String>, testid: String) -> Element {
    let mut value = value;
    rsx! {
        div { class: "stars", role: "radiogroup",
            for n in 1..=5u8 {
                button { r#type: "button", key: "{n}", class: if n <= value() { "star on" } else { "star" },
                    "data-testid": "{testid}-{n}", "aria-label": label(n), "aria-pressed": "{n == value()}",
                    onclick: move |_| value.set(n), "★" }
            }
        }
    }
}
