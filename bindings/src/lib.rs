//! uniffi bindings over `mycity-core`, so Kotlin/Swift shells and home-screen
//! widgets call the same core as the Dioxus app. Each type here is a thin
//! wrapper; all logic stays in the core.

use std::{path::PathBuf, sync::Arc};

use mycity_core as core;

mod sync;

pub use sync::{SyncChange, SyncObserver, SyncObserverHandle};

uniffi::setup_scaffolding!();

/// The small public error of the bindings: a kind and a message to show.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum MyCityError {
    /// Bad input from the caller (unknown city, empty search, malformed code).
    #[error("{message}")]
    Invalid {
        /// Human-readable reason.
        message: String,
    },
    /// The network or the server failed; retry later.
    #[error("{message}")]
    Unavailable {
        /// Human-readable reason.
        message: String,
    },
    /// Local storage or data failed.
    #[error("{message}")]
    Internal {
        /// Human-readable reason.
        message: String,
    },
}

impl From<core::Error> for MyCityError {
    fn from(e: core::Error) -> Self {
        let message = e.to_string();
        match e {
            core::Error::Invalid(_) | core::Error::UnknownCity(_) | core::Error::InvalidPack(_) => {
                MyCityError::Invalid { message }
            }
            e if e.is_transient() => MyCityError::Unavailable { message },
            core::Error::Network(_) | core::Error::Server { .. } | core::Error::NoServer => {
                MyCityError::Unavailable { message }
            }
            _ => MyCityError::Internal { message },
        }
    }
}

/// A phone line for the SOS screen or a widget.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HotlineRecord {
    /// Digits to dial.
    pub number: String,
    /// `police`, `fire`, `ambulance`, `rescue`, `child`, `city`, `other`.
    pub kind: String,
    /// Name in the current language.
    pub name: String,
    /// `tel:` URI.
    pub tel_uri: String,
}

/// A place of interest.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PlaceRecord {
    /// Id within the city pack.
    pub id: String,
    /// Name in the current language.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A city the user can pick.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CityRecord {
    /// Slug.
    pub slug: String,
    /// Name in the current language.
    pub name: String,
}

/// The core, opened on a data directory.
#[derive(uniffi::Object)]
pub struct MyCity {
    inner: core::MyCity,
    // Network calls need a runtime; the bindings own one so native shells need not.
    runtime: tokio::runtime::Runtime,
}

#[uniffi::export]
impl MyCity {
    /// Opens the core in `data_dir`, optionally against a server URL.
    #[uniffi::constructor]
    pub fn open(data_dir: String, server_url: Option<String>) -> Result<Arc<Self>, MyCityError> {
        let inner =
            core::MyCity::open(core::Config { data_dir: PathBuf::from(data_dir), server_url, ..Default::default() })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| MyCityError::Internal { message: e.to_string() })?;
        Ok(Arc::new(MyCity { inner, runtime }))
    }

    /// The current city's slug.
    pub fn city_slug(&self) -> String {
        self.inner.city_slug()
    }

    /// The cities available.
    pub fn cities(&self) -> Result<Vec<CityRecord>, MyCityError> {
        let lang = self.inner.lang().code();
        Ok(self
            .inner
            .cities()?
            .into_iter()
            .map(|c| CityRecord { name: c.name.get(lang).to_owned(), slug: c.slug })
            .collect())
    }

    /// Switches city.
    pub fn set_city(&self, slug: String) -> Result<(), MyCityError> {
        self.inner.set_city(&slug)?;
        Ok(())
    }

    /// Switches language (`vi` or `en`).
    pub fn set_language(&self, code: String) -> Result<(), MyCityError> {
        Ok(self.inner.set_lang(core::Lang::parse(&code))?)
    }

    /// The city's phone lines, most urgent first.
    pub fn hotlines(&self) -> Result<Vec<HotlineRecord>, MyCityError> {
        let lang = self.inner.lang().code();
        Ok(self
            .inner
            .hotlines()?
            .into_iter()
            .map(|h| HotlineRecord {
                tel_uri: core::emergency::tel_uri(&h.number),
                kind: h.kind.as_str().to_owned(),
                name: h.name.get(lang).to_owned(),
                number: h.number,
            })
            .collect())
    }

    /// Folded place search.
    pub fn search_places(&self, query: String, limit: u32) -> Result<Vec<PlaceRecord>, MyCityError> {
        let lang = self.inner.lang().code();
        Ok(self
            .inner
            .search_places(&query, limit as usize)?
            .into_iter()
            .map(|p| PlaceRecord { name: p.name.get(lang).to_owned(), id: p.id, lat: p.lat, lon: p.lon })
            .collect())
    }

    /// The ward's name at a point, if inside the city.
    pub fn ward_at(&self, lat: f64, lon: f64) -> Result<Option<String>, MyCityError> {
        let lang = self.inner.lang().code();
        Ok(self.inner.ward_at(core::LatLon { lat, lon })?.map(|w| w.name.get(lang).to_owned()))
    }

    /// The `sms:` URI asking for help, with the position if known.
    pub fn sos_sms_uri(
        &self,
        lat: Option<f64>,
        lon: Option<f64>,
        accuracy_m: Option<f64>,
    ) -> Result<String, MyCityError> {
        let fix = match (lat, lon) {
            (Some(lat), Some(lon)) => Some(core::Fix { position: core::LatLon { lat, lon }, accuracy_m }),
            _ => None,
        };
        Ok(self.inner.sos_message(fix, "")?.uri)
    }

    /// Checks the server for a newer city pack; returns the version in use.
    pub fn refresh_city(&self) -> Result<i64, MyCityError> {
        Ok(match self.runtime.block_on(self.inner.refresh_city())? {
            core::Refresh::Updated { version } | core::Refresh::Unchanged { version } => version,
            core::Refresh::Unreachable { error } => return Err(MyCityError::Unavailable { message: error }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_the_core_without_panicking_on_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        let c = MyCity::open(dir.path().to_string_lossy().into_owned(), None).unwrap();
        assert_eq!(c.city_slug(), "ha-giang");
        assert!(matches!(c.set_city("nowhere".into()), Err(MyCityError::Invalid { .. })));
        c.set_city("da-nang".into()).unwrap();
        assert!(c.hotlines().unwrap().iter().any(|h| h.tel_uri == "tel:1022"));
        assert!(matches!(c.search_places("".into(), 5), Err(MyCityError::Invalid { .. })));
        assert!(c.sos_sms_uri(None, None, None).unwrap().starts_with("sms:"));
        assert!(matches!(c.refresh_city(), Err(MyCityError::Unavailable { .. })));
    }
}
