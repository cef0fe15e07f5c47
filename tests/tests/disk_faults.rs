//! A full disk and a data directory gone read-only: the core says so with a
//! clear error, keeps what it had, and the store stays consistent. Needs a
//! real small filesystem (tmpfs, mounted as root); elsewhere the test says it
//! was skipped.

use std::{path::Path, process::Command};

use mycity_core::{Config, Draft, Error, MyCity};
use mycity_tests::{integrity, open_store, pothole};

fn draft(i: usize) -> Draft {
    pothole(format!("disk {i}"), Some(300_000), i as u8)
}

fn mount(args: &[&str]) -> bool {
    Command::new("mount").args(args).status().is_ok_and(|s| s.success())
}

/// Unmounts when dropped, so a failing assertion leaves no mount behind.
struct Mounted<'a>(&'a Path);

impl Drop for Mounted<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}

#[test]
fn a_full_or_read_only_disk_is_a_clear_error_and_corrupts_nothing() {
    let base = tempfile::tempdir().unwrap();
    let mp = base.path().join("small");
    std::fs::create_dir(&mp).unwrap();
    let mp_s = mp.to_str().unwrap();
    if !mount(&["-t", "tmpfs", "-o", "size=24m", "tmpfs", mp_s]) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _guard = Mounted(&mp);
    let data = mp.join("data");
    let core = open_store(&data, None);

    // Fill the disk with reports until it refuses one.
    let mut stored = 0;
    let full = loop {
        match core.submit_report(&draft(stored)) {
            Ok(_) => stored += 1,
            Err(e) => break e,
        }
        assert!(stored < 500, "a 24 MB disk took 500 photo reports");
    };
    let msg = full.to_string().to_lowercase();
    assert!(matches!(full, Error::Storage(_) | Error::Io(_)), "{full:?}");
    assert!(msg.contains("full"), "the error says the disk is full: {msg}");
    // What was stored before is all there, readable, and the store is whole.
    assert_eq!(core.my_reports().unwrap().len(), stored);
    assert_eq!(core.waiting().unwrap(), stored);
    drop(core);
    assert_eq!(integrity(&data), "ok");

    // Read-only: writes are refused clearly, nothing is lost.
    assert!(mount(&["-o", "remount,ro", mp_s]));
    let opened = MyCity::open(Config { data_dir: data.clone(), ..Default::default() });
    match opened {
        Ok(core) => {
            let e = core.submit_report(&draft(9_999)).unwrap_err();
            let m = e.to_string().to_lowercase();
            assert!(m.contains("read") && m.contains("only"), "{m}");
        }
        Err(e) => {
            let m = e.to_string().to_lowercase();
            assert!(m.contains("read-only") || m.contains("readonly") || m.contains("read only"), "{m}");
        }
    }
    assert!(mount(&["-o", "remount,rw", mp_s]));
    assert_eq!(integrity(&data), "ok");
    let core = MyCity::open(Config { data_dir: data.clone(), ..Default::default() }).unwrap();
    assert_eq!(core.my_reports().unwrap().len(), stored);
    eprintln!("disk full after {stored} photo reports: {msg}");
}
