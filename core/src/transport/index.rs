//! The timetable index built once per city pack, and the pure look-ups over it:
//! nearest stops with their next departures, and a route's line for the map.

use std::collections::HashMap;

use gtfs_structures::{Exception, Gtfs};
use serde::Serialize;
use time::{Date, Month, PrimitiveDateTime};

use crate::pack::LatLon;

const DAY: i64 = 86_400;

/// A bus stop.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    /// GTFS `stop_id`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it is.
    pub position: LatLon,
}

/// A route as riders know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteInfo {
    /// GTFS `route_id`.
    pub id: String,
    /// Its number ("R16", "02").
    pub number: String,
    /// Its name ("Kim Liên – Cao đẳng Việt Hàn").
    pub name: String,
    /// Its colour, `#RRGGBB`.
    pub colour: String,
}

/// When a service runs (calendar.txt with calendar_dates.txt's exceptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Service {
    /// Monday first.
    pub weekdays: [bool; 7],
    /// First and last day of the regular pattern, if calendar.txt gives one.
    pub range: Option<(Date, Date)>,
    /// Days added.
    pub added: Vec<Date>,
    /// Days removed.
    pub removed: Vec<Date>,
}

impl Service {
    /// Whether the service runs on `day` (exceptions win over the weekly pattern).
    pub fn runs_on(&self, day: Date) -> bool {
        if self.removed.contains(&day) {
            return false;
        }
        if self.added.contains(&day) {
            return true;
        }
        self.range.is_some_and(|(from, to)| (from..=to).contains(&day))
            && self.weekdays[day.weekday().number_days_from_monday() as usize]
    }
}

/// The departures of one route towards one headsign from one stop, sorted
/// by time: `(seconds into the service day, may pass 24:00:00; service)`.
#[derive(Debug, Clone)]
struct LineDeps {
    route: u32,
    headsign: u32,
    times: Vec<(u32, u32)>,
}

/// One direction of a route: its drawn line and its stops in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Where it goes.
    pub headsign: String,
    /// The line to draw (shapes.txt, else the stops joined).
    pub points: Vec<LatLon>,
    /// Its stops in order.
    pub stops: Vec<Stop>,
}

/// A route's lines, for the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteLine {
    /// The route.
    pub route: RouteInfo,
    /// One per direction.
    pub lines: Vec<Line>,
}

/// The next departures of one route towards one headsign at a stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineDepartures {
    /// The route.
    pub route: RouteInfo,
    /// Where it goes.
    pub headsign: String,
    /// Minutes from now until each of the next departures, soonest first.
    pub minutes: Vec<u32>,
    /// The same departures on the city's clock, `HH:MM`.
    pub times: Vec<String>,
}

/// A stop near the person with what leaves it next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopDepartures {
    /// The stop.
    pub stop: Stop,
    /// Metres from the person.
    pub distance_m: f64,
    /// Per route and headsign, soonest first.
    pub lines: Vec<LineDepartures>,
}

/// A city's timetable, laid out for the look-ups: per stop its departures
/// sorted by time, so the next ones are a binary search away.
#[derive(Debug, Default)]
pub struct Index {
    /// The stops.
    pub stops: Vec<Stop>,
    /// The routes, by number.
    pub routes: Vec<RouteInfo>,
    /// The agency's name (says whether the timetable is approximate).
    pub agency: String,
    /// The feed says its times or places are approximate.
    pub approximate: bool,
    headsigns: Vec<String>,
    services: Vec<Service>,
    departures: Vec<Vec<LineDeps>>,
    lines: Vec<Vec<Line>>,
}

/// A GTFS date (the crate's own type) as a `time` date.
macro_rules! civil {
    ($d:expr) => {{
        let d = $d;
        Month::try_from(d.month() as u8)
            .ok()
            .and_then(|m| Date::from_calendar_date(d.year().into(), m, d.day() as u8).ok())
    }};
}

fn intern(table: &mut Vec<String>, seen: &mut HashMap<String, u32>, s: &str) -> u32 {
    *seen.entry(s.to_owned()).or_insert_with(|| {
        table.push(s.to_owned());
        (table.len() - 1) as u32
    })
}

