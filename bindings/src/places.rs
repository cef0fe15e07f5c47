//! Places: the folded search, what the list shows, places near a point, the
//! ward at a point, and the place behind a QR plate.

use mycity_core as core;

use crate::{LatLonRecord, MyCity, MyCityError};

/// A place of interest, in the current language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceRecord {
    /// Id within the city pack.
    pub id: String,
    /// Kind (landmark, museum, market…).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// Where.
    pub position: LatLonRecord,
    /// Street address.
    pub address: Option<String>,
    /// Opening hours, free text.
    pub opening_hours: Option<String>,
    /// The ticket line ("Vé: 60.000 đ", "Miễn phí"), when the pack gives a price.
    pub ticket: Option<String>,
    /// Code on the site's QR plate.
    pub qr_id: Option<String>,
}

/// A place and how far it is.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearPlaceRecord {
    /// The place.
    pub place: PlaceRecord,
    /// Metres from the point asked about.
    pub distance_m: f64,
}

impl MyCity {
    pub(crate) fn place(&self, t: &core::Texts, p: core::Place) -> PlaceRecord {
        let lang = t.lang().code();
        PlaceRecord {
            name: p.name.get(lang).to_owned(),
            description: p.description.get(lang).to_owned(),
            ticket: t.ticket(p.ticket_price_vnd),
            position: LatLonRecord { lat: p.lat, lon: p.lon },
            id: p.id,
            kind: p.kind,
            address: p.address,
            opening_hours: p.opening_hours,
            qr_id: p.qr_id,
        }
    }

    fn places(&self, found: core::Result<Vec<core::Place>>) -> Result<Vec<PlaceRecord>, MyCityError> {
        let t = self.inner.texts();
        Ok(found.map_err(|e| self.fail(e))?.into_iter().map(|p| self.place(&t, p)).collect())
    }
}

#[uniffi::export]
impl MyCity {
    /// Searches the city's places, folded ("dong van" finds "Đồng Văn");
    /// an empty query is refused.
    pub fn search_places(&self, query: String, limit: u32) -> Result<Vec<PlaceRecord>, MyCityError> {
        self.places(self.inner.search_places(&query, limit as usize))
    }

    /// What the places list shows: the city's best sights while nothing is
    /// typed, else the folded search.
    pub fn browse_places(&self, query: String, limit: u32) -> Result<Vec<PlaceRecord>, MyCityError> {
        self.places(self.inner.browse_places(&query, limit as usize))
    }

    /// The city's places within `radius_m` of `at`, nearest first.
    pub fn places_near(
        &self,
        at: LatLonRecord,
        radius_m: f64,
        limit: u32,
    ) -> Result<Vec<NearPlaceRecord>, MyCityError> {
        let near = self.inner.places_near(at.into(), radius_m, limit as usize).map_err(|e| self.fail(e))?;
        let t = self.inner.texts();
        Ok(near
            .into_iter()
            .map(|n| NearPlaceRecord { distance_m: n.distance_m, place: self.place(&t, n.place) })
            .collect())
    }

    /// The place whose QR plate carries `qr_id`.
    pub fn place_by_qr(&self, qr_id: String) -> Result<Option<PlaceRecord>, MyCityError> {
        let found = self.inner.place_by_qr(&qr_id).map_err(|e| self.fail(e))?;
        Ok(found.map(|p| self.place(&self.inner.texts(), p)))
    }

    /// The name of the ward or commune at `at`, or `None` outside the city.
    pub fn ward_at(&self, at: LatLonRecord) -> Result<Option<String>, MyCityError> {
        let ward = self.inner.ward_at(at.into()).map_err(|e| self.fail(e))?;
        Ok(ward.map(|w| w.name.get(self.inner.lang().code()).to_owned()))
    }
}
