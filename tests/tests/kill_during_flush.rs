//! The app process killed with SIGKILL at random moments while it sends:
//! afterwards every report is on the server exactly once.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use mycity_core::{reports::SendState, Config, Draft, MyCity};
use mycity_tests::{open_store, pothole};
use serde_json::Value;

const REPORTS: usize = 300;
/// SIGKILLs (`MYCITY_CRASH_KILLS` raises it: `./mycity test --long` sets 100).
fn kills() -> usize {
    std::env::var("MYCITY_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

fn draft(i: usize) -> Draft {
    pothole(format!("report {i:03}"), Some(100_000), i as u8)
}

/// Milliseconds in 1..=`max`, from the clock's low bits (no RNG crate needed for a test).
fn random_ms(max: u64) -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(7);
    1 + (nanos as u64 * 2_654_435_761) % max
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_flush_loses_and_duplicates_nothing() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    {
        let core = open_store(dir.path(), Some(base.clone()));
        for i in 0..REPORTS {
            core.submit_report(&draft(i)).unwrap();
        }
    }

    let worker = env!("CARGO_BIN_EXE_flush-worker");
    let mut killed_mid_flush = 0;
    for _ in 0..kills() {
        let mut child = Command::new(worker).arg(dir.path()).arg(&base).spawn().unwrap();
        let started = Instant::now();
        std::thread::sleep(Duration::from_millis(20 + random_ms(80)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_mid_flush += 1;
        }
        child.wait().unwrap();
        assert!(started.elapsed() < Duration::from_secs(30));
    }
    let url = format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang");
    let before: Vec<Value> = reqwest::get(&url).await.unwrap().json().await.unwrap();
    println!(
        "{killed_mid_flush} of {} kills landed while the worker ran; {} of {REPORTS} reports had arrived",
        kills(),
        before.len()
    );
    // Finally let one run to the end.
    let status = Command::new(worker).arg(dir.path()).arg(&base).status().unwrap();
    assert!(status.success());

    let on_server: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    let mut texts: Vec<&str> = on_server.iter().map(|r| r["description"].as_str().unwrap()).collect();
    texts.sort();
    let want: Vec<String> = (0..REPORTS).map(|i| format!("report {i:03}")).collect();
    assert_eq!(texts, want, "every report exactly once ({killed_mid_flush} kills landed mid-run)");

    let core =
        MyCity::open(Config { data_dir: dir.path().to_owned(), server_url: Some(base), ..Default::default() }).unwrap();
    assert_eq!(core.waiting().unwrap(), 0);
    let mine = core.my_reports().unwrap();
    assert_eq!(mine.len(), REPORTS);
    assert!(mine.iter().all(|r| r.server_id.is_some() && r.send == SendState::Sent));
    assert!(killed_mid_flush >= kills() / 2, "only {killed_mid_flush} of {} kills hit a running flush", kills());
    srv.shutdown().await.unwrap();
}
