//! Property tests for every parser that takes outside input: whatever bytes
//! arrive, each answers with a value or an error, never a panic, and what it
//! builds from them stays in its lane. CI runs a bounded number of cases
//! (`PROPTEST_CASES` raises it; `./mycity test --fuzz` runs many more).
//!
//! A new parser joins with one `proptest!` block: random input, and input
//! mutated from a valid example.

use mycity_core::protocol::{
    air::AirReadings,
    attributes, cap,
    dossier::{DossierReply, Procedure},
    open311::{ErrorItem, RequestCreated, Service, ServiceDefinition, ServiceRequest, ServiceRequestUpdate},
};
use mycity_core::{
    dossier::check_code,
    emergency::{sos_message, tel_uri},
    pack::{bundled, DossierFormat},
    photos, CityPack, Fix, Lang, LatLon, Localized,
};
use proptest::prelude::*;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// `valid` with a few bytes overwritten, inserted or cut: near-valid input
/// reaches deeper into a parser than random bytes do.
fn mutate(valid: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut out = valid.to_vec();
    for &(at, byte, op) in edits {
        if out.is_empty() {
            break;
        }
        let i = at % out.len();
        match op % 4 {
            0 => out[i] = byte,
            1 => out.insert(i, byte),
            2 => {
                out.remove(i);
            }
            _ => out.truncate(i),
        }
    }
    out
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)
}

const OPEN311_SAMPLE: &str = r#"[{"service_request_id":"12","status":"open","extended_status":"in_progress",
"service_name":"Ổ gà","service_code":"pothole","description":"x","requested_datetime":"2026-11-29T10:00:00+07:00",
"updated_datetime":"2026-11-29T10:00:00+07:00","lat":16.06,"long":108.22,"media_url":"https://x/1.jpg"}]"#;

fn open311_parsers(bytes: &[u8]) {
    let _ = serde_json::from_slice::<Vec<ServiceRequest>>(bytes);
    let _ = serde_json::from_slice::<Vec<ServiceRequestUpdate>>(bytes);
    let _ = serde_json::from_slice::<Vec<RequestCreated>>(bytes);
    let _ = serde_json::from_slice::<Vec<Service>>(bytes);
    let _ = serde_json::from_slice::<ServiceDefinition>(bytes);
    let _ = serde_json::from_slice::<Vec<ErrorItem>>(bytes);
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn open311_replies_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), e in edits()) {
        open311_parsers(&bytes);
        open311_parsers(&mutate(OPEN311_SAMPLE.as_bytes(), &e));
    }

    #[test]
    fn open311_statuses_and_attribute_forms_never_panic(
        status in ".{0,40}",
        fields in prop::collection::vec(("(attribute\\[[a-z_]{0,12}\\](\\[\\])?|[a-z]{0,10})", ".{0,30}"), 0..12),
    ) {
        let _ = mycity_core::protocol::Status::parse(&status);
        let answers = attributes::from_form(&fields);
        let defs: Vec<mycity_core::protocol::open311::AttributeDef> =
            serde_json::from_str(r#"[{"variable":true,"code":"size","datatype":"singlevaluelist","required":true,
            "datatype_description":"","order":1,"description":"Size","values":[{"key":"small","name":"S"}]}]"#).unwrap();
        let _ = attributes::check(&defs, &answers);
    }

    #[test]
    fn dossier_codes_are_checked_never_panic(input in "\\PC{0,80}", raw in prop::collection::vec(any::<char>(), 0..100)) {
        let f = DossierFormat {
            pattern: "^[A-Z0-9]{2,6}-[0-9]{6}-[0-9]{4}$".into(),
            example: "000.00.22.H17-241120-0001".into(),
            system: Localized { vi: "x".into(), en: "x".into() },
        };
        for s in [input, raw.into_iter().collect::<String>()] {
            if let Ok(code) = check_code(&f, &s, time::macros::date!(2026 - 11 - 29)) {
                prop_assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'), "{code}");
            }
        }
    }

    #[test]
    fn tel_and_sms_uris_carry_nothing_but_their_number_and_encoded_text(
        number in "\\PC{0,40}",
        city_name in "\\PC{0,40}",
        lat in -90.0f64..90.0,
        lon in -180.0f64..180.0,
        accuracy in prop::option::of(any::<f64>()),
    ) {
        let tel = tel_uri(&number);
        prop_assert!(tel.starts_with("tel:"));
        prop_assert!(tel[4..].chars().all(|c| c.is_ascii_digit() || c == '+'), "{tel}");
        let city = Localized { vi: city_name.clone(), en: city_name };
        let fix = Fix { position: LatLon { lat, lon }, accuracy_m: accuracy };
        for lang in [Lang::Vi, Lang::En] {
            let m = sos_message(lang, &city, Some(fix), None, &number);
            let (to, body) = m.uri.strip_prefix("sms:").unwrap().split_once("?body=").unwrap();
            prop_assert!(to.chars().all(|c| c.is_ascii_digit() || c == '+'), "{to}");
            // One parameter only: the text cannot add `&to=` or break out of the URI.
            prop_assert!(!body.contains(['&', '?', '#', ' ', '\n', '"', '<']), "{body}");
            prop_assert!(m.uri.is_ascii());
        }
    }
}

