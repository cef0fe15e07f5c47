//! Public transport look-ups (issue 14): a city's GTFS static feed travels in
//! its pack (see [`mycity_protocol::transit`]), is checked when the pack is
//! read, and is laid out once per pack into an in-memory [`Index`]; next
//! departures at the nearest stops and a route's line then come from it
//! offline. Road closures and roadworks are the city's CAP alerts of
//! category `Transport`, through the alerts path.

mod feed;
mod index;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};

use rusqlite::OptionalExtension;
use serde::Serialize;

pub use feed::parse;
pub use index::{
    departures_by_scan, service_of, Index, Line, LineDepartures, RouteInfo, RouteLine, Service, Stop, StopDepartures,
};

use crate::{alerts::ActiveAlert, pack::LatLon, MyCity, Result};

/// How many stops the look-up lists, nearest first.
pub const NEAREST_STOPS: usize = 3;
/// How many departures per route and headsign.
pub const PER_LINE: usize = 2;

/// Checks the feed a pack carries, if any: a malformed one refuses the whole
/// pack, so the pack in use stays.
pub fn check_pack(extra: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    match extra.get(mycity_protocol::transit::KEY) {
        None => Ok(()),
        Some(serde_json::Value::Object(files)) => parse(files).map(drop),
        Some(_) => Err(crate::Problem::new("transport-feed-invalid", "gtfs is not an object of files")
            .arg("file", "gtfs")
            .into()),
    }
}

/// The transport look-up of the current city.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransportView {
    /// The city's pack has a timetable; when false the rest is empty.
    pub has_feed: bool,
    /// The timetable or stop positions are approximate (the feed says so).
    pub approximate: bool,
    /// Who runs the buses, as the feed names them.
    pub agency: String,
    /// Where the stops were measured from.
    pub position: LatLon,
    /// `position` is the city centre, for want of a known position.
    pub from_centre: bool,
    /// The nearest stops with their next departures.
    pub stops: Vec<StopDepartures>,
    /// Every route of the city.
    pub routes: Vec<RouteInfo>,
}

type Cached = (String, i64, i64, Option<Arc<Index>>);

/// One index per pack, kept while that pack is the one installed; the key
/// (slug, version, import time) changes whenever a new pack replaces it.
static CACHE: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

impl MyCity {
    /// The current city's timetable index, built on first use after a pack
    /// is installed; `None` when the city has no feed.
    pub fn transport_index(&self) -> Result<Option<Arc<Index>>> {
        let city = self.city()?;
        let key = (city.slug.clone(), city.version, city.imported_at);
        if let Ok(cache) = CACHE.lock() {
            if let Some((.., index)) = cache.iter().find(|(s, v, t, _)| (s, v, t) == (&key.0, &key.1, &key.2)) {
                return Ok(index.clone());
            }
        }
        let text: Option<String> = self.inner.store.read(|c| {
            Ok(c.query_row("SELECT json_extract(extra, '$.gtfs') FROM cities WHERE slug = ?1", [&city.slug], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
        })?;
        let index = match text {
            None => None,
            Some(t) => {
                let files: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&t).map_err(|e| crate::Error::Storage(format!("stored timetable: {e}")))?;
                Some(Arc::new(Index::build(&parse(&files)?)))
            }
        };
        if let Ok(mut cache) = CACHE.lock() {
            cache.retain(|(s, ..)| *s != key.0);
            // A handful of cities at most; the bound keeps tests that open many stores small.
            if cache.len() >= 8 {
                cache.remove(0);
            }
            cache.push((key.0, key.1, key.2, index.clone()));
        }
        Ok(index)
    }

    /// Next departures at the stops nearest `position` (else the last known
    /// position, else the city centre) at unix time `now` (else the clock),
    /// on the city's clock. Works offline from the pack.
    pub fn transport(&self, position: Option<LatLon>, now: Option<i64>) -> Result<TransportView> {
        let city = self.city()?;
        let known = position.or_else(|| crate::alerts::last_position(self));
        let (position, from_centre) = match known.filter(|p| city.bbox.contains(*p)) {
            Some(p) => (p, false),
            None => (city.center, true),
        };
        let Some(index) = self.transport_index()? else {
            return Ok(TransportView {
                has_feed: false,
                approximate: false,
                agency: String::new(),
                position,
                from_centre,
                stops: vec![],
                routes: vec![],
            });
        };
        let at = time::OffsetDateTime::from_unix_timestamp(now.unwrap_or_else(crate::city::now))
            .map_err(|e| crate::Problem::new("transport-time", e.to_string()))?
            .to_offset(city.utc_offset());
        let local = time::PrimitiveDateTime::new(at.date(), at.time());
        Ok(TransportView {
            has_feed: true,
            approximate: index.approximate,
            agency: index.agency.clone(),
            position,
            from_centre,
            stops: index.next_departures(position, local, NEAREST_STOPS, PER_LINE),
            routes: index.routes.clone(),
        })
    }

    /// A route's lines and stops for the map; `None` for a route the city lacks.
    pub fn transport_route(&self, route_id: &str) -> Result<Option<RouteLine>> {
        Ok(self.transport_index()?.and_then(|i| i.route_line(route_id)))
    }

    /// Road closures and roadworks in force in the current city: its CAP
    /// alerts of category `Transport`.
    pub fn road_closures(&self) -> Result<Vec<ActiveAlert>> {
        crate::alerts::in_force_of_category(self, "Transport")
    }
}
