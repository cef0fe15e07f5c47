//! Answers to a category's questions, how they travel as Open311 form fields
//! (`attribute[code]`, `attribute[code][]`), and the one check both the phone
//! and the server run against the question's definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    limits::MAX_DESCRIPTION,
    open311::{AttributeDef, Datatype},
};

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// One value: text, number, date-time, or a list key.
    One(String),
    /// The keys chosen in a multiple-choice list.
    Many(Vec<String>),
}

impl Answer {
    /// True when nothing was really answered (blank text, nothing chosen).
    pub fn is_blank(&self) -> bool {
        match self {
            Answer::One(s) => s.trim().is_empty(),
            Answer::Many(v) => v.iter().all(|s| s.trim().is_empty()),
        }
    }
}

/// What is wrong with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required question has no answer.
    Missing,
    /// A list answer names a key the list does not have.
    NotAChoice(String),
    /// A number question has something else.
    NotANumber(String),
    /// A date-time question has something that is not ISO 8601 with an offset.
    NotADateTime(String),
    /// Text longer than [`MAX_DESCRIPTION`].
    TooLong,
    /// Several values for a question that takes one.
    OneOnly,
}

/// A problem with the answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("attribute[{code}] ({label}): {problem:?}")]
pub struct AttributeProblem {
    /// The question's code.
    pub code: String,
    /// The question as shown.
    pub label: String,
    /// What is wrong.
    pub problem: Problem,
}

/// Checks `answers` against the questions `defs` (information lines, which
/// take no answer, are skipped) and returns the answers in stored form:
/// numbers as JSON numbers, multiple choices as arrays. Answers to questions
/// the category does not ask are dropped. The first problem found is returned.
pub fn check(
    defs: &[AttributeDef],
    answers: &BTreeMap<String, Answer>,
) -> Result<BTreeMap<String, Value>, AttributeProblem> {
    let mut out = BTreeMap::new();
    for def in defs.iter().filter(|d| d.variable) {
        let fail = |problem| AttributeProblem { code: def.code.clone(), label: def.description.clone(), problem };
        let answer = answers.get(&def.code).filter(|a| !a.is_blank());
        let Some(answer) = answer else {
            if def.required {
                return Err(fail(Problem::Missing));
            }
            continue;
        };
        let is_choice = |v: &str| def.values.iter().any(|c| c.key == v);
        let one = || match answer {
            Answer::One(v) => Ok(v.trim()),
            Answer::Many(v) if v.len() == 1 => Ok(v[0].trim()),
            Answer::Many(_) => Err(fail(Problem::OneOnly)),
        };
        let value = match def.datatype {
            Datatype::Singlevaluelist => {
                let v = one()?;
                if !is_choice(v) {
                    return Err(fail(Problem::NotAChoice(v.to_owned())));
                }
                Value::from(v)
            }
            Datatype::Multivaluelist => {
                // A single value may carry several keys separated by commas (some clients do so).
                let keys: Vec<&str> = match answer {
                    Answer::One(v) => v.split(',').map(str::trim).filter(|k| !k.is_empty()).collect(),
                    Answer::Many(v) => v.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).collect(),
                };
                if let Some(bad) = keys.iter().find(|k| !is_choice(k)) {
                    return Err(fail(Problem::NotAChoice((*bad).to_owned())));
                }
                Value::from(keys)
            }
            Datatype::Number => {
                let v = one()?;
                match v.parse::<f64>().ok().filter(|n| n.is_finite()) {
                    Some(n) => Value::from(n),
                    None => return Err(fail(Problem::NotANumber(v.to_owned()))),
                }
            }
            Datatype::Datetime => {
                let v = one()?;
                if time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).is_err() {
                    return Err(fail(Problem::NotADateTime(v.to_owned())));
                }
                Value::from(v)
            }
            Datatype::String | Datatype::Text => {
                let v = one()?;
                if v.chars().count() > MAX_DESCRIPTION {
                    return Err(fail(Problem::TooLong));
                }
                Value::from(v)
            }
        };
        out.insert(def.code.clone(), value);
    }
    Ok(out)
}

/// The answers as Open311 form fields, in code order.
pub fn to_form(answers: &BTreeMap<String, Answer>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (code, answer) in answers {
        match answer {
            Answer::One(v) => out.push((format!("attribute[{code}]"), v.clone())),
            Answer::Many(vs) => out.extend(vs.iter().map(|v| (format!("attribute[{code}][]"), v.clone()))),
        }
    }
    out
}

