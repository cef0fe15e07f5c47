//! Announcements (searchable offline) and public consultations: surveys
//! answered once per device, the answer sent through the outbox.

use mycity_protocol::consult::{self as wire, Announcement, Answer, QuestionKind, Results, Survey, UnfitKind};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::{
    city::now,
    reports::store::Outgoing,
    sync::outbox::{self, Kind},
    text, Error, Lang, MyCity, Problem, Result,
};

/// An announcement in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnouncementItem {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Publication date-time (RFC 3339).
    pub date: String,
    /// Category code.
    pub category: String,
}

/// A question, in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionView {
    /// Id.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// Must be answered.
    pub required: bool,
    /// `single`, `multiple`, `scale` or `text`.
    pub kind: String,
    /// Options of a choice.
    pub options: Vec<String>,
    /// Scale bounds.
    pub min: i64,
    /// Scale bounds.
    pub max: i64,
}

/// Where this device's answer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyAnswer {
    /// `queued` (waiting to be sent), `sent` or `rejected`.
    pub state: String,
    /// Why the city refused it.
    pub reason: Option<String>,
    /// When it was given (unix seconds).
    pub created_at: i64,
}

/// A survey as the consultation screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Deadline (unix seconds).
    pub deadline: i64,
    /// Still taking answers (by this phone's clock).
    pub open: bool,
    /// The questions.
    pub questions: Vec<QuestionView>,
    /// Results, once published.
    pub results: Option<Results>,
    /// This device's answer.
    pub mine: Option<MyAnswer>,
    /// When the survey was last fetched (unix seconds).
    pub fetched_at: i64,
}

fn pick(t: &wire::Text, lang: Lang) -> String {
    match lang {
        Lang::En if !t.en.is_empty() => t.en.clone(),
        _ => t.vi.clone(),
    }
}

