//! The app's process killed with SIGKILL at random instants while it opens a
//! fresh store (migrations, bundled packs) and while it imports city packs.
//! After every kill the database passes `PRAGMA integrity_check`, the core
//! opens, and each city's pack is whole: one version, never half of two.
//! (Kills during a flush are in `kill_during_flush.rs`.)
//!
//! `MYCITY_CRASH_KILLS` sets the kills per phase (CI: 10; `--long`: 100).

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use mycity_core::{Config, MyCity};
use mycity_tests::fault_proxy::Rng;

fn kills() -> usize {
    std::env::var("MYCITY_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
}

fn integrity_ok(dir: &Path) {
    let db = dir.join("mycity.sqlite");
    if !db.exists() {
        return;
    }
    assert_eq!(mycity_tests::integrity(dir), "ok");
}

/// (version, English name, wards, places, categories) of a city, straight from the store.
fn city_rows(dir: &Path, slug: &str) -> (i64, String, i64, i64, i64) {
    let c = rusqlite::Connection::open(dir.join("mycity.sqlite")).unwrap();
    let (v, name): (i64, String) = c
        .query_row("SELECT version, name_en FROM cities WHERE slug = ?1", [slug], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let count = |t: &str| -> i64 {
        c.query_row(&format!("SELECT COUNT(*) FROM {t} WHERE city = ?1"), [slug], |r| r.get(0)).unwrap()
    };
    (v, name, count("wards"), count("places"), count("categories"))
}

/// Runs the worker, kills it after a random pause, and waits for it.
fn kill_at_random(mode: &str, dir: &Path, rng: &mut Rng, max_ms: u64) -> bool {
    let worker = env!("CARGO_BIN_EXE_crash-worker");
    let mut child = Command::new(worker).arg(mode).arg(dir).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(10 + rng.below(max_ms)));
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap(); // SIGKILL on Unix
    }
    child.wait().unwrap();
    running
}

#[test]
fn sigkill_during_migration_and_first_import_leaves_a_store_that_opens_whole() {
    let reference = tempfile::tempdir().unwrap();
    drop(MyCity::open(Config { data_dir: reference.path().to_owned(), ..Default::default() }).unwrap());
    let slugs = mycity_core::pack::bundled::slugs().collect::<Vec<_>>();
    let mut rng = Rng::new(11);
    let base = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut landed = 0;
    for i in 0..kills() {
        let dir = base.path().join(format!("run-{i}"));
        landed += usize::from(kill_at_random("open", &dir, &mut rng, 1_500));
        integrity_ok(&dir);
        let core = MyCity::open(Config { data_dir: dir.clone(), ..Default::default() }).unwrap();
        assert_eq!(core.cities().unwrap().len(), slugs.len(), "kill {i}: every bundled city after restart");
        drop(core);
        for slug in &slugs {
            assert_eq!(city_rows(&dir, slug), city_rows(reference.path(), slug), "kill {i}: {slug} is whole");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!("{landed} of {} kills landed mid-open, {:?}", kills(), t.elapsed());
    assert!(landed >= kills() / 2, "only {landed} kills hit a running open");
}

#[test]
fn sigkill_during_pack_import_never_leaves_a_half_imported_pack() {
    let reference = tempfile::tempdir().unwrap();
    drop(MyCity::open(Config { data_dir: reference.path().to_owned(), ..Default::default() }).unwrap());
    let (_, _, wards, places, categories) = city_rows(reference.path(), "da-nang");
    let dir = tempfile::tempdir().unwrap();
    drop(MyCity::open(Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap());
    let mut rng = Rng::new(12);
    let (mut last, mut landed) = (0, 0);
    for i in 0..kills() {
        landed += usize::from(kill_at_random("import", dir.path(), &mut rng, 1_500));
        integrity_ok(dir.path());
        drop(MyCity::open(Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap());
        let (version, name, w, p, c) = city_rows(dir.path(), "da-nang");
        assert!(version >= last, "kill {i}: version went back from {last} to {version}");
        if version > 1 {
            assert_eq!(name, format!("Da Nang v{version}"), "kill {i}: names from one version");
        }
        assert_eq!((w, p, c), (wards, places, categories), "kill {i}: v{version} is whole");
        last = version;
    }
    eprintln!("{landed} of {} kills landed mid-import; Đà Nẵng reached v{last}", kills());
    assert!(landed >= kills() / 2);
}
