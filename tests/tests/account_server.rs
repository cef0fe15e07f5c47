//! Optional sign-in at the reference server, against a stand-in provider on
//! loopback with a real key set: a good bearer files reports under its
//! account and lists them (and its dossiers) under `/api/v1/me/`; expired,
//! forged, other-issuer and other-audience tokens get 401 with the RFC 6750
//! challenge and change nothing; without a token everything is as before;
//! a provider that is down refuses bearers but never anonymous use.

use mycity_core::protocol::dossier::{DEVICE_HEADER, SECRET_HEADER};
use mycity_tests::{
    fake_idp::{now, FakeIdp, Key},
    server_with, ServerConfig,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn pothole(description: &str) -> Vec<(&'static str, String)> {
    vec![
        ("api_key", "demo-key".into()),
        ("jurisdiction_id", "da-nang".into()),
        ("service_code", "pothole".into()),
        ("lat", "16.0612".into()),
        ("long", "108.2272".into()),
        ("description", description.into()),
        ("attribute[size]", "large".into()),
        ("attribute[traffic_blocked]", "no".into()),
    ]
}

async fn post(base: &str, form: &[(&str, String)], bearer: Option<&str>) -> (StatusCode, Option<String>, Value) {
    let mut req = reqwest::Client::new().post(format!("{base}/open311/v2/requests.json")).form(form);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let challenge = r.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    (r.status(), challenge, r.json().await.unwrap())
}

async fn get(url: String, bearer: Option<&str>) -> (StatusCode, Option<String>, Value) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let challenge = r.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    (r.status(), challenge, r.json().await.unwrap_or(Value::Null))
}

async fn setup() -> (FakeIdp, mycity_server::Running, String) {
    let idp = FakeIdp::start().await;
    let srv = server_with(ServerConfig {
        limits: mycity_server::Limits::unlimited(),
        oidc: Some(idp.oidc_config()),
        ..ServerConfig::default()
    })
    .await;
    let base = format!("http://{}", srv.addr);
    (idp, srv, base)
}

#[tokio::test]
async fn a_signed_in_report_carries_the_account_and_follows_it() {
    let (idp, _srv, base) = setup().await;
    let alice = idp.token("alice");

    // Anonymous: exactly as before, no account.
    let (s, _, anon) = post(&base, &pothole("không đăng nhập"), None).await;
    assert_eq!(s, 200, "{anon}");
    assert!(anon[0].get("account_id").is_none_or(Value::is_null), "{anon}");

    let (s, _, mine) = post(&base, &pothole("Ổ gà của Alice"), Some(&alice)).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine[0]["account_id"], "alice");
    // A typed-in account_id does not beat the token, and without a token it
    // makes no one an owner.
    let mut claimed = pothole("giả danh");
    claimed.push(("account_id", "alice".into()));
    let (s, _, _) = post(&base, &claimed, None).await;
    assert_eq!(s, 200);

    let (s, _, list) = get(format!("{base}/api/v1/me/requests"), Some(&alice)).await;
    assert_eq!(s, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["description"], "Ổ gà của Alice");
    assert_eq!(list[0]["jurisdiction_id"], "da-nang");
    assert_eq!(list[0]["service_request_id"], mine[0]["service_request_id"]);
    assert_eq!(list[0]["token"], mine[0]["token"]);

    // Someone else sees none of it.
    let (_, _, bob) = get(format!("{base}/api/v1/me/requests"), Some(&idp.token("bob"))).await;
    assert_eq!(bob, json!([]));
    let (s, _, who) = get(format!("{base}/api/v1/me"), Some(&alice)).await;
    assert_eq!((s, who["sub"].as_str()), (StatusCode::OK, Some("alice")));
}

