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
}

impl Bundled {
    /// The pack in wire form (`pack.json` with `wards` inlined, and the
    /// city's GTFS feed when it ships one, see [`crate::transit`]).
    pub fn wire(&self) -> Result<String, Error> {
        let wire = combine(self.pack_json, self.wards_geojson)?;
        crate::transit::inline(wire, crate::transit::bundled(self.slug).unwrap_or_default())
    }
}

macro_rules! city {
    ($slug:literal) => {
        Bundled {
            slug: $slug,
            pack_json: include_str!(concat!("../../../assets/cities/", $slug, "/pack.json")),
            wards_geojson: include_str!(concat!("../../../assets/cities/", $slug, "/wards.geojson")),
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

/// Combines a pack's `pack.json` and `wards.geojson` into the wire form.
pub fn combine(pack_json: &str, wards_geojson: &str) -> Result<String, Error> {
    let mut pack: serde_json::Value =
        serde_json::from_str(pack_json).map_err(|e| Error::InvalidPack(format!("pack.json: {e}")))?;
    let wards: serde_json::Value =
        serde_json::from_str(wards_geojson).map_err(|e| Error::InvalidPack(format!("wards.geojson: {e}")))?;
    pack.as_object_mut()
        .ok_or_else(|| Error::InvalidPack("pack.json is not a JSON object".into()))?
        .insert("wards".into(), wards);
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
        }
        assert!(bundled("atlantis").is_none());
    }

    #[test]
    fn combining_names_the_broken_file() {
        assert!(combine("{", "{}").unwrap_err().to_string().contains("pack.json"));
        assert!(combine("{}", "[").unwrap_err().to_string().contains("wards.geojson"));
        assert!(combine("[]", "{}").unwrap_err().to_string().contains("not a JSON object"));
    }
}
