//! Public planning information (seed 004 §5.2): the city's land-use zones
//! with their rules, from the pack's `planning` layer (file `planning.geojson`).
//!
//! The bundled layers are illustrative approximations of the cities' general
//! plans, not legal documents: every zone says whether it is `approximate`,
//! and the screen says to check with the city's planning office. A point is
//! placed in its zone with the same grid index as point → ward
//! ([`crate::geo::ShapeIndex`]).

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::{
    geo::ShapeIndex,
    pack::{BBox, LatLon, Localized},
    text, Error, MyCity, Result,
};

/// A land-use zone and its rules (without its outline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    /// Zone code, unique within the city (e.g. `HC-R2`).
    pub code: String,
    /// Land use in words.
    pub land_use: Localized,
    /// Land-use class for the map's colour: `residential`, `mixed`,
    /// `commercial`, `public`, `green`, `industrial`, `tourism`, `water`, …
    #[serde(default)]
    pub class: String,
    /// Highest building density (mật độ xây dựng), percent of the plot.
    #[serde(default)]
    pub density_max_pct: Option<f64>,
    /// Highest building, in floors.
    #[serde(default)]
    pub height_max_floors: Option<u32>,
    /// Highest floor-area ratio (hệ số sử dụng đất).
    #[serde(default)]
    pub far_max: Option<f64>,
    /// Number of the decision approving the plan this zone comes from.
    #[serde(default)]
    pub decision: Option<String>,
    /// True unless the outline and rules are the city's official data.
    #[serde(default = "yes")]
    pub approximate: bool,
}

fn yes() -> bool {
    true
}

/// A zone with its outline, for the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneShape {
    /// The zone.
    pub zone: Zone,
    /// Polygons (outer ring first, then holes) of `[lon, lat]` pairs.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Deserialize)]
struct RawLayer {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawFeature {
    properties: Zone,
    geometry: RawGeometry,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum RawGeometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// Reads and checks a pack's `planning` layer (none is an empty layer):
/// a GeoJSON FeatureCollection of polygons with closed rings and unique codes.
pub fn from_extra(extra: &serde_json::Map<String, serde_json::Value>) -> Result<Vec<ZoneShape>> {
    let Some(v) = extra.get(crate::protocol::packs::PLANNING_KEY) else { return Ok(Vec::new()) };
    let raw: RawLayer = serde_json::from_value(v.clone()).map_err(|e| Error::pack(format!("planning: {e}")))?;
    if raw.kind != "FeatureCollection" {
        return Err(Error::pack("planning must be a GeoJSON FeatureCollection"));
    }
    let zones: Vec<ZoneShape> = raw
        .features
        .into_iter()
        .map(|f| ZoneShape {
            zone: f.properties,
            polygons: match f.geometry {
                RawGeometry::Polygon(p) => vec![p],
                RawGeometry::MultiPolygon(m) => m,
            },
        })
        .collect();
    validate(&zones)?;
    Ok(zones)
}

fn validate(zones: &[ZoneShape]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for s in zones {
        let z = &s.zone;
        if z.code.trim().is_empty() || !seen.insert(text::fold(&z.code)) {
            return Err(Error::pack(format!("planning zone code {:?} is empty or repeated", z.code)));
        }
        let rings_ok = !s.polygons.is_empty()
            && s.polygons.iter().all(|poly| {
                !poly.is_empty()
                    && poly.iter().all(|ring| {
                        ring.len() >= 4 && ring.first() == ring.last() && ring.iter().flatten().all(|v| v.is_finite())
                    })
            });
        if !rings_ok {
            return Err(Error::pack(format!("planning zone {} has an unclosed or empty ring", z.code)));
        }
        if z.density_max_pct.is_some_and(|d| !(0.0..=100.0).contains(&d)) {
            return Err(Error::pack(format!("planning zone {} density is not a percentage", z.code)));
        }
        if z.far_max.is_some_and(|f| !(0.0..=100.0).contains(&f)) || z.height_max_floors == Some(0) {
            return Err(Error::pack(format!("planning zone {} has an impossible limit", z.code)));
        }
    }
    Ok(())
}

/// Point → zone and code → zone over one city's planning layer.
pub struct ZoneIndex {
    zones: Vec<ZoneShape>,
    shapes: ShapeIndex,
    bbox: Option<BBox>,
}

impl ZoneIndex {
    /// Indexes the zones.
    pub fn new(zones: Vec<ZoneShape>) -> ZoneIndex {
        let shapes = ShapeIndex::new(zones.iter().map(|z| z.polygons.as_slice()));
        let mut bbox: Option<BBox> = None;
        for &[lon, lat] in zones.iter().flat_map(|z| z.polygons.iter().flatten().flatten()) {
            let b = bbox.get_or_insert(BBox { min_lat: lat, min_lon: lon, max_lat: lat, max_lon: lon });
            *b = BBox {
                min_lat: b.min_lat.min(lat),
                min_lon: b.min_lon.min(lon),
                max_lat: b.max_lat.max(lat),
                max_lon: b.max_lon.max(lon),
            };
        }
        ZoneIndex { zones, shapes, bbox }
    }

