//! Outbox flush benchmark: 500 reports, each with a real processed photo,
//! queued on the phone and delivered by the sync engine to the reference
//! server on loopback. "Exactly once" is read from the server's records.
//!
//! Run with `cargo bench -p mycity-core --bench flush`.

use std::{
    collections::{BTreeMap, HashMap},
    time::{Duration, Instant},
};

use mozjpeg::{ColorSpace, Compress};
use mycity_core::{
    photos,
    reports::{PlaceSource, Placed},
    Answer, Config, Draft, LatLon, MyCity, SyncEvent,
};

const REPORTS: usize = 500;

/// A 4000×3000 camera-like JPEG (texture and sensor noise, quality 92),
/// turned into what the app sends: `photos::process`'s 1600 px JPEG.
fn processed_photo() -> photos::Processed {
    let (w, h) = (4000usize, 3000usize);
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut rgb = Vec::with_capacity(w * h * 3);
    for py in 0..h {
        for px in 0..w {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let grain = (x % 24) as f32;
            let base = 90.0 + 60.0 * ((px as f32 / 97.0).sin() * (py as f32 / 61.0).cos());
            rgb.extend([base + grain, base * 0.97 + grain, base * 0.92 + grain].map(|v| v.clamp(0.0, 255.0) as u8));
        }
    }
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    c.set_fastest_defaults();
    c.set_size(w, h);
    c.set_quality(92.0);
    let mut c = c.start_compress(Vec::new()).expect("start the test JPEG");
    c.write_scanlines(&rgb).expect("write the test JPEG");
    let camera = c.finish().expect("finish the test JPEG");
    photos::process(&camera).expect("process the test photo")
}

fn main() {
    let photo = processed_photo();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        // Unlimited: the bench sends all its reports from one device on purpose.
        let cfg = mycity_server::Config { limits: mycity_server::Limits::unlimited(), ..Default::default() };
        let srv = mycity_server::serve(([127, 0, 0, 1], 0).into(), cfg).await.expect("server");
        let base = format!("http://{}", srv.addr);
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config { data_dir: dir.path().to_owned(), server_url: Some(base.clone()), ..Default::default() };
        let core = MyCity::open(config).expect("core");
        core.set_city("da-nang").expect("city");
        let mut answers = BTreeMap::new();
        answers.insert("size".to_owned(), Answer::One("small".into()));
        answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));

        let t = Instant::now();
        for i in 0..REPORTS {
            let draft = Draft {
                service_code: "pothole".into(),
                description: format!("báo cáo {i:03}"),
                place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
                answers: answers.clone(),
                photos: vec![photo.clone()],
                ..Draft::default()
            };
            core.submit_report(&draft).expect("submit");
        }
        let queue = t.elapsed();

        // The engine delivers: one flush round sends everything due, and the
        // bench waits on its events, never polling the outbox in a loop.
        let mut events = core.subscribe();
        let t = Instant::now();
        core.start_sync().expect("engine");
        let mut sent = 0;
        let delivered = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(e) = events.next().await {
                if let SyncEvent::OutboxChanged { sent: s, waiting, .. } = e {
                    sent += s;
                    if waiting == 0 && sent > 0 {
                        break;
                    }
                }
            }
        })
        .await;
        let flush = t.elapsed();
        assert!(delivered.is_ok(), "the engine did not deliver within 2 minutes");

        let url = format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang");
        let on_server: Vec<serde_json::Value> = reqwest::get(url).await.expect("get").json().await.expect("json");
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &on_server {
            assert!(r["media_url"].as_str().is_some(), "a report arrived without its photo");
            *seen.entry(r["description"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
        let exactly_once = seen.len() == REPORTS && seen.values().all(|n| *n == 1);
        println!("mycity flush bench: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        println!(
            "photo: a 4000×3000 camera JPEG processed to {}×{}, {} KB",
            photo.width,
            photo.height,
            photo.jpeg.len() / 1024
        );
        println!(
            "queue {REPORTS} reports with that photo: {:.0} ms ({:.0} reports/s)",
            queue.as_secs_f64() * 1e3,
            REPORTS as f64 / queue.as_secs_f64()
        );
        println!(
            "deliver to the reference server on loopback (sync engine, multipart POST with Idempotency-Key): \
             {:.0} ms = {:.0} reports/s [target ≥ 150/s] {}",
            flush.as_secs_f64() * 1e3,
            REPORTS as f64 / flush.as_secs_f64(),
            if REPORTS as f64 / flush.as_secs_f64() >= 150.0 { "ok" } else { "MISSED" }
        );
        println!(
            "server records: {} requests, {} distinct reports, each once: {}",
            on_server.len(),
            seen.len(),
            if exactly_once { "yes" } else { "NO" }
        );
        assert!(exactly_once, "not exactly once");
        drop(core);
        srv.shutdown().await.expect("shutdown");
    });
}
