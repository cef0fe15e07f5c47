//! Lấy ý kiến: the city's surveys, open ones first, each with its deadline
//! and this device's answer (waiting to send, sent, refused); an open one
//! can be answered once, a closed one shows its results once published.

mod form;
mod results;

use dioxus::prelude::*;
use mycity_core::alerts::consult::SurveyView;

use super::{ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Consult() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let list = use_memo(move || {
        ui.revision.read();
        core.surveys().map_err(|e| ui.texts.peek().error(&e))
    });
    let t = ui.texts.read();
    let list = match &*list.read() {
        Ok(l) => l.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let core = use_context::<Services>().core;
    let mut failed = use_signal(|| None::<String>);
    rsx! {
        TitleBar { title: t.get("consult-title") }
        button { r#type: "button", class: "secondary", "data-testid": "consult-refresh",
            onclick: move |_| {
                let core = core.clone();
                async move {
                    let r = core.refresh_consultations().await;
                    failed.set(r.err().map(|e| ui.texts.peek().error(&e)));
                    ui.changed(&core);
                }
            },
            {t.get("alerts-refresh")}
        }
        if let Some(e) = failed() { p { class: "banner offline", "data-testid": "consult-refresh-failed", "{e}" } }
        if list.is_empty() { p { class: "muted", "data-testid": "consult-none", {t.get("consult-none")} } }
        for s in list {
            SurveyCard { key: "{s.id}", survey: s }
        }
    }
}

#[component]
fn SurveyCard(survey: SurveyView) -> Element {
    let ui = use_context::<Ui>();
    let mut answering = use_signal(|| false);
    let t = ui.texts.read();
    let s = survey.clone();
    let (state, when) = if s.open {
        (t.get("consult-open"), t.args("consult-deadline", &[("when", &t.when_unix(s.deadline))]))
    } else {
        (t.get("consult-closed"), t.args("consult-ended", &[("when", &t.when_unix(s.deadline))]))
    };
    let mine = s.mine.as_ref().map(|m| match m.state.as_str() {
        "sent" => t.get("consult-sent"),
        "rejected" => t.args("consult-rejected", &[("reason", m.reason.as_deref().unwrap_or(""))]),
        _ => t.get("consult-queued"),
    });
    rsx! {
        section { class: "card survey", "data-testid": "survey-{s.id}", "data-open": "{s.open}",
            small { class: if s.open { "chip open" } else { "chip closed" }, "data-testid": "survey-state", "{state}" }
            h2 { "{s.title}" }
            p { "{s.description}" }
            p { class: "muted", "data-testid": "survey-deadline", "{when}" }
            p { class: "muted", {t.args("age-updated", &[("age", &t.age(s.fetched_at))])} }
            if let Some(m) = mine { p { class: "banner", "data-testid": "survey-mine", "{m}" } }
            if s.open && s.mine.is_none() {
                if answering() {
                    form::SurveyForm { survey: survey.clone() }
                } else {
                    button { r#type: "button", class: "primary", "data-testid": "survey-answer",
                        onclick: move |_| answering.set(true), {t.get("consult-answer")} }
                }
            }
            if !s.open {
                match &s.results {
                    Some(r) => rsx! { results::Results { survey: survey.clone(), results: r.clone() } },
                    None => rsx! { p { class: "muted", "data-testid": "survey-results-pending", {t.get("consult-results-pending")} } },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn empty_lists_say_so_with_a_way_to_refresh() {
        let html = render(Screen::Consult, |_| {});
        assert!(html.contains("consult-none") && html.contains("consult-refresh"), "{html}");
        let html = render(Screen::Announcements, |_| {});
        assert!(html.contains("announcements-none") && html.contains("announcements-search"), "{html}");
    }
}
