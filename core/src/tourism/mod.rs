//! Tourism: places of interest (browse, folded search, open now, nearest
//! first), the free-time planner, events and tours, QR-coded sites and their
//! posters, narration on arrival, and tourists' ratings.
//!
//! The decisions live in pure submodules ([`hours`], [`planner`],
//! [`narration`], [`site`], [`events`]); this module reads the store and
//! [`facade`] puts them behind [`crate::MyCity`].

pub mod events;
mod facade;
pub mod guide;
pub mod hours;
pub mod narration;
pub mod planner;
pub mod poster;
pub mod ratings;
pub mod site;

use rusqlite::{Connection, OptionalExtension, Row};

pub use self::facade::{Browse, Narration, Narrator, Order, Page, PlaceDetail, PlaceRow, Plan, PlanRequest, PlanStop};
pub use self::guide::{Guide, GuideEvent, PlanForm, PlannedRoute, Start, TourPage};
use crate::{
    pack::{LatLon, Localized, Place},
    text, Problem, Result,
};

/// The usual minutes at a place of `kind`, when the pack does not say; 0
/// for kinds a visitor does not tour (hospitals, offices, lodging).
pub fn usual_minutes(kind: &str) -> u32 {
    match kind {
        "museum" | "nature" | "craft-village" => 60,
        "relic" | "market" => 45,
        "food" => 40,
        "religious" | "park" => 30,
        "landmark" | "viewpoint" => 20,
        "beach" => 90,
        _ => 0,
    }
}

/// The kinds a visitor can browse by, in the order the app lists them.
pub const KINDS: [&str; 12] = [
    "relic",
    "nature",
    "museum",
    "market",
    "food",
    "lodging",
    "craft-village",
    "viewpoint",
    "landmark",
    "religious",
    "park",
    "beach",
];

/// The kind a search word names ("chợ", "market", "bảo tàng"…), folded.
pub fn kind_named(folded: &str) -> Option<&'static str> {
    Some(match folded.trim() {
        "cho" | "market" | "markets" | "cho phien" => "market",
        "bao tang" | "museum" | "museums" => "museum",
        "di tich" | "relic" | "relics" | "historic" => "relic",
        "danh thang" | "thien nhien" | "nature" | "scenic" => "nature",
        "an" | "am thuc" | "mon an" | "food" | "quan an" => "food",
        "nha nghi" | "khach san" | "homestay" | "luu tru" | "lodging" | "hotel" => "lodging",
        "lang nghe" | "craft" | "craft village" => "craft-village",
        "diem ngam" | "view" | "viewpoint" => "viewpoint",
        "chua" | "den" | "nha tho" | "temple" | "pagoda" | "church" => "religious",
        "bien" | "bai bien" | "beach" => "beach",
        "cong vien" | "park" => "park",
        _ => return None,
    })
}

/// Most results one search returns.
pub const MAX_RESULTS: usize = 100;

const COLUMNS: &str = "p.key, p.kind, p.name_vi, p.name_en, p.description_vi, p.description_en, p.lat, p.lon,
    p.address, p.opening_hours, p.ticket_price_vnd, p.qr_id, p.narration_vi, p.narration_en, p.photo,
    p.visit_minutes, p.approximate";

fn place(r: &Row<'_>) -> rusqlite::Result<Place> {
    place_at(r, 0)
}

/// Reads the `COLUMNS` starting at column `o`.
fn place_at(r: &Row<'_>, o: usize) -> rusqlite::Result<Place> {
    Ok(Place {
        id: r.get(o)?,
        kind: r.get(o + 1)?,
        name: Localized { vi: r.get(o + 2)?, en: r.get(o + 3)? },
        description: Localized { vi: r.get(o + 4)?, en: r.get(o + 5)? },
        lat: r.get(o + 6)?,
        lon: r.get(o + 7)?,
        address: r.get(o + 8)?,
        opening_hours: r.get(o + 9)?,
        ticket_price_vnd: r.get(o + 10)?,
        qr_id: r.get(o + 11)?,
        narration: Localized { vi: r.get(o + 12)?, en: r.get(o + 13)? },
        photo: r.get(o + 14)?,
        visit_minutes: r.get(o + 15)?,
        approximate: r.get(o + 16)?,
    })
}

