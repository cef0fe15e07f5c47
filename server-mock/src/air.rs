//! Air quality: every station a city's pack lists, with its hourly means
//! over the last 24 hours (`GET /api/v1/cities/{slug}/air`, with an ETag).
//!
//! A seeded server makes up plausible readings, the same for the same
//! station and hour on every run: a daily rhythm (particles, NO2 and CO peak
//! with the morning and evening traffic, O3 in the early afternoon sun),
//! some noise, and a few hours lost as real analysers lose them. Staff can
//! post real hours (`POST /admin/cities/{slug}/air`), which take the place of
//! the made-up ones.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use mycity_protocol::air::{AirReadings, HourlyMeans, StationName, StationReadings, HOURS_SERVED};
use rusqlite::params;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{check_admin, AppState, Error};

/// The module's table: hours staff posted.
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS air_hours (
    city    TEXT NOT NULL,
    station TEXT NOT NULL,
    hour    INTEGER NOT NULL,   -- unix seconds, end of the averaging hour
    pm25 REAL, pm10 REAL, o3 REAL, no2 REAL, so2 REAL, co REAL,
    PRIMARY KEY (city, station, hour)
) WITHOUT ROWID;
"#;

/// Vietnam's offset; hours are labelled in local time.
const VN_OFFSET_S: i64 = 7 * 3600;

/// The module's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/v1/cities/{slug}/air", get(air)).route("/admin/cities/{slug}/air", post(post_hours))
}

#[derive(Deserialize)]
struct PackStations {
    #[serde(default)]
    air_stations: Vec<PackStation>,
}

#[derive(Deserialize)]
struct PackStation {
    id: String,
    name: StationName,
    lat: f64,
    lon: f64,
}

fn stations(s: &AppState, slug: &str) -> Result<Vec<PackStation>, Error> {
    let pack = s.db.pack(slug)?.ok_or_else(|| Error::NotFound(format!("unknown city {slug:?}")))?;
    let parsed: PackStations =
        serde_json::from_str(&pack.body).map_err(|e| Error::Internal(format!("pack of {slug}: {e}")))?;
    Ok(parsed.air_stations)
}

fn now_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The readings of `slug` for the 24 hours ending at the last full hour before `now`.
pub(crate) fn readings(s: &AppState, slug: &str, now: i64) -> Result<AirReadings, Error> {
    let last = now.div_euclid(3600) * 3600;
    let first = last - (HOURS_SERVED as i64 - 1) * 3600;
    let posted = {
        let conn = s.db.conn();
        let mut st = conn.prepare_cached(
            "SELECT station, hour, pm25, pm10, o3, no2, so2, co FROM air_hours
             WHERE city = ?1 AND hour BETWEEN ?2 AND ?3",
        )?;
        let rows = st.query_map(params![slug, first, last], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            ))
        })?;
        rows.collect::<Result<Vec<(String, i64, [Option<f64>; 6])>, _>>()?
    };
    let mut out = Vec::new();
    for st in stations(s, slug)? {
        let mut hours = Vec::new();
        for hour in (first..=last).step_by(3600) {
            let given = posted.iter().find(|(id, h, _)| *id == st.id && *h == hour).map(|(_, _, v)| *v);
            let values = match given {
                Some(v) => Some(v),
                None if s.config.seed => synthetic(&st.id, hour),
                None => None,
            };
            if let Some(v) = values {
                hours.push(means(hour, v));
            }
        }
        out.push(StationReadings { id: st.id, name: st.name, lat: st.lat, lon: st.lon, hours });
    }
    Ok(AirReadings { city: slug.to_owned(), generated_at: rfc3339(now), stations: out })
}

fn means(hour: i64, [pm25, pm10, o3, no2, so2, co]: [Option<f64>; 6]) -> HourlyMeans {
    HourlyMeans { hour: rfc3339(hour), pm25, pm10, o3, no2, so2, co }
}

