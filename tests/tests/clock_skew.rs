//! A phone clock hours off. A send that failed while the clock ran five
//! hours fast is not held for five hours once the clock is set right; the
//! city's answers are ordered by the server's times, never the phone's.

use std::collections::BTreeMap;

use mycity_core::protocol::Status;
use mycity_core::{
    reports::{PlaceSource, Placed, ReportStatus, SendState},
    Answer, Config, Draft, LatLon, MyCity,
};

fn draft() -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("small".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    Draft {
        service_code: "pothole".into(),
        description: "đồng hồ lệch".into(),
        place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
        answers,
        ..Draft::default()
    }
}

#[tokio::test]
async fn a_clock_set_back_hours_does_not_hold_sends_or_reorder_answers() {
    // A port with nobody listening yet: the first send fails.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let core =
        MyCity::open(Config { data_dir: dir.path().to_owned(), server_url: Some(base.clone()), ..Default::default() })
            .unwrap();
    core.set_city("da-nang").unwrap();
    core.submit_report(&draft()).unwrap();
    assert_eq!(core.flush_outbox().await.unwrap().waiting, 1);

    // The failure was timed by a clock five hours fast, since set right.
    let db = rusqlite::Connection::open(dir.path().join("mycity.sqlite")).unwrap();
    db.execute("UPDATE outbox SET next_attempt_at = next_attempt_at + 5 * 3600 WHERE state = 'pending'", []).unwrap();

    let cfg = mycity_server::Config { limits: mycity_server::Limits::unlimited(), ..Default::default() };
    let srv = mycity_server::serve(([127, 0, 0, 1], port).into(), cfg).await.unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.waiting), (1, 0), "a retry five hours away is a clock that went back: {flush:?}");
    let mine = core.my_reports().unwrap();
    assert_eq!(mine[0].send, SendState::Sent);
    let id = mine[0].server_id.clone().unwrap();

    // Two answers from the city: the phone shows the later by the server's clock.
    let http = reqwest::Client::new();
    for (status, text) in [("in_progress", "Đang xử lý"), ("fixed", "Đã vá")] {
        http.post(format!("{base}/admin/requests/{id}/updates"))
            .header("X-Admin-Key", "demo-admin")
            .json(&serde_json::json!({"status": status, "description": text}))
            .send()
            .await
            .unwrap();
    }
    core.refresh_reports().await.unwrap();
    assert_eq!(core.my_reports().unwrap()[0].status, ReportStatus::City(Status::Fixed));
    srv.shutdown().await.unwrap();
}
