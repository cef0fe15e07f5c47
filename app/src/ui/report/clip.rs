//! A report's video clip: picking it for a new report (the core checks,
//! places and strips it) and how far its upload got on "My reports". No video
//! decoder is linked into the core: the poster is a frame the web view's own
//! decoder draws when it can, else a neutral frame, with the clip's length.

use dioxus::prelude::*;
use mycity_core::{clips::MAX_CLIP_BYTES, ClipStatus, Draft};

use crate::ui::{
    icons::Icon,
    photo::{data_url, FilePick},
    FieldError, Services, Shown, Ui,
};

/// Whole seconds, to the nearest (a 2.004 s clip is "2 s"), at least 1.
fn seconds(ms: u64) -> u64 {
    ((ms + 500) / 1000).max(1)
}

/// Length as "0:12".
fn length(ms: u64) -> String {
    let s = seconds(ms);
    format!("{}:{:02}", s / 60, s % 60)
}

/// The clip card of the report form.
#[component]
pub fn ClipCard(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let core = use_context::<Services>().core;
    let texts = use_context::<Ui>().texts;
    let mut busy = use_signal(|| false);
    // The frame the web view drew arrives before the clip's bytes.
    let mut frame = use_signal(|| None::<Vec<u8>>);
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
            if let Some(f) = frame.take() {
                // A frame the core cannot read leaves the neutral poster; the clip is fine.
                if let Err(e) = core.set_clip_poster(&mut draft.write(), &f) {
                    tracing::info!(%e, "clip poster not kept");
                }
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
                        ClipPoster { poster: c.poster.clone(), duration_ms: c.duration_ms }
                        div { class: "clip-facts",
                            strong { "data-testid": "clip-facts",
                                {t.args("clip-facts", &[("seconds", &seconds(c.duration_ms).to_string()), ("size", &t.size(c.bytes))])} }
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
                        on_poster: move |f| frame.set(Some(f)),
                        on_bytes, on_error: move |e: String| error.set(vec![Shown::at("clip", e)]) }
                },
            }
            FieldError { error, field: "clip" }
        }
    }
}

/// The clip's poster: its frame when the platform drew one, else a neutral
/// frame; its length over it either way.
#[component]
fn ClipPoster(poster: Option<Vec<u8>>, duration_ms: u64) -> Element {
    rsx! {
        div { class: "clip-poster", "aria-hidden": "true", "data-testid": "clip-poster",
            if let Some(p) = poster {
                img { src: data_url(&p), alt: "", "data-testid": "clip-poster-frame" }
            } else {
                Icon { name: "video" }
            }
            span { class: "clip-length", {length(duration_ms)} }
        }
    }
}

/// A sent or sending report's clip: its upload's progress, kept across restarts.
#[component]
pub fn ClipLine(clip: ClipStatus) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let (sent, total) = (t.size(clip.sent_bytes), t.size(clip.bytes));
    let seconds = seconds(clip.duration_ms).to_string();
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
        assert_eq!(length(2_004), "0:02");
        assert_eq!(length(29_600), "0:30");
        assert_eq!(length(300), "0:01");
        assert_eq!(length(61_000), "1:01");
    }
}