fn rfc3339(unix: i64) -> String {
    let offset = time::UtcOffset::from_whole_seconds(VN_OFFSET_S as i32).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.to_offset(offset))
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A number in [0, 1) fixed by the station, the hour and what it is for.
fn unit(station: &str, hour: i64, what: &str) -> f64 {
    let d = Sha256::digest(format!("{station}|{hour}|{what}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// Made-up but plausible means for a Vietnamese mountain city: `None` for an
/// hour the station "lost" (about 1 in 16), and single pollutants missing now
/// and then (about 1 in 25).
pub fn synthetic(station: &str, hour: i64) -> Option<[Option<f64>; 6]> {
    if unit(station, hour, "offline") < 0.06 {
        return None;
    }
    // The hour of day the mean ends at, local time, as a real number.
    let h = ((hour + VN_OFFSET_S).rem_euclid(86_400)) as f64 / 3600.0;
    let bump = |centre: f64, width: f64| (-(h - centre).powi(2) / width).exp();
    let traffic = 0.75 + 0.6 * bump(8.0, 4.0) + 0.7 * bump(19.0, 5.0) - 0.2 * bump(14.0, 8.0);
    let sun = ((h - 7.0) * std::f64::consts::PI / 12.0).sin().max(0.0);
    let base = 16.0 + 22.0 * unit(station, 0, "base");
    let noise = |what: &str| 0.85 + 0.3 * unit(station, hour, what);
    let pm25 = base * traffic * noise("pm25");
    let values = [
        pm25,
        pm25 * (1.45 + 0.4 * unit(station, hour, "pm10")),
        (22.0 + 95.0 * sun) * noise("o3"),
        (14.0 + 38.0 * (traffic - 0.55)) * noise("no2"),
        (6.0 + 9.0 * unit(station, hour, "so2")).max(0.0),
        (650.0 + 700.0 * (traffic - 0.55)) * noise("co"),
    ];
    let names = ["pm25", "pm10", "o3", "no2", "so2", "co"];
    let mut out = [None; 6];
    for (i, v) in values.into_iter().enumerate() {
        if unit(station, hour, &format!("gap-{}", names[i])) >= 0.04 {
            out[i] = Some((v.max(0.0) * 10.0).round() / 10.0);
        }
    }
    Some(out)
}

async fn air(State(s): State<Arc<AppState>>, Path(slug): Path<String>, headers: HeaderMap) -> Result<Response, Error> {
    let answer = readings(&s, &slug, now_s())?;
    let internal = |e: serde_json::Error| Error::Internal(e.to_string());
    // The tag covers the readings only: `generated_at` changes every second
    // and would make every conditional request a full download.
    let digest = Sha256::digest(serde_json::to_string(&answer.stations).map_err(internal)?.as_bytes());
    let body = serde_json::to_string(&answer).map_err(internal)?;
    let etag = format!("\"air-{}\"", digest[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
    crate::json_with_etag(&headers, &etag, body)
}

/// Hours of one station, as staff post them.
#[derive(Deserialize)]
struct Posted {
    station: String,
    hours: Vec<HourlyMeans>,
}

async fn post_hours(
    State(s): State<Arc<AppState>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Json(posted): Json<Posted>,
) -> Result<Response, Error> {
    check_admin(&headers, &s.config)?;
    if !stations(&s, &slug)?.iter().any(|st| st.id == posted.station) {
        return Err(Error::NotFound(format!("{slug} has no air station {:?}", posted.station)));
    }
    let mut rows = Vec::new();
    for h in &posted.hours {
        let at = crate::instant(&h.hour)
            .ok_or_else(|| Error::BadRequest(format!("hour {:?} is not an RFC 3339 date-time", h.hour)))?;
        let values = [h.pm25, h.pm10, h.o3, h.no2, h.so2, h.co];
        if values.iter().flatten().any(|c| !c.is_finite() || *c < 0.0) {
            return Err(Error::BadRequest(format!("a concentration at {} is negative or not a number", h.hour)));
        }
        rows.push((at.unix_timestamp().div_euclid(3600) * 3600, values));
    }
    let conn = s.db.conn();
    let mut st = conn.prepare_cached("INSERT OR REPLACE INTO air_hours VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
    for (hour, [a, b, c, d, e, f]) in &rows {
        st.execute(params![slug, posted.station, hour, a, b, c, d, e, f])?;
    }
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "stored": rows.len() }))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_data_is_deterministic_plausible_and_has_gaps() {
        let start = 1_790_000_000 / 3600 * 3600;
        let hours: Vec<_> = (0..24 * 14).map(|i| synthetic("hg-aq-1", start + i * 3600)).collect();
        assert_eq!(hours, (0..24 * 14).map(|i| synthetic("hg-aq-1", start + i * 3600)).collect::<Vec<_>>());
        let lost = hours.iter().filter(|h| h.is_none()).count();
        assert!(lost > 0 && lost < hours.len() / 5, "{lost} hours lost");
        for h in hours.iter().flatten() {
            let [pm25, pm10, o3, ..] = *h;
            if let (Some(a), Some(b)) = (pm25, pm10) {
                assert!(a > 5.0 && a < 120.0 && b > a, "{a} {b}");
            }
            if let Some(o) = o3 {
                assert!((10.0..200.0).contains(&o), "{o}");
            }
        }
        let other: Vec<_> = (0..24).map(|i| synthetic("hg-aq-2", start + i * 3600)).collect();
        assert_ne!(hours[..24], other[..], "stations differ");
    }
}
