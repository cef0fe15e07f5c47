use time::macros::{date, datetime};

use super::*;
use crate::{pack::CityPack, Error, Result};

fn da_nang_files() -> serde_json::Map<String, serde_json::Value> {
    mycity_protocol::transit::bundled("da-nang")
        .unwrap()
        .iter()
        .map(|(n, t)| (n.to_string(), serde_json::Value::from(*t)))
        .collect()
}

fn da_nang() -> (gtfs_structures::Gtfs, Index) {
    let gtfs = parse(&da_nang_files()).unwrap();
    let index = Index::build(&gtfs);
    (gtfs, index)
}

/// A one-route feed whose late trip runs past midnight on Friday nights.
fn late_night(stop_times: &str) -> serde_json::Map<String, serde_json::Value> {
    let files = [
        ("agency.txt", "agency_name,agency_url,agency_timezone\nTest,https://example.org,Asia/Ho_Chi_Minh\n"),
        ("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,16.06,108.22\nB,Beta,16.07,108.23\n"),
        ("routes.txt", "route_id,route_short_name,route_long_name,route_type\nN1,N1,Night,3\n"),
        ("trips.txt", "route_id,service_id,trip_id,trip_headsign\nN1,FRI,late,Beta\n"),
        ("stop_times.txt", stop_times),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             FRI,0,0,0,0,1,0,0,20260101,20271231\n",
        ),
    ];
    files.iter().map(|(n, t)| (n.to_string(), serde_json::Value::from(*t))).collect()
}

const LATE: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
                    late,24:30:00,24:30:00,A,1\nlate,24:45:00,24:45:00,B,2\n";

fn refused(r: Result<gtfs_structures::Gtfs>) -> Error {
    match r {
        Ok(_) => panic!("the feed was accepted"),
        Err(e) => e,
    }
}

fn code(e: Error) -> &'static str {
    match e {
        Error::Invalid(p) => p.code,
        other => panic!("not a problem: {other}"),
    }
}

#[test]
fn da_nang_feed_is_read_by_the_crate_and_laid_out() {
    let (gtfs, index) = da_nang();
    assert_eq!(index.routes.len(), gtfs.routes.len());
    assert!(index.routes.iter().any(|r| r.number == "R16" && r.name.contains("Kim Liên")));
    assert!(index.stops.iter().any(|s| s.name.contains("Bến xe Trung tâm")));
    assert!(index.approximate, "the feed says its times are approximate");
    let line = index.route_line("02").unwrap();
    assert_eq!(line.lines.len(), 2, "both directions");
    assert!(line.lines[0].points.len() >= line.lines[0].stops.len());
    assert!(index.route_line("99").is_none());
}

#[test]
fn the_calendar_honours_weekdays_and_exceptions() {
    let (gtfs, _) = da_nang();
    let (wd, we) = (service_of(&gtfs, "WD"), service_of(&gtfs, "WE"));
    // Monday 30 Nov 2026, Saturday 5 Dec 2026.
    assert!(wd.runs_on(date!(2026 - 11 - 30)) && !we.runs_on(date!(2026 - 11 - 30)));
    assert!(!wd.runs_on(date!(2026 - 12 - 05)) && we.runs_on(date!(2026 - 12 - 05)));
    // National Day (a Wednesday) runs the weekend timetable; Tết's first day has none.
    assert!(!wd.runs_on(date!(2026 - 09 - 02)) && we.runs_on(date!(2026 - 09 - 02)));
    assert!(!we.runs_on(date!(2027 - 02 - 06)) && !wd.runs_on(date!(2027 - 02 - 06)));
    // Outside the feed's dates nothing runs.
    assert!(!wd.runs_on(date!(2028 - 01 - 03)));
}

#[test]
fn nearest_stops_come_nearest_first_with_metres() {
    let (_, index) = da_nang();
    let cho_han = LatLon { lat: 16.0680, lon: 108.2238 };
    let near = index.nearest_stops(cho_han, 3);
    assert_eq!(near.len(), 3);
    assert_eq!(index.stops[near[0].0].id, "CHOHAN");
    assert!(near[0].1 < 5.0 && near[0].1 <= near[1].1 && near[1].1 <= near[2].1, "{near:?}");
}

