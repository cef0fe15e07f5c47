//! "Is it really fixed?" from the core to the reference server over real
//! HTTP: asked once the city says fixed, sent through the outbox, changeable,
//! a "no" reopens the report, and the server refuses what it must.

use mycity_core::{
    reports::{feedback::Given, Feedback},
    Error, ReportStatus, Status,
};
use mycity_tests::{core, pothole};
use serde_json::{json, Value};

async fn staff_fix(base: &str, server_id: &str) {
    let r = reqwest::Client::new()
        .post(format!("{base}/admin/requests/{server_id}/updates"))
        .header("X-Admin-Key", "demo-admin")
        .json(&json!({"status": "fixed", "description": "Đã vá"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

async fn post_feedback(base: &str, server_id: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/requests/{server_id}/feedback"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn problem(e: &Error) -> &'static str {
    e.problem().map(|p| p.code).unwrap_or("not a problem")
}

fn given(r: &mycity_core::Report) -> Given {
    match &r.feedback {
        Some(Feedback::Given(g)) => g.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_fixed_report_is_rated_changed_and_others_cannot_rate_it() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_a, alice) = core(Some(base.clone()));
    alice.set_city("da-nang").unwrap();
    let mine = alice.submit_report(&pothole("ổ gà ở cầu Rồng", None, 1)).unwrap();
    assert!(matches!(alice.give_feedback(&mine, Some(true), 5, "", None), Err(e) if problem(&e) == "report-not-sent"));
    alice.flush_outbox().await.unwrap();
    let server_id = alice.my_reports().unwrap()[0].server_id.clone().unwrap();
    assert_eq!(alice.my_reports().unwrap()[0].feedback, None, "open: nothing to ask");

    assert!(
        matches!(alice.give_feedback(&mine, Some(true), 5, "", None), Err(e) if problem(&e) == "feedback-not-done")
    );

    staff_fix(&base, &server_id).await;
    alice.refresh_reports().await.unwrap();
    assert_eq!(alice.my_reports().unwrap()[0].feedback, Some(Feedback::Ask));
    assert!(matches!(alice.give_feedback(&mine, None, 5, "", None), Err(e) if problem(&e) == "feedback-fixed"));
    assert!(matches!(alice.give_feedback(&mine, Some(true), 0, "", None), Err(e) if problem(&e) == "feedback-rating"));
    assert!(matches!(alice.give_feedback(&mine, Some(true), 6, "", None), Err(e) if problem(&e) == "feedback-rating"));

    alice.give_feedback(&mine, Some(true), 5, "Cảm ơn đội duy tu", None).unwrap();
    let g = given(&alice.my_reports().unwrap()[0]);
    assert!(!g.sent && g.fixed && g.rating == 5);
    assert_eq!(alice.flush_outbox().await.unwrap().sent, 1);
    let g = given(&alice.my_reports().unwrap()[0]);
    assert!(g.sent, "{g:?}");
    let until = g.changeable_until.expect("changeable for 14 days");
    let days = (until - mycity_core::city::now()) as f64 / 86_400.0;
    assert!((13.9..=14.0).contains(&days), "{days}");

    // Changed within the window: the server keeps one answer per device, the newest.
    alice.give_feedback(&mine, Some(true), 4, "", None).unwrap();
    assert_eq!(alice.flush_outbox().await.unwrap().sent, 1);
    assert_eq!(given(&alice.my_reports().unwrap()[0]).rating, 4);
    assert_eq!(alice.my_reports().unwrap()[0].status, ReportStatus::City(Status::Fixed), "a yes does not reopen");

    // A stranger's device, a rating of 6, and a report that does not exist.
    let (status, body) =
        post_feedback(&base, &server_id, json!({"device_id": "stranger", "fixed": false, "rating": 1})).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) =
        post_feedback(&base, &server_id, json!({"device_id": "stranger", "fixed": true, "rating": 6})).await;
    assert_eq!(status, 400);
    let (status, _) =
        post_feedback(&base, "999999", json!({"device_id": "stranger", "fixed": true, "rating": 3})).await;
    assert_eq!(status, 404);
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_no_reopens_the_report_after_the_answer_reaches_the_city() {
    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_a, alice) = core(Some(base.clone()));
    alice.set_city("da-nang").unwrap();
    let mine = alice.submit_report(&pothole("ổ gà ở chợ Hàn", None, 2)).unwrap();
    alice.flush_outbox().await.unwrap();
    let server_id = alice.my_reports().unwrap()[0].server_id.clone().unwrap();
    staff_fix(&base, &server_id).await;
    alice.refresh_reports().await.unwrap();

    alice.give_feedback(&mine, Some(false), 2, "", Some(&mycity_tests::jpeg(40, 30, 3))).unwrap();
    let r = &alice.my_reports().unwrap()[0];
    assert_eq!(r.status, ReportStatus::City(Status::Reopen), "shown reopened at once");
    assert!(!given(r).fixed);
    assert_eq!(alice.flush_outbox().await.unwrap().sent, 2, "the answer, then the reopen");

    let url = format!("{base}/open311/v2/requests/{server_id}.json?jurisdiction_id=da-nang");
    let got: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(got[0]["extended_status"], "reopen");
    let url = format!("{base}/open311/v2/servicerequestupdates.json?jurisdiction_id=da-nang");
    let updates: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    let reopen = updates.iter().find(|u| u["status"] == "reopen").expect("a reopen update");
    assert_eq!(reopen["description"], "Người phản ánh cho biết vấn đề chưa được khắc phục.");
    assert!(reopen["media_url"].as_str().is_some(), "the photo of how it looks went along");
    // Reopened: the answers can no longer be changed until the city says done again.
    assert_eq!(given(&alice.my_reports().unwrap()[0]).changeable_until, None);
    assert!(
        matches!(alice.give_feedback(&mine, Some(true), 5, "", None), Err(e) if problem(&e) == "feedback-not-done")
    );
    srv.shutdown().await.unwrap();
}
