//! Hand-written samples in the styles of real publishers (none copied).

use super::*;

/// US National Weather Service style: default namespace, `eventCode`,
/// `parameter`s, SAME/UGC geocodes, one polygon.
const NWS_STYLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>urn:oid:2.49.0.1.840.0.aa11bb22cc33.001.1</identifier>
  <sender>w-nws.webmaster@noaa.gov</sender>
  <sent>2026-11-29T03:15:00-06:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <code>IPAWSv1.0</code>
  <info>
    <language>en-US</language>
    <category>Met</category>
    <event>Flash Flood Warning</event>
    <responseType>Avoid</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <eventCode><valueName>SAME</valueName><value>FFW</value></eventCode>
    <effective>2026-11-29T03:15:00-06:00</effective>
    <onset>2026-11-29T03:15:00-06:00</onset>
    <expires>2026-11-29T06:15:00-06:00</expires>
    <senderName>NWS Example City TX</senderName>
    <headline>Flash Flood Warning issued November 29 at 3:15AM CST until 6:15AM CST</headline>
    <description>* WHAT...Flash flooding caused by excessive rainfall &amp; runoff.
* WHERE...Low water crossings &lt;in town&gt;.</description>
    <instruction>Turn around, don't drown when encountering flooded roads.</instruction>
    <web>http://www.weather.gov</web>
    <parameter><valueName>VTEC</valueName><value>/O.NEW.KEWX.FF.W.0042.261129T0915Z-261129T1215Z/</value></parameter>
    <parameter><valueName>flashFloodDetection</valueName><value>RADAR INDICATED</value></parameter>
    <area>
      <areaDesc>Bexar, TX; Comal, TX</areaDesc>
      <polygon>29.55,-98.61 29.71,-98.52 29.62,-98.30 29.44,-98.41 29.55,-98.61</polygon>
      <geocode><valueName>SAME</valueName><value>048029</value></geocode>
      <geocode><valueName>UGC</valueName><value>TXC029</value></geocode>
    </area>
  </info>
</alert>"#;

/// MeteoAlarm style: one info per language, awareness parameters, EMMA_ID
/// geocodes and no geometry.
const METEOALARM_STYLE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>2.49.0.0.40.0.AT.261129080000.1234</identifier>
  <sender>sample-hub@example.eu</sender>
  <sent>2026-11-29T08:00:00+01:00</sent>
  <status>Actual</status>
  <msgType>Update</msgType>
  <scope>Public</scope>
  <references>sample-hub@example.eu,2.49.0.0.40.0.AT.261128080000.1200,2026-11-28T08:00:00+01:00</references>
  <info>
    <language>de-DE</language>
    <category>Met</category>
    <event>Schneefall</event>
    <urgency>Future</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <onset>2026-11-30T00:00:00+01:00</onset>
    <expires>2026-11-30T18:00:00+01:00</expires>
    <headline>Gelbe Warnung vor Schneefall</headline>
    <parameter><valueName>awareness_level</valueName><value>2; yellow; Moderate</value></parameter>
    <parameter><valueName>awareness_type</valueName><value>2; snow-ice</value></parameter>
    <area><areaDesc>Bergland</areaDesc><geocode><valueName>EMMA_ID</valueName><value>AT001</value></geocode></area>
  </info>
  <info>
    <language>en-GB</language>
    <category>Met</category>
    <event>Snowfall</event>
    <urgency>Future</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <onset>2026-11-30T00:00:00+01:00</onset>
    <expires>2026-11-30T18:00:00+01:00</expires>
    <headline>Yellow snowfall warning</headline>
    <area><areaDesc>Highlands</areaDesc><geocode><valueName>EMMA_ID</valueName><value>AT001</value></geocode></area>
  </info>
</alert>"#;

