//! Air quality from the reference server to the core: the core stores every
//! station's hours and computes each VN_AQI exactly as from the server's own
//! answer; an unchanged answer is a 304; hours posted by staff show at once;
//! the sync engine refreshes on its own and says so.

use std::time::Duration;

use mycity_core::{
    air::{aqi::Pollutant, station_now, Means},
    protocol::air::AirReadings,
    LatLon, SyncEvent,
};
use mycity_tests::{core, server};

fn unix(rfc3339: &str) -> i64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap().unix_timestamp()
}

async fn served(base: &str) -> AirReadings {
    reqwest::get(format!("{base}/api/v1/cities/ha-giang/air")).await.unwrap().json().await.unwrap()
}

/// Each station's index as the core gives it, by station id.
fn indices(q: &mycity_core::air::AirQuality) -> Vec<(String, Option<u32>)> {
    let mut v: Vec<_> = q.stations.iter().map(|s| (s.station.id.clone(), s.aqi.as_ref().map(|a| a.aqi))).collect();
    v.sort();
    v
}

/// What the core should say of each station, computed from the server's JSON, by station id.
fn expected(r: &AirReadings, now: i64) -> Vec<(String, Option<u32>)> {
    let mut v: Vec<_> = r
        .stations
        .iter()
        .map(|s| {
            let hours: Vec<(i64, Means)> =
                s.hours.iter().map(|h| (unix(&h.hour), [h.pm25, h.pm10, h.o3, h.no2, h.so2, h.co])).collect();
            (s.id.clone(), station_now(&hours, now).2.ok().map(|a| a.aqi))
        })
        .collect();
    v.sort();
    v
}

/// The seeded readings move on at each full hour, which would turn an
/// expected 304 into a 200: a test that starts in an hour's last minute
/// waits for the next one.
async fn clear_of_the_hour() {
    let into_hour = mycity_core::city::now().rem_euclid(3600);
    if into_hour > 3540 {
        tokio::time::sleep(Duration::from_secs((3601 - into_hour) as u64)).await;
    }
}

#[tokio::test]
async fn stations_readings_and_indices_flow_from_server_to_core() {
    clear_of_the_hour().await;
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));

    // Offline first: the pack's three stations, no readings yet.
    let before = core.air_quality(None).unwrap();
    assert_eq!(before.stations.len(), 3);
    assert!(before.stations.iter().all(|s| s.aqi.is_none() && s.stale));

    let answer = served(&base).await;
    assert_eq!(answer.stations.len(), 3);
    assert!(answer.stations.iter().all(|s| s.hours.len() > 12 && s.hours.len() <= 24));
    assert!(core.refresh_air().await.unwrap());
    assert!(!core.refresh_air().await.unwrap(), "an unchanged answer is a 304");

    let now = mycity_core::city::now();
    let q = core.air_quality(None).unwrap();
    assert_eq!(indices(&q), expected(&answer, now));
    assert!(q.stations.iter().any(|s| s.aqi.is_some()), "{q:?}");
    for s in &q.stations {
        assert!(s.age_s.unwrap() < 2 * 3600 && !s.stale, "{s:?}");
    }

    // Staff post three bad hours at Trần Phú: the next refresh brings them.
    let last = answer.stations[0].hours.last().unwrap().hour.clone();
    let t = unix(&last);
    let hours: Vec<serde_json::Value> = (0..3)
        .map(|k| {
            let at = time::OffsetDateTime::from_unix_timestamp(t - k * 3600)
                .unwrap()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            serde_json::json!({ "hour": at, "pm25": 200.0, "pm10": 250.0, "no2": 80.0 })
        })
        .collect();
    let posted = reqwest::Client::new()
        .post(format!("{base}/admin/cities/ha-giang/air"))
        .header("X-Admin-Key", "demo-admin")
        .json(&serde_json::json!({ "station": "hg-aq-1", "hours": hours }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    let refused = reqwest::Client::new()
        .post(format!("{base}/admin/cities/ha-giang/air"))
        .header("X-Admin-Key", "demo-admin")
        .json(&serde_json::json!({ "station": "hg-aq-1", "hours": [{ "hour": last, "pm25": -1.0 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400, "negative concentrations are refused");

    assert!(core.refresh_air().await.unwrap());
    let answer = served(&base).await;
    let q = core.air_quality(Some(LatLon { lat: 22.8241, lon: 104.9801 })).unwrap();
    let near = q.nearest().unwrap();
    assert_eq!(near.station.id, "hg-aq-1");
    assert!(near.distance_m.unwrap() < 50.0);
    let aqi = near.aqi.as_ref().unwrap();
    assert!(aqi.aqi > 200, "{aqi:?}");
    assert_eq!(aqi.dominant, Pollutant::Pm25);
    let now = mycity_core::city::now();
    assert_eq!(indices(&q), expected(&answer, now));
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sync_engine_refreshes_air_and_says_so() {
    let srv = server().await;
    let (_d, core) = core(Some(format!("http://{}", srv.addr)));
    let mut events = core.subscribe();
    core.start_sync().unwrap();
    let got = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(e) = events.next().await {
            if let SyncEvent::AirChanged { slug } = e {
                return slug;
            }
        }
        String::new()
    })
    .await
    .expect("an AirChanged event");
    assert_eq!(got, "ha-giang");
    assert!(core.air_quality(None).unwrap().fetched_at.is_some());
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unknown_city_is_a_404_and_an_unchanged_answer_a_304() {
    clear_of_the_hour().await;
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let r = reqwest::get(format!("{base}/api/v1/cities/atlantis/air")).await.unwrap();
    assert_eq!(r.status(), 404);
    let r = reqwest::get(format!("{base}/api/v1/cities/da-nang/air")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json; charset=utf-8");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    // A second later the answer's time has moved on, its readings have not.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = reqwest::Client::new()
        .get(format!("{base}/api/v1/cities/da-nang/air"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    srv.shutdown().await.unwrap();
}
