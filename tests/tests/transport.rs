//! Transport from the reference server to the core over real HTTP: the pack
//! the server publishes carries Đà Nẵng's GTFS feed, and the road closures it
//! publishes as `Transport` CAP alerts reach the transport look-up (and only
//! those: the weather notice stays with the alerts).

use mycity_tests::{core, server};

#[tokio::test]
async fn the_served_pack_carries_the_feed_and_closures_reach_the_transport_map() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let pack: serde_json::Value =
        reqwest::get(format!("{base}/api/v1/cities/da-nang/pack")).await.unwrap().json().await.unwrap();
    assert!(pack["gtfs"]["stop_times.txt"].as_str().is_some_and(|t| t.starts_with("trip_id,")));
    assert!(pack["gtfs"]["agency.txt"].as_str().unwrap().contains("approximate"));

    let (_d, c) = core(Some(base));
    c.set_city("da-nang").unwrap();
    c.refresh_city().await.unwrap();
    assert!(c.transport(None, None).unwrap().has_feed);

    assert!(c.road_closures().unwrap().is_empty(), "nothing fetched yet");
    let r = c.refresh_alerts().await.unwrap();
    assert!(r.unreadable.is_empty(), "{r:?}");
    let closures = c.road_closures().unwrap();
    assert_eq!(closures.len(), 2, "{closures:#?}");
    assert!(closures.iter().all(|a| !a.polygons.is_empty() && a.expires_at > 0));
    assert!(closures.iter().any(|a| a.headline.contains("Bạch Đằng")));
    // The city-wide weather notice is an alert, not a closure.
    assert!(c.alerts(None).unwrap().alerts.len() > closures.len());

    // Elsewhere, no closures and no buses.
    c.set_city("ha-giang").unwrap();
    assert!(c.road_closures().unwrap().is_empty());
    assert!(!c.transport(None, None).unwrap().has_feed);
}
