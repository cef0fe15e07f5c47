//! The reference server under abuse: each attack gets the right status, the
//! server stays up and answers others, and a refused request leaves the
//! database as it was. Personal fields never come back in public answers.
//!
//! To cover a new endpoint, add its requests to [`ATTACK_FIELDS`] /
//! [`public_urls`] (the injection and privacy sweeps run over those lists).

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use mycity_server::{photo::png_bomb, Limits, Rate};
use mycity_tests::{server_with, ServerConfig};
use reqwest::{multipart, StatusCode};

const KEY: &str = "demo-key";

/// A server on a database file (so the test can count rows) with these limits.
async fn server_on_file(limits: Limits) -> (tempfile::TempDir, String, mycity_server::Running) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite").to_string_lossy().into_owned();
    let srv = server_with(ServerConfig { db: db.clone(), limits, ..ServerConfig::default() }).await;
    (dir, db, srv)
}

/// Every row of every table, as text: what "the database is unchanged" compares.
fn snapshot(db: &str) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = {
        let mut st = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let mut out = String::new();
    for t in tables {
        let mut st = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows: Vec<String> = st
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.push_str(&format!("## {t} ({} rows)\n{}\n", rows.len(), rows.join("\n")));
    }
    out
}

/// Rows in every table that a POST writes.
fn counts(db: &str) -> [i64; 4] {
    let c = rusqlite::Connection::open(db).unwrap();
    ["requests", "updates", "media", "idempotency"]
        .map(|t| c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0)).unwrap())
}