proptest! {
    // Each case parses or decodes a few hundred KB: fewer cases.
    #![proptest_config(config(48))]

    #[test]
    fn city_packs_are_validated_never_panic(e in edits(), junk in prop::collection::vec(any::<u8>(), 0..256)) {
        let wire = bundled::wire("ha-giang").unwrap().unwrap();
        let mutated = String::from_utf8_lossy(&mutate(wire.as_bytes(), &e)).into_owned();
        if let Ok(pack) = CityPack::parse(&mutated) {
            prop_assert_eq!(pack.slug.as_str(), "ha-giang");
        }
        let _ = CityPack::parse(&String::from_utf8_lossy(&junk));
    }

    #[test]
    fn photos_decode_or_refuse_never_panic(e in edits(), junk in prop::collection::vec(any::<u8>(), 0..512)) {
        let jpeg = mycity_tests::jpeg_with_gps(48, 32);
        for input in [mutate(&jpeg, &e), junk.clone(), [&[0xFF, 0xD8, 0xFF][..], &junk[..]].concat()] {
            if let Ok(p) = photos::process(&input) {
                prop_assert!(p.jpeg.starts_with(&[0xFF, 0xD8]));
                prop_assert!(!mycity_tests::has_metadata(&p.jpeg));
            }
            if let Ok(clean) = mycity_server::photo::sanitize(&input) {
                prop_assert!(!mycity_tests::has_metadata(&clean));
            }
        }
        let png = mycity_server::photo::png_bomb(40_000, 40_000);
        prop_assert!(mycity_server::photo::sanitize(&mutate(&png, &e)).is_err());
    }
}

const CAP_SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>vn-kttv-2026-1129-001</identifier><sender>kttv@example.vn</sender>
  <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>vi-VN</language><category>Met</category><event>Lũ quét</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>2026-11-29T19:00:00+07:00</expires>
    <headline>Cảnh báo lũ quét &amp; sạt lở</headline><description>Mưa lớn &lt;100 mm&gt;.</description>
    <instruction>Tránh xa suối.</instruction>
    <area><areaDesc>Hà Giang</areaDesc><polygon>22.8,104.9 22.9,105.0 22.7,105.1 22.8,104.9</polygon>
      <circle>22.82,104.98 5</circle></area></info>
</alert>"#;

fn atom(entry_content: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id><title>t</title>
<updated>2026-11-29T00:00:00Z</updated><entry><id>urn:e</id><title>Lũ</title><updated>2026-11-29T00:00:00Z</updated>
<link rel="alternate" type="application/cap+xml" href="http://x/a.xml"/><content type="text/xml">{entry_content}</content></entry></feed>"#
    )
}

const DOSSIER_SAMPLE: &str = r#"{"code":"000.00.22.H17-241120-0001","city":"ha-giang","procedure_code":"1.002891.000.00.00.H15",
"procedure_name":"Cấp giấy phép xây dựng","agency":"UBND phường","applicant":"N*** V** A","received_at":"2026-11-20T08:00:00+07:00",
"appointment_at":"2026-12-05T17:00:00+07:00","status":4,"missing_papers":["Bản vẽ"],"amount_vnd":150000,
"history":[{"at":"2026-11-20T08:00:00+07:00","status":1,"unit":"Bộ phận một cửa","note":"Đã nhận"}],"updated_at":"2026-11-21T08:00:00+07:00"}"#;

