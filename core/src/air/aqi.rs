//! Vietnam's air quality index, VN_AQI, as Quyết định 1459/QĐ-TCMT
//! (Tổng cục Môi trường, 12/11/2019) defines it. Pure arithmetic, no I/O.
//!
//! The decision's method: each pollutant's concentration is placed in its
//! breakpoint table (Bảng 2) and interpolated linearly to a sub-index
//! (AQIx); the index is the highest sub-index. The hourly index (AQI^h)
//! reads SO2, CO, NO2 and O3 as 1-hour means and PM2.5/PM10 through NowCast
//! over the last 12 hours; the daily index (AQI^d) reads PM as 24-hour means,
//! SO2/NO2/CO as the day's highest 1-hour mean, and O3 from both its highest
//! 1-hour and highest 8-hour mean. At least one of PM2.5 and PM10 must take
//! part, or there is no index.
//!
//! Where the text leaves room, the choice made here (each also written on the
//! item it concerns):
//! - **Rounding** ([`round_index`]): every sub-index is rounded half up to an
//!   integer, and the index is the highest rounded sub-index. The decision
//!   says "làm tròn thành số nguyên" (round), not "round up"; its daily
//!   example (NO2 65.4 → 65) rules out ceiling. Its hourly example prints 60
//!   for NO2 = 118.7 µg/m³, which is 59.35 by its own formula: we give 59 and
//!   treat the printed 60 as a slip (no single rounding rule reproduces every
//!   example). Concentrations, NowCast included, are never rounded.
//! - **NowCast at w = ½** ([`nowcast`]): the normalised formula
//!   Σ wⁱ⁻¹cᵢ / Σ wⁱ⁻¹ is used for every w. The decision prints the w = ½ case
//!   as Σ (½)ⁱcᵢ without a denominator; with all 12 hours present the two
//!   differ by a factor 1 − 2⁻¹² (under 0.03 %), but with a missing hour
//!   (whose weight the decision sets to 0) the printed form would read the
//!   missing hour as clean air and bias the value low.
//! - **Daily O3** ([`daily`]): the 8-hour maximum is indexed on the O3 (8h)
//!   table and the 1-hour maximum on the O3 (1h) table, and O3's sub-index is
//!   the higher of the two, as the decision's worked example does (45 and 36).
//!   Comparing the two concentrations before indexing, a literal reading of
//!   "Cx là giá trị lớn nhất …", would put a value on a table it was not made
//!   for. Above 400 µg/m³ the 8-hour value is not indexed (the decision's
//!   note); if the 1-hour maximum is then missing, the 8-hour maximum is used
//!   on the 1-hour table as a lower bound (a day's highest hour is never below
//!   its highest 8-hour mean), so a very high day is not left without O3.
//! - **Above the top breakpoint**: Bảng 2's last row reads "≥ BP₈ → 500", so
//!   every concentration at or above it is 500 (Nguy hại); nothing is
//!   extrapolated past the scale.
//! - **Completeness of means** the decision does not specify: a 24-hour mean
//!   needs 18 of its 24 hours, an 8-hour mean 6 of its 8 (75 %, the usual
//!   completeness rule for averaged air data).

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

use crate::{Problem, Result};

/// A pollutant VN_AQI reads, in the order ties between equal sub-indices are
/// broken (particles first: they are the index's mandatory part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Pollutant {
    /// Fine particles.
    #[serde(rename = "PM2.5")]
    Pm25,
    /// Coarse particles.
    #[serde(rename = "PM10")]
    Pm10,
    /// Ozone.
    #[serde(rename = "O3")]
    O3,
    /// Nitrogen dioxide.
    #[serde(rename = "NO2")]
    No2,
    /// Sulphur dioxide.
    #[serde(rename = "SO2")]
    So2,
    /// Carbon monoxide.
    #[serde(rename = "CO")]
    Co,
}

impl Pollutant {
    /// Every pollutant, in tie-break order.
    pub const ALL: [Pollutant; 6] =
        [Pollutant::Pm25, Pollutant::Pm10, Pollutant::O3, Pollutant::No2, Pollutant::So2, Pollutant::Co];

    /// The chemist's label the decision uses ("PM2.5", "NO2", …).
    pub fn label(self) -> &'static str {
        match self {
            Pollutant::Pm25 => "PM2.5",
            Pollutant::Pm10 => "PM10",
            Pollutant::O3 => "O3",
            Pollutant::No2 => "NO2",
            Pollutant::So2 => "SO2",
            Pollutant::Co => "CO",
        }
    }
}

impl fmt::Display for Pollutant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One column of Bảng 2: the concentrations (µg/m³) at which the sub-index
/// reaches 0, 50, 100, 150, 200, 300, 400, 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// O3, 1-hour mean.
    O3OneHour,
    /// O3, 8-hour mean (defined up to index 300 only).
    O3EightHour,
    /// CO.
    Co,
    /// SO2.
    So2,
    /// NO2.
    No2,
    /// PM10.
    Pm10,
    /// PM2.5.
    Pm25,
}

/// The index values Iᵢ of Bảng 2's rows.
const LEVELS: [f64; 8] = [0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0];

