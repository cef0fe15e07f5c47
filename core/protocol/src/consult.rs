//! Public consultations (surveys on draft policies and city issues) and city
//! announcements, as the server sends them and the core stores them.
//!
//! A survey's answers are checked by [`check`] on both sides: the core
//! refuses an incomplete answer before it waits in the outbox, the server
//! refuses one that slipped through. Results are counted by [`tally`].

use serde::{Deserialize, Serialize};

/// A text in Vietnamese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both languages.
    pub fn new(vi: &str, en: &str) -> Text {
        Text { vi: vi.into(), en: en.into() }
    }
}

/// A city announcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    /// Unique within the city.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Body.
    pub body: Text,
    /// Publication date-time (RFC 3339).
    pub date: String,
    /// `traffic`, `health`, `culture`, `administration`, `environment`…
    pub category: String,
}

/// What a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options.
    Single {
        /// The options.
        options: Vec<Text>,
    },
    /// Any of the options (at least one when required).
    Multiple {
        /// The options.
        options: Vec<Text>,
    },
    /// A whole number from `min` to `max`.
    Scale {
        /// Lowest.
        min: i64,
        /// Highest.
        max: i64,
    },
    /// Free text of at most [`MAX_TEXT`] characters.
    Text,
}

/// Longest free-text answer, in characters.
pub const MAX_TEXT: usize = 2000;

/// A question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Unique within the survey.
    pub id: String,
    /// The question.
    pub prompt: Text,
    /// Must be answered.
    pub required: bool,
    /// What it takes.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// A survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    /// Unique on the server.
    pub id: String,
    /// Title.
    pub title: Text,
    /// What it is about.
    pub description: Text,
    /// Answers are taken until then (RFC 3339).
    pub deadline: String,
    /// The questions, in order.
    pub questions: Vec<Question>,
    /// The results, published once the deadline has passed.
    #[serde(default)]
    pub results: Option<Results>,
}

/// One answer's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Given {
    /// Index of the option chosen.
    Choice(usize),
    /// Indexes of the options chosen.
    Choices(Vec<usize>),
    /// The value on the scale.
    Scale(i64),
    /// Free text.
    Text(String),
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// The value.
    #[serde(flatten)]
    pub given: Given,
}

/// What a device sends: its answers to one survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The answering device (one response per device per survey).
    pub device_id: String,
    /// The answers.
    pub answers: Vec<Answer>,
}

/// Counts for one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    /// The question's id.
    pub question: String,
    /// Per option (choices), or per value from `min` (scale); empty for text.
    pub counts: Vec<u64>,
    /// Mean of a scale's answers.
    pub mean: Option<f64>,
    /// How many answered it.
    pub answered: u64,
}

/// A closed survey's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Responses received.
    pub responses: u64,
    /// Per question, in the survey's order.
    pub questions: Vec<QuestionResult>,
}

/// What is wrong with an answer, for a message next to its question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnfitKind {
    /// A required question has no answer.
    Required,
    /// A choice that is not one of the question's options, or chosen twice.
    Choice,
    /// A value outside the scale.
    Scale,
    /// Free text longer than [`MAX_TEXT`].
    TooLong,
    /// No such question, a question answered twice, or an answer of another kind.
    Other,
}

/// Why answers do not fit a survey: the question's id and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("question {question}: {reason}")]
pub struct Unfit {
    /// The question at fault.
    pub question: String,
    /// Technical English.
    pub reason: String,
    /// The kind of fault.
    pub kind: UnfitKind,
}