const AIR_SAMPLE: &str = r#"{"city":"ha-giang","generated_at":"2026-11-29T07:05:00+07:00","stations":[{"id":"hg1","name":{"vi":"Trạm 1","en":"Station 1"},
"lat":22.82,"lon":104.98,"hours":[{"hour":"2026-11-29T07:00:00+07:00","pm25":35.5,"pm10":60.1,"o3":null}]}]}"#;

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn cap_alerts_and_atom_feeds_never_panic(junk in "\\PC{0,300}", e in edits()) {
        let _ = cap::parse(&junk);
        let _ = cap::parse_feed(&junk);
        let _ = mycity_core::alerts::parse_cap(&junk);
        let mutated = String::from_utf8_lossy(&mutate(CAP_SAMPLE.as_bytes(), &e)).into_owned();
        if let Ok(a) = cap::parse(&mutated) {
            // Whatever survives parses again the same way (no state kept between calls).
            prop_assert_eq!(Ok(a), cap::parse(&mutated));
        }
        let _ = mycity_core::alerts::parse_cap(&mutated);
        let feed = atom(CAP_SAMPLE.trim_start_matches(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
        let mutated = String::from_utf8_lossy(&mutate(feed.as_bytes(), &e)).into_owned();
        let _ = cap::parse_feed(&mutated);
        let _ = cap::parse_polygon(&junk);
        let _ = cap::parse_circle(&junk);
    }

    #[test]
    fn qr_payloads_of_sites_and_receipts_never_panic(junk in "\\PC{0,200}", e in edits(), id in "[a-z0-9-]{1,40}") {
        use mycity_core::{dossier::receipt, tourism::site};
        for text in [
            junk.clone(),
            String::from_utf8_lossy(&mutate(site::payload("da-nang", &id).as_bytes(), &e)).into_owned(),
            String::from_utf8_lossy(&mutate(b"mycity://dossier/000.00.22.H17-241120-0001?s=4821", &e)).into_owned(),
            String::from_utf8_lossy(&mutate("Mã hồ sơ: 000.00.15.H60-260318-0042 Mã bảo mật: 4821".as_bytes(), &e)).into_owned(),
            format!("https://dichvucong.example.vn/tra-cuu?ma={junk}&s={id}"),
        ] {
            if let Ok(r) = site::parse(&text) {
                // What a site code names stays a plain token: no path, query or markup.
                for part in [&r.city, &r.id] {
                    prop_assert!(part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{part:?}");
                }
            }
            let r = receipt::parse(&text);
            prop_assert!(r.code.chars().count() <= text.chars().count() + 1, "{r:?}");
        }
        // A site's own payload reads back as itself.
        let back = site::parse(&site::payload("da-nang", &id)).unwrap();
        prop_assert_eq!((back.city.as_str(), back.id.as_str()), ("da-nang", id.as_str()));
    }

    #[test]
    fn dossier_and_procedure_replies_never_panic(junk in prop::collection::vec(any::<u8>(), 0..400), e in edits()) {
        for bytes in [junk.clone(), mutate(DOSSIER_SAMPLE.as_bytes(), &e)] {
            let _ = serde_json::from_slice::<DossierReply>(&bytes);
            let _ = serde_json::from_slice::<Vec<Procedure>>(&bytes);
            let _ = serde_json::from_slice::<Vec<DossierReply>>(&bytes);
        }
    }

    #[test]
    fn air_readings_and_aqi_requests_never_panic(junk in prop::collection::vec(any::<u8>(), 0..400), e in edits()) {
        for bytes in [junk.clone(), mutate(AIR_SAMPLE.as_bytes(), &e)] {
            let _ = serde_json::from_slice::<AirReadings>(&bytes);
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(aqi) = mycity_core::air::aqi::evaluate(&text) {
                let _ = format!("{aqi:?}");
            }
        }
        let request = r#"{"hourly":{"pm25":[35.5,40.1,null,28.0],"pm10":[60.0],"o3_1h":80.0,"co":null}}"#;
        let _ = mycity_core::air::aqi::evaluate(&String::from_utf8_lossy(&mutate(request.as_bytes(), &e)));
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Real upright JPEGs (the server's lossless path) and real PNGs with
    /// bytes changed, put in or cut off, through the app's pipeline and the
    /// server's: an image or a refusal, and what the server keeps is one
    /// whole JPEG without metadata.
    #[test]
    fn mutated_real_jpegs_and_pngs_decode_or_refuse_never_panic(e in edits(), w in 8u32..64, h in 8u32..64) {
        let jpeg = mycity_tests::jpeg(w, h, w * h);
        let png = {
            let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 7, 200]));
            let mut out = Vec::new();
            img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
            out
        };
        // Edits aimed at the headers: the first 64 bytes hold SOI/APP0/DQT or the PNG signature and IHDR.
        let header_edits: Vec<_> = e.iter().map(|&(at, b, op)| (at % 64, b, op)).collect();
        for input in [mutate(&jpeg, &e), mutate(&jpeg, &header_edits), mutate(&png, &e), mutate(&png, &header_edits)] {
            if let Ok(p) = photos::process(&input) {
                prop_assert!(p.jpeg.starts_with(&[0xFF, 0xD8]));
            }
            if let Ok(clean) = mycity_server::photo::sanitize(&input) {
                prop_assert!(clean.starts_with(&[0xFF, 0xD8]) && clean.ends_with(&[0xFF, 0xD9]));
                prop_assert!(!mycity_tests::has_metadata(&clean));
            }
        }
    }
}

#[test]
fn a_png_bomb_is_refused_by_the_app_and_the_server_from_its_header() {
    let bomb = mycity_server::photo::png_bomb(50_000, 50_000);
    let t = std::time::Instant::now();
    assert!(photos::process(&bomb).is_err());
    assert!(mycity_server::photo::sanitize(&bomb).is_err());
    assert!(t.elapsed() < std::time::Duration::from_secs(1), "no pixel buffer was made");
}

/// The samples the mutations start from are valid, so mutated input reaches
/// past the first check.
#[test]
fn the_mutation_samples_are_valid() {
    cap::parse(CAP_SAMPLE).unwrap();
    let feed =
        cap::parse_feed(&atom(CAP_SAMPLE.trim_start_matches(r#"<?xml version="1.0" encoding="UTF-8"?>"#))).unwrap();
    assert!(matches!(feed[0].alert, Some(Ok(_))), "{feed:?}");
    serde_json::from_str::<DossierReply>(DOSSIER_SAMPLE).unwrap();
    serde_json::from_str::<AirReadings>(AIR_SAMPLE).unwrap();
    mycity_core::tourism::site::parse(&mycity_core::tourism::site::payload("da-nang", "da-nang-cau-rong")).unwrap();
}
