//! Opening hours in the packs' subset of the OpenStreetMap syntax:
//! `24/7`, `Mo-Su 07:00-17:00`, `Mo-Fr 07:00-11:30,13:30-17:00`,
//! `Su 05:00-12:00`, `Sa,Su 18:00-00:00`, rules joined by `;` (a later rule
//! replaces an earlier one on the days it names), `Mo off`. Times are local
//! to the city; an end at or before the start runs past midnight.

/// Days of the week, Monday first (the index in a [`Hours`] week).
pub const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// A week of opening windows, in minutes from each day's local midnight.
/// A window may end after 1440 (open past midnight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    week: [Vec<(u32, u32)>; 7],
}

/// Whether a place is open at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenState {
    /// Open.
    Open,
    /// Closed.
    Closed,
    /// The pack gives no hours (or hours the core cannot read).
    Unknown,
}

fn hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

fn day(s: &str) -> Option<usize> {
    DAYS.iter().position(|d| *d == s.trim())
}

/// Days named by `Mo-Fr`, `Sa,Su`, `Su`, or every day for an empty selector.
fn days(s: &str) -> Option<[bool; 7]> {
    let mut out = [false; 7];
    if s.trim().is_empty() {
        return Some([true; 7]);
    }
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    out[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => out[day(part)?] = true,
        }
    }
    Some(out)
}

impl Hours {
    /// Reads the pack's text; `None` when it is not in the supported syntax.
    pub fn parse(text: &str) -> Option<Hours> {
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        let text = text.trim();
        if text == "24/7" {
            return Some(Hours { week: std::array::from_fn(|_| vec![(0, 1440)]) });
        }
        for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            // The day selector is whatever precedes the first digit (or "off").
            let split = rule.find(|c: char| c.is_ascii_digit()).unwrap_or(rule.len());
            let (sel, times) = rule.split_at(split);
            let (sel, off) = match sel.trim().strip_suffix("off") {
                Some(s) => (s, true),
                None => (sel, false),
            };
            let named = days(sel)?;
            let mut windows = Vec::new();
            if !off {
                for w in times.split(',') {
                    let (a, b) = w.split_once('-')?;
                    let (a, mut b) = (hhmm(a)?, hhmm(b)?);
                    if b <= a {
                        b += 1440;
                    }
                    windows.push((a, b));
                }
                if windows.is_empty() {
                    return None;
                }
            } else if !times.trim().is_empty() {
                return None;
            }
            for (d, on) in named.iter().enumerate() {
                if *on {
                    week[d] = windows.clone();
                }
            }
        }
        Some(Hours { week })
    }

    /// Windows touching day `weekday` (0 = Monday), in minutes from its
    /// midnight, including the night before's that run into it (as negative
    /// starts are impossible, those begin at 0).
    pub fn windows(&self, weekday: usize) -> Vec<(u32, u32)> {
        let mut out = self.week[weekday % 7].clone();
        for &(_, b) in &self.week[(weekday + 6) % 7] {
            if b > 1440 {
                out.push((0, b - 1440));
            }
        }
        out.sort_unstable();
        out
    }

    /// True at `minute` (from local midnight) of `weekday`.
    pub fn is_open(&self, weekday: usize, minute: u32) -> bool {
        self.windows(weekday).iter().any(|&(a, b)| a <= minute && minute < b)
    }
}

/// Open, closed or unknown for a place's `opening_hours` text.
pub fn open_state(text: Option<&str>, weekday: usize, minute: u32) -> OpenState {
    match text.and_then(Hours::parse) {
        Some(h) if h.is_open(weekday, minute) => OpenState::Open,
        Some(_) => OpenState::Closed,
        None => OpenState::Unknown,
    }
}

/// The local weekday (0 = Monday) and minute of `unix` seconds at `offset`.
pub fn local(unix: i64, offset: time::UtcOffset) -> (usize, u32) {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH).to_offset(offset);
    (t.weekday().number_days_from_monday() as usize, t.hour() as u32 * 60 + t.minute() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_and_all_week() {
        let h = Hours::parse("Mo-Su 07:00-17:30").unwrap();
        assert!(h.is_open(0, 7 * 60) && h.is_open(6, 17 * 60 + 29));
        assert!(!h.is_open(3, 17 * 60 + 30) && !h.is_open(3, 6 * 60 + 59));
        let all = Hours::parse("24/7").unwrap();
        assert!((0..7).all(|d| all.is_open(d, 0) && all.is_open(d, 1439)));
    }

    #[test]
    fn split_days_and_lunch_break() {
        let h = Hours::parse("Mo-Fr 07:00-11:30,13:30-17:00").unwrap();
        assert!(h.is_open(4, 8 * 60) && !h.is_open(4, 12 * 60) && h.is_open(4, 14 * 60));
        assert!(!h.is_open(5, 8 * 60), "closed on Saturday");
        let su = Hours::parse("Su 05:00-12:00").unwrap();
        assert!(su.is_open(6, 6 * 60) && !su.is_open(0, 6 * 60));
    }

    #[test]
    fn past_midnight_runs_into_the_next_day() {
        let h = Hours::parse("Mo-Su 18:00-00:00").unwrap();
        assert!(h.is_open(2, 23 * 60 + 59) && !h.is_open(2, 17 * 60));
        let late = Hours::parse("Fr 20:00-02:00").unwrap();
        assert!(late.is_open(5, 60), "Friday night reaches Saturday 01:00");
        assert!(!late.is_open(6, 60));
    }

    #[test]
    fn later_rules_replace_earlier_days_and_off_closes() {
        let h = Hours::parse("Mo-Su 08:00-17:00; Mo off; Sa,Su 07:00-18:00").unwrap();
        assert!(!h.is_open(0, 9 * 60) && h.is_open(1, 9 * 60) && h.is_open(6, 7 * 60 + 30));
        let wrap = Hours::parse("Sa-Mo 10:00-11:00").unwrap();
        assert!(wrap.is_open(0, 630) && wrap.is_open(5, 630) && !wrap.is_open(2, 630));
    }

    #[test]
    fn unreadable_hours_are_unknown_not_closed() {
        for bad in ["sunrise-sunset", "Mo-Xx 07:00-08:00", "25:00-26:00", "Mo-Fr", "07:00"] {
            assert_eq!(Hours::parse(bad), None, "{bad}");
            assert_eq!(open_state(Some(bad), 0, 600), OpenState::Unknown);
        }
        assert_eq!(open_state(None, 0, 600), OpenState::Unknown);
        assert_eq!(open_state(Some("Mo-Su 07:00-17:00"), 0, 600), OpenState::Open);
        assert_eq!(open_state(Some("Mo-Su 07:00-17:00"), 0, 17 * 60), OpenState::Closed);
    }

    #[test]
    fn local_time_is_the_city_clock() {
        // 2026-11-29 (a Sunday) 02:30 UTC is 09:30 in Vietnam.
        let t = time::macros::datetime!(2026-11-29 02:30 UTC).unix_timestamp();
        assert_eq!(local(t, time::UtcOffset::from_hms(7, 0, 0).unwrap()), (6, 9 * 60 + 30));
    }

    #[test]
    fn every_bundled_place_has_readable_hours_or_none() {
        for slug in crate::pack::CITY_SLUGS {
            let pack = crate::CityPack::parse(&crate::pack::bundled::wire(slug).unwrap().unwrap()).unwrap();
            for p in &pack.places {
                if let Some(h) = &p.opening_hours {
                    assert!(Hours::parse(h).is_some(), "{}: {h}", p.id);
                }
            }
        }
    }
}