    /// The zone holding `p` (on a shared border, the one listed first).
    pub fn locate(&self, p: LatLon) -> Option<&Zone> {
        self.shapes.locate(p).map(|i| &self.zones[i].zone)
    }

    /// Zones whose code contains `query` (case and marks ignored), the exact
    /// match first, then the others in code order.
    pub fn by_code(&self, query: &str) -> Vec<&Zone> {
        let q = text::fold(query.trim());
        if q.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<&Zone> =
            self.zones.iter().map(|s| &s.zone).filter(|z| text::fold(&z.code).contains(&q)).collect();
        out.sort_by_key(|z| (text::fold(&z.code) != q, z.code.clone()));
        out
    }

    /// Every zone with its outline.
    pub fn shapes(&self) -> &[ZoneShape] {
        &self.zones
    }

    /// The box around every zone, `None` for an empty layer.
    pub fn bbox(&self) -> Option<BBox> {
        self.bbox
    }
}

/// The planning layer of one city as stored, kept while the stored pack is the same.
type Cached = (String, Arc<ZoneIndex>);

/// One cache for the process, keyed by the store's identity and the pack's
/// version and import time: an index is built once per imported pack.
static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

impl MyCity {
    /// The current city's planning layer, indexed.
    pub fn planning(&self) -> Result<Arc<ZoneIndex>> {
        let slug = self.city_slug();
        let (stamp, json): (String, Option<String>) = self.inner.store.read(|c| {
            Ok(c.query_row(
                "SELECT version || '/' || imported_at, json_extract(extra, '$.planning') FROM cities WHERE slug = ?1",
                [&slug],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })?;
        let key = format!("{:p}/{slug}/{stamp}", Arc::as_ptr(&self.inner));
        let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, idx)) = cache.as_ref() {
            if *k == key {
                return Ok(idx.clone());
            }
        }
        let mut extra = serde_json::Map::new();
        if let Some(json) = json {
            let v = serde_json::from_str(&json).map_err(|e| Error::Storage(format!("stored planning layer: {e}")))?;
            extra.insert(crate::protocol::packs::PLANNING_KEY.into(), v);
        }
        let idx = Arc::new(ZoneIndex::new(from_extra(&extra)?));
        *cache = Some((key, idx.clone()));
        Ok(idx)
    }

    /// The planning zone at `p` in the current city, if any.
    pub fn zone_at(&self, p: LatLon) -> Result<Option<Zone>> {
        Ok(self.planning()?.locate(p).cloned())
    }