fn store_announcements(tx: &Transaction<'_>, city: &str, list: &[Announcement]) -> Result<bool> {
    let before: Vec<String> = {
        let mut st = tx.prepare_cached("SELECT body FROM announcements WHERE city = ?1 ORDER BY id")?;
        let rows = st.query_map([city], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut sorted: Vec<&Announcement> = list.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let bodies: Vec<String> = sorted.iter().map(|a| serde_json::to_string(a).unwrap_or_default()).collect();
    if bodies == before {
        return Ok(false);
    }
    tx.execute("DELETE FROM announcements WHERE city = ?1", [city])?;
    let mut terms = String::new();
    for (a, body) in sorted.iter().zip(&bodies) {
        text::index_terms(&mut terms, &[&a.title.vi, &a.title.en, &a.body.vi, &a.body.en, &a.category]);
        tx.execute(
            "INSERT INTO announcements (city, id, body, date, category, terms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![city, a.id, body, a.date, a.category, terms],
        )?;
    }
    Ok(true)
}

fn store_surveys(tx: &Transaction<'_>, city: &str, list: &[Survey], at: i64) -> Result<bool> {
    let mut changed = false;
    for s in list {
        let body = serde_json::to_string(s).map_err(|e| Error::Storage(e.to_string()))?;
        let deadline = mycity_protocol::cap::instant(&s.deadline).unwrap_or(0);
        let old: Option<String> = tx
            .query_row("SELECT body FROM surveys WHERE city = ?1 AND id = ?2", params![city, s.id], |r| r.get(0))
            .optional()?;
        changed |= old.as_deref() != Some(body.as_str());
        tx.execute(
            "INSERT INTO surveys (city, id, body, deadline, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (city, id) DO UPDATE SET body = ?3, deadline = ?4, fetched_at = ?5",
            params![city, s.id, body, deadline, at],
        )?;
    }
    Ok(changed)
}

/// Fetches announcements and surveys; true when either changed.
pub(crate) async fn refresh(core: &MyCity, slug: &str) -> Result<bool> {
    let api = core.api_for(slug)?;
    let announcements = api.announcements(slug).await?;
    let surveys = api.surveys(slug).await?;
    let at = now();
    core.inner
        .store
        .write(|tx| Ok(store_announcements(tx, slug, &announcements)? | store_surveys(tx, slug, &surveys, at)?))
}

fn load_survey(conn: &Connection, city: &str, id: &str) -> Result<Option<(Survey, i64, i64)>> {
    let row: Option<(String, i64, i64)> = conn
        .query_row(
            "SELECT body, deadline, fetched_at FROM surveys WHERE city = ?1 AND id = ?2",
            params![city, id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(b, d, f)| {
        Ok((serde_json::from_str(&b).map_err(|e| Error::Storage(format!("stored survey: {e}")))?, d, f))
    })
    .transpose()
}

fn mine(conn: &Connection, city: &str, survey: &str) -> Result<Option<MyAnswer>> {
    Ok(conn
        .query_row(
            "SELECT state, reason, created_at FROM survey_answers WHERE city = ?1 AND survey_id = ?2",
            params![city, survey],
            |r| Ok(MyAnswer { state: r.get(0)?, reason: r.get(1)?, created_at: r.get(2)? }),
        )
        .optional()?)
}

fn view(s: Survey, deadline: i64, fetched_at: i64, mine: Option<MyAnswer>, lang: Lang, now: i64) -> SurveyView {
    SurveyView {
        id: s.id.clone(),
        title: pick(&s.title, lang),
        description: pick(&s.description, lang),
        deadline,
        open: deadline > now,
        questions: s
            .questions
            .iter()
            .map(|q| {
                let (kind, options, min, max) = match &q.kind {
                    QuestionKind::Single { options } => {
                        ("single", options.iter().map(|o| pick(o, lang)).collect(), 0, 0)
                    }
                    QuestionKind::Multiple { options } => {
                        ("multiple", options.iter().map(|o| pick(o, lang)).collect(), 0, 0)
                    }
                    QuestionKind::Scale { min, max } => ("scale", vec![], *min, *max),
                    QuestionKind::Text => ("text", vec![], 0, 0),
                };
                QuestionView {
                    id: q.id.clone(),
                    prompt: pick(&q.prompt, lang),
                    required: q.required,
                    kind: kind.into(),
                    options,
                    min,
                    max,
                }
            })
            .collect(),
        results: s.results,
        mine,
        fetched_at,
    }
}

/// Reads a queued answer as the body of its send.
pub(crate) fn outgoing(conn: &Connection, id: &str, device_id: &str) -> Result<Outgoing> {
    let (survey, answers): (String, String) =
        conn.query_row("SELECT survey_id, answers FROM survey_answers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let answers: Vec<Answer> = serde_json::from_str(&answers).map_err(|e| Error::Storage(e.to_string()))?;
    let body = serde_json::to_string(&wire::Response { device_id: device_id.to_owned(), answers })
        .map_err(|e| Error::Storage(e.to_string()))?;
    Ok(Outgoing { fields: vec![("survey".into(), survey), ("body".into(), body)], photo: None })
}

/// Sends a prepared answer; the server's id for it is the survey's.
pub(crate) async fn send(api: &crate::api::Api, idempotency_key: &str, fields: &[(String, String)]) -> Result<String> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or_default();
    let body: wire::Response = serde_json::from_str(get("body")).map_err(|e| Error::Storage(e.to_string()))?;
    api.post_survey_response(get("survey"), idempotency_key, &body).await?;
    Ok(get("survey").to_owned())
}

/// Marks an answer sent or refused.
pub(crate) fn settled(tx: &Transaction<'_>, id: &str, refusal: Option<&str>) -> Result<()> {
    let state = if refusal.is_some() { "rejected" } else { "sent" };
    tx.execute("UPDATE survey_answers SET state = ?2, reason = ?3 WHERE id = ?1", params![id, state, refusal])?;
    Ok(())
}

/// The message next to the question at fault, with what the person needs
/// to fix it (the scale's bounds, the longest text).
fn unfit_problem(survey: &Survey, e: wire::Unfit) -> Problem {
    let field = format!("question:{}", e.question);
    let p = match e.kind {
        UnfitKind::Required => Problem::new("survey-required", e.to_string()),
        UnfitKind::Choice => Problem::new("survey-choice", e.to_string()),
        UnfitKind::Scale => {
            let (min, max) = match survey.questions.iter().find(|q| q.id == e.question).map(|q| &q.kind) {
                Some(QuestionKind::Scale { min, max }) => (*min, *max),
                _ => (0, 0),
            };
            Problem::new("survey-scale", e.to_string()).arg("min", min).arg("max", max)
        }
        UnfitKind::TooLong => Problem::new("survey-text-long", e.to_string()).arg("max", wire::MAX_TEXT as i64),
        UnfitKind::Other => Problem::new("survey-answer", e.to_string()).arg("reason", e.reason),
    };
    p.field(field)
}

/// The folded terms of `query` all start some term of `terms`.
fn matches(terms: &str, query: &[&str]) -> bool {
    query.iter().all(|q| text::terms(terms).any(|t| t.starts_with(q)))
}

impl MyCity {
    /// Fetches the city's announcements and surveys now (the sync engine does
    /// it on its own schedule); true when either changed.
    pub async fn refresh_consultations(&self) -> Result<bool> {
        let slug = self.city_slug();
        refresh(self, &slug).await
    }

    /// The city's announcements, newest first; with a query, those whose
    /// title, body or category hold every word (accents and case ignored).
    pub fn announcements(&self, query: &str) -> Result<Vec<AnnouncementItem>> {
        let slug = self.city_slug();
        let lang = self.lang();
        let folded = text::fold(query);
        let words: Vec<&str> = text::terms(&folded).collect();
        self.inner.store.read(|c| {
            let mut st =
                c.prepare_cached("SELECT body, terms FROM announcements WHERE city = ?1 ORDER BY date DESC")?;
            let rows = st.query_map([&slug], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for r in rows {
                let (body, terms) = r?;
                if !matches(&terms, &words) {
                    continue;
                }
                let a: Announcement = serde_json::from_str(&body).map_err(|e| Error::Storage(e.to_string()))?;
                out.push(AnnouncementItem {
                    title: pick(&a.title, lang),
                    body: pick(&a.body, lang),
                    id: a.id,
                    date: a.date,
                    category: a.category,
                });
            }
            Ok(out)
        })
    }

    /// The city's surveys, open ones first, with this device's answer.
    pub fn surveys(&self) -> Result<Vec<SurveyView>> {
        let slug = self.city_slug();
        let lang = self.lang();
        let at = now();
        let mut list = self.inner.store.read(|c| {
            let ids: Vec<String> = {
                let mut st = c.prepare_cached("SELECT id FROM surveys WHERE city = ?1 ORDER BY deadline DESC")?;
                let rows = st.query_map([&slug], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut out = Vec::new();
            for id in ids {
                if let Some((s, d, f)) = load_survey(c, &slug, &id)? {
                    out.push(view(s, d, f, mine(c, &slug, &id)?, lang, at));
                }
            }
            Ok(out)
        })?;
        list.sort_by_key(|s| !s.open);
        Ok(list)
    }

    /// Answers a survey: checked against its questions, stored and queued
    /// for the city in one step (sent once, whenever the network allows).
    /// One answer per survey on this device. Returns the answer's id.
    pub fn answer_survey(&self, survey_id: &str, answers: Vec<Answer>) -> Result<String> {
        let slug = self.city_slug();
        let id = uuid::Uuid::new_v4().to_string();
        let at = now();
        self.inner.store.write(|tx| {
            let (survey, deadline, _) = load_survey(tx, &slug, survey_id)?.ok_or_else(|| {
                Error::from(Problem::new("survey-unknown", format!("no survey {survey_id:?} in {slug}")).field("survey"))
            })?;
            if deadline <= at {
                return Err(Problem::new("survey-closed", "the survey is closed").field("survey").into());
            }
            if mine(tx, &slug, survey_id)?.is_some() {
                return Err(Problem::new("survey-answered", "this device already answered this survey")
                    .field("survey")
                    .into());
            }
            wire::check(&survey, &answers).map_err(|e| Error::from(unfit_problem(&survey, e)))?;
            let json = serde_json::to_string(&answers).map_err(|e| Error::Storage(e.to_string()))?;
            tx.execute(
                "INSERT INTO survey_answers (id, city, survey_id, answers, created_at, state) VALUES (?1, ?2, ?3, ?4, ?5, 'queued')",
                params![id, slug, survey_id, json, at],
            )?;
            outbox::enqueue(tx, Kind::Answer, &id, &slug, at)
        })?;
        self.queued();
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_start_terms() {
        let mut terms = String::new();
        text::index_terms(&mut terms, &["Phân luồng giao thông", "Traffic diversion", "traffic"]);
        let q = |s: &str| {
            let f = text::fold(s);
            matches(&terms, &text::terms(&f).collect::<Vec<_>>())
        };
        assert!(q("giao thong"));
        assert!(q("PHÂN LUỒNG"));
        assert!(q("traf"));
        assert!(q(""));
        assert!(!q("giao cầu"));
    }

    #[test]
    fn unfit_answers_become_problems_next_to_their_question() {
        let t = |s: &str| wire::Text::new(s, s);
        let survey = Survey {
            id: "s".into(),
            title: t("t"),
            description: t("d"),
            deadline: "2099-01-01T00:00:00+07:00".into(),
            questions: vec![wire::Question {
                id: "q".into(),
                prompt: t("p"),
                required: true,
                kind: QuestionKind::Scale { min: 1, max: 5 },
            }],
            results: None,
        };
        let p = |given: Vec<Answer>| unfit_problem(&survey, wire::check(&survey, &given).unwrap_err());
        let missing = p(vec![]);
        assert_eq!((missing.code, missing.field.as_deref()), ("survey-required", Some("question:q")));
        let out = p(vec![Answer { question: "q".into(), given: wire::Given::Scale(9) }]);
        assert_eq!(out.code, "survey-scale");
        assert_eq!((out.get("min"), out.get("max")), (Some("1"), Some("5")));
        let other = p(vec![Answer { question: "q".into(), given: wire::Given::Text("x".into()) }]);
        assert_eq!(other.code, "survey-answer");
    }
}
