//! A separate app process for the crash tests of the store, killed with
//! SIGKILL at random instants by `tests/crash_safety.rs`.
//!
//! `crash-worker open DATA_DIR`    opens the core on a fresh directory (migrations, bundled packs), repeatedly
//! `crash-worker import DATA_DIR`  imports ever newer versions of Đà Nẵng's pack, forever

use std::process::ExitCode;

use mycity_core::{city::PackSource, Config, MyCity};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: crash-worker open|import DATA_DIR");
        return ExitCode::from(2);
    };
    let open = || MyCity::open(Config { data_dir: dir.clone().into(), ..Default::default() });
    match mode.as_str() {
        "open" => loop {
            // Each open on a fresh directory runs every migration and imports every bundled pack.
            let _ = std::fs::remove_dir_all(&dir);
            if let Err(e) = open() {
                eprintln!("crash-worker: {e}");
                return ExitCode::FAILURE;
            }
        },
        "import" => {
            let core = match open() {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("crash-worker: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let wire = mycity_core::pack::bundled::wire("da-nang").and_then(Result::ok).unwrap_or_default();
            let Ok(mut pack) = serde_json::from_str::<serde_json::Value>(&wire) else {
                return ExitCode::FAILURE;
            };
            loop {
                let version = core.cities().ok().and_then(|_| core.set_city("da-nang").ok()).map_or(1, |c| c.version);
                let next = version + 1;
                // The English name carries the version, so a mix of two versions shows.
                pack["version"] = next.into();
                pack["name"]["en"] = format!("Da Nang v{next}").into();
                if let Err(e) = core.import_pack(&pack.to_string(), PackSource::File) {
                    eprintln!("crash-worker: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => ExitCode::from(2),
    }
}
