//! Report clips (issue 14) over real HTTP: a 50 MB clip goes to the reference
//! server with tus through a proxy that cuts the connection three times in
//! the middle of a `PATCH` (at 30 %, 60 % and 90 % of the clip). The upload
//! resumes where the server stands each time, the server ends with exactly
//! the bytes sent (SHA-256), the report carries the clip as its media, served
//! with range requests, and the bytes sent twice stay under 10 % (counted at
//! the proxy, headers included). The figure is printed for docs/BENCHMARKS.md.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use mycity_core::{
    api::{tus, Api},
    clips,
    protocol::clip::fixture::{clip, Spec},
    store::Store,
};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// What the proxy counted: bytes from the client to the server, the cuts
/// still to make (absolute byte counts), and the `Upload-Offset`s of PATCHes seen.
#[derive(Default)]
struct Counts {
    sent: u64,
    cuts: VecDeque<u64>,
    cut_at: Vec<u64>,
    patch_offsets: Vec<u64>,
}

/// A TCP relay that forwards faithfully but closes the connection (both
/// ways) once the client has sent the next cut's number of bytes in total.
struct CutProxy {
    addr: SocketAddr,
    counts: Arc<Mutex<Counts>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CutProxy {
    async fn start(upstream: SocketAddr, cuts: Vec<u64>) -> CutProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let counts = Arc::new(Mutex::new(Counts { cuts: cuts.into(), ..Counts::default() }));
        let c = counts.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let c = c.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, c).await;
                    }
                });
            }
        });
        CutProxy { addr, counts, task }
    }
}

fn find_offset(buf: &[u8]) -> Option<u64> {
    let tag = b"upload-offset: ";
    let at = buf.windows(tag.len()).position(|w| w.eq_ignore_ascii_case(tag))? + tag.len();
    let end = buf[at..].iter().position(|&b| b == b'\r')? + at;
    std::str::from_utf8(&buf[at..end]).ok()?.parse().ok()
}

async fn relay(client: TcpStream, server: TcpStream, counts: Arc<Mutex<Counts>>) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut sr, &mut cw).await;
        let _ = cw.shutdown().await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match cr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let (allowed, cut) = {
            let mut c = counts.lock().unwrap();
            if buf[..n].starts_with(b"PATCH ") {
                if let Some(o) = find_offset(&buf[..n]) {
                    c.patch_offsets.push(o);
                }
            }
            match c.cuts.front().copied() {
                Some(limit) if c.sent + n as u64 >= limit => {
                    let allowed = (limit - c.sent.min(limit)) as usize;
                    c.cuts.pop_front();
                    c.sent += allowed as u64;
                    let at = c.sent;
                    c.cut_at.push(at);
                    (allowed, true)
                }
                _ => {
                    c.sent += n as u64;
                    (n, false)
                }
            }
        };
        if sw.write_all(&buf[..allowed]).await.is_err() {
            break;
        }
        if cut {
            // Both ways at once, as a phone losing its network would.
            let _ = sw.shutdown().await;
            down.abort();
            return;
        }
    }
    let _ = sw.shutdown().await;
    let _ = down.await;
}

