//! MyCity's shared core: everything but pixels.
//!
//! Open a [`MyCity`] on a data directory; it keeps one SQLite store with the
//! city packs (bundled ones are imported on first use, so the app works with
//! no network), answers the screens' questions, takes their intents, and
//! keeps in step with the city's server through its sync engine
//! ([`MyCity::start_sync`]), which tells listeners what changed.
//!
//! Screens and native shells call one method per user intent and render what
//! comes back; every decision (what a draft needs, what a status allows, when
//! to retry) is made here and tested here.

#![warn(missing_docs)]

pub mod account;
pub mod air;
pub mod alerts;
pub mod api;
pub mod city;
pub mod clips;
pub mod dossier;
pub mod emergency;
mod error;
#[cfg(test)]
mod exif_fixture;
pub mod geo;
pub mod health;
pub mod i18n;
pub mod pack;
pub mod photos;
pub mod planning;
pub mod platform;
mod private_files;
pub mod qr;
pub mod reports;
pub mod scorecard;
pub mod store;
pub mod sync;
pub mod text;
pub mod tiles;
pub mod tourism;
pub mod transport;
pub mod vietqr;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock},
};

pub use city::{City, ImportOutcome, PackSource};
pub use dossier::{Dossier, Receipt};
pub use emergency::{Fix, SosMessage};
pub use error::{Error, Problem, Result};
pub use geo::Ward;
pub use i18n::{Lang, Texts};
pub use mycity_protocol as protocol;
pub use pack::{Category, CityPack, Hotline, HotlineKind, LatLon, Localized, Place};
pub use reports::{
    Answer, ClipStatus, Contact, Draft, Nearby, PhotoAdded, PlaceSource, Report, ReportStatus, Service, Status,
    StatusChange,
};
pub use sync::{Flush, ListenerHandle, Refresh, Subscription, SyncEvent, SyncListener, SyncPolicy, SyncState};

use crate::{api::Api, geo::WardIndex, store::Store, sync::machine::Signal};

/// How to open the core.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Directory for the database (created if missing).
    pub data_dir: PathBuf,
    /// A server to use for every city, over anything else (the desktop demo
    /// server, a staging server, a test server).
    pub server_url: Option<String>,
    /// The server this build uses when neither the person nor the city's pack
    /// names one (a phone build's `MYCITY_SERVER_URL`).
    pub default_server: Option<String>,
    /// The Open311 `api_key` the city gave this app; `None` uses the
    /// reference server's demo key.
    pub open311_key: Option<String>,
    /// Longest wait for one server request; `None` means [`api::DEFAULT_TIMEOUT`].
    pub timeout: Option<std::time::Duration>,
    /// How often the sync engine checks for news.
    pub sync: SyncPolicy,
}

/// Where a desktop keeps MyCity's data: `$XDG_DATA_HOME/mycity`, else
/// `~/.local/share/mycity`; `None` when neither is known. The app and
/// `mycity-cli` both use it, so the command line sees the app's data.
pub fn desktop_data_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .map(|d| d.join("mycity"))
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

/// Where the server in use comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerOrigin {
    /// Given when the app was started (`--server`, a test).
    Override,
    /// Chosen by the person in Settings.
    Chosen,
    /// Named by the city's pack.
    Pack,
    /// This build's default.
    BuildDefault,
}

/// The server a city talks to: the first of the override, the person's
/// choice, the city's pack and the build's default; `None` when none is set.
pub fn server_choice(
    override_url: Option<&str>,
    chosen: Option<&str>,
    pack: Option<&str>,
    build_default: Option<&str>,
) -> Option<(String, ServerOrigin)> {
    [
        (override_url, ServerOrigin::Override),
        (chosen, ServerOrigin::Chosen),
        (pack, ServerOrigin::Pack),
        (build_default, ServerOrigin::BuildDefault),
    ]
    .into_iter()
    .find_map(|(url, origin)| url.filter(|u| !u.trim().is_empty()).map(|u| (u.trim().to_owned(), origin)))
}

/// What the Settings screen shows about data and sync.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyncStatus {
    /// Pack version in use.
    pub pack_version: i64,
    /// Where the pack came from.
    pub source: PackSource,
    /// Last time the server confirmed the pack (unix seconds).
    pub checked_at: Option<i64>,
    /// The last failed pack check.
    pub last_error: Option<String>,
    /// When the categories were last fetched from the server (unix seconds).
    pub services_fetched_at: Option<i64>,
    /// The server the city talks to, if any.
    pub server: Option<String>,
    /// Where that server comes from.
    pub server_origin: Option<ServerOrigin>,
    /// The sync engine's state.
    pub engine: SyncState,
}

