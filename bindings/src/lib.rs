//! uniffi bindings over `mycity-core`, so Kotlin and Swift shells, widgets and
//! Python scripts call the same core as the Dioxus app.
//!
//! One module per concept; each holds its records and an
//! `#[uniffi::export] impl MyCity` block of thin calls into the core facade.
//! Nothing is decided here: a binding that needs logic gets it from the core.
//! Network work is exported as async functions (`async_runtime = "tokio"`:
//! uniffi polls them inside a tokio runtime that lives as long as the
//! process), so the foreign side awaits them (a Kotlin `suspend fun`, a Swift
//! `async func`, a Python coroutine) and no call blocks a thread on the network.
//!
//! Adding a domain (dossier, tourism, alerts…) is one file: `src/<domain>.rs`
//! with its records and its `impl MyCity` block, and one `mod` line here
//! (docs/MOBILE.md, "Adding a module to the bindings").

use std::{path::PathBuf, sync::Arc};

use mycity_core as core;

mod air;
mod alerts;
mod city;
mod dossier;
mod emergency;
mod error;
mod lookups;
mod places;
mod platform;
mod reports;
mod sync;
mod tourism;
mod transport;

pub use air::{AirQualityRecord, StationAirRecord};
pub use alerts::{
    AlertLevel, AlertListRecord, AlertRecord, AnnouncementRecord, SurveyAnswer, SurveyQuestionRecord, SurveyRecord,
};
pub use city::{CityChoiceRecord, CityRecord, PackOrigin, RefreshRecord, ServerOriginRecord, SyncStatusRecord};
pub use dossier::{
    DossierRecord, DossierStepRecord, FilingWayRecord, PaperRecord, ProcedureFieldRecord, ProcedureRecord,
    ReceiptRecord, StandingRecord,
};
pub use emergency::{FixRecord, HotlineRecord, SosMessageRecord};
pub use error::MyCityError;
pub use lookups::{HealthFoundRecord, HealthHitRecord, ZoneRecord};
pub use places::{NearPlaceRecord, PlaceRecord};
pub use platform::{NotificationRecord, Notifier};
pub use reports::{
    ChoiceRecord, ContactRecord, EventRecord, NearbyRecord, OutboxItemRecord, PlaceSourceRecord, PlacedRecord,
    PreparedPhoto, QuestionRecord, ReportDraft, ReportRecord, SendStateRecord, ServiceRecord, StatusChangeRecord,
};
pub use sync::{FlushRecord, SyncChange, SyncObserver, SyncObserverHandle, SyncStateRecord};
pub use tourism::{
    BrowseQuery, OpenStateRecord, PlaceDetailRecord, PlacePageRecord, PlaceRowRecord, PlanQuery, PlanRecord,
    PlanStopRecord, TravelMode,
};
pub use transport::{DepartureLineRecord, RouteRecord, StopDeparturesRecord, TransportRecord};

uniffi::setup_scaffolding!();

/// A position in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct LatLonRecord {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl From<core::LatLon> for LatLonRecord {
    fn from(p: core::LatLon) -> Self {
        LatLonRecord { lat: p.lat, lon: p.lon }
    }
}

impl From<LatLonRecord> for core::LatLon {
    fn from(p: LatLonRecord) -> Self {
        core::LatLon { lat: p.lat, lon: p.lon }
    }
}

/// The core, opened on a data directory. One per process is enough; every
/// method may be called from any thread.
#[derive(uniffi::Object)]
pub struct MyCity {
    pub(crate) inner: core::MyCity,
}

#[uniffi::export]
impl MyCity {
    /// Opens the core in `data_dir` (created if missing), with `server_url`
    /// as the server for every city when given (tests, a staging server);
    /// `None` lets the person's choice, the city's pack or the build decide.
    /// The first open imports the bundled city packs: call it off the UI thread.
    #[uniffi::constructor]
    pub fn open(data_dir: String, server_url: Option<String>) -> Result<Arc<Self>, MyCityError> {
        let config = core::Config { data_dir: PathBuf::from(data_dir), server_url, ..Default::default() };
        let inner = core::MyCity::open(config).map_err(|e| MyCityError::new(&core::Texts::new(core::Lang::Vi), e))?;
        Ok(Arc::new(MyCity { inner }))
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> String {
        self.inner.data_dir().to_string_lossy().into_owned()
    }
}

impl MyCity {
    /// The core's error in the person's language, for every call that fails.
    pub(crate) fn fail(&self, e: core::Error) -> MyCityError {
        MyCityError::new(&self.inner.texts(), e)
    }
}

/// Counts cross the FFI as u32; a core count never comes near its limit.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_the_core_and_explains_refusals_in_the_persons_language() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let c = MyCity::open(dir.path().to_string_lossy().into_owned(), None).unwrap();
        assert_eq!(c.city_slug(), "ha-giang");
        assert!(matches!(c.set_city("nowhere".into()), Err(MyCityError::UnknownCity { .. })));
        c.set_city("da-nang".into()).unwrap();
        assert!(c.hotlines().unwrap().iter().any(|h| h.tel_uri == "tel:1022"));
        let Err(MyCityError::Invalid { code, reason, .. }) = c.search_places("".into(), 5) else {
            panic!("an empty search is refused")
        };
        c.set_language("en".into()).unwrap();
        let Err(MyCityError::Invalid { reason: en, .. }) = c.search_places("".into(), 5) else { panic!() };
        assert!(!code.is_empty() && reason != en, "{code}: {reason} / {en}");
        assert!(c.sos_message(None, String::new()).unwrap().uri.starts_with("sms:"));
        assert!(matches!(rt.block_on(c.refresh_city()), Err(MyCityError::NoServer { .. })));
    }

    #[test]
    fn a_draft_is_checked_by_the_core() {
        let dir = tempfile::tempdir().unwrap();
        let c = MyCity::open(dir.path().to_string_lossy().into_owned(), None).unwrap();
        let service = c.services().unwrap().remove(0);
        let draft = ReportDraft::new(service.code);
        draft.set_description("Ổ gà".into());
        let Err(MyCityError::Invalid { field, .. }) = c.submit_report(draft.clone()) else { panic!() };
        assert_eq!(field.as_deref(), Some("place"));
        draft.set_place(c.city().unwrap().center, PlaceSourceRecord::Map);
        let id = c.submit_report(draft).unwrap();
        assert_eq!(c.my_reports().unwrap()[0].id, id);
        assert_eq!(c.sync_state().unwrap().waiting, 1);
    }
}
