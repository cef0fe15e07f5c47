//! The fault lab: the core sends reports to the reference server through a
//! proxy that drops, delays, resets, truncates, duplicates and fails requests
//! on a seeded random schedule. However the network misbehaves, the server
//! ends with every report exactly once and the core knows each one as sent.
//!
//! Tourists' ratings (outbox `Kind::Rating`) and consultation answers
//! (`Kind::Answer`) go through the same proxy at the same time, from two
//! devices (a device rates a place once and answers a survey once).
//!
//! CI runs a smoke size; `MYCITY_FAULT_REPORTS=1000 MYCITY_FAULT_RATINGS=200
//! MYCITY_FAULT_ANSWERS=200` (what `./mycity test --long` sets) runs the full
//! lab, `MYCITY_FAULT_SEED` replays a schedule. A new kind of send joins by
//! queueing its items next to the others below and counting them on the
//! server at the end.

use std::{collections::BTreeMap, path::Path, time::Duration};

use mycity_core::{
    protocol::consult::{Answer as SurveyAnswer, Given},
    reports::SendState,
    Config, Draft, MyCity,
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
    // Every fifth report carries a photo, so resets and truncations hit uploads too.
    mycity_tests::pothole(format!("fault-lab {i:05}"), i.is_multiple_of(5).then_some(20_000), i as u8)
}

/// Cities whose places are rated, in order (enough places for 100 a device).
const RATED_CITIES: [&str; 4] = ["da-nang", "ha-giang", "vinh", "dong-ha"];

/// The lab's surveys: copies of the seeded one, `n` of them.
fn lab_surveys(server_db: &str, n: usize) -> Vec<String> {
    let server = rusqlite::Connection::open(server_db).unwrap();
    (0..n)
        .map(|i| {
            let id = format!("da-nang-lab-{i:03}");
            server
                .execute(
                    "INSERT INTO surveys (id, city, body, deadline)
                     SELECT ?1, city, json_set(body, '$.id', ?1), deadline FROM surveys WHERE id = 'da-nang-cho-dem'",
                    [&id],
                )
                .unwrap();
            id
        })
        .collect()
}

fn open_core(dir: &Path, url: String) -> MyCity {
    let core = MyCity::open(Config {
        data_dir: dir.to_owned(),
        server_url: Some(url),
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    })
    .unwrap();
    core.set_city("da-nang").unwrap();
    core
}

