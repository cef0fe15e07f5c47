//! The reference server speaks Open311 GeoReport v2 (JSON and XML) with the
//! FixMyStreet-style extensions, over real HTTP.

use mycity_tests::server;
use reqwest::{multipart, StatusCode};
use serde_json::Value;

const KEY: &str = "demo-key";

/// Form fields of a POST.
type Form = Vec<(String, String)>;

fn pothole(extra: &[(&str, &str)]) -> Form {
    let mut form: Form = [
        ("api_key", KEY),
        ("jurisdiction_id", "da-nang"),
        ("service_code", "pothole"),
        ("lat", "16.0612"),
        ("long", "108.2272"),
        ("description", "Ổ gà lớn trước số 12 Bạch Đằng"),
        ("attribute[size]", "large"),
        ("attribute[traffic_blocked]", "no"),
        ("email", "dan@example.vn"),
        ("first_name", "Dân"),
        ("phone", "0905000000"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        if !v.is_empty() {
            form.push((k.to_string(), v.to_string()));
        }
    }
    form
}

async fn post(base: &str, form: &[(String, String)], key: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(format!("{base}/open311/v2/requests.json")).form(form);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.json().await.unwrap())
}

async fn get_json(url: String) -> (StatusCode, Value) {
    let r = reqwest::get(url).await.unwrap();
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn services_and_definitions_in_json_and_xml() {
    let srv = server().await;
    let base = format!("http://{}/open311/v2", srv.addr);
    let (s, list) = get_json(format!("{base}/services.json?jurisdiction_id=da-nang")).await;
    assert_eq!(s, 200);
    let codes: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 10);
    assert!(codes.contains(&"pothole") && codes.contains(&"an-ninh-trat-tu"));
    let xml = reqwest::get(format!("{base}/services.xml?jurisdiction_id=da-nang")).await.unwrap();
    assert!(xml.headers()["content-type"].to_str().unwrap().starts_with("text/xml"));
    let xml = xml.text().await.unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<services><service><service_code>"), "{xml}");

    let (_, def) = get_json(format!("{base}/services/pothole.json?jurisdiction_id=da-nang")).await;
    let size = &def["attributes"][0];
    assert_eq!((size["code"].as_str(), size["required"].as_bool()), (Some("size"), Some(true)));
    assert_eq!(size["datatype"], "singlevaluelist");
    let (s, err) = get_json(format!("{base}/services/nope.json?jurisdiction_id=da-nang")).await;
    assert_eq!(s, 404);
    assert_eq!(err[0]["code"], 404);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_report_round_trips_without_personal_fields() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (s, body) = post(&base, &pothole(&[]), None).await;
    assert_eq!(s, 200, "{body}");
    let id = body[0]["service_request_id"].as_str().unwrap().to_owned();
    let token = body[0]["token"].as_str().unwrap().to_owned();

    let (s, got) = get_json(format!("{base}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang")).await;
    assert_eq!(s, 200);
    let r = &got[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "pothole");
    assert_eq!(r["lat"], 16.0612);
    assert!(r["requested_datetime"].as_str().unwrap().ends_with("+07:00"));
    let text = got.to_string();
    for private in ["dan@example.vn", "0905000000", "Dân"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    let xml = reqwest::get(format!("{base}/open311/v2/requests.xml?jurisdiction_id=da-nang&service_request_id={id}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.contains(&format!("<service_requests><request><service_request_id>{id}</service_request_id>")),
        "{xml}"
    );
    assert!(!xml.contains("dan@example.vn"));

    let (_, t) = get_json(format!("{base}/open311/v2/tokens/{token}.json?jurisdiction_id=da-nang")).await;
    assert_eq!(t[0]["service_request_id"], id.as_str());

    let (_, filtered) =
        get_json(format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang&service_code=tree&status=open"))
            .await;
    assert!(filtered.as_array().unwrap().is_empty());
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_reports_get_open311_errors() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let cases: Vec<(Form, u16, &str)> = vec![
        (pothole(&[("api_key", "")]), 403, "api_key is required"),
        (pothole(&[("api_key", "wrong")]), 403, "not valid"),
        (pothole(&[("service_code", "")]), 400, "service_code is required"),
        (pothole(&[("service_code", "unicorns")]), 400, "not a service"),
        (pothole(&[("attribute[size]", "")]), 400, "attribute[size] is required"),
        (pothole(&[("attribute[size]", "gigantic")]), 400, "attribute[size]"),
        (pothole(&[("lat", "10.77"), ("long", "106.70")]), 400, "outside da-nang"),
        (pothole(&[("lat", ""), ("long", "")]), 400, "location is required"),
        (pothole(&[("lat", "abc")]), 400, "not a number"),
        (pothole(&[("jurisdiction_id", "atlantis")]), 404, "atlantis"),
    ];
    for (form, status, says) in cases {
        let (s, body) = post(&base, &form, None).await;
        assert_eq!(s.as_u16(), status, "{says}: {body}");
        assert_eq!(body[0]["code"], status);
        assert!(body[0]["description"].as_str().unwrap().contains(says), "{says}: {body}");
    }
    let long = "x".repeat(4001);
    let (s, body) = post(&base, &pothole(&[("description", &long)]), None).await;
    assert_eq!(s, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("4000"));
    let (s, _) = get_json(format!("{base}/open311/v2/requests/999999.json?jurisdiction_id=da-nang")).await;
    assert_eq!(s, 404);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn idempotency_key_returns_the_first_answer() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_, a) = post(&base, &pothole(&[]), Some("8c1f-report-1")).await;
    let (_, b) = post(&base, &pothole(&[]), Some("8c1f-report-1")).await;
    assert_eq!(a, b);
    let (_, c) = post(&base, &pothole(&[]), Some("8c1f-report-2")).await;
    assert_ne!(a[0]["service_request_id"], c[0]["service_request_id"]);
    let (_, all) = get_json(format!("{base}/open311/v2/requests.json?jurisdiction_id=da-nang")).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn multipart_photo_is_stored_checked_and_served() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    // A phone photo as it came, GPS and camera serial in its EXIF.
    let jpeg = mycity_tests::jpeg_with_gps(64, 48);
    assert!(mycity_tests::has_metadata(&jpeg));
    let form = pothole(&[]).into_iter().fold(multipart::Form::new(), |f, (k, v)| f.text(k, v));
    let form =
        form.part("media", multipart::Part::bytes(jpeg.clone()).file_name("a.jpg").mime_str("image/jpeg").unwrap());
    let r =
        reqwest::Client::new().post(format!("{base}/open311/v2/requests.json")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()[0]["service_request_id"].as_str().unwrap().to_owned();
    let (_, got) = get_json(format!("{base}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang")).await;
    let url = got[0]["media_url"].as_str().unwrap().to_owned();
    let photo = reqwest::get(&url).await.unwrap();
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let served = photo.bytes().await.unwrap().to_vec();
    assert!(!mycity_tests::has_metadata(&served), "served photos carry no EXIF");
    let back = image::load_from_memory(&served).unwrap();
    assert_eq!((back.width(), back.height()), (64, 48));

    let form = pothole(&[]).into_iter().fold(multipart::Form::new(), |f, (k, v)| f.text(k, v));
    let form = form.part("media", multipart::Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("x.jpg"));
    let r =
        reqwest::Client::new().post(format!("{base}/open311/v2/requests.json")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("JPEG, PNG or WebP"));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn staff_and_citizen_updates_move_the_status() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_, body) = post(&base, &pothole(&[]), None).await;
    let id = body[0]["service_request_id"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();

    let staff = |status: &'static str, comment: &'static str| {
        http.post(format!("{base}/admin/requests/{id}/updates"))
            .header("X-Admin-Key", "demo-admin")
            .json(&serde_json::json!({ "status": status, "description": comment }))
            .send()
    };
    assert_eq!(staff("in_progress", "Đã giao đội duy tu").await.unwrap().status(), 200);
    assert_eq!(staff("fixed", "Đã vá xong").await.unwrap().status(), 200);
    assert_eq!(staff("melted", "?").await.unwrap().status(), 400);

    let (_, got) = get_json(format!("{base}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang")).await;
    assert_eq!((got[0]["status"].as_str(), got[0]["extended_status"].as_str()), (Some("closed"), Some("fixed")));
    assert_eq!(got[0]["status_notes"], "Đã vá xong");

    // Not fixed after all: the reporter reopens it with a comment.
    let reopen = [
        ("api_key", KEY),
        ("jurisdiction_id", "da-nang"),
        ("service_request_id", id.as_str()),
        ("status", "reopen"),
        ("description", "Vẫn còn ổ gà"),
    ];
    let r = http.post(format!("{base}/open311/v2/servicerequestupdates.json")).form(&reopen).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (_, got) = get_json(format!("{base}/open311/v2/requests/{id}.json?jurisdiction_id=da-nang")).await;
    assert_eq!((got[0]["status"].as_str(), got[0]["extended_status"].as_str()), (Some("open"), Some("reopen")));

    let (_, updates) = get_json(format!("{base}/open311/v2/servicerequestupdates.json?jurisdiction_id=da-nang")).await;
    let statuses: Vec<&str> = updates.as_array().unwrap().iter().map(|u| u["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["in_progress", "fixed", "reopen"]);
    assert_eq!(updates[1]["description"], "Đã vá xong");

    let bad = [
        ("api_key", KEY),
        ("jurisdiction_id", "da-nang"),
        ("service_request_id", id.as_str()),
        ("status", "fixed"),
        ("description", "x"),
    ];
    let r = http.post(format!("{base}/open311/v2/servicerequestupdates.json")).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 400, "a citizen cannot mark a report fixed");
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn discovery_points_at_the_v2_root() {
    let srv = server().await;
    let (s, d) = get_json(format!("http://{}/open311/discovery.json", srv.addr)).await;
    assert_eq!(s, 200);
    assert!(d["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"));
    srv.shutdown().await.unwrap();
}
