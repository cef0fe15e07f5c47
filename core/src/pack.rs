//! City packs: the data that makes the app about one city (see `docs/PACK_FORMAT.md`).
//!
//! A pack is parsed and validated whole before anything is written, so a
//! malformed or truncated pack never replaces the one in use.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The only pack format this core understands.
pub const FORMAT: u32 = 1;

pub use mycity_protocol::packs::{CITY_SLUGS, DEFAULT_CITY};

/// The UTC offset of a pack's time zone. Vietnam keeps UTC+7 all year (no
/// daylight saving), as do its neighbours' zones a pack may name; a zone
/// outside this table is refused when the pack is read, so a city's clock is
/// never guessed.
pub fn utc_offset_of(timezone: &str) -> Option<time::UtcOffset> {
    const PLUS_SEVEN: [&str; 6] =
        ["Asia/Ho_Chi_Minh", "Asia/Saigon", "Asia/Bangkok", "Asia/Phnom_Penh", "Asia/Vientiane", "Asia/Jakarta"];
    if PLUS_SEVEN.contains(&timezone) {
        return time::UtcOffset::from_hms(7, 0, 0).ok();
    }
    (timezone == "UTC" || timezone == "Etc/UTC").then_some(time::UtcOffset::UTC)
}

/// Text in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Localized {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// The text in `lang` (`"en"` or anything else for Vietnamese, the default).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" && !self.en.is_empty() {
            &self.en
        } else {
            &self.vi
        }
    }
}

/// A WGS84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    /// Southern edge.
    pub min_lat: f64,
    /// Western edge.
    pub min_lon: f64,
    /// Northern edge.
    pub max_lat: f64,
    /// Eastern edge.
    pub max_lon: f64,
}

impl BBox {
    /// True when the point lies inside (edges included).
    pub fn contains(&self, p: LatLon) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat) && (self.min_lon..=self.max_lon).contains(&p.lon)
    }
}

/// How dossier (hồ sơ) receipt codes look in this city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierFormat {
    /// Anchored regular expression a code must match.
    pub pattern: String,
    /// A code that matches, shown as a hint.
    pub example: String,
    /// Name of the one-stop system.
    pub system: Localized,
}

/// A report category (an Open311 service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Open311 `service_code`.
    pub code: String,
    /// Field (group) code; the five fields of seed 000 are their own field.
    pub field: String,
    /// Display name.
    pub name: Localized,
    /// Icon name in `assets/ui/icons/`.
    pub icon: String,
    /// One-line explanation.
    #[serde(default)]
    pub description: Localized,
}

/// Kinds of emergency and service lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HotlineKind {
    /// 113.
    Police,
    /// 114.
    Fire,
    /// 115.
    Ambulance,
    /// 112.
    Rescue,
    /// 111.
    Child,
    /// The city's own line.
    City,
    /// Anything else.
    Other,
}

impl HotlineKind {
    /// Stable lowercase name, as in the pack.
    pub fn as_str(self) -> &'static str {
        match self {
            HotlineKind::Police => "police",
            HotlineKind::Fire => "fire",
            HotlineKind::Ambulance => "ambulance",
            HotlineKind::Rescue => "rescue",
            HotlineKind::Child => "child",
            HotlineKind::City => "city",
            HotlineKind::Other => "other",
        }
    }

    /// Parses the pack's name; unknown names become `Other`.
    pub fn parse(s: &str) -> Self {
        match s {
            "police" => HotlineKind::Police,
            "fire" => HotlineKind::Fire,
            "ambulance" => HotlineKind::Ambulance,
            "rescue" => HotlineKind::Rescue,
            "child" => HotlineKind::Child,
            "city" => HotlineKind::City,
            _ => HotlineKind::Other,
        }
    }
}

