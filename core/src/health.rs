//! Health look-up (seed 004 §5.1 (6)): the city's hospitals, health stations
//! (trạm y tế), clinics and pharmacies, searched offline from the pack.
//!
//! The pack's `health` list (file `health.json`) is public knowledge, not an
//! official register: a facility whose position or hours are not from an
//! official source is marked `approximate`, and a phone is given only where
//! it is known to be right (otherwise the screen offers 115).

use serde::{Deserialize, Serialize};

use crate::{
    emergency,
    geo::distance_m,
    pack::{utc_offset_of, LatLon, Localized},
    text,
    tourism::hours::{self, OpenState},
    Error, MyCity, Result,
};

/// What a facility is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Bệnh viện.
    Hospital,
    /// Trạm y tế phường/xã: the ward's or commune's health station.
    HealthStation,
    /// Phòng khám: a clinic.
    Clinic,
    /// Nhà thuốc: a pharmacy.
    Pharmacy,
}

impl Kind {
    /// Every kind, in the order the filters show them.
    pub const ALL: [Kind; 4] = [Kind::Hospital, Kind::HealthStation, Kind::Clinic, Kind::Pharmacy];

    /// Stable name, as in the pack (`hospital`, `health_station`, `clinic`, `pharmacy`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Hospital => "hospital",
            Kind::HealthStation => "health_station",
            Kind::Clinic => "clinic",
            Kind::Pharmacy => "pharmacy",
        }
    }

    /// Words a search for this kind may use, folded, in both languages.
    fn words(self) -> &'static str {
        match self {
            Kind::Hospital => "benh vien hospital",
            Kind::HealthStation => "tram y te health station",
            Kind::Clinic => "phong kham clinic",
            Kind::Pharmacy => "nha thuoc hieu thuoc pharmacy",
        }
    }
}

/// One hospital, health station, clinic or pharmacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// Unique id within the pack.
    pub id: String,
    /// What it is.
    pub kind: Kind,
    /// Display name.
    pub name: Localized,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// Phone number, digits only; `None` when not known for sure.
    #[serde(default)]
    pub phone: Option<String>,
    /// Opening hours in the tourism format (`24/7`, `Mo-Su 07:00-21:00`, …).
    #[serde(default)]
    pub opening_hours: Option<String>,
    /// True when it has an emergency department (khoa cấp cứu).
    #[serde(default)]
    pub emergency: bool,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// True when the position or hours are not from an official source.
    #[serde(default)]
    pub approximate: bool,
}

impl Facility {
    /// Where it is.
    pub fn position(&self) -> LatLon {
        LatLon { lat: self.lat, lon: self.lon }
    }

    /// Folded text a search matches against: names, address and the kind's words.
    fn haystack(&self) -> String {
        let mut s = text::fold(&self.name.vi);
        for part in [self.name.en.as_str(), self.address.as_deref().unwrap_or(""), self.kind.words()] {
            s.push(' ');
            s.push_str(&text::fold(part));
        }
        s
    }
}

/// Reads and checks a pack's `health` list (none is an empty list): ids
/// unique, coordinates in range, hours readable, phones digits only.
pub fn from_extra(extra: &serde_json::Map<String, serde_json::Value>) -> Result<Vec<Facility>> {
    let Some(v) = extra.get(crate::protocol::packs::HEALTH_KEY) else { return Ok(Vec::new()) };
    let list: Vec<Facility> = serde_json::from_value(v.clone()).map_err(|e| Error::pack(format!("health: {e}")))?;
    validate(&list)?;
    Ok(list)
}

fn validate(list: &[Facility]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for f in list {
        if f.id.is_empty() || !seen.insert(f.id.as_str()) {
            return Err(Error::pack(format!("health id {:?} is empty or repeated", f.id)));
        }
        if f.name.vi.trim().is_empty() {
            return Err(Error::pack(format!("health {} has no name", f.id)));
        }
        if !(-90.0..=90.0).contains(&f.lat) || !(-180.0..=180.0).contains(&f.lon) {
            return Err(Error::pack(format!("health {} has coordinates out of range", f.id)));
        }
        if let Some(h) = &f.opening_hours {
            if hours::Hours::parse(h).is_none() {
                return Err(Error::pack(format!("health {} has hours {h:?} MyCity cannot read", f.id)));
            }
        }
        if let Some(p) = &f.phone {
            if p.is_empty() || p.len() > 15 || !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(Error::pack(format!("health {} phone {p:?} must be 1–15 digits", f.id)));
            }
        }
    }
    Ok(())
}

