//! Alerts benchmark: which of 1,000 alerts in force (polygons of 500
//! vertices) concern one position, against the naive test of every polygon
//! without the bounding-box prefilter; and reading a 1 MB Atom feed of CAP
//! alerts, against roxmltree building its tree of the same bytes (a peer that
//! only parses, extracting nothing).
//!
//! Run with `cargo bench -p mycity-core --bench alerts`.

use std::{hint::black_box, time::Instant};

use geo::{Contains, Coord, LineString, Point, Polygon};
use mycity_core::{alerts::Target, protocol::cap, LatLon};

const ALERTS: usize = 1000;
const VERTICES: usize = 500;

/// xorshift: the same alerts on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f64 / 1_000_000.0
    }
}

/// A closed, star-shaped ring of `VERTICES` points around a centre.
fn ring(rng: &mut Rng) -> Vec<[f64; 2]> {
    let (lat, lon) = (8.5 + rng.next() * 14.0, 102.5 + rng.next() * 7.0);
    let r = 0.02 + rng.next() * 0.3;
    let mut pts: Vec<[f64; 2]> = (0..VERTICES - 1)
        .map(|i| {
            let a = i as f64 / (VERTICES - 1) as f64 * std::f64::consts::TAU;
            let k = r * (0.7 + 0.3 * rng.next());
            [lat + k * a.sin(), lon + k * a.cos()]
        })
        .collect();
    pts.push(pts[0]);
    pts
}

fn alert(i: usize, ring: Vec<[f64; 2]>) -> cap::Alert {
    cap::Alert {
        identifier: format!("bench-{i}"),
        sender: "bench@mycity".into(),
        sent: "2026-11-29T07:00:00+07:00".into(),
        status: cap::Status::Actual,
        msg_type: cap::MsgType::Alert,
        scope: cap::Scope::Public,
        references: vec![],
        note: None,
        info: vec![cap::Info {
            language: "vi-VN".into(),
            category: vec!["Met".into()],
            event: "Lũ".into(),
            urgency: cap::Urgency::Immediate,
            severity: cap::Severity::Severe,
            certainty: cap::Certainty::Observed,
            effective: None,
            onset: None,
            expires: Some("2026-11-30T07:00:00+07:00".into()),
            sender_name: Some("Ban chỉ huy phòng chống thiên tai".into()),
            headline: Some(format!("Cảnh báo lũ số {i}")),
            description: Some("Mực nước sông dâng cao, nguy cơ ngập sâu tại các khu dân cư ven sông.".into()),
            instruction: Some("Di chuyển người và tài sản đến nơi an toàn.".into()),
            web: None,
            parameters: vec![],
            areas: vec![cap::Area {
                area_desc: format!("Vùng {i}"),
                polygons: vec![ring],
                circles: vec![],
                geocodes: vec![],
            }],
        }],
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alerts: Vec<cap::Alert> = (0..ALERTS).map(|i| alert(i, ring(&mut rng))).collect();
    let targets: Vec<Target> = alerts.iter().map(|a| Target::new(a, "bench")).collect();
    let naive: Vec<Polygon<f64>> = alerts
        .iter()
        .map(|a| {
            let r = &a.info[0].areas[0].polygons[0];
            Polygon::new(r.iter().map(|[lat, lon]| Coord { x: *lon, y: *lat }).collect::<LineString<f64>>(), vec![])
        })
        .collect();
    // A position inside the first alert's area, so there is a hit.
    let c = &alerts[0].info[0].areas[0].polygons[0];
    let centre = LatLon { lat: (c[0][0] + c[VERTICES / 2][0]) / 2.0, lon: (c[0][1] + c[VERTICES / 2][1]) / 2.0 };
    let positions: Vec<LatLon> = (0..200)
        .map(|i| if i == 0 { centre } else { LatLon { lat: 8.5 + rng.next() * 14.0, lon: 102.5 + rng.next() * 7.0 } })
        .collect();

    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let (mut hits_ours, mut hits_peer) = (0usize, 0usize);
    for p in &positions {
        let t = Instant::now();
        let n = targets.iter().filter(|t| t.concerns(Some(*p), None, None)).count();
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        hits_ours += black_box(n);
        let t = Instant::now();
        let pt = Point::new(p.lon, p.lat);
        let n = naive.iter().filter(|poly| poly.contains(&pt)).count();
        peer.push(t.elapsed().as_secs_f64() * 1e3);
        hits_peer += black_box(n);
    }
    assert_eq!(hits_ours, hits_peer, "both tests agree");
    let (o, p) = (median(ours), median(peer));
    println!(
        "relevance: {ALERTS} alerts x {VERTICES}-vertex polygons, one position: {o:.4} ms median over {} positions \
         (target < 1 ms); naive point-in-polygon over all: {p:.4} ms; ratio {:.1}x faster; hits {hits_ours}",
        positions.len(),
        p / o
    );

    // A feed of about 1 MB.
    let mut small: Vec<cap::Alert> = Vec::new();
    let mut rng = Rng(42);
    while small.len() < 5000 {
        let mut r = ring(&mut rng);
        r.truncate(20);
        r.push(r[0]);
        small.push(alert(small.len(), r));
        let probe: Vec<cap::OutEntry<'_>> = small
            .iter()
            .map(|a| cap::OutEntry {
                id: a.identifier.clone(),
                link: "/x.xml".into(),
                updated: a.sent.clone(),
                alert: a,
            })
            .collect();
        if small.len().is_multiple_of(50)
            && cap::write_feed("urn:f", "f", "2026-11-29T07:00:00+07:00", "/f", &probe).len() >= 1_000_000
        {
            break;
        }
    }
    let entries: Vec<cap::OutEntry<'_>> = small
        .iter()
        .map(|a| cap::OutEntry { id: a.identifier.clone(), link: "/x.xml".into(), updated: a.sent.clone(), alert: a })
        .collect();
    let feed = cap::write_feed("urn:f", "f", "2026-11-29T07:00:00+07:00", "/f", &entries);
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        let t = Instant::now();
        let read = cap::parse_feed(&feed).expect("feed");
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(read.iter().all(|e| matches!(e.alert, Some(Ok(_)))));
        black_box(read);
        let t = Instant::now();
        let doc = roxmltree::Document::parse(&feed).expect("roxmltree");
        peer.push(t.elapsed().as_secs_f64() * 1e3);
        black_box(doc.root().children().count());
    }
    let (o, p) = (median(ours), median(peer));
    println!(
        "feed: {} bytes, {} CAP alerts: parse + validate {o:.2} ms median of 30 (target < 20 ms); \
         roxmltree tree only: {p:.2} ms; ratio {:.2}x",
        feed.len(),
        small.len(),
        p / o
    );
}
