//! "Is it really fixed?" and "how satisfied are you?" on a report the city
//! called done; my answers afterwards, changeable while the core allows.

use dioxus::prelude::*;
use mycity_core::reports::{feedback::Given, Feedback};

use crate::ui::{
    photo::{data_url, PhotoPicker},
    stars::Stars,
    Services, Shown, Ui,
};

/// The question, or my answers with "change" while the core says they may change.
#[component]
pub fn FeedbackCard(id: String, feedback: Feedback) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let mut changing = use_signal(|| false);
    match feedback {
        Feedback::Ask => rsx! { FeedbackForm { id, given: None } },
        Feedback::Given(g) if changing() => rsx! { FeedbackForm { id, given: Some(g) } },
        Feedback::Given(g) => {
            let key = if g.fixed { "feedback-given-fixed" } else { "feedback-given-not-fixed" };
            rsx! {
                div { class: "feedback given", "data-testid": "feedback-given",
                    p { {t.args(key, &[("rating", &g.rating.to_string())])} }
                    if let Some(reason) = &g.refused {
                        p { class: "field-error", "data-testid": "feedback-refused", {t.args("feedback-refused", &[("reason", reason)])} }
                    } else if !g.sent {
                        small { class: "muted", "data-testid": "feedback-waiting", {t.get("feedback-waiting")} }
                    }
                    if let Some(until) = g.changeable_until {
                        small { class: "muted", {t.args("feedback-changeable", &[("date", &t.date_unix(until))])} }
                        button { r#type: "button", class: "link", "data-testid": "feedback-change",
                            onclick: move |_| changing.set(true), {t.get("feedback-change")} }
                    }
                }
            }
        }
    }
}

/// The two questions, a comment, and for a "no" a photo of how it looks now.
#[component]
fn FeedbackForm(id: String, given: Option<Given>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut fixed = use_signal(|| given.as_ref().map(|g| g.fixed));
    let rating = use_signal(|| given.as_ref().map_or(0, |g| g.rating));
    let mut comment = use_signal(|| given.as_ref().map(|g| g.comment.clone()).unwrap_or_default());
    let mut photo = use_signal(|| None::<mycity_core::photos::Processed>);
    let mut error = use_signal(|| None::<Shown>);
    // A choice made answers the problem it was about.
    use_effect(move || {
        let _ = (fixed(), rating());
        error.set(None);
    });
    let t = ui.texts.read();
    let field_error = move |field: &str| error().filter(|e| e.field.as_deref() == Some(field)).map(|e| e.text);
    let send_id = id.clone();
    let send_core = core.clone();
    let question = format!("feedback-q-{id}");
    let picker = format!("feedback-photo-{id}");
    let send = move |_| {
        let core = &send_core;
        let jpeg = photo.read().as_ref().map(|p| p.jpeg.clone());
        match core.give_feedback(&send_id, fixed(), rating(), &comment.read(), jpeg.as_deref()) {
            Ok(_) => ui.changed(core),
            Err(e) => error.set(Some(Shown::of(&ui.texts.peek(), &e))),
        }
    };
    rsx! {
        div { class: "feedback", "data-testid": "feedback-form",
            p { class: "question", id: "{question}", strong { {t.get("feedback-question")} } }
            div { class: "choices", role: "group", "aria-labelledby": "{question}",
                button { r#type: "button", class: if fixed() == Some(true) { "choice on" } else { "choice" },
                    "data-testid": "feedback-yes", "aria-pressed": "{fixed() == Some(true)}",
                    onclick: move |_| fixed.set(Some(true)), {t.get("feedback-yes")} }
                button { r#type: "button", class: if fixed() == Some(false) { "choice on" } else { "choice" },
                    "data-testid": "feedback-no", "aria-pressed": "{fixed() == Some(false)}",
                    onclick: move |_| fixed.set(Some(false)), {t.get("feedback-no")} }
            }
            if let Some(e) = field_error("fixed") { p { class: "field-error", role: "alert", "data-testid": "feedback-error", "{e}" } }
            p { class: "question", {t.get("feedback-rating-question")} }
            Stars { value: rating, label: move |n: u8| ui.texts.peek().args("feedback-rating-label", &[("rating", &n.to_string())]), testid: "feedback-star" }
            if let Some(e) = field_error("rating") { p { class: "field-error", role: "alert", "data-testid": "feedback-error", "{e}" } }
            textarea { rows: "2", placeholder: t.get("feedback-comment"), "aria-label": t.get("feedback-comment"),
                value: "{comment}", "data-testid": "feedback-comment", oninput: move |e| comment.set(e.value()) }
            if fixed() == Some(false) {
                if let Some(p) = photo() {
                    div { class: "thumb", "data-testid": "photo-thumb", img { src: data_url(&p.thumbnail), alt: "" } }
                } else {
                    PhotoPicker { id: picker, on_photo: move |p| photo.set(Some(p)), on_error: move |e| error.set(Some(Shown::at("photos", e))) }
                }
            }
            if let Some(e) = error().filter(|e| !matches!(e.field.as_deref(), Some("fixed" | "rating"))) {
                p { class: "field-error", role: "alert", "data-testid": "feedback-error", "{e.text}" }
            }
            div { class: "choices",
                button { r#type: "button", class: "primary", "data-testid": "feedback-send", onclick: send, {t.get("feedback-send")} }
                if given.is_none() {
                    button { r#type: "button", class: "secondary", "data-testid": "feedback-later",
                        onclick: move |_| match core.dismiss_feedback(&id) {
                            Ok(()) => ui.changed(&core),
                            Err(e) => error.set(Some(Shown::of(&ui.texts.peek(), &e))),
                        },
                        {t.get("feedback-later")} }
                }
            }
        }
    }
}
