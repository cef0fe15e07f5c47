//! City announcements and public consultations (surveys): the lists the
//! app reads, one response per device per survey (a resend with the same
//! `Idempotency-Key` answers as the first time), results once a survey closes.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use mycity_protocol::consult::{self, Announcement, Question, QuestionKind, Response as SurveyResponse, Survey, Text};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{AppState, Error};

/// Tables; created with the rest of the schema.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS announcements (
    city TEXT NOT NULL,
    id   TEXT NOT NULL,
    body TEXT NOT NULL,   -- JSON Announcement
    date TEXT NOT NULL,
    PRIMARY KEY (city, id)
);
CREATE TABLE IF NOT EXISTS surveys (
    id       TEXT PRIMARY KEY,
    city     TEXT NOT NULL,
    body     TEXT NOT NULL,   -- JSON Survey without results
    deadline INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_responses (
    survey_id  TEXT NOT NULL REFERENCES surveys(id),
    device_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    answers    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (survey_id, device_id)
);
"#;

type Shared = State<Arc<AppState>>;

/// The routes of this module.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/cities/{slug}/announcements", get(announcements))
        .route("/api/v1/cities/{slug}/surveys", get(surveys))
        .route("/api/v1/surveys/{id}/responses", post(respond))
        .route("/api/v1/surveys/{id}/results", get(results))
        .route("/admin/surveys/{id}/close", post(close))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn announcements(State(s): Shared, Path(slug): Path<String>) -> Result<Response, Error> {
    let conn = s.db.conn();
    let mut st = conn.prepare_cached("SELECT body FROM announcements WHERE city = ?1 ORDER BY date DESC")?;
    let rows = st.query_map([slug], |r| r.get::<_, String>(0))?;
    let mut list: Vec<Announcement> = Vec::new();
    for r in rows {
        list.push(serde_json::from_str(&r?).map_err(|e| Error::Internal(e.to_string()))?);
    }
    Ok(Json(list).into_response())
}

fn load(conn: &Connection, id: &str) -> Result<Option<(Survey, i64)>, Error> {
    let row: Option<(String, i64)> = conn
        .query_row("SELECT body, deadline FROM surveys WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(b, d)| Ok((serde_json::from_str(&b).map_err(|e| Error::Internal(e.to_string()))?, d))).transpose()
}

fn tally(conn: &Connection, survey: &Survey) -> Result<consult::Results, Error> {
    let mut st = conn.prepare_cached("SELECT answers FROM survey_responses WHERE survey_id = ?1")?;
    let rows = st.query_map([&survey.id], |r| r.get::<_, String>(0))?;
    let mut all = Vec::new();
    for r in rows {
        all.push(serde_json::from_str(&r?).map_err(|e| Error::Internal(e.to_string()))?);
    }
    Ok(consult::tally(survey, &all))
}

async fn surveys(State(s): Shared, Path(slug): Path<String>) -> Result<Response, Error> {
    let conn = s.db.conn();
    let ids: Vec<String> = {
        let mut st = conn.prepare_cached("SELECT id FROM surveys WHERE city = ?1 ORDER BY deadline DESC")?;
        let rows = st.query_map([slug], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    for id in ids {
        if let Some((mut survey, deadline)) = load(&conn, &id)? {
            if deadline <= now() {
                survey.results = Some(tally(&conn, &survey)?);
            }
            out.push(survey);
        }
    }
    Ok(Json(out).into_response())
}

async fn respond(
    State(s): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(resp): Json<SurveyResponse>,
) -> Result<Response, Error> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| Error::BadRequest("Idempotency-Key is required".into()))?
        .to_owned();
    if resp.device_id.trim().is_empty() || resp.device_id.len() > 200 {
        return Err(Error::BadRequest("device_id is required".into()));
    }
    // A device flooding answers waits like one flooding reports.
    if let Err(wait) = s.throttle.device(&s.config.limits, Some(&resp.device_id)) {
        return Ok(crate::throttle::too_many(wait));
    }
    let conn = s.db.conn();
    let (survey, deadline) = load(&conn, &id)?.ok_or_else(|| Error::NotFound(format!("no survey {id:?}")))?;
    let earlier: Option<String> = conn
        .query_row(
            "SELECT key FROM survey_responses WHERE survey_id = ?1 AND device_id = ?2",
            params![id, resp.device_id],
            |r| r.get(0),
        )
        .optional()?;
    match earlier {
        Some(k) if k == key => {
            return Ok((StatusCode::OK, Json(serde_json::json!({ "survey": id, "accepted": true }))).into_response())
        }
        Some(_) => return Err(Error::Conflict("this device already answered this survey".into())),
        None => {}
    }
    if deadline <= now() {
        return Err(Error::Conflict("the survey is closed".into()));
    }
    consult::check(&survey, &resp.answers).map_err(|e| Error::BadRequest(e.to_string()))?;
    let answers = serde_json::to_string(&resp.answers).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO survey_responses (survey_id, device_id, key, answers, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, resp.device_id, key, answers, crate::now_iso()],
    )?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "survey": id, "accepted": true }))).into_response())
}

