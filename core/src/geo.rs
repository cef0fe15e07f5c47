//! Geography: which ward a point is in, and distances.
//!
//! Ward lookup runs on every GPS fix and pin drag, so the polygons live in an
//! in-memory R-tree of their bounding boxes (built once per city); only the
//! few candidates whose box holds the point get the exact polygon test.

use geo::{Coord, Distance, Haversine, Intersects, LineString, MultiPolygon, Point, Polygon};
use rstar::{primitives::GeomWithData, primitives::Rectangle, RTree, AABB};
use rusqlite::Connection;
use serde::Serialize;

use crate::{
    pack::{BBox, LatLon, Localized, WardDef},
    Error, Result,
};

/// A ward or commune (without its boundary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ward {
    /// Code unique within the city.
    pub code: String,
    /// Display name.
    pub name: Localized,
    /// `phuong`, `xa`, …
    pub kind: String,
    /// True when the boundary is approximate, so the answer near a border may be wrong.
    pub approximate: bool,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Point → ward lookup over one city's wards.
pub struct WardIndex {
    tree: RTree<Entry>,
    wards: Vec<(Ward, MultiPolygon<f64>)>,
}

impl WardIndex {
    /// Builds the index from ward definitions.
    pub fn new(defs: impl IntoIterator<Item = WardDef>) -> WardIndex {
        let wards: Vec<(Ward, MultiPolygon<f64>)> = defs
            .into_iter()
            .map(|d| {
                let shape = to_multipolygon(&d.polygons);
                (Ward { code: d.code, name: d.name, kind: d.kind, approximate: d.approximate }, shape)
            })
            .collect();
        let entries = wards
            .iter()
            .enumerate()
            .filter_map(|(i, (_, shape))| {
                let r = geo::BoundingRect::bounding_rect(shape)?;
                Some(Entry::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
            })
            .collect();
        WardIndex { tree: RTree::bulk_load(entries), wards }
    }

    /// Loads one city's wards from the store.
    pub fn load(conn: &Connection, city: &str) -> Result<WardIndex> {
        let mut stmt =
            conn.prepare("SELECT code, name_vi, name_en, kind, approximate, geometry FROM wards WHERE city = ?1")?;
        let rows = stmt.query_map([city], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Localized { vi: r.get(1)?, en: r.get(2)? },
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut defs = Vec::new();
        for row in rows {
            let (code, name, kind, approximate, geometry) = row?;
            let polygons = serde_json::from_str(&geometry)
                .map_err(|e| Error::Storage(format!("stored geometry of ward {code}: {e}")))?;
            defs.push(WardDef { code, name, kind, approximate, polygons });
        }
        Ok(WardIndex::new(defs))
    }

    /// The ward containing `p` (a point on a shared border goes to the first
    /// ward found), or `None` when the point lies outside every ward.
    pub fn locate(&self, p: LatLon) -> Option<&Ward> {
        if !(p.lat.is_finite() && p.lon.is_finite()) {
            return None;
        }
        let point = Point::new(p.lon, p.lat);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.lon, p.lat]))
            .map(|e| &self.wards[e.data])
            .find(|(_, shape)| shape.intersects(&point))
            .map(|(w, _)| w)
    }

    /// How many wards are indexed.
    pub fn len(&self) -> usize {
        self.wards.len()
    }

    /// True when the city has no wards.
    pub fn is_empty(&self) -> bool {
        self.wards.is_empty()
    }
}

/// A ward's outline, for drawing the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WardShape {
    /// The ward.
    pub ward: Ward,
    /// Polygons (outer ring first, then holes) of `[lon, lat]` pairs.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// The ward outlines of a city that show in `view` (all of them for `None`),
/// for the SVG map. The view's test is the stored R*Tree of the wards'
/// bounding boxes, so a map zoomed into one street reads one or two wards.
pub fn shapes(conn: &Connection, city: &str, view: Option<BBox>) -> Result<Vec<WardShape>> {
    let v = view.unwrap_or(BBox { min_lat: -90.0, min_lon: -180.0, max_lat: 90.0, max_lon: 180.0 });
    let mut stmt = conn.prepare_cached(
        "SELECT w.code, w.name_vi, w.name_en, w.kind, w.approximate, w.geometry
         FROM wards w JOIN wards_rtree b ON b.id = w.id
         WHERE w.city = ?1 AND b.max_lat >= ?2 AND b.min_lat <= ?3 AND b.max_lon >= ?4 AND b.min_lon <= ?5
         ORDER BY w.id",
    )?;
    let rows = stmt.query_map(rusqlite::params![city, v.min_lat, v.max_lat, v.min_lon, v.max_lon], |r| {
        Ok((
            Ward {
                code: r.get(0)?,
                name: Localized { vi: r.get(1)?, en: r.get(2)? },
                kind: r.get(3)?,
                approximate: r.get(4)?,
            },
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (ward, geometry) = row?;
        let polygons = serde_json::from_str(&geometry)
            .map_err(|e| Error::Storage(format!("stored geometry of ward {}: {e}", ward.code)))?;
        out.push(WardShape { ward, polygons });
    }
    Ok(out)
}

fn to_multipolygon(polys: &[Vec<Vec<[f64; 2]>>]) -> MultiPolygon<f64> {
    let ring = |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
    MultiPolygon::new(
        polys
            .iter()
            .filter_map(|rings| {
                let (outer, holes) = rings.split_first()?;
                Some(Polygon::new(ring(outer), holes.iter().map(ring).collect()))
            })
            .collect(),
    )
}

/// Great-circle distance in metres.
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x: f64, y: f64, size: f64) -> WardDef {
        WardDef {
            code: code.into(),
            name: Localized { vi: code.into(), en: code.into() },
            kind: "phuong".into(),
            approximate: true,
            polygons: vec![vec![vec![[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]],
        }
    }

    #[test]
    fn finds_the_ward_and_none_outside() {
        let idx = WardIndex::new(vec![square("a", 100.0, 10.0, 1.0), square("b", 101.0, 10.0, 1.0)]);
        assert_eq!(idx.locate(LatLon { lat: 10.5, lon: 100.5 }).unwrap().code, "a");
        assert_eq!(idx.locate(LatLon { lat: 10.5, lon: 101.5 }).unwrap().code, "b");
        assert!(idx.locate(LatLon { lat: 50.0, lon: 0.0 }).is_none());
        assert!(idx.locate(LatLon { lat: f64::NAN, lon: 100.5 }).is_none());
    }

    #[test]
    fn holes_are_outside() {
        let mut w = square("ring", 0.0, 0.0, 10.0);
        w.polygons[0].push(vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]);
        let idx = WardIndex::new(vec![w]);
        assert!(idx.locate(LatLon { lat: 5.0, lon: 5.0 }).is_none());
        assert!(idx.locate(LatLon { lat: 1.0, lon: 1.0 }).is_some());
    }

    #[test]
    fn haversine_hanoi_to_hcmc_is_about_1140_km() {
        let d = distance_m(LatLon { lat: 21.0285, lon: 105.8542 }, LatLon { lat: 10.7769, lon: 106.7009 });
        assert!((1_130_000.0..1_150_000.0).contains(&d), "{d}");
    }
}