/// Environment Canada style: bilingual infos, extra elements in another
/// namespace, a `Z` time and a circle.
const EC_STYLE: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" xmlns:ec="http://example.ca/ec-extension">
  <identifier>urn:oid:2.49.0.1.124.9988776655.2026</identifier>
  <sender>cap-pac@example.ca</sender>
  <sent>2026-11-29T12:00:00Z</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <source>Env. Can. - Can. Met. Ctr. – Montréal</source>
  <scope>Public</scope>
  <code>profile:CAP-CP:0.4</code>
  <ec:ingest when="now">ignored</ec:ingest>
  <info>
    <language>fr-CA</language>
    <category>Met</category>
    <event>pluie verglaçante</event>
    <urgency>Expected</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <expires>2026-11-30T12:00:00Z</expires>
    <headline>avertissement de pluie verglaçante en vigueur</headline>
    <area><areaDesc>Ville de Québec</areaDesc><circle>46.81,-71.21 25</circle>
      <geocode><valueName>layer:EC-MSC-SMC:1.0:CLC</valueName><value>024100</value></geocode></area>
  </info>
  <info>
    <language>en-CA</language>
    <category>Met</category>
    <event>freezing rain</event>
    <urgency>Expected</urgency>
    <severity>Moderate</severity>
    <certainty>Very Likely</certainty>
    <expires>2026-11-30T12:00:00Z</expires>
    <headline>freezing rain warning in effect</headline>
    <area><areaDesc>Québec City</areaDesc><circle>46.81,-71.21 25</circle></area>
  </info>
</alert>"#;

/// PAGASA style: a `cap:` prefix on every element, CDATA description.
const PAGASA_STYLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
  <cap:identifier>PH-SAMPLE-TCWS-2026-11-29-01</cap:identifier>
  <cap:sender>sample@example.ph</cap:sender>
  <cap:sent>2026-11-29T05:00:00+08:00</cap:sent>
  <cap:status>Actual</cap:status>
  <cap:msgType>Alert</cap:msgType>
  <cap:scope>Public</cap:scope>
  <cap:info>
    <cap:category>Met</cap:category>
    <cap:event>Tropical Cyclone Wind Signal No. 2</cap:event>
    <cap:urgency>Expected</cap:urgency>
    <cap:severity>Extreme</cap:severity>
    <cap:certainty>Observed</cap:certainty>
    <cap:expires>2026-11-29T11:00:00+08:00</cap:expires>
    <cap:description><![CDATA[Gale-force winds <62-88 km/h> expected within 24 hours.]]></cap:description>
    <cap:area>
      <cap:areaDesc>Eastern Samar</cap:areaDesc>
      <cap:polygon>11.0,125.0 12.0,125.0 12.0,126.0 11.0,126.0 11.0,125.0</cap:polygon>
    </cap:area>
  </cap:info>
</cap:alert>"#;

#[test]
fn nws_style_reads_every_field() {
    let a = parse(NWS_STYLE).unwrap();
    assert_eq!(a.identifier, "urn:oid:2.49.0.1.840.0.aa11bb22cc33.001.1");
    assert_eq!((a.status, a.msg_type, a.scope), (Status::Actual, MsgType::Alert, Scope::Public));
    let i = &a.info[0];
    assert_eq!(i.language, "en-US");
    assert_eq!((i.urgency, i.severity, i.certainty), (Urgency::Immediate, Severity::Severe, Certainty::Likely));
    assert!(i.description.as_deref().unwrap().contains("rainfall & runoff"));
    assert!(i.description.as_deref().unwrap().contains("<in town>"));
    assert_eq!(i.parameters.len(), 2);
    assert_eq!(i.areas[0].polygons[0].len(), 5);
    assert_eq!(i.areas[0].polygons[0][0], [29.55, -98.61]);
    assert_eq!(i.areas[0].geocodes[1], ValuePair { value_name: "UGC".into(), value: "TXC029".into() });
    assert_eq!(a.expires_at(), instant("2026-11-29T06:15:00-06:00").unwrap());
}

#[test]
fn meteoalarm_style_update_keeps_its_reference_and_languages() {
    let a = parse(METEOALARM_STYLE).unwrap();
    assert_eq!(a.msg_type, MsgType::Update);
    assert_eq!(a.references[0].identifier, "2.49.0.0.40.0.AT.261128080000.1200");
    assert_eq!(a.references[0].sent, "2026-11-28T08:00:00+01:00");
    assert_eq!(a.info_for("vi").unwrap().language, "en-GB", "no Vietnamese: English");
    assert_eq!(a.info_for("de").unwrap().event, "Schneefall");
    assert!(a.info[0].areas[0].polygons.is_empty());
}