fn sha(b: &[u8]) -> String {
    Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mb_clip_cut_three_times_arrives_whole_and_becomes_the_reports_media() {
    let server = mycity_tests::server().await;
    let spec = Spec { media_bytes: 50 * 1024 * 1024, chunks: 1500, duration_ms: 28_000, ..Spec::default() };
    let prepared = clips::prepare(&clip(&spec)).unwrap();
    let bytes = prepared.bytes;
    let len = bytes.len() as u64;
    // Cuts as fractions of the clip; headers make the real points a little earlier.
    let cuts: Vec<u64> = [0.3, 0.6, 0.9].iter().map(|f| (len as f64 * f) as u64).collect();
    let proxy = CutProxy::start(server.addr, cuts).await;
    let api = Api::new(&format!("http://{}", proxy.addr), Duration::from_secs(60)).unwrap();
    let store = Store::open_in_memory().unwrap();

    // The engine would retry after a backoff; here every call is a retry at once.
    let mut state = None;
    for _ in 0..10 {
        match api.upload_clip(&store, "outbox-row-1", &bytes, prepared.container.mime(), tus::DEFAULT_CHUNK).await {
            Ok(s) => {
                state = Some(s);
                break;
            }
            Err(e) => assert!(e.is_transient(), "{e:?}"),
        }
    }
    let state = state.expect("the upload finished within 10 tries");
    assert!(state.done);

    let (sent, cut_at, offsets) = {
        let c = proxy.counts.lock().unwrap();
        (c.sent, c.cut_at.clone(), c.patch_offsets.clone())
    };
    assert_eq!(cut_at.len(), 3, "the proxy cut three times");
    let twice = sent.saturating_sub(len);
    let share = twice as f64 / len as f64;
    println!(
        "clip upload: {:.1} MB, cut 3 times at {:?} bytes; PATCHes began at {:?}; \
         {sent} bytes sent through the proxy, {twice} sent twice or headers ({:.2} % of the clip); target ≤ 10 %: {}",
        len as f64 / 1048576.0,
        cut_at,
        offsets,
        share * 100.0,
        if share <= 0.10 { "ok" } else { "MISSED" }
    );
    assert!(share <= 0.10, "{:.2} % of the clip was sent twice", share * 100.0);
    // Each cut resumed where the server stood, never from the start: every
    // PATCH after the first begins further on.
    assert!(offsets.len() >= 4 && offsets[0] == 0, "{offsets:?}");
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "a PATCH went back: {offsets:?}");

    // The server holds the exact bytes, served whole and in ranges (straight, not through the proxy).
    let direct = format!("http://{}", server.addr);
    let url = state.url.replace(&format!("http://{}", proxy.addr), &direct);
    let http = reqwest::Client::new();
    let whole = http.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert_eq!(sha(&whole.bytes().await.unwrap()), sha(&bytes));
    let part = http.get(&url).header("range", "bytes=1000-1999").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], format!("bytes 1000-1999/{len}").as_str());
    assert_eq!(&part.bytes().await.unwrap()[..], &bytes[1000..2000]);
    let tail = http.get(&url).header("range", "bytes=-16").send().await.unwrap();
    assert_eq!(&tail.bytes().await.unwrap()[..], &bytes[bytes.len() - 16..]);
    let bad = http.get(&url).header("range", format!("bytes={len}-")).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(bad.headers()["content-range"], format!("bytes */{len}").as_str());

    // The finished upload becomes the report's media.
    let form = [
        ("api_key", "demo-key"),
        ("jurisdiction_id", "da-nang"),
        ("service_code", "pothole"),
        ("lat", "16.0612"),
        ("long", "108.2272"),
        ("description", "Ổ gà, xem video"),
        ("attribute[size]", "large"),
        ("attribute[traffic_blocked]", "no"),
        ("media_upload", state.id()),
    ];
    let created: serde_json::Value =
        http.post(format!("{direct}/open311/v2/requests.json")).form(&form).send().await.unwrap().json().await.unwrap();
    let id = created[0]["service_request_id"].as_str().unwrap().to_owned();
    let got: serde_json::Value = http
        .get(format!("{direct}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got[0]["media_url"].as_str(), Some(url.as_str()));

    // An unknown or unfinished upload is refused as media.
    let mut bad_form = form.to_vec();
    bad_form.retain(|(k, _)| *k != "media_upload");
    bad_form.push(("media_upload", "nope"));
    let r = http.post(format!("{direct}/open311/v2/requests.json")).form(&bad_form).send().await;
    assert_eq!(r.map(|r| r.status()).map_err(|e| format!("{e:?}")), Ok(StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn the_server_speaks_tus_and_refuses_a_clip_with_its_place_left() {
    let server = mycity_tests::server().await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let o = http.request(reqwest::Method::OPTIONS, format!("{base}/tus/files")).send().await.unwrap();
    assert_eq!(o.headers()["tus-resumable"], "1.0.0");
    assert_eq!(o.headers()["tus-version"], "1.0.0");
    assert_eq!(o.headers()["tus-extension"], "creation,expiration");
    assert_eq!(o.headers()["tus-max-size"], clips::MAX_CLIP_BYTES.to_string().as_str());

    let raw = clip(&Spec::default());
    let create = |len: u64| {
        http.post(format!("{base}/tus/files"))
            .header("tus-resumable", "1.0.0")
            .header("upload-length", len.to_string())
            .header("upload-metadata", "key cm93LTk=")
            .send()
    };
    let a = create(raw.len() as u64).await.unwrap();
    assert_eq!(a.status(), StatusCode::CREATED);
    let loc = a.headers()["location"].to_str().unwrap().to_owned();
    // Expiration extension: when an unfinished upload is let go, as an HTTP date a day on.
    let expires = a.headers()["upload-expires"].to_str().unwrap().to_owned();
    assert!(expires.ends_with(" GMT") && expires.len() == 29, "{expires}");
    // Same key, same upload.
    assert_eq!(create(raw.len() as u64).await.unwrap().headers()["location"], loc.as_str());
    assert_eq!(create(clips::MAX_CLIP_BYTES + 1).await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    let url = format!("{base}{loc}");
    let head = http.head(&url).header("tus-resumable", "1.0.0").send().await.unwrap();
    assert_eq!(head.headers()["upload-offset"], "0");
    assert_eq!(head.headers()["cache-control"], "no-store");
    let patch = |at: u64, body: Vec<u8>| {
        http.patch(&url)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", at.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(body)
            .send()
    };
    let half = raw.len() / 2;
    let r = patch(0, raw[..half].to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(r.headers()["upload-offset"], half.to_string().as_str());
    assert_eq!(patch(0, raw[..10].to_vec()).await.unwrap().status(), StatusCode::CONFLICT, "wrong offset");
    let r = patch(half as u64, raw[half..].to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "©xyz was left in");
    assert_eq!(r.headers()["tus-resumable"], "1.0.0");
    assert_eq!(http.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let other = http.head(&url).header("tus-resumable", "0.2.2").send().await.unwrap();
    assert_eq!(other.status(), StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn a_report_with_a_clip_sends_the_clip_first_and_carries_it_as_media() {
    let server = mycity_tests::server().await;
    let base = format!("http://{}", server.addr);
    let (dir, core) = mycity_tests::core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    let picked = dir.path().join("VID_20261129.mp4");
    std::fs::write(&picked, clip(&Spec { media_bytes: 3 * 1024 * 1024, ..Spec::default() })).unwrap();
    let kept = core.prepare_clip(&picked).unwrap();
    assert_eq!(kept.gps.map(|p| (p.lat, p.lon)), Some((16.0612, 108.2272)));
    let mut draft = mycity_tests::pothole("Ổ gà, có video", Some(20_000), 1);
    draft.place = None;
    let placed = core.set_clip(&mut draft, kept.clone()).unwrap();
    assert!(placed.placed_by_photo, "the clip's place, inside Đà Nẵng, placed the report");
    core.submit_report(&draft).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    // The report with its clip, then its photo as an update (Open311 has one media per request).
    assert_eq!((flush.sent, flush.rejected, flush.waiting), (2, 0, 0), "{:?}", flush.stopped);
    // The city has the stripped clip as the report's media, byte for byte.
    let list: serde_json::Value = reqwest::get(format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report = list.as_array().unwrap().iter().find(|r| r["description"] == "Ổ gà, có video").unwrap();
    let media_url = report["media_url"].as_str().unwrap();
    assert!(media_url.contains("/tus/files/"), "{media_url}");
    let served = reqwest::get(media_url).await.unwrap().bytes().await.unwrap();
    assert_eq!(served.len() as u64, kept.bytes);
    assert_eq!(mycity_core::protocol::clip::identifying_box(&served).unwrap(), None);
    let updates: serde_json::Value =
        reqwest::get(format!("{base}/open311/v2/servicerequestupdates.json?jurisdiction_id=da-nang"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let photo_update = updates
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["service_request_id"] == report["service_request_id"] && u["media_url"].is_string());
    assert!(photo_update.is_some(), "the photo followed as an update: {updates}");
    // The local copy is gone once the city has it.
    assert!(!kept.path.exists());
}
