//! The fault lab: the core sends reports to the reference server through a
//! proxy that drops, delays, resets, truncates, duplicates and fails requests
//! on a seeded random schedule. However the network misbehaves, the server
//! ends with every report exactly once and the core knows each one as sent.
//!
//! CI runs a smoke size; `MYCITY_FAULT_REPORTS=1000` (what `./mycity test
//! --long` sets) runs the full lab, `MYCITY_FAULT_SEED` replays a schedule.
//! A new kind of send (ratings, consultation answers) joins by queueing its
//! items next to the reports below and counting them on the server at the end.

use std::{collections::BTreeMap, time::Duration};

use mycity_core::{
    reports::{PlaceSource, Placed, SendState},
    Answer, Config, Draft, LatLon, MyCity,
};
use mycity_server::Limits;
use mycity_tests::{
    fault_proxy::{FaultProxy, Plan},
    server_with, ServerConfig,
};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn draft(i: usize) -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("small".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    Draft {
        service_code: "pothole".into(),
        description: format!("fault-lab {i:05}"),
        place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
        answers,
        // Every fifth report carries a photo, so resets and truncations hit uploads too.
        photos: if i.is_multiple_of(5) { vec![mycity_tests::photo(&vec![i as u8; 20_000])] } else { vec![] },
        ..Draft::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_report_arrives_exactly_once_through_a_hostile_network() {
    let reports = env_or("MYCITY_FAULT_REPORTS", 100) as usize;
    let seed = env_or("MYCITY_FAULT_SEED", 20_261_129);
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("server.sqlite").to_string_lossy().into_owned();
    // The proxy brings its own 429s; the server's limits would only slow the lab.
    let srv =
        server_with(ServerConfig { db: server_db.clone(), limits: Limits::unlimited(), ..Default::default() }).await;
    let proxy = FaultProxy::start(srv.addr, seed, Plan::hostile(1_300)).await.unwrap();

    let app_dir = dir.path().join("app");
    let core = MyCity::open(Config {
        data_dir: app_dir.clone(),
        server_url: Some(proxy.url()),
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    })
    .unwrap();
    core.set_city("da-nang").unwrap();
    for i in 0..reports {
        core.submit_report(&draft(i)).unwrap();
    }

    let app_db = rusqlite::Connection::open(app_dir.join("mycity.sqlite")).unwrap();
    let (mut rounds, mut rejected) = (0, 0);
    loop {
        rounds += 1;
        assert!(rounds < reports * 20 + 100, "the outbox never emptied (seed {seed})");
        let flush = match core.flush_outbox().await {
            Ok(f) => f,
            Err(e) => panic!("a flush failed outright (seed {seed}): {e}"),
        };
        rejected += flush.rejected;
        if flush.waiting == 0 {
            break;
        }
        // Time passes: what waits for its backoff is due now (the lab tests
        // outcomes, not the backoff's length, which has its own unit tests).
        app_db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'", []).unwrap();
    }
    assert_eq!(rejected, 0, "no fault is a refusal (seed {seed})");

    // The server: each report exactly once.
    let server = rusqlite::Connection::open(&server_db).unwrap();
    let mut stmt = server
        .prepare("SELECT description, COUNT(*) FROM requests WHERE description LIKE 'fault-lab %' GROUP BY description")
        .unwrap();
    let stored: BTreeMap<String, i64> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let dupes: Vec<_> = stored.iter().filter(|(_, n)| **n != 1).collect();
    assert!(dupes.is_empty(), "duplicated on the server (seed {seed}): {dupes:?}");
    assert_eq!(stored.len(), reports, "lost on the way (seed {seed})");
    let photos: i64 = server.query_row("SELECT COUNT(*) FROM media", [], |r| r.get(0)).unwrap();
    assert_eq!(photos as usize, reports.div_ceil(5), "each photo once (seed {seed})");

    // The core: every report sent, each with its own server id.
    let mine = core.my_reports().unwrap();
    assert_eq!(mine.len(), reports);
    assert!(mine.iter().all(|r| r.send == SendState::Sent && r.server_id.is_some()));
    let ids: std::collections::BTreeSet<_> = mine.iter().filter_map(|r| r.server_id.clone()).collect();
    assert_eq!(ids.len(), reports);
    let seen = proxy.seen();
    eprintln!("fault lab: {reports} reports, seed {seed}, {rounds} flushes, faults {seen:?}");
    assert!(seen.len() >= 8, "the schedule exercised most faults: {seen:?}");
    srv.shutdown().await.unwrap();
}
