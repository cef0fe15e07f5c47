//! Dossiers (hồ sơ) as a one-stop system serves them, and the procedure catalogue.
//!
//! A look-up needs the receipt's code and secret. A wrong secret answers
//! exactly like an unknown code: same status, same body, and the same work
//! (one row read, one constant-time comparison against a stored hash, a dummy
//! one when the code is unknown). Look-ups are rate-limited per device and
//! per address, and misses far more tightly than hits, so codes and secrets
//! cannot be enumerated while a phone refreshing its watch list is never held back.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::{header, Extensions, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use mycity_protocol::dossier::{
    mask_name, AdvanceDossier, DossierReply, DossierStatus, DossierStep, NewDossier, Procedure, DEVICE_HEADER,
    SECRET_HEADER, SECRET_MAX, SECRET_MIN,
};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::{dossier_seed as seed, AppState, Error};

/// Tables for dossiers and procedures; created with the rest of the schema.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS procedures (
    city    TEXT NOT NULL,
    code    TEXT NOT NULL,
    field   TEXT NOT NULL,
    folded  TEXT NOT NULL,   -- name, field and agency folded for search
    body    TEXT NOT NULL,   -- the Procedure record as JSON
    PRIMARY KEY (city, code)
);
CREATE TABLE IF NOT EXISTS dossiers (
    code            TEXT PRIMARY KEY,
    city            TEXT NOT NULL,
    secret_hash     BLOB NOT NULL,   -- sha256(code ':' secret)
    procedure_code  TEXT NOT NULL,
    procedure_name  TEXT NOT NULL,
    agency          TEXT NOT NULL,
    applicant       TEXT NOT NULL,   -- already masked
    received_at     TEXT NOT NULL,
    appointment_at  TEXT,
    status          INTEGER NOT NULL,
    missing         TEXT NOT NULL DEFAULT '[]',
    amount_vnd      INTEGER,
    updated_at      TEXT NOT NULL,
    etag            TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS dossier_steps (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL REFERENCES dossiers(code),
    at      TEXT NOT NULL,
    status  INTEGER NOT NULL,
    unit    TEXT NOT NULL,
    note    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dossier_steps_code ON dossier_steps(code, id);
-- The applicant said the fee of status 6 is transferred; cleared by the office's next step.
CREATE TABLE IF NOT EXISTS dossier_payments (
    code        TEXT PRIMARY KEY REFERENCES dossiers(code),
    reported_at TEXT NOT NULL
);
"#;

/// Look-ups (hits and misses) one device may make per minute; an address gets twice as many.
pub const LOOKUPS_PER_MINUTE: u32 = 600;
/// Misses (unknown code or wrong secret) one device may make per ten minutes;
/// an address gets three times as many.
pub const MISSES_PER_TEN_MINUTES: u32 = 10;

#[derive(Default, Clone, Copy)]
struct Window {
    minute_start: i64,
    lookups: u32,
    miss_start: i64,
    misses: u32,
}

/// The look-up counters per device and per address.
#[derive(Default)]
pub(crate) struct Limits {
    windows: Mutex<HashMap<String, Window>>,
}

impl Limits {
    /// Counts a look-up for each key; `Err(seconds)` when one of them is over its limit.
    fn admit(&self, keys: &[(String, u32)], now: i64) -> Result<(), u64> {
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() > 50_000 {
            w.retain(|_, v| now - v.minute_start < 60 || now - v.miss_start < 600);
        }
        let mut wait = 0i64;
        for (key, scale) in keys {
            let e = w.entry(key.clone()).or_default();
            if now - e.minute_start >= 60 {
                e.minute_start = now;
                e.lookups = 0;
            }
            if now - e.miss_start >= 600 {
                e.miss_start = now;
                e.misses = 0;
            }
            if e.misses >= MISSES_PER_TEN_MINUTES * scale {
                wait = wait.max(600 - (now - e.miss_start));
            }
            if e.lookups >= LOOKUPS_PER_MINUTE * scale.min(&2) {
                wait = wait.max(60 - (now - e.minute_start));
            }
        }
        if wait > 0 {
            return Err(wait as u64);
        }
        for (key, _) in keys {
            if let Some(e) = w.get_mut(key) {
                e.lookups += 1;
            }
        }
        Ok(())
    }

    fn miss(&self, keys: &[(String, u32)]) {
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in keys {
            if let Some(e) = w.get_mut(key) {
                e.misses += 1;
            }
        }
    }
}

/// The routes of this module.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/dossiers/{code}", get(lookup))
        .route("/api/v1/dossiers/{code}/paid", post(paid))
        .route("/api/v1/procedures", get(procedures))
        .route("/api/v1/procedures/{code}", get(procedure))
        .route("/admin/dossiers", post(register).get(list))
        .route("/admin/dossiers/{code}/advance", post(advance))
        .route("/admin/dossiers/demo-receipts", get(demo_receipts))
}

fn now_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn vn_offset() -> time::UtcOffset {
    time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

fn iso(t: time::OffsetDateTime) -> String {
    t.to_offset(vn_offset())
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Folds Vietnamese for search the way the core does: marks dropped, `đ → d`, lower case.
pub(crate) fn fold(s: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

fn secret_hash(code: &str, secret: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(code.as_bytes());
    h.update(b":");
    h.update(secret.trim().as_bytes());
    h.finalize().into()
}

/// Compares two digests in time that does not depend on where they differ.
fn same_digest(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The one answer for an unknown code and for a wrong secret.
fn not_found() -> Response {
    Error::NotFound("no dossier with this code and secret".into()).into_response()
}

fn rate_keys(headers: &HeaderMap, ext: &Extensions) -> Vec<(String, u32)> {
    let mut keys = Vec::with_capacity(2);
    if let Some(d) = headers.get(DEVICE_HEADER).and_then(|v| v.to_str().ok()).filter(|d| !d.is_empty()) {
        keys.push((format!("d:{}", d.chars().take(64).collect::<String>()), 1));
    }
    if let Some(ConnectInfo(addr)) = ext.get::<ConnectInfo<SocketAddr>>() {
        keys.push((format!("a:{}", addr.ip()), 3));
    }
    keys
}

/// The rate limit's refusal when a device or address has asked too often.
fn too_many(s: &AppState, keys: &[(String, u32)]) -> Option<Response> {
    let wait = s.dossier_limits.admit(keys, now_s()).err()?;
    Some(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            Json(
                serde_json::json!({"code": "rate_limited", "message": "too many dossier look-ups; wait and try again"}),
            ),
        )
            .into_response(),
    )
}

/// The dossier's ETag when `secret` opens `code`. Unknown codes compare
/// against a digest no secret hashes to, so both misses cost the same.
fn opened(conn: &Connection, code: &str, headers: &HeaderMap) -> Result<Option<String>, Error> {
    let secret = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let given = secret_hash(code, secret);
    let row: Option<(Vec<u8>, String)> = conn
        .query_row("SELECT secret_hash, etag FROM dossiers WHERE code = ?1", [code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let stored = row.as_ref().map(|r| r.0.as_slice()).unwrap_or(&[0u8; 32]);
    let matches = same_digest(&given, stored);
    Ok(row.filter(|_| matches).map(|(_, etag)| etag))
}

/// The rate limit and the receipt's secret, as every request about one
/// dossier meets them: the dossier's ETag, or the answer to send instead
/// (429, or the one 404 for an unknown code and a wrong secret alike).
/// A signed-in owner (`account`, already verified) needs no secret; anyone
/// else, signed in or not, needs it as before.
fn admit(
    s: &AppState,
    code: &str,
    headers: &HeaderMap,
    ext: &Extensions,
    account: Option<&crate::auth::Account>,
) -> Result<Result<String, Response>, Error> {
    let keys = rate_keys(headers, ext);
    if let Some(refused) = too_many(s, &keys) {
        return Ok(Err(refused));
    }
    let conn = s.db.conn();
    if let Some(a) = account {
        if crate::me::owns_dossier(&conn, code, a)? {
            let etag: String = conn.query_row("SELECT etag FROM dossiers WHERE code = ?1", [code], |r| r.get(0))?;
            return Ok(Ok(etag));
        }
    }
    let etag = opened(&conn, code, headers)?;
    drop(conn);
    Ok(etag.ok_or_else(|| {
        s.dossier_limits.miss(&keys);
        not_found()
    }))
}

async fn lookup(
    State(s): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ext: Extensions,
) -> Result<Response, Error> {
    let code = code.trim().to_uppercase();
    let account = s.verifier.account(&headers).await?;
    let etag = match admit(&s, &code, &headers, &ext, account.as_ref())? {
        Ok(etag) => etag,
        Err(refused) => return Ok(refused),
    };
    let conn = s.db.conn();
    let tag = HeaderValue::from_str(&etag).map_err(|e| Error::Internal(e.to_string()))?;
    let private = HeaderValue::from_static("private, no-cache");
    if crate::etag_matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag), (header::CACHE_CONTROL, private)]).into_response());
    }
    let reply = reply(&conn, &code)?.ok_or_else(|| Error::Internal("dossier vanished".into()))?;
    Ok(([(header::ETAG, tag), (header::CACHE_CONTROL, private)], Json(reply)).into_response())
}

/// `POST /api/v1/dossiers/{code}/paid`: the applicant says the fee of status
/// 6 is transferred. Opened with the receipt's secret like a look-up; saying
/// it twice changes nothing; the office confirms by moving the dossier on.
async fn paid(
    State(s): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ext: Extensions,
) -> Result<Response, Error> {
    let code = code.trim().to_uppercase();
    let account = s.verifier.account(&headers).await?;
    if let Err(refused) = admit(&s, &code, &headers, &ext, account.as_ref())? {
        return Ok(refused);
    }
    let conn = s.db.conn();
    let status: u8 = conn.query_row("SELECT status FROM dossiers WHERE code = ?1", [&code], |r| r.get(0))?;
    if status != DossierStatus::NeedsPayment.code() {
        return Err(Error::Conflict("this dossier is not waiting for a fee".into()));
    }
    let tx = conn.unchecked_transaction()?;
    let at = crate::now_iso();
    if tx.execute("INSERT OR IGNORE INTO dossier_payments (code, reported_at) VALUES (?1, ?2)", params![code, at])? == 1
    {
        tx.execute(
            "INSERT INTO dossier_steps (code, at, status, unit, note) VALUES (?1, ?2, ?3, 'Công dân', ?4)",
            params![code, at, status, "Công dân báo đã chuyển khoản lệ phí, chờ xác nhận"],
        )?;
        retag(&tx, &code)?;
    }
    tx.commit()?;
    let etag: String = conn.query_row("SELECT etag FROM dossiers WHERE code = ?1", [&code], |r| r.get(0))?;
    let tag = HeaderValue::from_str(&etag).map_err(|e| Error::Internal(e.to_string()))?;
    let reply = reply(&conn, &code)?.ok_or_else(|| Error::Internal("dossier vanished".into()))?;
    Ok(([(header::ETAG, tag)], Json(reply)).into_response())
}

pub(crate) fn reply(conn: &Connection, code: &str) -> Result<Option<DossierReply>, Error> {
    let head = conn
        .query_row(
            "SELECT city, procedure_code, procedure_name, agency, applicant, received_at, appointment_at, status,
                    missing, amount_vnd, updated_at FROM dossiers WHERE code = ?1",
            [code],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, u8>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, Option<i64>>(9)?,
                    r.get::<_, String>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((city, pcode, pname, agency, applicant, received, appointment, status, missing, amount, updated)) = head
    else {
        return Ok(None);
    };
    let mut st = conn.prepare_cached("SELECT at, status, unit, note FROM dossier_steps WHERE code = ?1 ORDER BY id")?;
    let history = st
        .query_map([code], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u8>(1)?, r.get(2)?, r.get(3)?)))?
        .filter_map(|r| r.ok())
        .filter_map(|(at, s, unit, note)| Some(DossierStep { at, status: DossierStatus::from_code(s)?, unit, note }))
        .collect();
    let payee = (status == DossierStatus::NeedsPayment.code() && amount.is_some()).then(|| seed::payee(&city, code));
    let paid_reported_at = conn
        .query_row("SELECT reported_at FROM dossier_payments WHERE code = ?1", [code], |r| r.get::<_, String>(0))
        .optional()?
        .filter(|_| payee.is_some());
    Ok(Some(DossierReply {
        code: code.to_owned(),
        city,
        procedure_code: pcode,
        procedure_name: pname,
        agency,
        applicant,
        received_at: received,
        appointment_at: appointment,
        status: DossierStatus::from_code(status).ok_or_else(|| Error::Internal(format!("status {status}")))?,
        missing_papers: serde_json::from_str(&missing).unwrap_or_default(),
        amount_vnd: amount,
        payee,
        paid_reported_at,
        history,
        updated_at: updated,
    }))
}