/// A phone line shown on the SOS screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotline {
    /// The number as people know it, digits only (e.g. "113", "1022", "02363822222").
    pub number: String,
    /// What a mobile phone must dial when that differs from `number` (a city
    /// line such as 1022 reached from a mobile through its area code, "02361022").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial: Option<String>,
    /// What it is for.
    pub kind: HotlineKind,
    /// Display name.
    pub name: Localized,
    /// One line on when to call.
    #[serde(default)]
    pub description: Localized,
    /// Order on the SOS screen, lower first.
    #[serde(default)]
    pub priority: i64,
}

impl Hotline {
    /// The number a phone dials for this line: `dial` when the pack gives one.
    pub fn to_dial(&self) -> &str {
        self.dial.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(&self.number)
    }
}

/// A place of interest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Unique id within the pack.
    pub id: String,
    /// Kind (landmark, museum, market, …).
    pub kind: String,
    /// Display name.
    pub name: Localized,
    /// Short description.
    #[serde(default)]
    pub description: Localized,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// Opening hours, free text.
    #[serde(default)]
    pub opening_hours: Option<String>,
    /// Ticket price in đồng; 0 = free, `None` = unknown.
    #[serde(default)]
    pub ticket_price_vnd: Option<i64>,
    /// Code printed on the site's QR plate.
    #[serde(default)]
    pub qr_id: Option<String>,
    /// Text read aloud at the site.
    #[serde(default)]
    pub narration: Localized,
    /// Photo file name or URL.
    #[serde(default)]
    pub photo: Option<String>,
    /// Typical minutes a visit takes; `None` = the kind's usual time.
    #[serde(default)]
    pub visit_minutes: Option<u32>,
    /// True when the coordinates, hours or price are not from an official source.
    #[serde(default)]
    pub approximate: bool,
}

/// A ward or commune with its boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct WardDef {
    /// Code unique within the city.
    pub code: String,
    /// Display name.
    pub name: Localized,
    /// `phuong`, `xa`, …
    pub kind: String,
    /// True when the boundary is not official GIS data.
    pub approximate: bool,
    /// Polygons (outer ring first, then holes), `[lon, lat]` pairs.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// A whole, validated city pack.
#[derive(Debug, Clone, PartialEq)]
pub struct CityPack {
    /// City slug.
    pub slug: String,
    /// Pack revision.
    pub version: i64,
    /// City name.
    pub name: Localized,
    /// Province / context line.
    pub region: Localized,
    /// IANA time zone.
    pub timezone: String,
    /// Map centre.
    pub center: LatLon,
    /// Extent.
    pub bbox: BBox,
    /// The city's backend, if it has its own.
    pub server_url: Option<String>,
    /// Dossier code format.
    pub dossier: DossierFormat,
    /// Report categories.
    pub categories: Vec<Category>,
    /// Phone lines.
    pub hotlines: Vec<Hotline>,
    /// Places of interest.
    pub places: Vec<Place>,
    /// Wards and communes.
    pub wards: Vec<WardDef>,
    /// The parts of the pack that later features read (tours, events, air stations), kept verbatim.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawPack {
    format: u32,
    slug: String,
    version: i64,
    name: Localized,
    region: Localized,
    timezone: String,
    center: LatLon,
    bbox: BBox,
    #[serde(default)]
    server_url: Option<String>,
    dossier: DossierFormat,
    categories: Vec<Category>,
    hotlines: Vec<Hotline>,
    places: Vec<Place>,
    wards: RawFeatureCollection,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawFeatureCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawFeature {
    properties: RawWardProps,
    geometry: RawGeometry,
}

#[derive(Deserialize)]
struct RawWardProps {
    code: String,
    name: Localized,
    kind: String,
    #[serde(default)]
    approximate: bool,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum RawGeometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

impl CityPack {
    /// Parses and validates a pack in its wire form (pack.json with `wards` inlined).
    pub fn parse(json: &str) -> Result<CityPack> {
        let raw: RawPack = serde_json::from_str(json).map_err(|e| Error::pack(format!("not valid pack JSON: {e}")))?;
        if raw.format != FORMAT {
            return Err(Error::pack(format!("format {} is not supported (expected {FORMAT})", raw.format)));
        }
        if raw.wards.kind != "FeatureCollection" {
            return Err(Error::pack("wards must be a GeoJSON FeatureCollection"));
        }
        let wards = raw
            .wards
            .features
            .into_iter()
            .map(|f| WardDef {
                code: f.properties.code,
                name: f.properties.name,
                kind: f.properties.kind,
                approximate: f.properties.approximate,
                polygons: match f.geometry {
                    RawGeometry::Polygon(p) => vec![p],
                    RawGeometry::MultiPolygon(m) => m,
                },
            })
            .collect();
        let pack = CityPack {
            slug: raw.slug,
            version: raw.version,
            name: raw.name,
            region: raw.region,
            timezone: raw.timezone,
            center: raw.center,
            bbox: raw.bbox,
            server_url: raw.server_url.filter(|s| !s.trim().is_empty()),
            dossier: raw.dossier,
            categories: raw.categories,
            hotlines: raw.hotlines,
            places: raw.places,
            wards,
            extra: raw.extra,
        };
        pack.validate()?;
        Ok(pack)
    }

