//! Public transport: next buses at the nearest stops and the city's routes,
//! answered offline from the city pack's GTFS feed (issue 14).

use crate::{count, LatLonRecord, MyCity, MyCityError};

/// A bus route.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RouteRecord {
    /// GTFS `route_id`.
    pub id: String,
    /// Its number ("R16").
    pub number: String,
    /// Its name ("Kim Liên – Cao đẳng Việt Hàn").
    pub name: String,
    /// Its colour, `#RRGGBB`.
    pub colour: String,
}

/// The next departures of one route towards one headsign at a stop.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DepartureLineRecord {
    /// The route.
    pub route: RouteRecord,
    /// Where it goes.
    pub headsign: String,
    /// Minutes until each of the next departures, soonest first.
    pub minutes: Vec<u32>,
    /// The same on the city's clock, `HH:MM`.
    pub times: Vec<String>,
}

/// A stop near the person with what leaves it next.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StopDeparturesRecord {
    /// GTFS `stop_id`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it is.
    pub position: LatLonRecord,
    /// Metres from the position asked about.
    pub distance_m: f64,
    /// Per route and headsign, soonest first.
    pub lines: Vec<DepartureLineRecord>,
}

/// The transport look-up of the current city.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TransportRecord {
    /// The city's pack has a timetable; when false the lists are empty.
    pub has_feed: bool,
    /// The timetable or stop positions are approximate: show it.
    pub approximate: bool,
    /// Who runs the buses.
    pub agency: String,
    /// Where distances were measured from.
    pub position: LatLonRecord,
    /// `position` is the city centre, for want of a known position.
    pub from_centre: bool,
    /// The nearest stops, nearest first.
    pub stops: Vec<StopDeparturesRecord>,
    /// Every route of the city.
    pub routes: Vec<RouteRecord>,
}

fn route(r: mycity_core::transport::RouteInfo) -> RouteRecord {
    RouteRecord { id: r.id, number: r.number, name: r.name, colour: r.colour }
}

#[uniffi::export]
impl MyCity {
    /// Next buses at the stops nearest `at` (else the last known position,
    /// else the city centre) at unix time `now` (else the clock), offline.
    pub fn next_departures(&self, at: Option<LatLonRecord>, now: Option<i64>) -> Result<TransportRecord, MyCityError> {
        let v = self.inner.transport(at.map(Into::into), now).map_err(|e| self.fail(e))?;
        Ok(TransportRecord {
            has_feed: v.has_feed,
            approximate: v.approximate,
            agency: v.agency,
            position: v.position.into(),
            from_centre: v.from_centre,
            stops: v
                .stops
                .into_iter()
                .map(|s| StopDeparturesRecord {
                    id: s.stop.id,
                    name: s.stop.name,
                    position: s.stop.position.into(),
                    distance_m: s.distance_m,
                    lines: s
                        .lines
                        .into_iter()
                        .map(|l| DepartureLineRecord {
                            route: route(l.route),
                            headsign: l.headsign,
                            minutes: l.minutes,
                            times: l.times,
                        })
                        .collect(),
                })
                .collect(),
            routes: v.routes.into_iter().map(route).collect(),
        })
    }

    /// How many stops route `route_id` serves in its first direction (0 for
    /// a route the city lacks); the app draws the line itself from the core.
    pub fn route_stop_count(&self, route_id: String) -> Result<u32, MyCityError> {
        let line = self.inner.transport_route(&route_id).map_err(|e| self.fail(e))?;
        Ok(count(line.and_then(|l| l.lines.into_iter().next()).map_or(0, |l| l.stops.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_buses_in_da_nang_and_none_in_ha_giang() {
        let dir = tempfile::tempdir().unwrap();
        let c = MyCity::open(dir.path().to_string_lossy().into_owned(), None).unwrap();
        assert!(!c.next_departures(None, None).unwrap().has_feed);
        c.set_city("da-nang".into()).unwrap();
        // Monday 2026-11-30 07:05 in Đà Nẵng, at Chợ Hàn.
        let v = c.next_departures(Some(LatLonRecord { lat: 16.0681, lon: 108.2237 }), Some(1_796_083_500)).unwrap();
        assert!(v.has_feed && v.approximate && !v.from_centre);
        assert_eq!(v.stops[0].id, "CHOHAN");
        assert!(v.stops[0].lines[0].minutes[0] <= 20);
        assert_eq!(v.routes.len(), 4);
        assert!(c.route_stop_count("R16".into()).unwrap() >= 8);
        assert_eq!(c.route_stop_count("nope".into()).unwrap(), 0);
    }
}