    /// The current city's zones whose code contains `query`, exact match first.
    pub fn zones_by_code(&self, query: &str) -> Result<Vec<Zone>> {
        Ok(self.planning()?.by_code(query).into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(zones: &[(&str, f64)]) -> serde_json::Map<String, serde_json::Value> {
        let features: Vec<serde_json::Value> = zones
            .iter()
            .map(|(code, x)| {
                serde_json::json!({
                    "type": "Feature",
                    "properties": { "code": code, "land_use": { "vi": "Đất ở", "en": "Housing" },
                                    "class": "residential", "density_max_pct": 60.0, "height_max_floors": 5 },
                    "geometry": { "type": "Polygon",
                                  "coordinates": [[[x, 16.0], [x + 0.01, 16.0], [x + 0.01, 16.01], [x, 16.01], [x, 16.0]]] }
                })
            })
            .collect();
        let mut m = serde_json::Map::new();
        m.insert("planning".into(), serde_json::json!({ "type": "FeatureCollection", "features": features }));
        m
    }

    #[test]
    fn a_point_finds_its_zone_and_none_outside() {
        let idx = ZoneIndex::new(from_extra(&layer(&[("R-1", 108.0), ("R-2", 108.01)])).unwrap());
        assert_eq!(idx.locate(LatLon { lat: 16.005, lon: 108.005 }).unwrap().code, "R-1");
        assert_eq!(idx.locate(LatLon { lat: 16.005, lon: 108.015 }).unwrap().code, "R-2");
        assert!(idx.locate(LatLon { lat: 16.05, lon: 108.005 }).is_none());
        let z = idx.locate(LatLon { lat: 16.005, lon: 108.005 }).unwrap();
        assert!(z.approximate, "a zone is approximate unless it says otherwise");
        assert_eq!((z.density_max_pct, z.height_max_floors), (Some(60.0), Some(5)));
        let b = idx.bbox().unwrap();
        assert!(b.min_lon == 108.0 && (b.max_lon - 108.02).abs() < 1e-9, "{b:?}");
    }

    #[test]
    fn search_by_code_ignores_case_and_puts_the_exact_match_first() {
        let idx =
            ZoneIndex::new(from_extra(&layer(&[("HC-R12", 108.0), ("HC-R1", 108.01), ("TK-G1", 108.02)])).unwrap());
        let codes = |q: &str| idx.by_code(q).into_iter().map(|z| z.code.as_str()).collect::<Vec<_>>();
        assert_eq!(codes("hc-r1"), ["HC-R1", "HC-R12"]);
        assert_eq!(codes("g1"), ["TK-G1"]);
        assert!(codes("  ").is_empty() && codes("zz").is_empty());
    }

    #[test]
    fn validation_refuses_open_rings_repeated_codes_and_impossible_limits() {
        assert!(from_extra(&serde_json::Map::new()).unwrap().is_empty());
        let err = |m: serde_json::Map<String, serde_json::Value>| from_extra(&m).unwrap_err().to_string();
        assert!(err(layer(&[("A", 108.0), ("a", 108.01)])).contains("repeated"));
        let mut open = layer(&[("A", 108.0)]);
        open["planning"]["features"][0]["geometry"]["coordinates"][0].as_array_mut().unwrap().pop();
        assert!(err(open).contains("unclosed"));
        let mut dense = layer(&[("A", 108.0)]);
        dense["planning"]["features"][0]["properties"]["density_max_pct"] = 140.0.into();
        assert!(err(dense).contains("percentage"));
        let mut not_fc = layer(&[("A", 108.0)]);
        not_fc["planning"]["type"] = "Feature".into();
        assert!(err(not_fc).contains("FeatureCollection"));
    }

    #[test]
    fn every_bundled_layer_parses_and_its_zones_agree_with_a_naive_scan() {
        use geo::{Contains, Coord, LineString, Point, Polygon};
        for slug in crate::pack::CITY_SLUGS {
            let pack = crate::CityPack::parse(&crate::pack::bundled::wire(slug).unwrap().unwrap()).unwrap();
            let zones = from_extra(&pack.extra).unwrap();
            if matches!(slug, "da-nang" | "ha-giang") {
                assert!(zones.len() >= 6, "{slug}: {} zones", zones.len());
            }
            let polys: Vec<Vec<Polygon>> = zones
                .iter()
                .map(|z| {
                    z.polygons
                        .iter()
                        .map(|rings| {
                            let ring =
                                |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
                            Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
                        })
                        .collect()
                })
                .collect();
            let idx = ZoneIndex::new(zones.clone());
            let Some(b) = idx.bbox() else { continue };
            for i in 0..50 {
                for j in 0..50 {
                    let p = LatLon {
                        lat: b.min_lat + (i as f64 + 0.37) / 50.0 * (b.max_lat - b.min_lat),
                        lon: b.min_lon + (j as f64 + 0.61) / 50.0 * (b.max_lon - b.min_lon),
                    };
                    let naive = polys.iter().position(|ps| ps.iter().any(|q| q.contains(&Point::new(p.lon, p.lat))));
                    let got = idx.locate(p).map(|z| z.code.as_str());
                    assert_eq!(got, naive.map(|k| zones[k].zone.code.as_str()), "{slug} at {p:?}");
                }
            }
        }
    }

    #[test]
    fn the_facade_finds_a_zone_by_point_and_by_code_and_follows_the_city() {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        core.set_city("da-nang").unwrap();
        let idx = core.planning().unwrap();
        let first = &idx.shapes()[0];
        let [lon, lat] = first.polygons[0][0][0];
        let inside = core.zone_at(LatLon { lat: lat + 0.001, lon: lon + 0.001 }).unwrap().unwrap();
        assert_eq!(inside.code, first.zone.code);
        assert!(Arc::ptr_eq(&idx, &core.planning().unwrap()), "built once per pack");
        assert_eq!(core.zones_by_code(&first.zone.code.to_lowercase()).unwrap()[0].code, first.zone.code);
        core.set_city("ha-giang").unwrap();
        assert!(core.zones_by_code(&first.zone.code).unwrap().is_empty());
        assert!(core.zone_at(LatLon { lat: 22.8233, lon: 104.9836 }).unwrap().is_some());
    }
}