impl Index {
    /// Lays out a parsed feed (see [`super::feed::parse`], which checked it).
    pub fn build(gtfs: &Gtfs) -> Index {
        let mut stops: Vec<Stop> = gtfs
            .stops
            .values()
            .map(|s| Stop {
                id: s.id.clone(),
                name: s.name.clone().unwrap_or_else(|| s.id.clone()),
                position: LatLon { lat: s.latitude.unwrap_or_default(), lon: s.longitude.unwrap_or_default() },
            })
            .collect();
        stops.sort_by(|a, b| a.id.cmp(&b.id));
        let stop_at: HashMap<&str, usize> = stops.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let mut routes: Vec<RouteInfo> = gtfs
            .routes
            .values()
            .map(|r| RouteInfo {
                id: r.id.clone(),
                number: r.short_name.clone().unwrap_or_else(|| r.id.clone()),
                name: r.long_name.clone().unwrap_or_default(),
                colour: r.color.map_or("#1565C0".into(), |c| format!("#{:02X}{:02X}{:02X}", c.r, c.g, c.b)),
            })
            .collect();
        routes.sort_by(|a, b| a.number.cmp(&b.number));
        let route_at: HashMap<&str, usize> = routes.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();

        let mut service_ids: Vec<&String> = gtfs.calendar.keys().chain(gtfs.calendar_dates.keys()).collect();
        service_ids.sort();
        service_ids.dedup();
        let mut services = Vec::new();
        let mut service_at = HashMap::new();
        for id in service_ids {
            service_at.insert(id.as_str(), services.len() as u32);
            services.push(service_of(gtfs, id));
        }

        let mut headsigns = Vec::new();
        let mut seen = HashMap::new();
        let mut departures = vec![Vec::new(); stops.len()];
        let mut lines: Vec<Vec<Line>> = vec![Vec::new(); routes.len()];
        let mut trips: Vec<_> = gtfs.trips.values().collect();
        trips.sort_by(|a, b| a.id.cmp(&b.id));
        for t in trips {
            let (Some(&route), Some(&service)) =
                (route_at.get(t.route_id.as_str()), service_at.get(t.service_id.as_str()))
            else {
                continue;
            };
            let last_name = t.stop_times.last().and_then(|s| s.stop.name.clone()).unwrap_or_default();
            let headsign_text = t.trip_headsign.clone().filter(|h| !h.trim().is_empty()).unwrap_or(last_name);
            let headsign = intern(&mut headsigns, &mut seen, &headsign_text);
            // The last stop is where the bus ends: nobody boards there.
            for st in &t.stop_times[..t.stop_times.len().saturating_sub(1)] {
                let (Some(&stop), Some(secs)) =
                    (stop_at.get(st.stop.id.as_str()), st.departure_time.or(st.arrival_time))
                else {
                    continue;
                };
                let lines: &mut Vec<LineDeps> = &mut departures[stop];
                let at = match lines.iter().position(|l| l.route == route as u32 && l.headsign == headsign) {
                    Some(i) => i,
                    None => {
                        lines.push(LineDeps { route: route as u32, headsign, times: Vec::new() });
                        lines.len() - 1
                    }
                };
                lines[at].times.push((secs, service));
            }
            if !lines[route].iter().any(|l| l.headsign == headsign_text) {
                let line_stops: Vec<Stop> = t
                    .stop_times
                    .iter()
                    .filter_map(|st| stop_at.get(st.stop.id.as_str()))
                    .map(|&i| stops[i].clone())
                    .collect();
                let shape = t.shape_id.as_ref().and_then(|id| gtfs.shapes.get(id)).filter(|s| s.len() >= 2);
                let points = match shape {
                    Some(s) => s.iter().map(|p| LatLon { lat: p.latitude, lon: p.longitude }).collect(),
                    None => line_stops.iter().map(|s| s.position).collect(),
                };
                lines[route].push(Line { headsign: headsign_text, points, stops: line_stops });
            }
        }
        for l in departures.iter_mut().flatten() {
            l.times.sort_unstable();
        }
        let agency = gtfs.agencies.first().map(|a| a.name.clone()).unwrap_or_default();
        let said = |s: &str| {
            let s = s.to_lowercase();
            s.contains("approximate") || s.contains("gần đúng")
        };
        let approximate = said(&agency) || gtfs.feed_info.iter().any(|f| said(&f.name));
        Index { stops, routes, agency, approximate, headsigns, services, departures, lines }
    }

    /// The route `id`'s lines and stops, for the map.
    pub fn route_line(&self, id: &str) -> Option<RouteLine> {
        let i = self.routes.iter().position(|r| r.id == id)?;
        Some(RouteLine { route: self.routes[i].clone(), lines: self.lines[i].clone() })
    }

    /// The `count` stops nearest `at`, nearest first, with metres.
    pub fn nearest_stops(&self, at: LatLon, count: usize) -> Vec<(usize, f64)> {
        let mut all: Vec<(usize, f64)> =
            self.stops.iter().enumerate().map(|(i, s)| (i, crate::geo::distance_m(at, s.position))).collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all.truncate(count);
        all
    }

