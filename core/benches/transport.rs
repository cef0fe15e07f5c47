//! Transport figures for docs/BENCHMARKS.md, each against its peer in the same run:
//! - reading Đà Nẵng's GTFS feed with gtfs-structures and laying out the index
//!   (what the first transport look-up after a pack install costs);
//! - next departures at the 3 nearest stops, from the index, against the
//!   naive scan of every stop time with its calendar (`departures_by_scan`),
//!   on Đà Nẵng's feed and on the same feed repeated 20 times (≈100,000 stop
//!   times, a mid-size city's timetable);
//! - the whole facade call `MyCity::transport` in Đà Nẵng: the first after
//!   start (reads the feed from the store, parses, lays out) and the next ones
//!   (index cached for the installed pack).

use std::time::{Duration, Instant};

use mycity_core::{
    transport::{departures_by_scan, parse, Index},
    LatLon,
};
use time::{Date, Month, PrimitiveDateTime, Time};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("runs ≥ 1"))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The feed with every trip repeated `times` times under new ids.
fn scaled(times: usize) -> serde_json::Map<String, serde_json::Value> {
    let files = mycity_protocol::transit::bundled("da-nang").expect("Đà Nẵng's feed");
    let mut out = serde_json::Map::new();
    for (name, text) in files {
        let text = match *name {
            "trips.txt" | "stop_times.txt" => {
                let mut lines = text.lines();
                let header = lines.next().unwrap_or_default();
                let rows: Vec<&str> = lines.collect();
                let trip_col = header.split(',').position(|h| h == "trip_id").unwrap_or(0);
                let mut s = format!("{header}\n");
                for k in 0..times {
                    for row in &rows {
                        let cols: Vec<String> = row
                            .split(',')
                            .enumerate()
                            .map(|(i, c)| if i == trip_col { format!("{c}-{k}") } else { c.to_string() })
                            .collect();
                        s.push_str(&cols.join(","));
                        s.push('\n');
                    }
                }
                s
            }
            _ => text.to_string(),
        };
        out.insert(name.to_string(), text.into());
    }
    out
}

/// Deterministic positions in the city and times through a week.
fn queries(n: usize) -> Vec<(LatLon, PrimitiveDateTime)> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let monday = Date::from_calendar_date(2026, Month::November, 30).expect("date");
    (0..n)
        .map(|_| {
            let p = LatLon { lat: 15.98 + next() * 0.14, lon: 108.13 + next() * 0.13 };
            let day = monday + time::Duration::days((next() * 7.0) as i64);
            let secs = (next() * 86_400.0) as u32;
            let t = Time::from_hms((secs / 3600) as u8, (secs / 60 % 60) as u8, 0).expect("time");
            (p, PrimitiveDateTime::new(day, t))
        })
        .collect()
}

fn main() {
    println!("mycity transport bench: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let core = mycity_core::MyCity::open(mycity_core::Config {
        data_dir: dir.path().to_owned(),
        server_url: None,
        ..Default::default()
    })
    .expect("core opens");
    core.set_city("da-nang").expect("Đà Nẵng");
    let t = Instant::now();
    let first = core.transport(None, None).expect("look-up");
    let t_first = t.elapsed();
    let (t_next, _) = best_of(50, || core.transport(None, None).expect("look-up"));
    println!(
        "MyCity::transport in Đà Nẵng ({} stops listed): first call {:.1} ms (store read + parse + index), next {:.0} µs",
        first.stops.len(),
        us(t_first) / 1000.0,
        us(t_next)
    );
    for times in [1, 20] {
        let files = scaled(times);
        let (t_parse, gtfs) = best_of(3, || parse(&files).expect("feed parses"));
        let (t_build, index) = best_of(3, || Index::build(&gtfs));
        let stop_times: usize = gtfs.trips.values().map(|t| t.stop_times.len()).sum();
        println!(
            "feed ×{times}: {stop_times} stop times, {} trips; read with gtfs-structures {:.1} ms, index laid out {:.1} ms",
            gtfs.trips.len(),
            us(t_parse) / 1000.0,
            us(t_build) / 1000.0
        );
        let qs = queries(if times == 1 { 2000 } else { 200 });
        let (t_index, n_index) = best_of(3, || {
            qs.iter()
                .map(|(p, now)| index.next_departures(*p, *now, 3, 2).iter().map(|s| s.lines.len()).sum::<usize>())
                .sum::<usize>()
        });
        let (t_scan, n_scan) = best_of(3, || {
            qs.iter()
                .map(|(p, now)| {
                    index
                        .nearest_stops(*p, 3)
                        .into_iter()
                        .map(|(i, _)| departures_by_scan(&gtfs, &index.stops[i].id, *now, 2).len())
                        .sum::<usize>()
                })
                .sum::<usize>()
        });
        assert_eq!(n_index, n_scan, "both find the same lines");
        let (per_index, per_scan) = (us(t_index) / qs.len() as f64, us(t_scan) / qs.len() as f64);
        println!(
            "next departures at 3 nearest stops (feed ×{times}, {} queries): index {per_index:.1} µs, scan {per_scan:.1} µs per query — index {:.0}× faster",
            qs.len(),
            per_scan / per_index
        );
    }
}