/// Recomputes a dossier's ETag from what a look-up would answer.
fn retag(conn: &Connection, code: &str) -> Result<(), Error> {
    let Some(r) = reply(conn, code)? else { return Ok(()) };
    let body = serde_json::to_vec(&r).map_err(|e| Error::Internal(e.to_string()))?;
    let hex: String = Sha256::digest(&body).iter().take(8).map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "UPDATE dossiers SET etag = ?2 WHERE code = ?1",
        params![code, format!("\"d{}-{hex}\"", r.status.code())],
    )?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct CatalogueQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    city: String,
}

/// Most records a search returns; the whole catalogue comes when nothing is searched.
const MAX_SEARCH: usize = 100;

async fn procedures(
    State(s): State<Arc<AppState>>,
    Query(q): Query<CatalogueQuery>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let city = if q.city.is_empty() { crate::DEFAULT_JURISDICTION.to_owned() } else { q.city.clone() };
    let terms: Vec<String> =
        fold(&q.q).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    let bodies: Vec<String> = {
        let conn = s.db.conn();
        let mut st =
            conn.prepare_cached("SELECT body, folded, field FROM procedures WHERE city = ?1 ORDER BY rowid")?;
        let rows =
            st.query_map([&city], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (body, folded, field) = row?;
            if !q.field.is_empty() && fold(&field) != fold(&q.field) {
                continue;
            }
            if terms.iter().all(|t| folded.contains(t.as_str())) {
                out.push(body);
                if !terms.is_empty() && out.len() == MAX_SEARCH {
                    break;
                }
            }
        }
        out
    };
    let body = format!("[{}]", bodies.join(","));
    let hex: String = Sha256::digest(body.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"p-{hex}\"");
    let tag = HeaderValue::from_str(&etag).map_err(|e| Error::Internal(e.to_string()))?;
    if crate::etag_matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    Ok((
        [(header::ETAG, tag), (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))],
        body,
    )
        .into_response())
}