impl Table {
    /// The breakpoints BPᵢ, lowest first; one per row of [`LEVELS`] the column fills.
    pub fn breakpoints(self) -> &'static [f64] {
        match self {
            Table::O3OneHour => &[0.0, 160.0, 200.0, 300.0, 400.0, 800.0, 1000.0, 1200.0],
            Table::O3EightHour => &[0.0, 100.0, 120.0, 170.0, 210.0, 400.0],
            Table::Co => &[0.0, 10_000.0, 30_000.0, 45_000.0, 60_000.0, 90_000.0, 120_000.0, 150_000.0],
            Table::So2 => &[0.0, 125.0, 350.0, 550.0, 800.0, 1600.0, 2100.0, 2630.0],
            Table::No2 => &[0.0, 100.0, 200.0, 700.0, 1200.0, 2350.0, 3100.0, 3850.0],
            Table::Pm10 => &[0.0, 50.0, 150.0, 250.0, 350.0, 420.0, 500.0, 600.0],
            Table::Pm25 => &[0.0, 25.0, 50.0, 80.0, 150.0, 250.0, 350.0, 500.0],
        }
    }
}

/// The sub-index of a concentration (µg/m³, ≥ 0) on `table`, not yet
/// rounded: linear between the two breakpoints around it (the decision's
/// Công thức 1 and 2). At or above the column's top breakpoint it is that
/// row's index (500; 300 for O3 8h, whose table stops there).
pub fn sub_index(table: Table, c: f64) -> f64 {
    let bp = table.breakpoints();
    let top = bp.len() - 1;
    if c >= bp[top] {
        return LEVELS[top];
    }
    let c = c.max(0.0);
    // The segment whose upper breakpoint is the first at or above c; a value
    // on a breakpoint belongs to the lower segment and gives exactly its level.
    let i = bp.iter().position(|&b| c <= b).unwrap_or(top).max(1);
    let (lo, hi) = (bp[i - 1], bp[i]);
    LEVELS[i - 1] + (LEVELS[i] - LEVELS[i - 1]) * (c - lo) / (hi - lo)
}

/// Rounds a sub-index half up to an integer. Ties are decided after cutting
/// float noise at 10⁻⁶, so 109.5 computed as 109.49999999999999 still gives 110
/// (the decision's PM2.5 = 55.7 µg/m³ example).
pub fn round_index(x: f64) -> u32 {
    let cleaned = (x * 1e6).round() / 1e6;
    (cleaned + 0.5).floor().clamp(0.0, 500.0) as u32
}

/// The decision's six bands (Bảng 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// 0–50, Tốt.
    Good,
    /// 51–100, Trung bình.
    Moderate,
    /// 101–150, Kém.
    Poor,
    /// 151–200, Xấu.
    Bad,
    /// 201–300, Rất xấu.
    VeryBad,
    /// 301–500, Nguy hại.
    Hazardous,
}

impl Band {
    /// The band of a (rounded) index.
    pub fn of(aqi: u32) -> Band {
        match aqi {
            0..=50 => Band::Good,
            51..=100 => Band::Moderate,
            101..=150 => Band::Poor,
            151..=200 => Band::Bad,
            201..=300 => Band::VeryBad,
            _ => Band::Hazardous,
        }
    }

    /// The decision's colour, as its RGB triple.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Band::Good => [0, 228, 0],
            Band::Moderate => [255, 255, 0],
            Band::Poor => [255, 126, 0],
            Band::Bad => [255, 0, 0],
            Band::VeryBad => [143, 63, 151],
            Band::Hazardous => [126, 0, 35],
        }
    }

    /// The decision's own name of the band ("Trung bình"): a stable label for
    /// machine output. Screens use the Fluent key [`Band::key`] instead.
    pub fn official_name(self) -> &'static str {
        match self {
            Band::Good => "Tốt",
            Band::Moderate => "Trung bình",
            Band::Poor => "Kém",
            Band::Bad => "Xấu",
            Band::VeryBad => "Rất xấu",
            Band::Hazardous => "Nguy hại",
        }
    }

    /// The key part of the band's Fluent messages (`air-band-<key>`, `air-advice-<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Band::Good => "good",
            Band::Moderate => "moderate",
            Band::Poor => "poor",
            Band::Bad => "bad",
            Band::VeryBad => "very-bad",
            Band::Hazardous => "hazardous",
        }
    }

    /// `#rrggbb`, for styles.
    pub fn hex(self) -> String {
        let [r, g, b] = self.rgb();
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// An index with what it is made of. It serialises as
/// `{"aqi":n,"band":"Trung bình","rgb":[r,g,b],"dominant":"NO2","per_pollutant":{"PM2.5":n,…}}`,
/// the band by the decision's own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aqi {
    /// The index: the highest rounded sub-index.
    pub aqi: u32,
    /// Its band.
    pub band: Band,
    /// The pollutant that gives the index (the first in [`Pollutant::ALL`] order on a tie).
    pub dominant: Pollutant,
    /// Every sub-index that could be computed.
    pub per_pollutant: BTreeMap<Pollutant, u32>,
}

