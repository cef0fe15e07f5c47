//! Resumable clip uploads with tus 1.0 (<https://tus.io/protocols/resumable-upload>),
//! core protocol plus the `creation` and `expiration` extensions, under `/tus/files`.
//!
//! - `OPTIONS /tus/files`: `Tus-Version`, `Tus-Extension: creation,expiration`, `Tus-Max-Size`.
//! - `POST /tus/files` with `Upload-Length` and `Upload-Metadata` (`key <base64>`,
//!   the client's outbox row, and optionally `filetype`): 201 with `Location`.
//!   The same key gets the same upload back, so a create whose answer was lost
//!   can be sent again.
//! - `HEAD /tus/files/{id}`: `Upload-Offset`, `Upload-Length`, `Cache-Control: no-store`.
//! - `PATCH /tus/files/{id}` with `Content-Type: application/offset+octet-stream`
//!   and `Upload-Offset` (409 when it is not where the upload stands): the
//!   body is appended as it arrives, in pieces committed one by one, so a
//!   connection cut at 90 % leaves 90 % stored and the next PATCH goes on from there.
//! - When the last byte is in, the clip is checked again (MP4/MOV, H.264/HEVC,
//!   ≤ 30 s, and no `udta`/`meta`/`©xyz` left): the PATCH answers 422 and the
//!   upload is refused if not. A checked upload is attached to a report by
//!   `media_upload=<id>` on `POST /open311/v2/requests`, and served at
//!   `GET /tus/files/{id}` (the report's `media_url`) with HTTP range requests.
//!
//! An upload not finished within [`EXPIRES_AFTER`] of its creation is
//! abandoned: its `Upload-Expires` says when, and it is deleted with its
//! pieces by the next create, so phones that gave up never fill the disk.
//!
//! Every answer carries `Tus-Resumable: 1.0.0`. Pieces go to SQLite
//! (`tus_chunks`), never all in memory while the upload is under way.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use mycity_protocol::clip;
use rusqlite::{params, Connection, OptionalExtension};

use crate::{AppState, Error};

/// The tus version spoken.
pub const TUS_VERSION: &str = "1.0.0";

/// Largest upload accepted: a clip as the core sends it is never larger than
/// one as recorded.
pub const MAX_UPLOAD: u64 = clip::MAX_CLIP_BYTES;

/// How long an unfinished upload is kept: a day covers a phone that was
/// offline overnight, and its client creates a new one after that.
pub const EXPIRES_AFTER: time::Duration = time::Duration::hours(24);

/// Pieces of a PATCH body are committed at this size: small enough that a cut
/// loses little, large enough that 50 MB is 200 inserts.
const PIECE: usize = 256 * 1024;

/// The tables behind uploads.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tus_uploads (
    id          TEXT PRIMARY KEY,
    client_key  TEXT UNIQUE,
    length      INTEGER NOT NULL,
    offset      INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'open',   -- open | ready | refused
    mime        TEXT,
    data        BLOB,                           -- the whole clip once ready
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tus_chunks (
    upload_id   TEXT NOT NULL REFERENCES tus_uploads(id),
    at          INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (upload_id, at)
);
";

/// One lock per upload, held by a PATCH until its last byte is stored (even
/// when its connection broke) and taken by HEAD: the offset a client learns
/// after a cut is where the cut PATCH really ended, never a moment before,
/// so the next PATCH neither overlaps it (409) nor leaves a gap.
fn upload_lock(id: &str) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    > = std::sync::OnceLock::new();
    let mut map = LOCKS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    // Locks nobody holds or waits for are dropped, so the map stays as small as the uploads under way.
    map.retain(|_, l| Arc::strong_count(l) > 1);
    map.entry(id.to_owned()).or_default().clone()
}

/// The tus routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/tus/files", post(create).options(options))
        .route("/tus/files/{id}", axum::routing::get(serve).head(head).patch(patch))
        .layer(middleware::from_fn(resumable))
}

