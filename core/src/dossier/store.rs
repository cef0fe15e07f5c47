//! The dossier tables' SQL: looked-up and watched dossiers, their observed
//! changes, and the procedure catalogue with its folded index.

use mycity_protocol::dossier::{DossierReply, DossierStatus, Procedure};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::logic::Change;
use crate::{text, Problem, Result};

/// A stored dossier.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub reply: DossierReply,
    pub etag: Option<String>,
    pub fetched_at: i64,
    pub watched: bool,
    pub secret: Option<String>,
    pub unseen: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let json: String = r.get(0)?;
    let reply = serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Row { reply, etag: r.get(1)?, fetched_at: r.get(2)?, watched: r.get(3)?, secret: r.get(4)?, unseen: r.get(5)? })
}

const COLUMNS: &str = "reply, etag, fetched_at, watched, secret, unseen";

pub(crate) fn get(conn: &Connection, city: &str, code: &str) -> Result<Option<Row>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM dossiers WHERE city = ?1 AND code = ?2"))?;
    Ok(st.query_row(params![city, code], row).optional()?)
}

/// Watched dossiers of `city`, or of every city when `None`, most recently changed first.
pub(crate) fn watched(conn: &Connection, city: Option<&str>) -> Result<Vec<(String, Row)>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, city FROM dossiers WHERE watched = 1 AND (?1 IS NULL OR city = ?1)
         ORDER BY unseen > 0 DESC, json_extract(reply, '$.updated_at') DESC"
    ))?;
    let rows = st.query_map([city], |r| Ok((r.get::<_, String>(6)?, row(r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores a fresh reply, keeping the watch, its secret and the unseen count.
pub(crate) fn put(tx: &Transaction<'_>, city: &str, reply: &DossierReply, etag: Option<&str>, now: i64) -> Result<()> {
    let json = serde_json::to_string(reply).map_err(|e| crate::Error::Storage(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO dossiers (city, code, reply, etag, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (city, code) DO UPDATE SET reply = excluded.reply, etag = excluded.etag,
             fetched_at = excluded.fetched_at",
    )?
    .execute(params![city, reply.code, json, etag, now])?;
    Ok(())
}

pub(crate) fn touch(tx: &Transaction<'_>, city: &str, code: &str, now: i64) -> Result<()> {
    tx.prepare_cached("UPDATE dossiers SET fetched_at = ?3 WHERE city = ?1 AND code = ?2")?
        .execute(params![city, code, now])?;
    Ok(())
}

/// Keeps a change as a timeline entry; `news` counts it as unseen.
pub(crate) fn add_change(tx: &Transaction<'_>, city: &str, c: &Change, news: bool, now: i64) -> Result<()> {
    tx.prepare_cached("INSERT INTO dossier_changes (city, code, status, note, at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![city, c.code, c.status.code(), c.note, now])?;
    if news {
        tx.prepare_cached("UPDATE dossiers SET unseen = unseen + 1 WHERE city = ?1 AND code = ?2")?
            .execute(params![city, c.code])?;
    }
    Ok(())
}

/// Changes the app saw, oldest first: (status, note, at).
pub(crate) fn changes(conn: &Connection, city: &str, code: &str) -> Result<Vec<(DossierStatus, String, i64)>> {
    let mut st =
        conn.prepare_cached("SELECT status, note, at FROM dossier_changes WHERE city = ?1 AND code = ?2 ORDER BY id")?;
    let rows = st.query_map(params![city, code], |r| Ok((r.get::<_, u8>(0)?, r.get(1)?, r.get(2)?)))?;
    let mut out = vec![];
    for r in rows {
        let (s, note, at) = r?;
        if let Some(s) = DossierStatus::from_code(s) {
            out.push((s, note, at));
        }
    }
    Ok(out)
}

/// Watches a stored dossier with its secret; false when it is not stored.
pub(crate) fn watch(tx: &Transaction<'_>, city: &str, code: &str, secret: Option<&str>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE dossiers SET watched = ?3 IS NOT NULL, secret = ?3, unseen = 0 WHERE city = ?1 AND code = ?2",
        )?
        .execute(params![city, code, secret])?;
    Ok(n == 1)
}

pub(crate) fn mark_seen(tx: &Transaction<'_>, city: &str, code: &str) -> Result<()> {
    tx.prepare_cached("UPDATE dossiers SET unseen = 0 WHERE city = ?1 AND code = ?2")?.execute(params![city, code])?;
    Ok(())
}

/// How many watched dossiers of `city` changed since the person last looked.
pub(crate) fn news(conn: &Connection, city: &str) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM dossiers WHERE city = ?1 AND watched = 1 AND unseen > 0")?
        .query_row([city], |r| r.get(0))?;
    Ok(n as usize)
}

/// The catalogue's ETag and download time.
pub(crate) fn catalogue_meta(conn: &Connection, city: &str) -> Result<Option<(Option<String>, i64)>> {
    Ok(conn
        .prepare_cached("SELECT etag, fetched_at FROM procedure_catalogues WHERE city = ?1")?
        .query_row([city], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub(crate) fn touch_catalogue(tx: &Transaction<'_>, city: &str, now: i64) -> Result<()> {
    tx.execute("UPDATE procedure_catalogues SET fetched_at = ?2 WHERE city = ?1", params![city, now])?;
    Ok(())
}

/// Replaces a city's catalogue and its index.
pub(crate) fn put_catalogue(
    tx: &Transaction<'_>,
    city: &str,
    list: &[Procedure],
    etag: Option<&str>,
    now: i64,
) -> Result<usize> {
    tx.execute("DELETE FROM procedures_fts WHERE rowid IN (SELECT id FROM procedures WHERE city = ?1)", [city])?;
    tx.execute("DELETE FROM procedures WHERE city = ?1", [city])?;
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO procedures (city, code, field, body) VALUES (?1, ?2, ?3, ?4)")?;
    let mut fts = tx.prepare_cached("INSERT INTO procedures_fts (rowid, name, pairs, body) VALUES (?1, ?2, ?3, ?4)")?;
    let (mut name, mut pairs, mut body) = (String::new(), String::new(), String::new());
    let mut n = 0;
    for p in list {
        let json = serde_json::to_string(p).map_err(|e| crate::Error::Storage(e.to_string()))?;
        if ins.execute(params![city, p.code, p.field, json])? == 0 {
            continue;
        }
        let id = tx.last_insert_rowid();
        text::index_terms(&mut name, &[&p.name]);
        text::pair_tokens(&name, &mut pairs);
        let papers: Vec<&str> = p.papers.iter().map(|x| x.name.as_str()).collect();
        text::index_terms(&mut body, &[&p.field, &p.agency, &p.result, &p.code, &papers.join(" ")]);
        fts.execute(params![id, name, pairs, body])?;
        n += 1;
    }
    tx.execute(
        "INSERT INTO procedure_catalogues (city, etag, fetched_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (city) DO UPDATE SET etag = excluded.etag, fetched_at = excluded.fetched_at",
        params![city, etag, now],
    )?;
    Ok(n)
}

fn procedure_of(json: String) -> rusqlite::Result<Procedure> {
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Most procedures one search returns.
pub const MAX_RESULTS: usize = 200;

/// Searches a city's catalogue, folded ("giay phep xay dung" finds "Cấp giấy
/// phép xây dựng"): names holding the words as typed first, then records
/// holding every word anywhere; `field` narrows to one field when not empty.
/// Nothing typed lists the field (or the whole catalogue) in its order.
pub(crate) fn search(conn: &Connection, city: &str, query: &str, field: &str, limit: usize) -> Result<Vec<Procedure>> {
    let limit = limit.clamp(1, MAX_RESULTS);
    let Some(q) = text::fts_query(query) else {
        if !query.trim().is_empty() {
            return Err(Problem::new("search-empty", "type at least one letter or digit to search")
                .field("query")
                .into());
        }
        let mut st = conn.prepare_cached(
            "SELECT body FROM procedures WHERE city = ?1 AND (?2 = '' OR field = ?2) ORDER BY id LIMIT ?3",
        )?;
        let rows = st.query_map(params![city, field, limit as i64], |r| procedure_of(r.get(0)?))?;
        return Ok(rows.collect::<Result<_, _>>()?);
    };
    let mut st = conn.prepare_cached(
        "SELECT p.id, p.body FROM procedures_fts f JOIN procedures p ON p.id = f.rowid
         WHERE procedures_fts MATCH ?1 AND p.city = ?2 AND (?3 = '' OR p.field = ?3) LIMIT ?4",
    )?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for tier in [q.phrase.as_str(), q.all.as_str()] {
        let want = (limit + out.len()) as i64;
        let mut rows = st.query(params![tier, city, field, want])?;
        while let Some(r) = rows.next()? {
            if seen.insert(r.get::<_, i64>(0)?) {
                out.push(procedure_of(r.get(1)?)?);
                if out.len() == limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

pub(crate) fn procedure(conn: &Connection, city: &str, code: &str) -> Result<Option<Procedure>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM procedures WHERE city = ?1 AND code = ?2")?
        .query_row(params![city, code], |r| r.get(0))
        .optional()?;
    Ok(body.map(procedure_of).transpose()?)
}

/// The catalogue's fields with their procedure counts, in catalogue order.
pub(crate) fn fields(conn: &Connection, city: &str) -> Result<Vec<(String, i64)>> {
    let mut st =
        conn.prepare_cached("SELECT field, count(*) FROM procedures WHERE city = ?1 GROUP BY field ORDER BY min(id)")?;
    let rows = st.query_map([city], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
