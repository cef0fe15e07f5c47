//! The reference server's city endpoints, over real HTTP.

use mycity_tests::{bundled_pack, publish, server};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn lists_the_five_cities() {
    let srv = server().await;
    let list: serde_json::Value =
        reqwest::get(format!("http://{}/api/v1/cities", srv.addr)).await.unwrap().json().await.unwrap();
    let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["ha-giang", "dong-ha", "vinh", "gia-nghia", "da-nang"]);
    assert_eq!(list[4]["name"]["vi"], "Đà Nẵng");
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn pack_has_etag_and_answers_304() {
    let srv = server().await;
    let url = format!("http://{}/api/v1/cities/ha-giang/pack", srv.addr);
    let http = reqwest::Client::new();
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    let pack: serde_json::Value = r.json().await.unwrap();
    assert_eq!(pack["slug"], "ha-giang");
    assert_eq!(pack["wards"]["type"], "FeatureCollection");
    let r = http.get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = http.get(&url).header(header::IF_NONE_MATCH, "\"stale\"").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn errors_are_json_with_code_and_message() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let r = reqwest::get(format!("{base}/api/v1/cities/atlantis/pack")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["code"], "not_found");
    assert!(e["message"].as_str().unwrap().contains("atlantis"));

    let r = reqwest::Client::new().put(format!("{base}/admin/cities/vinh/pack")).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = publish(&base, "vinh", "{\"slug\":\"vinh\", \"version\": ".into()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Publishing an older or equal version is a conflict, not a silent downgrade.
    let r = publish(&base, "vinh", bundled_pack("vinh").to_string()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    let huge = "x".repeat(mycity_server::BODY_LIMIT + 1);
    let r = publish(&base, "vinh", huge).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    srv.shutdown().await.unwrap();
}

#[test]
fn background_server_serves_and_stops_on_drop() {
    let bg = mycity_server::spawn_background(mycity_tests::loopback(), Default::default()).unwrap();
    let url = format!("{}/health", bg.url());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body = rt.block_on(async { reqwest::get(&url).await.unwrap().text().await.unwrap() });
    assert_eq!(body, "ok");
    let addr = bg.addr;
    drop(bg);
    assert!(std::net::TcpStream::connect(addr).is_err(), "server still listening after drop");
}
