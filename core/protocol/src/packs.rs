//! The city packs shipped with MyCity (`assets/cities/<slug>/`), and how a
//! pack's two files combine into the form a server sends.
//!
//! The app imports them on first start so it works with no network; the
//! reference server publishes them with `--seed`. Both read this one table.

use crate::Error;

/// A bundled pack: its `pack.json` and its `wards.geojson`, as shipped.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The city's slug.
    pub slug: &'static str,
    /// `pack.json`.
    pub pack_json: &'static str,
    /// `wards.geojson`.
    pub wards_geojson: &'static str,
    /// `health.json`: hospitals, health stations, clinics and pharmacies.
    pub health_json: &'static str,
    /// `planning.geojson`: the land-use zones.
    pub planning_geojson: &'static str,
}

impl Bundled {
    /// The pack in wire form (`pack.json` with `wards`, `health` and
    /// `planning` inlined, and the city's GTFS feed when it ships one, see
    /// [`crate::transit`]).
    pub fn wire(&self) -> Result<String, Error> {
        let wire = combine_with(self.pack_json, self.wards_geojson, &self.lookups())?;
        crate::transit::inline(wire, crate::transit::bundled(self.slug).unwrap_or_default())
    }

    /// The look-up files inlined besides the wards, under their wire keys.
    pub fn lookups(&self) -> [(&'static str, &'static str); 2] {
        [(HEALTH_KEY, self.health_json), (PLANNING_KEY, self.planning_geojson)]
    }
}

macro_rules! city {
    ($slug:literal) => {
        Bundled {
            slug: $slug,
            pack_json: include_str!(concat!("../../../assets/cities/", $slug, "/pack.json")),
            wards_geojson: include_str!(concat!("../../../assets/cities/", $slug, "/wards.geojson")),
            health_json: include_str!(concat!("../../../assets/cities/", $slug, "/health.json")),
            planning_geojson: include_str!(concat!("../../../assets/cities/", $slug, "/planning.geojson")),
        }
    };
}

/// The bundled packs, default city first.
pub const BUNDLED: [Bundled; 5] =
    [city!("ha-giang"), city!("dong-ha"), city!("vinh"), city!("gia-nghia"), city!("da-nang")];

/// The five bundled cities' slugs, default first.
pub const CITY_SLUGS: [&str; 5] = ["ha-giang", "dong-ha", "vinh", "gia-nghia", "da-nang"];

/// The default city (seed 004 is Hà Giang's plan).
pub const DEFAULT_CITY: &str = "ha-giang";

/// The bundled pack of `slug`, if MyCity ships one.
pub fn bundled(slug: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.slug == slug)
}

/// The wire key of a pack's health services (file `health.json`).
pub const HEALTH_KEY: &str = "health";

/// The wire key of a pack's planning zones (file `planning.geojson`).
pub const PLANNING_KEY: &str = "planning";

/// The optional files of a pack directory inlined into the wire form, with their keys.
pub const LOOKUP_FILES: [(&str, &str); 2] = [(HEALTH_KEY, "health.json"), (PLANNING_KEY, "planning.geojson")];

/// Combines a pack's `pack.json` and `wards.geojson` into the wire form.
pub fn combine(pack_json: &str, wards_geojson: &str) -> Result<String, Error> {
    combine_with(pack_json, wards_geojson, &[])
}

/// Combines a pack's `pack.json`, `wards.geojson` and further files (`(key,
/// JSON text)`, such as the health and planning look-ups) into the wire form.
pub fn combine_with(pack_json: &str, wards_geojson: &str, more: &[(&str, &str)]) -> Result<String, Error> {
    let mut pack: serde_json::Value =
        serde_json::from_str(pack_json).map_err(|e| Error::InvalidPack(format!("pack.json: {e}")))?;
    let wards: serde_json::Value =
        serde_json::from_str(wards_geojson).map_err(|e| Error::InvalidPack(format!("wards.geojson: {e}")))?;
    let obj = pack.as_object_mut().ok_or_else(|| Error::InvalidPack("pack.json is not a JSON object".into()))?;
    obj.insert("wards".into(), wards);
    for (key, text) in more {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::InvalidPack(format!("{key}: {e}")))?;
        obj.insert((*key).into(), v);
    }
    serde_json::to_string(&pack).map_err(|e| Error::InvalidPack(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_slugs_agree_and_every_pack_combines() {
        assert_eq!(BUNDLED.map(|b| b.slug), CITY_SLUGS);
        assert_eq!(CITY_SLUGS[0], DEFAULT_CITY);
        for b in BUNDLED {
            let wire: serde_json::Value = serde_json::from_str(&b.wire().unwrap()).unwrap();
            assert_eq!(wire["slug"], b.slug);
            assert_eq!(wire["wards"]["type"], "FeatureCollection");
            assert!(wire[HEALTH_KEY].is_array(), "{}", b.slug);
            assert_eq!(wire[PLANNING_KEY]["type"], "FeatureCollection", "{}", b.slug);
        }
        assert!(bundled("atlantis").is_none());
    }

    #[test]
    fn combining_names_the_broken_file() {
        assert!(combine("{", "{}").unwrap_err().to_string().contains("pack.json"));
        assert!(combine("{}", "[").unwrap_err().to_string().contains("wards.geojson"));
        assert!(combine("[]", "{}").unwrap_err().to_string().contains("not a JSON object"));
        assert!(combine_with("{}", "{}", &[(HEALTH_KEY, "[")]).unwrap_err().to_string().contains("health"));
    }
}
