//! Property tests for every parser that takes outside input: whatever bytes
//! arrive, each answers with a value or an error, never a panic, and what it
//! builds from them stays in its lane. CI runs a bounded number of cases
//! (`PROPTEST_CASES` raises it; `./mycity test --fuzz` runs many more).
//!
//! A new parser joins with one `proptest!` block: random input, and input
//! mutated from a valid example.

use mycity_core::protocol::{
    attributes,
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

#[test]
fn a_png_bomb_is_refused_by_the_app_and_the_server_from_its_header() {
    let bomb = mycity_server::photo::png_bomb(50_000, 50_000);
    let t = std::time::Instant::now();
    assert!(photos::process(&bomb).is_err());
    assert!(mycity_server::photo::sanitize(&bomb).is_err());
    assert!(t.elapsed() < std::time::Duration::from_secs(1), "no pixel buffer was made");
}
