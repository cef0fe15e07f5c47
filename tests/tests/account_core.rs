//! Optional sign-in end to end without a screen: the core against the real
//! development provider (npm `oidc-provider`, authorization code + PKCE on a
//! loopback redirect) and the reference server that trusts it. A headless
//! browser stands in for the system browser and goes through the provider's
//! login and consent pages. Signed in, a report carries the account and the
//! server lists it under `/api/v1/me/requests`; tokens sit in an owner-only
//! file, are refreshed when they expire and are gone after sign-out. A
//! cancelled sign-in, a provider that is down and a server without sign-in
//! each give their own problem and leave anonymous use as it was.

use std::collections::BTreeMap;

use mycity_core::{
    account::{Person, SignIn},
    platform::UriOpener,
    reports::{PlaceSource, Placed},
    Answer, Draft, Error, LatLon, MyCity,
};
use mycity_tests::{
    core,
    dev_idp::{self, browse, DevIdp},
    server_with, ServerConfig,
};
use serde_json::Value;

fn pothole(text: &str) -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("large".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    Draft {
        service_code: "pothole".into(),
        description: text.into(),
        place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
        answers,
        ..Draft::default()
    }
}

/// The system browser: opens the page in a headless browser acting as `who`.
struct Browser(dev_idp::Person);

impl UriOpener for Browser {
    fn open_uri(&self, uri: &str) -> Result<(), String> {
        let (uri, who) = (uri.to_owned(), self.0);
        tokio::spawn(async move {
            if let Err(e) = browse(uri, who).await {
                eprintln!("browser: {e}");
            }
        });
        Ok(())
    }

    fn can_call(&self) -> bool {
        false
    }
}

fn problem_code(e: &Error) -> &'static str {
    e.problem().map_or("none", |p| p.code)
}

async fn sent(core: &MyCity, text: &str) {
    core.submit_report(&pothole(text)).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.sent, flush.rejected), (1, 0), "{flush:?}");
}