    /// Combines the two on-disk files into the wire form.
    pub fn combine(pack_json: &str, wards_geojson: &str) -> Result<String> {
        Ok(mycity_protocol::packs::combine(pack_json, wards_geojson)?)
    }

    fn validate(&self) -> Result<()> {
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 64
            && self.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(Error::pack(format!("bad slug {:?}", self.slug)));
        }
        if self.version < 1 {
            return Err(Error::pack("version must be ≥ 1"));
        }
        if self.name.vi.trim().is_empty() {
            return Err(Error::pack("city name is empty"));
        }
        if utc_offset_of(&self.timezone).is_none() {
            return Err(Error::pack(format!("time zone {:?} is not one MyCity knows", self.timezone)));
        }
        let b = self.bbox;
        let bbox_ok = b.min_lat < b.max_lat
            && b.min_lon < b.max_lon
            && (-90.0..=90.0).contains(&b.min_lat)
            && (-90.0..=90.0).contains(&b.max_lat)
            && (-180.0..=180.0).contains(&b.min_lon)
            && (-180.0..=180.0).contains(&b.max_lon);
        if !bbox_ok {
            return Err(Error::pack("bbox is empty or out of range"));
        }
        if !b.contains(self.center) {
            return Err(Error::pack("centre lies outside the bbox"));
        }
        regex::Regex::new(&self.dossier.pattern)
            .map_err(|e| Error::pack(format!("dossier pattern does not compile: {e}")))?;
        if self.hotlines.is_empty() {
            return Err(Error::pack("a pack needs at least one hotline"));
        }
        for h in &self.hotlines {
            if h.number.is_empty() || h.number.len() > 15 || !h.number.bytes().all(|c| c.is_ascii_digit()) {
                return Err(Error::pack(format!("hotline number {:?} must be 1–15 digits", h.number)));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.categories {
            if c.code.is_empty() || !seen.insert(c.code.as_str()) {
                return Err(Error::pack(format!("category code {:?} is empty or repeated", c.code)));
            }
        }
        seen.clear();
        for p in &self.places {
            if p.id.is_empty() || !seen.insert(p.id.as_str()) {
                return Err(Error::pack(format!("place id {:?} is empty or repeated", p.id)));
            }
            if !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
                return Err(Error::pack(format!("place {} has coordinates out of range", p.id)));
            }
        }
        seen.clear();
        for w in &self.wards {
            if w.code.is_empty() || !seen.insert(w.code.as_str()) {
                return Err(Error::pack(format!("ward code {:?} is empty or repeated", w.code)));
            }
            let rings_ok = !w.polygons.is_empty()
                && w.polygons.iter().all(|poly| {
                    !poly.is_empty()
                        && poly.iter().all(|ring| {
                            ring.len() >= 4
                                && ring.first() == ring.last()
                                && ring.iter().all(|c| c.iter().all(|v| v.is_finite()))
                        })
                });
            if !rings_ok {
                return Err(Error::pack(format!("ward {} has an unclosed or empty ring", w.code)));
            }
        }
        crate::health::from_extra(&self.extra)?;
        crate::planning::from_extra(&self.extra)?;
        crate::transport::check_pack(&self.extra)
    }
}

/// The packs shipped inside the app, so it works with no network at all.
pub mod bundled {
    use mycity_protocol::packs::{self, BUNDLED};

