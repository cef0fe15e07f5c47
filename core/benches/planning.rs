//! Planning benchmark (issue 14): point → planning zone through the grid
//! index shared with point → ward (`geo::ShapeIndex`), against the named
//! peer measured in the same run: a naive scan over every zone with the
//! `geo` crate's `Contains`. Two layers: the five bundled cities' zones, and
//! a synthetic detailed plan of 10,000 zones of 24 vertices each.
//!
//! Run with `cargo bench -p mycity-core --bench planning`. Goal: < 10 µs per lookup.

use std::{hint::black_box, time::Instant};

use geo::{Contains, Coord, LineString, Point, Polygon};
use mycity_core::{
    pack::{bundled, CITY_SLUGS},
    planning::{self, ZoneIndex, ZoneShape},
    CityPack, LatLon,
};

/// xorshift: the same points on every run.
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `side`² star-shaped zones of 24 vertices, one per cell of a 0.1° square.
fn synthetic(side: usize, rng: &mut Rng) -> Vec<ZoneShape> {
    let cell = 0.1 / side as f64;
    let mut features = Vec::new();
    for i in 0..side {
        for j in 0..side {
            let (cx, cy) = (108.1 + (j as f64 + 0.5) * cell, 16.0 + (i as f64 + 0.5) * cell);
            let mut ring: Vec<[f64; 2]> = (0..23)
                .map(|k| {
                    let a = k as f64 / 23.0 * std::f64::consts::TAU;
                    let r = cell * (0.3 + 0.2 * rng.unit());
                    [cx + r * a.cos(), cy + r * a.sin()]
                })
                .collect();
            ring.push(ring[0]);
            features.push(serde_json::json!({
                "type": "Feature",
                "properties": { "code": format!("Z{i}-{j}"), "land_use": { "vi": "Đất ở", "en": "Housing" } },
                "geometry": { "type": "Polygon", "coordinates": [ring] }
            }));
        }
    }
    let mut extra = serde_json::Map::new();
    extra.insert("planning".into(), serde_json::json!({ "type": "FeatureCollection", "features": features }));
    planning::from_extra(&extra).expect("synthetic layer is valid")
}

fn naive(zones: &[ZoneShape]) -> Vec<Vec<Polygon<f64>>> {
    let ring = |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
    zones
        .iter()
        .map(|z| {
            z.polygons
                .iter()
                .map(|rings| Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect()))
                .collect()
        })
        .collect()
}

/// Times both over the same points; prints ns per lookup and the ratio.
fn run(name: &str, layers: &[Vec<ZoneShape>], points_total: usize, rng: &mut Rng) {
    let mut ours_ns = 0.0;
    let mut peer_ns = 0.0;
    let mut lookups = 0usize;
    let mut hits = 0usize;
    for zones in layers {
        let idx = ZoneIndex::new(zones.clone());
        let Some(b) = idx.bbox() else { continue };
        let peer = naive(zones);
        let points: Vec<LatLon> = (0..points_total / layers.len())
            .map(|_| LatLon {
                lat: b.min_lat + rng.unit() * (b.max_lat - b.min_lat),
                lon: b.min_lon + rng.unit() * (b.max_lon - b.min_lon),
            })
            .collect();
        let t = Instant::now();
        let ours: Vec<Option<usize>> =
            points.iter().map(|p| black_box(idx.locate(*p)).map(|z| z as *const _ as usize)).collect();
        ours_ns += t.elapsed().as_nanos() as f64;
        let t = Instant::now();
        let theirs: Vec<Option<usize>> = points
            .iter()
            .map(|p| {
                let pt = Point::new(p.lon, p.lat);
                black_box(peer.iter().position(|ps| ps.iter().any(|q| q.contains(&pt))))
            })
            .collect();
        peer_ns += t.elapsed().as_nanos() as f64;
        // Same answers (the grid counts a border point in; `Contains` leaves it out, so compare hits only off borders).
        let agree = ours.iter().zip(&theirs).filter(|(a, b)| a.is_some() == b.is_some()).count();
        assert!(agree as f64 >= points.len() as f64 * 0.999, "{name}: answers differ");
        hits += ours.iter().filter(|o| o.is_some()).count();
        lookups += points.len();
    }
    let (o, p) = (ours_ns / lookups as f64, peer_ns / lookups as f64);
    println!(
        "{name}: point→zone {:.2} µs (goal < 10 µs: {}), naive geo Contains scan {:.2} µs, {:.0}× faster; {lookups} points, {hits} in a zone",
        o / 1e3,
        if o < 10_000.0 { "met" } else { "MISSED" },
        p / 1e3,
        p / o
    );
}

fn main() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let bundled_layers: Vec<Vec<ZoneShape>> = CITY_SLUGS
        .iter()
        .map(|slug| {
            let pack = CityPack::parse(&bundled::wire(slug).expect("bundled").expect("combines")).expect("parses");
            planning::from_extra(&pack.extra).expect("layer")
        })
        .collect();
    let n: usize = bundled_layers.iter().map(Vec::len).sum();
    run(&format!("bundled layers (5 cities, {n} zones)"), &bundled_layers, 200_000, &mut rng);
    let t = Instant::now();
    let detailed = synthetic(100, &mut rng);
    let built = t.elapsed();
    let t = Instant::now();
    drop(black_box(ZoneIndex::new(detailed.clone())));
    println!(
        "synthetic detailed plan: 10,000 zones × 24 vertices, index built in {:.1} ms (layer made in {:.0} ms)",
        t.elapsed().as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3
    );
    // Fewer points here: the naive scan takes about a millisecond each.
    run("synthetic detailed plan (10,000 zones)", &[detailed], 20_000, &mut rng);
}
