use super::*;

fn doc(id: &str, msg_type: &str, refs: &str, severity: &str, area: &str, expires: &str) -> Alert {
    cap::parse(&format!(
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{id}</identifier><sender>s</sender>
        <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>{msg_type}</msgType><scope>Public</scope>{refs}
        <info><language>en-US</language><category>Met</category><event>Flood</event><urgency>Immediate</urgency>
        <severity>{severity}</severity><certainty>Observed</certainty><expires>{expires}</expires><headline>Flood {id}</headline>{area}</info>
        <info><language>vi-VN</language><category>Met</category><event>Lũ</event><urgency>Immediate</urgency>
        <severity>{severity}</severity><certainty>Observed</certainty><expires>{expires}</expires><headline>Lũ {id}</headline>{area}</info></alert>"#
    ))
    .unwrap()
}

const WARD: &str =
    "<area><areaDesc>P. Đông Hà</areaDesc><geocode><valueName>ward</valueName><value>19333</value></geocode></area>";
const EXP: &str = "2026-11-30T07:00:00+07:00";
const T: i64 = 1_795_910_400; // 2026-11-29T07:00:00+07:00, before EXP

#[test]
fn in_force_sorted_concerning_then_loudest_in_language() {
    let a = doc("a", "Alert", "", "Moderate", WARD, EXP);
    let b = doc(
        "b",
        "Alert",
        "",
        "Extreme",
        "<area><areaDesc>x</areaDesc><geocode><valueName>ward</valueName><value>1</value></geocode></area>",
        EXP,
    );
    let c = doc("c", "Alert", "", "Minor", "", EXP);
    let msgs = vec![(a, 1), (b, 1), (c, 1)];
    let list = in_force_for(&msgs, "dong-ha", "vi", T, None, None, Some("19333"));
    let ids: Vec<(&str, bool)> = list.iter().map(|(x, _)| (x.identifier.as_str(), x.relevant)).collect();
    assert_eq!(ids, [("a", true), ("c", true), ("b", false)]);
    assert_eq!(list[0].0.headline, "Lũ a");
    assert_eq!(in_force_for(&msgs, "dong-ha", "en", T, None, None, None)[0].0.headline, "Flood c");
    assert_eq!(list[0].0.banner.level, Level::Watch);
    assert_eq!(list[0].0.wards, ["19333"]);
}

#[test]
fn cancel_and_expiry_remove_alerts() {
    let a = doc("a", "Alert", "", "Severe", WARD, EXP);
    let cancel = doc("z", "Cancel", "<references>s,a,2026-11-29T07:00:00+07:00</references>", "Minor", WARD, EXP);
    assert!(in_force_for(&[(a.clone(), 1), (cancel, 2)], "dong-ha", "vi", T, None, None, Some("19333")).is_empty());
    let late = cap::instant(EXP).unwrap() + 1;
    assert!(in_force_for(&[(a, 1)], "dong-ha", "vi", late, None, None, Some("19333")).is_empty());
}

#[test]
fn stored_feed_replaces_the_last_and_counts_new() {
    let store = crate::store::Store::open_in_memory().unwrap();
    let a = doc("a", "Alert", "", "Severe", WARD, EXP);
    let b = doc("b", "Alert", "", "Severe", WARD, EXP);
    assert_eq!(store.write(|tx| store_feed(tx, "dong-ha", std::slice::from_ref(&a), 10)).unwrap(), 1);
    assert_eq!(store.write(|tx| store_feed(tx, "dong-ha", &[a.clone(), b.clone()], 20)).unwrap(), 1);
    assert_eq!(store.write(|tx| store_feed(tx, "vinh", std::slice::from_ref(&a), 20)).unwrap(), 1);
    assert_eq!(store.write(|tx| store_feed(tx, "dong-ha", std::slice::from_ref(&b), 30)).unwrap(), 0);
    let left = store.read(|c| messages(c, "dong-ha")).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].0.identifier.as_str(), left[0].1), ("b", 20), "first seen kept");
    assert_eq!(store.read(|c| messages(c, "vinh")).unwrap().len(), 1);
}

#[test]
fn invalid_cap_is_a_problem_naming_the_element() {
    match parse_cap("<alert/>") {
        Err(Error::Invalid(p)) => assert_eq!(p.code, "cap-invalid"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn effective_falls_back_to_sent_and_onset_is_read() {
    let a = doc("a", "Alert", "", "Severe", WARD, EXP);
    let list = in_force_for(&[(a, 1)], "dong-ha", "vi", T, None, None, None);
    assert_eq!(list[0].0.effective_at, T, "no effective: when sent");
    assert_eq!(list[0].0.onset_at, None);
    let mut b = doc("b", "Alert", "", "Severe", WARD, EXP);
    for i in &mut b.info {
        i.effective = Some("2026-11-29T08:00:00+07:00".into());
        i.onset = Some("2026-11-29T09:00:00+07:00".into());
    }
    let list = in_force_for(&[(b, 1)], "dong-ha", "vi", T, None, None, None);
    assert_eq!((list[0].0.effective_at, list[0].0.onset_at), (T + 3600, Some(T + 7200)));
}

#[test]
fn the_list_names_the_home_ward_and_position_to_mark() {
    let dir = tempfile::tempdir().unwrap();
    let core = MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
    core.set_city("dong-ha").unwrap();
    let empty = core.alerts(None).unwrap();
    assert_eq!((empty.home_ward, empty.position, empty.position_ward), (None, None, None));
    core.set_home_ward(Some("19351")).unwrap();
    let here = LatLon { lat: 16.8236, lon: 107.0986 };
    let list = core.alerts(Some(here)).unwrap();
    assert_eq!(list.home_ward.as_deref(), Some("19351"));
    assert_eq!(list.position, Some(here));
    assert!(list.position_ward.is_some());
    // The position is remembered for the next read without one.
    assert_eq!(core.alerts(None).unwrap().position, Some(LatLon { lat: 16.8236, lon: 107.0986 }));
    assert!(matches!(core.set_home_ward(Some("nowhere")), Err(Error::Invalid(p)) if p.code == "ward-unknown"));
}