/// Queues this device's share of the ratings: device `d` of 2 rates every
/// other place of [`RATED_CITIES`], with a comment naming the rating.
fn queue_ratings(core: &MyCity, d: usize, ratings: usize) -> usize {
    let places: Vec<(&str, String)> = RATED_CITIES
        .iter()
        .flat_map(|city| {
            let pack = mycity_tests::bundled_pack(city);
            let ids: Vec<String> =
                pack["places"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
            ids.into_iter().map(move |id| (*city, id))
        })
        .collect();
    let mine: Vec<usize> = (0..ratings).filter(|i| i % 2 == d).collect();
    assert!(mine.len() <= places.len(), "not enough places for {ratings} ratings");
    for (n, i) in mine.iter().enumerate() {
        let (city, place) = &places[n];
        core.set_city(city).unwrap();
        core.rate_place(place, (i % 5 + 1) as u8, &format!("fault-lab rating {i:04}")).unwrap();
    }
    core.set_city("da-nang").unwrap();
    mine.len()
}

/// Fetches the surveys (through the proxy, so again until it works) and
/// answers this device's share.
async fn queue_answers(core: &MyCity, d: usize, surveys: &[String], seed: u64) -> usize {
    if surveys.is_empty() {
        return 0;
    }
    for attempt in 0.. {
        assert!(attempt < 200, "the surveys never came through (seed {seed})");
        if core.refresh_consultations().await.is_ok() && core.surveys().unwrap().len() > surveys.len() {
            break;
        }
    }
    for (i, id) in surveys.iter().enumerate() {
        let answers = vec![
            SurveyAnswer { question: "gio".into(), given: Given::Choice(i % 3) },
            SurveyAnswer { question: "ung-ho".into(), given: Given::Scale((i % 5 + 1) as i64) },
            SurveyAnswer { question: "gop-y".into(), given: Given::Text(format!("fault-lab answer {d} {i:03}")) },
        ];
        core.answer_survey(id, answers).unwrap();
    }
    surveys.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_report_arrives_exactly_once_through_a_hostile_network() {
    let reports = env_or("MYCITY_FAULT_REPORTS", 100) as usize;
    let ratings = env_or("MYCITY_FAULT_RATINGS", 20) as usize;
    let answers = env_or("MYCITY_FAULT_ANSWERS", 20) as usize;
    let seed = env_or("MYCITY_FAULT_SEED", 20_261_129);
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("server.sqlite").to_string_lossy().into_owned();
    // The proxy brings its own 429s; the server's limits would only slow the lab.
    let srv =
        server_with(ServerConfig { db: server_db.clone(), limits: Limits::unlimited(), ..Default::default() }).await;
    let surveys = lab_surveys(&server_db, answers.div_ceil(2));
    let proxy = FaultProxy::start(srv.addr, seed, Plan::hostile(1_300)).await.unwrap();

    // Two devices: the first sends the reports; ratings and answers are shared.
    let app_dirs = [dir.path().join("app"), dir.path().join("app-b")];
    let cores = [open_core(&app_dirs[0], proxy.url()), open_core(&app_dirs[1], proxy.url())];
    let core = &cores[0];
    for i in 0..reports {
        core.submit_report(&draft(i)).unwrap();
    }
    let queued_ratings = queue_ratings(&cores[0], 0, ratings) + queue_ratings(&cores[1], 1, ratings);
    assert_eq!(queued_ratings, ratings);
    let mut queued_answers = 0;
    for (d, c) in cores.iter().enumerate() {
        // An odd count: the second device answers one survey fewer.
        let share = if d == 1 && answers % 2 == 1 { &surveys[..surveys.len() - 1] } else { &surveys[..] };
        queued_answers += queue_answers(c, d, share, seed).await;
    }
    assert_eq!(queued_answers, answers);

    let app_dbs = app_dirs.map(|d| rusqlite::Connection::open(d.join("mycity.sqlite")).unwrap());
    let (mut rounds, mut rejected) = (0, 0);
    let items = reports + ratings + answers;
    loop {
        rounds += 1;
        assert!(rounds < items * 20 + 100, "the outbox never emptied (seed {seed})");
        let mut waiting = 0;
        for c in &cores {
            let flush = match c.flush_outbox().await {
                Ok(f) => f,
                Err(e) => panic!("a flush failed outright (seed {seed}): {e}"),
            };
            rejected += flush.rejected;
            waiting += flush.waiting;
        }
        if waiting == 0 {
            break;
        }
        // Time passes: what waits for its backoff is due now (the lab tests
        // outcomes, not the backoff's length, which has its own unit tests).
        for db in &app_dbs {
            db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'", []).unwrap();
        }
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

    // Each rating once: a repeat would replace the row under a new id, so
    // ids without a gap mean no rating was stored twice.
    let (n, distinct, span): (i64, i64, i64) = server
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT comment), COALESCE(MAX(id) - MIN(id) + 1, 0)
             FROM place_ratings WHERE comment LIKE 'fault-lab rating %'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((n as usize, distinct as usize), (ratings, ratings), "each rating arrived (seed {seed})");
    assert_eq!(span, n, "no rating stored twice (seed {seed})");
    // Each answer once (one per device and survey, the key the first send's).
    let (n, distinct): (i64, i64) = server
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT json_extract(answers, '$[2].text'))
             FROM survey_responses WHERE survey_id LIKE 'da-nang-lab-%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n as usize, distinct as usize), (answers, answers), "each answer arrived once (seed {seed})");

    // The core: every report sent, each with its own server id; every rating
    // and answer settled as sent.
    let mine = core.my_reports().unwrap();
    assert_eq!(mine.len(), reports);
    assert!(mine.iter().all(|r| r.send == SendState::Sent && r.server_id.is_some()));
    let ids: std::collections::BTreeSet<_> = mine.iter().filter_map(|r| r.server_id.clone()).collect();
    assert_eq!(ids.len(), reports);
    let count = |sql: &str| -> usize {
        app_dbs.iter().map(|db| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize).sum()
    };
    assert_eq!(count("SELECT COUNT(*) FROM place_ratings_mine WHERE sent_at IS NOT NULL"), ratings);
    assert_eq!(count("SELECT COUNT(*) FROM survey_answers WHERE state = 'sent'"), answers);
    let seen = proxy.seen();
    eprintln!(
        "fault lab: {reports} reports, {ratings} ratings, {answers} answers, seed {seed}, {rounds} flushes, faults {seen:?}"
    );
    assert!(seen.len() >= 8, "the schedule exercised most faults: {seen:?}");
    srv.shutdown().await.unwrap();
}