/// Adds `Tus-Resumable` to every answer, and refuses another protocol version (412).
async fn resumable(req: Request, next: Next) -> Response {
    let version = req.headers().get("tus-resumable").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut r = match version {
        Some(v) if v != TUS_VERSION && req.method() != axum::http::Method::OPTIONS => {
            (StatusCode::PRECONDITION_FAILED, [("tus-version", TUS_VERSION)], "only tus 1.0.0 is spoken")
                .into_response()
        }
        _ => next.run(req).await,
    };
    r.headers_mut().insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    r
}

async fn options() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            ("tus-version", TUS_VERSION.to_owned()),
            ("tus-extension", "creation,expiration".to_owned()),
            ("tus-max-size", MAX_UPLOAD.to_string()),
        ],
    )
        .into_response()
}

fn number_header(headers: &HeaderMap, name: &str) -> Result<u64, Error> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| Error::BadRequest(format!("{name} is required, a number of bytes")))
}

/// Decodes standard base64 (what `Upload-Metadata` values are written in).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for group in s.chunks(4) {
        if group.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in group.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Some(out)
}

/// A value of `Upload-Metadata` (`name b64,name b64,…`).
fn metadata(headers: &HeaderMap, name: &str) -> Option<String> {
    let all = headers.get("upload-metadata")?.to_str().ok()?;
    all.split(',').find_map(|pair| {
        let mut it = pair.trim().splitn(2, ' ');
        (it.next()? == name)
            .then(|| it.next().and_then(base64_decode))
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
    })
}

fn location(id: &str) -> String {
    format!("/tus/files/{id}")
}

