//! Open reports of the same kind close to the place: "me too" instead of a duplicate.

use dioxus::prelude::*;
use mycity_core::LatLon;

use crate::ui::{Services, Ui};

#[component]
pub fn Nearby(code: String, at: LatLon, on_done: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let found = use_resource(move || {
        let (core, code) = (core.clone(), code.clone());
        async move { core.nearby_open(&code, at).await }
    });
    let core = use_context::<Services>().core;
    let t = ui.texts.read();
    let list = match &*found.read() {
        Some(Ok(list)) if !list.is_empty() => list.clone(),
        // Offline or nothing near: the report goes ahead as usual.
        _ => return rsx! {},
    };
    rsx! {
        section { class: "card nearby", "data-testid": "nearby",
            h2 { {t.get("report-nearby-title")} }
            for n in list {
                div { key: "{n.server_id}", class: "nearby-item",
                    p { "{n.description}" }
                    small { class: "muted", {t.args("report-nearby-distance", &[("m", &format!("{:.0}", n.distance_m))])} }
                    button { r#type: "button", class: "secondary", "data-testid": "me-too",
                        onclick: {
                            let (core, id) = (core.clone(), n.server_id.clone());
                            let text = t.get("report-me-too-default");
                            move |_| {
                                if core.me_too(&id, &text).is_ok() {
                                    ui.changed(&core);
                                    on_done.call(());
                                }
                            }
                        },
                        {t.get("report-me-too")}
                    }
                }
            }
        }
    }
}
