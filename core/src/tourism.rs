//! Tourism: places of interest, their folded full-text search and QR look-up.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::{
    pack::{Localized, Place},
    text, Error, Result,
};

/// Most results one search returns.
pub const MAX_RESULTS: usize = 100;

const COLUMNS: &str = "p.key, p.kind, p.name_vi, p.name_en, p.description_vi, p.description_en, p.lat, p.lon,
    p.address, p.opening_hours, p.ticket_price_vnd, p.qr_id, p.narration_vi, p.narration_en, p.photo";

fn place(r: &Row<'_>) -> rusqlite::Result<Place> {
    Ok(Place {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: Localized { vi: r.get(2)?, en: r.get(3)? },
        description: Localized { vi: r.get(4)?, en: r.get(5)? },
        lat: r.get(6)?,
        lon: r.get(7)?,
        address: r.get(8)?,
        opening_hours: r.get(9)?,
        ticket_price_vnd: r.get(10)?,
        qr_id: r.get(11)?,
        narration: Localized { vi: r.get(12)?, en: r.get(13)? },
        photo: r.get(14)?,
    })
}

/// Searches the city's places by name, description and address, ignoring
/// case, marks and `đ`. Names weigh more than descriptions. An empty query
/// (nothing searchable) is an error the UI can show, not an empty list.
pub fn search(conn: &Connection, city: &str, query: &str, limit: usize) -> Result<Vec<Place>> {
    let Some(q) = text::fts_query(query) else {
        return Err(Error::InvalidInput("type at least one letter or digit to search".into()));
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM places_fts f JOIN places p ON p.id = f.rowid
         WHERE places_fts MATCH ?1 AND p.city = ?2
         ORDER BY bm25(places_fts, 8.0, 1.0) LIMIT ?3"
    ))?;
    let rows = stmt.query_map(rusqlite::params![q, city, limit.min(MAX_RESULTS) as i64], place)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The first places of the pack (packs list their best sights first).
pub fn featured(conn: &Connection, city: &str, limit: usize) -> Result<Vec<Place>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM places p WHERE p.city = ?1 ORDER BY p.id LIMIT ?2"))?;
    let rows = stmt.query_map(rusqlite::params![city, limit.min(MAX_RESULTS) as i64], place)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many places the city has.
pub fn count(conn: &Connection, city: &str) -> Result<i64> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM places WHERE city = ?1")?;
    Ok(stmt.query_row([city], |r| r.get(0))?)
}

/// The place whose QR plate carries `qr_id`, in any stored city.
pub fn by_qr(conn: &Connection, qr_id: &str) -> Result<Option<Place>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM places p WHERE p.qr_id = ?1 LIMIT 1"))?;
    Ok(stmt.query_row([qr_id.trim()], place).optional()?)
}
