//! "Quét mã QR": a photo of a site's plate or poster (the camera on a phone,
//! a file on a desktop) goes to the core, which reads the code and names the
//! site; the site's page opens, or the core's message says why not.

use base64::Engine;
use dioxus::prelude::*;
use mycity_core::photos::MAX_INPUT_BYTES;

use super::{Nav, Page};
use crate::ui::{icons::Icon, photo::picker_js, Services, Ui};

const INPUT_ID: &str = "site-scan-input";

#[component]
pub(super) fn ScanSite() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let nav = use_context::<Nav>();
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    use_future(move || {
        let core = core.clone();
        async move {
            let mut channel = document::eval(&picker_js(INPUT_ID, mycity_core::photos::MAX_INPUT_BYTES));
            let mut buf: Vec<u8> = Vec::new();
            while let Ok(msg) = channel.recv::<serde_json::Value>().await {
                if msg["too_large"].as_u64().is_some() {
                    let mb = (MAX_INPUT_BYTES / (1024 * 1024)).to_string();
                    error.set(Some(ui.texts.peek().args("photo-too-large", &[("mb", &mb)])));
                } else if msg["start"].as_u64().is_some() {
                    busy.set(true);
                    error.set(None);
                    buf.clear();
                } else if let Some(c) = msg["chunk"].as_str() {
                    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(c) {
                        if buf.len() + bytes.len() <= MAX_INPUT_BYTES {
                            buf.extend(bytes);
                        }
                    }
                } else if msg["end"].as_bool() == Some(true) {
                    let found = core.clone().scan_site_async(std::mem::take(&mut buf)).await;
                    busy.set(false);
                    match found {
                        Ok(place) => nav.open(Page::Place(place.id)),
                        Err(e) => error.set(Some(ui.texts.peek().error(&e))),
                    }
                }
            }
        }
    });
    let t = ui.texts.read();
    rsx! {
        div { class: "scan-site",
            label { class: "photo-pick",
                input { id: INPUT_ID, r#type: "file", accept: "image/*", capture: "environment", "data-testid": "scan-input" }
                span { class: "secondary button-like", "data-testid": "scan-site",
                    Icon { name: "search" }
                    if busy() { {t.get("scan-working")} } else { {t.get("scan-site")} }
                }
            }
            if let Some(e) = error() { p { class: "field-error", role: "alert", "data-testid": "scan-error", "{e}" } }
        }
    }
}
