//! A new report, step by step: category, questions, description, photos,
//! place, contact, send. The draft lives in a signal; every change goes
//! through the core's [`Draft`] methods, which make the decisions.

use dioxus::prelude::*;
use mycity_core::{photos::Processed, protocol::limits, Contact, Draft, Service};

use super::{nearby::Nearby, place::PlaceCard, questions::Questions};
use crate::ui::{
    icons::Icon,
    photo::{data_url, PhotoPicker},
    ErrorNote, FieldError, Services, Shown, Ui, FOCUS_PROBLEM_JS,
};

/// The fields the form shows errors next to; any other error shows above Send.
const FIELDS: [&str; 8] = ["category", "description", "photos", "clip", "place", "email", "contact", "question:"];

#[component]
pub fn NewReport(on_sent: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let services = use_memo(move || {
        ui.revision.read();
        core.services().map_err(|e| ui.texts.peek().error(&e))
    });
    let mut draft = use_signal(Draft::default);
    let services: Vec<Service> = match &*services.read() {
        Ok(s) => s.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let code = draft.read().service_code.clone();
    match services.into_iter().find(|s| s.code == code) {
        None => rsx! { Categories { on_pick: move |code: String| draft.set(Draft::new(&code)) } },
        Some(service) => rsx! { ReportForm { draft, service, on_sent } },
    }
}

/// The categories, as a grid of buttons.
#[component]
fn Categories(on_pick: EventHandler<String>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let services = use_memo(move || {
        ui.revision.read();
        core.services().unwrap_or_default()
    });
    let t = ui.texts.read();
    rsx! {
        p { class: "lead", {t.get("report-intro")} }
        div { class: "category-grid", "data-testid": "categories",
            for s in services() {
                button { key: "{s.code}", r#type: "button", class: "category", "data-testid": "category-{s.code}",
                    onclick: { let c = s.code.clone(); move |_| on_pick.call(c.clone()) },
                    Icon { name: s.code.clone() }
                    span { "{s.name}" }
                }
            }
        }
    }
}

#[component]
fn ReportForm(draft: Signal<Draft>, service: Service, on_sent: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut error = use_signal(Vec::<Shown>::new);
    let t = ui.texts.read();
    let place = draft.read().place;
    let general: Vec<Shown> = error.read().iter().filter(|e| !e.is_at(&FIELDS)).cloned().collect();
    rsx! {
        div { class: "card form", "data-testid": "report-form",
            div { class: "chosen",
                Icon { name: service.code.clone() }
                strong { "data-testid": "chosen-category", "{service.name}" }
                button { r#type: "button", class: "link", "data-testid": "change-category",
                    onclick: move |_| draft.set(Draft::default()), {t.get("report-change")} }
            }
            Questions { draft, questions: service.questions.clone(), error }
            Description { draft, error }
        }
        Photos { draft, error }
        super::clip::ClipCard { draft, error }
        PlaceCard { draft, error }
        if let Some(p) = place {
            Nearby { code: service.code.clone(), at: p.position, on_done: move |_| { draft.set(Draft::default()); on_sent.call(()); } }
        }
        ContactCard { draft, error }
        for e in general { p { class: "banner offline", role: "alert", "data-testid": "report-error", "{e.text}" } }
        button { r#type: "button", class: "primary", "data-testid": "report-send",
            onclick: move |_| {
                let queued = core.submit_report(&draft.read());
                match queued {
                    Ok(_) => {
                        error.set(vec![]);
                        draft.set(Draft::default());
                        ui.changed(&core);
                        on_sent.call(());
                    }
                    Err(e) => {
                        // Every field to fix is flagged at once, not one per tap on Send.
                        let t = ui.texts.peek();
                        let all = match core.report_problems(&draft.read()) {
                            Ok(list) if e.problem().is_some() && !list.is_empty() => {
                                list.into_iter().map(|p| Shown::of(&t, &p.into())).collect()
                            }
                            _ => vec![Shown::of(&t, &e)],
                        };
                        error.set(all);
                        document::eval(FOCUS_PROBLEM_JS);
                    }
                }
            },
            Icon { name: "report" } {t.get("report-send")}
        }
    }
}

/// The description. A paste longer than the limit keeps what fits and shows
/// the rest, so nothing the person wrote disappears without a word.
#[component]
fn Description(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let t = use_context::<Ui>().texts;
    let mut cut = use_signal(|| None::<String>);
    let text = draft.read().description.clone();
    let chars = text.chars().count();
    let max = limits::MAX_DESCRIPTION;
    let t = t.read();
    rsx! {
        label { class: "field", "data-field": "description",
            span { {t.get("report-description")} }
            textarea { "data-testid": "report-description", rows: "4",
                value: "{text}", oninput: move |e| cut.set(draft.write().set_description(&e.value())) }
            small { class: if chars >= max { "over" } else { "muted" }, "{chars}/{max}" }
            FieldError { error, field: "description" }
        }
        if let Some(rest) = cut() {
            div { class: "banner warning", role: "alert", "data-testid": "description-cut",
                p { {t.args("report-description-cut", &[("max", &max.to_string()), ("n", &rest.chars().count().to_string())])} }
                details {
                    summary { {t.get("report-description-cut-show")} }
                    textarea { readonly: true, rows: "3", "data-testid": "description-cut-text", value: "{rest}" }
                }
            }
        }
    }
}

#[component]
fn Photos(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let core = use_context::<Services>().core;
    let texts = use_context::<Ui>().texts;
    let t = texts.read();
    let thumbs: Vec<Vec<u8>> = draft.read().photos.iter().map(|p| p.thumbnail.clone()).collect();
    rsx! {
        section { class: "card", "data-testid": "report-photos", "data-field": "photos",
            h2 { {t.args("photo-title", &[("n", &thumbs.len().to_string())])} }
            div { class: "thumbs",
                for (i, thumb) in thumbs.iter().enumerate() {
                    div { key: "{i}", class: "thumb", "data-testid": "photo-thumb",
                        img { src: data_url(thumb), alt: "" }
                        button { r#type: "button", class: "remove", "aria-label": t.get("photo-remove"),
                            onclick: move |_| draft.write().remove_photo(i), "×" }
                    }
                }
            }
            if thumbs.len() < limits::MAX_PHOTOS {
                PhotoPicker {
                    id: "report-photo",
                    on_photo: move |p: Processed| match core.add_photo(&mut draft.write(), p) {
                        Ok(_) => error.write().retain(|e| !e.is_at(&["photos"])),
                        Err(e) => error.set(vec![Shown::of(&texts.peek(), &e)]),
                    },
                    on_error: move |e: String| error.set(vec![Shown::at("photos", e)]),
                }
            }
            FieldError { error, field: "photos" }
        }
    }
}

/// Anonymous, or name and contact for the city's staff only.
#[component]
fn ContactCard(draft: Signal<Draft>, error: Signal<Vec<Shown>>) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let contact = draft.read().contact.clone();
    let anonymous = contact.is_none();
    let mut edit = move |f: fn(&mut Contact, String), v: String| {
        if let Some(c) = draft.write().contact.as_mut() {
            f(c, v);
        }
    };
    rsx! {
        section { class: "card", "data-testid": "report-contact", "data-field": "contact",
            label { class: "check",
                input { r#type: "checkbox", "data-testid": "report-anonymous", checked: anonymous,
                    onchange: move |e| draft.write().contact = (!e.checked()).then(Contact::default) }
                " " {t.get("report-anonymous")}
            }
            if let Some(c) = contact {
                input { r#type: "text", placeholder: t.get("report-name"), value: "{c.name}",
                    oninput: move |e| edit(|c, v| c.name = v, e.value()) }
                input { r#type: "text", inputmode: "email", placeholder: "Email", value: "{c.email}",
                    oninput: move |e| edit(|c, v| c.email = v, e.value()) }
                input { r#type: "text", inputmode: "tel", placeholder: t.get("report-phone"), value: "{c.phone}",
                    oninput: move |e| edit(|c, v| c.phone = v, e.value()) }
                FieldError { error, field: "email" }
                FieldError { error, field: "contact" }
                p { class: "muted", "data-testid": "contact-private", {t.get("report-contact-private")} }
            }
        }
    }
}
