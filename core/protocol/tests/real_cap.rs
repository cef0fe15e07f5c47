//! CAP 1.2 documents and Atom feeds in the shapes real publishers send
//! (US NWS/IPAWS, MeteoAlarm, CAP-AU, the Philippines, Canada, a Vietnamese
//! hydro-meteorological service). The fixtures are hand-written samples of
//! those shapes, not copies of real messages.

use std::path::PathBuf;

use mycity_protocol::cap::{self, Certainty, MsgType, Scope, Severity, Urgency};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cap").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn alert(name: &str) -> cap::Alert {
    cap::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_document_parses_and_writes_back_the_same() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cap");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".xml") {
            let a = alert(&name);
            assert_eq!(cap::parse(&a.to_xml()).unwrap(), a, "{name} round trip");
            n += 1;
        }
    }
    assert!(n >= 8, "{n} fixtures");
}

#[test]
fn ipaws_warning_with_signature_resource_and_many_parameters() {
    let a = alert("us-nws-ipaws.xml");
    assert_eq!(a.note.as_deref(), Some("Sample document written for MyCity's parser tests."));
    let i = &a.info[0];
    assert_eq!((i.urgency, i.severity, i.certainty), (Urgency::Immediate, Severity::Extreme, Certainty::Observed));
    assert_eq!(i.parameters.len(), 8);
    assert_eq!(i.parameters.iter().filter(|p| p.value_name == "BLOCKCHANNEL").count(), 2);
    let ring = &i.areas[0].polygons[0];
    assert_eq!(ring.len(), 19, "points across lines and tabs");
    assert_eq!(ring[3], [35.47, -97.55]);
    assert_eq!(i.areas[0].geocodes.len(), 4);
    assert!(i.description.as_deref().unwrap().contains("HAZARD...Damaging tornado."));
    assert_eq!(cap::instant(&a.sent), Some(cap::instant("2026-11-29T09:42:00Z").unwrap()), "-05:00 offset");
    assert_eq!(a.expires_at(), cap::instant("2026-11-29T10:15:00Z").unwrap());
}

#[test]
fn update_names_every_referenced_message() {
    let a = alert("us-update-several-references.xml");
    assert_eq!(a.msg_type, MsgType::Update);
    let ids: Vec<&str> = a.references.iter().map(|r| r.identifier.as_str()).collect();
    assert_eq!(
        ids,
        ["urn:oid:2.49.0.1.840.0.77aa.001.1", "urn:oid:2.49.0.1.840.0.77aa.002.1", "urn:oid:2.49.0.1.840.0.6611.001.1"]
    );
    assert_eq!(a.info[0].areas.len(), 2);
    // The update replaces what it names, in either order.
    let mut old = a.clone();
    old.identifier = "urn:oid:2.49.0.1.840.0.77aa.002.1".into();
    old.msg_type = MsgType::Alert;
    old.references.clear();
    let now = cap::instant(&a.sent).unwrap();
    let both = [old, a.clone()];
    let live = cap::in_force(&both, now);
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].identifier, a.identifier);
}

#[test]
fn meteoalarm_languages_pick_the_persons_then_english() {
    let a = alert("eu-meteoalarm.xml");
    assert_eq!(a.info.len(), 4);
    assert_eq!(a.info_for("vi").unwrap().language, "en-GB");
    assert_eq!(a.info_for("fr").unwrap().event, "Fortes chutes de neige");
    assert_eq!(a.info[0].parameters[0].value, "2; yellow; Moderate");
    assert_eq!(a.info[0].areas[0].geocodes[1].value_name, "NUTS3");
}

#[test]
fn cap_au_prefixed_with_point_circle_and_half_hour_offset() {
    let a = alert("au-cap-au.xml");
    assert_eq!(a.identifier, "AU-SAMPLE-EM-2026-11-29-0042");
    let area = &a.info[0].areas[0];
    assert_eq!(area.circles[0], cap::Circle { centre: [-33.72, 150.34], radius_km: 0.0 });
    assert_eq!(area.polygons[0].len(), 6);
    assert_eq!(area.geocodes[0].value, "LGA12345");
    assert_eq!(a.expires_at(), cap::instant("2026-11-29T12:00:00Z").unwrap(), "+10:30");
}

#[test]
fn other_prefixes_cdata_and_polygons_on_many_lines() {
    let a = alert("ph-typhoon.xml");
    assert_eq!(a.info.len(), 2);
    let east = &a.info[0].areas[1];
    assert_eq!(east.polygons[0].len(), 5);
    assert_eq!(east.circles[0].radius_km, 150.5);
    assert!(a.info[0].description.as_deref().unwrap().contains("<storm-force>"));
    assert!(a.info[0].description.as_deref().unwrap().contains("rough & dangerous"));
}

