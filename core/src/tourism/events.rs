//! Events, festivals and curated tours from the pack: what is on today, this
//! weekend or this week (in the city's time zone), and the tours tied to an
//! event. Pure over the pack's data and a clock value.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::Localized;

/// A stop of a tour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TourStop {
    /// The place.
    pub place_id: String,
    /// Minutes there.
    pub minutes: u32,
}

/// A curated tour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tour {
    /// Unique in the pack.
    pub id: String,
    /// Name.
    pub name: Localized,
    /// What it shows.
    #[serde(default)]
    pub description: Localized,
    /// Minutes it takes, travel included.
    pub duration_min: u32,
    /// Stops in order.
    pub stops: Vec<TourStop>,
    /// `walk`, `motorbike` or `car`, if the pack says.
    #[serde(default)]
    pub transport: Option<String>,
    /// The event it goes with, if any.
    #[serde(default)]
    pub event_id: Option<String>,
}

/// How an event comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    /// Every week on the same day and time.
    Weekly,
    /// Every year on the same date (solar calendar; lunar festivals list each year).
    Yearly,
}

/// An event or festival.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique in the pack.
    pub id: String,
    /// Name.
    pub name: Localized,
    /// Description.
    #[serde(default)]
    pub description: Localized,
    /// First start, ISO 8601 with offset.
    pub starts: String,
    /// First end.
    pub ends: String,
    /// Where, if at one place.
    #[serde(default)]
    pub place_id: Option<String>,
    /// Whether it comes back.
    #[serde(default)]
    pub repeat: Option<Repeat>,
    /// True when the dates are indicative.
    #[serde(default)]
    pub approximate: bool,
}

/// One occurrence of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventOn {
    /// The event.
    pub event: Event,
    /// This occurrence's start (unix seconds).
    pub starts: i64,
    /// Its end (unix seconds).
    pub ends: i64,
}

/// A window of time to look for events in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// The rest of today, local time.
    Today,
    /// The coming (or current) Saturday and Sunday.
    Weekend,
    /// The next seven days.
    Week,
}

/// `[from, to)` in unix seconds for `when`, at `now` in the city's `offset`.
pub fn window(when: When, now: i64, offset: UtcOffset) -> (i64, i64) {
    let t = OffsetDateTime::from_unix_timestamp(now).unwrap_or(OffsetDateTime::UNIX_EPOCH).to_offset(offset);
    let midnight = t.replace_time(time::Time::MIDNIGHT);
    match when {
        When::Today => (now, (midnight + Duration::days(1)).unix_timestamp()),
        When::Week => (now, now + 7 * 86_400),
        When::Weekend => {
            let dow = t.weekday().number_days_from_monday() as i64; // Sat = 5, Sun = 6
            let sat = midnight + Duration::days(if dow >= 5 { -(dow - 5) } else { 5 - dow });
            (now.max(sat.unix_timestamp()), (sat + Duration::days(2)).unix_timestamp())
        }
    }
}

fn rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

impl Event {
    /// The first occurrence's start and end; `None` when the dates are unreadable.
    pub fn first(&self) -> Option<(OffsetDateTime, OffsetDateTime)> {
        Some((rfc3339(&self.starts)?, rfc3339(&self.ends)?))
    }
}