#[test]
fn environment_canada_style_with_foreign_elements_and_circles() {
    let a = parse(EC_STYLE).unwrap();
    assert_eq!(a.info.len(), 2);
    assert_eq!(a.info_for("en").unwrap().certainty, Certainty::Likely, "CAP 1.0's Very Likely");
    assert_eq!(a.info_for("vi").unwrap().language, "en-CA");
    assert_eq!(a.info[0].areas[0].circles[0], Circle { centre: [46.81, -71.21], radius_km: 25.0 });
    assert_eq!(instant(&a.sent), Some(instant("2026-11-29T12:00:00+00:00").unwrap()));
}

#[test]
fn pagasa_style_prefixes_and_cdata() {
    let a = parse(PAGASA_STYLE).unwrap();
    assert_eq!(a.info[0].language, "en-US", "CAP's default language");
    assert_eq!(a.severity(), Severity::Extreme);
    assert!(a.info[0].description.as_deref().unwrap().contains("<62-88 km/h>"));
}

#[test]
fn vietnamese_first_then_english_then_first() {
    let mut a = parse(METEOALARM_STYLE).unwrap();
    let mut vi = a.info[1].clone();
    vi.language = "vi-VN".into();
    vi.event = "Tuyết rơi".into();
    a.info.push(vi);
    assert_eq!(a.info_for("vi").unwrap().event, "Tuyết rơi");
    assert_eq!(a.info_for("en").unwrap().event, "Snowfall");
    a.info.retain(|i| i.language == "de-DE");
    assert_eq!(a.info_for("en").unwrap().event, "Schneefall");
}

#[test]
fn written_documents_read_back_the_same() {
    for doc in [NWS_STYLE, METEOALARM_STYLE, EC_STYLE, PAGASA_STYLE] {
        let a = parse(doc).unwrap();
        assert_eq!(parse(&a.to_xml()).unwrap(), a);
    }
}

fn err(doc: &str) -> Invalid {
    parse(doc).unwrap_err()
}

#[test]
fn missing_required_elements_are_named() {
    assert_eq!(err(&NWS_STYLE.replace("<sender>w-nws.webmaster@noaa.gov</sender>", "")).element, "sender");
    assert_eq!(err(&NWS_STYLE.replace("<scope>Public</scope>", "")).element, "scope");
    assert_eq!(err(&NWS_STYLE.replace("<event>Flash Flood Warning</event>", "")).element, "event");
    assert_eq!(err(&NWS_STYLE.replace("<category>Met</category>", "")).element, "category");
    assert_eq!(err(&NWS_STYLE.replace("<areaDesc>Bexar, TX; Comal, TX</areaDesc>", "")).element, "areaDesc");
    assert_eq!(err(&NWS_STYLE.replace("<severity>Severe</severity>", "<severity>Bad</severity>")).element, "severity");
    assert_eq!(err(&NWS_STYLE.replace("2026-11-29T03:15:00-06:00</sent>", "yesterday</sent>")).element, "sent");
    let no_refs = METEOALARM_STYLE.replace(
        "<references>sample-hub@example.eu,2.49.0.0.40.0.AT.261128080000.1200,2026-11-28T08:00:00+01:00</references>",
        "",
    );
    assert_eq!(err(&no_refs).element, "references");
    let bad_ref = METEOALARM_STYLE.replace(",2026-11-28T08:00:00+01:00</references>", "</references>");
    assert_eq!(err(&bad_ref).element, "references");
}

#[test]
fn polygons_must_be_closed_with_four_points() {
    let open = NWS_STYLE.replace("29.44,-98.41 29.55,-98.61<", "29.44,-98.41 29.50,-98.61<");
    let e = err(&open);
    assert_eq!(e.element, "polygon");
    assert!(e.reason.contains("not closed"), "{e}");
    let three = NWS_STYLE.replace("29.55,-98.61 29.71,-98.52 29.62,-98.30 29.44,-98.41 29.55,-98.61", "1,1 2,2 1,1");
    assert!(err(&three).reason.contains("at least 4"));
    assert_eq!(err(&NWS_STYLE.replace("29.71,-98.52", "29.71;-98.52")).element, "polygon");
    assert_eq!(err(&EC_STYLE.replace("46.81,-71.21 25<", "46.81,-71.21<")).element, "circle");
}

