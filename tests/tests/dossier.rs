//! Dossiers between the core and the reference server over loopback: a wrong
//! secret answers like an unknown code, unchanged dossiers cost a 304, a
//! flood of look-ups meets 429, and a watched dossier advanced by staff
//! comes back as a notice; the catalogue is searchable offline, folded.

use std::time::Duration;

use mycity_core::{
    dossier::Standing,
    protocol::dossier::{DossierStatus, DEVICE_HEADER, SECRET_HEADER},
    Config, Error, MyCity, SyncEvent, SyncPolicy,
};
use mycity_tests::{core, demo_dossier, staff_list};
use serde_json::{json, Value};

/// The seeded demo dossiers of a city: (code, status).
async fn demos(base: &str, city: &str) -> Vec<(String, u8)> {
    let list = staff_list(&format!("{base}/admin/dossiers?city={city}")).await;
    list.iter().map(|d| (d["code"].as_str().unwrap().to_owned(), d["status"].as_u64().unwrap() as u8)).collect()
}

async fn get(base: &str, code: &str, secret: &str, device: &str, etag: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .get(format!("{base}/api/v1/dossiers/{code}"))
        .header(SECRET_HEADER, secret)
        .header(DEVICE_HEADER, device);
    if let Some(t) = etag {
        req = req.header("If-None-Match", t);
    }
    req.send().await.unwrap()
}

async fn advance(base: &str, code: &str, body: Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/admin/dossiers/{code}/advance"))
        .header("X-Admin-Key", "demo-admin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn every_city_has_demos_in_every_status_and_a_catalogue() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    for city in mycity_core::pack::CITY_SLUGS {
        let statuses: Vec<u8> = demos(&base, city).await.into_iter().map(|d| d.1).collect();
        for s in 1..=10 {
            assert!(statuses.contains(&s), "{city}: status {s}");
        }
        let all: Vec<Value> =
            reqwest::get(format!("{base}/api/v1/procedures?city={city}")).await.unwrap().json().await.unwrap();
        assert!(all.len() >= 150, "{city}: {}", all.len());
    }
    let found: Vec<Value> = reqwest::get(format!("{base}/api/v1/procedures?city=da-nang&q=giay%20phep%20xay%20dung"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(found.iter().any(|p| p["name"] == "Cấp giấy phép xây dựng"));
    let code = found[0]["code"].as_str().unwrap();
    let one: Value = reqwest::get(format!("{base}/api/v1/procedures/{code}")).await.unwrap().json().await.unwrap();
    assert_eq!(one["code"], code);
}

#[tokio::test]
async fn a_wrong_secret_answers_exactly_like_an_unknown_code() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 4).await;
    let unknown = format!("{}9999", &code[..code.len() - 4]);
    let wrong = get(&base, &code, "0000", "a", None).await;
    let none = get(&base, &unknown, "0000", "b", None).await;
    assert_eq!(wrong.status(), 404);
    assert_eq!(wrong.status(), none.status());
    let header_names = |r: &reqwest::Response| {
        let mut h: Vec<String> = r.headers().keys().filter(|k| *k != "date").map(|k| k.to_string()).collect();
        h.sort();
        h
    };
    assert_eq!(header_names(&wrong), header_names(&none));
    assert_eq!(wrong.bytes().await.unwrap(), none.bytes().await.unwrap());

    // Through the core: the same problem, and nothing cached.
    let (_d, core) = core(Some(base.clone()));
    for (c, s) in [(&code, "0000"), (&unknown, "9753")] {
        match core.lookup_dossier(c, Some(s)).await {
            Err(Error::Invalid(p)) => assert_eq!(p.code, "dossier-not-found"),
            other => panic!("{other:?}"),
        }
        assert_eq!(core.dossier_cached(c).unwrap(), None);
    }
    let d = core.lookup_dossier(&code, Some("9753")).await.unwrap();
    assert_eq!(d.reply.status, DossierStatus::Processing);
    assert!(d.reply.applicant.contains('*'), "masked: {}", d.reply.applicant);
    // A wrong secret later leaves the cache as it was.
    assert!(core.lookup_dossier(&code, Some("1111")).await.is_err());
    assert_eq!(core.dossier_cached(&code).unwrap().unwrap().reply, d.reply);
}