/// The answers found among form fields: `attribute[code]` gives one value,
/// `attribute[code][]` (repeated) a list. Other fields are ignored.
pub fn from_form(fields: &[(String, String)]) -> BTreeMap<String, Answer> {
    let mut out: BTreeMap<String, Answer> = BTreeMap::new();
    for (k, v) in fields {
        let Some(inner) = k.strip_prefix("attribute[") else { continue };
        if let Some(code) = inner.strip_suffix("][]") {
            match out.entry(code.to_owned()).or_insert_with(|| Answer::Many(vec![])) {
                Answer::Many(list) => list.push(v.clone()),
                one @ Answer::One(_) => *one = Answer::Many(vec![v.clone()]),
            }
        } else if let Some(code) = inner.strip_suffix(']') {
            out.entry(code.to_owned()).or_insert_with(|| Answer::One(v.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::open311::AttributeValue;

    fn def(code: &str, datatype: Datatype, required: bool, keys: &[&str]) -> AttributeDef {
        let values = keys.iter().map(|k| AttributeValue { key: (*k).into(), name: (*k).into() }).collect();
        AttributeDef::question(code, datatype, required, 0, &code.to_uppercase(), values)
    }

    fn defs() -> Vec<AttributeDef> {
        vec![
            def("size", Datatype::Singlevaluelist, true, &["small", "large"]),
            def("kind", Datatype::Multivaluelist, false, &["a", "b"]),
            def("depth", Datatype::Number, false, &[]),
            def("when", Datatype::Datetime, false, &[]),
            def("note", Datatype::String, false, &[]),
        ]
    }

    fn answers(pairs: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    fn one(s: &str) -> Answer {
        Answer::One(s.into())
    }

    #[test]
    fn good_answers_come_back_in_stored_form() {
        let a = answers(&[
            ("size", one("small")),
            ("kind", Answer::Many(vec!["a".into(), "b".into()])),
            ("depth", one(" 12.5 ")),
            ("when", one("2026-11-23T08:00:00+07:00")),
            ("unasked", one("dropped")),
        ]);
        let out = check(&defs(), &a).unwrap();
        assert_eq!(
            serde_json::to_value(out).unwrap(),
            json!({"size": "small", "kind": ["a", "b"], "depth": 12.5, "when": "2026-11-23T08:00:00+07:00"})
        );
        let out = check(&defs(), &answers(&[("size", one("large")), ("kind", one("a, b"))])).unwrap();
        assert_eq!(out["kind"], json!(["a", "b"]));
    }

    #[test]
    fn each_problem_is_named() {
        let cases: Vec<(BTreeMap<String, Answer>, Problem)> = vec![
            (answers(&[]), Problem::Missing),
            (answers(&[("size", one("  "))]), Problem::Missing),
            (answers(&[("size", one("huge"))]), Problem::NotAChoice("huge".into())),
            (answers(&[("size", Answer::Many(vec!["small".into(), "large".into()]))]), Problem::OneOnly),
            (answers(&[("size", one("small")), ("kind", one("c"))]), Problem::NotAChoice("c".into())),
            (answers(&[("size", one("small")), ("depth", one("deep"))]), Problem::NotANumber("deep".into())),
            (answers(&[("size", one("small")), ("depth", one("NaN"))]), Problem::NotANumber("NaN".into())),
            (
                answers(&[("size", one("small")), ("when", one("2026-11-23T08:00"))]),
                Problem::NotADateTime("2026-11-23T08:00".into()),
            ),
            (answers(&[("size", one("small")), ("note", one(&"x".repeat(4001)))]), Problem::TooLong),
        ];
        for (a, want) in cases {
            assert_eq!(check(&defs(), &a).unwrap_err().problem, want, "{a:?}");
        }
    }

    #[test]
    fn information_lines_take_no_answer() {
        let mut info = def("note", Datatype::Text, true, &[]);
        info.variable = false;
        assert!(check(&[info], &BTreeMap::new()).unwrap().is_empty());
    }

    #[test]
    fn form_fields_round_trip() {
        let a = answers(&[("kind", Answer::Many(vec!["a".into(), "b".into()])), ("size", one("small"))]);
        let form = to_form(&a);
        assert_eq!(
            form,
            [("attribute[kind][]", "a"), ("attribute[kind][]", "b"), ("attribute[size]", "small")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let mut with_noise = form.clone();
        with_noise.push(("api_key".into(), "k".into()));
        assert_eq!(from_form(&with_noise), a);
    }
}
