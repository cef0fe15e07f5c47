//! "My reports": each report's status, the city's answers as a timeline,
//! and reopening one the city called fixed when it is not.

use dioxus::prelude::*;
use mycity_core::{
    reports::{Deadline, SendState},
    Report as MyReport,
};

use crate::ui::{
    icons::Icon,
    photo::{data_url, PhotoPicker},
    ErrorNote, Services, Shown, Ui,
};

#[component]
pub fn MyReports() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let reports = use_memo(move || {
        ui.revision.read();
        core.my_reports().map_err(|e| ui.texts.peek().error(&e))
    });
    let core = use_context::<Services>().core;
    // Opening the list is seeing the city's news; the news badge then goes.
    use_effect(move || {
        ui.revision.read();
        match core.mark_reports_seen() {
            Ok(0) => {}
            Ok(_) => ui.changed(&core),
            Err(e) => tracing::warn!(%e, "could not mark reports seen"),
        }
    });
    let t = ui.texts.read();
    let reports: Vec<MyReport> = match &*reports.read() {
        Ok(r) => r.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    if reports.is_empty() {
        return rsx! { p { class: "muted", "data-testid": "no-reports", {t.get("report-none")} } };
    }
    rsx! {
        ul { class: "list reports", "data-testid": "my-reports",
            for r in reports {
                ReportItem { key: "{r.id}", report: r }
            }
        }
    }
}

#[component]
fn ReportItem(report: MyReport) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let mut expanded = use_signal(|| false);
    let r = report;
    let status = r.status.key();
    rsx! {
        li { class: "report-item", "data-testid": "my-report",
            div { class: "report-head",
                if let Some(thumb) = &r.thumbnail {
                    img { class: "report-thumb", src: data_url(thumb), alt: "", "data-testid": "report-thumb" }
                } else {
                    Icon { name: r.service_code.clone() }
                }
                div { class: "report-title",
                    strong { "{r.service_name}" }
                    small { class: "muted", "data-testid": "report-when", {t.when_unix(r.created_at)} }
                    if let Some(id) = &r.server_id {
                        small { class: "muted", "data-testid": "report-server-id", {t.args("report-request-id", &[("id", id)])} }
                    }
                }
                span { class: "status {status}", "data-testid": "report-status", {t.get(&format!("status-{status}"))} }
            }
            if !r.description.is_empty() {
                // A long description is clamped to three lines; a tap shows it all.
                button { r#type: "button", class: if expanded() { "description" } else { "description clamped" },
                    "data-testid": "report-description-text", "aria-expanded": "{expanded}",
                    title: if expanded() { t.get("report-less") } else { t.get("report-more") },
                    onclick: move |_| expanded.toggle(), "{r.description}" }
            }
            if let Some(w) = &r.ward { small { class: "muted", "{w}" } }
            if let Some(c) = r.clip { super::clip::ClipLine { clip: c } }
            if let Some(d) = r.deadline {
                small { class: if matches!(d, Deadline::Overdue { .. }) { "deadline overdue" } else { "deadline" },
                    "data-testid": "report-deadline", {d.label(&t)} }
            }
            match r.send {
                SendState::Rejected => rsx! {
                    p { class: "banner offline", "data-testid": "report-rejected",
                        {t.args("report-rejected", &[("reason", r.last_error.as_deref().unwrap_or(""))])} }
                },
                SendState::Waiting | SendState::Sending => rsx! {
                    p { class: "muted", "data-testid": "report-pending", {t.get("report-pending")} }
                },
                SendState::Sent => rsx! {},
            }
            if let Some(f) = r.feedback.clone() {
                super::feedback::FeedbackCard { id: r.id.clone(), feedback: f }
            }
            // The question's "no" reopens; the plain reopen stays for a report
            // already answered (or not asked) that turns out not fixed.
            if r.can_reopen && r.feedback != Some(mycity_core::reports::Feedback::Ask) {
                Reopen { id: r.id.clone() }
            }
            if !r.events.is_empty() {
                ol { class: "timeline", "data-testid": "timeline",
                    for e in r.events.iter() {
                        li { key: "{e.at}{e.status}", class: if e.mine { "mine" } else { "" },
                            strong { {t.get(&format!("status-{}", e.status.as_str()))} }
                            " · " small { "data-testid": "event-when", {t.when(&e.at)} }
                            if !e.description.is_empty() { p { "{e.description}" } }
                        }
                    }
                }
            }
        }
    }
}

/// "Not fixed after all": reopen with a comment and, if the person likes, a photo.
#[component]
fn Reopen(id: String) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut open = use_signal(|| false);
    let mut text = use_signal(String::new);
    let mut error = use_signal(|| None::<Shown>);
    let mut photo = use_signal(|| None::<mycity_core::photos::Processed>);
    let t = ui.texts.read();
    if !open() {
        return rsx! {
            button { r#type: "button", class: "link", "data-testid": "reopen", onclick: move |_| open.set(true), {t.get("report-reopen")} }
        };
    }
    rsx! {
        div { class: "reopen", "data-testid": "reopen-form",
            textarea { rows: "2", placeholder: t.get("report-reopen-placeholder"), value: "{text}",
                "data-testid": "reopen-text", oninput: move |e| text.set(e.value()) }
            if let Some(p) = photo() {
                div { class: "thumb", "data-testid": "photo-thumb", img { src: data_url(&p.thumbnail), alt: "" } }
            } else {
                PhotoPicker { id: "reopen-photo-{id}", on_photo: move |p| photo.set(Some(p)), on_error: move |e| error.set(Some(Shown::at("photos", e))) }
            }
            if let Some(e) = error() { p { class: "field-error", role: "alert", "data-testid": "reopen-error", "{e.text}" } }
            button { r#type: "button", class: "secondary", "data-testid": "reopen-send",
                onclick: move |_| match core.reopen(&id, &text(), photo.read().as_ref().map(|p| p.jpeg.as_slice())) {
                    Ok(_) => {
                        open.set(false);
                        ui.changed(&core);
                    }
                    Err(e) => error.set(Some(Shown::of(&ui.texts.peek(), &e))),
                },
                {t.get("report-reopen-send")}
            }
        }
    }
}
