//! Air quality: the city's stations (from its pack), their hourly means
//! (from the city's server, kept for offline reading) and the VN_AQI of each
//! ([`aqi`]), with how old the reading is.
//!
//! The sync engine calls [`sync_step`] once per cycle; it asks the server at
//! most every [`REFRESH_EVERY_S`], with the last ETag, so an unchanged hour
//! costs a 304.

pub mod aqi;

use mycity_protocol::air::AirReadings;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use self::aqi::{Aqi, HourlyInput, NOWCAST_HOURS};
use crate::{api::Fetched, city::now, pack::LatLon, Error, Localized, MyCity, Problem, Result, SyncEvent};

/// A reading older than this (seconds) is shown as stale.
pub const STALE_AFTER_S: i64 = 3 * 3600;
/// Least time between two asks to the server; stations publish hourly.
pub const REFRESH_EVERY_S: i64 = 10 * 60;
/// Readings older than this are dropped from the store.
const KEEP_S: i64 = 48 * 3600;
const HOUR_S: i64 = 3600;

/// A station of the city's pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    /// Its id in the pack.
    pub id: String,
    /// Its name.
    pub name: Localized,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// One hour's means at a station: PM2.5, PM10, O3, NO2, SO2, CO (µg/m³).
pub type Means = [Option<f64>; 6];

/// What a station says now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationAir {
    /// The station.
    pub station: Station,
    /// Metres from the position asked about, if one was given.
    pub distance_m: Option<f64>,
    /// The end of the newest hour with data (unix seconds).
    pub hour: Option<i64>,
    /// Seconds since that hour ended.
    pub age_s: Option<i64>,
    /// True when the newest hour is older than [`STALE_AFTER_S`], or there is none.
    pub stale: bool,
    /// The hourly index for that hour, when the rules allow one.
    pub aqi: Option<Aqi>,
    /// Why there is no index (a problem code such as `aqi-no-particles` or `air-no-data`).
    pub no_index: Option<String>,
}

/// Every station of the city, nearest first when a position was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AirQuality {
    /// The stations.
    pub stations: Vec<StationAir>,
    /// When readings last came from the server (unix seconds).
    pub fetched_at: Option<i64>,
}

impl AirQuality {
    /// The nearest station with an index, else the nearest station.
    pub fn nearest(&self) -> Option<&StationAir> {
        self.stations.iter().find(|s| s.aqi.is_some()).or(self.stations.first())
    }
}

/// The hourly index of a station's newest hour. `hours` are `(end of hour,
/// means)` in any order. The newest hour with any value is "now"; the PM
/// series are the 12 hours ending there, a gap where no row is.
pub fn station_now(hours: &[(i64, Means)], now: i64) -> (Option<i64>, Option<i64>, Result<Aqi>) {
    let Some(latest) = hours.iter().filter(|(_, m)| m.iter().any(Option::is_some)).map(|(h, _)| *h).max() else {
        return (None, None, Err(Problem::new("air-no-data", "no readings from this station yet").into()));
    };
    let at = |h: i64| hours.iter().find(|(t, _)| *t == h).map(|(_, m)| *m);
    let series = |i: usize| -> Vec<Option<f64>> {
        (0..NOWCAST_HOURS as i64).map(|k| at(latest - k * HOUR_S).and_then(|m| m[i])).collect()
    };
    let current = at(latest).unwrap_or_default();
    let input = HourlyInput {
        pm25: series(0),
        pm10: series(1),
        o3_1h: current[2],
        no2_1h: current[3],
        so2_1h: current[4],
        co_1h: current[5],
    };
    (Some(latest), Some((now - latest).max(0)), aqi::hourly(&input))
}

/// Whether the engine should ask the server now.
pub fn due(last_attempt: Option<i64>, now: i64) -> bool {
    last_attempt.is_none_or(|t| now - t >= REFRESH_EVERY_S || now < t)
}

/// The city's stations, from its pack.
pub fn stations(conn: &Connection, city: &str) -> Result<Vec<Station>> {
    #[derive(Deserialize)]
    struct Extra {
        #[serde(default)]
        air_stations: Vec<Station>,
    }
    let extra: Option<String> =
        conn.query_row("SELECT extra FROM cities WHERE slug = ?1", [city], |r| r.get(0)).optional()?;
    let Some(extra) = extra else { return Err(Error::UnknownCity(city.to_owned())) };
    // A pack whose stations do not read is a pack problem, not a reason to fail the screen.
    Ok(serde_json::from_str::<Extra>(&extra).map(|e| e.air_stations).unwrap_or_else(|e| {
        tracing::warn!(%e, city, "air stations of the pack do not read");
        vec![]
    }))
}

