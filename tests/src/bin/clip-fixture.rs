//! Writes a test video clip (MP4, H.264, with a `©xyz` place and maker and
//! model boxes the app must strip) for the journeys that pick a clip: the
//! end-to-end tests and the bindings' checks.
//!
//! `clip-fixture OUT.mp4 [MEDIA_MB] [SECONDS]` (defaults: 6 MB, 12 s; the place is in Đà Nẵng)

use std::process::ExitCode;

use mycity_core::protocol::clip::fixture::{clip, Spec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: clip-fixture OUT.mp4 [MEDIA_MB] [SECONDS]");
        return ExitCode::from(2);
    };
    let number = |i: usize, default: f64| args.get(i).and_then(|a| a.parse::<f64>().ok()).unwrap_or(default);
    let spec = Spec {
        media_bytes: (number(1, 6.0) * 1024.0 * 1024.0) as usize,
        duration_ms: (number(2, 12.0) * 1000.0) as u32,
        chunks: 24,
        ..Spec::default()
    };
    match std::fs::write(out, clip(&spec)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clip-fixture: {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