/// Opening hours in words of `lang`: "24/7" → "cả ngày đêm" / "24 hours",
/// day codes → "T2–T6" / "Mon–Fri"; anything else as the pack wrote it.
pub fn hours_text(text: &str, lang: crate::Lang) -> String {
    const VI: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (names, always, off) = match lang {
        crate::Lang::En => (EN, "24 hours, every day", "closed"),
        _ => (VI, "cả ngày đêm, mọi ngày", "nghỉ"),
    };
    let day = |d: &str| hours::DAYS.iter().position(|x| *x == d).map_or(d.to_owned(), |i| names[i].to_owned());
    let rule = |r: &str| {
        let r = r.trim();
        if r == "24/7" {
            return always.to_owned();
        }
        let (days, times) = r.split_once(' ').unwrap_or(("", r));
        let days: Vec<String> = days
            .split(',')
            .filter(|d| !d.is_empty())
            .map(|d| match d.split_once('-') {
                Some((a, b)) => format!("{}–{}", day(a), day(b)),
                None => day(d),
            })
            .collect();
        let times = if times.trim() == "off" { off.to_owned() } else { times.replace(',', ", ") };
        if days.is_empty() {
            times
        } else {
            format!("{} {times}", days.join(", "))
        }
    };
    text.split(';').map(rule).collect::<Vec<_>>().join("; ")
}

/// What the person asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Words to find (folded: "benh vien" finds "Bệnh viện"); empty for all.
    pub text: String,
    /// Only these kinds; empty for every kind.
    pub kinds: Vec<Kind>,
    /// Only those open now (unknown hours are left out).
    pub open_now: bool,
}

/// One facility in the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The facility.
    pub facility: Facility,
    /// Metres from where the search was made.
    pub distance_m: f64,
    /// Open now, closed, or unknown hours.
    pub open: OpenState,
    /// The `tel:` link to its phone, when the pack gives one.
    pub call: Option<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// Nearest first.
    pub hits: Vec<Hit>,
    /// True when distances are from the city centre (the person's position is unknown).
    pub from_centre: bool,
    /// The `tel:` link for emergencies (115).
    pub emergency_call: String,
}

/// The facilities matching `q`, nearest to `from` first; `at` is the city's
/// local weekday (0 = Monday) and minute, for "open now". Every word of the
/// query must appear in the facility's folded names, address or kind.
pub fn search(list: &[Facility], q: &Query, from: LatLon, at: (usize, u32)) -> Vec<Hit> {
    let folded = text::fold(&q.text);
    let words: Vec<&str> = text::terms(&folded).collect();
    let mut hits: Vec<Hit> = list
        .iter()
        .filter(|f| q.kinds.is_empty() || q.kinds.contains(&f.kind))
        .filter(|f| {
            let hay = f.haystack();
            words.iter().all(|w| hay.contains(w))
        })
        .map(|f| Hit {
            open: hours::open_state(f.opening_hours.as_deref(), at.0, at.1),
            distance_m: distance_m(from, f.position()),
            call: f.phone.as_deref().map(emergency::tel_uri),
            facility: f.clone(),
        })
        .filter(|h| !q.open_now || h.open == OpenState::Open)
        .collect();
    hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then_with(|| a.facility.id.cmp(&b.facility.id)));
    hits
}

impl MyCity {
    /// The current city's health facilities from its stored pack.
    pub fn health_facilities(&self) -> Result<Vec<Facility>> {
        let slug = self.city_slug();
        let json: Option<String> = self.inner.store.read(|c| {
            Ok(c.query_row("SELECT json_extract(extra, '$.health') FROM cities WHERE slug = ?1", [&slug], |r| {
                r.get(0)
            })?)
        })?;
        let Some(json) = json else { return Ok(Vec::new()) };
        serde_json::from_str(&json).map_err(|e| Error::Storage(format!("stored health list: {e}")))
    }

    /// Searches the current city's health facilities at this moment, nearest
    /// to `position` first, or to the city centre when it is unknown.
    pub fn health_search(&self, q: &Query, position: Option<LatLon>) -> Result<Found> {
        self.health_search_at(q, position, crate::city::now())
    }

