//! The sync engine against the reference server over loopback: a dropped
//! flush blocks nothing, a status check never undoes a waiting reopen, the
//! engine delivers and tells its listeners, comes back with the network, and
//! never spins while a retry is due.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use mycity_core::{
    reports::{PlaceSource, Placed, SendState},
    Answer, Config, Draft, LatLon, MyCity, ReportStatus, Status, SyncEvent, SyncListener, SyncPolicy,
};
use mycity_tests::photo;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

fn pothole(text: &str) -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("small".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    Draft {
        service_code: "pothole".into(),
        description: text.into(),
        place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
        answers,
        photos: vec![photo(&[5u8; 64])],
        ..Draft::default()
    }
}

fn open(server: String, dir: &tempfile::TempDir, policy: SyncPolicy) -> MyCity {
    let config = Config {
        data_dir: dir.path().to_owned(),
        server_url: Some(server),
        timeout: Some(Duration::from_secs(2)),
        sync: policy,
        ..Default::default()
    };
    let core = MyCity::open(config).unwrap();
    core.set_city("da-nang").unwrap();
    core
}

async fn on_server(base: &str) -> Vec<serde_json::Value> {
    let url = format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang");
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

async fn staff(base: &str, id: &str, status: &str, text: &str) {
    let r = reqwest::Client::new()
        .post(format!("{base}/admin/requests/{id}/updates"))
        .header("X-Admin-Key", "demo-admin")
        .json(&serde_json::json!({"status": status, "description": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// A proxy in front of `upstream` whose first connection hangs forever;
/// later ones are passed through.
async fn hang_first_then_proxy(upstream: std::net::SocketAddr) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            if std::mem::take(&mut first) {
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    while client.read(&mut buf).await.is_ok_and(|n| n > 0) {}
                });
                continue;
            }
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_flush_whose_future_is_dropped_blocks_no_later_flush() {
    let srv = mycity_tests::server().await;
    let proxy = hang_first_then_proxy(srv.addr).await;
    let dir = tempfile::tempdir().unwrap();
    let core = open(format!("http://{proxy}"), &dir, SyncPolicy::default());
    core.submit_report(&pothole("ổ gà, lần gửi bị bỏ dở")).unwrap();

    // The page reloads (or the app goes to the background) mid-send: the
    // flush's future is dropped while its request hangs.
    let dropped = tokio::time::timeout(Duration::from_millis(300), core.flush_outbox()).await;
    assert!(dropped.is_err(), "the first send hangs");
    assert_eq!(core.my_reports().unwrap()[0].send, SendState::Sending, "left in flight");

    // The next flush runs (it is not told "a flush is already running") and
    // resends with the same key.
    let flush = tokio::time::timeout(Duration::from_secs(10), core.flush_outbox()).await.unwrap().unwrap();
    assert_eq!((flush.sent, flush.waiting), (1, 0), "{flush:?}");
    assert_eq!(on_server(&format!("http://{}", srv.addr)).await.len(), 1);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_status_check_does_not_undo_a_reopen_still_on_the_phone() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    let core = open(base.clone(), &dir, SyncPolicy::default());
    let id = core.submit_report(&pothole("ổ gà cầu Rồng")).unwrap();
    core.flush_outbox().await.unwrap();
    let server_id = core.my_reports().unwrap()[0].server_id.clone().unwrap();
    staff(&base, &server_id, "fixed", "Đã vá").await;
    core.refresh_reports().await.unwrap();

    core.reopen(&id, "Vẫn còn ổ gà", None).unwrap();
    // The reopen has not been sent; the city still says "fixed".
    core.refresh_reports().await.unwrap();
    let r = &core.my_reports().unwrap()[0];
    assert_eq!(r.status, ReportStatus::City(Status::Reopen), "the waiting reopen wins");
    assert!(!r.can_reopen);

    assert_eq!(core.flush_outbox().await.unwrap().sent, 1);
    core.refresh_reports().await.unwrap();
    let r = &core.my_reports().unwrap()[0];
    assert_eq!(r.status, ReportStatus::City(Status::Reopen), "now the city says so too");
    assert!(r.events.iter().any(|e| e.mine && e.status == Status::Reopen), "my reopen is in the timeline, as mine");

    // Once the reopen is at the city, the city's word counts again.
    staff(&base, &server_id, "fixed", "Đã vá lại").await;
    core.refresh_reports().await.unwrap();
    assert_eq!(core.my_reports().unwrap()[0].status, ReportStatus::City(Status::Fixed));
    srv.shutdown().await.unwrap();
}

struct Collect(Arc<Mutex<Vec<SyncEvent>>>);

impl SyncListener for Collect {
    fn on_event(&self, event: SyncEvent) {
        self.0.lock().unwrap().push(event);
    }
}

async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..200 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_sends_checks_and_tells_its_listeners() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    let core = open(base.clone(), &dir, SyncPolicy { reports_every_s: 1, city_every_s: 3600, alerts_every_s: 3600 });
    let events = Arc::new(Mutex::new(Vec::new()));
    let handle = core.listen(Box::new(Collect(events.clone()))).unwrap();
    let mut sub = core.subscribe();
    core.start_sync().unwrap();
    core.start_sync().unwrap(); // a second start is harmless

    core.submit_report(&pothole("gửi bởi bộ máy đồng bộ")).unwrap();
    let sent = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SyncEvent::OutboxChanged { sent: 1, waiting: 0, .. }) = sub.next().await {
                break;
            }
        }
    })
    .await;
    assert!(sent.is_ok(), "the engine sent the report");
    let server_id = core.my_reports().unwrap()[0].server_id.clone().unwrap();

    staff(&base, &server_id, "fixed", "Đội duy tu đã vá").await;
    let news = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SyncEvent::ReportNews { notice, changes }) = sub.next().await {
                return (notice, changes);
            }
        }
    })
    .await
    .expect("the engine brought the city's answer");
    assert_eq!(news.1[0].status, Status::Fixed);
    assert!(news.0.contains("Đã xử lý xong") && news.0.contains("Đội duy tu đã vá"), "{}", news.0);
    until("the listener heard it too", || {
        events.lock().unwrap().iter().any(|e| matches!(e, SyncEvent::ReportNews { .. }))
    })
    .await;

    // Dropping the handle cancels the listener.
    drop(handle);
    let before = events.lock().unwrap().len();
    core.submit_report(&pothole("thêm một")).unwrap();
    until("the second report", || core.waiting().unwrap() == 0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(events.lock().unwrap().len(), before, "no events after the handle is gone");
    assert_eq!(on_server(&base).await.len(), 2);
    srv.shutdown().await.unwrap();
}