async fn results(State(s): Shared, Path(id): Path<String>) -> Result<Response, Error> {
    let conn = s.db.conn();
    let (survey, deadline) = load(&conn, &id)?.ok_or_else(|| Error::NotFound(format!("no survey {id:?}")))?;
    if deadline > now() {
        return Err(Error::Forbidden("results are published once the survey closes".into()));
    }
    Ok(Json(tally(&conn, &survey)?).into_response())
}

/// Staff: closes a survey now (demos and tests), so its results publish.
async fn close(State(s): Shared, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    let conn = s.db.conn();
    let (mut survey, _) = load(&conn, &id)?.ok_or_else(|| Error::NotFound(format!("no survey {id:?}")))?;
    let t = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    survey.deadline = t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let body = serde_json::to_string(&survey).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute("UPDATE surveys SET body = ?2, deadline = ?3 WHERE id = ?1", params![id, body, t.unix_timestamp()])?;
    Ok(Json(serde_json::json!({ "survey": id, "closed": true })).into_response())
}

/// Demo data: two announcements and one open survey per city.
pub(crate) fn seed(conn: &Connection) -> Result<(), Error> {
    let cities: Vec<String> = {
        let mut st = conn.prepare("SELECT slug FROM packs ORDER BY slug")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let fmt = |t: time::OffsetDateTime| {
        t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
            .replace_nanosecond(0)
            .unwrap_or(t)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let now = time::OffsetDateTime::now_utc();
    let t = Text::new;
    for slug in cities {
        let list = [
            Announcement {
                id: "lich-tiep-dan".into(),
                title: t("Lịch tiếp công dân tháng 12", "Citizen reception schedule for December"),
                body: t(
                    "Lãnh đạo UBND tiếp công dân định kỳ vào sáng thứ Năm hằng tuần tại Trụ sở tiếp công dân.",
                    "City leaders receive citizens every Thursday morning at the citizen reception office.",
                ),
                date: fmt(now - time::Duration::days(2)),
                category: "administration".into(),
            },
            Announcement {
                id: "phan-luong-giao-thong".into(),
                title: t("Phân luồng giao thông phục vụ sửa chữa cầu", "Traffic diversion for bridge repairs"),
                body: t(
                    "Từ ngày 1 đến 15 tháng 12, xe trên 5 tấn đi theo đường tránh; xe máy và ô tô con đi bình thường.",
                    "From 1 to 15 December, vehicles over 5 tonnes take the bypass; motorbikes and cars pass as usual.",
                ),
                date: fmt(now - time::Duration::days(1)),
                category: "traffic".into(),
            },
        ];
        for a in list {
            let body = serde_json::to_string(&a).map_err(|e| Error::Internal(e.to_string()))?;
            conn.execute(
                "INSERT OR IGNORE INTO announcements (city, id, body, date) VALUES (?1, ?2, ?3, ?4)",
                params![slug, a.id, body, a.date],
            )?;
        }
        let deadline = now + time::Duration::days(14);
        let survey = Survey {
            id: format!("{slug}-cho-dem"),
            title: t("Lấy ý kiến: giờ hoạt động chợ đêm", "Consultation: night market opening hours"),
            description: t(
                "Dự thảo quy định giờ hoạt động chợ đêm ở trung tâm thành phố. Ý kiến của bạn giúp thành phố quyết định.",
                "A draft rule on the city-centre night market's hours. Your view helps the city decide.",
            ),
            deadline: fmt(deadline),
            questions: vec![
                Question {
                    id: "gio".into(),
                    prompt: t("Chợ đêm nên đóng cửa lúc mấy giờ?", "When should the night market close?"),
                    required: true,
                    kind: QuestionKind::Single { options: vec![t("22 giờ", "10 pm"), t("23 giờ", "11 pm"), t("24 giờ", "midnight")] },
                },
                Question {
                    id: "quan-tam".into(),
                    prompt: t("Bạn quan tâm điều gì?", "What matters to you?"),
                    required: false,
                    kind: QuestionKind::Multiple {
                        options: vec![t("Tiếng ồn", "Noise"), t("Vệ sinh", "Cleanliness"), t("Giao thông", "Traffic"), t("Thu nhập", "Income")],
                    },
                },
                Question {
                    id: "ung-ho".into(),
                    prompt: t("Mức độ ủng hộ dự thảo (1–5)", "How much do you support the draft (1–5)?"),
                    required: true,
                    kind: QuestionKind::Scale { min: 1, max: 5 },
                },
                Question {
                    id: "gop-y".into(),
                    prompt: t("Góp ý khác", "Other comments"),
                    required: false,
                    kind: QuestionKind::Text,
                },
            ],
            results: None,
        };
        let body = serde_json::to_string(&survey).map_err(|e| Error::Internal(e.to_string()))?;
        conn.execute(
            "INSERT OR IGNORE INTO surveys (id, city, body, deadline) VALUES (?1, ?2, ?3, ?4)",
            params![survey.id, slug, body, deadline.unix_timestamp()],
        )?;
    }
    Ok(())
}
