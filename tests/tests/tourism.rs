//! Tourism across core and server: a rating made offline waits in the outbox,
//! reaches the server exactly once when it is back, and the sums come back in
//! the city's pack.

use mycity_core::{sync::outbox, Error};
use mycity_tests::{core, server};

#[tokio::test]
async fn a_rating_made_offline_is_sent_once_and_summed_in_the_pack() {
    // Offline: a server address nothing listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let (dir, offline) = core(Some(dead_url));
    let id = offline.rate_place("ha-giang-cot-co-lung-cu", 5, "Cảnh tuyệt đẹp").unwrap();
    let flush = offline.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.waiting), (0, 1), "{flush:?}");
    let page = offline.place("ha-giang-cot-co-lung-cu").unwrap();
    assert_eq!(page.rating.mine.as_ref().map(|m| (m.stars, m.sent)), Some((5, false)));
    drop(offline);

    // Back online: the same data directory, now with a server.
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let online = mycity_core::MyCity::open(mycity_core::Config {
        data_dir: dir.path().to_owned(),
        server_url: Some(base.clone()),
        ..Default::default()
    })
    .unwrap();
    // The network comes back: what waited for a retry goes now.
    online.network_changed(false).unwrap();
    online.network_changed(true).unwrap();
    let flush = online.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.rejected, flush.waiting), (1, 0, 0), "{flush:?}");
    let items = online.outbox().unwrap();
    assert!(items.iter().any(|i| i.id == id && i.kind == "rating" && i.state == "sent"));
    assert!(online.place("ha-giang-cot-co-lung-cu").unwrap().rating.mine.unwrap().sent);

    // A resend with the same key (a flush cut after the server answered) is not counted again.
    let resend = reqwest::Client::new()
        .post(format!("{base}/api/v1/places/ha-giang-cot-co-lung-cu/ratings"))
        .header("Idempotency-Key", &id)
        .json(&serde_json::json!({"city": "ha-giang", "stars": 5, "comment": "x", "device_id": "other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), 201);

    // The pack now carries the sums; the core keeps them although the pack version did not change.
    let pack: serde_json::Value =
        reqwest::get(format!("{base}/api/v1/cities/ha-giang/pack")).await.unwrap().json().await.unwrap();
    let sums = pack["ratings"].as_array().unwrap();
    assert_eq!(sums.len(), 1);
    assert_eq!((sums[0]["place_id"].as_str(), sums[0]["count"].as_u64()), (Some("ha-giang-cot-co-lung-cu"), Some(1)));
    online.refresh_city().await.unwrap();
    let page = online.place("ha-giang-cot-co-lung-cu").unwrap();
    assert_eq!((page.rating.count, page.rating.average), (1, Some(5.0)));

    // A second rating from the same device replaces the first.
    online.rate_place("ha-giang-cot-co-lung-cu", 3, "").unwrap();
    assert_eq!(online.flush_outbox().await.unwrap().sent, 1);
    online.refresh_city().await.unwrap();
    let page = online.place("ha-giang-cot-co-lung-cu").unwrap();
    assert_eq!((page.rating.count, page.rating.average), (1, Some(3.0)));
    let all = mycity_core::tourism::Browse { limit: 100, ..Default::default() };
    assert!(online.browse(&all).unwrap().rows.iter().any(|r| r.rating == Some((3.0, 1))));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_ratings_are_refused_before_the_outbox_and_by_the_server() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    for (stars, comment) in [(0u8, ""), (6, ""), (4, &*"x".repeat(10_000))] {
        assert!(matches!(core.rate_place("ha-giang-km0", stars, comment), Err(Error::Invalid(_))));
    }
    assert!(matches!(core.rate_place("ha-giang-atlantis", 4, ""), Err(Error::Invalid(p)) if p.code == "site-unknown"));
    assert!(core.store().read(outbox::list).unwrap().is_empty(), "nothing queued");

    let post = |place: &str, body: serde_json::Value| {
        let url = format!("{base}/api/v1/places/{place}/ratings");
        async move { reqwest::Client::new().post(url).json(&body).send().await.unwrap().status().as_u16() }
    };
    let ok = serde_json::json!({"city": "ha-giang", "stars": 4, "comment": "", "device_id": "d"});
    assert_eq!(post("ha-giang-km0", ok.clone()).await, 201);
    assert_eq!(post("ha-giang-nowhere", ok.clone()).await, 404);
    let mut six = ok.clone();
    six["stars"] = 6.into();
    assert_eq!(post("ha-giang-km0", six).await, 400);
    let mut long = ok.clone();
    long["comment"] = "x".repeat(10_000).into();
    assert_eq!(post("ha-giang-km0", long).await, 400);
    let mut atlantis = ok;
    atlantis["city"] = "atlantis".into();
    assert_eq!(post("ha-giang-km0", atlantis).await, 404);
    srv.shutdown().await.unwrap();
}