#[tokio::test]
async fn bad_tokens_are_refused_with_the_bearer_challenge_and_store_nothing() {
    let (idp, _srv, base) = setup().await;
    let stranger = Key::new("k1"); // the provider's kid, not its key
    let cases = [
        ("expired", idp.token_with("alice", json!({"exp": now() - 3600, "iat": now() - 7200})), "expired"),
        ("forged", stranger.sign(&idp.claims("alice")), "signature"),
        ("other issuer", idp.token_with("alice", json!({"iss": "https://evil.example"})), "issuer"),
        ("other audience", idp.token_with("alice", json!({"aud": "urn:someone-else"})), "not meant"),
        ("garbage", "not.a.jwt".to_owned(), "not"),
    ];
    for (name, token, says) in &cases {
        let (s, challenge, body) = post(&base, &pothole(name), Some(token)).await;
        assert_eq!(s, 401, "{name}: {body}");
        let challenge = challenge.unwrap_or_default();
        assert!(challenge.starts_with("Bearer error=\"invalid_token\""), "{name}: {challenge}");
        assert!(body[0]["description"].as_str().unwrap().contains(says), "{name}: {body}");

        let (s, challenge, body) = get(format!("{base}/api/v1/me/requests"), Some(token)).await;
        assert_eq!(s, 401, "{name}");
        assert!(challenge.is_some());
        assert_eq!(body["code"], "invalid_token", "{name}: {body}");
        assert!(body["message"].as_str().unwrap().contains(says), "{name}: {body}");
    }
    // Nothing was filed under any of them.
    let (_, _, all) = get(format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang"), None).await;
    assert!(all.as_array().unwrap().iter().all(|r| !cases.iter().any(|c| r["description"] == c.0)), "{all}");
    // /me has no anonymous form.
    let (s, challenge, _) = get(format!("{base}/api/v1/me/requests"), None).await;
    assert_eq!(s, 401);
    assert!(challenge.is_some());
}

#[tokio::test]
async fn an_owner_sees_their_dossiers_without_the_secret_and_no_one_else_does() {
    let (idp, _srv, base) = setup().await;
    let citizen = idp.token("citizen");
    let (s, _, mine) = get(format!("{base}/api/v1/me/dossiers"), Some(&citizen)).await;
    assert_eq!(s, 200, "{mine}");
    let mine = mine.as_array().unwrap();
    assert!(mine.len() >= 10, "the demo dossiers are the demo account's: {}", mine.len());
    let code = mine[0]["code"].as_str().unwrap().to_owned();

    let lookup = |token: Option<String>| {
        let (base, code) = (base.clone(), code.clone());
        async move {
            let mut req =
                reqwest::Client::new().get(format!("{base}/api/v1/dossiers/{code}")).header(DEVICE_HEADER, "dev-1");
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send().await.unwrap().status()
        }
    };
    assert_eq!(lookup(Some(citizen.clone())).await, 200);
    assert_eq!(lookup(None).await, 404, "no secret, no owner");
    assert_eq!(lookup(Some(idp.token("mallory"))).await, 404, "another account needs the secret");
    let expired = idp.token_with("citizen", json!({"exp": now() - 3600}));
    assert_eq!(lookup(Some(expired)).await, 401);

    // Staff register a dossier under an account; only that account sees it.
    let r = reqwest::Client::new()
        .post(format!("{base}/admin/dossiers"))
        .header("X-Admin-Key", "demo-admin")
        .json(&json!({
            "city": mine[0]["city"], "code": "H15.99-260101-0042", "secret": "AB12CD",
            "procedure_code": mine[0]["procedure_code"], "applicant": "Nguyễn Văn An", "owner": "an",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let (_, _, an) = get(format!("{base}/api/v1/me/dossiers"), Some(&idp.token("an"))).await;
    assert_eq!(an.as_array().map(|a| a.len()), Some(1), "{an}");
    assert_eq!(an[0]["code"], "H15.99-260101-0042");
    // The secret still opens it for anyone holding the receipt.
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/dossiers/H15.99-260101-0042"))
        .header(SECRET_HEADER, "AB12CD")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_provider_that_is_down_refuses_bearers_but_not_anonymous_use() {
    // A port nothing listens on: bind one, note it, close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let issuer = format!("http://{closed}");
    let srv = server_with(ServerConfig {
        limits: mycity_server::Limits::unlimited(),
        oidc: Some(mycity_server::auth::OidcConfig {
            issuer: issuer.clone(),
            audience: "urn:mycity:api".into(),
            client_id: "mycity".into(),
        }),
        ..ServerConfig::default()
    })
    .await;
    let base = format!("http://{}", srv.addr);
    let key = Key::new("k1");
    let token = key.sign(&json!({"iss": issuer, "sub": "alice", "aud": "urn:mycity:api", "exp": now() + 300}));
    let (s, _, body) = post(&base, &pothole("nhà cung cấp ngừng"), Some(&token)).await;
    assert_eq!(s, 503, "{body}");
    assert!(body[0]["description"].as_str().unwrap().contains("cannot be reached"), "{body}");
    let (s, _, body) = post(&base, &pothole("ẩn danh vẫn được"), None).await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn a_server_without_an_issuer_refuses_bearers_and_serves_everyone_else() {
    let srv = server_with(ServerConfig { limits: mycity_server::Limits::unlimited(), ..ServerConfig::default() }).await;
    let base = format!("http://{}", srv.addr);
    let key = Key::new("k1");
    let token = key.sign(&json!({"iss": "http://127.0.0.1:1", "sub": "a", "aud": "x", "exp": now() + 300}));
    let (s, challenge, _) = post(&base, &pothole("có token"), Some(&token)).await;
    assert_eq!(s, 401);
    assert!(challenge.is_some());
    let (s, _, _) = post(&base, &pothole("không token"), None).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn keys_are_cached_and_unknown_key_ids_do_not_hammer_the_provider() {
    let idp = FakeIdp::start().await;
    let v = mycity_server::auth::Verifier::new(Some(idp.oidc_config()));
    assert_eq!(v.verify(&idp.token("alice")).await.unwrap().sub, "alice");
    assert_eq!(v.verify(&idp.token("bob")).await.unwrap().sub, "bob");
    assert_eq!(v.fetches(), 1, "the key set is fetched once and cached");
    for i in 0..20 {
        let stranger = Key::new(&format!("unknown-{i}"));
        assert!(v.verify(&stranger.sign(&idp.claims("alice"))).await.is_err());
    }
    assert_eq!(v.fetches(), 1, "unknown kids within the minute refetch nothing");
    assert!(v.verify(&idp.token("carol")).await.is_ok(), "good tokens still pass");
}
