//! Air-quality readings as a city's server publishes them
//! (`GET /api/v1/cities/{slug}/air`): every station with its hourly means.

use serde::{Deserialize, Serialize};

/// How far back the server's answer reaches, in hours.
pub const HOURS_SERVED: usize = 24;

/// A station's name in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationName {
    /// Vietnamese.
    pub vi: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

/// One hour's means at a station, in µg/m³ (CO included); `None` when the
/// analyser gave nothing valid that hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HourlyMeans {
    /// The end of the averaging hour, RFC 3339 (`2026-11-29T11:00:00+07:00`
    /// is the mean of 10:00–11:00, as Vietnamese stations label hours).
    pub hour: String,
    /// PM2.5.
    #[serde(default)]
    pub pm25: Option<f64>,
    /// PM10.
    #[serde(default)]
    pub pm10: Option<f64>,
    /// O3.
    #[serde(default)]
    pub o3: Option<f64>,
    /// NO2.
    #[serde(default)]
    pub no2: Option<f64>,
    /// SO2.
    #[serde(default)]
    pub so2: Option<f64>,
    /// CO.
    #[serde(default)]
    pub co: Option<f64>,
}

/// A station and its recent hours, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationReadings {
    /// The station's id in the city's pack.
    pub id: String,
    /// Its name.
    pub name: StationName,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Hourly means, oldest first; hours with no data may be absent.
    pub hours: Vec<HourlyMeans>,
}

/// The whole answer for a city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AirReadings {
    /// The city's slug.
    pub city: String,
    /// When the server wrote this answer, RFC 3339.
    pub generated_at: String,
    /// Every station of the city.
    pub stations: Vec<StationReadings>,
}
