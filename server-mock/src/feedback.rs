//! The reporter's answers once the city calls a report done:
//! `POST /api/v1/requests/{id}/feedback` (idempotent; one per report per
//! device, changeable for 14 days). Stored in `request_feedback`, which the
//! scorecard reads for satisfaction.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use mycity_protocol::{
    feedback::{self as wire, FeedbackAnswer, FeedbackPost},
    BaseStatus, Status,
};
use rusqlite::{params, Connection, OptionalExtension};
use time::{format_description::well_known::Rfc3339, Duration, OffsetDateTime};

use crate::{AppState, Error};

/// The feedback route.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/v1/requests/{id}/feedback", post(post_feedback))
}

/// What the decision needs to know about the report and an earlier answer.
struct Target {
    status: String,
    device_id: Option<String>,
    given_at: Option<String>,
}

fn target(conn: &Connection, id: i64, device: &str) -> Result<Option<Target>, Error> {
    Ok(conn
        .query_row(
            "SELECT r.status, r.device_id, f.created_at FROM requests r
             LEFT JOIN request_feedback f ON f.request_id = r.id AND f.device_id = ?2
             WHERE r.id = ?1",
            params![id, device],
            |r| Ok(Target { status: r.get(0)?, device_id: r.get(1)?, given_at: r.get(2)? }),
        )
        .optional()?)
}

fn parse_time(s: &str) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| Error::Internal(format!("stored time {s:?}: {e}")))
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Why this device may not give (or change) feedback on this report now, or
/// `Ok` with when its answer was first given.
fn admit(t: &Target, device: &str, now: OffsetDateTime) -> Result<OffsetDateTime, Error> {
    if t.device_id.as_deref() != Some(device) {
        // Only the reporter is asked; the same words whether the report is
        // someone else's or was sent without a device id.
        return Err(Error::Forbidden("only the person who sent this report can say whether it is fixed".into()));
    }
    let done = Status::parse(&t.status).is_some_and(|s| s.base() == BaseStatus::Closed);
    if !done {
        return Err(Error::Conflict(format!("the report is {}, not fixed or closed: nothing to rate yet", t.status)));
    }
    match &t.given_at {
        None => Ok(now),
        Some(given) => {
            let given = parse_time(given)?;
            if now > given + Duration::days(wire::CHANGE_WINDOW_DAYS) {
                Err(Error::Conflict(format!(
                    "feedback can be changed for {} days after it was given, until {}",
                    wire::CHANGE_WINDOW_DAYS,
                    iso(given + Duration::days(wire::CHANGE_WINDOW_DAYS))
                )))
            } else {
                Ok(given)
            }
        }
    }
}

async fn post_feedback(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Error> {
    let f: FeedbackPost =
        serde_json::from_str(&body).map_err(|e| Error::BadRequest(format!("feedback is not valid JSON: {e}")))?;
    if let Some(why) = wire::check(f.rating, &f.comment) {
        return Err(Error::BadRequest(why.into()));
    }
    if f.device_id.trim().is_empty() || f.device_id.len() > 200 {
        return Err(Error::BadRequest("device_id is required".into()));
    }
    if let Err(wait) = s.throttle.device(&s.config.limits, Some(&f.device_id)) {
        return Ok(crate::throttle::too_many(wait));
    }
    let key = crate::open311::idempotency_key(&headers)?;
    let request: i64 = id.parse().map_err(|_| Error::NotFound(format!("no report {id:?}")))?;
    let endpoint = format!("feedback:{request}");
    let conn = s.db.conn();
    if let Some(k) = &key {
        if let Some((status, body)) = crate::reports::remembered(&conn, k, &endpoint)? {
            return Ok((StatusCode::from_u16(status).unwrap_or(StatusCode::OK), Json(body)).into_response());
        }
    }
    let t = target(&conn, request, &f.device_id)?.ok_or_else(|| Error::NotFound(format!("no report {id:?}")))?;
    let now = OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    let given = admit(&t, &f.device_id, now)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO request_feedback (request_id, device_id, fixed, rating, comment, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (request_id, device_id)
         DO UPDATE SET fixed = excluded.fixed, rating = excluded.rating, comment = excluded.comment,
                       updated_at = ?7",
        params![request, f.device_id, f.fixed, f.rating, f.comment.trim(), iso(given), iso(now)],
    )?;
    let answer = FeedbackAnswer {
        service_request_id: request.to_string(),
        fixed: f.fixed,
        rating: f.rating,
        given_at: iso(given),
        changeable_until: iso(given + Duration::days(wire::CHANGE_WINDOW_DAYS)),
    };
    let answer = serde_json::to_value(&answer).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(k) = &key {
        crate::reports::remember(&tx, k, &endpoint, 200, &answer)?;
    }
    tx.commit()?;
    Ok((StatusCode::OK, Json(answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(status: &str, device: Option<&str>, given: Option<&str>) -> Target {
        Target { status: status.into(), device_id: device.map(Into::into), given_at: given.map(Into::into) }
    }

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).unwrap()
    }

    #[test]
    fn only_the_reporter_rates_a_done_report_and_may_change_it_for_14_days() {
        let now = at("2026-11-29T10:00:00+07:00");
        assert_eq!(admit(&t("fixed", Some("me"), None), "me", now).unwrap(), now);
        assert!(matches!(admit(&t("fixed", Some("you"), None), "me", now), Err(Error::Forbidden(_))));
        assert!(matches!(admit(&t("fixed", None, None), "me", now), Err(Error::Forbidden(_))));
        assert!(matches!(admit(&t("in_progress", Some("me"), None), "me", now), Err(Error::Conflict(_))));
        assert!(admit(&t("closed", Some("me"), None), "me", now).is_ok());
        let within = t("fixed", Some("me"), Some("2026-11-15T10:00:00+07:00"));
        assert_eq!(admit(&within, "me", now).unwrap(), at("2026-11-15T10:00:00+07:00"), "keeps the first time");
        let late = t("fixed", Some("me"), Some("2026-11-15T09:59:59+07:00"));
        assert!(matches!(admit(&late, "me", now), Err(Error::Conflict(_))));
    }
}