fn report(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("api_key", KEY),
        ("jurisdiction_id", "da-nang"),
        ("service_code", "pothole"),
        ("lat", "16.0612"),
        ("long", "108.2272"),
        ("description", "Ổ gà"),
        ("attribute[size]", "large"),
        ("attribute[traffic_blocked]", "no"),
        ("email", "dan.private@example.vn"),
        ("first_name", "Riêng"),
        ("last_name", "Tư"),
        ("phone", "0905123987"),
        ("device_id", "device-a"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        form.push((k.to_string(), v.to_string()));
    }
    form
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

async fn alive(base: &str) {
    let t = Instant::now();
    let r = http().get(format!("{base}/open311/v2/services.json?jurisdiction_id=da-nang")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(t.elapsed() < Duration::from_secs(2), "still answers promptly: {:?}", t.elapsed());
}

fn photo_form(bytes: Vec<u8>) -> multipart::Form {
    let form = report(&[]).into_iter().fold(multipart::Form::new(), |f, (k, v)| f.text(k, v));
    form.part("media", multipart::Part::bytes(bytes).file_name("a.png").mime_str("image/png").unwrap())
}

#[tokio::test]
async fn oversized_bombs_and_wrong_types_are_refused_without_a_trace() {
    let (_d, db, srv) = server_on_file(Limits::default()).await;
    let base = format!("http://{}", srv.addr);
    let url = format!("{base}/open311/v2/requests.json");
    let before = snapshot(&db);

    // A body over the server's limit.
    let big = format!("api_key={KEY}&description={}", "a".repeat(mycity_server::BODY_LIMIT + 1));
    let r =
        http().post(&url).header("content-type", "application/x-www-form-urlencoded").body(big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A photo over 10 MB, a 50,000 × 50,000 PNG bomb, a file that is not an image.
    let r = http().post(&url).multipart(photo_form(vec![0x89; 11 * 1024 * 1024])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let t = Instant::now();
    let r = http().post(&url).multipart(photo_form(png_bomb(50_000, 50_000))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text().await.unwrap());
    assert!(t.elapsed() < Duration::from_secs(1), "refused from the header, not decoded");
    // (A JPEG cut short still decodes, grey where data is missing: stored re-encoded, which is safe.)
    for bad in
        [b"<svg onload=alert(1)>".to_vec(), b"\xFF\xD8\xFF\xE0<?php ?>".to_vec(), png_bomb(10, 10)[..40].to_vec()]
    {
        let r = http().post(&url).multipart(photo_form(bad)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }

    // Content types a form parser must not guess at.
    for ct in ["application/json", "text/plain", "application/xml", ""] {
        let r = http().post(&url).header("content-type", ct).body("{\"api_key\":\"demo-key\"}").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
    }

    // Wrong and missing api_key.
    for key in ["wrong", "", "demo-key' OR '1'='1"] {
        let r = http().post(&url).form(&report(&[("api_key", key)])).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{key:?}");
    }
    assert!(snapshot(&db) == before, "refused requests leave the database as it was");
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn media_names_cannot_walk_the_disk_or_the_database() {
    let (_d, _db, srv) = server_on_file(Limits::default()).await;
    let base = format!("http://{}", srv.addr);
    for name in [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "..%2Fserver.sqlite",
        "1.jpg%00.png",
        "1%20OR%201=1.jpg",
        "-1.jpg",
        "99999999999999999999999.jpg",
        "1.jpg.php",
        "%2e%2e",
    ] {
        let r = http().get(format!("{base}/open311/v2/media/{name}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{name}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("root:") && !body.contains("SQLite"), "{name}: {body}");
    }
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

/// Strings that break naive SQL, XML or log handling.
const NASTY: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE requests; --",
    "\" UNION SELECT email, phone FROM requests --",
    "Robert'); DELETE FROM media; --",
    "<script>alert(1)</script>&amp;",
    "\u{0}\u{1b}[31m",
    "%s%n%x",
];

/// Every field a report POST reads.
const ATTACK_FIELDS: &[&str] = &[
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "attribute[size]",
    "attribute[traffic_blocked]",
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "media_url",
];

#[tokio::test]
async fn sql_injection_in_every_field_is_data_or_a_clean_400() {
    let (_d, db, srv) = server_on_file(Limits::unlimited()).await;
    let base = format!("http://{}", srv.addr);
    let url = format!("{base}/open311/v2/requests.json");
    let (mut stored, mut refused) = (0, 0);
    for field in ATTACK_FIELDS {
        for nasty in NASTY {
            let before = snapshot(&db);
            let r = http().post(&url).form(&report(&[(field, nasty)])).send().await.unwrap();
            let status = r.status();
            let text = r.text().await.unwrap();
            assert!(!text.to_lowercase().contains("sqlite") && !text.contains("syntax"), "{field}={nasty:?}: {text}");
            match status {
                StatusCode::OK => stored += 1,
                StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND => {
                    refused += 1;
                    assert!(snapshot(&db) == before, "{field}={nasty:?} refused but written");
                }
                other => panic!("{field}={nasty:?}: {other} {text}"),
            }
        }
    }
    assert!(stored > 0 && refused > 0, "stored {stored}, refused {refused}");
    // The text went in as data: the tables are whole, and the description reads back as sent.
    let r = http().post(&url).form(&report(&[("description", NASTY[1])])).send().await.unwrap();
    let id = r.json::<serde_json::Value>().await.unwrap()[0]["service_request_id"].as_str().unwrap().to_owned();
    let got: serde_json::Value = http()
        .get(format!("{base}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got[0]["description"], NASTY[1]);
    let xml = http()
        .get(format!("{base}/open311/v2/requests.xml?jurisdiction_id=da-nang"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!xml.contains("<script>"), "XML escapes what it carries");
    // Query parameters of the GETs too.
    for nasty in NASTY {
        for q in ["jurisdiction_id", "service_request_id", "service_code", "status", "start_date", "page"] {
            let r = http()
                .get(format!("{base}/open311/v2/requests.json"))
                .query(&[("jurisdiction_id", "da-nang"), (q, nasty)])
                .send()
                .await
                .unwrap();
            assert!([200, 400, 404].contains(&r.status().as_u16()), "{q}={nasty:?}: {}", r.status());
        }
    }
    assert!(counts(&db)[0] >= stored as i64);
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

/// Sends raw bytes and returns the status line and headers of the answer.
fn raw(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = vec![0; 4096];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test]
async fn header_injection_is_refused_and_never_reflected() {
    let (_d, db, srv) = server_on_file(Limits::default()).await;
    let base = format!("http://{}", srv.addr);
    let before = snapshot(&db);
    let addr = srv.addr;
    let body = "api_key=demo-key&jurisdiction_id=da-nang";
    let answers = tokio::task::spawn_blocking(move || {
        [
            // A bare LF inside a header value, a NUL, and a key that smuggles a header.
            format!("POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\nX-Injected: 1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
            format!("POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\0b\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
            // Two lengths (request smuggling).
            format!("POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n{body}"),
            "GET /open311/v2/services.json?jurisdiction_id=da-nang%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: x\r\n\r\n".into(),
        ]
        .map(|req| raw(addr, req.as_bytes()))
    })
    .await
    .unwrap();
    for a in &answers {
        let status: u16 = a.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!((400..500).contains(&status) || status == 0, "refused: {a}");
        let head = a.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
        assert!(!head.contains("x-injected"), "no header reflected: {a}");
    }
    assert!(snapshot(&db) == before, "refused requests leave the database as it was");
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_slow_body_is_cut_off_and_others_are_served_meanwhile() {
    let limits = Limits { request_timeout: Duration::from_millis(1500), ..Limits::default() };
    let (_d, db, srv) = server_on_file(limits).await;
    let base = format!("http://{}", srv.addr);
    let before = snapshot(&db);
    let addr = srv.addr;
    let slow = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let head = "POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n";
        s.write_all(head.as_bytes()).unwrap();
        let t = Instant::now();
        // A byte every 100 ms: would take hours to finish.
        while t.elapsed() < Duration::from_secs(4) {
            if s.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut buf = vec![0; 1024];
        let n = s.read(&mut buf).unwrap_or(0);
        (t.elapsed(), String::from_utf8_lossy(&buf[..n]).into_owned())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    alive(&base).await;
    let (took, answer) = slow.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408") || answer.is_empty(), "{answer}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(snapshot(&db) == before, "the cut-off body left no trace");
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_device_flooding_gets_429_and_others_are_still_served() {
    let limits =
        Limits { per_device: Some(Rate { burst: 5, per_second: 0.5 }), per_address: None, ..Limits::default() };
    let (_d, db, srv) = server_on_file(limits).await;
    let url = format!("http://{}/open311/v2/requests.json", srv.addr);
    let mut statuses = Vec::new();
    for _ in 0..12 {
        // Row counts, not a full snapshot: a snapshot of the seeded database
        // takes longer than the bucket takes to refill.
        let before = counts(&db);
        let r = http().post(&url).form(&report(&[("device_id", "flooder")])).send().await.unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=2).contains(&wait), "Retry-After {wait}");
            assert_eq!(counts(&db), before, "a refused report left a trace");
        }
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7, "{statuses:?}");
    let stored = counts(&db)[0];
    let r = http().post(&url).form(&report(&[("device_id", "someone-else")])).send().await.unwrap();
    assert_eq!(r.status(), 200, "another device is still served");
    assert_eq!(counts(&db)[0], stored + 1);

    // Per address: a script rotating device ids is held by its address.
    let limits =
        Limits { per_device: None, per_address: Some(Rate { burst: 3, per_second: 0.1 }), ..Limits::default() };
    let (_d2, _db2, srv2) = server_on_file(limits).await;
    let url2 = format!("http://{}/open311/v2/requests.json", srv2.addr);
    let mut codes = Vec::new();
    for i in 0..5 {
        let r = http().post(&url2).form(&report(&[("device_id", &format!("rot-{i}"))])).send().await.unwrap();
        codes.push(r.status().as_u16());
    }
    assert_eq!(codes, [200, 200, 200, 429, 429]);
    alive(&format!("http://{}", srv2.addr)).await;
    srv.shutdown().await.unwrap();
    srv2.shutdown().await.unwrap();
}

/// Every public GET that shows reports or their updates.
fn public_urls(base: &str, id: &str) -> Vec<String> {
    let o = format!("{base}/open311/v2");
    let j = "jurisdiction_id=da-nang";
    vec![
        format!("{o}/requests.json?{j}"),
        format!("{o}/requests.xml?{j}"),
        format!("{o}/requests/{id}.json?{j}"),
        format!("{o}/requests/{id}.xml?{j}"),
        format!("{o}/servicerequestupdates.json?{j}"),
        format!("{o}/servicerequestupdates.xml?{j}"),
    ]
}

#[tokio::test]
async fn personal_fields_never_appear_in_public_answers_and_photos_lose_exif() {
    let (_d, _db, srv) = server_on_file(Limits::default()).await;
    let base = format!("http://{}", srv.addr);
    let form = report(&[]).into_iter().fold(multipart::Form::new(), |f, (k, v)| f.text(k, v));
    let jpeg = mycity_tests::jpeg_with_gps(120, 80);
    let form = form.part("media", multipart::Part::bytes(jpeg).file_name("p.jpg").mime_str("image/jpeg").unwrap());
    let r = http().post(format!("{base}/open311/v2/requests.json")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let id = r.json::<serde_json::Value>().await.unwrap()[0]["service_request_id"].as_str().unwrap().to_owned();
    let update = [
        ("api_key", KEY),
        ("jurisdiction_id", "da-nang"),
        ("service_request_id", id.as_str()),
        ("description", "me too"),
        ("email", "other.private@example.vn"),
    ];
    let r = http().post(format!("{base}/open311/v2/servicerequestupdates.json")).form(&update).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for url in public_urls(&base, &id) {
        let text = http().get(&url).send().await.unwrap().text().await.unwrap();
        for private in ["dan.private@example.vn", "other.private@example.vn", "0905123987", "Riêng", "device-a"] {
            assert!(!text.contains(private), "{url} shows {private}");
        }
    }
    let got: serde_json::Value = http().get(&public_urls(&base, &id)[2]).send().await.unwrap().json().await.unwrap();
    let served = http().get(got[0]["media_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let bytes = served.bytes().await.unwrap();
    assert!(!mycity_tests::has_metadata(&bytes), "no EXIF, GPS or camera serial served");
    srv.shutdown().await.unwrap();
}

async fn look_up(base: &str, code: &str, secret: &str, device: &str) -> reqwest::Response {
    use mycity_core::protocol::dossier::{DEVICE_HEADER, SECRET_HEADER};
    http()
        .get(format!("{base}/api/v1/dossiers/{code}"))
        .header(SECRET_HEADER, secret)
        .header(DEVICE_HEADER, device)
        .send()
        .await
        .unwrap()
}

/// What a miss looks like from outside: status, the headers a client could
/// tell apart, and the body.
async fn seen(r: reqwest::Response) -> (u16, Option<String>, Option<String>, String) {
    let h = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap_or_default().to_owned());
    let (status, ct, cc) = (r.status().as_u16(), h("content-type"), h("cache-control"));
    (status, ct, cc, r.text().await.unwrap())
}

#[tokio::test]
async fn dossier_codes_cannot_be_enumerated() {
    let (_d, db, srv) = server_on_file(Limits::default()).await;
    let base = format!("http://{}", srv.addr);
    let code = mycity_tests::demo_dossier(&base, 4).await;
    let before = snapshot(&db);

    // A wrong secret reads exactly like a code that does not exist.
    let wrong = seen(look_up(&base, &code, "0000", "prober-1").await).await;
    let unknown_code = format!("{}9", &code[..code.len() - 1]);
    let unknown = seen(look_up(&base, &unknown_code, "9753", "prober-1").await).await;
    assert_eq!(wrong.0, 404, "{wrong:?}");
    assert_eq!(wrong, unknown, "a wrong secret and an unknown code answer alike");

    // Walking the codes from one device: 429 with Retry-After once its misses
    // are spent, even for the right secret; another device is still served.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for n in 0..MISSES + 5 {
        let guess = format!("{}{}", &code[..code.len() - 4], format_args!("{:04}", 5000 + n));
        let r = look_up(&base, &guess, "1234", "prober-2").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        }
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.iter().take(MISSES).all(|s| *s == 404), "{statuses:?}");
    assert!(statuses.iter().skip(MISSES).all(|s| *s == 429), "{statuses:?}");
    let wait = retry_after.expect("Retry-After on 429");
    assert!((1..=600).contains(&wait), "Retry-After {wait}");
    assert_eq!(look_up(&base, &code, "9753", "prober-2").await.status(), 429, "even the right secret waits");
    assert_eq!(look_up(&base, &code, "9753", "owner").await.status(), 200, "the owner's phone is served");
    assert!(snapshot(&db) == before, "look-ups, refused or not, write nothing");
    alive(&base).await;
    srv.shutdown().await.unwrap();
}

/// Misses one device may make in ten minutes before it waits (the server's
/// `dossier::MISSES_PER_TEN_MINUTES`).
const MISSES: usize = 10;

#[tokio::test]
async fn ratings_and_answers_floods_from_one_device_get_429_and_leave_no_trace() {
    let limits =
        Limits { per_device: Some(Rate { burst: 3, per_second: 0.01 }), per_address: None, ..Limits::default() };
    let (_d, db, srv) = server_on_file(limits).await;
    let base = format!("http://{}", srv.addr);
    let places = ["da-nang-cau-rong", "da-nang-cho-han", "da-nang-bao-tang-dieu-khac-cham"];

    // Ratings: the burst passes, the rest wait; each refusal writes nothing.
    let mut statuses = Vec::new();
    for i in 0..8 {
        let before = snapshot(&db);
        let body = serde_json::json!({
            "city": "da-nang", "device_id": "rating-flooder", "stars": 5, "comment": format!("flood {i}")
        });
        let r = http()
            .post(format!("{base}/api/v1/places/{}/ratings", places[i % places.len()]))
            .header("Idempotency-Key", format!("rate-{i}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            assert!(snapshot(&db) == before, "a refused rating left a trace");
        }
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 5, "{statuses:?}");

    // Answers: one survey, the same device sending again and again with new keys.
    let answers = serde_json::json!([
        {"question": "gio", "choice": 0}, {"question": "ung-ho", "scale": 3}
    ]);
    let mut statuses = Vec::new();
    for i in 0..8 {
        let before = snapshot(&db);
        let r = http()
            .post(format!("{base}/api/v1/surveys/da-nang-cho-dem/responses"))
            .header("Idempotency-Key", format!("answer-{i}"))
            .json(&serde_json::json!({"device_id": "answer-flooder", "answers": answers}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if status != 201 {
            assert!(snapshot(&db) == before, "a refused answer ({status}) left a trace");
        }
        statuses.push(status);
    }
    // The first is taken, the next two are refused as repeats (409), then the device waits.
    assert_eq!(statuses[0], 201, "{statuses:?}");
    assert!(statuses[1..3].iter().all(|s| *s == 409), "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");

    // Another device is still served on both.
    let r = http()
        .post(format!("{base}/api/v1/places/da-nang-cau-rong/ratings"))
        .json(&serde_json::json!({"city": "da-nang", "device_id": "calm", "stars": 4, "comment": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = http()
        .post(format!("{base}/api/v1/surveys/da-nang-cho-dem/responses"))
        .header("Idempotency-Key", "calm-1")
        .json(&serde_json::json!({"device_id": "calm", "answers": answers}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    alive(&base).await;
    srv.shutdown().await.unwrap();
}
