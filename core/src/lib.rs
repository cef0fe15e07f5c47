//! MyCity's shared core: everything but pixels.
//!
//! Open a [`MyCity`] on a data directory; it keeps one SQLite store with the
//! city packs (bundled ones are imported on first use, so the app works with
//! no network), answers the screens' questions, and refreshes from the city's
//! server when it can.

pub mod api;
pub mod city;
pub mod dossier;
pub mod emergency;
mod error;
#[cfg(test)]
mod exif_fixture;
pub mod geo;
pub mod i18n;
pub mod pack;
pub mod photos;
pub mod reports;
pub mod store;
pub mod sync;
pub mod text;
pub mod tourism;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock},
};

pub use city::{City, ImportOutcome, PackSource};
pub use emergency::{Fix, SosMessage};
pub use error::{Error, Result};
pub use geo::Ward;
pub use i18n::{Lang, Texts};
pub use pack::{Category, CityPack, Hotline, HotlineKind, LatLon, Localized, Place};
pub use reports::{Answer, Contact, Draft, Report, Service};
pub use sync::{Flush, Refresh, StatusChange};

use crate::{api::Api, geo::WardIndex, store::Store};

/// How to open the core.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Directory for the database (created if missing).
    pub data_dir: PathBuf,
    /// A server to use for every city, overriding the packs' own URLs
    /// (the desktop demo server, a staging server, a test server).
    pub server_url: Option<String>,
    /// The Open311 `api_key` the city gave this app; `None` uses the
    /// reference server's demo key.
    pub open311_key: Option<String>,
    /// Longest wait for one server request; `None` means [`api::DEFAULT_TIMEOUT`].
    pub timeout: Option<std::time::Duration>,
}

/// The reference server's Open311 key with `--seed`.
pub const DEMO_OPEN311_KEY: &str = "demo-key";

/// What the home screen shows, read in one go.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Home {
    /// The current city.
    pub city: City,
    /// The first few hotlines, most urgent first.
    pub hotlines: Vec<Hotline>,
    /// Places to feature.
    pub featured: Vec<Place>,
    /// How many places the city has.
    pub place_count: i64,
    /// Report categories, for the quick report grid.
    pub categories: Vec<Category>,
}

/// A city the user can switch to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CityChoice {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: Localized,
    /// Province / context.
    pub region: Localized,
}

/// What the sync screen shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyncStatus {
    /// Pack version in use.
    pub pack_version: i64,
    /// Where the pack came from.
    pub source: PackSource,
    /// Last time the server confirmed the pack (unix seconds).
    pub checked_at: Option<i64>,
    /// The last failed refresh.
    pub last_error: Option<String>,
    /// The server the city talks to, if any.
    pub server: Option<String>,
}

struct State {
    city: String,
    lang: Lang,
}

/// The core, opened on one data directory. Cheap calls are synchronous;
/// network calls are `async` and need a tokio runtime.
pub struct MyCity {
    store: Store,
    config: Config,
    state: RwLock<State>,
    wards: Mutex<Option<(String, Arc<WardIndex>)>>,
    clients: Mutex<HashMap<String, Api>>,
    flushing: std::sync::atomic::AtomicBool,
}

const DB_FILE: &str = "mycity.sqlite";
const KEY_CITY: &str = "city";
const KEY_LANG: &str = "lang";
const KEY_BUNDLE: &str = "bundle-fingerprint";
const KEY_DEVICE: &str = "device-id";