#[tokio::test]
async fn an_unchanged_dossier_costs_a_304() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 5).await;
    let first = get(&base, &code, "1122", "d", None).await;
    assert_eq!(first.status(), 200);
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["status"], 5);
    assert!(!body["missing_papers"].as_array().unwrap().is_empty());
    assert_eq!(get(&base, &code, "1122", "d", Some(&tag)).await.status(), 304);
    // The tag does not stand in for the secret.
    assert_eq!(get(&base, &code, "0000", "d", Some(&tag)).await.status(), 404);

    let (_d, core) = core(Some(base.clone()));
    let a = core.lookup_dossier(&code, Some("1122")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let b = core.lookup_dossier(&code, Some("1122")).await.unwrap();
    assert_eq!(a.reply, b.reply);
    assert!(b.fetched_at > a.fetched_at, "a 304 confirms the stored copy");
}

#[tokio::test]
async fn a_flood_of_lookups_meets_429_with_retry_after() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 1).await;
    let mut statuses = vec![];
    for i in 0..12 {
        statuses.push(get(&base, &code, &format!("{:04}", 1000 + i), "flooder", None).await.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[404; 10]);
    let blocked = get(&base, &code, "2468", "flooder", None).await;
    assert_eq!(blocked.status(), 429, "even the right secret waits");
    let wait: u64 = blocked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait));
    // Another device at the same address may still look.
    assert_eq!(get(&base, &code, "2468", "someone-else", None).await.status(), 200);

    let (_d, core) = core(Some(base.clone()));
    for _ in 0..10 {
        let _ = core.lookup_dossier(&code, Some("0000")).await;
    }
    let e = core.lookup_dossier(&code, Some("2468")).await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 429, retry_after_s: Some(_), .. }), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_dossier_advanced_by_staff_comes_back_as_a_notice() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 4).await;
    let dir = tempfile::tempdir().unwrap();
    let core = MyCity::open(Config {
        data_dir: dir.path().to_owned(),
        server_url: Some(base.clone()),
        timeout: Some(Duration::from_secs(2)),
        sync: SyncPolicy { reports_every_s: 1, city_every_s: 3600, alerts_every_s: 3600 },
        ..Default::default()
    })
    .unwrap();
    assert!(core.watch_dossier(&code, "9753").is_err(), "look it up first");
    core.lookup_dossier(&code, Some("9753")).await.unwrap();
    core.watch_dossier(&code, "9753").unwrap();
    assert_eq!(core.watched_dossiers().unwrap().len(), 1);

    let mut sub = core.subscribe();
    core.start_sync().unwrap();
    advance(
        &base,
        &code,
        json!({"status": 5, "note": "Thiếu bản sao CCCD", "missing_papers": ["Bản sao căn cước công dân"]}),
    )
    .await;
    let (changes, notice) = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SyncEvent::DossierNews { changes, notice }) = sub.next().await {
                return (changes, notice);
            }
        }
    })
    .await
    .expect("the engine brought the change");
    assert_eq!(changes[0].status, DossierStatus::NeedsPapers);
    assert!(notice.contains("Yêu cầu bổ sung giấy tờ") && notice.contains("Thiếu bản sao CCCD"), "{notice}");
    assert_eq!(core.dossier_news().unwrap(), 1);
    let w = &core.watched_dossiers().unwrap()[0];
    assert_eq!((w.unseen, w.seen_changes.len()), (1, 1));
    assert_eq!(w.reply.missing_papers, ["Bản sao căn cước công dân"]);
    core.mark_dossier_seen(&code).unwrap();
    assert_eq!(core.dossier_news().unwrap(), 0);

    // The catalogue comes in the same round, just after the news.
    let mut tries = 0;
    while core.procedures_fetched_at().unwrap().is_none() {
        tries += 1;
        assert!(tries < 100, "the engine fetched the catalogue");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Unwatching forgets the secret; the last state stays readable.
    core.unwatch_dossier(&code).unwrap();
    assert!(core.watched_dossiers().unwrap().is_empty());
    let cached = core.dossier_cached(&code).unwrap().unwrap();
    assert!(!cached.watched);
    match core.lookup_dossier(&code, None).await {
        Err(Error::Invalid(p)) => assert_eq!(p.code, "dossier-secret"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn overdue_is_derived_and_the_catalogue_is_searched_offline() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    let overdue = core.lookup_dossier(&demo_dossier(&base, 11).await, Some("6688")).await.unwrap();
    assert_eq!(overdue.standing, Standing::Overdue);
    let on_time = core.lookup_dossier(&demo_dossier(&base, 4).await, Some("9753")).await.unwrap();
    assert_eq!(on_time.standing, Standing::OnTime);
    let returned = core.lookup_dossier(&demo_dossier(&base, 10).await, Some("2244")).await.unwrap();
    assert_eq!(returned.standing, Standing::Closed);

    let r = core.refresh_procedures().await.unwrap();
    assert!(r.stored >= 150, "{r:?}");
    assert!(core.refresh_procedures().await.unwrap().unchanged);
    drop(srv);
    let hits = core.search_procedures("giay phep xay dung", "", 10).unwrap();
    assert!(hits[0].name.contains("giấy phép xây dựng"), "{}", hits[0].name);
    assert!(core.search_procedures("khai sinh", "Hộ tịch", 10).unwrap().iter().all(|p| p.field == "Hộ tịch"));
    let fields = core.procedure_fields().unwrap();
    assert!(fields.len() >= 10);
    let first = core.procedure(&hits[0].code).unwrap().unwrap();
    assert!(!first.papers.is_empty() && !first.ways.is_empty());
}

/// A server that answers every request with `answer` (raw bytes, then closes).
async fn broken_server(answer: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(mycity_tests::loopback()).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer).await;
                let _ = s.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_server_answering_garbage_leaves_the_cache_and_watch_list_alone() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 4).await;
    let dir = tempfile::tempdir().unwrap();
    let open = |url: String| {
        MyCity::open(Config {
            data_dir: dir.path().to_owned(),
            server_url: Some(url),
            timeout: Some(Duration::from_secs(2)),
            ..Default::default()
        })
        .unwrap()
    };
    let known = {
        let core = open(base.clone());
        let d = core.lookup_dossier(&code, Some("9753")).await.unwrap();
        core.watch_dossier(&code, "9753").unwrap();
        d
    };

    let answers: [(&str, &[u8]); 5] = [
        ("not HTTP at all", b"\x00\x17garbage\xff\xfe not a response\r\n\r\n"),
        (
            "a captive portal's page",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 92\r\nConnection: close\r\n\r\n\
<html><head><title>Wi-Fi login</title></head><body><form>Dang nhap Wi-Fi</form></body></html>",
        ),
        (
            "a body cut short",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\nConnection: close\r\n\r\n\
{\"code\":\"000.00",
        ),
        (
            "JSON of another shape",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n\
{\"hello\":\"world\",\"n\":[1,2]}",
        ),
        (
            "a redirect to a login page",
            b"HTTP/1.1 302 Found\r\nLocation: http://192.0.2.1:9/login\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
    ];
    for (what, answer) in answers {
        let core = open(broken_server(answer).await);
        let t = core.texts();
        let e = core.lookup_dossier(&code, Some("9753")).await.expect_err(what);
        assert!(matches!(e, Error::Server { .. } | Error::Network(_)), "{what}: {e:?}");
        let shown = t.error(&e);
        // Words for a person, in Vietnamese, without the technical detail.
        assert!(shown.contains("máy chủ") || shown.contains("Máy chủ") || shown.contains("mạng"), "{what}: {shown}");
        assert!(!shown.contains("JSON") && !shown.contains("error decoding"), "{what}: {shown}");
        assert!(core.refresh_watched_dossiers().await.is_err(), "{what}: the watch round fails too");
        let cached = core.dossier_cached(&code).unwrap().expect(what);
        assert_eq!(cached.reply, known.reply, "{what}: the cache is untouched");
        assert_eq!(cached.fetched_at, known.fetched_at, "{what}: not confirmed by garbage");
        let watched = core.watched_dossiers().unwrap();
        assert_eq!(watched.len(), 1, "{what}");
        assert!(watched[0].watched && watched[0].unseen == 0, "{what}");
    }
    // The real server again: the watch list still works with its stored secret.
    let core = open(base.clone());
    let r = core.refresh_watched_dossiers().await.unwrap();
    assert_eq!(r.asked, 1);
}

#[tokio::test]
async fn every_demo_dossier_has_a_receipt_that_scans_and_looks_up() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let list = staff_list(&format!("{base}/admin/dossiers/demo-receipts?city=ha-giang")).await;
    let statuses: std::collections::BTreeSet<u64> = list.iter().map(|d| d["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.len(), 10, "one receipt per status: {list:?}");
    let (_d, core) = core(Some(base.clone()));
    for d in &list {
        let (code, secret) = (d["code"].as_str().unwrap(), d["secret"].as_str().unwrap());
        let png = core.receipt_png(code, secret, d["procedure_name"].as_str().unwrap()).unwrap();
        let r = core.scan_receipt(&png).unwrap();
        assert_eq!((r.code.as_str(), r.secret.as_deref()), (code, Some(secret)));
        let found = core.lookup_dossier(&r.code, r.secret.as_deref()).await.unwrap();
        assert_eq!(found.reply.status.code() as u64, d["status"].as_u64().unwrap());
    }
    // Without the staff key, nothing.
    let r = reqwest::get(format!("{base}/admin/dossiers/demo-receipts?city=ha-giang")).await.unwrap();
    assert!(r.status() == 401 || r.status() == 403, "{}", r.status());
}

#[tokio::test]
async fn a_fee_to_pay_comes_with_a_vietqr_any_bank_app_reads() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 6).await;
    let (_d, core) = core(Some(base.clone()));
    let d = core.lookup_dossier(&code, Some("3344")).await.unwrap();
    assert_eq!(d.reply.status, DossierStatus::NeedsPayment);
    let fee = d.fee.expect("status 6 with the city's account gives a VietQR");
    assert_eq!(fee.amount_vnd, 150_000);
    assert_eq!(fee.amount_words, "Một trăm năm mươi nghìn đồng");
    // What a banking app reads from the drawn code: the city's account, the amount, the dossier code.
    let transfer = mycity_core::vietqr::parse(&fee.payload).unwrap();
    assert_eq!((transfer.bin.as_str(), transfer.amount), ("970415", Some(150_000)));
    assert_eq!(transfer.account, fee.account);
    assert_eq!(transfer.info.as_deref(), Some(code.as_str()));
    // Offline, the stored dossier still shows it.
    assert_eq!(core.dossier_cached(&code).unwrap().unwrap().fee.map(|f| f.payload), Some(fee.payload));

    // Any other status carries no payee and no fee.
    let other = demo_dossier(&base, 4).await;
    let d = core.lookup_dossier(&other, Some("9753")).await.unwrap();
    assert!(d.reply.payee.is_none() && d.fee.is_none());
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_paid_fee_waits_for_the_office_then_goes_with_its_next_step() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let code = demo_dossier(&base, 6).await;
    let (_d, core) = core(Some(base.clone()));
    // A wrong secret reads like an unknown code, and changes nothing.
    assert!(core.report_fee_paid(&code, Some("0000")).await.is_err());
    let d = core.lookup_dossier(&code, Some("3344")).await.unwrap();
    assert!(!d.fee.as_ref().unwrap().paid_reported);

    let d = core.report_fee_paid(&code, Some("3344")).await.unwrap();
    assert!(d.fee.as_ref().unwrap().paid_reported, "paid, waiting for the office");
    assert!(d.reply.history.last().unwrap().note.contains("chờ xác nhận"));
    let steps = d.reply.history.len();
    // Saying it twice changes nothing.
    let again = core.report_fee_paid(&code, Some("3344")).await.unwrap();
    assert_eq!(again.reply.history.len(), steps);

    // The office confirms by moving the dossier on: no fee any more.
    advance(&base, &code, json!({ "status": 4, "note": "Đã nhận lệ phí" })).await;
    let d = core.lookup_dossier(&code, Some("3344")).await.unwrap();
    assert_eq!(d.reply.status, DossierStatus::Processing);
    assert!(d.fee.is_none() && d.reply.paid_reported_at.is_none());
    // Nothing to pay now: the server refuses, the stored dossier stays as it was.
    let e = core.report_fee_paid(&code, Some("3344")).await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 409, .. }), "{e:?}");
    assert_eq!(core.dossier_cached(&code).unwrap().unwrap().reply.status, DossierStatus::Processing);
    srv.shutdown().await.unwrap();
}
