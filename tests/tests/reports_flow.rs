//! Reports from the core to the reference server over real HTTP: queued
//! offline, sent in order exactly once, refused with a reason, answered by the city.

use std::collections::BTreeMap;

use mycity_core::{
    reports::{PlaceSource, Placed, SendState},
    Answer, Draft, Error, LatLon, ReportStatus, Status,
};
use mycity_tests::{core, photo};
use serde_json::Value;

const DRAGON_BRIDGE: LatLon = LatLon { lat: 16.0612, lon: 108.2272 };

fn pothole(text: &str) -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("large".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    Draft {
        service_code: "pothole".into(),
        description: text.into(),
        place: Some(Placed { position: DRAGON_BRIDGE, source: PlaceSource::Map }),
        answers,
        photos: vec![photo(&[7u8; 32])],
        ..Draft::default()
    }
}

async fn server_requests(base: &str) -> Vec<Value> {
    let url = format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang");
    let mut all: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    all.reverse(); // the server lists newest first
    all
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_report_is_checked_queued_sent_and_answered() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    core.refresh_city().await.unwrap();
    assert_eq!(core.services().unwrap().len(), 10);
    assert!(core.sync_status().unwrap().services_fetched_at.is_some());
    let pothole_service = core.services().unwrap().into_iter().find(|s| s.code == "pothole").unwrap();
    assert!(pothole_service.questions.iter().any(|a| a.code == "size" && a.required));

    let id = core.submit_report(&pothole("Ổ gà sâu giữa làn xe máy")).unwrap();
    assert_eq!(core.waiting().unwrap(), 1);
    let mine = core.my_reports().unwrap();
    assert_eq!(
        (mine[0].id.as_str(), mine[0].status, mine[0].send),
        (id.as_str(), ReportStatus::Queued, SendState::Waiting)
    );
    assert_eq!(mine[0].service_name, "Ổ gà, hư hỏng mặt đường");
    assert!(mine[0].ward.is_some(), "ward resolved on the phone");

    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.rejected, flush.waiting), (1, 0, 0));
    let mine = core.my_reports().unwrap();
    let server_id = mine[0].server_id.clone().expect("accepted");
    assert_eq!(mine[0].send, SendState::Sent);

    let on_server = server_requests(&base).await;
    assert_eq!(on_server.len(), 1);
    assert_eq!(on_server[0]["service_request_id"], server_id.as_str());
    assert!(on_server[0]["media_url"].as_str().is_some(), "the photo went along");
    // The city's handling target: 7 days from the request unless the pack sets another.
    let at = |field: &str| {
        let text = on_server[0][field].as_str().unwrap_or_else(|| panic!("{field}: {}", on_server[0]));
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    };
    assert_eq!(at("expected_datetime") - at("requested_datetime"), time::Duration::days(7));
    assert!(core.refresh_reports().await.unwrap().is_empty());
    let due = at("expected_datetime").unix_timestamp();
    assert_eq!(core.my_reports().unwrap()[0].deadline, Some(mycity_core::reports::Deadline::Due { at: due }));

    // The city answers; the app picks it up as a change.
    let staff = reqwest::Client::new()
        .post(format!("{base}/admin/requests/{server_id}/updates"))
        .header("X-Admin-Key", "demo-admin")
        .json(&serde_json::json!({"status": "fixed", "description": "Đã vá xong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(staff.status(), 200);
    let changes = core.refresh_reports().await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].status, changes[0].description.as_str()), (Status::Fixed, "Đã vá xong"));
    let mine = core.my_reports().unwrap();
    assert_eq!(mine[0].status, ReportStatus::City(Status::Fixed));
    assert_eq!(mine[0].events.len(), 1);
    assert_eq!((mine[0].unseen, core.report_news().unwrap()), (1, 1));
    assert!(mine[0].can_reopen);
    assert_eq!(
        mine[0].deadline,
        Some(mycity_core::reports::Deadline::AnsweredIn { days: 1, on_time: Some(true) }),
        "fixed the same day"
    );
    core.mark_reports_seen().unwrap();
    assert_eq!((core.my_reports().unwrap()[0].unseen, core.report_news().unwrap()), (0, 0));
    assert!(core.refresh_reports().await.unwrap().is_empty(), "nothing new the second time");
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_drafts_are_refused_before_anything_is_queued() {
    let (_d, core) = core(None);
    core.set_city("da-nang").unwrap();
    let mut cases: Vec<(Draft, &str)> = vec![];
    let mut d = pothole("x");
    d.description = "ô".repeat(4001);
    cases.push((d, "4001 characters"));
    let mut d = pothole("x");
    d.set_place(LatLon { lat: 10.77, lon: 106.70 }, PlaceSource::Typed);
    cases.push((d, "outside the city"));
    let mut d = pothole("x");
    d.place = None;
    cases.push((d, "place the report"));
    let mut d = pothole("x");
    d.service_code = "unicorns".into();
    cases.push((d, "choose a category"));
    let mut d = pothole("x");
    d.photos = vec![photo(&[]); 6];
    cases.push((d, "at most 5 photos"));
    let mut d = pothole("");
    d.photos.clear();
    cases.push((d, "describe the problem"));
    for (draft, says) in cases {
        match core.submit_report(&draft) {
            Err(Error::Invalid(p)) => assert!(p.detail.contains(says), "{says}: {p}"),
            other => panic!("{says}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(core.waiting().unwrap(), 0);
    assert!(core.my_reports().unwrap().is_empty());
}

#[tokio::test]
async fn offline_reports_arrive_in_order_exactly_once_when_the_server_returns() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    for i in 1..=3 {
        core.submit_report(&pothole(&format!("report {i}"))).unwrap();
    }
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!(flush.sent, 0);
    assert!(flush.stopped.is_some());
    assert_eq!(core.waiting().unwrap(), 3);
    assert!(core
        .my_reports()
        .unwrap()
        .iter()
        .all(|r| r.server_id.is_none() && r.last_error.is_some() == (r.description == "report 1")));

    let srv = mycity_server::serve(([127, 0, 0, 1], port).into(), Default::default()).await.unwrap();
    // The first retry waits the backoff (2 s ± 25 %).
    tokio::time::sleep(std::time::Duration::from_millis(2600)).await;
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.waiting), (3, 0), "{flush:?}");
    assert_eq!(core.flush_outbox().await.unwrap().sent, 0, "nothing sent twice");
    let texts: Vec<String> =
        server_requests(&base).await.iter().map(|r| r["description"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["report 1", "report 2", "report 3"]);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_send_cut_off_after_the_server_accepted_it_is_not_duplicated() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    let id = core.submit_report(&pothole("đứt kết nối")).unwrap();
    // The app reached the server, which stored the report, and was killed
    // before it could record the answer: the row is still 'sending'.
    core.store().write(|c| Ok(c.execute("UPDATE outbox SET state = 'sending' WHERE id = ?1", [&id])?)).unwrap();
    let first = reqwest::Client::new()
        .post(format!("{base}/open311/v2/requests.json"))
        .header("Idempotency-Key", &id)
        .form(&[
            ("api_key", "demo-key"),
            ("jurisdiction_id", "da-nang"),
            ("service_code", "pothole"),
            ("lat", "16.0612"),
            ("long", "108.2272"),
            ("attribute[size]", "large"),
            ("attribute[traffic_blocked]", "no"),
        ])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!(flush.sent, 1);
    assert_eq!(server_requests(&base).await.len(), 1, "one report on the server");
    assert_eq!(core.my_reports().unwrap()[0].server_id.as_deref(), first[0]["service_request_id"].as_str());
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_refusal_is_shown_and_does_not_block_the_queue() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    // Without the server's questions cached, the app cannot know "size" is required.
    let mut incomplete = pothole("thiếu thông tin");
    incomplete.answers.clear();
    core.submit_report(&incomplete).unwrap();
    core.submit_report(&pothole("đầy đủ")).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.rejected, flush.waiting), (1, 1, 0));
    let mine = core.my_reports().unwrap();
    let refused = mine.iter().find(|r| r.description == "thiếu thông tin").unwrap();
    assert_eq!((refused.status, refused.send), (ReportStatus::Rejected, SendState::Rejected));
    assert!(refused.last_error.as_deref().unwrap().contains("attribute[size]"), "{refused:?}");
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_retry_and_never_mark_sent() {
    // A server that fails every request with 500.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = s.read(&mut buf).await;
                let body = r#"[{"code":500,"description":"database down"}]"#;
                let head = format!(
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(body.as_bytes()).await;
            });
        }
    });
    let (_d, core) = core(Some(format!("http://{addr}")));
    core.set_city("da-nang").unwrap();
    core.submit_report(&pothole("500")).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.rejected, flush.waiting), (0, 0, 1));
    let r = &core.my_reports().unwrap()[0];
    assert_eq!((r.send, r.server_id.as_deref()), (SendState::Waiting, None));
    assert!(r.last_error.as_deref().unwrap().contains("database down"));
    // Inside the backoff window nothing is tried.
    let again = core.flush_outbox().await.unwrap();
    assert_eq!(again.stopped.as_deref(), Some("waiting to retry"));
}

