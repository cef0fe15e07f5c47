//! A report's video clip: picking it for a new report (the core checks,
//! places and strips it) and how far its upload got on "My reports". No video
//! decoder is linked, so the poster is a neutral frame with the clip's length.

use dioxus::prelude::*;
use mycity_core::{clips::MAX_CLIP_BYTES, ClipStatus, Draft};

use crate::ui::{icons::Icon, photo::FilePick, FieldError, Services, Shown, Ui};

/// Length as "0:12".
fn length(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    format!("{}:{:02}", s / 60, s % 60)
}

/// The clip card of the report form.
#[component]
pub fn ClipCard(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let core = use_context::<Services>().core;
    let texts = use_context::<Ui>().texts;
    let mut busy = use_signal(|| false);
    let prepare = core.clone();
    let on_bytes = use_callback(move |bytes: Vec<u8>| {
        let core = prepare.clone();
        spawn(async move {
            let prepared = core.prepare_clip_bytes(bytes).await;
            busy.set(false);
            let set = prepared.and_then(|c| core.set_clip(&mut draft.write(), c));
            match set {
                Ok(_) => error.write().retain(|e| !e.is_at(&["clip"])),
                Err(e) => error.set(vec![Shown::of(&texts.peek(), &e)]),
            }
        });
    });
    let t = texts.read();
    let clip = draft.read().clip.clone();
    rsx! {
        section { class: "card", "data-testid": "report-clip", "data-field": "clip",
            h2 { {t.get("clip-title")} }
            match clip {
                Some(c) => rsx! {
                    div { class: "clip-chosen", "data-testid": "clip-chosen",
                        div { class: "clip-poster", "aria-hidden": "true", Icon { name: "video" } span { {length(c.duration_ms)} } }
                        div { class: "clip-facts",
                            strong { "data-testid": "clip-facts",
                                {t.args("clip-facts", &[("seconds", &c.duration_ms.div_ceil(1000).to_string()), ("size", &t.size(c.bytes))])} }
                            small { class: "muted", {t.get("clip-stripped")} }
                        }
                        button { r#type: "button", class: "remove", "data-testid": "clip-remove", "aria-label": t.get("clip-remove"),
                            onclick: move |_| core.remove_clip(&mut draft.write()), "×" }
                    }
                },
                None => rsx! {
                    p { class: "muted", {t.args("clip-hint", &[("seconds", "30"), ("mb", &(MAX_CLIP_BYTES / (1024 * 1024)).to_string())])} }
                    FilePick { id: "report-clip", testid: "clip-input", accept: "video/mp4,video/quicktime", camera: true,
                        label: t.get("clip-add"), busy_label: t.get("clip-working"), busy,
                        max_bytes: MAX_CLIP_BYTES as usize, too_large: "problem-clip-too-large",
                        on_bytes, on_error: move |e: String| error.set(vec![Shown::at("clip", e)]) }
                },
            }
            FieldError { error, field: "clip" }
        }
    }
}

/// A sent or sending report's clip: its upload's progress, kept across restarts.
#[component]
pub fn ClipLine(clip: ClipStatus) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let (sent, total) = (t.size(clip.sent_bytes), t.size(clip.bytes));
    let seconds = clip.duration_ms.div_ceil(1000).to_string();
    rsx! {
        div { class: "clip-line", "data-testid": "report-clip-line",
            Icon { name: "video" }
            if clip.is_sent() {
                small { "data-testid": "clip-sent", {t.args("clip-sent", &[("seconds", &seconds), ("size", &total)])} }
            } else {
                div { class: "clip-progress",
                    small { "data-testid": "clip-progress",
                        {t.args("clip-sending", &[("percent", &clip.percent.to_string()), ("sent", &sent), ("size", &total)])} }
                    progress { max: "100", value: "{clip.percent}", "aria-label": t.get("clip-title") }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::length;

    #[test]
    fn lengths_read_as_minutes_and_seconds() {
        assert_eq!(length(12_000), "0:12");
        assert_eq!(length(29_400), "0:30");
        assert_eq!(length(61_000), "1:01");
    }
}