#[test]
fn vietnamese_document_names_its_wards() {
    let a = alert("vn-kttv.xml");
    let vi = a.info_for("vi").unwrap();
    assert_eq!(vi.event, "Lũ trên sông Hiếu");
    assert_eq!(vi.category, ["Met", "Safety"]);
    let wards: Vec<&str> =
        vi.areas[0].geocodes.iter().filter(|g| g.value_name == cap::GEOCODE_WARD).map(|g| g.value.as_str()).collect();
    assert_eq!(wards, ["19333", "19351"]);
    assert_eq!(a.info_for("en").unwrap().headline.as_deref(), Some("Hiếu River at Đông Hà above alarm level II"));
}

#[test]
fn byte_order_mark_crlf_and_utc_written_as_minus_zero() {
    let a = alert("ca-bom-crlf-restricted.xml");
    assert_eq!(a.scope, Scope::Restricted);
    assert_eq!(cap::instant(&a.sent), cap::instant("2026-11-29T12:00:00Z"), "CAP writes UTC as -00:00");
    assert_eq!(a.info[0].areas[0].circles[0].radius_km, 0.0);
    assert!(a.info[0].headline.as_deref().unwrap().ends_with("plant"), "no stray carriage return");
    assert!(cap::in_force(&[a], 0).is_empty(), "a restricted message is not for the public");
}

#[test]
fn cancel_without_info_cancels_both_references() {
    let c = alert("cancel-several-references.xml");
    assert!(c.info.is_empty());
    assert_eq!(c.references.len(), 2);
    let v = alert("vn-kttv.xml");
    let now = cap::instant(&v.sent).unwrap();
    assert_eq!(cap::in_force(std::slice::from_ref(&v), now).len(), 1);
    assert!(cap::in_force(&[v, c], now).is_empty());
}

#[test]
fn summary_feed_links_each_document() {
    let entries = cap::parse_feed(&fixture("feed-summary-entries.atom")).unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.alert.is_none()), "summaries are not alerts");
    assert_eq!(entries[0].link.as_deref(), Some("https://alerts.example.invalid/cap/doc/a1.xml"));
    assert_eq!(entries[1].link.as_deref(), Some("https://alerts.example.invalid/cap/doc/a2.xml"), "the CAP link");
    assert_eq!(entries[1].title, "Winter Storm Warning issued November 29 at 9:05AM EST");
}

#[test]
fn embedded_feed_carries_whole_alerts_in_any_prefix() {
    let entries = cap::parse_feed(&fixture("feed-embedded.atom")).unwrap();
    assert_eq!(entries.len(), 2);
    let first = entries[0].alert.clone().unwrap().unwrap();
    assert_eq!(first.identifier, "VN-KTTV-QT-2026-1129-LU-002");
    assert_eq!(entries[0].link.as_deref(), Some("https://hub.example.vn/cap/2.xml"));
    let second = entries[1].alert.clone().unwrap().unwrap();
    assert_eq!(second.info[0].areas[0].circles[0].radius_km, 40.0);
    assert_eq!(second.expires_at(), cap::instant(&second.sent).unwrap() + cap::DEFAULT_LIFETIME_S);
}

#[test]
fn feed_with_the_alert_escaped_as_text_content() {
    let doc = fixture("vn-kttv.xml");
    let body = doc.split_once("?>").unwrap().1;
    let escaped = body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let feed = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>f</id><title>t</title><updated>2026-11-29T06:31:00+07:00</updated>\
         <entry><id>e</id><title>t</title><updated>2026-11-29T06:31:00+07:00</updated>\
         <content type=\"text\">{escaped}</content></entry></feed>"
    );
    let entries = cap::parse_feed(&feed).unwrap();
    assert_eq!(entries[0].alert.clone().unwrap().unwrap().identifier, "VN-KTTV-QT-2026-1129-LU-002");
}

#[test]
fn bad_documents_stay_refused() {
    let good = fixture("vn-kttv.xml");
    let refused = |doc: &str| cap::parse(doc).unwrap_err();
    // Unknown elements are fine; missing or malformed required ones are not.
    assert!(cap::parse(&good.replace("<note>", "<madeUp>x</madeUp><note>")).is_ok());
    assert_eq!(refused(&good.replace("<status>Actual</status>", "")).element, "status");
    assert_eq!(refused(&good.replace("16.800,107.060</polygon>", "16.800,107.061</polygon>")).element, "polygon");
    assert_eq!(refused(&good.replace("</alert>", "")).element, "xml");
    let lol = format!("<!DOCTYPE a [<!ENTITY x \"y\">]>{}", good.split_once("?>").unwrap().1);
    assert!(refused(&lol).reason.contains("DOCTYPE"));
}
