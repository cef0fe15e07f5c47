//! Geography: which ward a point is in, and distances.
//!
//! Ward lookup runs on every GPS fix and pin drag, so the outlines are
//! indexed once per city in a uniform grid ([`grid`]): most points are
//! answered by their cell alone, and near a border only the wards whose
//! edges cross the cell get the exact polygon test.

mod grid;

use geo::{Distance, Haversine, Point};
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

/// Point → polygon over any set of outlines: a city's wards, its planning
/// zones. Built once per set; a lookup is one grid cell and, near a border,
/// the exact test of the one or two outlines crossing it.
pub struct ShapeIndex {
    outlines: Vec<grid::Outline>,
    grid: grid::Grid,
}

impl ShapeIndex {
    /// Indexes the shapes, each a list of polygons (outer ring first, then
    /// holes) of `[lon, lat]` pairs; [`ShapeIndex::locate`] answers their positions in this list.
    pub fn new<'a>(shapes: impl IntoIterator<Item = &'a [Vec<Vec<[f64; 2]>>]>) -> ShapeIndex {
        let outlines: Vec<grid::Outline> = shapes.into_iter().map(grid::Outline::new).collect();
        let grid = grid::Grid::new(&outlines);
        ShapeIndex { outlines, grid }
    }

    /// The position of the shape containing `p` (on a shared border, the one
    /// listed first), or `None` outside every shape.
    pub fn locate(&self, p: LatLon) -> Option<usize> {
        if !(p.lat.is_finite() && p.lon.is_finite()) {
            return None;
        }
        let (ids, crossed) = self.grid.candidates(p.lon, p.lat)?;
        let found = if crossed {
            ids.iter().copied().find(|&i| self.outlines[i as usize].contains(p.lon, p.lat))
        } else {
            // No border crosses this cell: it lies wholly inside these shapes.
            ids.first().copied()
        };
        found.map(|i| i as usize)
    }

    /// How many shapes are indexed.
    pub fn len(&self) -> usize {
        self.outlines.len()
    }

    /// True when no shape is indexed.
    pub fn is_empty(&self) -> bool {
        self.outlines.is_empty()
    }
}

/// Point → ward lookup over one city's wards.
pub struct WardIndex {
    wards: Vec<Ward>,
    shapes: ShapeIndex,
}

impl WardIndex {
    /// Builds the index from ward definitions.
    pub fn new(defs: impl IntoIterator<Item = WardDef>) -> WardIndex {
        let defs: Vec<WardDef> = defs.into_iter().collect();
        let shapes = ShapeIndex::new(defs.iter().map(|d| d.polygons.as_slice()));
        let wards = defs
            .into_iter()
            .map(|d| Ward { code: d.code, name: d.name, kind: d.kind, approximate: d.approximate })
            .collect();
        WardIndex { wards, shapes }
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

    /// The ward containing `p` (a point on a shared border goes to the ward
    /// listed first in the pack), or `None` when the point lies outside every ward.
    pub fn locate(&self, p: LatLon) -> Option<&Ward> {
        self.shapes.locate(p).map(|i| &self.wards[i])
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
    fn long_bent_wards_whose_boxes_overlap_are_told_apart() {
        // Two L-shaped wards interlocking: each one's bounding box covers most of the other.
        let l = |code: &str, ring: Vec<[f64; 2]>| WardDef {
            code: code.into(),
            name: Localized { vi: code.into(), en: code.into() },
            kind: "xa".into(),
            approximate: true,
            polygons: vec![vec![ring]],
        };
        let a = l("a", vec![[0.0, 0.0], [10.0, 0.0], [10.0, 1.0], [1.0, 1.0], [1.0, 10.0], [0.0, 10.0], [0.0, 0.0]]);
        let b = l("b", vec![[1.0, 1.0], [10.0, 1.0], [10.0, 10.0], [9.0, 10.0], [9.0, 2.0], [1.0, 2.0], [1.0, 1.0]]);
        let idx = WardIndex::new(vec![a, b]);
        let at = |lon: f64, lat: f64| idx.locate(LatLon { lat, lon }).map(|w| w.code.as_str());
        assert_eq!(at(0.5, 9.0), Some("a"));
        assert_eq!(at(9.5, 9.0), Some("b"));
        assert_eq!(at(5.0, 1.5), Some("b"));
        assert_eq!(at(5.0, 0.5), Some("a"));
        assert_eq!(at(5.0, 5.0), None, "inside both boxes, in neither ward");
        assert_eq!(at(1.0, 1.0), Some("a"), "a shared corner goes to the first ward");
    }

    /// The `geo` crate's own point-in-polygon, as an independent oracle.
    fn oracle(defs: &[WardDef], p: LatLon) -> Option<String> {
        use geo::{Coord, Intersects, LineString, MultiPolygon, Polygon};
        let ring = |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
        defs.iter()
            .find(|d| {
                let mp = MultiPolygon::new(
                    d.polygons
                        .iter()
                        .filter_map(|rings| {
                            let (outer, holes) = rings.split_first()?;
                            Some(Polygon::new(ring(outer), holes.iter().map(ring).collect()))
                        })
                        .collect(),
                );
                mp.intersects(&Point::new(p.lon, p.lat))
            })
            .map(|d| d.code.clone())
    }

    #[test]
    fn on_every_bundled_city_the_grid_agrees_with_the_geo_crate() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut unit = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for slug in crate::pack::CITY_SLUGS {
            let pack = crate::CityPack::parse(&crate::pack::bundled::wire(slug).unwrap().unwrap()).unwrap();
            let idx = WardIndex::new(pack.wards.clone());
            let b = pack.bbox;
            let mut inside = 0;
            for _ in 0..20_000 {
                let p = LatLon {
                    lat: b.min_lat + unit() * (b.max_lat - b.min_lat),
                    lon: b.min_lon + unit() * (b.max_lon - b.min_lon),
                };
                let got = idx.locate(p).map(|w| w.code.clone());
                assert_eq!(got, oracle(&pack.wards, p), "{slug} at {p:?}");
                inside += usize::from(got.is_some());
            }
            assert!(inside > 1000, "{slug}: only {inside} points fell in a ward");
        }
    }

    #[test]
    fn haversine_hanoi_to_hcmc_is_about_1140_km() {
        let d = distance_m(LatLon { lat: 21.0285, lon: 105.8542 }, LatLon { lat: 10.7769, lon: 106.7009 });
        assert!((1_130_000.0..1_150_000.0).contains(&d), "{d}");
    }
}
