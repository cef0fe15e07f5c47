//! A category's questions, each drawn by its Open311 datatype. Answers go
//! into the draft through the core: a date-time gets the city's UTC offset there.

use dioxus::prelude::*;
use mycity_core::{
    reports::{Datatype, Question},
    Draft,
};

use crate::ui::{FieldError, Services, Shown, Ui};

#[component]
pub fn Questions(draft: Signal<Draft>, questions: Vec<Question>, error: Signal<Vec<Shown>>) -> Element {
    let shown = error();
    rsx! {
        for q in questions {
            label { key: "{q.code}", "data-testid": "attr-{q.code}", "data-field": "question:{q.code}",
                class: if shown.iter().any(|e| e.is_at(&[&format!("question:{}", q.code)])) { "field invalid" } else { "field" },
                span { "{q.description}" if q.required { span { class: "required", "aria-hidden": "true", " *" } } }
                Answer { draft, question: q.clone(), error }
                FieldError { error, field: format!("question:{}", q.code) }
            }
        }
    }
}

#[component]
fn Answer(draft: Signal<Draft>, question: Question, error: Signal<Vec<Shown>>) -> Element {
    let core = use_context::<Services>().core;
    let t = use_context::<Ui>().texts;
    let code = question.code.clone();
    match question.datatype {
        Datatype::Singlevaluelist => rsx! {
            select {
                onchange: move |e: FormEvent| draft.write().answer(&code, &e.value()),
                option { value: "", {t.read().get("report-choose")} }
                for v in question.values.iter() {
                    option { key: "{v.key}", value: "{v.key}", "{v.name}" }
                }
            }
        },
        Datatype::Multivaluelist => rsx! {
            div { class: "checks",
                for v in question.values.iter().cloned() {
                    label { key: "{v.key}",
                        input { r#type: "checkbox",
                            onchange: {
                                let code = code.clone();
                                move |e: FormEvent| draft.write().choose(&code, &v.key, e.checked())
                            },
                        }
                        " {v.name}"
                    }
                }
            }
        },
        Datatype::Datetime => rsx! {
            input {
                r#type: "datetime-local",
                oninput: move |e: FormEvent| {
                    match core.answer_datetime(&mut draft.write(), &code, &e.value()) {
                        Ok(()) => error.write().retain(|e| !e.is_at(&[&format!("question:{code}")])),
                        Err(err) => error.set(vec![Shown { field: Some(format!("question:{code}")), ..Shown::of(&t.peek(), &err) }]),
                    }
                },
            }
        },
        Datatype::Number => rsx! {
            input { r#type: "number", inputmode: "decimal", oninput: move |e: FormEvent| draft.write().answer(&code, &e.value()) }
        },
        Datatype::String | Datatype::Text => rsx! {
            input { r#type: "text", oninput: move |e: FormEvent| draft.write().answer(&code, &e.value()) }
        },
    }
}