#[test]
fn malformed_xml_and_entity_tricks_are_refused_safely() {
    assert_eq!(err("<alert><identifier>x</alert>").element, "xml");
    assert_eq!(err("not xml at all").element, "xml");
    assert_eq!(err("").element, "xml");
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert><identifier>&lol3;</identifier></alert>"#;
    let e = err(laughs);
    assert!(e.reason.contains("DOCTYPE"), "{e}");
    let external = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert>&x;</alert>"#;
    assert!(err(external).reason.contains("DOCTYPE"));
    // An undeclared entity without a DOCTYPE is refused, not left in the text.
    let e = err(&NWS_STYLE.replace("runoff", "&xxe;"));
    assert!(e.reason.contains("&xxe;"), "{e}");
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(err(&deep).reason.contains("nested"));
    assert_eq!(err("<feed/>").element, "alert");
}

#[test]
fn in_force_follows_updates_and_cancels_in_any_order() {
    let original = parse(NWS_STYLE).unwrap();
    let t0 = instant(&original.sent).unwrap();
    let mut update = original.clone();
    update.identifier.push_str(".2");
    update.msg_type = MsgType::Update;
    update.references = vec![original.key()];
    let mut cancel = update.clone();
    cancel.identifier.push_str(".3");
    cancel.msg_type = MsgType::Cancel;
    cancel.references = vec![original.key(), update.key()];
    let ids = |v: Vec<&Alert>| v.into_iter().map(|a| a.identifier.clone()).collect::<Vec<_>>();
    assert_eq!(ids(in_force(std::slice::from_ref(&original), t0)), [original.identifier.as_str()]);
    assert_eq!(ids(in_force(&[original.clone(), update.clone()], t0)), [update.identifier.clone()]);
    assert_eq!(ids(in_force(&[update.clone(), original.clone()], t0)), [update.identifier.clone()]);
    assert!(in_force(&[cancel.clone(), original.clone(), update.clone()], t0).is_empty());
    // Expired alerts are dropped.
    assert!(in_force(std::slice::from_ref(&original), t0 + 4 * 3600).is_empty());
    // Tests and exercises never show.
    let mut test = original.clone();
    test.status = Status::Test;
    assert!(in_force(&[test], t0).is_empty());
    // No expiry: a day.
    let mut open = parse(PAGASA_STYLE).unwrap();
    open.info[0].expires = None;
    let sent = instant(&open.sent).unwrap();
    assert_eq!(open.expires_at(), sent + DEFAULT_LIFETIME_S);
}

#[test]
fn feeds_carry_alerts_and_links() {
    let a = parse(NWS_STYLE).unwrap();
    let b = parse(PAGASA_STYLE).unwrap();
    let entries = [
        OutEntry { id: "urn:a".into(), link: "http://x/a.xml".into(), updated: a.sent.clone(), alert: &a },
        OutEntry { id: "urn:b".into(), link: "http://x/b.xml".into(), updated: b.sent.clone(), alert: &b },
    ];
    let feed = write_feed("urn:feed", "Cảnh báo & tin", "2026-11-29T00:00:00Z", "http://x/feed", &entries);
    let read = parse_feed(&feed).unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].link.as_deref(), Some("http://x/a.xml"));
    assert_eq!(read[1].alert.clone().unwrap().unwrap(), b);
    assert_eq!(read[0].title, a.info[0].headline.clone().unwrap());
    // A broken alert spoils its own entry only.
    let broken = feed.replace("<event>Flash Flood Warning</event>", "");
    let read = parse_feed(&broken).unwrap();
    assert_eq!(read[0].alert.clone().unwrap().unwrap_err().element, "event");
    assert!(read[1].alert.clone().unwrap().is_ok());
    assert_eq!(parse_feed(NWS_STYLE).unwrap_err().element, "feed");
}