impl Serialize for Aqi {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Aqi", 5)?;
        st.serialize_field("aqi", &self.aqi)?;
        st.serialize_field("band", self.band.official_name())?;
        st.serialize_field("rgb", &self.band.rgb())?;
        st.serialize_field("dominant", &self.dominant)?;
        st.serialize_field("per_pollutant", &self.per_pollutant)?;
        st.end()
    }
}

/// What `mycity-cli aqi` reads: one JSON object, `"kind"` saying which index.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// An hourly index.
    Hourly(HourlyInput),
    /// A daily index.
    Daily(DailyInput),
}

/// Reads a [`Request`] and computes its index. Anything that is not such an
/// object (unknown fields included, so a misspelt pollutant is not silently
/// ignored) is `aqi-input`.
pub fn evaluate(json: &str) -> Result<Aqi> {
    let request: Request = serde_json::from_str(json)
        .map_err(|e| Problem::new("aqi-input", format!("not an AQI request: {e}")).arg("detail", e.to_string()))?;
    match request {
        Request::Hourly(h) => hourly(&h),
        Request::Daily(d) => daily(&d),
    }
}

/// Most hours NowCast reads.
pub const NOWCAST_HOURS: usize = 12;

/// The NowCast of a particle series, newest hour first (`c₁` is the current
/// hour), `None` for a missing hour; hours past the 12th are ignored.
///
/// w* = Cmin / Cmax over the hours present, w = max(w*, ½); a missing hour
/// weighs 0. `None` (no value) unless at least 2 of the 3 newest hours are
/// present, as the decision requires. The normalised formula is used for
/// every w, w = ½ included (see the module's notes for why).
pub fn nowcast(hours: &[Option<f64>]) -> Option<f64> {
    let hours = &hours[..hours.len().min(NOWCAST_HOURS)];
    let recent = hours.iter().take(3).filter(|c| c.is_some()).count();
    if recent < 2 {
        return None;
    }
    let present = hours.iter().flatten().copied();
    let (min, max) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| (lo.min(c), hi.max(c)));
    if max <= 0.0 {
        return Some(0.0);
    }
    let w = (min / max).max(0.5);
    let (mut num, mut den) = (0.0, 0.0);
    for (i, c) in hours.iter().enumerate() {
        if let Some(c) = c {
            let weight = w.powi(i as i32);
            num += weight * c;
            den += weight;
        }
    }
    Some(num / den)
}

/// What an hourly index reads; any pollutant may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HourlyInput {
    /// PM2.5 1-hour means, newest first, up to 12.
    #[serde(default)]
    pub pm25: Vec<Option<f64>>,
    /// PM10 1-hour means, newest first, up to 12.
    #[serde(default)]
    pub pm10: Vec<Option<f64>>,
    /// O3 of the current hour.
    #[serde(default)]
    pub o3_1h: Option<f64>,
    /// NO2 of the current hour.
    #[serde(default)]
    pub no2_1h: Option<f64>,
    /// SO2 of the current hour.
    #[serde(default)]
    pub so2_1h: Option<f64>,
    /// CO of the current hour.
    #[serde(default)]
    pub co_1h: Option<f64>,
}

/// What a daily index reads; any pollutant may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyInput {
    /// PM2.5 24-hour mean.
    #[serde(default)]
    pub pm25_24h: Option<f64>,
    /// PM10 24-hour mean.
    #[serde(default)]
    pub pm10_24h: Option<f64>,
    /// The day's highest O3 1-hour mean.
    #[serde(default)]
    pub o3_max_1h: Option<f64>,
    /// The day's highest O3 8-hour mean.
    #[serde(default)]
    pub o3_max_8h: Option<f64>,
    /// The day's highest NO2 1-hour mean.
    #[serde(default)]
    pub no2_max_1h: Option<f64>,
    /// The day's highest SO2 1-hour mean.
    #[serde(default)]
    pub so2_max_1h: Option<f64>,
    /// The day's highest CO 1-hour mean.
    #[serde(default)]
    pub co_max_1h: Option<f64>,
}

/// Hours before the day that its first 8-hour O3 window reads.
pub const HOURS_BEFORE_DAY: usize = 7;

impl DailyInput {
    /// A day's inputs from its hourly means, oldest first: the previous
    /// day's last [`HOURS_BEFORE_DAY`] hours, then the day's 24 (01:00 to
    /// 00:00), each `[PM2.5, PM10, O3, NO2, SO2, CO]`, `None` where missing.
    /// PM are the day's 24-hour means, O3 its highest 1-hour and 8-hour
    /// means, the other gases their highest hour. With fewer rows, those
    /// present are read as the day's latest hours.
    pub fn from_hours(rows: &[[Option<f64>; 6]]) -> DailyInput {
        let day = &rows[rows.len().saturating_sub(24)..];
        let column = |rows: &[[Option<f64>; 6]], i: usize| -> Vec<Option<f64>> { rows.iter().map(|r| r[i]).collect() };
        DailyInput {
            pm25_24h: mean_24h(&column(day, 0)),
            pm10_24h: mean_24h(&column(day, 1)),
            o3_max_1h: max_1h(&column(day, 2)),
            o3_max_8h: max_8h_mean(&column(&rows[rows.len().saturating_sub(24 + HOURS_BEFORE_DAY)..], 2)),
            no2_max_1h: max_1h(&column(day, 3)),
            so2_max_1h: max_1h(&column(day, 4)),
            co_max_1h: max_1h(&column(day, 5)),
        }
    }
}

