//! The public scorecard (issue 16) from the reference server to the core:
//! the core stores the card and builds the screen's figures from it; an
//! unchanged card is a 304; with the server
//! gone the stored figures stay readable, flagged offline, with their age.

use mycity_core::protocol::scorecard::Scorecard;
use mycity_tests::{core, server_with, ServerConfig};

#[tokio::test]
async fn the_card_reaches_the_screen_and_stays_readable_offline() {
    let srv = server_with(ServerConfig { history: true, ..Default::default() }).await;
    let base = format!("http://{}", srv.addr);
    let (_d, core) = core(Some(base.clone()));
    assert_eq!(core.scorecard().unwrap(), None, "nothing before the first download");
    assert!(core.refresh_scorecard().await.unwrap());
    let view = core.scorecard().unwrap().unwrap();
    let served: Scorecard =
        reqwest::get(format!("{base}/api/v1/cities/ha-giang/scorecard")).await.unwrap().json().await.unwrap();
    assert!(served.overall.received >= 300, "{}", served.overall.received);
    assert_eq!(view.months.len(), 6);
    assert_eq!(view.headlines[0].id, "within");
    assert!(view.headlines[0].met.is_some() && view.headlines[1].met.is_some());
    assert_eq!(view.worst.len(), 3);
    assert!(view.chart_svg.contains("<rect"));
    assert!(!view.offline && !view.stale);
    assert!(!core.refresh_scorecard().await.unwrap(), "unchanged: a 304");

    srv.shutdown().await.unwrap();
    assert!(core.refresh_scorecard().await.is_err());
    let offline = core.scorecard().unwrap().unwrap();
    assert!(offline.offline && offline.stale);
    assert_eq!((offline.headlines, offline.months), (view.headlines, view.months), "the stored figures stay");
}