impl MyCity {
    /// Opens the core: creates the data directory and database if needed,
    /// imports bundled packs that are missing or outdated, and restores the
    /// chosen city and language.
    pub fn open(config: Config) -> Result<MyCity> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", config.data_dir.display())))?;
        let store = Store::open(&config.data_dir.join(DB_FILE))?;
        MyCity::with_store(store, config)
    }

    /// Opens the core on an already opened store (tests, benchmarks).
    pub fn with_store(store: Store, config: Config) -> Result<MyCity> {
        if let Some(url) = &config.server_url {
            Api::new(url, api::DEFAULT_TIMEOUT)?;
        }
        import_bundled(&store)?;
        let mut city = store.setting(KEY_CITY)?.unwrap_or_else(|| pack::DEFAULT_CITY.to_owned());
        if store.read(|c| city::etag(c, &city))?.is_none() {
            tracing::warn!(city, "remembered city is not in the store; using the default");
            city = pack::DEFAULT_CITY.to_owned();
        }
        let lang = store.setting(KEY_LANG)?.map(|l| Lang::parse(&l)).unwrap_or_default();
        Ok(MyCity {
            store,
            config,
            state: RwLock::new(State { city, lang }),
            wards: Mutex::new(None),
            clients: Mutex::new(HashMap::new()),
            flushing: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// The current city's slug.
    pub fn city_slug(&self) -> String {
        self.state.read().unwrap_or_else(|p| p.into_inner()).city.clone()
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.state.read().unwrap_or_else(|p| p.into_inner()).lang
    }

    /// Switches language (remembered across restarts).
    pub fn set_lang(&self, lang: Lang) -> Result<()> {
        self.store.set_setting(KEY_LANG, lang.code())?;
        self.state.write().unwrap_or_else(|p| p.into_inner()).lang = lang;
        Ok(())
    }

    /// The UI strings of the current language.
    pub fn texts(&self) -> Texts {
        Texts::new(self.lang())
    }

    /// The current city.
    pub fn city(&self) -> Result<City> {
        let slug = self.city_slug();
        self.store.read(|c| city::load(c, &slug))?.ok_or(Error::UnknownCity(slug))
    }

    /// The cities the user can switch to (all stored packs; bundled ones first, in their order).
    pub fn cities(&self) -> Result<Vec<CityChoice>> {
        let mut out: Vec<CityChoice> = self.store.read(|c| {
            let mut stmt = c.prepare_cached("SELECT slug, name_vi, name_en, region_vi, region_en FROM cities")?;
            let rows = stmt.query_map([], |r| {
                Ok(CityChoice {
                    slug: r.get(0)?,
                    name: Localized { vi: r.get(1)?, en: r.get(2)? },
                    region: Localized { vi: r.get(3)?, en: r.get(4)? },
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        let rank = |s: &str| pack::CITY_SLUGS.iter().position(|b| *b == s).unwrap_or(usize::MAX);
        out.sort_by(|a, b| rank(&a.slug).cmp(&rank(&b.slug)).then(a.slug.cmp(&b.slug)));
        Ok(out)
    }

    /// Switches to another city (remembered across restarts). Unknown slugs are refused.
    pub fn set_city(&self, slug: &str) -> Result<City> {
        let city = self.store.read(|c| city::load(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
        self.store.set_setting(KEY_CITY, slug)?;
        self.state.write().unwrap_or_else(|p| p.into_inner()).city = slug.to_owned();
        Ok(city)
    }

    /// Everything the home screen shows.
    pub fn home(&self) -> Result<Home> {
        let slug = self.city_slug();
        self.store.read(|c| {
            let city = city::load(c, &slug)?.ok_or_else(|| Error::UnknownCity(slug.clone()))?;
            let mut hotlines = emergency::hotlines(c, &slug)?;
            hotlines.truncate(4);
            Ok(Home {
                city,
                hotlines,
                featured: tourism::featured(c, &slug, 6)?,
                place_count: tourism::count(c, &slug)?,
                categories: reports::categories(c, &slug)?,
            })
        })
    }

    /// All the city's phone lines, most urgent first.
    pub fn hotlines(&self) -> Result<Vec<Hotline>> {
        let slug = self.city_slug();
        self.store.read(|c| emergency::hotlines(c, &slug))
    }

    /// The city's report categories.
    pub fn categories(&self) -> Result<Vec<Category>> {
        let slug = self.city_slug();
        self.store.read(|c| reports::categories(c, &slug))
    }

    /// Searches the city's places (folded: "dong van" finds "Đồng Văn").
    pub fn search_places(&self, query: &str, limit: usize) -> Result<Vec<Place>> {
        let slug = self.city_slug();
        self.store.read(|c| tourism::search(c, &slug, query, limit))
    }

    /// The place whose QR plate carries `qr_id`.
    pub fn place_by_qr(&self, qr_id: &str) -> Result<Option<Place>> {
        self.store.read(|c| tourism::by_qr(c, qr_id))
    }

    /// Checks and normalises a dossier code against the city's format.
    pub fn check_dossier_code(&self, input: &str) -> Result<String> {
        dossier::check_code(&self.city()?.dossier, input)
    }

    /// The ward or commune at `p`, or `None` outside every ward of the city.
    pub fn ward_at(&self, p: LatLon) -> Result<Option<Ward>> {
        Ok(self.ward_index()?.locate(p).cloned())
    }

    /// The outlines of the city's wards, for the map.
    pub fn ward_shapes(&self) -> Result<Vec<geo::WardShape>> {
        let slug = self.city_slug();
        self.store.read(|c| geo::shapes(c, &slug))
    }

    fn ward_index(&self) -> Result<Arc<WardIndex>> {
        let slug = self.city_slug();
        let mut cache = self.wards.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((s, idx)) = cache.as_ref() {
            if *s == slug {
                return Ok(idx.clone());
            }
        }
        let idx = Arc::new(self.store.read(|c| WardIndex::load(c, &slug))?);
        *cache = Some((slug, idx.clone()));
        Ok(idx)
    }

    /// The "send my position" SMS: text with coordinates and ward, and its `sms:` URI.
    pub fn sos_message(&self, fix: Option<Fix>, recipient: &str) -> Result<SosMessage> {
        let city = self.city()?;
        let ward = match fix {
            Some(f) => self.ward_at(f.position)?,
            None => None,
        };
        Ok(emergency::sos_message(self.lang(), &city.name, fix, ward.as_ref(), recipient))
    }

    /// Imports a pack in wire form (e.g. from a file an administrator picked).
    /// A malformed pack is refused and the pack in use stays.
    pub fn import_pack(&self, json: &str, source: PackSource) -> Result<ImportOutcome> {
        let pack = CityPack::parse(json)?;
        let outcome = city::import(&self.store, &pack, source, None)?;
        if !matches!(outcome, ImportOutcome::Unchanged { .. }) {
            self.forget_wards(&pack.slug);
            drop(self.store.maintain());
        }
        Ok(outcome)
    }

    /// Imports a pack from a file: either the wire form, or a pack directory
    /// holding `pack.json` and `wards.geojson`.
    pub fn import_pack_path(&self, path: &Path) -> Result<ImportOutcome> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::Io(format!("{}: {e}", p.display())));
        let json = if path.is_dir() {
            CityPack::combine(&read(&path.join("pack.json"))?, &read(&path.join("wards.geojson"))?)?
        } else {
            read(path)?
        };
        self.import_pack(&json, PackSource::File)
    }

    /// Data and sync state of the current city.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let city = self.city()?;
        Ok(SyncStatus {
            pack_version: city.version,
            source: city.source,
            checked_at: city.checked_at,
            last_error: city.last_error.clone(),
            server: self.server_for(&city),
        })
    }

    /// Asks the server for a newer pack of the current city. Offline or on a bad
    /// answer, the stored pack stays in use and the error is returned (and shown
    /// by [`MyCity::sync_status`]).
    pub async fn refresh_city(&self) -> Result<Refresh> {
        let city = self.city()?;
        let api = self.api(&city)?;
        let r = sync::refresh_pack(&self.store, &api, &city.slug).await;
        if matches!(r, Ok(Refresh::Updated { .. })) {
            self.forget_wards(&city.slug);
            drop(self.store.maintain());
        }
        r
    }

    fn server_for(&self, city: &City) -> Option<String> {
        self.config.server_url.clone().or_else(|| city.server_url.clone())
    }

    fn api(&self, city: &City) -> Result<Api> {
        let url = self.server_for(city).ok_or(Error::NoServer)?;
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(api) = clients.get(&url) {
            return Ok(api.clone());
        }
        let api = Api::new(&url, self.config.timeout.unwrap_or(api::DEFAULT_TIMEOUT))?;
        clients.insert(url, api.clone());
        Ok(api)
    }

    fn forget_wards(&self, slug: &str) {
        let mut cache = self.wards.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().is_some_and(|(s, _)| s == slug) {
            *cache = None;
        }
    }

    /// The city's report categories with their questions (the server's when
    /// it has been reached, else the pack's).
    pub fn services(&self) -> Result<Vec<Service>> {
        let slug = self.city_slug();
        self.store.read(|c| reports::services(c, &slug, self.lang().code()))
    }

    /// Fetches the city's Open311 services and their questions; returns how many.
    pub async fn refresh_services(&self) -> Result<usize> {
        let city = self.city()?;
        let list = self.api(&city)?.services(&city.slug).await?;
        self.store.write(|tx| reports::store_services(tx, &city.slug, &list))?;
        Ok(list.len())
    }

    /// Prepares a photo as picked (JPEG/PNG/WebP straight from the camera or a
    /// file): upright, ≤ 1600 px, metadata stripped, with a thumbnail and the
    /// photo's own GPS position (read before it is stripped). CPU-heavy (~80 ms
    /// for 12 MP): call it off the UI thread.
    pub fn prepare_photo(&self, raw: &[u8]) -> Result<photos::Processed> {
        photos::process(raw)
    }

    /// Checks a draft and queues it for sending (report and outbox row in one
    /// transaction); returns the report's id. Nothing is queued if the draft
    /// is refused, and the error says what to fix.
    pub fn submit_report(&self, draft: &Draft) -> Result<String> {
        let city = self.city()?;
        let services = self.services()?;
        let at = reports::validate(draft, &services, &city.bbox)?;
        let ward = self.ward_at(at)?.map(|w| w.name.vi);
        self.store.write(|tx| reports::queue(tx, &city.slug, draft, at, ward.as_deref()))
    }

    /// Sends what waits in the outbox. Safe to call at any time and from
    /// anywhere: a second call while one runs returns at once.
    pub async fn flush_outbox(&self) -> Result<Flush> {
        use std::sync::atomic::Ordering;
        if self.flushing.swap(true, Ordering::AcqRel) {
            return Ok(Flush { stopped: Some("a flush is already running".into()), ..Flush::default() });
        }
        let result = async {
            let city = self.city()?;
            let api = self.api(&city)?;
            let key = self.config.open311_key.clone().unwrap_or_else(|| DEMO_OPEN311_KEY.to_owned());
            sync::flush_outbox(&self.store, &api, &key, &self.device_id()?).await
        }
        .await;
        self.flushing.store(false, Ordering::Release);
        result
    }

    /// Open reports of the same category within `radius_m` of `at`, nearest
    /// first, so the person can say "me too" instead of reporting it again.
    /// Needs the network; offline the error says so and the report can still be made.
    pub async fn nearby_open(&self, service_code: &str, at: LatLon, radius_m: f64) -> Result<Vec<reports::Nearby>> {
        let city = self.city()?;
        let list = self.api(&city)?.open_requests(&city.slug, service_code).await?;
        Ok(reports::nearby(&list, at, radius_m))
    }

    /// Queues "me too" (or any comment) on an existing report by its Open311 id.
    pub fn me_too(&self, server_id: &str, comment: &str) -> Result<String> {
        let slug = self.city_slug();
        self.store.write(|tx| reports::queue_update(tx, &slug, server_id, "open", comment, None))
    }

    /// Reopens one of my reports that the city marked fixed but is not, with a
    /// comment and optionally a photo.
    pub fn reopen(&self, report_id: &str, comment: &str, photo: Option<&[u8]>) -> Result<String> {
        let slug = self.city_slug();
        self.store.write(|tx| {
            let server_id: Option<String> = tx
                .query_row("SELECT server_id FROM reports WHERE id = ?1 AND city = ?2", [report_id, &slug], |r| {
                    r.get(0)
                })
                .map_err(|_| Error::InvalidInput(format!("no report {report_id}")))?;
            let server_id =
                server_id.ok_or_else(|| Error::InvalidInput("this report has not reached the city yet".into()))?;
            let id = reports::queue_update(tx, &slug, &server_id, "reopen", comment, photo)?;
            tx.execute(
                "UPDATE reports SET status = 'reopen', updated_at = ?2 WHERE id = ?1",
                rusqlite::params![report_id, city::now()],
            )?;
            Ok(id)
        })
    }

    /// How many sends wait in the outbox.
    pub fn waiting(&self) -> Result<usize> {
        self.store.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')", [], |r| {
                r.get::<_, i64>(0)
            })? as usize)
        })
    }

    /// The current city's reports, newest first, with their timelines.
    pub fn my_reports(&self) -> Result<Vec<Report>> {
        let slug = self.city_slug();
        self.store.read(|c| reports::list(c, &slug))
    }

    /// Fetches the status and the city's replies for sent reports; returns what changed.
    pub async fn refresh_reports(&self) -> Result<Vec<StatusChange>> {
        let city = self.city()?;
        let api = self.api(&city)?;
        sync::refresh_reports(&self.store, &api, &city.slug).await
    }

    /// A random id for this installation, sent as Open311 `device_id`.
    fn device_id(&self) -> Result<String> {
        if let Some(id) = self.store.setting(KEY_DEVICE)? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.store.set_setting(KEY_DEVICE, &id)?;
        Ok(id)
    }

    /// The store, for other crates' tests and the benchmark.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Imports the bundled packs that the store lacks or holds older versions of.
/// Skipped entirely when this build's bundle was already imported, which keeps
/// start-up cheap.
fn import_bundled(store: &Store) -> Result<()> {
    let fingerprint = pack::bundled::fingerprint();
    if store.setting(KEY_BUNDLE)?.as_deref() == Some(fingerprint.as_str()) {
        return Ok(());
    }
    for slug in pack::bundled::slugs() {
        let Some(wire) = pack::bundled::wire(slug) else { continue };
        // A broken bundled pack must not stop the app: the other cities still work.
        match wire.and_then(|w| CityPack::parse(&w)) {
            Ok(p) => {
                city::import(store, &p, PackSource::Bundled, None)?;
            }
            Err(e) => tracing::error!(slug, %e, "bundled pack is invalid"),
        }
    }
    // The bundle is small: tidy up now rather than race the first screen.
    store.maintain().join().map_err(|_| Error::Storage("maintenance thread panicked".into()))??;
    store.set_setting(KEY_BUNDLE, &fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, MyCity) {
        let dir = tempfile::tempdir().unwrap();
        let core =
            MyCity::open(Config { data_dir: dir.path().to_owned(), server_url: None, ..Default::default() }).unwrap();
        (dir, core)
    }

    #[test]
    fn opens_on_ha_giang_with_five_cities() {
        let (_d, core) = open();
        assert_eq!(core.city_slug(), "ha-giang");
        let slugs: Vec<String> = core.cities().unwrap().into_iter().map(|c| c.slug).collect();
        assert_eq!(slugs, pack::CITY_SLUGS);
        let home = core.home().unwrap();
        assert_eq!(home.city.name.vi, "Hà Giang");
        assert!(home.place_count >= 15);
        assert_eq!(home.categories.len(), 10);
    }

    #[test]
    fn city_and_language_survive_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = Config { data_dir: dir.path().to_owned(), server_url: None, ..Default::default() };
        let core = MyCity::open(cfg.clone()).unwrap();
        core.set_city("da-nang").unwrap();
        core.set_lang(Lang::En).unwrap();
        drop(core);
        let core = MyCity::open(cfg).unwrap();
        assert_eq!(core.city_slug(), "da-nang");
        assert_eq!(core.lang(), Lang::En);
        assert!(core.hotlines().unwrap().iter().any(|h| h.number == "1022"));
    }

    #[test]
    fn unknown_city_empty_search_and_outside_point_are_clear() {
        let (_d, core) = open();
        assert!(matches!(core.set_city("atlantis"), Err(Error::UnknownCity(_))));
        assert_eq!(core.city_slug(), "ha-giang");
        assert!(matches!(core.search_places("   ", 10), Err(Error::InvalidInput(_))));
        assert_eq!(core.ward_at(LatLon { lat: 0.0, lon: 0.0 }).unwrap(), None);
        assert_eq!(core.ward_at(LatLon { lat: f64::NAN, lon: f64::INFINITY }).unwrap(), None);
    }

    #[test]
    fn folded_search_finds_places_whatever_the_marks() {
        let (_d, core) = open();
        let first = |q: &str| core.search_places(q, 5).unwrap().first().map(|p| p.id.clone());
        let want = first("Đồng Văn").expect("a place named Đồng Văn in Hà Giang");
        assert_eq!(first("dong van"), Some(want.clone()));
        assert_eq!(first("ĐỒNG VĂN"), Some(want));
    }

    #[test]
    fn every_city_centre_or_place_lies_in_a_ward() {
        let (_d, core) = open();
        for slug in pack::CITY_SLUGS {
            let city = core.set_city(slug).unwrap();
            let places = core.store().read(|c| tourism::featured(c, slug, 100)).unwrap();
            let inside =
                places.iter().filter(|p| core.ward_at(LatLon { lat: p.lat, lon: p.lon }).unwrap().is_some()).count();
            assert!(inside >= 15, "{slug}: only {inside} places inside a ward");
            assert!(city.bbox.contains(city.center));
        }
    }

    #[test]
    fn malformed_pack_file_keeps_the_pack_in_use() {
        let (dir, core) = open();
        let before = core.city().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, "{\"format\":1,\"slug\":\"ha-giang\",\"version\":99").unwrap();
        assert!(matches!(core.import_pack_path(&path), Err(Error::InvalidPack(_))));
        assert!(matches!(core.import_pack_path(&dir.path().join("missing.json")), Err(Error::Io(_))));
        assert_eq!(core.city().unwrap(), before);
    }

    #[test]
    fn sos_message_names_the_ward() {
        let (_d, core) = open();
        let city = core.city().unwrap();
        let fix = Fix { position: city.center, accuracy_m: Some(8.0) };
        let m = core.sos_message(Some(fix), "").unwrap();
        let ward = core.ward_at(city.center).unwrap().expect("centre is in a ward");
        assert!(m.text.contains(&ward.name.vi), "{}", m.text);
    }

    #[tokio::test]
    async fn refresh_without_server_says_so() {
        let (_d, core) = open();
        assert!(matches!(core.refresh_city().await, Err(Error::NoServer)));
    }
}
