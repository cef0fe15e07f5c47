//! Scorecard benchmark (issue 16): 100,000 reports over 6 months in one city
//! (with their staff updates, reopens and ratings, as the demo seeds them).
//!
//! - computed: the reference server's indexed pass + Rust aggregation, in
//!   process and over HTTP on loopback (a period not asked before);
//! - from cache: the same GET again, and the conditional GET (304);
//! - peer: the same overall figures computed the naive way, one query per
//!   report for its updates and one for its ratings, dates parsed in Rust.
//!
//! Run with `cargo bench -p mycity-server --bench scorecard`.

use std::time::{Duration, Instant};

use mycity_server::{scorecard, Config};
use rusqlite::{params, Connection};

const REPORTS: usize = 100_000;
const DAYS: i64 = 182;
const CITY: &str = "ha-giang";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The naive computation of the overall figures: one query per report.
fn naive(conn: &Connection, from: &str, to: &str, now: i64) -> (u32, f64, f64) {
    let unix = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_or(0, |t| t.unix_timestamp())
    };
    let mut reqs = conn
        .prepare(
            "SELECT r.id, r.requested_at, COALESCE(t.target_days, 7) FROM requests r
             LEFT JOIN service_targets t ON t.jurisdiction = r.jurisdiction AND t.code = r.service_code
             WHERE r.jurisdiction = ?1",
        )
        .unwrap();
    let mut ups =
        conn.prepare("SELECT status, author, updated_at FROM updates WHERE request_id = ?1 ORDER BY id").unwrap();
    let mut fbs = conn.prepare("SELECT rating FROM request_feedback WHERE request_id = ?1").unwrap();
    let rows: Vec<(i64, String, i64)> =
        reqs.query_map([CITY], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    let (lo, hi) = (unix(from), unix(to));
    let (mut received, mut judged, mut within) = (0u32, 0u32, 0u32);
    let mut first = Vec::new();
    let (mut ratings, mut sum) = (0u32, 0i64);
    for (id, requested, target) in rows {
        let t = unix(&requested);
        if t < lo || t >= hi {
            continue;
        }
        received += 1;
        let updates: Vec<(String, String, String)> =
            ups.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
        match updates.iter().find(|u| u.1 == "staff").map(|u| unix(&u.2)) {
            Some(a) => {
                judged += 1;
                within += u32::from(a - t <= target * 86_400);
                first.push((a - t) as f64 / 86_400.0);
            }
            None if now - t > target * 86_400 => judged += 1,
            None => {}
        }
        for r in fbs.query_map(params![id], |r| r.get::<_, i64>(0)).unwrap() {
            ratings += 1;
            sum += r.unwrap();
        }
    }
    first.sort_by(f64::total_cmp);
    let med = first.get(first.len().div_ceil(2).saturating_sub(1)).copied().unwrap_or(0.0);
    let _ = sum / i64::from(ratings.max(1));
    (received, f64::from(within) / f64::from(judged.max(1)), med)
}

