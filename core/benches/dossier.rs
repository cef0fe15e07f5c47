//! Dossier benchmarks: the offline procedure catalogue search over 2,000
//! records against a linear scan of pre-folded text (the peer), and the
//! watch list's refresh of 200 unchanged dossiers against the reference
//! server on loopback, conditional (If-None-Match) against unconditional.
//!
//! Also a dossier fee's VietQR: the payload built and drawn as the app shows
//! it (PNG), against the 1 ms.
//!
//! Run with `cargo bench -p mycity-core --bench dossier`.

use std::time::{Duration, Instant};

use mycity_core::{protocol::dossier::Procedure, text, Config, MyCity};

const CATALOGUE: usize = 2_000;
const WATCHED: usize = 200;
const QUERIES: [&str; 16] = [
    "giay phep xay dung",
    "khai sinh",
    "dang ky ket hon",
    "lai xe",
    "cap doi giay phep lai xe",
    "chung thuc",
    "ho kinh doanh",
    "quyen su dung dat",
    "ly lich tu phap",
    "an toan thuc pham",
    "tam tru",
    "huong dan vien",
    "giay phep moi truong",
    "tro cap xa hoi",
    "doanh nghiep",
    "giam ho",
];
const ROUNDS: usize = 40;

fn p(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The 800 seeded records of the five cities, widened to 2,000 with real qualifiers.
async fn catalogue(base: &str) -> Vec<Procedure> {
    let mut all: Vec<Procedure> = vec![];
    for city in mycity_core::pack::CITY_SLUGS {
        let list: Vec<Procedure> = reqwest::get(format!("{base}/api/v1/procedures?city={city}"))
            .await
            .expect("catalogue")
            .json()
            .await
            .expect("json");
        all.extend(list);
    }
    let qualifiers = ["", " trong trường hợp bị mất", " do thay đổi thông tin", " cho người nước ngoài"];
    let seeded = all.len();
    (0..CATALOGUE)
        .map(|i| {
            let mut p = all[i % seeded].clone();
            p.code = format!("{}-{i}", p.code);
            p.name.push_str(qualifiers[(i / seeded) % qualifiers.len()]);
            p
        })
        .collect()
}

fn search_bench(core: &MyCity, list: &[Procedure]) {
    core.import_procedures(list).expect("import");
    // The peer: what one writes without an index, over text folded in advance.
    let folded: Vec<String> =
        list.iter().map(|p| text::fold(&format!("{} {} {}", p.name, p.field, p.agency))).collect();
    let (mut ours, mut peer) = (vec![], vec![]);
    let (mut our_hits, mut peer_hits) = (0usize, 0usize);
    for round in 0..ROUNDS {
        for q in QUERIES {
            let t = Instant::now();
            let hits = core.search_procedures(q, "", 20).expect("search");
            let d = t.elapsed();
            let t = Instant::now();
            let terms: Vec<String> = text::terms(&text::fold(q)).map(str::to_owned).collect();
            let found: Vec<&Procedure> = folded
                .iter()
                .zip(list)
                .filter(|(f, _)| terms.iter().all(|t| f.contains(t.as_str())))
                .map(|(_, p)| p)
                .take(20)
                .collect();
            let pd = t.elapsed();
            if round > 0 {
                ours.push(d);
                peer.push(pd);
            } else {
                our_hits += hits.len();
                peer_hits += found.len();
            }
        }
    }
    assert!(
        core.search_procedures("giay phep xay dung", "", 5).expect("search")[0].name.contains("giấy phép xây dựng"),
        "folded search finds the procedure"
    );
    let (p50, p95) = (p(&mut ours, 0.5), p(&mut ours, 0.95));
    let (q50, q95) = (p(&mut peer, 0.5), p(&mut peer, 0.95));
    println!(
        "catalogue search, {CATALOGUE} procedures, {} queries: FTS5 folded p50 {:.0} µs p95 {:.0} µs (target p95 < 1000 µs); \
         peer linear scan of pre-folded text p50 {:.0} µs p95 {:.0} µs; ratio p95 {:.1}x; hits (first 20 each) ours {our_hits} peer {peer_hits}",
        ours.len(),
        us(p50),
        us(p95),
        us(q50),
        us(q95),
        us(q95) / us(p95),
    );
}

async fn refresh_bench(core: &MyCity, base: &str) {
    let http = reqwest::Client::new();
    let list: Vec<Procedure> =
        http.get(format!("{base}/api/v1/procedures?city=ha-giang")).send().await.unwrap().json().await.unwrap();
    let today = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap());
    let date = format!("{:02}{:02}{:02}", today.year() % 100, u8::from(today.month()), today.day());
    let mut codes = vec![];
    for i in 0..WATCHED {
        let code = format!("000.00.15.H60-{date}-{:04}", 1000 + i);
        let r = http
            .post(format!("{base}/admin/dossiers"))
            .header("X-Admin-Key", "demo-admin")
            .json(&serde_json::json!({
                "city": "ha-giang", "code": code, "secret": "4321",
                "procedure_code": list[i % list.len()].code, "applicant": "Nguyễn Văn An",
            }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "register {code}: {}", r.status());
        core.lookup_dossier(&code, Some("4321")).await.expect("lookup");
        core.watch_dossier(&code, "4321").expect("watch");
        codes.push(code);
    }
    let t = Instant::now();
    let r = core.refresh_watched_dossiers().await.expect("refresh");
    let ours = t.elapsed();
    assert_eq!(r.asked, WATCHED);
    // The peer: the same questions without If-None-Match, every answer a full body.
    let t = Instant::now();
    for code in &codes {
        let resp = http
            .get(format!("{base}/api/v1/dossiers/{code}"))
            .header("X-Dossier-Secret", "4321")
            .header("X-Device-Id", "peer")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let _ = resp.bytes().await.unwrap();
    }
    let peer = t.elapsed();
    println!(
        "watch list refresh, {WATCHED} unchanged dossiers, loopback reference server: {:.0} ms (target < 1000 ms), \
         {} of {} answered 304 ({:.0}%, target >= 90%), {} changes; peer unconditional GETs {:.0} ms; ratio {:.2}x",
        ours.as_secs_f64() * 1e3,
        r.not_modified,
        r.asked,
        100.0 * r.not_modified as f64 / r.asked as f64,
        r.changes.len(),
        peer.as_secs_f64() * 1e3,
        peer.as_secs_f64() / ours.as_secs_f64(),
    );
}

/// Median and p95 of a VietQR fee code built and drawn (PNG, 6 px per module), and of the payload alone.
fn vietqr_bench() {
    use mycity_core::{qr, vietqr};
    let transfer = vietqr::Transfer {
        bin: "970415".into(),
        account: "113366668888".into(),
        amount: Some(150_000),
        info: Some("000.00.00.H17-251103-0042".into()),
        reusable: false,
    };
    let (mut both, mut payload_only) = (Vec::new(), Vec::new());
    for _ in 0..300 {
        let t = Instant::now();
        let p = vietqr::payload(&transfer).expect("payload");
        payload_only.push(t.elapsed());
        let png = qr::png(&p.text, 6).expect("png");
        both.push(t.elapsed());
        assert!(png.len() > 100);
    }
    println!(
        "vietqr: payload + PNG median {:.1} µs, p95 {:.1} µs (target < 1 ms); payload alone median {:.2} µs",
        us(p(&mut both, 0.5)),
        us(p(&mut both, 0.95)),
        us(p(&mut payload_only, 0.5))
    );
}

fn main() {
    vietqr_bench();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let srv = mycity_server::serve(([127, 0, 0, 1], 0).into(), Default::default()).await.expect("server");
        let base = format!("http://{}", srv.addr);
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config { data_dir: dir.path().to_owned(), server_url: Some(base.clone()), ..Default::default() };
        let core = MyCity::open(config).expect("core");
        let list = catalogue(&base).await;
        search_bench(&core, &list);
        refresh_bench(&core, &base).await;
        srv.shutdown().await.expect("shutdown");
    });
}
