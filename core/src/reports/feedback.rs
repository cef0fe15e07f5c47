//! "Is it really fixed?" and "how satisfied are you with how the city
//! handled it?" (1–5), asked once when the city calls one of my reports fixed
//! or closed, as FixMyStreet's questionnaire does. A "no" reopens the report
//! through the reopen path; the answers go through the outbox to
//! `POST /api/v1/requests/{id}/feedback` and may be changed for
//! [`CHANGE_WINDOW_DAYS`] after they were first given.
//!
//! [`prompt`] and [`check`] decide; the rest reads and writes the tables.

pub use mycity_protocol::feedback::{CHANGE_WINDOW_DAYS, MAX_COMMENT_CHARS, MAX_RATING, MIN_RATING};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::{store::Outgoing, ReportStatus};
use crate::{
    sync::outbox::{self, Kind},
    Error, Problem, Result,
};

const DAY_S: i64 = 86_400;

/// My latest answers on a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Given {
    /// "Is it really fixed?"
    pub fixed: bool,
    /// Satisfaction, 1–5.
    pub rating: u8,
    /// My comment.
    pub comment: String,
    /// The city's server has it.
    pub sent: bool,
    /// Why the server refused it, if it did.
    pub refused: Option<String>,
    /// Until when it may be changed (unix seconds), while it still may.
    pub changeable_until: Option<i64>,
}

/// What a report's card offers about feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Feedback {
    /// The city called it done: ask the two questions.
    Ask,
    /// Answered.
    Given(Given),
}

/// What [`prompt`] reads of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Where it stands.
    pub status: ReportStatus,
    /// The city has it.
    pub on_server: bool,
    /// The person said "not now" to the question.
    pub dismissed: bool,
    /// When the answers were first given (the server's time once known).
    pub first_given: Option<i64>,
}

/// True when the city called the report done in a way the person can judge.
fn done(status: ReportStatus) -> bool {
    matches!(status, ReportStatus::City(s) if s.citizen_may_reopen())
}

/// The end of the change window for answers first given at `first`.
fn window_end(first: i64) -> i64 {
    first + CHANGE_WINDOW_DAYS * DAY_S
}

/// What the card shows: the question once the city calls the report done
/// (unless the person said "not now"), my answers once given, with until
/// when they may be changed while the report is still done and the window open.
pub fn prompt(f: Facts, latest: Option<Given>, now: i64) -> Option<Feedback> {
    match latest {
        None => (done(f.status) && f.on_server && !f.dismissed).then_some(Feedback::Ask),
        Some(mut g) => {
            let end = f.first_given.map(window_end);
            g.changeable_until = end.filter(|&end| done(f.status) && now <= end);
            Some(Feedback::Given(g))
        }
    }
}

/// Whether answers may be given now: yes or no, a rating of 1–5, a comment
/// that fits, on a done report the city has, within the change window of the
/// first answers. Returns the yes or no.
pub fn check(f: Facts, fixed: Option<bool>, rating: u8, comment: &str, now: i64) -> Result<bool> {
    let Some(fixed) = fixed else {
        return Err(Problem::new("feedback-fixed", "say whether it is really fixed").field("fixed").into());
    };
    if !(MIN_RATING..=MAX_RATING).contains(&rating) {
        return Err(Problem::new("feedback-rating", format!("satisfaction is 1 to 5, not {rating}"))
            .field("rating")
            .arg("rating", rating)
            .into());
    }
    let n = comment.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(Problem::new("feedback-comment-long", format!("comment of {n} characters"))
            .field("comment")
            .arg("max", MAX_COMMENT_CHARS)
            .arg("len", n)
            .into());
    }
    if !f.on_server {
        return Err(Problem::new("report-not-sent", "this report has not reached the city yet").into());
    }
    if !done(f.status) {
        return Err(Problem::new("feedback-not-done", format!("the report is {}, not fixed", f.status.key()))
            .arg("status", f.status.key())
            .into());
    }
    if f.first_given.is_some_and(|first| now > window_end(first)) {
        return Err(Problem::new("feedback-window-over", "the answers can no longer be changed")
            .arg("days", CHANGE_WINDOW_DAYS)
            .into());
    }
    Ok(fixed)
}

