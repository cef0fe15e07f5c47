//! Outbox flush benchmark: 500 queued reports, each with one photo of a
//! processed photo's size, sent to the reference server on loopback.
//! Run with `cargo bench -p mycity-core --bench flush`.

use std::{collections::BTreeMap, time::Instant};

use mycity_core::{Answer, Config, Draft, LatLon, MyCity};

const REPORTS: usize = 500;
/// A processed 1600 px photo is typically 150–400 KB; take the middle.
const PHOTO_BYTES: usize = 250_000;

fn photo(i: usize) -> Vec<u8> {
    // JPEG markers around incompressible bytes: the server checks the type by content.
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ i as u64;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    out.extend((0..PHOTO_BYTES).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    out.extend([0xFF, 0xD9]);
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let srv = mycity_server::serve(([127, 0, 0, 1], 0).into(), Default::default()).await.expect("server");
        let dir = tempfile::tempdir().expect("tempdir");
        let config =
            Config { data_dir: dir.path().to_owned(), server_url: Some(format!("http://{}", srv.addr)), ..Default::default() };
        let core = MyCity::open(config).expect("core");
        core.set_city("da-nang").expect("city");
        let mut answers = BTreeMap::new();
        answers.insert("size".to_owned(), Answer::One("small".into()));
        answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
        let t = Instant::now();
        for i in 0..REPORTS {
            let draft = Draft {
                service_code: "pothole".into(),
                description: format!("báo cáo {i}"),
                position: Some(LatLon { lat: 16.0612, lon: 108.2272 }),
                answers: answers.clone(),
                photos: vec![photo(i)],
                ..Draft::default()
            };
            core.submit_report(&draft).expect("submit");
        }
        let queue = t.elapsed();
        let t = Instant::now();
        let mut sent = 0;
        while core.waiting().expect("waiting") > 0 {
            sent += core.flush_outbox().await.expect("flush").sent;
        }
        let flush = t.elapsed();
        let url = format!("http://{}/open311/v2/requests.json?jurisdiction_id=da-nang", srv.addr);
        let on_server: Vec<serde_json::Value> = reqwest::get(url).await.expect("get").json().await.expect("json");
        println!("mycity flush bench: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        println!(
            "queue {REPORTS} reports with a {} KB photo each: {:.0} ms ({:.0} reports/s)",
            PHOTO_BYTES / 1000,
            queue.as_secs_f64() * 1e3,
            REPORTS as f64 / queue.as_secs_f64()
        );
        println!(
            "flush to the reference server on loopback: {:.0} ms = {:.0} reports/s  [target ≥ 150/s]; sent {sent}, on server {} (exactly once: {})",
            flush.as_secs_f64() * 1e3,
            REPORTS as f64 / flush.as_secs_f64(),
            on_server.len(),
            sent == REPORTS && on_server.len() == REPORTS
        );
        srv.shutdown().await.expect("shutdown");
    });
}