#[tokio::test]
async fn me_too_on_a_nearby_report_and_reopening_a_fixed_one() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_a, alice) = core(Some(base.clone()));
    let (_b, bao) = core(Some(base.clone()));
    for c in [&alice, &bao] {
        c.set_city("da-nang").unwrap();
    }
    let mine = alice.submit_report(&pothole("ổ gà ở cầu Rồng")).unwrap();
    alice.flush_outbox().await.unwrap();
    let server_id = alice.my_reports().unwrap()[0].server_id.clone().unwrap();

    // Bảo is ~50 m away and about to report the same pothole.
    let near = bao.nearby_open("pothole", LatLon { lat: 16.0616, lon: 108.2273 }).await.unwrap();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].server_id, server_id);
    assert!(near[0].distance_m > 20.0 && near[0].distance_m < 80.0, "{}", near[0].distance_m);
    assert!(bao.nearby_open("tree", DRAGON_BRIDGE).await.unwrap().is_empty());
    assert!(matches!(bao.me_too(&server_id, "  "), Err(Error::Invalid(_))));
    bao.me_too(&server_id, "Tôi cũng gặp ổ gà này").unwrap();
    assert_eq!(bao.flush_outbox().await.unwrap().sent, 1);

    // The city says fixed; Alice finds it is not, and reopens it with a photo.
    let http = reqwest::Client::new();
    http.post(format!("{base}/admin/requests/{server_id}/updates"))
        .header("X-Admin-Key", "demo-admin")
        .json(&serde_json::json!({"status": "fixed", "description": "Đã vá"}))
        .send()
        .await
        .unwrap();
    alice.refresh_reports().await.unwrap();
    assert_eq!(alice.my_reports().unwrap()[0].status, ReportStatus::City(Status::Fixed));
    let photo = mycity_tests::jpeg(40, 30, 1);
    alice.reopen(&mine, "Vẫn còn ổ gà", Some(&photo)).unwrap();
    let reopened = &alice.my_reports().unwrap()[0];
    assert_eq!(reopened.status, ReportStatus::City(Status::Reopen));
    assert!(!reopened.can_reopen, "one reopen at a time");
    assert!(alice.reopen(&mine, "lần nữa", None).is_err());
    assert_eq!(alice.flush_outbox().await.unwrap().sent, 1);

    let url = format!("{base}/open311/v2/requests/{server_id}.json?jurisdiction_id=da-nang");
    let r: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(r[0]["extended_status"], "reopen");
    let url = format!("{base}/open311/v2/servicerequestupdates.json?jurisdiction_id=da-nang");
    let updates: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    let seen: Vec<(&str, &str)> =
        updates.iter().map(|u| (u["status"].as_str().unwrap(), u["description"].as_str().unwrap())).collect();
    assert_eq!(seen, [("open", "Tôi cũng gặp ổ gà này"), ("fixed", "Đã vá"), ("reopen", "Vẫn còn ổ gà")]);
    assert!(updates[2]["media_url"].as_str().is_some(), "the reopen photo went along");
    srv.shutdown().await.unwrap();
}

