//! Clip stripping benchmark (issue 14): removing the identifying boxes of a
//! 50 MB clip, against its peers in the same run: a plain copy of the bytes
//! (the least any rewrite that returns a new buffer costs) and reading the
//! file from disk (what the phone does before it can strip at all).
//!
//! `cargo bench -p mycity-core --bench clips` generates the clip
//! (`mycity_protocol::clip::fixture`: `moov` first with `©xyz`, maker, model,
//! Apple location and a track `udta`, 50 MB of media split into 1,500 chunks),
//! runs each step 9 times after a warm-up and prints the median beside the
//! target (< 200 ms) with "ok" or "MISSED".

use std::time::{Duration, Instant};

use mycity_protocol::clip::fixture::{clip, Spec};

const RUNS: usize = 9;
const TARGET: Duration = Duration::from_millis(200);

fn median(mut f: impl FnMut() -> usize) -> Duration {
    let _ = f();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let bytes = clip(&Spec {
        media_bytes: 50 * 1024 * 1024,
        chunks: 1500,
        duration_ms: 28_000,
        apple_location: Some("+16.0612+108.2272+010.000/".into()),
        ..Spec::default()
    });
    let dir = std::env::temp_dir().join(format!("mycity-clip-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("clip.mp4");
    std::fs::write(&path, &bytes).expect("write clip");
    let mb = bytes.len() as f64 / (1024.0 * 1024.0);

    let strip = median(|| mycity_core::clips::prepare(&bytes).expect("strip").bytes.len());
    let copy = median(|| std::hint::black_box(bytes.to_vec()).len());
    let read = median(|| std::fs::read(&path).expect("read").len());
    let _ = std::fs::remove_dir_all(&dir);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let verdict = if strip < TARGET { "ok" } else { "MISSED" };
    println!("clip: {mb:.1} MB, moov first, {RUNS} runs, median");
    println!("strip (check + rewrite, mycity_core::clips::prepare): {:7.1} ms  target < 200 ms: {verdict}", ms(strip));
    println!("peer: copy of the bytes (Vec clone):                 {:7.1} ms", ms(copy));
    println!("peer: read the file (std::fs::read, page cache):     {:7.1} ms", ms(read));
    println!(
        "ratio strip/copy: {:.2}×, strip/read: {:.2}×",
        ms(strip) / ms(copy).max(1e-6),
        ms(strip) / ms(read).max(1e-6)
    );
}
