//! Alerts and consultations from the reference server to the core over real
//! HTTP: an alert published by staff for one ward concerns people in that
//! ward only and goes when cancelled; a survey answered offline reaches the
//! city exactly once.

use mycity_core::protocol::consult::{Answer, Given};
use mycity_tests::{core, loopback, server, ServerConfig};

const ADMIN: &str = "demo-admin";

fn cap(identifier: &str, msg_type: &str, references: &str, ward: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>pctt@quangtri.example</sender>
  <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>{msg_type}</msgType><scope>Public</scope>
  {references}
  <info><language>vi-VN</language><category>Safety</category><event>Ngập úng</event><urgency>Immediate</urgency>
    <severity>Extreme</severity><certainty>Observed</certainty><expires>2099-01-01T00:00:00+07:00</expires>
    <headline>Ngập sâu đường Lê Duẩn</headline>
    <area><areaDesc>Phường Đông Hà</areaDesc><geocode><valueName>ward</valueName><value>{ward}</value></geocode></area></info>
</alert>"#
    )
}

async fn publish(base: &str, body: String) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/admin/cities/dong-ha/alerts"))
        .header("X-Admin-Key", ADMIN)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ward_alert_concerns_that_ward_only_and_goes_when_cancelled() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d1, here) = core(Some(base.clone()));
    let (_d2, elsewhere) = core(Some(base.clone()));
    for (c, ward) in [(&here, "19333"), (&elsewhere, "19351")] {
        c.set_city("dong-ha").unwrap();
        c.set_home_ward(Some(ward)).unwrap();
    }

    // Invalid CAP is refused with the reason.
    let bad = publish(&base, cap("x", "Alert", "", "19333").replace("<event>Ngập úng</event>", "")).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("event"));

    let created = publish(&base, cap("dh-flood-1", "Alert", "", "19333")).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let doc = reqwest::get(format!("{base}/api/v1/cities/dong-ha/alerts/{id}.xml")).await.unwrap();
    assert!(doc.text().await.unwrap().contains("dh-flood-1"));

    for c in [&here, &elsewhere] {
        let r = c.refresh_alerts().await.unwrap();
        assert!(r.changed && r.unreadable.is_empty(), "{r:?}");
    }
    let top = here.top_alert(None).unwrap().expect("a banner in the ward");
    assert_eq!(top.identifier, "dh-flood-1");
    assert!(top.banner.interrupt);
    let other = elsewhere.alerts(None).unwrap();
    let same = other.alerts.iter().find(|a| a.identifier == "dh-flood-1").expect("listed");
    assert!(!same.relevant, "not for another ward");
    assert_ne!(elsewhere.top_alert(None).unwrap().map(|a| a.identifier), Some("dh-flood-1".into()));

    // Unchanged feed: a 304.
    assert!(!here.refresh_alerts().await.unwrap().changed);

    let refs = "<references>pctt@quangtri.example,dh-flood-1,2026-11-29T07:00:00+07:00</references>";
    assert_eq!(publish(&base, cap("dh-flood-1-cancel", "Cancel", refs, "19333")).await.status(), 201);
    assert!(here.refresh_alerts().await.unwrap().changed);
    let after = here.alerts(None).unwrap();
    assert!(after.alerts.iter().all(|a| !a.identifier.starts_with("dh-flood-1")), "{after:?}");
    assert!(after.checked_at.is_some());
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_water_level_over_the_threshold_warns_the_gauges_wards() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, c) = core(Some(base.clone()));
    c.set_city("dong-ha").unwrap();
    c.set_home_ward(Some("19351")).unwrap();
    let level = |m: f64| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/admin/cities/dong-ha/flood/dh-lu-cau-dong-ha"))
                .header("X-Admin-Key", ADMIN)
                .json(&serde_json::json!({ "level_m": m }))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(level(0.5).await["alarm"], 0);
    assert_eq!(level(2.3).await["alarm"], 2);
    c.refresh_alerts().await.unwrap();
    let top = c.top_alert(None).unwrap().unwrap();
    assert!(top.headline.contains("Báo động II"), "{top:?}");
    assert!(top.wards.contains(&"19351".to_owned()));
    // Upstream in Hiếu Giang, outside the gauge's wards: listed, not concerning.
    let (_d2, up) = core(Some(base.clone()));
    up.set_city("dong-ha").unwrap();
    up.set_home_ward(Some("19603")).unwrap();
    up.refresh_alerts().await.unwrap();
    let there = up.alerts(None).unwrap();
    let flood = there.alerts.iter().find(|a| a.event == "Lũ").expect("listed for the city");
    assert!(!flood.relevant, "{flood:?}");
    assert!(up.top_alert(None).unwrap().is_none_or(|a| a.event != "Lũ"));
    assert_eq!(level(3.2).await["alarm"], 3);
    c.refresh_alerts().await.unwrap();
    let flood: Vec<_> = c.alerts(None).unwrap().alerts.into_iter().filter(|a| a.event == "Lũ").collect();
    assert_eq!(flood.len(), 1, "the update replaced the first");
    assert!(flood[0].headline.contains("Báo động III"));
    level(0.4).await;
    c.refresh_alerts().await.unwrap();
    assert!(c.alerts(None).unwrap().alerts.iter().all(|a| a.event != "Lũ"));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_survey_answered_offline_reaches_the_city_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite").to_string_lossy().into_owned();
    let config = ServerConfig { db, ..ServerConfig::default() };
    let srv = mycity_server::serve(loopback(), config.clone()).await.unwrap();
    let addr = srv.addr;
    let base = format!("http://{addr}");
    let (_d, c) = core(Some(base.clone()));
    c.set_city("vinh").unwrap();
    assert!(c.refresh_consultations().await.unwrap());
    assert!(!c.announcements("giao thong").unwrap().is_empty(), "folded search");
    let survey = c.surveys().unwrap().into_iter().next().expect("a survey");
    assert!(survey.open && survey.mine.is_none());
    srv.shutdown().await.unwrap();

    // Offline: refused answers never queue; a good one waits.
    let incomplete = vec![Answer { question: "gio".into(), given: Given::Choice(1) }];
    let e = c.answer_survey(&survey.id, incomplete).unwrap_err();
    assert_eq!(e.problem().unwrap().code, "survey-required");
    assert_eq!(e.problem().unwrap().field.as_deref(), Some("question:ung-ho"));
    let out_of_scale = vec![
        Answer { question: "gio".into(), given: Given::Choice(1) },
        Answer { question: "ung-ho".into(), given: Given::Scale(9) },
    ];
    let e = c.answer_survey(&survey.id, out_of_scale).unwrap_err();
    assert_eq!(e.problem().unwrap().code, "survey-scale");
    let answers = vec![
        Answer { question: "gio".into(), given: Given::Choice(1) },
        Answer { question: "ung-ho".into(), given: Given::Scale(4) },
        Answer { question: "gop-y".into(), given: Given::Text("Nên có bãi giữ xe".into()) },
    ];
    c.answer_survey(&survey.id, answers.clone()).unwrap();
    assert_eq!(c.answer_survey(&survey.id, answers).unwrap_err().problem().unwrap().code, "survey-answered");
    let f = c.flush_outbox().await.unwrap();
    assert_eq!((f.sent, f.waiting), (0, 1));
    assert_eq!(c.surveys().unwrap()[0].mine.as_ref().unwrap().state, "queued");

    // Back online on the same address and database.
    let srv = mycity_server::serve(addr, config).await.unwrap();
    c.network_changed(false).unwrap();
    c.network_changed(true).unwrap();
    let f = c.flush_outbox().await.unwrap();
    assert_eq!((f.sent, f.rejected, f.waiting), (1, 0, 0), "{f:?}");
    assert_eq!(c.flush_outbox().await.unwrap().sent, 0);
    assert_eq!(c.surveys().unwrap()[0].mine.as_ref().unwrap().state, "sent");

    // Results after the survey closes: exactly one response.
    let http = reqwest::Client::new();
    let early = http.get(format!("{base}/api/v1/surveys/{}/results", survey.id)).send().await.unwrap();
    assert_eq!(early.status(), 403);
    let closed = http
        .post(format!("{base}/admin/surveys/{}/close", survey.id))
        .header("X-Admin-Key", ADMIN)
        .send()
        .await
        .unwrap();
    assert!(closed.status().is_success());
    let results: serde_json::Value =
        http.get(format!("{base}/api/v1/surveys/{}/results", survey.id)).send().await.unwrap().json().await.unwrap();
    assert_eq!(results["responses"], 1);
    assert_eq!(results["questions"][0]["counts"], serde_json::json!([0, 1, 0]));
    c.refresh_consultations().await.unwrap();
    let s = c.surveys().unwrap().into_iter().find(|s| s.id == survey.id).unwrap();
    assert!(!s.open && s.results.is_some());
    srv.shutdown().await.unwrap();
}