    /// The bundled pack of `slug` in wire form, if the app ships one.
    pub fn wire(slug: &str) -> Option<crate::Result<String>> {
        packs::bundled(slug).map(|b| Ok(b.wire()?))
    }

    /// The slugs of the bundled packs.
    pub fn slugs() -> impl Iterator<Item = &'static str> {
        BUNDLED.iter().map(|b| b.slug)
    }

    /// Identifies this build's bundle, so start-up can skip re-checking it.
    pub fn fingerprint() -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for b in BUNDLED {
            h.update(b.slug);
            h.update(b.pack_json.len().to_le_bytes());
            h.update(b.wards_geojson.len().to_le_bytes());
            h.update(b.health_json.len().to_le_bytes());
            h.update(b.planning_geojson.len().to_le_bytes());
            // The head holds the version; hashing it catches a re-versioned pack of equal size.
            h.update(&b.pack_json.as_bytes()[..b.pack_json.len().min(512)]);
            for (name, text) in mycity_protocol::transit::bundled(b.slug).unwrap_or_default() {
                h.update(name);
                h.update(text.len().to_le_bytes());
            }
        }
        let d = h.finalize();
        d.iter().take(12).map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_pack_parses() {
        for slug in CITY_SLUGS {
            let wire = bundled::wire(slug).expect("bundled").expect("combines");
            let pack = CityPack::parse(&wire).unwrap_or_else(|e| panic!("{slug}: {e}"));
            assert_eq!(pack.slug, slug);
            assert!(pack.places.len() >= 15, "{slug} has {} places", pack.places.len());
            assert!(pack.wards.len() >= 4, "{slug} has {} wards", pack.wards.len());
            for n in ["113", "114", "115"] {
                assert!(pack.hotlines.iter().any(|h| h.number == n), "{slug} lacks {n}");
            }
            let re = regex::Regex::new(&pack.dossier.pattern).unwrap();
            assert!(re.is_match(&pack.dossier.example), "{slug} dossier example");
        }
    }

    #[test]
    fn truncated_pack_is_rejected_with_a_clear_error() {
        let wire = bundled::wire("da-nang").unwrap().unwrap();
        // Cut at a character boundary near the middle, wherever the pack's text puts one.
        let half = (0..=wire.len() / 2).rev().find(|&n| wire.is_char_boundary(n)).unwrap_or(0);
        let err = CityPack::parse(&wire[..half]).unwrap_err();
        assert!(matches!(err, Error::InvalidPack(_)), "{err}");
        assert!(err.to_string().contains("JSON"), "{err}");
    }

    #[test]
    fn every_bundled_city_keeps_vietnam_time() {
        for slug in CITY_SLUGS {
            let pack = CityPack::parse(&bundled::wire(slug).unwrap().unwrap()).unwrap();
            assert_eq!(utc_offset_of(&pack.timezone), time::UtcOffset::from_hms(7, 0, 0).ok(), "{slug}");
        }
        assert_eq!(utc_offset_of("Europe/Paris"), None);
    }

    #[test]
    fn wrong_format_is_rejected() {
        let wire = bundled::wire("vinh").unwrap().unwrap();
        let bad = wire.replacen("\"format\":1", "\"format\":9", 1);
        assert!(bad != wire);
        assert!(CityPack::parse(&bad).unwrap_err().to_string().contains("format 9"));
    }
}