async fn procedure(State(s): State<Arc<AppState>>, Path(code): Path<String>) -> Result<Response, Error> {
    let conn = s.db.conn();
    let body: Option<String> = conn
        .query_row("SELECT body FROM procedures WHERE code = ?1 LIMIT 1", [code.trim()], |r| r.get(0))
        .optional()?;
    let body = body.ok_or_else(|| Error::NotFound(format!("no procedure {code:?}")))?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))], body).into_response())
}

/// Writes a procedure record.
fn put_procedure(conn: &Connection, p: &Procedure) -> Result<(), Error> {
    let body = serde_json::to_string(p).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute(
        "INSERT OR IGNORE INTO procedures (city, code, field, folded, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![p.city, p.code, p.field, fold(&format!("{} {} {}", p.name, p.field, p.agency)), body],
    )?;
    Ok(())
}

fn check_secret(secret: &str) -> Result<(), Error> {
    let n = secret.trim().chars().count();
    if !(SECRET_MIN..=SECRET_MAX).contains(&n) || !secret.trim().chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::BadRequest(format!("secret must be {SECRET_MIN}-{SECRET_MAX} letters or digits")));
    }
    Ok(())
}

/// Inserts a dossier with its first step (status 1 or the given one).
#[allow(clippy::too_many_arguments)]
fn insert(
    conn: &Connection,
    city: &str,
    code: &str,
    secret: &str,
    procedure: &Procedure,
    applicant: &str,
    received: time::OffsetDateTime,
    appointment: Option<String>,
) -> Result<bool, Error> {
    let at = iso(received);
    let n = conn.execute(
        "INSERT OR IGNORE INTO dossiers (code, city, secret_hash, procedure_code, procedure_name, agency, applicant,
             received_at, appointment_at, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?8)",
        params![
            code,
            city,
            secret_hash(code, secret).to_vec(),
            procedure.code,
            procedure.name,
            procedure.agency,
            mask_name(applicant),
            at,
            appointment
        ],
    )?;
    if n == 1 {
        conn.execute(
            "INSERT INTO dossier_steps (code, at, status, unit, note) VALUES (?1, ?2, 1, 'Bộ phận Một cửa', ?3)",
            params![code, at, "Hồ sơ đã được đăng ký"],
        )?;
        retag(conn, code)?;
    }
    Ok(n == 1)
}

