//! "My reports": each report's status, the city's answers as a timeline,
//! and reopening one the city called fixed when it is not.

use dioxus::prelude::*;
use mycity_core::{reports::SendState, Report as MyReport};

use crate::ui::{
    icons::Icon,
    photo::{data_url, PhotoPicker},
    ErrorNote, Services, Ui,
};

#[component]
pub fn MyReports() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let reports = use_memo(move || {
        ui.revision.read();
        core.my_reports().map_err(|e| e.to_string())
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
    let r = report;
    let status = r.status.key();
    rsx! {
        li { class: "report-item", "data-testid": "my-report",
            div { class: "report-head",
                Icon { name: r.service_code.clone() }
                strong { "{r.service_name}" }
                span { class: "status {status}", "data-testid": "report-status", {t.get(&format!("status-{status}"))} }
            }
            p { "{r.description}" }
            if let Some(w) = &r.ward { small { class: "muted", "{w}" } }
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
            if r.can_reopen {
                Reopen { id: r.id.clone() }
            }
            if !r.events.is_empty() {
                ol { class: "timeline", "data-testid": "timeline",
                    for e in r.events.iter() {
                        li { key: "{e.at}{e.status}", class: if e.mine { "mine" } else { "" },
                            strong { {t.get(&format!("status-{}", e.status.as_str()))} }
                            " · " small { "{e.at}" }
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
    let mut error = use_signal(|| None::<String>);
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
                PhotoPicker { id: "reopen-photo-{id}", on_photo: move |p| photo.set(Some(p)), on_error: move |e| error.set(Some(e)) }
            }
            if let Some(e) = error() { p { class: "banner offline", "{e}" } }
            button { r#type: "button", class: "secondary", "data-testid": "reopen-send",
                onclick: move |_| match core.reopen(&id, &text(), photo.read().as_ref().map(|p| p.jpeg.as_slice())) {
                    Ok(_) => {
                        open.set(false);
                        ui.changed(&core);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                {t.get("report-reopen-send")}
            }
        }
    }
}
