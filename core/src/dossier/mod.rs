//! Dossiers (hồ sơ): receipt codes of the one-stop system, look-ups with the
//! receipt's secret and an offline cache, the watch list the sync engine
//! refreshes with conditional requests, and the procedure catalogue,
//! searchable offline.
//!
//! The last known state of a dossier always shows at once, with its age; a
//! look-up then refreshes it. The secret is kept only for watched dossiers,
//! which the sync engine asks about with `If-None-Match`, so an unchanged
//! dossier costs a 304. A change of status is kept as a timeline entry and
//! announced as [`SyncEvent::DossierNews`] with the new step's text.

pub mod code;
pub mod fee;
pub mod logic;
pub mod receipt;
pub(crate) mod store;

use mycity_protocol::dossier::{DossierReply, DossierStatus, Procedure};
use serde::Serialize;

pub use self::{
    code::{check_code, check_secret},
    fee::Fee,
    logic::{Change, Standing},
    receipt::Receipt,
};
use crate::{
    api::Catalogue,
    city,
    dossier::logic::{Action, Answer},
    Error, MyCity, Problem, Result, SyncEvent, Texts,
};

/// A catalogue older than this is downloaded again by the sync engine.
pub const CATALOGUE_MAX_AGE_S: i64 = 24 * 3600;

/// A dossier as the Hồ sơ screen shows it: the last known reply, where it
/// stands, how old the knowledge is, and what the app saw change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dossier {
    /// What the one-stop system said last.
    pub reply: DossierReply,
    /// The status's label in the person's language.
    pub status_label: String,
    /// On time, overdue (derived from the appointment date) or closed.
    pub standing: Standing,
    /// The appointment date, unix seconds.
    pub appointment: Option<i64>,
    /// When the server last confirmed this (unix seconds).
    pub fetched_at: i64,
    /// How old that is, in seconds.
    pub age_s: i64,
    /// Watched (the sync engine keeps it current).
    pub watched: bool,
    /// Changes the person has not looked at.
    pub unseen: i64,
    /// Changes the app saw, oldest first.
    pub seen_changes: Vec<SeenChange>,
    /// The fee to pay and its VietQR (status 6, when the server says where to pay).
    pub fee: Option<Fee>,
}

/// A change the app saw, as a timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeenChange {
    /// The new status.
    pub status: DossierStatus,
    /// Its label.
    pub label: String,
    /// The step's note.
    pub note: String,
    /// When the app saw it (unix seconds).
    pub at: i64,
}

/// A field of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Its name (lĩnh vực).
    pub name: String,
    /// How many procedures it has.
    pub count: i64,
}

/// What a catalogue refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatalogueRefresh {
    /// Procedures stored (0 when unchanged).
    pub stored: usize,
    /// The server's copy equalled ours.
    pub unchanged: bool,
}

/// What one refresh of the watch list did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WatchRefresh {
    /// Changes, oldest first.
    pub changes: Vec<Change>,
    /// Dossiers asked about.
    pub asked: usize,
    /// Of those, how many the server confirmed unchanged (HTTP 304).
    pub not_modified: usize,
}

/// The label of a status in the person's language.
pub fn status_label(t: &Texts, s: DossierStatus) -> String {
    t.get(&format!("dossier-status-{}", s.code()))
}

/// One line about a change: "Yêu cầu bổ sung giấy tờ: Thiếu bản sao CCCD (Bản sao căn cước công dân)".
pub fn notice(t: &Texts, c: &Change) -> String {
    let mut note = c.note.clone();
    if !c.missing_papers.is_empty() {
        note = format!("{note} ({})", c.missing_papers.join(", "));
    }
    if let Some(price) = t.ticket(c.amount_vnd) {
        note = format!("{note} — {price}");
    }
    t.args("notice-dossier", &[("code", &c.code), ("status", &status_label(t, c.status)), ("note", &note)])
}

/// What one conditional request did to the store.
enum Fetch {
    /// A fresh copy was stored, with the change it brought.
    Stored(Option<Change>),
    /// The server confirmed the stored copy.
    NotModified,
}

/// The secret given, checked, or else the one stored for a watched dossier.
fn secret_or_stored(given: Option<&str>, stored: Option<&store::Row>) -> Result<String> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => check_secret(s),
        None => stored.and_then(|r| r.secret.clone()).ok_or_else(|| {
            Error::from(
                Problem::new("dossier-secret", "the receipt's secret is needed")
                    .field("secret")
                    .arg("min", 4)
                    .arg("max", 12),
            )
        }),
    }
}