/// Moves a dossier to `a.status` with a step, at `at`.
fn step(conn: &Connection, code: &str, a: &AdvanceDossier, at: &str) -> Result<bool, Error> {
    let agency: Option<String> =
        conn.query_row("SELECT agency FROM dossiers WHERE code = ?1", [code], |r| r.get(0)).optional()?;
    let Some(agency) = agency else { return Ok(false) };
    let unit = if a.unit.trim().is_empty() { agency } else { a.unit.trim().to_owned() };
    let missing = serde_json::to_string(&a.missing_papers).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute(
        "UPDATE dossiers SET status = ?2, missing = ?3, amount_vnd = ?4, updated_at = ?5,
             appointment_at = coalesce(?6, appointment_at) WHERE code = ?1",
        params![code, a.status.code(), missing, a.amount_vnd, at, a.appointment_at],
    )?;
    conn.execute(
        "INSERT INTO dossier_steps (code, at, status, unit, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![code, at, a.status.code(), unit, a.note],
    )?;
    // The office's step settles a reported payment (a later fee starts afresh).
    conn.execute("DELETE FROM dossier_payments WHERE code = ?1", [code])?;
    retag(conn, code)?;
    Ok(true)
}

async fn register(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(n): Json<NewDossier>,
) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    check_secret(&n.secret)?;
    let code = n.code.trim().to_uppercase();
    let conn = s.db.conn();
    let body: Option<String> = conn
        .query_row("SELECT body FROM procedures WHERE city = ?1 AND code = ?2", [&n.city, &n.procedure_code], |r| {
            r.get(0)
        })
        .optional()?;
    let procedure: Procedure = body
        .and_then(|b| serde_json::from_str(&b).ok())
        .ok_or_else(|| Error::BadRequest(format!("no procedure {:?} in {}", n.procedure_code, n.city)))?;
    let tx = conn.unchecked_transaction()?;
    if !insert(
        &tx,
        &n.city,
        &code,
        &n.secret,
        &procedure,
        &n.applicant,
        time::OffsetDateTime::now_utc(),
        n.appointment_at,
    )? {
        return Err(Error::Conflict(format!("dossier {code} exists")));
    }
    if let Some(owner) = n.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        if owner.chars().count() > 200 {
            return Err(Error::BadRequest("owner is longer than 200 characters".into()));
        }
        crate::me::own_dossier(&tx, &code, owner)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(reply(&conn, &code)?)).into_response())
}