/// A port where connections are accepted, counted and closed at once.
async fn counting_black_hole() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let _ = s.shutdown().await;
        }
    });
    (addr, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_retry_is_waited_for_not_spun_on() {
    let (addr, tries) = counting_black_hole().await;
    let dir = tempfile::tempdir().unwrap();
    // No status checks: every connection counted is a send.
    let core = open(
        format!("http://{addr}"),
        &dir,
        SyncPolicy { reports_every_s: 3600, city_every_s: 3600, alerts_every_s: 3600 },
    );
    core.submit_report(&pothole("mạng hỏng")).unwrap();
    core.start_sync().unwrap();
    tokio::time::sleep(Duration::from_millis(4500)).await;
    // The city check at start (pack, alerts, air, catalogue: each gives up on
    // its first failure), then the send at 0 s and its retry at ~2 s: a
    // handful, where a spinning loop would make thousands.
    let n = tries.load(Ordering::SeqCst);
    assert!((2..=12).contains(&n), "{n} connections in 4.5 s");
    assert_eq!(core.waiting().unwrap(), 1);
    assert_eq!(core.sync_status().unwrap().engine.reachable, Some(false));
    // Between tries (not in the middle of one), the next try has a time.
    until("a retry time", || core.sync_status().unwrap().engine.next_retry_at.is_some()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_network_returns_waiting_reports_go_at_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let core = open(base.clone(), &dir, SyncPolicy { reports_every_s: 3600, city_every_s: 3600, alerts_every_s: 3600 });
    for i in 0..3 {
        core.submit_report(&pothole(&format!("ngoại tuyến {i}"))).unwrap();
    }
    // Offline for a long while: many tries failed, the next is 15 minutes away.
    let later = mycity_core::city::now() + 900;
    core.store()
        .write(|tx| {
            Ok(tx.execute(
                "UPDATE outbox SET attempts = 9, next_attempt_at = ?1, last_error = 'offline' WHERE state = 'pending'",
                [later],
            )?)
        })
        .unwrap();
    core.network_changed(false).unwrap();
    core.start_sync().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(core.waiting().unwrap(), 3, "nothing goes before its time");
    assert_eq!(core.sync_status().unwrap().engine.next_retry_at, Some(later));

    let srv = mycity_server::serve(([127, 0, 0, 1], port).into(), Default::default()).await.unwrap();
    core.network_changed(true).unwrap();
    until("all three delivered", || core.waiting().unwrap() == 0).await;
    let texts: Vec<String> =
        on_server(&base).await.iter().rev().map(|r| r["description"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["ngoại tuyến 0", "ngoại tuyến 1", "ngoại tuyến 2"]);
    srv.shutdown().await.unwrap();
}

/// A report queued while the server is down waits out a growing backoff;
/// the platform's "network is up" (a new network, without any "offline"
/// before it) sends it at once, well before that backoff ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_up_signal_sends_before_the_backoff_would() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let core = open(base.clone(), &dir, SyncPolicy { reports_every_s: 3600, city_every_s: 3600, alerts_every_s: 3600 });
    core.start_sync().unwrap();
    core.submit_report(&pothole("mạng trở lại")).unwrap();
    // Two failed tries: the next is 6–10 s away.
    let due = loop {
        let s = core.sync_state().unwrap();
        if let Some(t) = s.next_retry_at.filter(|t| *t - mycity_core::city::now() >= 5) {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let srv = mycity_server::serve(([127, 0, 0, 1], port).into(), Default::default()).await.unwrap();
    let signalled = std::time::Instant::now();
    core.network_changed(true).unwrap();
    until("delivered", || core.waiting().unwrap() == 0).await;
    let took = signalled.elapsed();
    let left = due - mycity_core::city::now();
    assert!(left >= 2, "delivered {took:?} after the signal, {left} s before the backoff's retry");
    assert!(took < Duration::from_secs(2), "delivered {took:?} after the signal");
    assert_eq!(on_server(&base).await.len(), 1);
    srv.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_made_before_any_server_was_set_leave_when_one_is() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    let core = MyCity::open(Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
    core.set_city("da-nang").unwrap();
    core.start_sync().unwrap();
    core.submit_report(&pothole("chưa có máy chủ")).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(core.waiting().unwrap(), 1, "nowhere to send it yet");
    assert_eq!(core.sync_status().unwrap().server, None);

    core.set_server(Some(&base)).unwrap();
    until("delivered to the chosen server", || core.waiting().unwrap() == 0).await;
    assert_eq!(on_server(&base).await.len(), 1);
    srv.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_alert_reaches_a_running_app_without_a_tap() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    let core = open(base.clone(), &dir, SyncPolicy { reports_every_s: 3600, city_every_s: 3600, alerts_every_s: 1 });
    let mut sub = core.subscribe();
    core.start_sync().unwrap();
    // Let the start-up round settle so the alert below is news.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let cap = r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>dn-storm-engine</identifier><sender>pctt@danang.example</sender>
  <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>vi-VN</language><category>Met</category><event>Bão</event><urgency>Immediate</urgency>
    <severity>Extreme</severity><certainty>Observed</certainty><expires>2099-01-01T00:00:00+07:00</expires>
    <headline>Bão số 9 đổ bộ chiều nay</headline>
    <area><areaDesc>Toàn thành phố</areaDesc></area></info>
</alert>"#;
    let created = reqwest::Client::new()
        .post(format!("{base}/admin/cities/da-nang/alerts"))
        .header("X-Admin-Key", "demo-admin")
        .body(cap)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    // No refresh call: the engine's own minute-by-minute look (here every
    // second) brings it. (The seeded alerts may come as news first.)
    let news = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SyncEvent::AlertNews { slug, interrupt, .. }) = sub.next().await {
                let top = core.top_alert(None).unwrap().map(|a| a.identifier);
                if top.as_deref() == Some("dn-storm-engine") {
                    return (slug, interrupt);
                }
            }
        }
    })
    .await
    .expect("the engine brought the alert");
    assert_eq!(news, ("da-nang".to_owned(), true));
}