/// Refuses a concentration that is negative or not a number.
fn check(field: &'static str, c: f64) -> Result<f64> {
    if !c.is_finite() {
        return Err(Problem::new("aqi-not-a-number", format!("{field} is not a finite number")).field(field).into());
    }
    if c < 0.0 {
        return Err(Problem::new("aqi-negative", format!("{field} is negative ({c} µg/m³)"))
            .field(field)
            .arg("pollutant", field)
            .into());
    }
    Ok(c)
}

fn check_opt(field: &'static str, c: Option<f64>) -> Result<Option<f64>> {
    c.map(|c| check(field, c)).transpose()
}

/// Puts the sub-indices together: the highest wins, and one of the particles
/// must be there.
fn combine(subs: impl IntoIterator<Item = (Pollutant, f64)>) -> Result<Aqi> {
    let per_pollutant: BTreeMap<Pollutant, u32> = subs.into_iter().map(|(p, x)| (p, round_index(x))).collect();
    if !per_pollutant.contains_key(&Pollutant::Pm25) && !per_pollutant.contains_key(&Pollutant::Pm10) {
        return Err(Problem::new(
            "aqi-no-particles",
            "VN_AQI needs PM2.5 or PM10 (for an hourly index, 2 of the 3 newest hours)",
        )
        .into());
    }
    // BTreeMap iterates in tie-break order; keep the first of the highest.
    let (dominant, aqi) = per_pollutant
        .iter()
        .fold(None::<(Pollutant, u32)>, |best, (&p, &x)| match best {
            Some((_, b)) if b >= x => best,
            _ => Some((p, x)),
        })
        .unwrap_or((Pollutant::Pm25, 0));
    Ok(Aqi { aqi, band: Band::of(aqi), dominant, per_pollutant })
}

/// The hourly index, AQI^h. Errors: a negative or non-finite concentration
/// (`aqi-negative`, `aqi-not-a-number`); no particle value to index
/// (`aqi-no-particles`), which includes a NowCast the missing-hours rule forbids.
pub fn hourly(input: &HourlyInput) -> Result<Aqi> {
    let series = |field, hours: &[Option<f64>]| -> Result<Vec<Option<f64>>> {
        hours.iter().map(|c| check_opt(field, *c)).collect()
    };
    let pm25 = nowcast(&series("pm25", &input.pm25)?);
    let pm10 = nowcast(&series("pm10", &input.pm10)?);
    let mut subs = Vec::new();
    let mut add = |p, table, c: Option<f64>| {
        if let Some(c) = c {
            subs.push((p, sub_index(table, c)));
        }
    };
    add(Pollutant::Pm25, Table::Pm25, pm25);
    add(Pollutant::Pm10, Table::Pm10, pm10);
    add(Pollutant::O3, Table::O3OneHour, check_opt("o3_1h", input.o3_1h)?);
    add(Pollutant::No2, Table::No2, check_opt("no2_1h", input.no2_1h)?);
    add(Pollutant::So2, Table::So2, check_opt("so2_1h", input.so2_1h)?);
    add(Pollutant::Co, Table::Co, check_opt("co_1h", input.co_1h)?);
    combine(subs)
}

/// Above this 8-hour O3 mean (µg/m³) the decision indexes only the 1-hour maximum.
pub const O3_8H_LIMIT: f64 = 400.0;