fn not_found() -> Error {
    Problem::new("dossier-not-found", "no dossier with this code and secret").field("code").into()
}

impl MyCity {
    fn dossier_view(&self, city: &str, row: store::Row) -> Result<Dossier> {
        let t = self.texts();
        let now = city::now();
        let appointment = row.reply.appointment_at.as_deref().and_then(city::unix);
        let seen_changes = self
            .inner
            .store
            .read(|c| store::changes(c, city, &row.reply.code))?
            .into_iter()
            .map(|(status, note, at)| SeenChange { status, label: status_label(&t, status), note, at })
            .collect();
        Ok(Dossier {
            status_label: status_label(&t, row.reply.status),
            standing: logic::standing(row.reply.status, appointment, now),
            appointment,
            fetched_at: row.fetched_at,
            age_s: (now - row.fetched_at).max(0),
            watched: row.watched,
            unseen: row.unseen,
            seen_changes,
            fee: fee::fee(&t, &row.reply),
            reply: row.reply,
        })
    }

    /// Checks and normalises a dossier code against the city's format and
    /// today's date, offline. The error says what was expected, with the city's example.
    pub fn check_dossier_code(&self, input: &str) -> Result<String> {
        let city = self.city()?;
        let today = time::OffsetDateTime::now_utc().to_offset(city.utc_offset()).date();
        code::check_code(&city.dossier, input, today)
    }

    /// Reads a receipt's text (a scanned QR, a pasted link or message): the
    /// checked code, and the secret if the receipt carries one.
    pub fn parse_receipt(&self, text: &str) -> Result<Receipt> {
        let r = receipt::parse(text);
        let code = self.check_dossier_code(&r.code)?;
        Ok(Receipt { code, secret: r.secret.filter(|s| check_secret(s).is_ok()) })
    }

    /// Reads a receipt from a photo or picture of it: decodes its QR codes
    /// ([`crate::qr::decode`]) and takes the first that carries a valid
    /// dossier code, with the secret if the QR has it. CPU-heavy: call it off
    /// the UI thread.
    pub fn scan_receipt(&self, image: &[u8]) -> Result<Receipt> {
        let found = crate::qr::decode(image)?;
        if found.is_empty() {
            return Err(Problem::new("receipt-no-qr", "no QR code found in the picture").field("receipt").into());
        }
        let mut refused = None;
        for text in &found {
            match self.parse_receipt(text) {
                Ok(r) => return Ok(r),
                Err(e) => refused = refused.or(Some(e)),
            }
        }
        tracing::debug!(?refused, "QR codes without a dossier code");
        Err(Problem::new("receipt-not-dossier", "the QR code does not carry a dossier code")
            .field("receipt")
            .arg("text", found[0].chars().take(60).collect::<String>())
            .into())
    }

    /// [`MyCity::scan_receipt`] on a worker thread, for screens: the picture
    /// arrives as a file picker or camera gave it.
    pub async fn scan_receipt_async(&self, image: Vec<u8>) -> Result<Receipt> {
        let core = self.clone();
        tokio::task::spawn_blocking(move || core.scan_receipt(&image)).await.map_err(|e| {
            Error::from(Problem::new("receipt-no-qr", format!("receipt scan stopped: {e}")).field("receipt"))
        })?
    }

    /// A printable receipt (PNG) for a dossier: code, secret and the QR that
    /// carries both, as the demo receipts and tests use. The code and secret
    /// are checked as a look-up checks them.
    pub fn receipt_png(&self, code: &str, secret: &str, procedure: &str) -> Result<Vec<u8>> {
        let code = self.check_dossier_code(code)?;
        let secret = check_secret(secret)?;
        receipt::png(&code, &secret, procedure)
    }

    /// The last known state of a dossier, offline, with its age; `None` if never seen.
    pub fn dossier_cached(&self, code: &str) -> Result<Option<Dossier>> {
        let code = self.check_dossier_code(code)?;
        let slug = self.city_slug();
        match self.inner.store.read(|c| store::get(c, &slug, &code))? {
            Some(row) => Ok(Some(self.dossier_view(&slug, row)?)),
            None => Ok(None),
        }
    }