struct State {
    city: String,
    lang: Lang,
}

/// What the core holds; [`MyCity`] is a cheap handle to it.
pub(crate) struct Inner {
    store: Store,
    config: Config,
    state: RwLock<State>,
    wards: Mutex<Option<(String, Arc<WardIndex>)>>,
    clients: Mutex<HashMap<String, Api>>,
    sync: sync::engine::Engine,
    tiles: tiles::Caches,
    account: account::Session,
}

/// The core, opened on one data directory. Cheap to clone (every clone is
/// the same core). Reads and intents are synchronous and short; network
/// calls are `async` and need a tokio runtime.
#[derive(Clone)]
pub struct MyCity {
    inner: Arc<Inner>,
}

const DB_FILE: &str = "mycity.sqlite";
const KEY_CITY: &str = "city";
const KEY_LANG: &str = "lang";
const KEY_BUNDLE: &str = "bundle-fingerprint";
const KEY_DEVICE: &str = "device-id";
const KEY_SERVER: &str = "server-url";

impl MyCity {
    /// Opens the core: creates the data directory and database if needed,
    /// imports bundled packs that are missing or outdated, and restores the
    /// chosen city and language.
    pub fn open(config: Config) -> Result<MyCity> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", config.data_dir.display())))?;
        private_files::restrict(&config.data_dir, &config.data_dir.join(DB_FILE))?;
        let store = Store::open(&config.data_dir.join(DB_FILE))?;
        let core = MyCity::with_store(store, config)?;
        // Before any draft of this run holds a clip: what no report holds now is abandoned.
        match core.sweep_clips() {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "abandoned clips removed"),
            Err(e) => tracing::warn!("abandoned clips not swept: {e}"),
        }
        Ok(core)
    }

    /// Opens the core on an already opened store (tests, benchmarks).
    pub fn with_store(store: Store, config: Config) -> Result<MyCity> {
        for url in [&config.server_url, &config.default_server].into_iter().flatten() {
            api::normalize_url(url)?;
        }
        import_bundled(&store)?;
        let mut city = store.setting(KEY_CITY)?.unwrap_or_else(|| pack::DEFAULT_CITY.to_owned());
        if store.read(|c| city::etag(c, &city))?.is_none() {
            tracing::warn!(city, "remembered city is not in the store; using the default");
            city = pack::DEFAULT_CITY.to_owned();
        }
        let lang = store.setting(KEY_LANG)?.map(|l| Lang::parse(&l)).unwrap_or_default();
        let sync = sync::engine::Engine::new(config.sync);
        let account = account::Session::open(&config.data_dir);
        Ok(MyCity {
            inner: Arc::new(Inner {
                store,
                config,
                state: RwLock::new(State { city, lang }),
                wards: Mutex::new(None),
                clients: Mutex::new(HashMap::new()),
                sync,
                tiles: Default::default(),
                account,
            }),
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.config.data_dir
    }

    fn state(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The current city's slug.
    pub fn city_slug(&self) -> String {
        self.state().city.clone()
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.state().lang
    }

    /// Switches language (remembered across restarts).
    pub fn set_lang(&self, lang: Lang) -> Result<()> {
        self.inner.store.set_setting(KEY_LANG, lang.code())?;
        self.inner.state.write().unwrap_or_else(|p| p.into_inner()).lang = lang;
        // The city's categories and questions come from its server per language.
        self.inner.sync.signal(Signal::CitySwitched);
        Ok(())
    }

    /// The UI strings of the current language.
    pub fn texts(&self) -> Texts {
        let texts = Texts::new(self.lang());
        match self.city() {
            Ok(city) => texts.with_offset(city.utc_offset()),
            Err(_) => texts,
        }
    }

    /// The current city.
    pub fn city(&self) -> Result<City> {
        let slug = self.city_slug();
        self.inner.store.read(|c| city::load(c, &slug))?.ok_or(Error::UnknownCity(slug))
    }

    /// The cities the user can switch to (all stored packs; bundled ones first, in their order).
    pub fn cities(&self) -> Result<Vec<CityChoice>> {
        let mut out = self.inner.store.read(city::choices)?;
        let rank = |s: &str| pack::CITY_SLUGS.iter().position(|b| *b == s).unwrap_or(usize::MAX);
        out.sort_by(|a, b| rank(&a.slug).cmp(&rank(&b.slug)).then(a.slug.cmp(&b.slug)));
        Ok(out)
    }

    /// Switches to another city (remembered across restarts); unknown slugs
    /// are refused. The sync engine then fetches the city's newest pack, its
    /// categories and the news about my reports there.
    pub fn set_city(&self, slug: &str) -> Result<City> {
        let city =
            self.inner.store.read(|c| city::load(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
        self.inner.store.set_setting(KEY_CITY, slug)?;
        self.inner.state.write().unwrap_or_else(|p| p.into_inner()).city = slug.to_owned();
        self.inner.sync.signal(Signal::CitySwitched);
        Ok(city)
    }

    /// Everything the home screen shows.
    pub fn home(&self) -> Result<Home> {
        let slug = self.city_slug();
        self.inner.store.read(|c| {
            let city = city::load(c, &slug)?.ok_or_else(|| Error::UnknownCity(slug.clone()))?;
            let hotlines = emergency::home_lines(&emergency::hotlines(c, &slug)?);
            Ok(Home {
                city,
                hotlines,
                featured: tourism::featured(c, &slug, 6)?,
                place_count: tourism::count(c, &slug)?,
                categories: reports::store::categories(c, &slug)?,
            })
        })
    }

    /// All the city's phone lines, most urgent first.
    pub fn hotlines(&self) -> Result<Vec<Hotline>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| emergency::hotlines(c, &slug))
    }

    /// The city's report categories from its pack.
    pub fn categories(&self) -> Result<Vec<Category>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| reports::store::categories(c, &slug))
    }

    /// Searches the city's places (folded: "dong van" finds "Đồng Văn").
    pub fn search_places(&self, query: &str, limit: usize) -> Result<Vec<Place>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| tourism::search(c, &slug, query, limit))
    }

    /// What the places list shows for `query`: the city's best sights while
    /// nothing is typed, else the folded search.
    pub fn browse_places(&self, query: &str, limit: usize) -> Result<Vec<Place>> {
        if query.trim().is_empty() {
            let slug = self.city_slug();
            return self.inner.store.read(|c| tourism::featured(c, &slug, limit));
        }
        self.search_places(query, limit)
    }

    /// The city's places within `radius_m` of `at`, nearest first.
    pub fn places_near(&self, at: LatLon, radius_m: f64, limit: usize) -> Result<Vec<tourism::NearPlace>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| tourism::near(c, &slug, at, radius_m, limit))
    }

    /// The place whose QR plate carries `qr_id`.
    pub fn place_by_qr(&self, qr_id: &str) -> Result<Option<Place>> {
        self.inner.store.read(|c| tourism::by_qr(c, qr_id))
    }

    /// The ward or commune at `p`, or `None` outside every ward of the city.
    pub fn ward_at(&self, p: LatLon) -> Result<Option<Ward>> {
        Ok(self.ward_index()?.locate(p).cloned())
    }

    /// The outlines of the city's wards, for the map.
    pub fn ward_shapes(&self) -> Result<Vec<geo::WardShape>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| geo::shapes(c, &slug, None))
    }

    /// The outlines of the city's wards that show in `view`, for a map zoomed in.
    pub fn ward_shapes_in(&self, view: pack::BBox) -> Result<Vec<geo::WardShape>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| geo::shapes(c, &slug, Some(view)))
    }

    fn ward_index(&self) -> Result<Arc<WardIndex>> {
        let slug = self.city_slug();
        let mut cache = self.inner.wards.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((s, idx)) = cache.as_ref() {
            if *s == slug {
                return Ok(idx.clone());
            }
        }
        let idx = Arc::new(self.inner.store.read(|c| WardIndex::load(c, &slug))?);
        *cache = Some((slug, idx.clone()));
        Ok(idx)
    }

    fn forget_wards(&self, slug: &str) {
        let mut cache = self.inner.wards.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().is_some_and(|(s, _)| s == slug) {
            *cache = None;
        }
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
    /// A malformed pack is refused and the pack in use stays. CPU-heavy for a
    /// big pack: call it off the UI thread.
    pub fn import_pack(&self, json: &str, source: PackSource) -> Result<ImportOutcome> {
        self.install(&CityPack::parse(json)?, source, None)
    }

    /// Imports a pack from a file: either the wire form, or a pack directory
    /// holding `pack.json` and `wards.geojson`.
    pub fn import_pack_path(&self, path: &Path) -> Result<ImportOutcome> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::Io(format!("{}: {e}", p.display())));
        let json = if path.is_dir() { protocol::transit::combine_dir(path)? } else { read(path)? };
        self.import_pack(&json, PackSource::File)
    }

    /// Stores a parsed pack and forgets what was cached of the old one.
    pub(crate) fn install(&self, pack: &CityPack, source: PackSource, etag: Option<&str>) -> Result<ImportOutcome> {
        let outcome = city::import(&self.inner.store, pack, source, etag)?;
        if !matches!(outcome, ImportOutcome::Unchanged { .. }) {
            self.forget_wards(&pack.slug);
            drop(self.inner.store.maintain());
        }
        Ok(outcome)
    }

    /// Data and sync state of the current city.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let city = self.city()?;
        let server = self.server_for(&city);
        Ok(SyncStatus {
            pack_version: city.version,
            source: city.source,
            checked_at: city.checked_at,
            last_error: city.last_error.clone(),
            services_fetched_at: self
                .inner
                .store
                .read(|c| reports::store::services_fetched_at(c, &city.slug, self.lang().code()))?,
            server_origin: server.as_ref().map(|s| s.1),
            server: server.map(|s| s.0),
            engine: sync::engine::state(self)?,
        })
    }

    /// Chooses the server every city talks to (`None` goes back to the
    /// city's own or the build's default). The URL is checked first.
    pub fn set_server(&self, url: Option<&str>) -> Result<()> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => self.inner.store.set_setting(KEY_SERVER, &api::normalize_url(u)?)?,
            None => self.inner.store.clear_setting(KEY_SERVER)?,
        }
        // A new server: fetch the city from it, and send what waited for one.
        self.inner.sync.signal(Signal::CitySwitched);
        self.inner.sync.signal(Signal::Queued);
        Ok(())
    }

    fn server_for(&self, city: &City) -> Option<(String, ServerOrigin)> {
        let chosen = self.inner.store.setting(KEY_SERVER).ok().flatten();
        let config = &self.inner.config;
        server_choice(
            config.server_url.as_deref(),
            chosen.as_deref(),
            city.server_url.as_deref(),
            config.default_server.as_deref(),
        )
    }

    /// The client for the server of city `slug`.
    pub(crate) fn api_for(&self, slug: &str) -> Result<Api> {
        let city =
            self.inner.store.read(|c| city::load(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
        let (url, _) = self.server_for(&city).ok_or(Error::NoServer)?;
        let mut clients = self.inner.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(api) = clients.get(&url) {
            return Ok(api.clone());
        }
        let api = Api::new(&url, self.inner.config.timeout.unwrap_or(api::DEFAULT_TIMEOUT))?;
        clients.insert(url, api.clone());
        Ok(api)
    }

    pub(crate) fn open311_key(&self) -> String {
        self.inner.config.open311_key.clone().unwrap_or_else(|| DEMO_OPEN311_KEY.to_owned())
    }

    /// Asks the city's server for a newer pack and the current categories now.
    /// Out of reach, the stored pack stays in use ([`Refresh::Unreachable`]).
    pub async fn refresh_city(&self) -> Result<Refresh> {
        sync::engine::refresh_city(self).await
    }

    /// The city's report categories with their questions (the server's once
    /// it has been reached, else the pack's).
    pub fn services(&self) -> Result<Vec<Service>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| reports::store::services(c, &slug, self.lang().code()))
    }

    /// Prepares a photo as picked (JPEG/PNG/WebP straight from the camera or a
    /// file): upright, ≤ 1600 px, metadata stripped, with a thumbnail and the
    /// photo's own GPS position (read before it is stripped). CPU-heavy: the
    /// async [`MyCity::prepare_photo_async`] runs it off the caller's thread.
    pub fn prepare_photo(&self, raw: &[u8]) -> Result<photos::Processed> {
        photos::process(raw)
    }

    /// [`MyCity::prepare_photo`] on a blocking thread, for async callers.
    pub async fn prepare_photo_async(&self, raw: Vec<u8>) -> Result<photos::Processed> {
        tokio::task::spawn_blocking(move || photos::process(&raw))
            .await
            .map_err(|e| Problem::new("photo-encode", format!("photo preparation stopped: {e}")).field("photos"))?
    }

    /// Sets a prepared clip on a draft; a clip filmed inside the city places
    /// a report that has no place yet (see [`Draft::set_clip`]).
    pub fn set_clip(&self, draft: &mut Draft, clip: clips::StoredClip) -> Result<PhotoAdded> {
        Ok(draft.set_clip(clip, &self.city()?.bbox))
    }

    /// Adds a prepared photo to a draft; a photo taken inside the city places
    /// a report that has no place yet (see [`Draft::add_photo`]).
    pub fn add_photo(&self, draft: &mut Draft, photo: photos::Processed) -> Result<PhotoAdded> {
        draft.add_photo(photo, &self.city()?.bbox)
    }

    /// Answers a date-time question with a picker's local value, in the city's time zone.
    pub fn answer_datetime(&self, draft: &mut Draft, code: &str, local: &str) -> Result<()> {
        if local.trim().is_empty() {
            draft.answer(code, "");
            return Ok(());
        }
        let value = reports::local_datetime(local, self.city()?.utc_offset())?;
        draft.answer(code, &value);
        Ok(())
    }

    /// Everything that stops `draft` from being sent, in the form's order,
    /// so each field can be flagged at once; empty when it may be sent.
    pub fn report_problems(&self, draft: &Draft) -> Result<Vec<Problem>> {
        Ok(reports::problems(draft, &self.services()?, &self.city()?.bbox))
    }

    /// Checks a draft and queues it for sending (report and outbox row in one
    /// transaction); returns the report's id. Nothing is queued if the draft
    /// is refused, and the error says what to fix. The sync engine sends it
    /// as soon as it can.
    pub fn submit_report(&self, draft: &Draft) -> Result<String> {
        let city = self.city()?;
        let services = self.services()?;
        let at = reports::validate(draft, &services, &city.bbox)?;
        let ward = self.ward_at(at)?.map(|w| w.name.vi);
        let id = self
            .inner
            .store
            .write(|tx| reports::store::queue(tx, &city.slug, draft, at, ward.as_deref(), city::now()))?;
        self.queued();
        Ok(id)
    }

    fn queued(&self) {
        self.inner.sync.signal(Signal::Queued);
        let waiting = self.waiting().unwrap_or(0);
        self.inner.sync.emit(SyncEvent::OutboxChanged { sent: 0, rejected: 0, waiting });
    }

    /// Sends what waits in the outbox now and returns what happened. Safe to
    /// call at any time: flushes run one at a time, and a flush whose caller
    /// stops waiting (a dropped future) leaves nothing behind but sends that
    /// go again, with the same key, on the next flush.
    pub async fn flush_outbox(&self) -> Result<Flush> {
        sync::engine::flush(self).await
    }

    /// Open reports of the same category near `at` (within
    /// [`reports::NEARBY_RADIUS_M`]), nearest first, so the person can say
    /// "me too" instead of reporting it again. Needs the network; offline the
    /// error says so and the report can still be made.
    pub async fn nearby_open(&self, service_code: &str, at: LatLon) -> Result<Vec<Nearby>> {
        let slug = self.city_slug();
        let list = self.api_for(&slug)?.open_requests(&slug, service_code).await?;
        Ok(reports::nearby(&list, at))
    }

    /// Queues "me too" (or any comment) on an existing report by its Open311 id.
    pub fn me_too(&self, server_id: &str, comment: &str) -> Result<String> {
        let slug = self.city_slug();
        let id = self
            .inner
            .store
            .write(|tx| reports::store::queue_update(tx, &slug, server_id, Status::Open, comment, None, city::now()))?;
        self.queued();
        Ok(id)
    }

    /// Reopens one of my reports that the city marked fixed but is not, with a
    /// comment and optionally a prepared photo.
    pub fn reopen(&self, report_id: &str, comment: &str, photo: Option<&[u8]>) -> Result<String> {
        let slug = self.city_slug();
        let id =
            self.inner.store.write(|tx| reports::store::reopen(tx, &slug, report_id, comment, photo, city::now()))?;
        self.queued();
        Ok(id)
    }

    /// Answers "is it really fixed?" and "how satisfied are you with how the
    /// city handled it?" (1–5; 0 when not chosen) on one of my reports the city called done, or
    /// changes them within [`reports::feedback::CHANGE_WINDOW_DAYS`]. A "no"
    /// also reopens the report, with the comment (or a line saying the
    /// reporter finds it not fixed) and the optional prepared photo. The
    /// answers are queued before the reopen, so the city hears them while
    /// the report is still done. Returns the answers' id.
    pub fn give_feedback(
        &self,
        report_id: &str,
        fixed: Option<bool>,
        rating: u8,
        comment: &str,
        photo: Option<&[u8]>,
    ) -> Result<String> {
        let slug = self.city_slug();
        let now = city::now();
        let reopen_text =
            if comment.trim().is_empty() { self.texts().get("feedback-not-fixed-comment") } else { comment.to_owned() };
        let id = self.inner.store.write(|tx| {
            let (id, fixed) = reports::feedback::queue(tx, &slug, report_id, fixed, rating, comment, now)?;
            if !fixed {
                reports::store::reopen(tx, &slug, report_id, &reopen_text, photo, now)?;
            }
            Ok(id)
        })?;
        self.queued();
        Ok(id)
    }

    /// "Not now": the report's card stops asking whether it is really fixed.
    pub fn dismiss_feedback(&self, report_id: &str) -> Result<()> {
        self.inner.store.write(|tx| reports::feedback::dismiss(tx, report_id, city::now()))
    }

    /// Every send in the outbox, in send order, with where it stands.
    pub fn outbox(&self) -> Result<Vec<sync::outbox::Item>> {
        self.inner.store.read(sync::outbox::list)
    }

    /// How many sends wait in the outbox, in every city.
    pub fn waiting(&self) -> Result<usize> {
        self.inner.store.read(sync::outbox::waiting)
    }

    /// The current city's reports, newest first, with their timelines.
    pub fn my_reports(&self) -> Result<Vec<Report>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| reports::store::list(c, &slug, self.lang().code()))
    }

    /// How many of the city's answers to my reports (current city) I have not seen yet.
    pub fn report_news(&self) -> Result<usize> {
        let slug = self.city_slug();
        self.inner.store.read(|c| reports::store::unseen(c, &slug))
    }

    /// The person has looked at their reports: the city's updates are no longer news.
    pub fn mark_reports_seen(&self) -> Result<usize> {
        let slug = self.city_slug();
        self.inner.store.write(|tx| reports::store::mark_seen(tx, &slug))
    }

    /// Checks the city's answers to my reports now; returns what changed.
    pub async fn refresh_reports(&self) -> Result<Vec<StatusChange>> {
        sync::engine::refresh_reports(self).await
    }

    /// Starts the sync engine on the current tokio runtime (once; later calls
    /// do nothing). It runs until the last handle to this core is dropped.
    pub fn start_sync(&self) -> Result<()> {
        sync::engine::start(self)
    }

    /// A stream of what the sync engine changes; dropping it unsubscribes.
    pub fn subscribe(&self) -> Subscription {
        self.inner.sync.subscribe()
    }

    /// Calls `listener` for every change until the returned handle is dropped.
    pub fn listen(&self, listener: Box<dyn SyncListener>) -> Result<ListenerHandle> {
        let rt =
            tokio::runtime::Handle::try_current().map_err(|_| Error::Io("listening needs a tokio runtime".into()))?;
        Ok(ListenerHandle::spawn(&rt, self.subscribe(), listener))
    }

    /// The app came to the front (`true`) or went to the back: in front it
    /// checks for news at once and then on its schedule; behind, it only sends.
    pub fn set_foreground(&self, front: bool) {
        self.inner.sync.signal(Signal::Foreground(front));
    }

    /// The device's network came back or changed (`true`), or went away.
    /// Up after being away, or on a new network, every send waiting for a
    /// retry goes at once instead of waiting out its backoff; repeats within
    /// a few seconds ([`sync::machine::NETWORK_UP_GAP_S`]) and "offline"
    /// twice change nothing, so a platform may call this on every network event.
    pub fn network_changed(&self, online: bool) -> Result<()> {
        if !online {
            if self.inner.sync.is_online() {
                self.inner.sync.signal(Signal::Online(false));
            }
            return Ok(());
        }
        let now = city::now();
        if !self.inner.sync.network_up_due(now) {
            return Ok(());
        }
        // The sends become due before the engine wakes to flush them.
        sync::engine::network_back(self)?;
        self.inner.sync.signal(Signal::NetworkUp { now });
        Ok(())
    }

    /// A random id for this installation, sent as Open311 `device_id`.
    pub(crate) fn device_id(&self) -> Result<String> {
        if let Some(id) = self.inner.store.setting(KEY_DEVICE)? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.inner.store.set_setting(KEY_DEVICE, &id)?;
        Ok(id)
    }

    /// The store, for other crates' tests and the benchmarks.
    pub fn store(&self) -> &Store {
        &self.inner.store
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
    for b in protocol::packs::BUNDLED {
        // A broken bundled pack must not stop the app: the other cities still work.
        match b.wire().map_err(Error::from).and_then(|w| CityPack::parse(&w)) {
            Ok(p) => {
                city::import(store, &p, PackSource::Bundled, None)?;
            }
            Err(e) => tracing::error!(slug = b.slug, %e, "bundled pack is invalid"),
        }
    }
    // The bundle is small: tidy up now rather than race the first screen.
    store.maintain().join().map_err(|_| Error::Storage("maintenance thread panicked".into()))??;
    store.set_setting(KEY_BUNDLE, &fingerprint)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A core on a fresh temporary data directory, with no server.
    pub(crate) fn open() -> (tempfile::TempDir, MyCity) {
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
        assert!(matches!(core.search_places("   ", 10), Err(Error::Invalid(_))));
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

    #[test]
    fn browsing_shows_the_best_sights_until_something_is_typed() {
        let (_d, core) = open();
        let featured = core.browse_places("  ", 5).unwrap();
        assert_eq!(featured, core.home().unwrap().featured[..5]);
        assert!(core.browse_places("lung cu", 5).unwrap()[0].name.vi.contains("Lũng Cú"));
        assert!(core.browse_places(",,", 5).is_err(), "punctuation alone is not a search");
    }

    #[test]
    fn places_near_a_point_come_nearest_first_within_the_radius() {
        let (_d, core) = open();
        let first = core.home().unwrap().featured[0].clone();
        let at = LatLon { lat: first.lat, lon: first.lon };
        let near = core.places_near(at, 20_000.0, 10).unwrap();
        assert_eq!(near[0].place.id, first.id);
        assert!(near.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        assert!(near.iter().all(|n| n.distance_m <= 20_000.0));
        assert!(core.places_near(at, -1.0, 10).is_err());
    }

    #[test]
    fn a_zoomed_map_reads_only_the_wards_in_view() {
        let (_d, core) = open();
        core.set_city("da-nang").unwrap();
        let all = core.ward_shapes().unwrap();
        let c = core.city().unwrap().center;
        let view = pack::BBox {
            min_lat: c.lat - 0.002,
            min_lon: c.lon - 0.002,
            max_lat: c.lat + 0.002,
            max_lon: c.lon + 0.002,
        };
        let some = core.ward_shapes_in(view).unwrap();
        assert!(!some.is_empty() && some.len() < all.len(), "{} of {}", some.len(), all.len());
        let here = core.ward_at(c).unwrap().unwrap();
        assert!(some.iter().any(|s| s.ward == here));
    }

    #[test]
    fn the_server_comes_from_the_strongest_source_and_a_bad_url_is_refused() {
        assert_eq!(server_choice(None, None, None, None), None);
        let s = server_choice(None, Some(" "), Some("https://city.vn"), Some("https://default.vn"));
        assert_eq!(s, Some(("https://city.vn".into(), ServerOrigin::Pack)));
        let s = server_choice(Some("http://127.0.0.1:9"), Some("https://mine.vn"), None, None);
        assert_eq!(s, Some(("http://127.0.0.1:9".into(), ServerOrigin::Override)));
        let s = server_choice(None, Some("https://mine.vn"), Some("https://city.vn"), None);
        assert_eq!(s.unwrap().1, ServerOrigin::Chosen);

        let (_d, core) = open();
        assert_eq!(core.sync_status().unwrap().server, None);
        assert!(core.set_server(Some("mycity.vn")).is_err());
        core.set_server(Some("https://mycity.hagiang.gov.vn/")).unwrap();
        let status = core.sync_status().unwrap();
        assert_eq!(status.server.as_deref(), Some("https://mycity.hagiang.gov.vn"));
        assert_eq!(status.server_origin, Some(ServerOrigin::Chosen));
        core.set_server(None).unwrap();
        assert_eq!(core.sync_status().unwrap().server, None);
    }

    #[tokio::test]
    async fn refresh_without_server_says_so() {
        let (_d, core) = open();
        assert!(matches!(core.refresh_city().await, Err(Error::NoServer)));
    }
}