/// The report's facts and my latest answers, as stored.
pub(crate) fn read(conn: &Connection, report_id: &str) -> Result<Option<(Facts, Option<Given>)>> {
    let facts = conn
        .query_row(
            "SELECT status, server_id IS NOT NULL, feedback_dismissed_at IS NOT NULL,
                    (SELECT min(COALESCE(given_at, created_at)) FROM report_feedback f
                     WHERE f.report_id = r.id AND f.refused IS NULL)
             FROM reports r WHERE id = ?1",
            [report_id],
            |r| {
                Ok(Facts {
                    status: ReportStatus::parse(&r.get::<_, String>(0)?),
                    on_server: r.get(1)?,
                    dismissed: r.get(2)?,
                    first_given: r.get(3)?,
                })
            },
        )
        .optional()?;
    let Some(facts) = facts else { return Ok(None) };
    let latest = conn
        .prepare_cached(
            "SELECT fixed, rating, comment, sent_at IS NOT NULL, refused FROM report_feedback
             WHERE report_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )?
        .query_row([report_id], |r| {
            Ok(Given {
                fixed: r.get(0)?,
                rating: r.get(1)?,
                comment: r.get(2)?,
                sent: r.get(3)?,
                refused: r.get(4)?,
                changeable_until: None,
            })
        })
        .optional()?;
    Ok(Some((facts, latest)))
}

/// The card's feedback for one report now.
pub(crate) fn of(conn: &Connection, report_id: &str, now: i64) -> Result<Option<Feedback>> {
    Ok(read(conn, report_id)?.and_then(|(facts, latest)| prompt(facts, latest, now)))
}

/// Checks and stores my answers and queues them; returns their id.
pub(crate) fn queue(
    tx: &Transaction<'_>,
    city: &str,
    report_id: &str,
    fixed: Option<bool>,
    rating: u8,
    comment: &str,
    now: i64,
) -> Result<(String, bool)> {
    let (facts, _) = read(tx, report_id)?
        .ok_or_else(|| Error::from(Problem::new("report-unknown", format!("no report {report_id}"))))?;
    let fixed = check(facts, fixed, rating, comment, now)?;
    let id = uuid::Uuid::new_v4().to_string();
    tx.execute(
        "INSERT INTO report_feedback (id, report_id, fixed, rating, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, report_id, fixed, rating, comment.trim(), now],
    )?;
    outbox::enqueue(tx, Kind::Feedback, &id, city, now)?;
    Ok((id, fixed))
}

/// "Not now": the question is not asked again for this report.
pub(crate) fn dismiss(tx: &Transaction<'_>, report_id: &str, now: i64) -> Result<()> {
    let n = tx.execute(
        "UPDATE reports SET feedback_dismissed_at = ?2 WHERE id = ?1 AND feedback_dismissed_at IS NULL",
        params![report_id, now],
    )?;
    let known: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM reports WHERE id = ?1)", [report_id], |r| r.get(0))?;
    if n == 0 && !known {
        return Err(Problem::new("report-unknown", format!("no report {report_id}")).into());
    }
    Ok(())
}

/// Stored answers in the shape the API client sends.
pub(crate) fn outgoing(conn: &Connection, id: &str, device_id: &str) -> Result<Outgoing> {
    let (server_id, fixed, rating, comment): (Option<String>, bool, u8, String) = conn
        .query_row(
            "SELECT r.server_id, f.fixed, f.rating, f.comment FROM report_feedback f
             JOIN reports r ON r.id = f.report_id WHERE f.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| Error::Storage(format!("feedback {id} is gone")))?;
    let server_id = server_id.ok_or_else(|| Error::Storage(format!("feedback {id} is on a report not sent")))?;
    Ok(Outgoing {
        fields: vec![
            ("service_request_id".into(), server_id),
            ("fixed".into(), fixed.to_string()),
            ("rating".into(), rating.to_string()),
            ("comment".into(), comment),
            ("device_id".into(), device_id.to_owned()),
        ],
        photo: None,
    })
}

/// The server took it; `given_at` is its first-given time (RFC 3339).
pub(crate) fn accepted(tx: &Transaction<'_>, id: &str, given_at: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE report_feedback SET sent_at = ?2, given_at = ?3 WHERE id = ?1",
        params![id, now, crate::city::unix(given_at)],
    )?;
    Ok(())
}

