//! Cities in the store: importing a pack (atomically replacing an older one)
//! and reading back what the app shows about the current city.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::{
    pack::{BBox, CityPack, DossierFormat, LatLon, Localized},
    store::Store,
    text, Error, Result,
};

/// Where the pack in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackSource {
    /// Shipped inside the app.
    Bundled,
    /// Downloaded from the city's server.
    Server,
    /// Imported from a file by the user or an administrator.
    File,
}

impl PackSource {
    fn as_str(self) -> &'static str {
        match self {
            PackSource::Bundled => "bundled",
            PackSource::Server => "server",
            PackSource::File => "file",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "server" => PackSource::Server,
            "file" => PackSource::File,
            _ => PackSource::Bundled,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The city was not in the store; now it is.
    Installed {
        /// The new pack's version.
        version: i64,
    },
    /// An older pack was replaced.
    Replaced {
        /// Version before.
        from: i64,
        /// Version now.
        to: i64,
    },
    /// The store already had this version or a newer one; nothing changed.
    Unchanged {
        /// The version kept.
        version: i64,
    },
}

/// A city as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct City {
    /// Slug.
    pub slug: String,
    /// Pack version in use.
    pub version: i64,
    /// Name.
    pub name: Localized,
    /// Province / context.
    pub region: Localized,
    /// Time zone.
    pub timezone: String,
    /// Map centre.
    pub center: LatLon,
    /// Extent.
    pub bbox: BBox,
    /// The city's own backend, if the pack names one.
    pub server_url: Option<String>,
    /// Dossier code format.
    pub dossier: DossierFormat,
    /// Where the pack came from.
    pub source: PackSource,
    /// When the pack was imported (unix seconds).
    pub imported_at: i64,
    /// When the server last confirmed it (unix seconds).
    pub checked_at: Option<i64>,
    /// The last failed refresh, if the latest attempt failed.
    pub last_error: Option<String>,
}

impl City {
    /// The city's offset from UTC (+07:00 for every Vietnamese city).
    pub fn utc_offset(&self) -> time::UtcOffset {
        // Packs with an unknown zone are refused on import, so this is their offset.
        crate::pack::utc_offset_of(&self.timezone).unwrap_or(time::UtcOffset::UTC)
    }
}