/// A station's stored hours since `since`.
pub fn hours(conn: &Connection, city: &str, station: &str, since: i64) -> Result<Vec<(i64, Means)>> {
    let mut st = conn.prepare_cached(
        "SELECT hour, pm25, pm10, o3, no2, so2, co FROM air_readings
         WHERE city = ?1 AND station = ?2 AND hour >= ?3 ORDER BY hour DESC",
    )?;
    let rows = st.query_map(params![city, station, since], |r| {
        Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?]))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How the last fetch of a city went.
struct FetchState {
    etag: Option<String>,
    /// When readings last came.
    fetched_at: Option<i64>,
    /// When we last asked.
    attempted_at: i64,
}

fn fetch_state(conn: &Connection, city: &str) -> Result<Option<FetchState>> {
    let mut st = conn.prepare_cached("SELECT etag, fetched_at, attempted_at FROM air_fetches WHERE city = ?1")?;
    let row =
        st.query_row([city], |r| Ok(FetchState { etag: r.get(0)?, fetched_at: r.get(1)?, attempted_at: r.get(2)? }));
    Ok(row.optional()?)
}

fn note_attempt(tx: &Transaction<'_>, city: &str, error: Option<&str>, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO air_fetches (city, attempted_at, last_error) VALUES (?1, ?2, ?3)
         ON CONFLICT (city) DO UPDATE SET attempted_at = excluded.attempted_at, last_error = excluded.last_error",
        params![city, now, error],
    )?;
    Ok(())
}

/// A concentration the store keeps: a negative or non-finite value from the
/// server is dropped (that hour reads as missing for that pollutant) rather
/// than failing the whole answer.
fn valid(c: Option<f64>) -> Option<f64> {
    c.filter(|c| c.is_finite() && *c >= 0.0)
}