/// Searches the city's places by name, description and address, ignoring
/// case, marks and `đ`. An empty query (nothing searchable) is an error the UI
/// can show, not an empty list.
///
/// Results come in tiers: places of the kind the query names ("chợ" →
/// markets), names holding the words as typed, then places holding every
/// word anywhere (name, description, address); within a tier, in the pack's
/// order (packs list their best sights first). Each tier reads matches in
/// rowid order and stops at `limit`, so a common word such as "chợ" costs as
/// little as a rare one; ranking every match by BM25 would not.
pub fn search(conn: &Connection, city: &str, query: &str, limit: usize) -> Result<Vec<Place>> {
    let Some(q) = text::fts_query(query) else {
        return Err(Problem::new("search-empty", "type at least one letter or digit to search").field("query").into());
    };
    let limit = limit.clamp(1, MAX_RESULTS);
    let tiers = [q.phrase.as_str(), q.all.as_str()];
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, {COLUMNS} FROM places_fts f JOIN places p ON p.id = f.rowid
         WHERE places_fts MATCH ?1 AND p.city = ?2 LIMIT ?3"
    ))?;
    let mut out: Vec<Place> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(kind) = kind_named(&text::fold(query)) {
        let mut st = conn.prepare_cached(&format!(
            "SELECT p.id, {COLUMNS} FROM places p WHERE p.city = ?1 AND p.kind = ?2 ORDER BY p.id LIMIT ?3"
        ))?;
        let mut rows = st.query(rusqlite::params![city, kind, limit as i64])?;
        while let Some(r) = rows.next()? {
            seen.insert(r.get::<_, i64>(0)?);
            out.push(place_at(r, 1)?);
        }
        if out.len() == limit {
            return Ok(out);
        }
    }
    for tier in tiers {
        // Rows already found may come again; ask for enough to still fill the page.
        let want = (limit + out.len()) as i64;
        let mut rows = stmt.query(rusqlite::params![tier, city, want])?;
        while let Some(r) = rows.next()? {
            if seen.insert(r.get::<_, i64>(0)?) {
                out.push(place_at(r, 1)?);
                if out.len() == limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
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

/// Every place of the city, in pack order.
pub fn all(conn: &Connection, city: &str) -> Result<Vec<Place>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM places p WHERE p.city = ?1 ORDER BY p.id"))?;
    let rows = stmt.query_map([city], place)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The place `key` of `city`.
pub fn by_id(conn: &Connection, city: &str, key: &str) -> Result<Option<Place>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM places p WHERE p.city = ?1 AND p.key = ?2"))?;
    Ok(stmt.query_row([city, key], place).optional()?)
}

/// The place whose QR plate carries `qr_id`, in any stored city.
pub fn by_qr(conn: &Connection, qr_id: &str) -> Result<Option<Place>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM places p WHERE p.qr_id = ?1 LIMIT 1"))?;
    Ok(stmt.query_row([qr_id.trim()], place).optional()?)
}

/// A place and how far it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NearPlace {
    /// The place.
    pub place: Place,
    /// Metres from where the person is.
    pub distance_m: f64,
}

/// The city's places within `radius_m` of `at`, nearest first. The stored
/// R*Tree narrows the search to the radius's bounding box before any distance
/// is computed.
pub fn near(conn: &Connection, city: &str, at: LatLon, radius_m: f64, limit: usize) -> Result<Vec<NearPlace>> {
    if !(at.lat.is_finite() && at.lon.is_finite() && radius_m.is_finite() && radius_m > 0.0) {
        return Err(Problem::new("near-invalid", "a position and a positive radius are needed").into());
    }
    // Degrees of latitude are ~111 km everywhere; of longitude, shrink with latitude.
    let dlat = radius_m / 111_000.0;
    let dlon = radius_m / (111_000.0 * at.lat.to_radians().cos().abs().max(0.01));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM places_rtree b JOIN places p ON p.id = b.id
         WHERE b.min_lat <= ?2 AND b.max_lat >= ?1 AND b.min_lon <= ?4 AND b.max_lon >= ?3 AND p.city = ?5"
    ))?;
    let rows =
        stmt.query_map(rusqlite::params![at.lat - dlat, at.lat + dlat, at.lon - dlon, at.lon + dlon, city], place)?;
    let mut out = Vec::new();
    for p in rows {
        let place = p?;
        let distance_m = crate::geo::distance_m(at, LatLon { lat: place.lat, lon: place.lon });
        if distance_m <= radius_m {
            out.push(NearPlace { place, distance_m });
        }
    }
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    out.truncate(limit.min(MAX_RESULTS));
    Ok(out)
}