/// The phone's clock, in unix seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Unix seconds of an ISO 8601 time with its offset, as servers write them
/// (Open311 dates, dossier appointments); `None` when it does not parse.
pub fn unix(iso: &str) -> Option<i64> {
    time::OffsetDateTime::parse(iso.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The phone's clock as ISO 8601 (UTC), the form Open311 dates take.
pub fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Imports a validated pack. A newer version replaces the older in one
/// transaction; readers see either the old pack or the new, never a mix.
pub fn import(store: &Store, pack: &CityPack, source: PackSource, etag: Option<&str>) -> Result<ImportOutcome> {
    store.write_bulk(|tx| {
        let old: Option<i64> =
            tx.query_row("SELECT version FROM cities WHERE slug = ?1", [&pack.slug], |r| r.get(0)).optional()?;
        if let Some(v) = old {
            if v >= pack.version {
                if source == PackSource::Server {
                    // The server vouched for what we have: remember its tag so the next check is a 304.
                    tx.execute(
                        "UPDATE cities SET etag = ?2, checked_at = ?3, last_error = NULL WHERE slug = ?1",
                        params![pack.slug, etag, now()],
                    )?;
                    // Same pack, newer rating sums: the server's ETag covers both.
                    crate::tourism::ratings::store_aggregates(tx, pack)?;
                }
                return Ok(ImportOutcome::Unchanged { version: v });
            }
            delete_city(tx, &pack.slug)?;
        }
        insert_city(tx, pack, source, etag)?;
        crate::tourism::ratings::store_aggregates(tx, pack)?;
        Ok(match old {
            Some(from) => ImportOutcome::Replaced { from, to: pack.version },
            None => ImportOutcome::Installed { version: pack.version },
        })
    })
}

fn delete_city(tx: &Transaction<'_>, slug: &str) -> Result<()> {
    // Virtual tables do not follow foreign keys, so clear them by rowid first.
    tx.execute("DELETE FROM places_fts WHERE rowid IN (SELECT id FROM places WHERE city = ?1)", [slug])?;
    tx.execute("DELETE FROM places_rtree WHERE id IN (SELECT id FROM places WHERE city = ?1)", [slug])?;
    tx.execute("DELETE FROM wards_rtree WHERE id IN (SELECT id FROM wards WHERE city = ?1)", [slug])?;
    tx.execute("DELETE FROM cities WHERE slug = ?1", [slug])?;
    Ok(())
}

fn insert_city(tx: &Transaction<'_>, p: &CityPack, source: PackSource, etag: Option<&str>) -> Result<()> {
    let dossier = serde_json::to_string(&p.dossier).map_err(Error::pack)?;
    let extra = serde_json::to_string(&p.extra).map_err(Error::pack)?;
    let checked = (source == PackSource::Server).then(now);
    tx.execute(
        "INSERT INTO cities (slug, version, name_vi, name_en, region_vi, region_en, timezone,
            center_lat, center_lon, min_lat, min_lon, max_lat, max_lon, server_url, dossier, extra,
            source, etag, imported_at, checked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        params![
            p.slug,
            p.version,
            p.name.vi,
            p.name.en,
            p.region.vi,
            p.region.en,
            p.timezone,
            p.center.lat,
            p.center.lon,
            p.bbox.min_lat,
            p.bbox.min_lon,
            p.bbox.max_lat,
            p.bbox.max_lon,
            p.server_url,
            dossier,
            extra,
            source.as_str(),
            etag,
            now(),
            checked,
        ],
    )?;
    let mut cat = tx.prepare(
        "INSERT INTO categories (city, code, position, field, name_vi, name_en, icon, description_vi, description_en)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (i, c) in p.categories.iter().enumerate() {
        cat.execute(params![
            p.slug,
            c.code,
            i as i64,
            c.field,
            c.name.vi,
            c.name.en,
            c.icon,
            c.description.vi,
            c.description.en
        ])?;
    }
    let mut hot = tx.prepare(
        "INSERT INTO hotlines (city, number, kind, name_vi, name_en, description_vi, description_en, priority, dial)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for h in &p.hotlines {
        hot.execute(params![
            p.slug,
            h.number,
            h.kind.as_str(),
            h.name.vi,
            h.name.en,
            h.description.vi,
            h.description.en,
            h.priority,
            h.dial
        ])
        .map_err(|e| Error::pack(format!("hotline {}: {e}", h.number)))?;
    }
    let mut ward = tx.prepare(
        "INSERT INTO wards (city, code, name_vi, name_en, kind, approximate, geometry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut ward_box = tx.prepare("INSERT INTO wards_rtree VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for w in &p.wards {
        let geometry = serde_json::to_string(&w.polygons).map_err(Error::pack)?;
        ward.execute(params![p.slug, w.code, w.name.vi, w.name.en, w.kind, w.approximate, geometry])?;
        let id = tx.last_insert_rowid();
        let (mut lo_lat, mut hi_lat, mut lo_lon, mut hi_lon) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for [lon, lat] in w.polygons.iter().flatten().flatten() {
            lo_lat = lo_lat.min(*lat);
            hi_lat = hi_lat.max(*lat);
            lo_lon = lo_lon.min(*lon);
            hi_lon = hi_lon.max(*lon);
        }
        ward_box.execute(params![id, lo_lat, hi_lat, lo_lon, hi_lon])?;
    }
    let mut place = tx.prepare(
        "INSERT INTO places (city, key, kind, name_vi, name_en, description_vi, description_en, lat, lon,
            address, opening_hours, ticket_price_vnd, qr_id, narration_vi, narration_en, photo,
            visit_minutes, approximate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let mut fts = tx.prepare("INSERT INTO places_fts (rowid, name, pairs, body) VALUES (?1, ?2, ?3, ?4)")?;
    let (mut name, mut pairs, mut body) = (String::new(), String::new(), String::new());
    let mut points = Vec::with_capacity(p.places.len());
    for pl in &p.places {
        place.execute(params![
            p.slug,
            pl.id,
            pl.kind,
            pl.name.vi,
            pl.name.en,
            pl.description.vi,
            pl.description.en,
            pl.lat,
            pl.lon,
            pl.address,
            pl.opening_hours,
            pl.ticket_price_vnd,
            pl.qr_id,
            pl.narration.vi,
            pl.narration.en,
            pl.photo,
            pl.visit_minutes,
            pl.approximate
        ])?;
        let id = tx.last_insert_rowid();
        text::index_terms(&mut name, &[&pl.name.vi, &pl.name.en]);
        text::pair_tokens(&name, &mut pairs);
        text::index_terms(&mut body, &[&pl.description.vi, pl.address.as_deref().unwrap_or("")]);
        fts.execute(params![id, name, pairs, body])?;
        points.push((morton(pl.lat, pl.lon), id, pl.lat, pl.lon));
    }
    // SQLite's R*Tree has no bulk load; inserting along a space-filling curve
    // keeps consecutive inserts in the same nodes, which is much cheaper.
    points.sort_unstable_by_key(|p| p.0);
    let mut rtree = tx.prepare("INSERT INTO places_rtree VALUES (?1, ?2, ?2, ?3, ?3)")?;
    for (_, id, lat, lon) in points {
        rtree.execute(params![id, lat, lon])?;
    }
    Ok(())
}

/// Interleaves the bits of quantised latitude and longitude (a Z-order key).
fn morton(lat: f64, lon: f64) -> u64 {
    let q = |v: f64, lo: f64, span: f64| (((v - lo) / span).clamp(0.0, 1.0) * u32::MAX as f64) as u64;
    let spread = |mut x: u64| {
        x &= 0xffff_ffff;
        x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
        x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
        x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        (x | (x << 1)) & 0x5555_5555_5555_5555
    };
    spread(q(lat, -90.0, 180.0)) | (spread(q(lon, -180.0, 360.0)) << 1)
}

/// Reads a city from the store.
pub fn load(conn: &Connection, slug: &str) -> Result<Option<City>> {
    conn.query_row(
        "SELECT slug, version, name_vi, name_en, region_vi, region_en, timezone, center_lat, center_lon,
                min_lat, min_lon, max_lat, max_lon, server_url, dossier, source, imported_at, checked_at, last_error
         FROM cities WHERE slug = ?1",
        [slug],
        |r| {
            let dossier: String = r.get(14)?;
            Ok((
                City {
                    slug: r.get(0)?,
                    version: r.get(1)?,
                    name: Localized { vi: r.get(2)?, en: r.get(3)? },
                    region: Localized { vi: r.get(4)?, en: r.get(5)? },
                    timezone: r.get(6)?,
                    center: LatLon { lat: r.get(7)?, lon: r.get(8)? },
                    bbox: BBox { min_lat: r.get(9)?, min_lon: r.get(10)?, max_lat: r.get(11)?, max_lon: r.get(12)? },
                    server_url: r.get(13)?,
                    dossier: DossierFormat {
                        pattern: String::new(),
                        example: String::new(),
                        system: Localized::default(),
                    },
                    source: PackSource::parse(&r.get::<_, String>(15)?),
                    imported_at: r.get(16)?,
                    checked_at: r.get(17)?,
                    last_error: r.get(18)?,
                },
                dossier,
            ))
        },
    )
    .optional()?
    .map(|(mut city, dossier)| {
        city.dossier =
            serde_json::from_str(&dossier).map_err(|e| Error::Storage(format!("stored dossier format: {e}")))?;
        Ok(city)
    })
    .transpose()
}

/// The stored pack's version and ETag, for a conditional download.
pub fn etag(conn: &Connection, slug: &str) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn
        .query_row("SELECT version, etag FROM cities WHERE slug = ?1", [slug], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Records the outcome of a pack check, shown on the sync screen.
pub fn record_check(tx: &Transaction<'_>, slug: &str, error: Option<&str>, now: i64) -> Result<()> {
    match error {
        None => {
            tx.execute("UPDATE cities SET checked_at = ?2, last_error = NULL WHERE slug = ?1", params![slug, now])?
        }
        Some(e) => tx.execute("UPDATE cities SET last_error = ?2 WHERE slug = ?1", params![slug, e])?,
    };
    Ok(())
}

/// Every stored city, for the city chooser.
pub fn choices(conn: &Connection) -> Result<Vec<crate::CityChoice>> {
    let mut stmt = conn.prepare_cached("SELECT slug, name_vi, name_en, region_vi, region_en FROM cities")?;
    let rows = stmt.query_map([], |r| {
        Ok(crate::CityChoice {
            slug: r.get(0)?,
            name: Localized { vi: r.get(1)?, en: r.get(2)? },
            region: Localized { vi: r.get(3)?, en: r.get(4)? },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::bundled;

    fn pack(slug: &str) -> CityPack {
        CityPack::parse(&bundled::wire(slug).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn newer_version_replaces_older_and_same_version_is_kept() {
        let store = Store::open_in_memory().unwrap();
        let mut p = pack("da-nang");
        assert_eq!(
            import(&store, &p, PackSource::Bundled, None).unwrap(),
            ImportOutcome::Installed { version: p.version }
        );
        assert!(matches!(import(&store, &p, PackSource::Bundled, None).unwrap(), ImportOutcome::Unchanged { .. }));
        let old = p.version;
        p.version += 1;
        p.places.truncate(3);
        assert_eq!(
            import(&store, &p, PackSource::Server, Some("\"x\"")).unwrap(),
            ImportOutcome::Replaced { from: old, to: old + 1 }
        );
        let (places, fts, boxes): (i64, i64, i64) = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM places_fts),
                            (SELECT count(*) FROM places_rtree)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .unwrap();
        assert_eq!((places, fts, boxes), (3, 3, 3));
        let city = store.read(|c| load(c, "da-nang")).unwrap().unwrap();
        assert_eq!(city.source, PackSource::Server);
        assert!(city.checked_at.is_some());
    }

    #[test]
    fn morton_keeps_neighbours_close() {
        let a = morton(16.06, 108.22);
        let b = morton(16.0601, 108.2201);
        let far = morton(22.8, 104.9);
        assert!(a.abs_diff(b) < a.abs_diff(far));
    }

    #[test]
    fn failed_import_keeps_previous_pack() {
        let store = Store::open_in_memory().unwrap();
        let p = pack("vinh");
        import(&store, &p, PackSource::Bundled, None).unwrap();
        let mut bad = p.clone();
        bad.version += 1;
        // Two hotlines with one number violate the primary key half-way through the import.
        let dup = bad.hotlines[0].clone();
        bad.hotlines.push(dup);
        assert!(import(&store, &bad, PackSource::Server, None).is_err());
        let city = store.read(|c| load(c, "vinh")).unwrap().unwrap();
        assert_eq!(city.version, p.version);
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM places WHERE city = 'vinh'", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n as usize, p.places.len());
    }
}