async fn advance(
    State(s): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Json(a): Json<AdvanceDossier>,
) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    if a.note.chars().count() > 2000 {
        return Err(Error::BadRequest("note is longer than 2000 characters".into()));
    }
    if a.status == DossierStatus::NeedsPapers && a.missing_papers.is_empty() {
        return Err(Error::BadRequest("status 5 needs missing_papers".into()));
    }
    if a.status == DossierStatus::NeedsPayment && a.amount_vnd.is_none_or(|v| v <= 0) {
        return Err(Error::BadRequest("status 6 needs a positive amount_vnd".into()));
    }
    if let Some(at) = &a.appointment_at {
        crate::instant(at).ok_or_else(|| Error::BadRequest("appointment_at must be ISO 8601 with offset".into()))?;
    }
    let code = code.trim().to_uppercase();
    let conn = s.db.conn();
    let tx = conn.unchecked_transaction()?;
    if !step(&tx, &code, &a, &crate::now_iso())? {
        return Err(Error::NotFound(format!("no dossier {code}")));
    }
    tx.commit()?;
    Ok(Json(reply(&conn, &code)?).into_response())
}

#[derive(serde::Deserialize)]
struct ListQuery {
    #[serde(default)]
    city: String,
}

/// Staff list of a city's dossiers (codes and statuses, never secrets).
async fn list(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    let conn = s.db.conn();
    let mut st = conn.prepare(
        "SELECT code, status, procedure_name, appointment_at FROM dossiers WHERE city = ?1 OR ?1 = '' ORDER BY code",
    )?;
    let rows = st.query_map([&q.city], |r| {
        Ok(serde_json::json!({
            "code": r.get::<_, String>(0)?, "status": r.get::<_, u8>(1)?,
            "procedure_name": r.get::<_, String>(2)?, "appointment_at": r.get::<_, Option<String>>(3)?,
        }))
    })?;
    let list: Vec<serde_json::Value> = rows.collect::<Result<_, _>>()?;
    Ok(Json(list).into_response())
}

/// Staff: the seeded demo dossiers still holding their demo secret, with
/// that secret, so tools can print their receipts (`mycity-cli receipts`).
/// Only the seed's published demo secrets are ever returned; a dossier
/// registered through the API never is.
async fn demo_receipts(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    let conn = s.db.conn();
    let mut st = conn.prepare(
        "SELECT code, status, procedure_name, secret_hash FROM dossiers WHERE city = ?1 OR ?1 = '' ORDER BY code",
    )?;
    let rows = st.query_map([&q.city], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u8>(1)?, r.get::<_, String>(2)?, r.get::<_, Vec<u8>>(3)?))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (code, status, procedure_name, hash) = row?;
        let demo = seed::DEMOS.iter().find(|d| code.ends_with(&format!("-{:04}", d.seq)));
        if let Some(d) = demo.filter(|d| same_digest(&hash, &secret_hash(&code, d.secret))) {
            list.push(serde_json::json!({
                "code": code, "secret": d.secret, "status": status, "procedure_name": procedure_name,
            }));
        }
    }
    Ok(Json(list).into_response())
}