/// O3's daily sub-index from its highest 1-hour and 8-hour means (see the
/// module's notes on the combination and on 8-hour values above 400 µg/m³).
pub fn daily_o3(max_1h: Option<f64>, max_8h: Option<f64>) -> Option<f64> {
    let by_8h = max_8h.filter(|c| *c <= O3_8H_LIMIT).map(|c| sub_index(Table::O3EightHour, c));
    let by_1h = match (max_1h, max_8h) {
        (Some(c), _) => Some(sub_index(Table::O3OneHour, c)),
        (None, Some(c)) if c > O3_8H_LIMIT => Some(sub_index(Table::O3OneHour, c)),
        _ => None,
    };
    match (by_8h, by_1h) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The daily index, AQI^d. Errors as for [`hourly`].
pub fn daily(input: &DailyInput) -> Result<Aqi> {
    let mut subs = Vec::new();
    let mut add = |p, table, c: Option<f64>| {
        if let Some(c) = c {
            subs.push((p, sub_index(table, c)));
        }
    };
    add(Pollutant::Pm25, Table::Pm25, check_opt("pm25_24h", input.pm25_24h)?);
    add(Pollutant::Pm10, Table::Pm10, check_opt("pm10_24h", input.pm10_24h)?);
    add(Pollutant::No2, Table::No2, check_opt("no2_max_1h", input.no2_max_1h)?);
    add(Pollutant::So2, Table::So2, check_opt("so2_max_1h", input.so2_max_1h)?);
    add(Pollutant::Co, Table::Co, check_opt("co_max_1h", input.co_max_1h)?);
    let o3 = daily_o3(check_opt("o3_max_1h", input.o3_max_1h)?, check_opt("o3_max_8h", input.o3_max_8h)?);
    if let Some(x) = o3 {
        subs.push((Pollutant::O3, x));
    }
    combine(subs)
}

/// Hours a 24-hour mean needs (75 %; the decision does not say).
pub const MIN_HOURS_24H: usize = 18;
/// Hours an 8-hour mean needs (75 %; the decision does not say).
pub const MIN_HOURS_8H: usize = 6;

/// The mean of a day's 1-hour values (01:00 to 00:00), or `None` with fewer than [`MIN_HOURS_24H`].
pub fn mean_24h(hours: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = hours.iter().flatten().copied().collect();
    (present.len() >= MIN_HOURS_24H).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

/// The day's highest 8-hour mean. `hours` runs oldest first and holds the
/// day's 24 hours preceded by the previous day's last 7, so each of the day's
/// hours ends one 8-hour window (the decision's 24 windows a day); with fewer
/// hours, every full window is read. A window needs [`MIN_HOURS_8H`] values.
pub fn max_8h_mean(hours: &[Option<f64>]) -> Option<f64> {
    hours
        .windows(8)
        .filter_map(|w| {
            let present: Vec<f64> = w.iter().flatten().copied().collect();
            (present.len() >= MIN_HOURS_8H).then(|| present.iter().sum::<f64>() / present.len() as f64)
        })
        .fold(None, |best: Option<f64>, m| Some(best.map_or(m, |b| b.max(m))))
}

/// The day's highest 1-hour value.
pub fn max_1h(hours: &[Option<f64>]) -> Option<f64> {
    hours.iter().flatten().copied().fold(None, |best: Option<f64>, c| Some(best.map_or(c, |b| b.max(c))))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn every_breakpoint_gives_its_level_and_the_next_step_up() {
        let tables =
            [Table::O3OneHour, Table::O3EightHour, Table::Co, Table::So2, Table::No2, Table::Pm10, Table::Pm25];
        for t in tables {
            for (i, &bp) in t.breakpoints().iter().enumerate() {
                assert_eq!(sub_index(t, bp), LEVELS[i], "{t:?} at {bp}");
                assert_eq!(round_index(sub_index(t, bp)), LEVELS[i] as u32);
                if i > 0 && i + 1 < t.breakpoints().len() {
                    // Just over a breakpoint starts the next segment, above the level.
                    let above = sub_index(t, bp + 0.01);
                    assert!(above > LEVELS[i] && above < LEVELS[i] + 1.0, "{t:?} just above {bp}: {above}");
                    // Just under stays in the lower segment.
                    let below = sub_index(t, bp - 0.01);
                    assert!(below < LEVELS[i] && below > LEVELS[i] - 1.0, "{t:?} just under {bp}: {below}");
                }
            }
        }
    }

    #[test]
    fn table_2_columns_as_printed() {
        assert_eq!(Table::Pm25.breakpoints(), &[0.0, 25.0, 50.0, 80.0, 150.0, 250.0, 350.0, 500.0]);
        assert_eq!(Table::Pm10.breakpoints(), &[0.0, 50.0, 150.0, 250.0, 350.0, 420.0, 500.0, 600.0]);
        assert_eq!(Table::O3EightHour.breakpoints().len(), 6, "O3 8h stops at index 300");
    }

    #[test]
    fn bands_change_at_51_101_151_201_301() {
        let edges = [
            (0, Band::Good),
            (50, Band::Good),
            (51, Band::Moderate),
            (100, Band::Moderate),
            (101, Band::Poor),
            (150, Band::Poor),
            (151, Band::Bad),
            (200, Band::Bad),
            (201, Band::VeryBad),
            (300, Band::VeryBad),
            (301, Band::Hazardous),
            (500, Band::Hazardous),
        ];
        for (aqi, band) in edges {
            assert_eq!(Band::of(aqi), band, "{aqi}");
        }
        assert_eq!(Band::Moderate.rgb(), [255, 255, 0]);
        assert_eq!(Band::VeryBad.rgb(), [143, 63, 151]);
        assert_eq!(Band::Hazardous.hex(), "#7e0023");
        assert_eq!(Band::Moderate.official_name(), "Trung bình");
    }

    #[test]
    fn at_and_above_the_top_breakpoint_is_500() {
        assert_eq!(sub_index(Table::Pm25, 500.0), 500.0);
        assert_eq!(sub_index(Table::Pm25, 9_000.0), 500.0);
        assert_eq!(sub_index(Table::Co, 1e9), 500.0);
        assert_eq!(sub_index(Table::O3EightHour, 450.0), 300.0);
        assert_eq!(round_index(499.6), 500);
    }

    #[test]
    fn rounding_is_half_up_after_float_noise() {
        assert_eq!(round_index(59.35), 59);
        assert_eq!(round_index(65.4), 65);
        assert_eq!(round_index(44.65), 45);
        assert_eq!(round_index(109.49999999999999), 110);
        assert_eq!(round_index(0.49), 0);
    }

    /// Tính toán mẫu a: PM2.5 from 09:00 to 20:00, NowCast at 20:00 = 20.3 with w = 0.61.
    #[test]
    fn decision_example_nowcast() {
        let oldest_first = [26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6, 20.6];
        let newest_first: Vec<Option<f64>> = oldest_first.iter().rev().map(|c| Some(*c)).collect();
        let n = nowcast(&newest_first).unwrap();
        assert!(close(n, 20.3, 0.05), "{n}");
    }

    /// Tính toán mẫu b: O3 136.1, NO2 118.7, NowCast PM2.5 20.3 → 43, 59 (the
    /// decision prints 60: see the module's notes on rounding), 41.
    #[test]
    fn decision_example_hourly() {
        assert_eq!(round_index(sub_index(Table::O3OneHour, 136.1)), 43);
        assert_eq!(round_index(sub_index(Table::No2, 118.7)), 59);
        assert_eq!(round_index(sub_index(Table::Pm25, 20.3)), 41);
        let input = HourlyInput {
            pm25: vec![Some(20.3), Some(20.3), Some(20.3)],
            o3_1h: Some(136.1),
            no2_1h: Some(118.7),
            ..Default::default()
        };
        let a = hourly(&input).unwrap();
        assert_eq!((a.aqi, a.dominant, a.band), (59, Pollutant::No2, Band::Moderate));
        assert_eq!(a.per_pollutant[&Pollutant::O3], 43);
        assert_eq!(a.per_pollutant[&Pollutant::Pm25], 41);
    }

    /// Tính toán mẫu c: O3 8h 89.3, O3 1h 114.6, NO2 130.8, PM2.5 24h 55.7 →
    /// 45, 36, 65, 110; AQI^d = 110.
    #[test]
    fn decision_example_daily() {
        assert_eq!(round_index(sub_index(Table::O3EightHour, 89.3)), 45);
        assert_eq!(round_index(sub_index(Table::O3OneHour, 114.6)), 36);
        let input = DailyInput {
            o3_max_8h: Some(89.3),
            o3_max_1h: Some(114.6),
            no2_max_1h: Some(130.8),
            pm25_24h: Some(55.7),
            ..Default::default()
        };
        let a = daily(&input).unwrap();
        assert_eq!((a.aqi, a.dominant, a.band), (110, Pollutant::Pm25, Band::Poor));
        assert_eq!(a.per_pollutant[&Pollutant::O3], 45);
        assert_eq!(a.per_pollutant[&Pollutant::No2], 65);
    }

    /// The decision's O3 table: the day's highest 8-hour mean is 74.4 (window ending 17:00).
    #[test]
    fn decision_example_highest_8h_mean() {
        let day = [
            15.7, 14.2, 17.7, 18.9, 19.3, 15.7, 19.7, 22.6, 27.1, 29.0, 31.9, 25.3, 34.7, 35.2, 41.6, 45.7, 49.2, 55.8,
            69.6, 78.3, 91.5, 97.7, 81.2, 71.8, 43.5, 34.3, 21.5, 20.5, 19.4, 20.4, 21.3,
        ];
        let hours: Vec<Option<f64>> = day.iter().map(|c| Some(*c)).collect();
        let m = max_8h_mean(&hours).unwrap();
        assert!(close(m, 74.4, 0.05), "{m}");
        // The first window (18:00 → 01:00) is the decision's 18.0.
        assert!(close(max_8h_mean(&hours[..8]).unwrap(), 18.0, 0.05));
        assert_eq!(max_1h(&hours), Some(97.7));
    }

    /// The decision's O3 day, with steady PM2.5 and one NO2 peak: the daily
    /// inputs come out as its rules read them.
    #[test]
    fn a_day_of_hours_gives_the_daily_inputs() {
        let o3 = [
            15.7, 14.2, 17.7, 18.9, 19.3, 15.7, 19.7, 22.6, 27.1, 29.0, 31.9, 25.3, 34.7, 35.2, 41.6, 45.7, 49.2, 55.8,
            69.6, 78.3, 91.5, 97.7, 81.2, 71.8, 43.5, 34.3, 21.5, 20.5, 19.4, 20.4, 21.3,
        ];
        let rows: Vec<[Option<f64>; 6]> = o3
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pm25 = if i < HOURS_BEFORE_DAY { 500.0 } else { 30.0 };
                let no2 = if i == 20 { 250.0 } else { 40.0 };
                [Some(pm25), None, Some(*c), Some(no2), None, None]
            })
            .collect();
        let d = DailyInput::from_hours(&rows);
        assert_eq!(d.pm25_24h, Some(30.0), "the previous day's hours are not in the mean");
        assert_eq!(d.pm10_24h, None);
        assert_eq!(d.o3_max_1h, Some(97.7));
        assert!(close(d.o3_max_8h.unwrap(), 74.4, 0.05));
        assert_eq!(d.no2_max_1h, Some(250.0));
        let a = daily(&d).unwrap();
        // NO2 250 → 100 + 50·50/500 = 105; O3 8h 74.4 → 37; PM2.5 30 → 60.
        assert_eq!((a.aqi, a.dominant), (105, Pollutant::No2));
    }

    #[test]
    fn nowcast_needs_two_of_the_three_newest_hours() {
        let full = vec![Some(30.0); 12];
        assert!(nowcast(&full).is_some());
        let mut one_gap = full.clone();
        one_gap[0] = None;
        assert_eq!(nowcast(&one_gap), Some(30.0), "a gap in the newest hour still computes");
        let mut two_gaps = full.clone();
        two_gaps[0] = None;
        two_gaps[2] = None;
        assert_eq!(nowcast(&two_gaps), None);
        let mut old_gaps = vec![None; 12];
        old_gaps[1] = Some(10.0);
        old_gaps[2] = Some(10.0);
        assert_eq!(nowcast(&old_gaps), Some(10.0));
        assert_eq!(nowcast(&[Some(5.0)]), None, "fewer than 2 hours");
        assert_eq!(nowcast(&[]), None);
    }

    #[test]
    fn missing_hours_weigh_nothing() {
        // Steady 40 with gaps: the gaps must not pull the value towards 0.
        let mut h = vec![Some(40.0); 12];
        for i in [3, 5, 8, 11] {
            h[i] = None;
        }
        assert_eq!(nowcast(&h), Some(40.0));
        // w = ½ case with a gap: normalised, still between the values present.
        let h = [Some(10.0), Some(100.0), None, Some(100.0)];
        let n = nowcast(&h).unwrap();
        assert!(close(n, (10.0 + 0.5 * 100.0 + 0.125 * 100.0) / (1.0 + 0.5 + 0.125), 1e-9), "{n}");
    }

    #[test]
    fn weight_is_clamped_at_one_half() {
        // Cmin/Cmax = 0.1 → w = ½, so the newest hour dominates.
        let h = [Some(100.0), Some(10.0), Some(10.0)];
        let expected = (100.0 + 0.5 * 10.0 + 0.25 * 10.0) / 1.75;
        assert!(close(nowcast(&h).unwrap(), expected, 1e-9));
        // Cmin/Cmax = 0.8 → w = 0.8.
        let h = [Some(100.0), Some(80.0)];
        assert!(close(nowcast(&h).unwrap(), (100.0 + 0.8 * 80.0) / 1.8, 1e-9));
        // All zero: no division by zero.
        assert_eq!(nowcast(&[Some(0.0), Some(0.0)]), Some(0.0));
        // Hours past the 12th are ignored.
        let mut long = vec![Some(10.0); 12];
        long.push(Some(1000.0));
        assert_eq!(nowcast(&long), Some(10.0));
    }

    #[test]
    fn daily_o3_takes_the_higher_index_and_drops_8h_over_400() {
        // 8h 150 → 100 + 50·30/50 = 130; 1h 150 → 46.9: the 8h index wins.
        assert!(close(daily_o3(Some(150.0), Some(150.0)).unwrap(), 130.0, 1e-9));
        // 8h over 400 is not indexed: only the 1h maximum counts.
        assert_eq!(daily_o3(Some(900.0), Some(450.0)), Some(sub_index(Table::O3OneHour, 900.0)));
        // …and without a 1h maximum, the 8h value stands in on the 1h table (a lower bound).
        assert_eq!(daily_o3(None, Some(450.0)), Some(sub_index(Table::O3OneHour, 450.0)));
        assert_eq!(daily_o3(None, Some(100.0)), Some(50.0));
        assert_eq!(daily_o3(Some(160.0), None), Some(50.0));
        assert_eq!(daily_o3(None, None), None);
    }

    #[test]
    fn no_particles_no_index() {
        let gases = HourlyInput { o3_1h: Some(50.0), no2_1h: Some(50.0), ..Default::default() };
        let e = hourly(&gases).unwrap_err();
        assert_eq!(e.problem().unwrap().code, "aqi-no-particles");
        let gappy = HourlyInput { pm25: vec![None, None, Some(20.0)], ..gases };
        assert!(hourly(&gappy).is_err(), "NowCast not computable counts as missing");
        assert!(daily(&DailyInput { o3_max_1h: Some(10.0), ..Default::default() }).is_err());
        let pm10_only = DailyInput { pm10_24h: Some(100.0), ..Default::default() };
        assert_eq!(daily(&pm10_only).unwrap().aqi, 75);
    }

    #[test]
    fn negative_and_non_finite_are_refused() {
        let neg = HourlyInput { pm25: vec![Some(10.0), Some(-1.0)], ..Default::default() };
        let e = hourly(&neg).unwrap_err();
        assert_eq!(e.problem().unwrap().code, "aqi-negative");
        assert_eq!(e.problem().unwrap().field.as_deref(), Some("pm25"));
        let nan = DailyInput { pm25_24h: Some(10.0), co_max_1h: Some(f64::NAN), ..Default::default() };
        assert_eq!(daily(&nan).unwrap_err().problem().unwrap().code, "aqi-not-a-number");
    }

    #[test]
    fn ties_go_to_particles_first() {
        // PM2.5 25 → 50, PM10 50 → 50, NO2 100 → 50.
        let d =
            DailyInput { pm25_24h: Some(25.0), pm10_24h: Some(50.0), no2_max_1h: Some(100.0), ..Default::default() };
        assert_eq!(daily(&d).unwrap().dominant, Pollutant::Pm25);
    }

    #[test]
    fn means_need_three_quarters_of_their_hours() {
        let mut day = vec![Some(20.0); 24];
        assert_eq!(mean_24h(&day), Some(20.0));
        for h in day.iter_mut().take(6) {
            *h = None;
        }
        assert_eq!(mean_24h(&day), Some(20.0));
        day[6] = None;
        assert_eq!(mean_24h(&day), None);
        let mut w = vec![Some(8.0); 8];
        w[0] = None;
        w[1] = None;
        assert_eq!(max_8h_mean(&w), Some(8.0));
        w[2] = None;
        assert_eq!(max_8h_mean(&w), None);
    }

    #[test]
    fn requests_read_as_the_cli_takes_them_and_results_print_as_promised() {
        let a = evaluate(r#"{"kind":"hourly","pm25":[20.3,20.3,null],"o3_1h":136.1,"no2_1h":118.7}"#).unwrap();
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"aqi":59,"band":"Trung bình","rgb":[255,255,0],"dominant":"NO2",
                "per_pollutant":{"PM2.5":41,"O3":43,"NO2":59}})
        );
        let d = evaluate(r#"{"kind":"daily","pm10_24h":160}"#).unwrap();
        assert_eq!((d.aqi, d.band), (105, Band::Poor));
        for bad in [
            r#"{"kind":"weekly"}"#,
            r#"{"kind":"hourly","pm2.5":[1,2]}"#,
            "[]",
            "",
            r#"{"kind":"daily","pm25_24h":"x"}"#,
        ] {
            assert_eq!(evaluate(bad).unwrap_err().problem().unwrap().code, "aqi-input", "{bad}");
        }
    }

    fn table() -> impl Strategy<Value = Table> {
        prop_oneof![
            Just(Table::O3OneHour),
            Just(Table::O3EightHour),
            Just(Table::Co),
            Just(Table::So2),
            Just(Table::No2),
            Just(Table::Pm10),
            Just(Table::Pm25),
        ]
    }

    proptest! {
        /// Any text at all gives an index or a problem, never a panic.
        #[test]
        fn any_input_is_answered(text in ".{0,200}") {
            let _ = evaluate(&text);
        }

        /// Any well-formed request with numbers of any sign or size is answered.
        #[test]
        fn any_numbers_are_answered(
            pm in proptest::collection::vec(proptest::option::of(-1e12f64..1e12), 0..20),
            gas in proptest::option::of(-1e12f64..1e12),
        ) {
            let req = serde_json::json!({"kind":"hourly","pm25":pm,"pm10":pm,"o3_1h":gas,"co_1h":gas});
            match evaluate(&req.to_string()) {
                Ok(a) => prop_assert!(a.aqi <= 500),
                Err(e) => prop_assert!(e.problem().is_some()),
            }
        }

        /// More pollution never gives a lower index, on any table.
        #[test]
        fn index_is_monotone_in_concentration(t in table(), a in 0.0f64..200_000.0, d in 0.0f64..10_000.0) {
            let (lo, hi) = (sub_index(t, a), sub_index(t, a + d));
            prop_assert!(hi >= lo - 1e-9, "{:?}: {} at {}, {} at {}", t, lo, a, hi, a + d);
            prop_assert!(round_index(hi) >= round_index(lo));
            prop_assert!((0.0..=500.0).contains(&lo));
        }

        /// Scaling every hour up never lowers the hourly index (NowCast's
        /// weight is scale-free, so its value scales with the series). A single
        /// hour raised is not such a property: raising the oldest maximum lowers
        /// w, which is how NowCast is meant to follow a falling trend.
        #[test]
        fn hourly_index_is_monotone_in_the_level(
            hours in proptest::collection::vec(proptest::option::of(0.0f64..600.0), 3..13),
            k in 1.0f64..5.0,
            no2 in proptest::option::of(0.0f64..4000.0),
        ) {
            let base = HourlyInput { pm25: hours.clone(), no2_1h: no2, ..Default::default() };
            let scaled = HourlyInput {
                pm25: hours.iter().map(|c| c.map(|c| c * k)).collect(),
                no2_1h: no2.map(|c| c * k),
                ..Default::default()
            };
            match (hourly(&base), hourly(&scaled)) {
                (Ok(a), Ok(b)) => prop_assert!(b.aqi >= a.aqi, "{} then {}", a.aqi, b.aqi),
                (Err(_), Err(_)) => {}
                (a, b) => prop_assert!(false, "scaling changed computability: {:?} {:?}", a, b),
            }
        }

        /// NowCast stays between the lowest and highest hour it reads.
        #[test]
        fn nowcast_is_a_weighted_mean(hours in proptest::collection::vec(proptest::option::of(0.0f64..600.0), 0..13)) {
            if let Some(n) = nowcast(&hours) {
                let present: Vec<f64> = hours.iter().flatten().copied().collect();
                let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = present.iter().copied().fold(0.0, f64::max);
                prop_assert!(n >= lo - 1e-9 && n <= hi + 1e-9, "{} outside {}..{}", n, lo, hi);
            }
        }
    }
}
