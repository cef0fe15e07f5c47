//! City packs and settings: which city, which language, which server, and
//! what the Settings screen says about the data in use.

use mycity_core as core;

use crate::{LatLonRecord, MyCity, MyCityError};

/// A city the person can switch to.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CityChoiceRecord {
    /// Slug (`da-nang`).
    pub slug: String,
    /// Name in the current language.
    pub name: String,
    /// Province or context, in the current language.
    pub region: String,
}

/// Where a city's pack came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PackOrigin {
    /// Shipped inside the app.
    Bundled,
    /// Downloaded from the city's server.
    Server,
    /// Imported from a file.
    File,
}

impl From<core::PackSource> for PackOrigin {
    fn from(s: core::PackSource) -> Self {
        match s {
            core::PackSource::Bundled => PackOrigin::Bundled,
            core::PackSource::Server => PackOrigin::Server,
            core::PackSource::File => PackOrigin::File,
        }
    }
}

/// The current city.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CityRecord {
    /// Slug.
    pub slug: String,
    /// Name in the current language.
    pub name: String,
    /// Province or context.
    pub region: String,
    /// Pack version in use.
    pub version: i64,
    /// Map centre.
    pub center: LatLonRecord,
    /// IANA time zone.
    pub timezone: String,
    /// Where the pack came from.
    pub origin: PackOrigin,
}

impl CityRecord {
    fn new(c: core::City, lang: &str) -> Self {
        CityRecord {
            name: c.name.get(lang).to_owned(),
            region: c.region.get(lang).to_owned(),
            slug: c.slug,
            version: c.version,
            center: c.center.into(),
            timezone: c.timezone,
            origin: c.source.into(),
        }
    }
}

/// Where the server in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ServerOriginRecord {
    /// Given when the core was opened.
    Override,
    /// Chosen by the person in Settings.
    Chosen,
    /// Named by the city's pack.
    Pack,
    /// The build's default.
    BuildDefault,
}

impl From<core::ServerOrigin> for ServerOriginRecord {
    fn from(o: core::ServerOrigin) -> Self {
        match o {
            core::ServerOrigin::Override => ServerOriginRecord::Override,
            core::ServerOrigin::Chosen => ServerOriginRecord::Chosen,
            core::ServerOrigin::Pack => ServerOriginRecord::Pack,
            core::ServerOrigin::BuildDefault => ServerOriginRecord::BuildDefault,
        }
    }
}

/// What Settings shows about the city's data and server.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncStatusRecord {
    /// Pack version in use.
    pub pack_version: i64,
    /// Where the pack came from.
    pub origin: PackOrigin,
    /// Last time the server confirmed the pack (unix seconds).
    pub checked_at: Option<i64>,
    /// The last failed pack check.
    pub last_error: Option<String>,
    /// The server in use, if any.
    pub server: Option<String>,
    /// Where that server comes from.
    pub server_origin: Option<ServerOriginRecord>,
    /// Sends waiting in the outbox, in every city.
    pub waiting: u32,
}

/// What a pack check did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RefreshRecord {
    /// A newer pack is now in use.
    Updated {
        /// Its version.
        version: i64,
    },
    /// Nothing newer.
    Unchanged {
        /// The version in use.
        version: i64,
    },
    /// Out of reach; the stored pack stays in use.
    Unreachable {
        /// Why, technical English.
        detail: String,
    },
}

impl From<core::Refresh> for RefreshRecord {
    fn from(r: core::Refresh) -> Self {
        match r {
            core::Refresh::Updated { version } => RefreshRecord::Updated { version },
            core::Refresh::Unchanged { version } => RefreshRecord::Unchanged { version },
            core::Refresh::Unreachable { error } => RefreshRecord::Unreachable { detail: error },
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// The current city.
    pub fn city(&self) -> Result<CityRecord, MyCityError> {
        let city = self.inner.city().map_err(|e| self.fail(e))?;
        Ok(CityRecord::new(city, self.inner.lang().code()))
    }

    /// The current city's slug.
    pub fn city_slug(&self) -> String {
        self.inner.city_slug()
    }

    /// The cities the person can switch to.
    pub fn cities(&self) -> Result<Vec<CityChoiceRecord>, MyCityError> {
        let lang = self.inner.lang().code();
        let cities = self.inner.cities().map_err(|e| self.fail(e))?;
        Ok(cities
            .into_iter()
            .map(|c| CityChoiceRecord {
                name: c.name.get(lang).to_owned(),
                region: c.region.get(lang).to_owned(),
                slug: c.slug,
            })
            .collect())
    }

    /// Switches city (remembered); an unknown slug is refused.
    pub fn set_city(&self, slug: String) -> Result<CityRecord, MyCityError> {
        let city = self.inner.set_city(&slug).map_err(|e| self.fail(e))?;
        Ok(CityRecord::new(city, self.inner.lang().code()))
    }

    /// The language in use: `vi` or `en`.
    pub fn language(&self) -> String {
        self.inner.lang().code().to_owned()
    }

    /// Switches language (`vi`, `en`; anything else is Vietnamese), remembered.
    pub fn set_language(&self, code: String) -> Result<(), MyCityError> {
        self.inner.set_lang(core::Lang::parse(&code)).map_err(|e| self.fail(e))
    }

    /// Chooses the server every city talks to; `None` goes back to the
    /// city's own or the build's. A malformed URL is refused.
    pub fn set_server(&self, url: Option<String>) -> Result<(), MyCityError> {
        self.inner.set_server(url.as_deref()).map_err(|e| self.fail(e))
    }

    /// What Settings shows about the current city's data and server.
    pub fn sync_status(&self) -> Result<SyncStatusRecord, MyCityError> {
        let s = self.inner.sync_status().map_err(|e| self.fail(e))?;
        Ok(SyncStatusRecord {
            pack_version: s.pack_version,
            origin: s.source.into(),
            checked_at: s.checked_at,
            last_error: s.last_error,
            server: s.server,
            server_origin: s.server_origin.map(Into::into),
            waiting: crate::count(s.engine.waiting),
        })
    }

    /// Imports a city pack in wire form (a file an administrator picked).
    /// A malformed pack is refused and the pack in use stays. Returns the
    /// version now stored. CPU-heavy for a big pack: call it off the UI thread.
    pub fn import_pack(&self, json: String) -> Result<i64, MyCityError> {
        let outcome = self.inner.import_pack(&json, core::PackSource::File).map_err(|e| self.fail(e))?;
        Ok(match outcome {
            core::ImportOutcome::Installed { version } | core::ImportOutcome::Unchanged { version } => version,
            core::ImportOutcome::Replaced { to, .. } => to,
        })
    }

    /// Asks the city's server for a newer pack and the current categories.
    pub async fn refresh_city(&self) -> Result<RefreshRecord, MyCityError> {
        Ok(self.inner.refresh_city().await.map_err(|e| self.fail(e))?.into())
    }
}
