//! The server's SQLite database: published city packs (and, later, reports and dossiers).

use std::{path::Path, sync::Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::Error;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS packs (
    slug       TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    bbox       TEXT NOT NULL,      -- JSON [min_lat, min_lon, max_lat, max_lon]
    name_vi    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    body       TEXT NOT NULL,
    etag       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"#;

/// A city's bounding box `[min_lat, min_lon, max_lat, max_lon]`, from its pack.
/// Takes the connection so callers holding it (a POST in progress) can ask.
pub fn bbox(conn: &Connection, slug: &str) -> Result<Option<[f64; 4]>, Error> {
    let bbox: Option<String> =
        conn.query_row("SELECT bbox FROM packs WHERE slug = ?1", [slug], |r| r.get(0)).optional()?;
    Ok(bbox.and_then(|b| serde_json::from_str(&b).ok()))
}

/// A published pack.
pub struct StoredPack {
    /// Pack JSON in wire form.
    pub body: String,
    /// Strong ETag (quoted).
    pub etag: String,
}

/// A city as listed by `GET /api/v1/cities`.
#[derive(serde::Serialize)]
pub struct CityRow {
    /// Slug.
    pub slug: String,
    /// Pack version.
    pub version: i64,
    /// Names.
    pub name: serde_json::Value,
}

/// The database behind one mutex: requests are short and the mock is not a bottleneck.
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens `path`, or a private in-memory database for `:memory:`.
    pub fn open(path: &str) -> Result<Db, Error> {
        let conn = if path == ":memory:" { Connection::open_in_memory()? } else { Connection::open(Path::new(path))? };
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::reports::SCHEMA)?;
        conn.execute_batch(crate::air::SCHEMA)?;
        conn.execute_batch(crate::alerts::SCHEMA)?;
        conn.execute_batch(crate::consult::SCHEMA)?;
        conn.execute_batch(crate::dossier::SCHEMA)?;
        conn.execute_batch(crate::tourism::SCHEMA)?;
        conn.execute_batch(crate::scorecard::SCHEMA)?;
        conn.execute_batch(crate::me::SCHEMA)?;
        conn.execute_batch(crate::tus::SCHEMA)?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    /// The connection, for the domain modules' queries.
    pub(crate) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes a pack (wire form). Refuses JSON that is not a pack of `slug`.
    /// An older or equal version does not replace a newer one.
    pub fn publish_pack(&self, slug: &str, body: &str) -> Result<i64, Error> {
        let v: serde_json::Value =
            serde_json::from_str(body).map_err(|e| Error::BadRequest(format!("pack is not valid JSON: {e}")))?;
        if v.get("slug").and_then(|s| s.as_str()) != Some(slug) {
            return Err(Error::BadRequest(format!("pack slug does not match {slug}")));
        }
        let version = v
            .get("version")
            .and_then(|n| n.as_i64())
            .filter(|n| *n >= 1)
            .ok_or_else(|| Error::BadRequest("pack version must be a positive integer".into()))?;
        if !v.get("wards").is_some_and(|w| w.is_object()) {
            return Err(Error::BadRequest("pack lacks its wards FeatureCollection".into()));
        }
        let name = |lang: &str| v.pointer(&format!("/name/{lang}")).and_then(|s| s.as_str()).unwrap_or(slug).to_owned();
        let corner = |k: &str| {
            v.pointer(&format!("/bbox/{k}"))
                .and_then(|n| n.as_f64())
                .ok_or_else(|| Error::BadRequest(format!("pack bbox lacks {k}")))
        };
        let bbox = serde_json::json!([corner("min_lat")?, corner("min_lon")?, corner("max_lat")?, corner("max_lon")?]);
        let digest = Sha256::digest(body.as_bytes());
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let etag = format!("\"v{version}-{hex}\"");
        let now = crate::now_iso();
        let conn = self.lock();
        let current: Option<i64> =
            conn.query_row("SELECT version FROM packs WHERE slug = ?1", [slug], |r| r.get(0)).optional()?;
        if current.is_some_and(|c| c >= version) {
            return Err(Error::Conflict(format!(
                "{slug} already has version {}; publish a higher version",
                current.unwrap_or_default()
            )));
        }
        let tx = conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO packs (slug, version, bbox, name_vi, name_en, body, etag, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(slug) DO UPDATE SET version = excluded.version, bbox = excluded.bbox,
               name_vi = excluded.name_vi, name_en = excluded.name_en, body = excluded.body,
               etag = excluded.etag, updated_at = excluded.updated_at",
            params![slug, version, bbox.to_string(), name("vi"), name("en"), body, etag, now],
        )?;
        // The pack's categories are the city's Open311 services.
        crate::reports::seed_services(&tx, slug, &v)?;
        tx.commit()?;
        Ok(version)
    }

    /// The pack of `slug`.
    pub fn pack(&self, slug: &str) -> Result<Option<StoredPack>, Error> {
        Ok(self
            .lock()
            .query_row("SELECT body, etag FROM packs WHERE slug = ?1", [slug], |r| {
                Ok(StoredPack { body: r.get(0)?, etag: r.get(1)? })
            })
            .optional()?)
    }

    /// The pack's ETag only, so a 304 does not copy the body.
    pub fn pack_etag(&self, slug: &str) -> Result<Option<String>, Error> {
        Ok(self.lock().query_row("SELECT etag FROM packs WHERE slug = ?1", [slug], |r| r.get(0)).optional()?)
    }

    /// All published cities.
    pub fn cities(&self) -> Result<Vec<CityRow>, Error> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT slug, version, name_vi, name_en FROM packs ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(CityRow {
                slug: r.get(0)?,
                version: r.get(1)?,
                name: serde_json::json!({"vi": r.get::<_, String>(2)?, "en": r.get::<_, String>(3)?}),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