/// A server that reads a little of each request, then hangs (`hang`) or
/// drops the connection mid-upload.
async fn broken_server(hang: bool) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = s.read(&mut buf).await;
                if hang {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                }
                drop(s);
            });
        }
    });
    addr
}

#[tokio::test]
async fn hanging_or_dropping_servers_never_mark_a_report_sent() {
    for hang in [true, false] {
        let addr = broken_server(hang).await;
        let dir = tempfile::tempdir().unwrap();
        let config = mycity_core::Config {
            data_dir: dir.path().to_owned(),
            server_url: Some(format!("http://{addr}")),
            timeout: Some(std::time::Duration::from_millis(800)),
            ..Default::default()
        };
        let core = mycity_core::MyCity::open(config).unwrap();
        core.set_city("da-nang").unwrap();
        // A big photo, so a dropped connection cuts the upload half-way.
        let mut d = pothole("mạng chập chờn");
        d.photos = vec![photo(&vec![9u8; 2_000_000])];
        core.submit_report(&d).unwrap();
        let t = std::time::Instant::now();
        let flush = core.flush_outbox().await.unwrap();
        assert!(t.elapsed() < std::time::Duration::from_secs(10), "hang={hang}: gave up in time");
        assert_eq!((flush.sent, flush.rejected, flush.waiting), (0, 0, 1), "hang={hang}: {flush:?}");
        let r = &core.my_reports().unwrap()[0];
        assert_eq!((r.send, r.server_id.as_deref()), (SendState::Waiting, None), "hang={hang}");
        assert!(r.last_error.is_some());
    }
}

#[tokio::test]
async fn every_photo_of_a_report_reaches_the_city() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    let mut d = pothole("ba ảnh");
    d.photos = (1..=3u8).map(|i| photo(&[i; 500])).collect();
    core.submit_report(&d).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.waiting), (3, 0), "the report, then two photo updates: {flush:?}");
    let url = format!("{base}/open311/v2/servicerequestupdates.json?jurisdiction_id=da-nang");
    let updates: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(updates.len(), 2);
    let mut served = Vec::new();
    for u in &updates {
        let photo = reqwest::get(u["media_url"].as_str().unwrap()).await.unwrap().bytes().await.unwrap();
        let img = image::load_from_memory(&photo).expect("the city serves a readable JPEG");
        assert_eq!((img.width(), img.height()), (32, 24));
        served.push(photo);
    }
    assert_ne!(served[0], served[1], "two different photos");
    srv.shutdown().await.unwrap();
}