async fn my_requests(base: &str, token: &str) -> (reqwest::StatusCode, Value) {
    let r = reqwest::Client::new().get(format!("{base}/api/v1/me/requests")).bearer_auth(token).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

fn stored_access_token(core: &MyCity) -> Option<String> {
    let bytes = std::fs::read(core.data_dir().join("account.json")).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v["access_token"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_report_refresh_and_sign_out_with_the_real_provider() {
    // Access tokens live 60 s: inside the core's one-minute margin, so the
    // next send refreshes first.
    let idp = DevIdp::start(60);
    let srv = server_with(ServerConfig {
        limits: mycity_server::Limits::unlimited(),
        oidc: Some(idp.oidc_config()),
        ..ServerConfig::default()
    })
    .await;
    let base = format!("http://{}", srv.addr);
    let (_dir, core) = core(Some(base.clone()));
    core.set_city("da-nang").unwrap();
    core.refresh_city().await.unwrap();
    assert_eq!(core.account(), SignIn::SignedOut);

    // Anonymous first: nothing needs an account.
    sent(&core, "ẩn danh trước khi đăng nhập").await;

    let person = core.sign_in(&Browser(dev_idp::Person::SignsIn("citizen"))).await.unwrap();
    assert_eq!(person, Person { sub: "citizen".into(), name: "Nguyễn Thị Dân".into() });
    assert_eq!(core.account(), SignIn::SignedIn(person.clone()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(core.data_dir().join("account.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let first = stored_access_token(&core).unwrap();

    // The report is filed under the account (after a refresh: the token was about to expire).
    sent(&core, "Ổ gà của người đã đăng nhập").await;
    let renewed = stored_access_token(&core).unwrap();
    assert_ne!(first, renewed, "the access token was refreshed before the send");
    let (s, mine) = my_requests(&base, &renewed).await;
    assert_eq!(s, 200, "{mine}");
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 1, "only the signed-in report is the account's: {mine:?}");
    assert_eq!(mine[0]["description"], "Ổ gà của người đã đăng nhập");

    // A second device: signing in brings the report along, with its status.
    let (_dir2, phone) = core_at(base.clone());
    assert!(phone.my_reports().unwrap().is_empty());
    phone.sign_in(&Browser(dev_idp::Person::SignsIn("citizen"))).await.unwrap();
    let there = phone.my_reports().unwrap();
    assert_eq!(there.len(), 1, "{there:?}");
    assert_eq!(there[0].description, "Ổ gà của người đã đăng nhập");
    assert!(there[0].server_id.is_some());
    // Checking again adds nothing twice.
    assert_eq!(phone.sync_account_reports().await.unwrap(), 0);
    phone.refresh_reports().await.unwrap();
    assert_eq!(phone.my_reports().unwrap().len(), 1);

    // A restart keeps the sign-in.
    let again = MyCity::open(mycity_core::Config {
        data_dir: core.data_dir().to_owned(),
        server_url: Some(base.clone()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(again.account(), SignIn::SignedIn(person));
    drop(again);

    core.sign_out().await.unwrap();
    assert_eq!(core.account(), SignIn::SignedOut);
    assert!(!core.data_dir().join("account.json").exists());
    // Revoked at the provider: the refresh token no longer works there, and
    // the next report goes anonymously.
    sent(&core, "sau khi đăng xuất").await;
    let (_, still) = my_requests(&base, &renewed).await;
    assert_eq!(still.as_array().map(Vec::len), Some(1), "the report after sign-out is anonymous: {still}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sign_in_changes_nothing() {
    let idp = DevIdp::start(600);
    let srv = server_with(ServerConfig { oidc: Some(idp.oidc_config()), ..ServerConfig::default() }).await;
    let (_dir, core) = core(Some(format!("http://{}", srv.addr)));
    core.set_city("da-nang").unwrap();
    core.refresh_city().await.unwrap();
    let canceller = core.clone();
    let waiter = tokio::spawn(async move { canceller.sign_in(&Browser(dev_idp::Person::WalksAway)).await });
    // Wait until the provider's page is open, then cancel.
    for _ in 0..100 {
        if matches!(core.account(), SignIn::Waiting { .. }) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(matches!(core.account(), SignIn::Waiting { ref url } if url.contains("code_challenge_method=S256")));
    core.cancel_sign_in();
    let e = waiter.await.unwrap().unwrap_err();
    assert_eq!(problem_code(&e), "signin-cancelled");
    assert_eq!(core.account(), SignIn::Cancelled);
    assert!(!core.data_dir().join("account.json").exists());
    sent(&core, "vẫn gửi được khi hủy đăng nhập").await;
    // The message reads in both languages.
    assert!(core.texts().error(&e).contains("hủy"), "{}", core.texts().error(&e));
}

#[tokio::test]
async fn a_provider_that_is_down_or_absent_is_said_and_anonymous_use_goes_on() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = mycity_server::auth::OidcConfig {
        issuer: format!("http://{closed}"),
        audience: dev_idp::AUDIENCE.into(),
        client_id: "mycity".into(),
    };
    let srv = server_with(ServerConfig { oidc: Some(down), ..ServerConfig::default() }).await;
    let (_dir, core) = core(Some(format!("http://{}", srv.addr)));
    core.set_city("da-nang").unwrap();
    core.refresh_city().await.unwrap();
    let e = core.sign_in(&Browser(dev_idp::Person::SignsIn("citizen"))).await.unwrap_err();
    assert_eq!(problem_code(&e), "signin-provider-down");
    assert_eq!(core.account(), SignIn::Failed { code: "signin-provider-down" });
    sent(&core, "nhà cung cấp đăng nhập ngừng").await;

    let plain = mycity_tests::server().await;
    let (_dir2, core) = core_at(format!("http://{}", plain.addr));
    core.refresh_city().await.unwrap();
    let e = core.sign_in(&Browser(dev_idp::Person::SignsIn("citizen"))).await.unwrap_err();
    assert_eq!(problem_code(&e), "signin-not-offered");
    sent(&core, "máy chủ không có đăng nhập").await;
}

fn core_at(url: String) -> (tempfile::TempDir, MyCity) {
    let (dir, core) = core(Some(url));
    core.set_city("da-nang").unwrap();
    (dir, core)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_my_own_dossier_opens_without_the_secret() {
    let idp = DevIdp::start(600);
    let srv = server_with(ServerConfig {
        limits: mycity_server::Limits::unlimited(),
        oidc: Some(idp.oidc_config()),
        ..ServerConfig::default()
    })
    .await;
    let base = format!("http://{}", srv.addr);
    let code = mycity_tests::demo_dossier(&base, 4).await;
    let (_dir, core) = core(Some(base.clone()));
    core.set_city("ha-giang").unwrap();
    let e = core.lookup_dossier(&code, None).await.unwrap_err();
    assert_eq!(problem_code(&e), "dossier-secret", "anonymous needs the secret");

    // The demo dossiers are the demo account's: signing in watches them on this device.
    core.sign_in(&Browser(dev_idp::Person::SignsIn("citizen"))).await.unwrap();
    let watched = core.watched_dossiers().unwrap();
    assert!(watched.len() >= 10, "{}", watched.len());
    assert!(watched.iter().any(|d| d.reply.code == code));
    let refreshed = core.refresh_watched_dossiers().await.unwrap();
    assert!(refreshed.asked >= watched.len(), "asked with the account, no secret: {refreshed:?}");
    let d = core.lookup_dossier(&code, None).await.unwrap();
    assert_eq!(d.reply.code, code);
    // Unwatched by the person, it stays unwatched.
    core.unwatch_dossier(&code).unwrap();
    core.sync_account_dossiers().await.unwrap();
    assert!(!core.watched_dossiers().unwrap().iter().any(|d| d.reply.code == code));

    // Another account does not own it: the server answers as for a wrong secret.
    core.sign_out().await.unwrap();
    core.sign_in(&Browser(dev_idp::Person::SignsIn("someone-else"))).await.unwrap();
    assert!(core.lookup_dossier(&code, None).await.is_err());
    core.sign_out().await.unwrap();
    let e = core.lookup_dossier(&code, None).await.unwrap_err();
    assert_eq!(problem_code(&e), "dossier-secret");
    // Signed out, dossiers watched through the account are not asked about.
    assert_eq!(core.refresh_watched_dossiers().await.unwrap().asked, 0);
}