    /// Asks the city's one-stop system about a dossier. The secret may be left
    /// out for a watched dossier (its stored one is used) and, signed in, for
    /// the person's own dossiers (the server knows them by the account). A wrong code or
    /// secret leaves the cache untouched; offline, the error says so and
    /// [`MyCity::dossier_cached`] still has the last known state.
    pub async fn lookup_dossier(&self, code: &str, secret: Option<&str>) -> Result<Dossier> {
        let code = self.check_dossier_code(code)?;
        let slug = self.city_slug();
        let stored = self.inner.store.read(|c| store::get(c, &slug, &code))?;
        let secret = match secret_or_stored(secret, stored.as_ref()) {
            Ok(s) => s,
            // Signed in, my own dossiers open without the secret (the server
            // checks that the account owns it; anyone else's still needs it).
            Err(_) if self.signed_in_at(&self.api_for(&slug)?) => String::new(),
            Err(e) => return Err(e),
        };
        // A stored copy looked up with another secret must not be confirmed by a 304.
        let same_secret = stored.as_ref().is_some_and(|r| r.secret.as_deref().is_none_or(|s| s == secret));
        let etag = stored.as_ref().filter(|_| same_secret).and_then(|r| r.etag.clone());
        self.fetch_dossier(&slug, &code, &secret, stored.as_ref(), etag, true).await?;
        let row = self.inner.store.read(|c| store::get(c, &slug, &code))?.ok_or_else(not_found)?;
        if row.unseen > 0 {
            self.inner.store.write(|tx| store::mark_seen(tx, &slug, &code))?;
        }
        self.dossier_view(&slug, store::Row { unseen: 0, ..row })
    }

    /// Tells the city's one-stop system the fee of a dossier at status 6 is
    /// transferred (the secret as for [`MyCity::lookup_dossier`]). The
    /// dossier then shows "paid, waiting for the office's confirmation"
    /// ([`Fee::paid_reported`]) until the office moves it on. Saying it twice
    /// changes nothing; a dossier not waiting for a fee is refused by the server.
    pub async fn report_fee_paid(&self, code: &str, secret: Option<&str>) -> Result<Dossier> {
        let code = self.check_dossier_code(code)?;
        let slug = self.city_slug();
        let stored = self.inner.store.read(|c| store::get(c, &slug, &code))?;
        let secret = secret_or_stored(secret, stored.as_ref())?;
        let api = self.api_for(&slug)?;
        let (answer, tag) = api.dossier_paid(&code, &secret, &self.device_id()?).await?;
        let watched = stored.as_ref().is_some_and(|r| r.watched);
        let action = logic::on_answer(stored.as_ref().map(|r| &r.reply), watched, answer.clone(), true);
        self.keep_answer(&slug, &code, action, answer, tag)?;
        let row = self.inner.store.read(|c| store::get(c, &slug, &code))?.ok_or_else(not_found)?;
        self.dossier_view(&slug, row)
    }

    /// One conditional request and what it does to the store; the change, if any.
    async fn fetch_dossier(
        &self,
        slug: &str,
        code: &str,
        secret: &str,
        stored: Option<&store::Row>,
        etag: Option<String>,
        by_person: bool,
    ) -> Result<Fetch> {
        let api = self.api_for(slug)?;
        let device = self.device_id()?;
        let watched = stored.is_some_and(|r| r.watched);
        let stored_reply = stored.map(|r| &r.reply);
        // Signed in, the account goes along (my own dossiers need no secret);
        // a sign-in that cannot be renewed now still leaves the secret to try.
        let bearer = self.bearer_for(&api).await.unwrap_or_default();
        let bearer = bearer.as_deref();
        let (mut answer, mut tag) = api.dossier(code, secret, &device, etag.as_deref(), bearer).await?;
        let mut action = logic::on_answer(stored_reply, watched, answer.clone(), by_person);
        if action == Action::Refetch {
            (answer, tag) = api.dossier(code, secret, &device, None, bearer).await?;
            action = logic::on_answer(stored_reply, watched, answer.clone(), by_person);
        }
        self.keep_answer(slug, code, action, answer, tag)
    }

    /// Does to the store what [`logic::on_answer`] decided about a server's answer.
    fn keep_answer(
        &self,
        slug: &str,
        code: &str,
        action: Action,
        answer: Answer,
        tag: Option<String>,
    ) -> Result<Fetch> {
        let now = city::now();
        match (action, answer) {
            (Action::Store { change, news }, Answer::Fresh(reply)) => {
                self.inner.store.write(|tx| {
                    store::put(tx, slug, &reply, tag.as_deref(), now)?;
                    if let Some(c) = &change {
                        store::add_change(tx, slug, c, news, now)?;
                    }
                    Ok(())
                })?;
                Ok(Fetch::Stored(change))
            }
            (Action::Touch, _) => {
                self.inner.store.write(|tx| store::touch(tx, slug, code, now))?;
                Ok(Fetch::NotModified)
            }
            _ => Err(not_found()),
        }
    }
}