/// Stores a server answer; returns how many hours were written. Hours with
/// a date that does not read are skipped; so are values that cannot be.
pub fn store_readings(
    tx: &Transaction<'_>,
    city: &str,
    r: &AirReadings,
    etag: Option<&str>,
    now: i64,
) -> Result<usize> {
    let mut put =
        tx.prepare_cached("INSERT OR REPLACE INTO air_readings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
    let mut n = 0;
    for s in &r.stations {
        for h in &s.hours {
            let Ok(at) = time::OffsetDateTime::parse(&h.hour, &time::format_description::well_known::Rfc3339) else {
                tracing::warn!(hour = %h.hour, station = %s.id, "air hour skipped: not RFC 3339");
                continue;
            };
            let hour = at.unix_timestamp().div_euclid(HOUR_S) * HOUR_S;
            let v = [h.pm25, h.pm10, h.o3, h.no2, h.so2, h.co].map(valid);
            put.execute(params![city, s.id, hour, v[0], v[1], v[2], v[3], v[4], v[5]])?;
            n += 1;
        }
    }
    tx.execute("DELETE FROM air_readings WHERE city = ?1 AND hour < ?2", params![city, now - KEEP_S])?;
    tx.execute(
        "INSERT INTO air_fetches (city, etag, fetched_at, attempted_at) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (city) DO UPDATE SET etag = excluded.etag, fetched_at = excluded.fetched_at,
             attempted_at = excluded.attempted_at, last_error = NULL",
        params![city, etag, now],
    )?;
    Ok(n)
}

/// Every station of `city` with its index now, nearest `at` first with its
/// distance. Without a position they come nearest the city's centre first
/// (the station that best speaks for the city), with no distance.
pub fn quality(conn: &Connection, city: &str, at: Option<LatLon>, now: i64) -> Result<AirQuality> {
    let centre: Option<LatLon> = conn
        .query_row("SELECT center_lat, center_lon FROM cities WHERE slug = ?1", [city], |r| {
            Ok(LatLon { lat: r.get(0)?, lon: r.get(1)? })
        })
        .optional()?;
    let mut stations = Vec::new();
    for station in self::stations(conn, city)? {
        let hours = hours(conn, city, &station.id, now - KEEP_S)?;
        let (hour, age_s, index) = station_now(&hours, now);
        let distance_m = at.map(|p| crate::geo::distance_m(p, LatLon { lat: station.lat, lon: station.lon }));
        let no_index =
            index.as_ref().err().map(|e| e.problem().map_or_else(|| e.code().to_owned(), |p| p.code.to_owned()));
        stations.push(StationAir {
            station,
            distance_m,
            hour,
            age_s,
            stale: age_s.is_none_or(|a| a > STALE_AFTER_S),
            aqi: index.ok(),
            no_index,
        });
    }
    if let Some(from) = at.or(centre) {
        let d = |s: &StationAir| crate::geo::distance_m(from, LatLon { lat: s.station.lat, lon: s.station.lon });
        stations.sort_by(|a, b| d(a).total_cmp(&d(b)));
    }
    let fetched_at = fetch_state(conn, city)?.and_then(|f| f.fetched_at);
    Ok(AirQuality { stations, fetched_at })
}

/// Asks the city's server for its readings (conditionally); returns whether
/// anything new was stored.
async fn refresh(core: &MyCity, slug: &str) -> Result<bool> {
    let store = &core.inner.store;
    let api = core.api_for(slug)?;
    let etag = store.read(|c| fetch_state(c, slug))?.and_then(|f| f.etag);
    let fetched = api.get_if_changed(&format!("/api/v1/cities/{slug}/air"), etag.as_deref()).await;
    core.inner.sync.note_connection(fetched.as_ref().map(|_| ()));
    let now = now();
    match fetched {
        Ok(Fetched::NotModified) => {
            store.write(|tx| note_attempt(tx, slug, None, now))?;
            Ok(false)
        }
        Ok(Fetched::Body { body, etag }) => {
            let parsed: AirReadings = serde_json::from_str(&body).map_err(|e| Error::Server {
                status: 200,
                message: format!("air readings do not read: {e}"),
                retry_after_s: None,
            })?;
            store.write(|tx| store_readings(tx, slug, &parsed, etag.as_deref(), now))?;
            Ok(true)
        }
        Err(e) => {
            let msg = e.to_string();
            store.write(|tx| note_attempt(tx, slug, Some(&msg), now))?;
            Err(e)
        }
    }
}

/// The engine's one call per cycle: refreshes the current city's readings
/// when due, and tells listeners when they changed.
pub(crate) async fn sync_step(core: &MyCity) {
    let slug = core.city_slug();
    let last = match core.inner.store.read(|c| fetch_state(c, &slug)) {
        Ok(s) => s.map(|f| f.attempted_at),
        Err(e) => {
            tracing::warn!(%e, "air fetch state unreadable");
            return;
        }
    };
    if !due(last, now()) {
        return;
    }
    match refresh(core, &slug).await {
        Ok(true) => core.inner.sync.emit(SyncEvent::AirChanged { slug }),
        Ok(false) | Err(Error::NoServer) => {}
        Err(e) => tracing::info!(%e, "air readings not refreshed; the stored ones stay"),
    }
}

impl MyCity {
    /// Every air-quality station of the current city with its hourly VN_AQI,
    /// band, dominant pollutant and age, read from the store (offline).
    /// With a position, the stations come nearest first with their distance;
    /// without, nearest the city's centre first.
    pub fn air_quality(&self, at: Option<LatLon>) -> Result<AirQuality> {
        let slug = self.city_slug();
        self.inner.store.read(|c| quality(c, &slug, at, now()))
    }

    /// Fetches the current city's readings now (the engine also does, on its
    /// own schedule); returns whether new readings were stored.
    pub async fn refresh_air(&self) -> Result<bool> {
        let slug = self.city_slug();
        let changed = refresh(self, &slug).await?;
        if changed {
            self.inner.sync.emit(SyncEvent::AirChanged { slug });
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use mycity_protocol::air::{HourlyMeans, StationName, StationReadings};

    use super::*;
    use crate::store::Store;

    const T0: i64 = 1_790_000_000 / 3600 * 3600;

    fn means(pm25: f64, no2: f64) -> Means {
        [Some(pm25), None, None, Some(no2), None, None]
    }

    #[test]
    fn the_newest_hour_is_now_and_gaps_are_missing_hours() {
        // PM2.5 20 for hours T0-3h..T0 except T0-1h; NO2 150 at T0.
        let hours: Vec<(i64, Means)> = [0, 2, 3].iter().map(|k| (T0 - k * HOUR_S, means(20.0, 150.0))).collect();
        let (hour, age, aqi) = station_now(&hours, T0 + 600);
        assert_eq!((hour, age), (Some(T0), Some(600)));
        let aqi = aqi.unwrap();
        assert_eq!(aqi.per_pollutant[&aqi::Pollutant::Pm25], 40);
        assert_eq!((aqi.aqi, aqi.dominant), (75, aqi::Pollutant::No2));
        // Two of the three newest hours missing: no PM, so no index.
        let hours: Vec<(i64, Means)> = [0, 3].iter().map(|k| (T0 - k * HOUR_S, means(20.0, 150.0))).collect();
        let (_, _, aqi) = station_now(&hours, T0);
        assert_eq!(aqi.unwrap_err().problem().unwrap().code, "aqi-no-particles");
        let (hour, _, aqi) = station_now(&[], T0);
        assert_eq!((hour, aqi.unwrap_err().problem().unwrap().code), (None, "air-no-data"));
    }

    #[test]
    fn asks_every_ten_minutes_and_after_a_clock_jump_back() {
        assert!(due(None, T0));
        assert!(!due(Some(T0), T0 + REFRESH_EVERY_S - 1));
        assert!(due(Some(T0), T0 + REFRESH_EVERY_S));
        assert!(due(Some(T0), T0 - 5));
    }

    fn answer(values: &[(i64, f64)]) -> AirReadings {
        let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap();
        let hours = values
            .iter()
            .map(|(t, pm)| HourlyMeans {
                hour: time::OffsetDateTime::from_unix_timestamp(*t)
                    .unwrap()
                    .to_offset(offset)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap(),
                pm25: Some(*pm),
                no2: Some(-4.0),
                ..Default::default()
            })
            .collect();
        AirReadings {
            city: "ha-giang".into(),
            generated_at: String::new(),
            stations: vec![StationReadings {
                id: "hg-aq-1".into(),
                name: StationName { vi: "Trần Phú".into(), en: String::new() },
                lat: 22.824,
                lon: 104.98,
                hours,
            }],
        }
    }

    #[test]
    fn stored_readings_give_each_station_its_index_nearest_first_and_age() {
        let store = Store::open_in_memory().unwrap();
        let pack = crate::CityPack::parse(&crate::pack::bundled::wire("ha-giang").unwrap().unwrap()).unwrap();
        crate::city::import(&store, &pack, crate::PackSource::Bundled, None).unwrap();
        let r = answer(&[(T0 - 2 * HOUR_S, 30.0), (T0 - HOUR_S, 30.0), (T0, 30.0)]);
        let n = store.write(|tx| store_readings(tx, "ha-giang", &r, Some("\"e1\""), T0 + 60)).unwrap();
        assert_eq!(n, 3);
        // Next to the Ngọc Hà station: it comes first, with no data yet.
        let q = store.read(|c| quality(c, "ha-giang", Some(LatLon { lat: 22.812, lon: 104.987 }), T0 + 60)).unwrap();
        assert_eq!(q.stations.len(), 3);
        assert_eq!(q.stations[0].station.id, "hg-aq-2");
        assert_eq!(q.stations[0].no_index.as_deref(), Some("air-no-data"));
        assert!(q.stations[0].stale);
        let tran_phu = q.stations.iter().find(|s| s.station.id == "hg-aq-1").unwrap();
        let aqi = tran_phu.aqi.as_ref().unwrap();
        assert_eq!((aqi.aqi, aqi.band), (60, aqi::Band::Moderate));
        assert!(!aqi.per_pollutant.contains_key(&aqi::Pollutant::No2), "negative NO2 was dropped");
        assert_eq!((tran_phu.age_s, tran_phu.stale), (Some(60), false));
        assert_eq!(q.nearest().unwrap().station.id, "hg-aq-1", "the nearest with an index");
        assert_eq!(q.fetched_at, Some(T0 + 60));
        // Without a position: nearest the centre (22.8233, 104.9836) first, no distance.
        let by_centre = store.read(|c| quality(c, "ha-giang", None, T0 + 60)).unwrap();
        assert_eq!(by_centre.stations[0].station.id, "hg-aq-1");
        assert!(by_centre.stations.iter().all(|s| s.distance_m.is_none()));
        // Four hours later the same reading is stale.
        let later = store.read(|c| quality(c, "ha-giang", None, T0 + 4 * HOUR_S)).unwrap();
        assert!(later.stations.iter().find(|s| s.station.id == "hg-aq-1").unwrap().stale);
        // Two days later it is gone from the store.
        let r = answer(&[(T0 + 50 * HOUR_S, 10.0)]);
        store.write(|tx| store_readings(tx, "ha-giang", &r, None, T0 + 50 * HOUR_S)).unwrap();
        let kept = store.read(|c| hours(c, "ha-giang", "hg-aq-1", 0)).unwrap();
        assert_eq!(kept.len(), 1);
    }
}