/// Checks answers against the survey: every required question answered,
/// each answer of the question's kind and in range, no unknown or repeated question.
pub fn check(survey: &Survey, answers: &[Answer]) -> Result<(), Unfit> {
    use UnfitKind as K;
    let unfit = |q: &str, r: &str, kind| Unfit { question: q.to_owned(), reason: r.to_owned(), kind };
    for (i, a) in answers.iter().enumerate() {
        if answers[..i].iter().any(|b| b.question == a.question) {
            return Err(unfit(&a.question, "answered twice", K::Other));
        }
        let q = survey
            .questions
            .iter()
            .find(|q| q.id == a.question)
            .ok_or_else(|| unfit(&a.question, "unknown", K::Other))?;
        match (&q.kind, &a.given) {
            (QuestionKind::Single { options }, Given::Choice(c)) => {
                if *c >= options.len() {
                    return Err(unfit(&q.id, "option out of range", K::Choice));
                }
            }
            (QuestionKind::Multiple { options }, Given::Choices(cs)) => {
                if cs.iter().any(|c| *c >= options.len()) {
                    return Err(unfit(&q.id, "option out of range", K::Choice));
                }
                if cs.iter().enumerate().any(|(i, c)| cs[..i].contains(c)) {
                    return Err(unfit(&q.id, "option chosen twice", K::Choice));
                }
                if q.required && cs.is_empty() {
                    return Err(unfit(&q.id, "required", K::Required));
                }
            }
            (QuestionKind::Scale { min, max }, Given::Scale(v)) => {
                if !(min..=max).contains(&v) {
                    return Err(unfit(&q.id, "outside the scale", K::Scale));
                }
            }
            (QuestionKind::Text, Given::Text(t)) => {
                if t.chars().count() > MAX_TEXT {
                    return Err(unfit(&q.id, "text too long", K::TooLong));
                }
                if q.required && t.trim().is_empty() {
                    return Err(unfit(&q.id, "required", K::Required));
                }
            }
            _ => return Err(unfit(&q.id, "answer of the wrong kind", K::Other)),
        }
    }
    if let Some(q) = survey.questions.iter().find(|q| q.required && !answers.iter().any(|a| a.question == q.id)) {
        return Err(unfit(&q.id, "required", K::Required));
    }
    Ok(())
}