    /// [`MyCity::health_search`] at `unix` seconds (for tests and a fixed clock).
    pub fn health_search_at(&self, q: &Query, position: Option<LatLon>, unix: i64) -> Result<Found> {
        let city = self.city()?;
        let offset = utc_offset_of(&city.timezone).unwrap_or(time::UtcOffset::UTC);
        let from = position.filter(|p| p.lat.is_finite() && p.lon.is_finite());
        let hits = search(&self.health_facilities()?, q, from.unwrap_or(city.center), hours::local(unix, offset));
        Ok(Found { hits, from_centre: from.is_none(), emergency_call: emergency::tel_uri("115") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, kind: Kind, name: &str, hours: Option<&str>, lat: f64) -> Facility {
        Facility {
            id: id.into(),
            kind,
            name: Localized { vi: name.into(), en: String::new() },
            address: Some("Đường Trần Phú".into()),
            phone: None,
            opening_hours: hours.map(Into::into),
            emergency: false,
            lat,
            lon: 108.0,
            approximate: true,
        }
    }

    fn sample() -> Vec<Facility> {
        vec![
            f("h", Kind::Hospital, "Bệnh viện Đa khoa", Some("24/7"), 16.03),
            f("p1", Kind::Pharmacy, "Nhà thuốc Long Châu", Some("Mo-Su 07:00-22:00"), 16.01),
            f("p2", Kind::Pharmacy, "Nhà thuốc 24 giờ", Some("24/7"), 16.02),
            f("s", Kind::HealthStation, "Trạm y tế phường Hải Châu", None, 16.00),
        ]
    }

    const ORIGIN: LatLon = LatLon { lat: 16.0, lon: 108.0 };
    const NOON: (usize, u32) = (2, 12 * 60);
    const NIGHT: (usize, u32) = (2, 23 * 60);

    #[test]
    fn folded_words_find_marked_names_and_kind_words() {
        let q = |t: &str| Query { text: t.into(), ..Query::default() };
        let ids =
            |t: &str| search(&sample(), &q(t), ORIGIN, NOON).into_iter().map(|h| h.facility.id).collect::<Vec<_>>();
        assert_eq!(ids("benh vien"), ["h"]);
        assert_eq!(ids("BỆNH VIỆN"), ["h"]);
        assert_eq!(ids("pharmacy"), ["p1", "p2"]);
        assert_eq!(ids("tran phu"), ["s", "p1", "p2", "h"], "the address matches too");
        assert!(ids("xyz").is_empty());
    }

    #[test]
    fn hours_read_in_each_language() {
        use crate::Lang;
        assert_eq!(hours_text("24/7", Lang::Vi), "cả ngày đêm, mọi ngày");
        assert_eq!(hours_text("24/7", Lang::En), "24 hours, every day");
        assert_eq!(
            hours_text("Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:00-11:00", Lang::Vi),
            "T2–T6 07:00-11:30, 13:30-17:00; T7 07:00-11:00"
        );
        assert_eq!(hours_text("Mo-Su 07:00-22:00; Su off", Lang::En), "Mon–Sun 07:00-22:00; Sun closed");
        assert_eq!(hours_text("Sa,Su 18:00-00:00", Lang::En), "Sat, Sun 18:00-00:00");
    }

    #[test]
    fn nearest_first_and_kinds_filter() {
        let q = Query { kinds: vec![Kind::Pharmacy, Kind::Hospital], ..Query::default() };
        let hits = search(&sample(), &q, ORIGIN, NOON);
        assert_eq!(hits.iter().map(|h| h.facility.id.as_str()).collect::<Vec<_>>(), ["p1", "p2", "h"]);
        assert!(hits[0].distance_m < hits[1].distance_m && (1000.0..1200.0).contains(&hits[0].distance_m));
    }

    #[test]
    fn open_now_drops_the_closed_and_the_unknown() {
        let q = Query { open_now: true, ..Query::default() };
        let ids = |at| search(&sample(), &q, ORIGIN, at).into_iter().map(|h| h.facility.id).collect::<Vec<_>>();
        assert_eq!(ids(NOON), ["p1", "p2", "h"]);
        assert_eq!(ids(NIGHT), ["p2", "h"]);
        let all = search(&sample(), &Query::default(), ORIGIN, NIGHT);
        assert_eq!(all[0].open, OpenState::Unknown);
        assert_eq!(all[1].open, OpenState::Closed);
    }

    #[test]
    fn a_phone_becomes_a_tel_link_and_none_stays_none() {
        let mut list = sample();
        list[0].phone = Some("02363821480".into());
        let hits = search(&list, &Query { text: "benh vien".into(), ..Query::default() }, ORIGIN, NOON);
        assert_eq!(hits[0].call.as_deref(), Some("tel:02363821480"));
        assert!(search(&list, &Query::default(), ORIGIN, NOON).iter().filter(|h| h.call.is_some()).count() == 1);
    }

    fn extra(list: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        m.insert("health".into(), list);
        m
    }

    #[test]
    fn pack_validation_refuses_repeats_bad_hours_phones_and_kinds() {
        let good = serde_json::to_value(sample()).unwrap();
        assert_eq!(from_extra(&extra(good.clone())).unwrap().len(), 4);
        assert!(from_extra(&serde_json::Map::new()).unwrap().is_empty());
        let bad = |edit: &dyn Fn(&mut serde_json::Value), want: &str| {
            let mut v = good.clone();
            edit(&mut v);
            let e = from_extra(&extra(v)).unwrap_err();
            assert!(matches!(e, Error::InvalidPack(_)) && e.to_string().contains(want), "{e}");
        };
        bad(&|v| v[1]["id"] = "h".into(), "repeated");
        bad(&|v| v[0]["opening_hours"] = "whenever".into(), "hours");
        bad(&|v| v[0]["phone"] = "0236-abc".into(), "phone");
        bad(&|v| v[0]["kind"] = "spa".into(), "health");
        bad(&|v| v[0]["lat"] = 123.0.into(), "out of range");
    }

    #[test]
    fn every_bundled_city_lists_hospitals_and_pharmacies_some_always_open() {
        for slug in crate::pack::CITY_SLUGS {
            let pack = crate::CityPack::parse(&crate::pack::bundled::wire(slug).unwrap().unwrap()).unwrap();
            let list = from_extra(&pack.extra).unwrap();
            assert!((8..=20).contains(&list.len()), "{slug}: {}", list.len());
            let has = |k: Kind| list.iter().any(|f| f.kind == k);
            assert!(has(Kind::Hospital) && has(Kind::Pharmacy) && has(Kind::HealthStation), "{slug}");
            assert!(
                list.iter().any(|f| f.kind == Kind::Pharmacy && f.opening_hours.as_deref() == Some("24/7")),
                "{slug}"
            );
            assert!(list.iter().all(|f| pack.bbox.contains(f.position())), "{slug}: a facility outside the bbox");
        }
    }

    #[test]
    fn the_facade_searches_the_stored_pack_from_the_centre_when_the_position_is_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        core.set_city("da-nang").unwrap();
        let q = Query { text: "benh vien".into(), ..Query::default() };
        let found = core.health_search(&q, None).unwrap();
        assert!(found.from_centre && found.hits.len() >= 5);
        assert!(found
            .hits
            .iter()
            .all(|h| h.facility.kind == Kind::Hospital || h.facility.name.vi.contains("Bệnh viện")));
        assert_eq!(found.emergency_call, "tel:115");
        // Wednesday 26 Nov 2025, 02:00 in Đà Nẵng (UTC+7): only the always-open pharmacies.
        let night = 1_764_097_200;
        let q = Query { kinds: vec![Kind::Pharmacy], open_now: true, ..Query::default() };
        let here = LatLon { lat: 16.0612, lon: 108.2272 };
        let found = core.health_search_at(&q, Some(here), night).unwrap();
        assert!(!found.from_centre && !found.hits.is_empty());
        assert!(found.hits.iter().all(|h| h.facility.opening_hours.as_deref() == Some("24/7")), "{found:?}");
        assert!(found.hits.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    }

    #[test]
    fn a_pack_directory_brings_its_health_file_along() {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: dir.path().join("data"), ..Default::default() }).unwrap();
        let b = crate::protocol::packs::bundled("vinh").unwrap();
        let pack_dir = dir.path().join("vinh");
        std::fs::create_dir_all(&pack_dir).unwrap();
        // A newer version, so it replaces the bundled pack.
        std::fs::write(pack_dir.join("pack.json"), b.pack_json.replacen("\"version\": 3", "\"version\": 99", 1))
            .unwrap();
        std::fs::write(pack_dir.join("wards.geojson"), b.wards_geojson).unwrap();
        let mut list: Vec<Facility> = serde_json::from_str(b.health_json).unwrap();
        list.truncate(1);
        list[0].phone = Some("0238123".into());
        std::fs::write(pack_dir.join("health.json"), serde_json::to_string(&list).unwrap()).unwrap();
        let outcome = core.import_pack_path(&pack_dir).unwrap();
        assert!(matches!(outcome, crate::ImportOutcome::Replaced { to: 99, .. }), "{outcome:?}");
        core.set_city("vinh").unwrap();
        let found = core.health_search(&Query::default(), None).unwrap();
        assert_eq!(found.hits.len(), 1);
        assert_eq!(found.hits[0].call.as_deref(), Some("tel:0238123"));
        assert!(core.planning().unwrap().shapes().is_empty(), "no planning file: no zones");
    }
}