/// The occurrences of `e` overlapping `[from, to)`, earliest first (at most 16).
pub fn occurrences(e: &Event, from: i64, to: i64) -> Vec<(i64, i64)> {
    let Some((starts, ends)) = e.first() else { return vec![] };
    let (s, d) = (starts.unix_timestamp(), (ends - starts).whole_seconds().max(0));
    let mut out = Vec::new();
    match e.repeat {
        None => {
            if s < to && s + d > from {
                out.push((s, s + d));
            }
        }
        Some(Repeat::Weekly) => {
            const WEEK: i64 = 7 * 86_400;
            // The first repeat that could still be on at `from`.
            let k = if from - d > s { (from - d - s) / WEEK } else { 0 };
            let mut start = s + k * WEEK;
            while start < to && out.len() < 16 {
                if start + d > from {
                    out.push((start, start + d));
                }
                start += WEEK;
            }
        }
        Some(Repeat::Yearly) => {
            let first = starts.year();
            let upto = OffsetDateTime::from_unix_timestamp(to).map(|t| t.year()).unwrap_or(first) + 1;
            for y in first..=upto.min(first + 200) {
                if let Ok(start) = starts.replace_year(y) {
                    let (a, b) = (start.unix_timestamp(), start.unix_timestamp() + d);
                    if a < to && b > from && out.len() < 16 {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out
}

/// Events on during `[from, to)`, by start.
pub fn on_between(events: &[Event], from: i64, to: i64) -> Vec<EventOn> {
    let mut out: Vec<EventOn> = events
        .iter()
        .filter_map(|e| {
            occurrences(e, from, to).first().map(|&(starts, ends)| EventOn { event: e.clone(), starts, ends })
        })
        .collect();
    out.sort_by(|a, b| a.starts.cmp(&b.starts).then(a.event.id.cmp(&b.event.id)));
    out
}

/// The tours that go with `event_id`.
pub fn tours_for<'a>(tours: &'a [Tour], event_id: &str) -> Vec<&'a Tour> {
    tours.iter().filter(|t| t.event_id.as_deref() == Some(event_id)).collect()
}

/// Reads the tours and events out of a pack's extra keys; malformed entries
/// are skipped (a pack with one bad event still shows the others).
pub fn from_extra(extra: &serde_json::Map<String, serde_json::Value>) -> (Vec<Tour>, Vec<Event>) {
    fn list<T: serde::de::DeserializeOwned>(v: Option<&serde_json::Value>) -> Vec<T> {
        v.and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|x| serde_json::from_value(x.clone()).ok()).collect())
            .unwrap_or_default()
    }
    let mut events: Vec<Event> = list(extra.get("events"));
    events.retain(|e| e.first().is_some());
    (list(extra.get("tours")), events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn vn() -> UtcOffset {
        UtcOffset::from_hms(7, 0, 0).unwrap()
    }

    fn ev(id: &str, starts: OffsetDateTime, hours: i64, repeat: Option<Repeat>) -> Event {
        let iso = |t: OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
        Event {
            id: id.into(),
            name: Localized::default(),
            description: Localized::default(),
            starts: iso(starts),
            ends: iso(starts + Duration::hours(hours)),
            place_id: None,
            repeat,
            approximate: false,
        }
    }

    #[test]
    fn today_and_the_weekend_are_local() {
        // Friday 2026-11-27 23:30 in Vietnam is 16:30 UTC.
        let now = datetime!(2026-11-27 16:30 UTC).unix_timestamp();
        let (a, b) = window(When::Today, now, vn());
        assert_eq!((a, b), (now, datetime!(2026-11-28 00:00 +7).unix_timestamp()));
        let (a, b) = window(When::Weekend, now, vn());
        assert_eq!(a, datetime!(2026-11-28 00:00 +7).unix_timestamp());
        assert_eq!(b, datetime!(2026-11-30 00:00 +7).unix_timestamp());
        // On Sunday morning the weekend is the current one, from now.
        let sun = datetime!(2026-11-29 09:00 +7).unix_timestamp();
        assert_eq!(window(When::Weekend, sun, vn()), (sun, datetime!(2026-11-30 00:00 +7).unix_timestamp()));
    }

    #[test]
    fn weekly_markets_come_every_sunday_and_one_offs_once() {
        let market = ev("cho", datetime!(2026-01-04 05:00 +7), 7, Some(Repeat::Weekly));
        let fest = ev("fest", datetime!(2026-11-06 08:00 +7), 60, None);
        let sun = datetime!(2026-11-29 06:00 +7).unix_timestamp();
        let (a, b) = window(When::Today, sun, vn());
        let on = on_between(&[fest.clone(), market.clone()], a, b);
        assert_eq!(on.len(), 1);
        assert_eq!(on[0].event.id, "cho");
        assert_eq!(on[0].starts, datetime!(2026-11-29 05:00 +7).unix_timestamp(), "already on at 06:00");
        let tue = datetime!(2026-12-01 10:00 +7).unix_timestamp();
        let (a, b) = window(When::Today, tue, vn());
        assert!(on_between(std::slice::from_ref(&market), a, b).is_empty());
        let nov7 = datetime!(2026-11-07 10:00 +7).unix_timestamp();
        assert_eq!(on_between(&[fest], nov7, nov7 + 3600).len(), 1);
        let year = occurrences(&market, sun, sun + 365 * 86_400);
        assert_eq!(year.len(), 16, "capped");
    }

    #[test]
    fn yearly_events_repeat_on_their_date() {
        let e = ev("y", datetime!(2025-05-30 20:00 +7), 3, Some(Repeat::Yearly));
        let from = datetime!(2027-05-01 00:00 +7).unix_timestamp();
        let got = occurrences(&e, from, from + 40 * 86_400);
        assert_eq!(
            got,
            [(datetime!(2027-05-30 20:00 +7).unix_timestamp(), datetime!(2027-05-30 23:00 +7).unix_timestamp())]
        );
    }

    #[test]
    fn every_bundled_pack_has_readable_tours_and_events() {
        for slug in crate::pack::CITY_SLUGS {
            let pack = crate::CityPack::parse(&crate::pack::bundled::wire(slug).unwrap().unwrap()).unwrap();
            let (tours, events) = from_extra(&pack.extra);
            let raw = |k: &str| pack.extra.get(k).and_then(|v| v.as_array()).map_or(0, |a| a.len());
            assert_eq!(tours.len(), raw("tours"), "{slug} tours");
            assert_eq!(events.len(), raw("events"), "{slug} events");
            assert!(!events.is_empty() && !tours.is_empty(), "{slug}");
            for t in &tours {
                if let Some(e) = &t.event_id {
                    assert!(events.iter().any(|x| &x.id == e), "{slug}: tour {} names no event", t.id);
                }
            }
        }
    }
}