#[test]
fn next_departures_match_a_scan_of_every_stop_time() {
    let (gtfs, index) = da_nang();
    let times = [
        datetime!(2026-11-30 07:05:30), // weekday morning
        datetime!(2026-12-05 12:00),    // Saturday
        datetime!(2026-09-02 08:10),    // holiday on the weekend timetable
        datetime!(2026-11-30 22:00),    // after the last bus: tomorrow's first
        datetime!(2027-02-06 09:00),    // Tết: nothing until the next day
    ];
    for now in times {
        for (i, stop) in index.stops.iter().enumerate() {
            let fast: Vec<(String, String, Vec<u32>)> = index
                .departures_at(i, now, PER_LINE)
                .into_iter()
                .map(|l| (l.route.id, l.headsign, l.minutes))
                .collect();
            let mut fast_sorted = fast.clone();
            let mut slow = departures_by_scan(&gtfs, &stop.id, now, PER_LINE);
            fast_sorted.sort();
            slow.sort();
            assert_eq!(fast_sorted, slow, "{} at {now}", stop.id);
        }
    }
    let at = index.departures_at(index.stops.iter().position(|s| s.id == "CHOHAN").unwrap(), times[0], 2);
    let r15 = at.iter().find(|l| l.route.number == "R15" && l.headsign == "Thọ Quang").unwrap();
    assert_eq!(r15.minutes.len(), 2);
    assert!(r15.minutes[0] <= 20 && r15.minutes[1] - r15.minutes[0] == 20, "{r15:?}");
    let evening = index.departures_at(index.stops.iter().position(|s| s.id == "CHOHAN").unwrap(), times[3], 1);
    assert!(evening.iter().all(|l| l.minutes[0] > 7 * 60 && l.times[0].as_str() < "07:00"), "{evening:?}");
}

#[test]
fn trips_past_midnight_belong_to_the_day_before() {
    let index = Index::build(&parse(&late_night(LATE)).unwrap());
    let a = index.stops.iter().position(|s| s.id == "A").unwrap();
    // Friday 4 Dec 2026 23:50: the 24:30 trip leaves in 40 min, at 00:30.
    let fri = index.departures_at(a, datetime!(2026-12-04 23:50), 2);
    assert_eq!((fri[0].minutes.clone(), fri[0].times.clone()), (vec![40], vec!["00:30".to_string()]));
    // Saturday 00:10 it is still Friday's service: 20 min.
    let sat = index.departures_at(a, datetime!(2026-12-05 00:10), 2);
    assert_eq!(sat[0].minutes, vec![20]);
    // Saturday 00:31 it has gone, and Saturday's service has no such trip.
    assert!(index.departures_at(a, datetime!(2026-12-05 00:31), 2).is_empty());
    // Thursday 23:50 is no Friday: nothing within a day... except Friday's own trip, 24 h 40 min away.
    assert!(index.departures_at(a, datetime!(2026-12-03 23:50), 2).is_empty());
    // The last stop is not a departure.
    let b = index.stops.iter().position(|s| s.id == "B").unwrap();
    assert!(index.departures_at(b, datetime!(2026-12-04 23:50), 2).is_empty());
}

#[test]
fn malformed_feeds_are_refused_with_the_file_named() {
    let mut missing = late_night(LATE);
    missing.remove("stops.txt");
    assert_eq!(code(refused(parse(&missing))), "transport-feed-missing");

    let unknown_stop =
        late_night("trip_id,arrival_time,departure_time,stop_id,stop_sequence\nlate,24:30:00,24:30:00,Z,1\n");
    assert_eq!(code(refused(parse(&unknown_stop))), "transport-feed-invalid");

    let bad_time = late_night(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nlate,7h30,7h30,A,1\nlate,08:00:00,08:00:00,B,2\n",
    );
    let e = refused(parse(&bad_time));
    assert!(e.to_string().contains("stop_times.txt"), "{e}");
    assert_eq!(code(e), "transport-feed-invalid");

    let backwards = late_night("trip_id,arrival_time,departure_time,stop_id,stop_sequence\nlate,09:00:00,09:00:00,A,1\nlate,08:00:00,08:00:00,B,2\n");
    assert_eq!(code(refused(parse(&backwards))), "transport-feed-invalid");

    let mut no_calendar = late_night(LATE);
    no_calendar.remove("calendar.txt");
    assert_eq!(code(refused(parse(&no_calendar))), "transport-feed-missing");

    let mut stray = late_night(LATE);
    stray.insert("secrets.txt".into(), "x".into());
    assert_eq!(code(refused(parse(&stray))), "transport-feed-invalid");

    let mut bad_stop = late_night(LATE);
    bad_stop.insert("stops.txt".into(), "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,,\nB,Beta,16.07,108.23\n".into());
    assert_eq!(code(refused(parse(&bad_stop))), "transport-feed-invalid");

    let mut bad_date = late_night(LATE);
    bad_date.insert(
        "calendar.txt".into(),
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         FRI,0,0,0,0,1,0,0,2026-01-01,20271231\n"
            .into(),
    );
    let e = refused(parse(&bad_date));
    assert!(e.to_string().contains("calendar.txt"), "{e}");
    assert_eq!(code(e), "transport-feed-invalid");

    let mut not_files = serde_json::Map::new();
    not_files.insert("gtfs".into(), serde_json::Value::from("a zip?"));
    assert_eq!(code(check_pack(&not_files).unwrap_err()), "transport-feed-invalid");
}