/// Counts responses into results.
pub fn tally(survey: &Survey, responses: &[Vec<Answer>]) -> Results {
    let questions = survey
        .questions
        .iter()
        .map(|q| {
            let given = responses.iter().filter_map(|r| r.iter().find(|a| a.question == q.id)).map(|a| &a.given);
            let mut counts = match &q.kind {
                QuestionKind::Single { options } | QuestionKind::Multiple { options } => vec![0; options.len()],
                QuestionKind::Scale { min, max } => vec![0; (max - min + 1).clamp(0, 1000) as usize],
                QuestionKind::Text => vec![],
            };
            let (mut answered, mut sum) = (0u64, 0i64);
            for g in given {
                answered += 1;
                match (g, &q.kind) {
                    (Given::Choice(c), _) => {
                        if let Some(n) = counts.get_mut(*c) {
                            *n += 1
                        }
                    }
                    (Given::Choices(cs), _) => {
                        for c in cs {
                            if let Some(n) = counts.get_mut(*c) {
                                *n += 1
                            }
                        }
                    }
                    (Given::Scale(v), QuestionKind::Scale { min, .. }) => {
                        sum += v;
                        if let Some(n) = counts.get_mut((v - min) as usize) {
                            *n += 1
                        }
                    }
                    _ => {}
                }
            }
            let mean = matches!(q.kind, QuestionKind::Scale { .. })
                .then(|| (answered > 0).then(|| sum as f64 / answered as f64))
                .flatten();
            QuestionResult { question: q.id.clone(), counts, mean, answered }
        })
        .collect();
    Results { responses: responses.len() as u64, questions }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        let t = |s: &str| Text::new(s, s);
        Survey {
            id: "s1".into(),
            title: t("Giờ mở cửa chợ đêm"),
            description: t("d"),
            deadline: "2026-12-31T23:59:00+07:00".into(),
            questions: vec![
                Question {
                    id: "q1".into(),
                    prompt: t("a"),
                    required: true,
                    kind: QuestionKind::Single { options: vec![t("x"), t("y")] },
                },
                Question {
                    id: "q2".into(),
                    prompt: t("b"),
                    required: false,
                    kind: QuestionKind::Multiple { options: vec![t("x"), t("y"), t("z")] },
                },
                Question {
                    id: "q3".into(),
                    prompt: t("c"),
                    required: true,
                    kind: QuestionKind::Scale { min: 1, max: 5 },
                },
                Question { id: "q4".into(), prompt: t("d"), required: false, kind: QuestionKind::Text },
            ],
            results: None,
        }
    }

    fn a(q: &str, g: Given) -> Answer {
        Answer { question: q.into(), given: g }
    }

    #[test]
    fn answers_are_checked_question_by_question() {
        let s = survey();
        let ok = vec![a("q1", Given::Choice(1)), a("q3", Given::Scale(4))];
        assert_eq!(check(&s, &ok), Ok(()));
        let q = |r: Result<(), Unfit>| r.unwrap_err().question;
        let kind = |r: Result<(), Unfit>| r.unwrap_err().kind;
        assert_eq!(kind(check(&s, &[a("q3", Given::Scale(4))])), UnfitKind::Required);
        assert_eq!(kind(check(&s, &[a("q1", Given::Choice(2)), a("q3", Given::Scale(4))])), UnfitKind::Choice);
        assert_eq!(kind(check(&s, &[a("q1", Given::Choice(0)), a("q3", Given::Scale(0))])), UnfitKind::Scale);
        let long = [a("q1", Given::Choice(0)), a("q3", Given::Scale(1)), a("q4", Given::Text("é".repeat(2001)))];
        assert_eq!(kind(check(&s, &long)), UnfitKind::TooLong);
        assert_eq!(kind(check(&s, &[a("q1", Given::Text("x".into()))])), UnfitKind::Other);
        assert_eq!(q(check(&s, &[a("q3", Given::Scale(4))])), "q1", "required missing");
        assert_eq!(q(check(&s, &[a("q1", Given::Choice(2)), a("q3", Given::Scale(4))])), "q1");
        assert_eq!(q(check(&s, &[a("q1", Given::Choice(0)), a("q3", Given::Scale(6))])), "q3");
        assert_eq!(q(check(&s, &[a("q1", Given::Scale(0)), a("q3", Given::Scale(1))])), "q1");
        let dup = vec![a("q1", Given::Choice(0)), a("q3", Given::Scale(1)), a("q2", Given::Choices(vec![1, 1]))];
        assert_eq!(q(check(&s, &dup)), "q2");
        let long = vec![a("q1", Given::Choice(0)), a("q3", Given::Scale(1)), a("q4", Given::Text("x".repeat(2001)))];
        assert_eq!(q(check(&s, &long)), "q4");
        assert_eq!(q(check(&s, &[a("q9", Given::Choice(0))])), "q9");
    }

    #[test]
    fn wire_shape() {
        let json = serde_json::to_string(&a("q2", Given::Choices(vec![0, 2]))).unwrap();
        assert_eq!(json, r#"{"question":"q2","choices":[0,2]}"#);
        let q: Question = serde_json::from_str(
            r#"{"id":"q","prompt":{"vi":"a","en":"a"},"required":true,"kind":"scale","min":1,"max":5}"#,
        )
        .unwrap();
        assert_eq!(q.kind, QuestionKind::Scale { min: 1, max: 5 });
    }

    #[test]
    fn tally_counts_choices_and_scales() {
        let s = survey();
        let r = tally(
            &s,
            &[
                vec![a("q1", Given::Choice(1)), a("q2", Given::Choices(vec![0, 2])), a("q3", Given::Scale(5))],
                vec![a("q1", Given::Choice(1)), a("q3", Given::Scale(2)), a("q4", Given::Text("ok".into()))],
            ],
        );
        assert_eq!(r.responses, 2);
        assert_eq!(r.questions[0].counts, [0, 2]);
        assert_eq!(r.questions[1].counts, [1, 0, 1]);
        assert_eq!(r.questions[2].counts, [0, 1, 0, 0, 1]);
        assert_eq!(r.questions[2].mean, Some(3.5));
        assert_eq!(r.questions[3].answered, 1);
    }
}
