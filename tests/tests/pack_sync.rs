//! The core downloads city packs from the reference server over real HTTP,
//! keeps the last good copy, and works from the bundle when offline.

use mycity_core::{Error, PackSource, Refresh};
use mycity_tests::{bundled_pack, core, publish, server};

#[tokio::test]
async fn refresh_uses_etag_and_installs_newer_versions() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();

    // Same version as the bundle: nothing changes, but the server's tag is kept.
    let mut pack = bundled_pack("da-nang");
    let bundled = pack["version"].as_i64().unwrap();
    assert_eq!(core.refresh_city().await.unwrap(), Refresh::Unchanged { version: bundled });
    let status = core.sync_status().unwrap();
    assert!(status.checked_at.is_some());
    assert_eq!(status.source, PackSource::Bundled);
    // Second time round the server answers 304.
    assert_eq!(core.refresh_city().await.unwrap(), Refresh::Unchanged { version: bundled });

    pack["version"] = (bundled + 1).into();
    pack["name"]["vi"] = "Đà Nẵng mới".into();
    assert_eq!(publish(&base, "da-nang", pack.to_string()).await.status(), 200);
    assert_eq!(core.refresh_city().await.unwrap(), Refresh::Updated { version: bundled + 1 });
    let home = core.home().unwrap();
    assert_eq!(home.city.name.vi, "Đà Nẵng mới");
    assert_eq!(home.city.source, PackSource::Server);
    assert!(core.hotlines().unwrap().iter().any(|h| h.number == "1022"));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_pack_from_server_is_refused_and_old_one_stays() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    let before = core.home().unwrap();

    // Valid JSON the server accepts, but not a valid pack: the bbox is inside out.
    let mut pack = bundled_pack("ha-giang");
    pack["version"] = (pack["version"].as_i64().unwrap() + 5).into();
    pack["bbox"]["min_lat"] = 30.into();
    assert_eq!(publish(&base, "ha-giang", pack.to_string()).await.status(), 200);

    let err = core.refresh_city().await.unwrap_err();
    assert!(matches!(err, Error::InvalidPack(_)), "{err}");
    let after = core.home().unwrap();
    assert_eq!(after.city.version, before.city.version);
    assert_eq!(after.place_count, before.place_count);
    let status = core.sync_status().unwrap();
    assert!(status.last_error.unwrap().contains("bbox"));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn truncated_response_is_refused() {
    // A server that promises a pack and sends half of it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = bundled_pack("vinh").to_string();
    let half = body[..body.len() / 2].to_owned();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                half.len()
            );
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(half.as_bytes()).await;
        }
    });
    let (_d, core) = core(Some(format!("http://{addr}")));
    core.set_city("vinh").unwrap();
    let err = core.refresh_city().await.unwrap_err();
    assert!(matches!(err, Error::InvalidPack(_)), "{err}");
    assert!(core.home().unwrap().place_count >= 15);
}

#[tokio::test]
async fn offline_keeps_working_from_the_bundle() {
    // Bind then drop, so nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (_d, core) = core(Some(format!("http://127.0.0.1:{port}")));
    assert!(matches!(core.refresh_city().await.unwrap(), Refresh::Unreachable { .. }));
    let home = core.home().unwrap();
    assert_eq!(home.city.slug, "ha-giang");
    assert!(core.sync_status().unwrap().last_error.is_some());
    assert!(!core.search_places("dong van", 5).unwrap().is_empty());
}

#[tokio::test]
async fn unknown_city_on_server_is_a_clear_404() {
    let cfg = mycity_server::Config { seed: false, ..Default::default() };
    let srv = mycity_server::serve(mycity_tests::loopback(), cfg).await.unwrap();
    let (_d, core) = core(Some(format!("http://{}", srv.addr)));
    match core.refresh_city().await.unwrap_err() {
        Error::Server { status, message, .. } => {
            assert_eq!(status, 404);
            assert!(message.contains("unknown city"), "{message}");
        }
        e => panic!("expected a 404, got {e}"),
    }
    srv.shutdown().await.unwrap();
}