/// The server refused it; the card says why.
pub(crate) fn refused(tx: &Transaction<'_>, id: &str, reason: &str) -> Result<()> {
    tx.execute("UPDATE report_feedback SET refused = ?2 WHERE id = ?1", params![id, reason])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use mycity_protocol::Status;

    use super::*;

    const NOW: i64 = 1_764_000_000;

    fn facts(status: ReportStatus) -> Facts {
        Facts { status, on_server: true, dismissed: false, first_given: None }
    }

    fn given(fixed: bool) -> Given {
        Given { fixed, rating: 4, comment: String::new(), sent: true, refused: None, changeable_until: None }
    }

    fn code(r: Result<bool>) -> &'static str {
        match r {
            Err(Error::Invalid(p)) => p.code,
            other => panic!("{other:?}"),
        }
    }

    const FIXED: ReportStatus = ReportStatus::City(Status::Fixed);

    #[test]
    fn the_question_is_asked_once_the_city_calls_it_done() {
        assert_eq!(prompt(facts(FIXED), None, NOW), Some(Feedback::Ask));
        assert_eq!(prompt(facts(ReportStatus::City(Status::Closed)), None, NOW), Some(Feedback::Ask));
        for s in [Status::Open, Status::InProgress, Status::Reopen, Status::Duplicate, Status::NoFurtherAction] {
            assert_eq!(prompt(facts(ReportStatus::City(s)), None, NOW), None, "{s}");
        }
        assert_eq!(prompt(facts(ReportStatus::Queued), None, NOW), None);
    }

    #[test]
    fn not_now_stops_the_question() {
        assert_eq!(prompt(Facts { dismissed: true, ..facts(FIXED) }, None, NOW), None);
    }

    #[test]
    fn given_answers_show_until_when_they_may_change() {
        let f = Facts { first_given: Some(NOW), ..facts(FIXED) };
        let Some(Feedback::Given(g)) = prompt(f, Some(given(true)), NOW + DAY_S) else { panic!() };
        assert_eq!(g.changeable_until, Some(NOW + 14 * DAY_S));
        let Some(Feedback::Given(g)) = prompt(f, Some(given(true)), NOW + 15 * DAY_S) else { panic!() };
        assert_eq!(g.changeable_until, None, "the window is over");
    }

    #[test]
    fn a_reopened_report_shows_the_no_without_a_change() {
        let f = Facts { first_given: Some(NOW), ..facts(ReportStatus::City(Status::Reopen)) };
        let Some(Feedback::Given(g)) = prompt(f, Some(given(false)), NOW) else { panic!() };
        assert!(!g.fixed);
        assert_eq!(g.changeable_until, None);
    }

    #[test]
    fn bad_answers_are_refused_by_name() {
        assert_eq!(code(check(facts(FIXED), Some(true), 0, "", NOW)), "feedback-rating");
        assert_eq!(code(check(facts(FIXED), Some(true), 6, "", NOW)), "feedback-rating");
        assert_eq!(
            code(check(facts(FIXED), Some(true), 3, &"x".repeat(MAX_COMMENT_CHARS + 1), NOW)),
            "feedback-comment-long"
        );
        assert_eq!(code(check(facts(ReportStatus::City(Status::Open)), Some(true), 3, "", NOW)), "feedback-not-done");
        assert_eq!(code(check(Facts { on_server: false, ..facts(FIXED) }, Some(true), 3, "", NOW)), "report-not-sent");
    }

    #[test]
    fn yes_or_no_must_be_said() {
        assert_eq!(code(check(facts(FIXED), None, 4, "", NOW)), "feedback-fixed");
        assert!(!check(facts(FIXED), Some(false), 4, "", NOW).unwrap());
    }

    #[test]
    fn answers_change_within_fourteen_days_and_not_after() {
        let f = Facts { first_given: Some(NOW), ..facts(FIXED) };
        assert!(check(f, Some(true), 5, "", NOW + 14 * DAY_S).is_ok());
        assert_eq!(code(check(f, Some(true), 5, "", NOW + 14 * DAY_S + 1)), "feedback-window-over");
    }
}