impl MyCity {
    /// Watches a dossier already looked up: the sync engine keeps it current
    /// with its secret (kept only while watched) and announces changes.
    pub fn watch_dossier(&self, code: &str, secret: &str) -> Result<()> {
        let code = self.check_dossier_code(code)?;
        let secret = check_secret(secret)?;
        let slug = self.city_slug();
        if !self.inner.store.write(|tx| store::watch(tx, &slug, &code, Some(&secret)))? {
            return Err(Problem::new("dossier-not-looked-up", "look the dossier up before watching it")
                .field("code")
                .into());
        }
        Ok(())
    }

    /// Stops watching a dossier and forgets its secret; its last state stays readable.
    pub fn unwatch_dossier(&self, code: &str) -> Result<()> {
        let code = self.check_dossier_code(code)?;
        let slug = self.city_slug();
        self.inner.store.write(|tx| store::watch(tx, &slug, &code, None))?;
        Ok(())
    }

    /// The current city's watched dossiers, changed ones first.
    pub fn watched_dossiers(&self) -> Result<Vec<Dossier>> {
        let slug = self.city_slug();
        let rows = self.inner.store.read(|c| store::watched(c, Some(&slug)))?;
        rows.into_iter().map(|(city, row)| self.dossier_view(&city, row)).collect()
    }

    /// How many watched dossiers (current city) changed since the person last looked.
    pub fn dossier_news(&self) -> Result<usize> {
        let slug = self.city_slug();
        self.inner.store.read(|c| store::news(c, &slug))
    }

    /// The person has looked at a dossier: its changes are no longer news.
    pub fn mark_dossier_seen(&self, code: &str) -> Result<()> {
        let code = self.check_dossier_code(code)?;
        let slug = self.city_slug();
        self.inner.store.write(|tx| store::mark_seen(tx, &slug, &code))
    }

