//! Look-ups (issue 14): the city's health facilities and its planning zones,
//! answered offline from the pack, in the person's language.

use mycity_core as core;

use crate::{LatLonRecord, MyCity, MyCityError};

/// A health facility found by [`MyCity::health_search`].
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HealthHitRecord {
    /// Id within the city pack.
    pub id: String,
    /// `hospital`, `health_station`, `clinic` or `pharmacy`.
    pub kind: String,
    /// Name in the current language.
    pub name: String,
    /// Street address.
    pub address: Option<String>,
    /// Opening hours in words of the current language.
    pub hours: Option<String>,
    /// `open`, `closed` or `unknown` (no hours in the pack).
    pub open: String,
    /// Has an emergency department.
    pub emergency: bool,
    /// Where it is.
    pub position: LatLonRecord,
    /// Metres from the position searched from.
    pub distance_m: f64,
    /// `tel:` URI of its phone; `None` when no number is known to be right.
    pub tel_uri: Option<String>,
    /// Position or hours not from an official source.
    pub approximate: bool,
}

/// The answer to a health search.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HealthFoundRecord {
    /// Nearest first.
    pub hits: Vec<HealthHitRecord>,
    /// Distances are from the city centre (no position given).
    pub from_centre: bool,
    /// `tel:` URI for emergencies (115).
    pub emergency_tel_uri: String,
}

/// A planning zone and its rules, in the current language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ZoneRecord {
    /// Zone code.
    pub code: String,
    /// Land use in words.
    pub land_use: String,
    /// Land-use class (`residential`, `commercial`, `green`, …).
    pub class: String,
    /// Highest building density, percent.
    pub density_max_pct: Option<f64>,
    /// Highest building, floors.
    pub height_max_floors: Option<u32>,
    /// Highest floor-area ratio.
    pub far_max: Option<f64>,
    /// Approving decision's number.
    pub decision: Option<String>,
    /// Not official data: never a legal document.
    pub approximate: bool,
}

impl MyCity {
    fn zone_record(&self, z: core::planning::Zone) -> ZoneRecord {
        ZoneRecord {
            land_use: z.land_use.get(self.inner.lang().code()).to_owned(),
            code: z.code,
            class: z.class,
            density_max_pct: z.density_max_pct,
            height_max_floors: z.height_max_floors,
            far_max: z.far_max,
            decision: z.decision,
            approximate: z.approximate,
        }
    }
}

#[uniffi::export]
impl MyCity {
    /// Health facilities matching `text` (folded: "benh vien" finds "Bệnh viện"),
    /// of `kinds` (empty for all), open now if asked, nearest to `near` first
    /// (the city centre when `None`).
    pub fn health_search(
        &self,
        text: String,
        kinds: Vec<String>,
        open_now: bool,
        near: Option<LatLonRecord>,
    ) -> Result<HealthFoundRecord, MyCityError> {
        use core::{
            health::{Kind, Query},
            tourism::hours::OpenState,
        };
        let kinds = kinds.iter().filter_map(|k| Kind::ALL.into_iter().find(|x| x.as_str() == k)).collect();
        let found = self
            .inner
            .health_search(&Query { text, kinds, open_now }, near.map(Into::into))
            .map_err(|e| self.fail(e))?;
        let lang = self.inner.lang();
        let hits = found
            .hits
            .into_iter()
            .map(|h| {
                let f = h.facility;
                HealthHitRecord {
                    kind: f.kind.as_str().to_owned(),
                    name: f.name.get(lang.code()).to_owned(),
                    hours: f.opening_hours.as_deref().map(|t| core::health::hours_text(t, lang)),
                    open: match h.open {
                        OpenState::Open => "open",
                        OpenState::Closed => "closed",
                        OpenState::Unknown => "unknown",
                    }
                    .to_owned(),
                    emergency: f.emergency,
                    position: f.position().into(),
                    distance_m: h.distance_m,
                    tel_uri: h.call,
                    approximate: f.approximate,
                    address: f.address,
                    id: f.id,
                }
            })
            .collect();
        Ok(HealthFoundRecord { hits, from_centre: found.from_centre, emergency_tel_uri: found.emergency_call })
    }

    /// The planning zone at `at` in the current city, if any.
    pub fn zone_at(&self, at: LatLonRecord) -> Result<Option<ZoneRecord>, MyCityError> {
        let z = self.inner.zone_at(at.into()).map_err(|e| self.fail(e))?;
        Ok(z.map(|z| self.zone_record(z)))
    }

    /// The current city's zones whose code contains `query`, the exact match first.
    pub fn zones_by_code(&self, query: String) -> Result<Vec<ZoneRecord>, MyCityError> {
        let zones = self.inner.zones_by_code(&query).map_err(|e| self.fail(e))?;
        Ok(zones.into_iter().map(|z| self.zone_record(z)).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::{LatLonRecord, MyCity};

    #[test]
    fn health_and_zones_cross_the_ffi() {
        let dir = tempfile::tempdir().unwrap();
        let c = MyCity::open(dir.path().to_string_lossy().into_owned(), None).unwrap();
        c.set_city("da-nang".into()).unwrap();
        let near = LatLonRecord { lat: 16.0612, lon: 108.2272 };
        let found = c.health_search("nha thuoc".into(), vec!["pharmacy".into()], false, Some(near)).unwrap();
        assert!(!found.from_centre && found.hits.len() >= 3);
        assert!(found
            .hits
            .iter()
            .all(|h| h.kind == "pharmacy" && ["open", "closed", "unknown"].contains(&h.open.as_str())));
        assert_eq!(found.emergency_tel_uri, "tel:115");
        let z = c.zones_by_code("dn-tm1".into()).unwrap().remove(0);
        assert_eq!((z.code.as_str(), z.height_max_floors), ("DN-TM1", Some(25)));
        assert!(c.zone_at(LatLonRecord { lat: 16.06, lon: 108.2 }).unwrap().is_some());
        assert!(c.zone_at(LatLonRecord { lat: 0.0, lon: 0.0 }).unwrap().is_none());
    }
}