fn main() {
    let path = std::env::temp_dir().join(format!("mycity-scorecard-bench-{}.sqlite", std::process::id()));
    let db_path = path.to_string_lossy().into_owned();
    let now_t = time::OffsetDateTime::now_utc();
    let now = now_t.unix_timestamp();
    let cfg = Config { db: db_path.clone(), seed: true, history: false, ..Default::default() };
    let db = mycity_server::open_db(&cfg).expect("open");
    let started = Instant::now();
    mycity_server::seed_history(&db, CITY, REPORTS, DAYS, now, 7).expect("seed");
    println!("seeded {REPORTS} reports over {DAYS} days in {}", ms(started.elapsed()));

    let today = now_t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap()).date();
    let (from, to) = scorecard::period(None, today).expect("period");
    let mut computed = Vec::new();
    let mut card = None;
    for _ in 0..7 {
        let t = Instant::now();
        card = Some(scorecard::compute_in(&db, CITY, from, to, now).expect("compute"));
        computed.push(t.elapsed());
    }
    let card = card.expect("card");
    let o = &card.overall;
    println!(
        "figures: {} received, {:.1}% within target, first answer median {:?} d / p90 {:?} d, fixed median {:?} d, \
         reopened {:.1}%, {} ratings, {:.1}% satisfied",
        o.received,
        o.within_target.unwrap_or(0.0) * 100.0,
        o.first_answer_median_days,
        o.first_answer_p90_days,
        o.fixed_median_days,
        o.reopened.unwrap_or(0.0) * 100.0,
        o.ratings,
        o.satisfied.unwrap_or(0.0) * 100.0
    );
    drop(db);

    let conn = Connection::open(&path).expect("peer connection");
    let (f, t) = (format!("{from}T00:00:00+07:00"), format!("{to}T00:00:00+07:00"));
    let mut peer = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        let (n, share, med) = naive(&conn, &f, &t, now);
        peer.push(t0.elapsed());
        assert_eq!(n, o.received, "the peer counts the same reports");
        assert!((share - o.within_target.unwrap_or(0.0)).abs() < 1e-3, "{share}");
        assert_eq!(Some((med * 10.0).round() / 10.0), o.first_answer_median_days, "{med}");
    }
    drop(conn);

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (http_computed, http_cached, http_304) = rt.block_on(async {
        let cfg = Config { db: db_path.clone(), seed: false, ..Default::default() };
        let srv = mycity_server::serve(([127, 0, 0, 1], 0).into(), cfg).await.expect("serve");
        let base = format!("http://{}/api/v1/cities/{CITY}/scorecard", srv.addr);
        let http = reqwest::Client::new();
        let get = |url: String, tag: Option<String>| {
            let http = http.clone();
            async move {
                let mut req = http.get(url);
                if let Some(tag) = tag {
                    req = req.header("if-none-match", tag);
                }
                let t = Instant::now();
                let resp = req.send().await.expect("get");
                let status = resp.status().as_u16();
                let tag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let _ = resp.bytes().await.expect("body");
                (t.elapsed(), status, tag)
            }
        };
        let mut computed = Vec::new();
        for k in 0..5 {
            // A period not asked before: the server computes it.
            let end = to.previous_day().and_then(|d| d.checked_sub(time::Duration::days(k))).unwrap_or(to);
            let (d, status, _) = get(format!("{base}?from={from}&to={end}"), None).await;
            assert_eq!(status, 200);
            computed.push(d);
        }
        let (_, _, tag) = get(base.clone(), None).await;
        let mut cached = Vec::new();
        let mut not_modified = Vec::new();
        for _ in 0..200 {
            let (d, status, _) = get(base.clone(), None).await;
            assert_eq!(status, 200);
            cached.push(d);
            let (d, status, _) = get(base.clone(), tag.clone()).await;
            assert_eq!(status, 304);
            not_modified.push(d);
        }
        srv.shutdown().await.expect("shutdown");
        (median(computed), median(cached), median(not_modified))
    });
    let _ = std::fs::remove_file(&path);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db_path}{suffix}"));
    }

    let (c, p) = (median(computed), median(peer));
    println!("scorecard over {} reports, 6 months (target: computed < 100 ms, from cache < 2 ms)", o.received);
    println!("  computed in process          {:>10}   (median of 7)", ms(c));
    println!(
        "  naive per-report queries     {:>10}   (median of 3)  {:.0}x slower than ours",
        ms(p),
        p.as_secs_f64() / c.as_secs_f64()
    );
    println!("  GET, computed (new period)   {:>10}   (median of 5, loopback HTTP)", ms(http_computed));
    println!(
        "  GET, from cache              {:>10}   (median of 200)  {:.0}x faster than computing",
        ms(http_cached),
        http_computed.as_secs_f64() / http_cached.as_secs_f64()
    );
    println!("  GET If-None-Match -> 304     {:>10}   (median of 200)", ms(http_304));
}