use crate::tests::open;

#[test]
fn a_pack_with_a_broken_feed_is_refused_and_the_one_in_use_stays() {
    let (_d, core) = open();
    core.set_city("da-nang").unwrap();
    let wire = crate::pack::bundled::wire("da-nang").unwrap().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&wire).unwrap();
    v["version"] = serde_json::json!(99);
    v["gtfs"]["stop_times.txt"] =
        serde_json::json!("trip_id,arrival_time,departure_time,stop_id,stop_sequence\nnope,1,1,X,1\n");
    let e = core.import_pack(&v.to_string(), crate::PackSource::File).unwrap_err();
    assert_eq!(code(e), "transport-feed-invalid");
    assert!(core
        .texts()
        .error(&core.import_pack(&v.to_string(), crate::PackSource::File).unwrap_err())
        .contains("stop_times.txt"));
    assert_eq!(core.city().unwrap().version, CityPack::parse(&wire).unwrap().version);
    assert!(core.transport(None, None).unwrap().has_feed);
}

#[test]
fn the_look_up_answers_offline_in_city_time_and_says_when_a_city_has_no_buses() {
    let (_d, core) = open();
    let none = core.transport(None, None).unwrap();
    assert!(!none.has_feed && none.stops.is_empty(), "Hà Giang has no feed");
    core.set_city("da-nang").unwrap();
    // 2026-11-30 00:05 UTC is Monday 07:05 in Đà Nẵng.
    let monday_0705 = 1_796_083_500;
    let cho_han = LatLon { lat: 16.0681, lon: 108.2237 };
    let view = core.transport(Some(cho_han), Some(monday_0705)).unwrap();
    assert!(view.has_feed && view.approximate && !view.from_centre);
    assert_eq!(view.stops.len(), NEAREST_STOPS);
    assert_eq!(view.stops[0].stop.id, "CHOHAN");
    let first = &view.stops[0].lines[0];
    assert!(first.minutes[0] <= 20 && first.times[0].starts_with("07:"), "{first:?}");
    // Away from the city, the centre is used and said so.
    let far = core.transport(Some(LatLon { lat: 21.0, lon: 105.8 }), Some(monday_0705)).unwrap();
    assert!(far.from_centre);
    assert!(core.transport_route("R16").unwrap().unwrap().lines[0].stops.len() >= 8);
    assert!(core.road_closures().unwrap().is_empty(), "none fetched yet");
}

#[test]
fn a_pack_directory_brings_its_gtfs_folder() {
    let (_d, core) = open();
    core.set_city("da-nang").unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/cities/da-nang");
    let dir = tempfile::tempdir().unwrap();
    let pack = std::fs::read_to_string(src.join("pack.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&pack).unwrap();
    let bumped = pack.replacen(&format!("\"version\": {}", v["version"]), "\"version\": 99", 1);
    assert_ne!(bumped, pack);
    std::fs::write(dir.path().join("pack.json"), bumped).unwrap();
    std::fs::copy(src.join("wards.geojson"), dir.path().join("wards.geojson")).unwrap();
    std::fs::create_dir(dir.path().join("gtfs")).unwrap();
    for (name, text) in mycity_protocol::transit::bundled("da-nang").unwrap() {
        std::fs::write(dir.path().join("gtfs").join(name), text).unwrap();
    }
    // A broken timetable refuses the directory, naming the file.
    std::fs::write(dir.path().join("gtfs/routes.txt"), "route_id,route_short_name\n").unwrap();
    let e = core.import_pack_path(dir.path()).unwrap_err();
    assert_eq!(code(e), "transport-feed-invalid");
    assert_ne!(core.city().unwrap().version, 99);
    std::fs::write(dir.path().join("gtfs/routes.txt"), mycity_protocol::transit::bundled("da-nang").unwrap()[2].1)
        .unwrap();
    core.import_pack_path(dir.path()).unwrap();
    assert_eq!(core.city().unwrap().version, 99);
    assert_eq!(core.transport(None, None).unwrap().routes.len(), 4, "the new pack's index, not the cached one");
}
