//! Air quality: the city's stations with their hourly VN_AQI, band and age,
//! read offline from what the sync engine last fetched.

use mycity_core as core;

use crate::{LatLonRecord, MyCity, MyCityError};

/// What a station says now.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StationAirRecord {
    /// The station's id in the pack.
    pub id: String,
    /// Its name, in the person's language.
    pub name: String,
    /// Where it is.
    pub position: LatLonRecord,
    /// Metres from the position asked about.
    pub distance_m: Option<f64>,
    /// The VN_AQI of its newest hour, when the rules allow one.
    pub aqi: Option<u32>,
    /// The band's key (`good`, `moderate`, `poor`, `bad`, `very-bad`, `hazardous`).
    pub band: Option<String>,
    /// The band's name in the person's language.
    pub band_label: Option<String>,
    /// What to do in that band, in the person's language.
    pub advice: Option<String>,
    /// The band's colour, `#rrggbb`.
    pub colour: Option<String>,
    /// The pollutant that gives the index (`PM2.5`, `O3`…).
    pub dominant: Option<String>,
    /// Why there is no index (a problem code such as `air-no-data`).
    pub no_index: Option<String>,
    /// The end of the newest hour with data (unix seconds).
    pub hour: Option<i64>,
    /// Seconds since that hour ended.
    pub age_s: Option<i64>,
    /// The reading is too old to trust (or there is none).
    pub stale: bool,
}

/// Every station of the city, nearest first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AirQualityRecord {
    /// The stations.
    pub stations: Vec<StationAirRecord>,
    /// When readings last came from the server (unix seconds).
    pub fetched_at: Option<i64>,
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// Every station of the current city with its VN_AQI, offline; with a
    /// position, nearest first with distances (else nearest the centre).
    pub fn air_quality(&self, at: Option<LatLonRecord>) -> Result<AirQualityRecord, MyCityError> {
        let q = self.inner.air_quality(at.map(Into::into)).map_err(|e| self.fail(e))?;
        let t = self.inner.texts();
        let lang = t.lang().code();
        Ok(AirQualityRecord {
            stations: q
                .stations
                .into_iter()
                .map(|s| StationAirRecord {
                    name: s.station.name.get(lang).to_owned(),
                    position: core::LatLon { lat: s.station.lat, lon: s.station.lon }.into(),
                    id: s.station.id,
                    distance_m: s.distance_m,
                    band: s.aqi.as_ref().map(|a| a.band.key().to_owned()),
                    band_label: s.aqi.as_ref().map(|a| t.get(&format!("air-band-{}", a.band.key()))),
                    advice: s.aqi.as_ref().map(|a| t.get(&format!("air-advice-{}", a.band.key()))),
                    colour: s.aqi.as_ref().map(|a| a.band.hex()),
                    dominant: s.aqi.as_ref().map(|a| a.dominant.label().to_owned()),
                    aqi: s.aqi.map(|a| a.aqi),
                    no_index: s.no_index,
                    hour: s.hour,
                    age_s: s.age_s,
                    stale: s.stale,
                })
                .collect(),
            fetched_at: q.fetched_at,
        })
    }

    /// Fetches the city's readings now (the sync engine also does, on its
    /// schedule); true when new readings were stored.
    pub async fn refresh_air(&self) -> Result<bool, MyCityError> {
        self.inner.refresh_air().await.map_err(|e| self.fail(e))
    }
}