    /// The next departures from stop `stop` after `now` (the city's clock),
    /// at most `per_line` for each route and headsign, looking up to a day
    /// ahead. Yesterday's trips still running past midnight (times after
    /// 24:00:00) count, each on the service day it belongs to.
    pub fn departures_at(&self, stop: usize, now: PrimitiveDateTime, per_line: usize) -> Vec<LineDepartures> {
        let today = now.date();
        let now_secs = i64::from(now.hour()) * 3600 + i64::from(now.minute()) * 60 + i64::from(now.second());
        let Some(lines) = self.departures.get(stop) else { return vec![] };
        let mut out: Vec<(i64, LineDepartures)> = Vec::new();
        for line in lines {
            // Per service day (yesterday's late trips, today, tomorrow) the
            // next few that run: a binary search, then a short walk.
            let mut waits: Vec<i64> = Vec::with_capacity(3 * per_line);
            for k in -1..=1i64 {
                let Some(day) = today.checked_add(time::Duration::days(k)) else { continue };
                let from = now_secs - k * DAY;
                let start = line.times.partition_point(|(secs, _)| i64::from(*secs) < from);
                let mut taken = 0;
                for (secs, service) in &line.times[start..] {
                    let wait = i64::from(*secs) - from;
                    if wait > DAY || taken == per_line {
                        break;
                    }
                    if self.services[*service as usize].runs_on(day) {
                        waits.push(wait);
                        taken += 1;
                    }
                }
            }
            waits.sort_unstable();
            waits.truncate(per_line);
            let Some(&first) = waits.first() else { continue };
            let clock = |wait: i64| {
                let at = (now_secs + wait).rem_euclid(DAY);
                format!("{:02}:{:02}", at / 3600, at % 3600 / 60)
            };
            out.push((
                first,
                LineDepartures {
                    route: self.routes[line.route as usize].clone(),
                    headsign: self.headsigns[line.headsign as usize].clone(),
                    // Rounded up: a bus leaving in 30 s is "1 min", never "0 min" gone.
                    minutes: waits.iter().map(|w| ((w + 59) / 60) as u32).collect(),
                    times: waits.iter().map(|w| clock(*w)).collect(),
                },
            ));
        }
        out.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.route.number.cmp(&y.route.number)));
        out.into_iter().map(|(_, l)| l).collect()
    }

    /// The `stops` stops nearest `at` with their next departures.
    pub fn next_departures(
        &self,
        at: LatLon,
        now: PrimitiveDateTime,
        stops: usize,
        per_line: usize,
    ) -> Vec<StopDepartures> {
        self.nearest_stops(at, stops)
            .into_iter()
            .map(|(i, distance_m)| StopDepartures {
                stop: self.stops[i].clone(),
                distance_m,
                lines: self.departures_at(i, now, per_line),
            })
            .collect()
    }
}

/// The naive way, kept as the benchmark's peer and the tests' oracle: scan
/// every trip's every stop time for the stop, checking its calendar each time.
pub fn departures_by_scan(
    gtfs: &Gtfs,
    stop_id: &str,
    now: PrimitiveDateTime,
    per_line: usize,
) -> Vec<(String, String, Vec<u32>)> {
    let now_secs = i64::from(now.hour()) * 3600 + i64::from(now.minute()) * 60 + i64::from(now.second());
    let mut found = Vec::new();
    for t in gtfs.trips.values() {
        let n = t.stop_times.len();
        for st in t.stop_times.iter().take(n.saturating_sub(1)).filter(|st| st.stop.id == stop_id) {
            let Some(secs) = st.departure_time.or(st.arrival_time) else { continue };
            for k in -1..=1i64 {
                let Some(day) = now.date().checked_add(time::Duration::days(k)) else { continue };
                let wait = i64::from(secs) - (now_secs - k * DAY);
                if (0..=DAY).contains(&wait) && service_of(gtfs, &t.service_id).runs_on(day) {
                    let headsign = t.trip_headsign.clone().unwrap_or_default();
                    found.push((wait, t.route_id.clone(), headsign));
                }
            }
        }
    }
    found.sort();
    let mut out: Vec<(String, String, Vec<u32>)> = Vec::new();
    for (wait, route, headsign) in found {
        let minutes = ((wait + 59) / 60) as u32;
        match out.iter_mut().find(|(r, h, _)| *r == route && *h == headsign) {
            Some((_, _, m)) if m.len() < per_line => m.push(minutes),
            Some(_) => {}
            None => out.push((route, headsign, vec![minutes])),
        }
    }
    out
}

/// The service `id` as the feed defines it.
pub fn service_of(gtfs: &Gtfs, id: &str) -> Service {
    let mut s = Service::default();
    if let Some(c) = gtfs.calendar.get(id) {
        s.weekdays = [c.monday, c.tuesday, c.wednesday, c.thursday, c.friday, c.saturday, c.sunday];
        s.range = civil!(c.start_date).zip(civil!(c.end_date));
    }
    for d in gtfs.calendar_dates.get(id).into_iter().flatten() {
        if let Some(day) = civil!(d.date) {
            match d.exception_type {
                Exception::Added => s.added.push(day),
                Exception::Deleted => s.removed.push(day),
            }
        }
    }
    s
}
