//! A closed survey's published results: counts per option or scale value
//! as bars, the scale's mean, how many wrote a comment.

use dioxus::prelude::*;
use mycity_core::{alerts::consult::SurveyView, protocol::consult::Results as Tally};

use crate::ui::Ui;

#[component]
pub fn Results(survey: SurveyView, results: Tally) -> Element {
    let t = std::sync::Arc::clone(&use_context::<Ui>().texts.read());
    rsx! {
        div { class: "results", "data-testid": "survey-results",
            h3 { {t.args("consult-results", &[("n", &results.responses.to_string())])} }
            for (q, r) in survey.questions.iter().zip(results.questions.iter()) {
                div { key: "{q.id}", class: "result", "data-testid": "result-{q.id}",
                    strong { "{q.prompt}" }
                    if q.kind == "text" {
                        p { class: "muted", {t.args("consult-text-answers", &[("n", &r.answered.to_string())])} }
                    } else {
                        {
                            let total = r.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
                            let labels: Vec<String> = if q.kind == "scale" {
                                (q.min..=q.max).map(|v| v.to_string()).collect()
                            } else {
                                q.options.clone()
                            };
                            rsx! {
                                for (label, n) in labels.into_iter().zip(r.counts.iter()) {
                                    div { class: "bar-row",
                                        span { class: "bar-label", "{label}" }
                                        span { class: "bar", style: "width: {(*n as f64 / total * 60.0):.0}%;" }
                                        span { class: "bar-count", "{n}" }
                                    }
                                }
                            }
                        }
                        if let Some(m) = r.mean { p { class: "muted", {t.args("consult-mean", &[("mean", &format!("{m:.1}"))])} } }
                    }
                }
            }
        }
    }
}
