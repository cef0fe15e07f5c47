//! Reports as the city stores them: services (categories with their
//! attributes), service requests, their updates and photos, and the
//! idempotency keys that make a resent POST return the first answer.

use mycity_protocol::{
    open311::{AttributeDef, AttributeValue, Datatype, ServiceRequest, ServiceRequestUpdate},
    Status,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::Error;

/// Tables for reports; created with the rest of the schema.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS services (
    jurisdiction TEXT NOT NULL,
    code         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    grp          TEXT NOT NULL,
    name_vi      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    description  TEXT NOT NULL,
    attributes   TEXT NOT NULL,   -- JSON array of Open311 attribute definitions
    PRIMARY KEY (jurisdiction, code)
);
-- How many days the city gives itself to handle a category (the pack's
-- `target_days`; Đắk Nông's 7-day commitment when a pack sets none).
CREATE TABLE IF NOT EXISTS service_targets (
    jurisdiction TEXT NOT NULL,
    code         TEXT NOT NULL,
    target_days  INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, code)
);
CREATE TABLE IF NOT EXISTS requests (
    id            INTEGER PRIMARY KEY,
    jurisdiction  TEXT NOT NULL,
    service_code  TEXT NOT NULL,
    status        TEXT NOT NULL,  -- extended status (open, in_progress, fixed, …)
    status_notes  TEXT,
    description   TEXT NOT NULL,
    lat           REAL,
    long          REAL,
    address       TEXT,
    attributes    TEXT NOT NULL,  -- JSON object code → value or [values]
    email         TEXT,
    first_name    TEXT,
    last_name     TEXT,
    phone         TEXT,
    device_id     TEXT,
    account_id    TEXT,
    media_id      INTEGER REFERENCES media(id),
    media_url     TEXT,           -- a URL given by the client instead of a file
    token         TEXT NOT NULL UNIQUE,
    requested_at  TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_updated ON requests(jurisdiction, updated_at);
CREATE TABLE IF NOT EXISTS updates (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    status       TEXT NOT NULL,
    description  TEXT NOT NULL,
    media_id     INTEGER REFERENCES media(id),
    author       TEXT NOT NULL,   -- staff | citizen
    client_update_id TEXT,
    email        TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_time ON updates(updated_at);
CREATE TABLE IF NOT EXISTS media (
    id           INTEGER PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL
);
-- The reporter's answers once the city says fixed or closed: "is it really
-- fixed?" and "how satisfied are you?" (1–5). One row per report per device,
-- changeable for 14 days after it was first given.
CREATE TABLE IF NOT EXISTS request_feedback (
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    device_id    TEXT NOT NULL,
    fixed        INTEGER NOT NULL CHECK (fixed IN (0, 1)),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT,
    created_at   TEXT NOT NULL,   -- first given; the 14 days count from here
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (request_id, device_id)
);
CREATE TABLE IF NOT EXISTS idempotency (
    key        TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,     -- the JSON answer, re-rendered in the asked format
    PRIMARY KEY (key, endpoint)
);
"#;

/// The questions a city asks, per category code, in Vietnamese or (`en`) English.
/// Open311 has no language field, so each language is a whole definition.
fn attributes_for(code: &str, en: bool) -> Vec<AttributeDef> {
    let l = |vi: &str, english: &str| if en { english.to_owned() } else { vi.to_owned() };
    let choices = |pairs: &[(&str, &str, &str)]| -> Vec<AttributeValue> {
        pairs.iter().map(|(k, vi, english)| AttributeValue { key: (*k).into(), name: l(vi, english) }).collect()
    };
    let yes_no = choices(&[("yes", "Có", "Yes"), ("no", "Không", "No")]);
    let attr =
        |code: &str, t: Datatype, required: bool, order: i64, vi: &str, english: &str, v: Vec<AttributeValue>| {
            AttributeDef::question(code, t, required, order, &l(vi, english), v)
        };
    use Datatype::*;
    match code {
        "pothole" => vec![
            attr(
                "size",
                Singlevaluelist,
                true,
                1,
                "Kích thước ổ gà",
                "Size of the pothole",
                choices(&[
                    ("small", "Nhỏ (dưới 30 cm)", "Small (under 30 cm)"),
                    ("medium", "Vừa (30–100 cm)", "Medium (30–100 cm)"),
                    ("large", "Lớn (trên 1 m)", "Large (over 1 m)"),
                ]),
            ),
            attr(
                "traffic_blocked",
                Singlevaluelist,
                true,
                2,
                "Có cản trở giao thông không?",
                "Does it block traffic?",
                yes_no.clone(),
            ),
        ],
        "street-light" => vec![
            attr(
                "state",
                Singlevaluelist,
                true,
                1,
                "Tình trạng đèn",
                "What is wrong with the light",
                choices(&[
                    ("off", "Không sáng", "Not lit"),
                    ("flickering", "Chập chờn", "Flickering"),
                    ("on_daytime", "Sáng cả ban ngày", "On during the day"),
                ]),
            ),
            attr("pole_number", String, false, 2, "Số hiệu cột đèn (nếu có)", "Pole number (if any)", vec![]),
        ],
        "tree" => vec![attr(
            "hazard",
            Singlevaluelist,
            true,
            1,
            "Nguy cơ",
            "Hazard",
            choices(&[
                ("fallen", "Cây đã đổ", "The tree has fallen"),
                ("leaning", "Cây nghiêng, sắp đổ", "Leaning, about to fall"),
                ("branch", "Cành gãy, treo lơ lửng", "Broken branch hanging"),
            ]),
        )],
        "flooding" => vec![
            attr("depth_cm", Number, true, 1, "Độ sâu nước ước tính (cm)", "Estimated water depth (cm)", vec![]),
            attr(
                "traffic_blocked",
                Singlevaluelist,
                false,
                2,
                "Có cản trở giao thông không?",
                "Does it block traffic?",
                yes_no,
            ),
        ],
        "waste" => vec![attr(
            "kind",
            Multivaluelist,
            false,
            1,
            "Loại rác",
            "Kind of waste",
            choices(&[
                ("household", "Rác sinh hoạt", "Household waste"),
                ("construction", "Phế thải xây dựng", "Construction debris"),
                ("hazardous", "Rác nguy hại", "Hazardous waste"),
                ("bulky", "Đồ cồng kềnh", "Bulky items"),
            ]),
        )],
        _ => vec![attr(
            "occurred_at",
            Datetime,
            false,
            1,
            "Thời điểm xảy ra (nếu biết)",
            "When it happened (if known)",
            vec![],
        )],
    }
}

/// A service's questions in both languages, as stored.
#[derive(serde::Serialize, serde::Deserialize)]
struct Questions {
    vi: Vec<AttributeDef>,
    en: Vec<AttributeDef>,
    /// The English description (the `description` column holds the Vietnamese one).
    #[serde(default)]
    description_en: String,
}

/// Days a city gives itself to handle a report when its pack sets no
/// `target_days` for the category: Đắk Nông answers every citizen report
/// within 7 days (seed 002 §2.3.2).
pub const DEFAULT_TARGET_DAYS: u64 = 7;

/// When a request is due: `requested` plus the category's handling target,
/// on the same clock (ISO 8601 with its offset).
fn expected(requested: &str, days: i64) -> Option<String> {
    let due = crate::instant(requested)? + time::Duration::days(days);
    due.format(&time::format_description::well_known::Rfc3339).ok()
}

/// Loads a pack's report categories as services (the seed does this for every pack).
pub fn seed_services(conn: &Connection, jurisdiction: &str, pack: &Value) -> Result<(), Error> {
    let Some(categories) = pack.get("categories").and_then(|c| c.as_array()) else {
        return Ok(());
    };
    let mut stmt = conn.prepare(
        "INSERT INTO services (jurisdiction, code, position, grp, name_vi, name_en, description, attributes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (jurisdiction, code) DO UPDATE SET position = excluded.position, grp = excluded.grp,
           name_vi = excluded.name_vi, name_en = excluded.name_en, description = excluded.description,
           attributes = excluded.attributes",
    )?;
    let mut target = conn.prepare(
        "INSERT INTO service_targets (jurisdiction, code, target_days) VALUES (?1, ?2, ?3)
         ON CONFLICT (jurisdiction, code) DO UPDATE SET target_days = excluded.target_days",
    )?;
    for (i, c) in categories.iter().enumerate() {
        let s = |p: &str| c.pointer(p).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let code = s("/code");
        let days = c.get("target_days").and_then(Value::as_u64).filter(|d| (1..=365).contains(d));
        target.execute(params![jurisdiction, code, days.unwrap_or(DEFAULT_TARGET_DAYS)])?;
        stmt.execute(params![
            jurisdiction,
            code,
            i as i64,
            s("/field"),
            s("/name/vi"),
            s("/name/en"),
            s("/description/vi"),
            serde_json::to_string(&Questions {
                vi: attributes_for(&code, false),
                en: attributes_for(&code, true),
                description_en: s("/description/en"),
            })
            .map_err(|e| Error::Internal(e.to_string()))?
        ])?;
    }
    Ok(())
}

/// One service as stored.
pub struct Service {
    /// Code.
    pub code: String,
    /// Group (field).
    pub group: String,
    /// Name in the asked language.
    pub name: String,
    /// Description.
    pub description: String,
    /// Its questions.
    pub attributes: Vec<AttributeDef>,
}

/// The jurisdiction's services in order.
pub fn services(conn: &Connection, jurisdiction: &str, en: bool) -> Result<Vec<Service>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, grp, name_vi, name_en, description, attributes FROM services
         WHERE jurisdiction = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([jurisdiction], |r| {
        let (vi, en_name): (String, String) = (r.get(2)?, r.get(3)?);
        let (description, attrs): (String, String) = (r.get(4)?, r.get(5)?);
        let (description, attributes) = match serde_json::from_str::<Questions>(&attrs) {
            Ok(q) if en => (if q.description_en.is_empty() { description } else { q.description_en }, q.en),
            Ok(q) => (description, q.vi),
            // Stored before questions had two languages: one list for both.
            Err(_) => (description, serde_json::from_str(&attrs).unwrap_or_default()),
        };
        Ok(Service {
            code: r.get(0)?,
            group: r.get(1)?,
            name: if en && !en_name.is_empty() { en_name } else { vi },
            description,
            attributes,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A request to store (already validated).
pub struct NewRequest {
    /// Jurisdiction (city slug).
    pub jurisdiction: String,
    /// Service code.
    pub service_code: String,
    /// Description.
    pub description: String,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub long: Option<f64>,
    /// Free-text address.
    pub address: Option<String>,
    /// Attribute answers.
    pub attributes: Value,
    /// Reporter e-mail (never returned by public GETs).
    pub email: Option<String>,
    /// Reporter first name (private).
    pub first_name: Option<String>,
    /// Reporter last name (private).
    pub last_name: Option<String>,
    /// Reporter phone (private).
    pub phone: Option<String>,
    /// Device id.
    pub device_id: Option<String>,
    /// Account id.
    pub account_id: Option<String>,
    /// A photo URL the client gave.
    pub media_url: Option<String>,
    /// An uploaded photo.
    pub media: Option<(String, Vec<u8>)>,
}

/// Stores a photo and returns its id.
pub fn insert_media(conn: &Connection, content_type: &str, bytes: &[u8]) -> Result<i64, Error> {
    conn.execute("INSERT INTO media (content_type, bytes) VALUES (?1, ?2)", params![content_type, bytes])?;
    Ok(conn.last_insert_rowid())
}

/// Stores a request; returns (id, token).
pub fn insert_request(conn: &Connection, r: &NewRequest, now: &str, token: &str) -> Result<i64, Error> {
    let media_id = match &r.media {
        Some((ct, bytes)) => Some(insert_media(conn, ct, bytes)?),
        None => None,
    };
    conn.execute(
        "INSERT INTO requests (jurisdiction, service_code, status, description, lat, long, address, attributes,
            email, first_name, last_name, phone, device_id, account_id, media_id, media_url, token,
            requested_at, updated_at)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        params![
            r.jurisdiction,
            r.service_code,
            r.description,
            r.lat,
            r.long,
            r.address,
            r.attributes.to_string(),
            r.email,
            r.first_name,
            r.last_name,
            r.phone,
            r.device_id,
            r.account_id,
            media_id,
            r.media_url,
            token,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Filters of `GET requests`.
#[derive(Default)]
pub struct RequestFilter {
    /// Only these ids.
    pub ids: Option<Vec<i64>>,
    /// Only these service codes.
    pub service_codes: Option<Vec<String>>,
    /// Requested at or after (ISO 8601, compared as instants).
    pub start: Option<String>,
    /// Requested at or before.
    pub end: Option<String>,
    /// Only these base or extended statuses.
    pub statuses: Option<Vec<String>>,
}

/// The public view of requests (no personal fields), newest first, at most 1,000.
pub fn find_requests(
    conn: &Connection,
    jurisdiction: &str,
    f: &RequestFilter,
    base_url: &str,
) -> Result<Vec<ServiceRequest>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.status, r.status_notes, r.service_code, COALESCE(s.name_vi, r.service_code), r.description,
                r.requested_at, r.updated_at, r.address, r.lat, r.long, r.media_id, r.media_url,
                COALESCE(t.target_days, ?2)
         FROM requests r LEFT JOIN services s ON s.jurisdiction = r.jurisdiction AND s.code = r.service_code
         LEFT JOIN service_targets t ON t.jurisdiction = r.jurisdiction AND t.code = r.service_code
         WHERE r.jurisdiction = ?1 ORDER BY r.id DESC",
    )?;
    let mut rows = stmt.query(params![jurisdiction, DEFAULT_TARGET_DAYS])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored: String = r.get(1)?;
        let status = Status::parse(&stored).unwrap_or(Status::Open);
        let code: String = r.get(3)?;
        let requested: String = r.get(6)?;
        let wanted_status = |s: &String| s == status.as_str() || s == status.base().as_str();
        if f.ids.as_ref().is_some_and(|ids| !ids.contains(&id))
            || f.service_codes.as_ref().is_some_and(|c| !c.contains(&code))
            || f.statuses.as_ref().is_some_and(|s| !s.iter().any(wanted_status))
            || f.start.as_ref().is_some_and(|s| crate::instant(&requested) < crate::instant(s))
            || f.end.as_ref().is_some_and(|e| crate::instant(&requested) > crate::instant(e))
        {
            continue;
        }
        let media_id: Option<i64> = r.get(11)?;
        let media_url: Option<String> = r.get(12)?;
        out.push(ServiceRequest {
            service_request_id: id.to_string(),
            status: status.base(),
            extended_status: Some(status),
            status_notes: r.get(2)?,
            service_name: Some(r.get(4)?),
            service_code: Some(code),
            description: Some(r.get(5)?),
            agency_responsible: None,
            service_notice: None,
            expected_datetime: expected(&requested, r.get(13)?),
            requested_datetime: Some(requested),
            updated_datetime: Some(r.get(7)?),
            address: r.get(8)?,
            address_id: None,
            zipcode: None,
            lat: r.get(9)?,
            long: r.get(10)?,
            media_url: media_id.map(|m| media_url_of(base_url, m)).or(media_url),
        });
        if out.len() == 1000 {
            break;
        }
    }
    Ok(out)
}

/// A request's current status.
pub fn status_of(conn: &Connection, id: i64) -> Result<Option<Status>, Error> {
    let s: Option<String> =
        conn.query_row("SELECT status FROM requests WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(s.map(|s| Status::parse(&s).unwrap_or(Status::Open)))
}

/// The public URL of a stored photo.
pub fn media_url_of(base_url: &str, id: i64) -> String {
    format!("{base_url}/open311/v2/media/{id}.jpg")
}

/// A stored photo.
pub fn media(conn: &Connection, id: i64) -> Result<Option<(String, Vec<u8>)>, Error> {
    Ok(conn
        .query_row("SELECT content_type, bytes FROM media WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The request id behind a token.
pub fn by_token(conn: &Connection, jurisdiction: &str, token: &str) -> Result<Option<i64>, Error> {
    Ok(conn
        .query_row(
            "SELECT id FROM requests WHERE token = ?1 AND jurisdiction = ?2",
            params![token, jurisdiction],
            |r| r.get(0),
        )
        .optional()?)
}

/// A request's jurisdiction, if it exists.
pub fn request_jurisdiction(conn: &Connection, id: i64) -> Result<Option<String>, Error> {
    Ok(conn.query_row("SELECT jurisdiction FROM requests WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// An update to a request, from the city's staff or from a citizen.
pub struct Update<'a> {
    /// The request.
    pub request_id: i64,
    /// The request's status after this update.
    pub status: Status,
    /// The comment.
    pub description: &'a str,
    /// A photo.
    pub media_id: Option<i64>,
    /// `staff` or `citizen`.
    pub author: &'a str,
    /// The client's own id for the update, if it sent one.
    pub client_update_id: Option<&'a str>,
    /// The citizen's e-mail (private).
    pub email: Option<&'a str>,
}

/// Adds an update and moves the request to its status; staff comments become the status notes.
pub fn add_update(conn: &Connection, u: &Update<'_>, now: &str) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO updates (request_id, status, description, media_id, author, client_update_id, email, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![u.request_id, u.status.as_str(), u.description, u.media_id, u.author, u.client_update_id, u.email, now],
    )?;
    let id = conn.last_insert_rowid();
    let notes = (u.author == "staff").then_some(u.description);
    conn.execute(
        "UPDATE requests SET status = ?2, updated_at = ?3, status_notes = COALESCE(?4, status_notes) WHERE id = ?1",
        params![u.request_id, u.status.as_str(), now, notes],
    )?;
    Ok(id)
}

/// Largest page of `servicerequestupdates` (also the size when none is asked).
pub const MAX_PAGE: usize = 500;

/// One page of a list: skip `offset` matches, return at most `size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Matches skipped.
    pub offset: usize,
    /// Most returned.
    pub size: usize,
}

/// Updates in a time window (public fields only), oldest first, one page of them.
pub fn find_updates(
    conn: &Connection,
    jurisdiction: &str,
    start: Option<&str>,
    end: Option<&str>,
    page: Page,
    base_url: &str,
) -> Result<Vec<ServiceRequestUpdate>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.request_id, u.status, u.updated_at, u.description, u.media_id
         FROM updates u JOIN requests r ON r.id = u.request_id
         WHERE r.jurisdiction = ?1 ORDER BY u.id",
    )?;
    let mut rows = stmt.query([jurisdiction])?;
    let mut out = Vec::new();
    let mut skip = page.offset;
    while let Some(r) = rows.next()? {
        let at: String = r.get(3)?;
        if start.is_some_and(|s| crate::instant(&at) < crate::instant(s))
            || end.is_some_and(|e| crate::instant(&at) > crate::instant(e))
        {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if out.len() == page.size {
            break;
        }
        let media_id: Option<i64> = r.get(5)?;
        out.push(ServiceRequestUpdate {
            update_id: r.get::<_, i64>(0)?.to_string(),
            service_request_id: r.get::<_, i64>(1)?.to_string(),
            status: Status::parse(&r.get::<_, String>(2)?).unwrap_or(Status::Open),
            updated_datetime: at,
            description: r.get(4)?,
            media_url: media_id.map(|m| media_url_of(base_url, m)),
        });
    }
    Ok(out)
}

/// A stored answer for an idempotency key, if the POST was seen.
pub fn remembered(conn: &Connection, key: &str, endpoint: &str) -> Result<Option<(u16, Value)>, Error> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT status, body FROM idempotency WHERE key = ?1 AND endpoint = ?2",
            params![key, endpoint],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.map(|(s, b)| (s as u16, serde_json::from_str(&b).unwrap_or(Value::Null))))
}

/// Remembers the answer to a POST under its idempotency key.
pub fn remember(conn: &Connection, key: &str, endpoint: &str, status: u16, body: &Value) -> Result<(), Error> {
    conn.execute(
        "INSERT OR IGNORE INTO idempotency (key, endpoint, status, body) VALUES (?1, ?2, ?3, ?4)",
        params![key, endpoint, status as i64, body.to_string()],
    )?;
    Ok(())
}
