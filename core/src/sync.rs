//! Downloads that keep the store current: the city pack, with `ETag`s, keeping
//! the last good copy whenever anything fails.

use crate::{
    api::{Api, Fetched},
    city::{self, ImportOutcome, PackSource},
    pack::CityPack,
    store::Store,
    Error, Result,
};

/// What a pack refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// A newer pack was downloaded and is now in use.
    Updated {
        /// Its version.
        version: i64,
    },
    /// The server has nothing newer.
    Unchanged {
        /// The version in use.
        version: i64,
    },
}

/// Checks the server for a newer pack of `slug` and imports it. On any error the
/// stored pack stays in use and the error is recorded for the sync screen.
pub async fn refresh_pack(store: &Store, api: &Api, slug: &str) -> Result<Refresh> {
    let result = fetch_and_import(store, api, slug).await;
    let recorded = match &result {
        Ok(_) => store.read(|c| city::record_check(c, slug, None)),
        Err(e) => store.read(|c| city::record_check(c, slug, Some(&e.to_string()))),
    };
    if let Err(e) = recorded {
        tracing::warn!(%e, "could not record the pack check");
    }
    result
}

async fn fetch_and_import(store: &Store, api: &Api, slug: &str) -> Result<Refresh> {
    let (version, etag) = store.read(|c| city::etag(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
    match api.city_pack(slug, etag.as_deref()).await? {
        Fetched::NotModified => Ok(Refresh::Unchanged { version }),
        Fetched::Body { body, etag } => {
            let pack = CityPack::parse(&body)?;
            if pack.slug != slug {
                return Err(Error::InvalidPack(format!("asked for {slug}, the server sent {}", pack.slug)));
            }
            Ok(match city::import(store, &pack, PackSource::Server, etag.as_deref())? {
                ImportOutcome::Installed { version } | ImportOutcome::Replaced { to: version, .. } => {
                    Refresh::Updated { version }
                }
                ImportOutcome::Unchanged { version } => Refresh::Unchanged { version },
            })
        }
    }
}