async fn create(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let r = async {
        let length = number_header(&headers, "upload-length")?;
        if length > MAX_UPLOAD {
            return Err(Error::TooLarge(format!("the upload is {length} bytes; at most {MAX_UPLOAD}")));
        }
        if length == 0 {
            return Err(Error::BadRequest("an empty upload is no clip".into()));
        }
        let key = metadata(&headers, "key").filter(|k| !k.is_empty() && k.len() <= 200);
        crate::blocking(move || {
            let conn = s.db.conn();
            let gone = sweep(&conn, time::OffsetDateTime::now_utc())?;
            if gone > 0 {
                tracing::info!(gone, "abandoned uploads deleted");
            }
            if let Some(k) = &key {
                let found: Option<(String, i64)> = conn
                    .query_row("SELECT id, length FROM tus_uploads WHERE client_key = ?1", [k], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?;
                if let Some((id, len)) = found {
                    if len as u64 != length {
                        return Err(Error::Conflict(format!("key {k:?} names an upload of {len} bytes")));
                    }
                    return Ok(id);
                }
            }
            let id = uuid::Uuid::new_v4().simple().to_string();
            conn.execute(
                "INSERT INTO tus_uploads (id, client_key, length, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, key, length as i64, crate::now_iso()],
            )?;
            Ok(id)
        })
        .await?
    }
    .await;
    match r {
        Ok(id) => (
            StatusCode::CREATED,
            [
                ("location", location(&id)),
                ("upload-offset", "0".to_owned()),
                ("upload-expires", http_date(time::OffsetDateTime::now_utc() + EXPIRES_AFTER)),
            ],
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

struct Upload {
    length: u64,
    offset: u64,
    state: String,
    created_at: String,
}

impl Upload {
    /// When an unfinished upload is abandoned.
    fn expires(&self) -> Option<time::OffsetDateTime> {
        let created = time::OffsetDateTime::parse(&self.created_at, &time::format_description::well_known::Rfc3339);
        created.ok().map(|t| t + EXPIRES_AFTER)
    }
}

/// Deletes unfinished uploads (and their pieces) past [`EXPIRES_AFTER`];
/// how many went.
fn sweep(conn: &Connection, now: time::OffsetDateTime) -> Result<usize, Error> {
    let stale: Vec<String> = {
        let mut st =
            conn.prepare("SELECT id, length, offset, state, created_at FROM tus_uploads WHERE state != 'ready'")?;
        let rows = st.query_map([], |r| {
            let u = Upload {
                length: r.get::<_, i64>(1)? as u64,
                offset: r.get::<_, i64>(2)? as u64,
                state: r.get(3)?,
                created_at: r.get(4)?,
            };
            Ok((r.get::<_, String>(0)?, u))
        })?;
        rows.filter_map(|r| r.ok()).filter(|(_, u)| u.expires().is_some_and(|e| e < now)).map(|(id, _)| id).collect()
    };
    let tx = conn.unchecked_transaction()?;
    for id in &stale {
        tx.execute("DELETE FROM tus_chunks WHERE upload_id = ?1", [id])?;
        tx.execute("DELETE FROM tus_uploads WHERE id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(stale.len())
}

/// An HTTP date (RFC 9110 IMF-fixdate), as `Upload-Expires` wants.
fn http_date(t: time::OffsetDateTime) -> String {
    const FMT: &[time::format_description::BorrowedFormatItem<'_>] = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.to_offset(time::UtcOffset::UTC).format(FMT).unwrap_or_default()
}

fn upload(conn: &Connection, id: &str) -> Result<Upload, Error> {
    conn.query_row("SELECT length, offset, state, created_at FROM tus_uploads WHERE id = ?1", [id], |r| {
        Ok(Upload {
            length: r.get::<_, i64>(0)? as u64,
            offset: r.get::<_, i64>(1)? as u64,
            state: r.get(2)?,
            created_at: r.get(3)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::NotFound("no such upload".into()))
}

fn offsets(u: &Upload) -> [(&'static str, String); 3] {
    [
        ("upload-offset", u.offset.to_string()),
        ("upload-length", u.length.to_string()),
        ("cache-control", "no-store".to_owned()),
    ]
}

async fn head(State(s): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let lock = upload_lock(&id);
    let _held = lock.lock().await;
    match crate::blocking(move || upload(&s.db.conn(), &id)).await.and_then(|r| r) {
        Ok(u) => (StatusCode::OK, offsets(&u)).into_response(),
        // HEAD has no body: the status alone says it.
        Err(e) => e.status().into_response(),
    }
}

/// Appends `piece` at `at` if the upload still stands there (a second PATCH
/// racing the first cannot interleave bytes); the new offset.
fn append(conn: &Connection, id: &str, at: u64, piece: &[u8]) -> Result<u64, Error> {
    let tx = conn.unchecked_transaction()?;
    let u = upload(&tx, id)?;
    if u.offset != at {
        return Err(Error::Conflict(format!("the upload stands at {}, not {at}", u.offset)));
    }
    if at + piece.len() as u64 > u.length {
        return Err(Error::BadRequest(format!("the body runs past Upload-Length {}", u.length)));
    }
    tx.execute("INSERT INTO tus_chunks (upload_id, at, data) VALUES (?1, ?2, ?3)", params![id, at as i64, piece])?;
    let new = at + piece.len() as u64;
    tx.execute("UPDATE tus_uploads SET offset = ?2 WHERE id = ?1", params![id, new as i64])?;
    tx.commit()?;
    Ok(new)
}

/// Joins a complete upload's pieces and checks the clip again; `Err` with
/// the reason when it is refused (the upload is then marked so).
fn finish(conn: &Connection, id: &str) -> Result<Result<(), String>, Error> {
    let mut data = Vec::new();
    {
        let mut st = conn.prepare("SELECT data FROM tus_chunks WHERE upload_id = ?1 ORDER BY at")?;
        let mut rows = st.query([id])?;
        while let Some(r) = rows.next()? {
            data.extend_from_slice(r.get_ref(0)?.as_blob().map_err(|e| Error::Internal(e.to_string()))?);
        }
    }
    let verdict = match clip::inspect(&data) {
        Err(flaw) => Err(flaw.to_string()),
        Ok(info) => match clip::identifying_box(&data) {
            Ok(None) => Ok(info.container.mime()),
            Ok(Some(b)) => Err(format!("the clip still carries {b} (place or device); strip it before sending")),
            Err(flaw) => Err(flaw.to_string()),
        },
    };
    let tx = conn.unchecked_transaction()?;
    match &verdict {
        Ok(mime) => {
            tx.execute(
                "UPDATE tus_uploads SET state = 'ready', mime = ?2, data = ?3 WHERE id = ?1",
                params![id, mime, data],
            )?;
        }
        Err(_) => {
            tx.execute("UPDATE tus_uploads SET state = 'refused' WHERE id = ?1", [id])?;
        }
    }
    tx.execute("DELETE FROM tus_chunks WHERE upload_id = ?1", [id])?;
    tx.commit()?;
    Ok(verdict.map(|_| ()))
}

async fn patch(State(s): State<Arc<AppState>>, Path(id): Path<String>, req: Request) -> Response {
    let headers = req.headers().clone();
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct != "application/offset+octet-stream" {
        return Error::Unsupported("PATCH needs Content-Type: application/offset+octet-stream".into()).into_response();
    }
    let at = match number_header(&headers, "upload-offset") {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let held = upload_lock(&id).lock_owned().await;
    let (s2, id2) = (s.clone(), id.clone());
    let u = match crate::blocking(move || upload(&s2.db.conn(), &id2)).await.and_then(|r| r) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    if u.state != "open" {
        return Error::Conflict(format!("the upload is {}, nothing more is taken", u.state)).into_response();
    }
    if u.offset != at {
        return (StatusCode::CONFLICT, offsets(&u), format!("the upload stands at {}, not {at}", u.offset))
            .into_response();
    }
    // The body is read as it comes and stored piece by piece: what arrived
    // before a cut is kept, which is what lets the client resume there. The
    // reading runs in its own task because hyper drops this handler when the
    // connection breaks, and the bytes already in must still be stored.
    let stream = req.into_body().into_data_stream();
    let (s2, id2) = (s.clone(), id.clone());
    let stored = tokio::spawn(async move {
        let r = store_body(s2, id2, at, stream).await;
        drop(held);
        r
    })
    .await;
    let (at, cut) = match stored {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(e) => return Error::Internal(format!("upload task: {e}")).into_response(),
    };
    if let Some(e) = cut {
        tracing::info!(upload = %id, offset = at, "upload cut: {e}");
        // Nobody may be listening, but a client that is learns where to resume.
        return (StatusCode::BAD_REQUEST, [("upload-offset", at.to_string())], "the body was cut short")
            .into_response();
    }
    if at == u.length {
        let (s2, id2) = (s.clone(), id.clone());
        match crate::blocking(move || finish(&s2.db.conn(), &id2)).await.and_then(|r| r) {
            Ok(Ok(())) => {}
            Ok(Err(reason)) => {
                return (StatusCode::UNPROCESSABLE_ENTITY, [("upload-offset", at.to_string())], reason).into_response()
            }
            Err(e) => return e.into_response(),
        }
    }
    let mut r = (StatusCode::NO_CONTENT, [("upload-offset", at.to_string())]).into_response();
    if let Some(e) = u.expires().filter(|_| at < u.length) {
        if let Ok(v) = HeaderValue::from_str(&http_date(e)) {
            r.headers_mut().insert("upload-expires", v);
        }
    }
    r
}

/// Appends a PATCH body to upload `id` from `at` in pieces of [`PIECE`]
/// bytes as they arrive; the offset reached and, when the body was cut
/// short, why.
async fn store_body(
    s: Arc<AppState>,
    id: String,
    mut at: u64,
    mut stream: axum::body::BodyDataStream,
) -> Result<(u64, Option<String>), Error> {
    let mut buf: Vec<u8> = Vec::with_capacity(PIECE);
    loop {
        let (done, cut) = match futures_next(&mut stream).await {
            Some(Ok(bytes)) => {
                buf.extend_from_slice(&bytes);
                (false, None)
            }
            Some(Err(e)) => (true, Some(e.to_string())),
            None => (true, None),
        };
        if buf.len() >= PIECE || (done && !buf.is_empty()) {
            let piece = std::mem::replace(&mut buf, Vec::with_capacity(PIECE));
            let (s2, id2) = (s.clone(), id.clone());
            at = crate::blocking(move || append(&s2.db.conn(), &id2, at, &piece)).await??;
        }
        if done {
            return Ok((at, cut));
        }
    }
}

/// The next piece of a body stream.
async fn futures_next(stream: &mut axum::body::BodyDataStream) -> Option<Result<axum::body::Bytes, axum::Error>> {
    futures_util::StreamExt::next(stream).await
}

/// A checked upload that can become a report's media: its id, if ready.
pub(crate) fn ready(conn: &Connection, id: &str) -> Result<bool, Error> {
    let state: Option<String> =
        conn.query_row("SELECT state FROM tus_uploads WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match state.as_deref() {
        Some("ready") => Ok(true),
        Some(other) => Err(Error::BadRequest(format!("media_upload {id:?} is {other}, not a finished, checked clip"))),
        None => Err(Error::BadRequest(format!("media_upload {id:?} is no upload"))),
    }
}

/// Where a ready upload is served, for `media_url`.
pub(crate) fn url_of(base_url: &str, id: &str) -> String {
    format!("{base_url}{}", location(id))
}

/// Parses a single `bytes=` range against `len`: `Ok(None)` for no header,
/// `Err(())` for one that cannot be satisfied (416). Several ranges are
/// answered with the first, as a server may.
fn range(headers: &HeaderMap, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(v) = headers.get(header::RANGE) else { return Ok(None) };
    let v = v.to_str().map_err(|_| ())?.trim();
    let spec = v.strip_prefix("bytes=").ok_or(())?.split(',').next().ok_or(())?.trim();
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| ())?;
            if n == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
        }
        (a, "") => (a.parse().map_err(|_| ())?, len.checked_sub(1).ok_or(())?),
        (a, b) => {
            let (a, b): (u64, u64) = (a.parse().map_err(|_| ())?, b.parse().map_err(|_| ())?);
            (a, b.min(len.saturating_sub(1)))
        }
    };
    if start > end || start >= len {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn serve(State(s): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let (s2, id2) = (s.clone(), id.clone());
    let meta = crate::blocking(move || {
        s2.db
            .conn()
            .query_row("SELECT mime, length(data) FROM tus_uploads WHERE id = ?1 AND state = 'ready'", [id2], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .optional()
            .map_err(Error::from)
    })
    .await
    .and_then(|r| r);
    let (mime, len) = match meta {
        Ok(Some(m)) => m,
        Ok(None) => return Error::NotFound("no such clip".into()).into_response(),
        Err(e) => return e.into_response(),
    };
    let (status, start, end) = match range(&headers, len) {
        Ok(None) => (StatusCode::OK, 0, len.saturating_sub(1)),
        Ok(Some((a, b))) => (StatusCode::PARTIAL_CONTENT, a, b),
        Err(()) => {
            return (StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{len}"))])
                .into_response()
        }
    };
    let n = if len == 0 { 0 } else { end - start + 1 };
    let body = crate::blocking(move || {
        s.db.conn()
            .query_row(
                "SELECT substr(data, ?2, ?3) FROM tus_uploads WHERE id = ?1",
                params![id, start as i64 + 1, n as i64],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .map_err(Error::from)
    })
    .await
    .and_then(|r| r);
    let body = match body {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut r = (
        status,
        [
            (header::CONTENT_TYPE, mime),
            (header::ACCEPT_RANGES, "bytes".to_owned()),
            (header::CACHE_CONTROL, "max-age=86400".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        Body::from(body),
    )
        .into_response();
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_metadata_values() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("a").is_none());
        assert!(base64_decode("a$==").is_none());
        let mut h = HeaderMap::new();
        h.insert("upload-metadata", HeaderValue::from_static("filetype dmlkZW8vbXA0,key cm93LTE="));
        assert_eq!(metadata(&h, "key").as_deref(), Some("row-1"));
        assert_eq!(metadata(&h, "filetype").as_deref(), Some("video/mp4"));
        assert_eq!(metadata(&h, "other"), None);
    }

    #[test]
    fn pieces_append_in_order_and_a_complete_upload_is_checked_again() {
        use mycity_protocol::clip::fixture::{clip, Spec};
        let db = crate::Db::open(":memory:").unwrap();
        let conn = db.conn();
        let add = |id: &str, len: usize| {
            conn.execute(
                "INSERT INTO tus_uploads (id, length, created_at) VALUES (?1, ?2, 'now')",
                params![id, len as i64],
            )
            .unwrap();
        };
        let clean = clip::strip(&clip(&Spec::default())).unwrap().bytes;
        add("a", clean.len());
        let mid = clean.len() / 3;
        assert_eq!(append(&conn, "a", 0, &clean[..mid]).unwrap(), mid as u64);
        assert!(matches!(append(&conn, "a", 0, &clean[..mid]), Err(Error::Conflict(_))), "overlap refused");
        assert!(matches!(append(&conn, "a", mid as u64, &vec![0; clean.len()]), Err(Error::BadRequest(_))));
        append(&conn, "a", mid as u64, &clean[mid..]).unwrap();
        assert_eq!(finish(&conn, "a").unwrap(), Ok(()));
        assert!(ready(&conn, "a").unwrap());
        let stored: Vec<u8> = conn.query_row("SELECT data FROM tus_uploads WHERE id = 'a'", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, clean);
        let pieces: i64 = conn.query_row("SELECT count(*) FROM tus_chunks", [], |r| r.get(0)).unwrap();
        assert_eq!(pieces, 0, "pieces are dropped once joined");

        // A clip with its place left, or no clip at all, is refused and never attachable.
        for (id, bytes) in [("b", clip(&Spec::default())), ("c", b"not a clip at all".to_vec())] {
            add(id, bytes.len());
            append(&conn, id, 0, &bytes).unwrap();
            assert!(finish(&conn, id).unwrap().is_err());
            assert!(matches!(ready(&conn, id), Err(Error::BadRequest(_))));
        }
        assert!(matches!(ready(&conn, "nope"), Err(Error::BadRequest(_))));
    }

    #[test]
    fn unfinished_uploads_past_a_day_are_swept_with_their_pieces() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        let now =
            time::OffsetDateTime::parse("2026-11-29T12:00:00+07:00", &time::format_description::well_known::Rfc3339)
                .unwrap();
        for (id, state, created) in [
            ("old-open", "open", "2026-11-28T11:00:00+07:00"),
            ("old-refused", "refused", "2026-11-27T11:00:00+07:00"),
            ("old-ready", "ready", "2026-11-20T11:00:00+07:00"),
            ("new-open", "open", "2026-11-29T09:00:00+07:00"),
        ] {
            conn.execute(
                "INSERT INTO tus_uploads (id, length, state, created_at) VALUES (?1, 10, ?2, ?3)",
                params![id, state, created],
            )
            .unwrap();
            conn.execute("INSERT INTO tus_chunks (upload_id, at, data) VALUES (?1, 0, x'00')", [id]).unwrap();
        }
        assert_eq!(sweep(&conn, now).unwrap(), 2);
        let left: Vec<String> = conn
            .prepare("SELECT id FROM tus_uploads ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(left, ["new-open", "old-ready"]);
        let pieces: i64 = conn.query_row("SELECT count(*) FROM tus_chunks", [], |r| r.get(0)).unwrap();
        assert_eq!(pieces, 2);
    }

    #[test]
    fn upload_expires_is_an_http_date() {
        let t =
            time::OffsetDateTime::parse("2026-11-29T12:00:05+07:00", &time::format_description::well_known::Rfc3339)
                .unwrap();
        assert_eq!(http_date(t), "Sun, 29 Nov 2026 05:00:05 GMT");
    }

    #[test]
    fn ranges() {
        let h = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::RANGE, HeaderValue::from_static(v));
            h
        };
        assert_eq!(range(&HeaderMap::new(), 100), Ok(None));
        assert_eq!(range(&h("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(range(&h("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(range(&h("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(range(&h("bytes=50-500"), 100), Ok(Some((50, 99))));
        assert_eq!(range(&h("bytes=100-"), 100), Err(()));
        assert_eq!(range(&h("bytes=9-3"), 100), Err(()));
        assert_eq!(range(&h("items=0-1"), 100), Err(()));
        assert_eq!(range(&h("bytes=-0"), 100), Err(()));
    }
}
