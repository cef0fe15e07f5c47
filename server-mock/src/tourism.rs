//! Tourists' ratings of places: `POST /api/v1/places/{id}/ratings`
//! (idempotent; one rating per device and place, a later one replaces it),
//! and their sums, served inside the city's pack under `ratings`.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use mycity_protocol::tourism::{self as wire, PlaceRating, RatingCreated, RatingPost};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{AppState, Error};

/// Tables for ratings; created with the rest of the schema.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS place_ratings (
    id         INTEGER PRIMARY KEY,
    city       TEXT NOT NULL,
    place_id   TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    stars      INTEGER NOT NULL,
    comment    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (city, place_id, device_id)
);
"#;

/// The rating routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/v1/places/{id}/ratings", post(post_rating))
}

fn place_exists(conn: &Connection, city: &str, place: &str) -> Result<bool, Error> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM packs WHERE slug = ?1", [city], |r| r.get(0)).optional()?;
    let Some(body) = body else {
        return Err(Error::NotFound(format!("unknown city {city:?}")));
    };
    let v: serde_json::Value = serde_json::from_str(&body).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(v.get("places")
        .and_then(|p| p.as_array())
        .is_some_and(|a| a.iter().any(|p| p.get("id").and_then(|i| i.as_str()) == Some(place))))
}

fn aggregate(conn: &Connection, city: &str, place: &str) -> Result<PlaceRating, Error> {
    let (count, average): (u32, Option<f64>) = conn.query_row(
        "SELECT count(*), avg(stars) FROM place_ratings WHERE city = ?1 AND place_id = ?2",
        [city, place],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(PlaceRating { place_id: place.to_owned(), count, average: average.unwrap_or(0.0) })
}

async fn post_rating(
    State(s): State<Arc<AppState>>,
    Path(place): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Error> {
    let r: RatingPost =
        serde_json::from_str(&body).map_err(|e| Error::BadRequest(format!("rating is not valid JSON: {e}")))?;
    if let Some(why) = wire::check(r.stars, &r.comment) {
        return Err(Error::BadRequest(why.into()));
    }
    if r.device_id.trim().is_empty() || r.device_id.len() > 200 {
        return Err(Error::BadRequest("device_id is required".into()));
    }
    // A device flooding ratings waits like one flooding reports (the address limit holds scripts that rotate ids).
    if let Err(wait) = s.throttle.device(&s.config.limits, Some(&r.device_id)) {
        return Ok(crate::throttle::too_many(wait));
    }
    let key = crate::open311::idempotency_key(&headers)?;
    let endpoint = format!("rating:{}", r.city);
    let conn = s.db.conn();
    if let Some(k) = &key {
        if let Some((status, body)) = crate::reports::remembered(&conn, k, &endpoint)? {
            return Ok((StatusCode::from_u16(status).unwrap_or(StatusCode::OK), Json(body)).into_response());
        }
    }
    if !place_exists(&conn, &r.city, &place)? {
        return Err(Error::NotFound(format!("no place {place:?} in {}", r.city)));
    }
    let tx = conn.unchecked_transaction()?;
    // One per device and place: a new rating replaces the old (and gets a new id,
    // which moves the pack's ETag).
    tx.execute(
        "INSERT OR REPLACE INTO place_ratings (city, place_id, device_id, stars, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![r.city, place, r.device_id, r.stars, r.comment.trim(), crate::now_iso()],
    )?;
    let id = tx.last_insert_rowid().to_string();
    let created = RatingCreated { id, aggregate: aggregate(&tx, &r.city, &place)? };
    let answer = serde_json::to_value(&created).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(k) = &key {
        crate::reports::remember(&tx, k, &endpoint, 201, &answer)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// The pack's ETag moved on by the city's ratings, so a client holding the
/// same pack version still learns of new sums.
pub(crate) fn etag_with_ratings(conn: &Connection, city: &str, etag: &str) -> Result<String, Error> {
    let (n, last): (i64, Option<i64>) =
        conn.query_row("SELECT count(*), max(id) FROM place_ratings WHERE city = ?1", [city], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(match last {
        None => etag.to_owned(),
        Some(last) => format!("{}-r{n}.{last}\"", etag.trim_end_matches('"')),
    })
}

/// The pack body with the city's rating sums under `ratings`.
pub(crate) fn body_with_ratings(conn: &Connection, city: &str, body: String) -> Result<String, Error> {
    let mut st = conn.prepare_cached(
        "SELECT place_id, count(*), avg(stars) FROM place_ratings WHERE city = ?1 GROUP BY place_id ORDER BY place_id",
    )?;
    let sums: Vec<PlaceRating> = st
        .query_map([city], |r| Ok(PlaceRating { place_id: r.get(0)?, count: r.get(1)?, average: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    if sums.is_empty() {
        return Ok(body);
    }
    let mut v: serde_json::Value = serde_json::from_str(&body).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(o) = v.as_object_mut() {
        o.insert(
            wire::PACK_RATINGS_KEY.into(),
            serde_json::to_value(&sums).map_err(|e| Error::Internal(e.to_string()))?,
        );
    }
    Ok(v.to_string())
}
