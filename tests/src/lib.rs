//! Shared helpers for MyCity's cross-crate tests: a reference server on
//! loopback and a core opened in a temporary directory.

use std::net::SocketAddr;

pub use mycity_core::{Config, MyCity};
pub use mycity_server::{Config as ServerConfig, Running};

/// A seeded reference server on a free loopback port.
pub async fn server() -> Running {
    mycity_server::serve(loopback(), ServerConfig::default()).await.expect("server starts")
}

/// `127.0.0.1:0`.
pub fn loopback() -> SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

/// A core in a fresh temporary directory, talking to `server_url`.
pub fn core(server_url: Option<String>) -> (tempfile::TempDir, MyCity) {
    let dir = tempfile::tempdir().expect("tempdir");
    let core =
        MyCity::open(Config { data_dir: dir.path().to_owned(), server_url, ..Default::default() }).expect("core opens");
    (dir, core)
}

/// A bundled pack in wire form, as JSON to edit.
pub fn bundled_pack(slug: &str) -> serde_json::Value {
    let wire = mycity_core::pack::bundled::wire(slug).expect("bundled").expect("combines");
    serde_json::from_str(&wire).expect("json")
}

/// Publishes a pack through the staff endpoint.
pub async fn publish(base: &str, slug: &str, body: String) -> reqwest::Response {
    reqwest::Client::new()
        .put(format!("{base}/admin/cities/{slug}/pack"))
        .header("X-Admin-Key", "demo-admin")
        .body(body)
        .send()
        .await
        .expect("request")
}

/// A stand-in for a prepared photo: JPEG-typed bytes (the server checks the
/// type by content), no GPS.
pub fn photo(bytes: &[u8]) -> mycity_core::photos::Processed {
    mycity_core::photos::Processed {
        jpeg: [&[0xFF, 0xD8, 0xFF, 0xE0][..], bytes].concat(),
        thumbnail: vec![],
        width: 1600,
        height: 1200,
        gps: None,
    }
}
