//! The city's most pressing alert for the person, at the top of Home: its
//! colour comes from the core's severity decision, its text from the alert
//! in the person's language. A tap shows the description and what to do.

use dioxus::prelude::*;

use super::{icons::Icon, Screen, Services, Ui};

#[component]
pub fn AlertBanner() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let top = use_memo(move || {
        ui.revision.read();
        core.top_alert(None).ok().flatten()
    });
    let mut open = use_signal(|| false);
    let mut screen = ui.screen;
    let t = ui.texts.read();
    let Some(alert) = top() else { return rsx! {} };
    let banner = alert.banner;
    rsx! {
        section { class: "alert-banner", role: "alert", "data-testid": "alert-banner",
            style: "background: {banner.colour}; color: {banner.text};",
            button { r#type: "button", class: "alert-head", "aria-expanded": "{open}",
                onclick: move |_| open.toggle(),
                Icon { name: "alert" }
                span {
                    strong { "data-testid": "alert-headline", "{alert.headline}" }
                    // A city-wide alert's area is the city itself: only the age is worth a line.
                    small {
                        if !alert.whole_city { "{alert.area} · " }
                        {t.age(alert.sent_at)}
                    }
                }
            }
            if open() {
                if let Some(d) = &alert.description { p { "{d}" } }
                if let Some(i) = &alert.instruction { p { strong { "{i}" } } }
                button { r#type: "button", class: "link alert-all", "data-testid": "alerts-open",
                    style: "color: {banner.text};", onclick: move |_| screen.set(Screen::Alerts), {t.get("alerts-all")} }
            }
        }
    }
}
