//! One survey's questions as inputs: options to pick, a scale to tap, a
//! text to write. Sending is one core call, which checks every answer and
//! names the question at fault; the message shows next to it.

use std::collections::BTreeMap;

use dioxus::prelude::*;
use mycity_core::{
    alerts::consult::{QuestionView, SurveyView},
    protocol::consult::{Answer, Given},
};

use crate::ui::{FieldError, Services, Shown, Ui, FOCUS_PROBLEM_JS};

#[component]
pub fn SurveyForm(survey: SurveyView) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let given = use_signal(BTreeMap::<String, Given>::new);
    let mut error = use_signal(Vec::<Shown>::new);
    let t = ui.texts.read();
    let id = survey.id.clone();
    // The survey's order, so the core names the first question at fault.
    let order: Vec<String> = survey.questions.iter().map(|q| q.id.clone()).collect();
    // A plain button, not a form submit: a submit would reload the page in browser mode.
    let send = move |_: MouseEvent| {
        let g = given.read();
        let answers: Vec<Answer> =
            order.iter().filter_map(|q| g.get(q).map(|v| Answer { question: q.clone(), given: v.clone() })).collect();
        match core.answer_survey(&id, answers) {
            Ok(_) => {
                error.set(vec![]);
                ui.changed(&core);
            }
            Err(err) => {
                error.set(vec![Shown::of(&ui.texts.peek(), &err)]);
                document::eval(FOCUS_PROBLEM_JS);
            }
        }
    };
    rsx! {
        div { class: "survey-form", "data-testid": "survey-form",
            for q in survey.questions.iter() {
                QuestionInput { key: "{q.id}", question: q.clone(), given, error }
            }
            for e in error.read().iter().filter(|e| !e.is_at(&["question:"])) {
                p { class: "field-error", role: "alert", "data-testid": "survey-error", "{e.text}" }
            }
            button { r#type: "button", class: "primary", "data-testid": "survey-send", onclick: send, {t.get("consult-send")} }
        }
    }
}

#[component]
fn QuestionInput(question: QuestionView, given: Signal<BTreeMap<String, Given>>, error: Signal<Vec<Shown>>) -> Element {
    let t = use_context::<Ui>().texts.read().get("consult-required");
    let q = question.clone();
    let field = format!("question:{}", q.id);
    let current = given.read().get(&q.id).cloned();
    let mut set = move |id: String, v: Option<Given>| {
        let mut g = given.write();
        match v {
            Some(v) => g.insert(id, v),
            None => g.remove(&id),
        };
    };
    rsx! {
        fieldset { class: "question", "data-field": "{field}", "data-testid": "question-{q.id}",
            legend { "{q.prompt}" if q.required { small { class: "muted", " ({t})" } } }
            match q.kind.as_str() {
                "single" => rsx! {
                    for (i, o) in q.options.iter().enumerate() {
                        label { key: "{i}", class: "option-row",
                            input { r#type: "radio", name: "{q.id}", "data-testid": "option-{q.id}-{i}",
                                checked: current == Some(Given::Choice(i)),
                                onchange: { let id = q.id.clone(); move |_| set(id.clone(), Some(Given::Choice(i))) } }
                            span { "{o}" }
                        }
                    }
                },
                "multiple" => rsx! {
                    for (i, o) in q.options.iter().enumerate() {
                        label { key: "{i}", class: "option-row",
                            input { r#type: "checkbox", "data-testid": "option-{q.id}-{i}",
                                checked: matches!(&current, Some(Given::Choices(cs)) if cs.contains(&i)),
                                onchange: {
                                    let id = q.id.clone();
                                    let cur = current.clone();
                                    move |e: FormEvent| {
                                        let mut cs = match &cur { Some(Given::Choices(cs)) => cs.clone(), _ => vec![] };
                                        cs.retain(|c| *c != i);
                                        if e.checked() { cs.push(i); cs.sort_unstable(); }
                                        set(id.clone(), (!cs.is_empty()).then_some(Given::Choices(cs)));
                                    }
                                } }
                            span { "{o}" }
                        }
                    }
                },
                "scale" => rsx! {
                    div { class: "scale",
                        for v in q.min..=q.max {
                            button { key: "{v}", r#type: "button", "data-testid": "scale-{q.id}-{v}",
                                class: if current == Some(Given::Scale(v)) { "scale-step selected" } else { "scale-step" },
                                "aria-pressed": "{current == Some(Given::Scale(v))}",
                                onclick: { let id = q.id.clone(); move |_| set(id.clone(), Some(Given::Scale(v))) }, "{v}" }
                        }
                    }
                },
                _ => rsx! {
                    textarea { "data-testid": "text-{q.id}", rows: "3",
                        value: match &current { Some(Given::Text(s)) => s.clone(), _ => String::new() },
                        oninput: { let id = q.id.clone(); move |e: FormEvent| {
                            let v = e.value();
                            set(id.clone(), (!v.is_empty()).then_some(Given::Text(v)));
                        } } }
                },
            }
            FieldError { error, field: field.clone() }
        }
    }
}