/// Loads the catalogue of every bundled city and the demo dossiers (one per
/// status and one overdue, received in the last days so their codes' dates are real).
pub(crate) fn seed(db: &crate::Db) -> Result<(), Error> {
    let conn = db.conn();
    let tx = conn.unchecked_transaction()?;
    let now = time::OffsetDateTime::now_utc().to_offset(vn_offset());
    for desk in &seed::DESKS {
        let catalogue = seed::procedures(desk);
        for p in &catalogue {
            put_procedure(&tx, p)?;
        }
        for d in &seed::DEMOS {
            let received = now - time::Duration::days(d.received_days_ago) - time::Duration::hours(1);
            let date = format!("{:02}{:02}{:02}", received.year() % 100, u8::from(received.month()), received.day());
            let code = seed::code(desk, &date, d.seq);
            let procedure = &catalogue[(d.seq as usize * 7) % catalogue.len()];
            let appointment = iso(now + time::Duration::days(d.appointment_in_days));
            if !insert(&tx, desk.slug, &code, d.secret, procedure, d.applicant, received, Some(appointment))? {
                continue;
            }
            // The demo account sees every demo dossier once signed in.
            crate::me::own_dossier(&tx, &code, crate::me::DEMO_ACCOUNT)?;
            // The path a dossier takes to its status: accepted, processing, then where it stands.
            let mut path = vec![];
            if d.status != DossierStatus::Registered && d.status != DossierStatus::NotAccepted {
                path.push((DossierStatus::Accepted, "Đã tiếp nhận hồ sơ"));
            }
            if !matches!(d.status, DossierStatus::Registered | DossierStatus::Accepted | DossierStatus::NotAccepted) {
                path.push((DossierStatus::Processing, "Chuyển phòng chuyên môn thẩm định"));
            }
            if !matches!(d.status, DossierStatus::Registered | DossierStatus::Accepted | DossierStatus::Processing) {
                path.push((d.status, d.note));
            } else if d.status != DossierStatus::Registered {
                path.last_mut().into_iter().for_each(|l| l.1 = d.note);
            }
            let steps = path.len() as i64;
            for (i, (status, note)) in path.into_iter().enumerate() {
                let at = received + time::Duration::hours(((i as i64 + 1) * 24 * d.received_days_ago) / (steps + 1));
                let last = i as i64 == steps - 1;
                let a = AdvanceDossier {
                    status,
                    note: note.into(),
                    unit: String::new(),
                    missing_papers: if last { d.missing.iter().map(|m| (*m).to_owned()).collect() } else { vec![] },
                    amount_vnd: if last { d.amount_vnd } else { None },
                    appointment_at: None,
                };
                step(&tx, &code, &a, &iso(at))?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_compare_whole() {
        let a = secret_hash("X", "1234");
        assert!(same_digest(&a, &secret_hash("X", " 1234 ")));
        assert!(!same_digest(&a, &secret_hash("X", "1235")));
        assert!(!same_digest(&a, &[0u8; 32]));
        assert!(!same_digest(&a, &a[..31]));
    }

    #[test]
    fn misses_are_limited_before_hits() {
        let l = Limits::default();
        let keys = vec![("d:phone".to_owned(), 1)];
        for _ in 0..MISSES_PER_TEN_MINUTES {
            l.admit(&keys, 1000).unwrap();
            l.miss(&keys);
        }
        let wait = l.admit(&keys, 1010).unwrap_err();
        assert_eq!(wait, 590);
        assert!(l.admit(&keys, 1600).is_ok(), "the window ends");
        let other = vec![("d:other".to_owned(), 1)];
        for _ in 0..LOOKUPS_PER_MINUTE {
            l.admit(&other, 5000).unwrap();
        }
        assert_eq!(l.admit(&other, 5030).unwrap_err(), 30);
    }

    #[test]
    fn folding_matches_the_core() {
        assert_eq!(fold("Cấp giấy phép xây dựng"), "cap giay phep xay dung");
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
    }
}
