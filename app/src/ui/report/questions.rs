//! A category's questions, each drawn by its Open311 datatype. Answers go
//! into the draft through the core: a date-time gets the city's UTC offset there.

use dioxus::prelude::*;
use mycity_core::{
    reports::{Datatype, Question},
    Draft,
};

use crate::ui::{Services, Ui};

#[component]
pub fn Questions(draft: Signal<Draft>, questions: Vec<Question>, error: Signal<Option<String>>) -> Element {
    rsx! {
        for q in questions {
            label { key: "{q.code}", class: "field", "data-testid": "attr-{q.code}",
                span { "{q.description}" if q.required { " *" } }
                Answer { draft, question: q.clone(), error }
            }
        }
    }
}

#[component]
fn Answer(draft: Signal<Draft>, question: Question, error: Signal<Option<String>>) -> Element {
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
                    if let Err(err) = core.answer_datetime(&mut draft.write(), &code, &e.value()) {
                        error.set(Some(err.to_string()));
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
