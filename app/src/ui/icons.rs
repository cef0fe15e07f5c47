//! The app's SVG icons (assets/ui/icons), compiled in so they work offline.

use dioxus::prelude::*;

macro_rules! icons {
    ($($name:literal),* $(,)?) => {
        /// The SVG markup of icon `name`, if there is one.
        pub fn svg(name: &str) -> Option<&'static str> {
            match name {
                $($name => Some(include_str!(concat!("../../../assets/ui/icons/", $name, ".svg"))),)*
                _ => None,
            }
        }
    };
}

icons!(
    "home",
    "report",
    "video",
    "dossier",
    "tourism",
    "sos",
    "alert",
    "settings",
    "search",
    "location",
    "sms",
    "back",
    "refresh",
    "offline",
    "place",
    "an-ninh-trat-tu",
    "an-toan-giao-thong",
    "trat-tu-do-thi",
    "trat-tu-xay-dung",
    "ve-sinh-moi-truong",
    "pothole",
    "street-light",
    "tree",
    "flooding",
    "waste",
    "police",
    "fire",
    "ambulance",
    "rescue",
    "child",
    "city",
    "bus",
    "zones",
);

/// An inline icon; unknown names draw the generic place pin.
#[component]
pub fn Icon(name: String) -> Element {
    let markup = svg(&name).or_else(|| svg("place")).unwrap_or_default();
    rsx! { span { class: "icon", "aria-hidden": "true", dangerous_inner_html: markup } }
}