    /// Asks about every watched dossier (every city) with conditional
    /// requests; returns the changes, oldest first. A dossier the server no
    /// longer finds keeps its last state. Stops at the first network or server
    /// failure (the next round tries again).
    pub async fn refresh_watched_dossiers(&self) -> Result<WatchRefresh> {
        // Signed in, dossiers registered under the account join the watch list.
        if let Err(e) = self.sync_account_dossiers().await {
            tracing::info!(%e, "the account's dossiers are not fetched this time");
        }
        let rows = self.inner.store.read(|c| store::watched(c, None))?;
        let mut out = WatchRefresh::default();
        for (city, row) in rows {
            // A dossier watched through the account has no secret: it is asked
            // about with the account's bearer only while signed in to its server.
            let secret = match row.secret.clone() {
                Some(s) => s,
                None if self.api_for(&city).is_ok_and(|api| self.signed_in_at(&api)) => String::new(),
                None => continue,
            };
            let etag = row.etag.clone();
            out.asked += 1;
            match self.fetch_dossier(&city, &row.reply.code, &secret, Some(&row), etag, false).await {
                Ok(Fetch::Stored(Some(c))) => out.changes.push(c),
                Ok(Fetch::Stored(None)) => {}
                Ok(Fetch::NotModified) => out.not_modified += 1,
                Err(Error::Invalid(_)) => tracing::info!(code = row.reply.code, "watched dossier no longer found"),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Stores a procedure catalogue obtained elsewhere (a file, a test, a
    /// benchmark) as the current city's, replacing the stored one.
    pub fn import_procedures(&self, list: &[Procedure]) -> Result<usize> {
        let slug = self.city_slug();
        self.inner.store.write(|tx| store::put_catalogue(tx, &slug, list, None, city::now()))
    }

    /// Downloads the current city's procedure catalogue unless the stored one is current.
    pub async fn refresh_procedures(&self) -> Result<CatalogueRefresh> {
        let slug = self.city_slug();
        let etag = self.inner.store.read(|c| store::catalogue_meta(c, &slug))?.and_then(|m| m.0);
        let api = self.api_for(&slug)?;
        let now = city::now();
        match api.procedures(&slug, etag.as_deref()).await? {
            Catalogue::NotModified => {
                self.inner.store.write(|tx| store::touch_catalogue(tx, &slug, now))?;
                Ok(CatalogueRefresh { stored: 0, unchanged: true })
            }
            Catalogue::Body(list, tag) => {
                let stored =
                    self.inner.store.write(|tx| store::put_catalogue(tx, &slug, &list, tag.as_deref(), now))?;
                Ok(CatalogueRefresh { stored, unchanged: false })
            }
        }
    }

    /// When the current city's catalogue was last confirmed (unix seconds); `None` if never downloaded.
    pub fn procedures_fetched_at(&self) -> Result<Option<i64>> {
        let slug = self.city_slug();
        Ok(self.inner.store.read(|c| store::catalogue_meta(c, &slug))?.map(|m| m.1))
    }

    /// Searches the stored catalogue offline, folded ("giay phep xay dung"
    /// finds "Cấp giấy phép xây dựng"); `field` narrows to one field when not
    /// empty; nothing typed lists the field in catalogue order.
    pub fn search_procedures(&self, query: &str, field: &str, limit: usize) -> Result<Vec<Procedure>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| store::search(c, &slug, query, field, limit))
    }

    /// One procedure of the stored catalogue.
    pub fn procedure(&self, code: &str) -> Result<Option<Procedure>> {
        let slug = self.city_slug();
        self.inner.store.read(|c| store::procedure(c, &slug, code.trim()))
    }

    /// The stored catalogue's fields with their counts.
    pub fn procedure_fields(&self) -> Result<Vec<Field>> {
        let slug = self.city_slug();
        let rows = self.inner.store.read(|c| store::fields(c, &slug))?;
        Ok(rows.into_iter().map(|(name, count)| Field { name, count }).collect())
    }
}

/// The sync engine's dossier step, once per check: watched dossiers, then
/// the catalogue when it is a day old. Changes are announced to listeners.
pub(crate) async fn sync_round(core: &MyCity) -> Result<()> {
    let changes = core.refresh_watched_dossiers().await?.changes;
    if let Some(last) = changes.last() {
        let notice = notice(&core.texts(), last);
        core.inner.sync.emit(SyncEvent::DossierNews { changes, notice });
    }
    let fetched = core.procedures_fetched_at()?;
    if fetched.is_none_or(|at| city::now() - at > CATALOGUE_MAX_AGE_S) {
        core.refresh_procedures().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_qr_gives_the_code_and_secret() {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        let example = core.city().unwrap().dossier.example;
        let png = crate::qr::png(&format!("mycity://dossier/{}?s=2468", example.to_lowercase()), 8).unwrap();
        let r = core.scan_receipt(&png).unwrap();
        assert_eq!((r.code.as_str(), r.secret.as_deref()), (example.as_str(), Some("2468")));

        let other = crate::qr::png("https://example.com/menu", 8).unwrap();
        match core.scan_receipt(&other) {
            Err(Error::Invalid(p)) => assert_eq!(p.code, "receipt-not-dossier"),
            e => panic!("{e:?}"),
        }
        assert!(core.scan_receipt(b"not an image").is_err());
    }

    fn problem<T: std::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Err(Error::Invalid(p)) => p.code.to_string(),
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn a_printed_receipt_scans_and_bad_pictures_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        let example = core.city().unwrap().dossier.example;
        let png = core.receipt_png(&example.to_lowercase(), "1357", "Cấp giấy phép xây dựng").unwrap();
        let r = core.scan_receipt(&png).unwrap();
        assert_eq!((r.code.as_str(), r.secret.as_deref()), (example.as_str(), Some("1357")));
        assert_eq!(problem(core.receipt_png(&example, "1", "x")), "dossier-secret");

        // A blank page: a picture, but no code in it.
        let mut blank = Vec::new();
        image::GrayImage::from_pixel(400, 300, image::Luma([250]))
            .write_to(&mut std::io::Cursor::new(&mut blank), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(problem(core.scan_receipt(&blank)), "receipt-no-qr");
        assert_eq!(problem(core.scan_receipt(b"%PDF-1.7 not a picture")), "photo-not-image");
        // A 40 MP picture (its header says 8000×5000) is refused before decoding.
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_GRAYSCALE);
        c.set_size(16, 16);
        let mut c = c.start_compress(Vec::new()).unwrap();
        c.write_scanlines(&[255u8; 256]).unwrap();
        let mut jpeg = c.finish().unwrap();
        let sof = jpeg.windows(2).position(|w| w[0] == 0xFF && matches!(w[1], 0xC0 | 0xC2)).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x13, 0x88, 0x1F, 0x40]);
        assert_eq!(problem(core.scan_receipt(&jpeg)), "photo-too-many-pixels");
        // Every one reads in Vietnamese.
        let t = core.texts();
        assert!(t.error(&core.scan_receipt(&blank).unwrap_err()).contains("QR"));
    }
}
