//! The sync engine's I/O shell: it asks the [`Schedule`] what to do, does it
//! (HTTP through [`crate::api`], SQL through the domain modules), and feeds
//! the outcome back as a [`Signal`]. Every decision is the machine's.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, Weak,
    },
    time::Duration,
};

use tokio::sync::{broadcast, Notify};

use super::{
    machine::{Delivery, NotApplicable, Schedule, SendEvent, Signal, SyncPolicy},
    outbox::{self, Kind, Row},
    Flush, Refresh, SyncEvent, SyncState,
};
use crate::{
    api::{Api, Fetched, Post},
    city::{self, now, ImportOutcome, PackSource},
    reports::{self, store::Outgoing, StatusChange},
    CityPack, Error, Inner, MyCity, Result, Texts,
};

/// How long the loop waits after a flush failed for a reason of its own (the
/// database, not the network), so a persistent fault cannot spin it.
const AFTER_FAULT_S: i64 = 30;

/// What the loop shares with the core without keeping the core alive.
struct Shared {
    schedule: Mutex<Schedule>,
    wake: Notify,
    stopped: AtomicBool,
}

/// The engine's part of the core.
pub(crate) struct Engine {
    shared: Arc<Shared>,
    running: AtomicBool,
    /// Held for the whole of a flush. A tokio mutex: its guard goes when the
    /// flush's future is dropped (an app sent to the background, a reloaded
    /// page), so no later flush ever finds it taken by a flush that is gone.
    flush_lock: tokio::sync::Mutex<()>,
    events: broadcast::Sender<SyncEvent>,
    connection: Mutex<(Option<bool>, Option<String>)>,
}

impl Engine {
    pub(crate) fn new(policy: SyncPolicy) -> Engine {
        Engine {
            shared: Arc::new(Shared {
                schedule: Mutex::new(Schedule::new(policy)),
                wake: Notify::new(),
                stopped: AtomicBool::new(false),
            }),
            running: AtomicBool::new(false),
            flush_lock: tokio::sync::Mutex::new(()),
            events: broadcast::channel(64).0,
            connection: Mutex::new((None, None)),
        }
    }

    /// Tells the schedule what happened and wakes the loop to re-plan.
    pub(crate) fn signal(&self, s: Signal) {
        self.shared.schedule.lock().unwrap_or_else(|p| p.into_inner()).on(s);
        self.shared.wake.notify_one();
    }

    pub(crate) fn emit(&self, e: SyncEvent) {
        // No listener is fine: nobody is looking.
        let _ = self.events.send(e);
    }

    pub(crate) fn subscribe(&self) -> super::Subscription {
        super::subscription(self.events.subscribe())
    }

    /// See [`super::machine::Schedule::network_up_due`].
    pub(crate) fn network_up_due(&self, now: i64) -> bool {
        self.shared.schedule.lock().unwrap_or_else(|p| p.into_inner()).network_up_due(now)
    }

    pub(crate) fn is_online(&self) -> bool {
        self.shared.schedule.lock().unwrap_or_else(|p| p.into_inner()).online()
    }

    pub(crate) fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// Records whether the server answered; tells listeners when that changes.
    pub(crate) fn note_connection(&self, result: std::result::Result<(), &Error>) {
        let now = match result {
            Ok(()) => (Some(true), None),
            Err(e) if e.is_transient() => (Some(false), Some(e.to_string())),
            // The server answered, with a refusal: it is reachable.
            Err(_) => (Some(true), None),
        };
        let mut c = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        if c.0 != now.0 {
            self.emit(SyncEvent::Connection { reachable: now.0 == Some(true), error: now.1.clone() });
        }
        *c = now;
    }

    pub(crate) fn connection(&self) -> (Option<bool>, Option<String>) {
        self.connection.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }
}

/// Starts the loop on the current tokio runtime, once per core.
pub(crate) fn start(core: &MyCity) -> Result<()> {
    let engine = &core.inner.sync;
    if engine.running.swap(true, Ordering::AcqRel) {
        return Ok(());
    }
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        engine.running.store(false, Ordering::Release);
        return Err(Error::Io("the sync engine needs a tokio runtime".into()));
    };
    engine.signal(Signal::Started);
    rt.spawn(run(Arc::downgrade(&core.inner), engine.shared.clone()));
    Ok(())
}

/// The loop. It holds the core only while working, so dropping the last
/// [`MyCity`] ends it.
async fn run(core: Weak<Inner>, shared: Arc<Shared>) {
    loop {
        if shared.stopped.load(Ordering::Acquire) {
            return;
        }
        let plan = shared.schedule.lock().unwrap_or_else(|p| p.into_inner()).plan(now());
        if plan.has_work() {
            let Some(inner) = core.upgrade() else { return };
            let core = MyCity { inner };
            // What the person did leaves first: a city check (pack and
            // categories) can take seconds, and a report waiting for the
            // network must not wait for it too.
            if plan.flush {
                flush_round(&core).await;
            }
            let epoch = plan.city_epoch;
            if plan.check_city {
                check_city(&core, epoch).await;
            }
            if plan.check_reports {
                check_reports(&core, epoch).await;
            }
            if plan.check_alerts {
                let ok = crate::alerts::refresh(&core).await;
                core.inner.sync.signal(Signal::AlertsChecked { ok, now: now(), epoch });
            }
            crate::air::sync_step(&core).await;
            continue;
        }
        let woken = shared.wake.notified();
        match plan.wake_at {
            Some(at) => {
                let wait = Duration::from_secs((at - now()).max(1) as u64);
                tokio::select! {
                    _ = woken => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            None => woken.await,
        }
    }
}

async fn check_city(core: &MyCity, epoch: u64) {
    let r = refresh_city(core).await;
    let ok = match &r {
        Ok(_) | Err(Error::NoServer) => true,
        Err(e) => {
            tracing::info!(%e, "city check failed; the stored pack stays in use");
            false
        }
    };
    core.inner.sync.signal(Signal::CityChecked { ok, now: now(), epoch });
}

async fn flush_round(core: &MyCity) {
    let next_due = match flush(core).await {
        Ok(f) => {
            if f.sent + f.rejected > 0 {
                core.inner.sync.emit(SyncEvent::OutboxChanged {
                    sent: f.sent,
                    rejected: f.rejected,
                    waiting: f.waiting,
                });
            }
            f.next_retry_at.or_else(|| (f.waiting > 0 && f.stopped.is_none()).then(now))
        }
        Err(e) => {
            tracing::warn!(%e, "flush failed");
            Some(now() + AFTER_FAULT_S)
        }
    };
    core.inner.sync.signal(Signal::Flushed { next_due });
}

async fn check_reports(core: &MyCity, epoch: u64) {
    let r = refresh_reports(core).await;
    // Watched dossiers and the procedure catalogue follow the reports' schedule.
    let dossiers_ok = match crate::dossier::sync_round(core).await {
        Ok(()) | Err(Error::NoServer) => true,
        Err(e) => {
            tracing::info!(%e, "dossier check failed");
            false
        }
    };
    let ok = match r {
        Ok(changes) => {
            if let Some(last) = changes.last() {
                let notice = notice(&core.texts(), last);
                core.inner.sync.emit(SyncEvent::ReportNews { changes, notice });
            }
            tell_overdue(core);
            true
        }
        Err(Error::NoServer) => true,
        Err(e) => {
            tracing::info!(%e, "status check failed");
            false
        }
    };
    core.inner.sync.signal(Signal::ReportsChecked { ok: ok && dossiers_ok, now: now(), epoch });
}

/// Tells listeners of reports whose deadline passed unhandled since the last
/// check. Runs after a successful status check, so a report the city closed
/// meanwhile is not called late.
fn tell_overdue(core: &MyCity) {
    let slug = core.city_slug();
    let lang = core.lang();
    let late = match core.inner.store.write(|tx| reports::store::newly_overdue(tx, &slug, lang.code(), now())) {
        Ok(late) => late,
        Err(e) => {
            tracing::warn!(%e, "overdue reports not checked");
            return;
        }
    };
    let Some(first) = late.first() else { return };
    let days = match first.deadline {
        Some(reports::Deadline::Overdue { days }) => days,
        _ => 1,
    };
    let t = core.texts();
    let notice = t.args(
        "notice-report-overdue",
        &[("service", &first.service_name), ("days", &days.to_string()), ("count", &late.len().to_string())],
    );
    core.inner.sync.emit(SyncEvent::ReportOverdue { reports: late.into_iter().map(|r| r.id).collect(), notice });
}

/// One line about a report's change, in the person's language.
pub(crate) fn notice(t: &Texts, change: &StatusChange) -> String {
    let status = t.get(&format!("status-{}", change.status.as_str()));
    t.args("notice-report", &[("status", &status), ("comment", &change.description)])
}

/// 0..1 from a fresh UUID: enough to spread retries, no RNG crate needed.
fn jitter() -> f64 {
    (uuid::Uuid::new_v4().as_u128() % 10_000) as f64 / 10_000.0
}

fn prepare(conn: &rusqlite::Connection, row: &Row, device_id: &str) -> Result<Outgoing> {
    match row.kind {
        Kind::Report => reports::store::outgoing_request(conn, &row.id, device_id),
        Kind::Update => reports::store::outgoing_update(conn, &row.id),
        Kind::Answer => crate::alerts::consult::outgoing(conn, &row.id, device_id),
        Kind::Rating => crate::tourism::ratings::outgoing(conn, &row.id, device_id),
        Kind::Feedback => reports::feedback::outgoing(conn, &row.id, device_id),
    }
}

fn accepted(tx: &rusqlite::Transaction<'_>, row: &Row, server_id: &str, now: i64) -> Result<()> {
    match row.kind {
        Kind::Report => reports::store::request_accepted(tx, &row.id, server_id, now),
        Kind::Update => reports::store::update_accepted(tx, &row.id, server_id),
        Kind::Answer => crate::alerts::consult::settled(tx, &row.id, None),
        Kind::Rating => crate::tourism::ratings::accepted(tx, &row.id, now),
        Kind::Feedback => reports::feedback::accepted(tx, &row.id, server_id, now),
    }
}

fn rejected(tx: &rusqlite::Transaction<'_>, row: &Row, reason: &str, now: i64) -> Result<()> {
    match row.kind {
        Kind::Report => reports::store::request_rejected(tx, &row.id, reason, now),
        // A refused comment or reopen changes nothing at the city; the next
        // status check shows the report as the city has it.
        Kind::Update | Kind::Rating => Ok(()),
        Kind::Answer => crate::alerts::consult::settled(tx, &row.id, Some(reason)),
        Kind::Feedback => reports::feedback::refused(tx, &row.id, reason),
    }
}

fn step(d: &Delivery, e: SendEvent, row: &Row) -> Result<Delivery> {
    d.step(e).map_err(|e| Error::Storage(format!("outbox row {}: {e}", row.id)))
}

/// Uploads report `id`'s clip, if it has one (tus, resuming from the offset
/// kept in SQLite, read from its file a chunk at a time); the finished
/// upload's id. Each confirmed chunk is told, so "My reports" shows it move.
async fn send_clip(api: &Api, inner: &Inner, id: &str) -> Result<Option<String>> {
    let Some((path, mime)) = inner.store.read(|c| reports::store::clip_of(c, id))? else {
        return Ok(None);
    };
    let source = crate::api::tus::Source::file(&path)?;
    let tell = |s: &crate::api::tus::UploadState| {
        inner.sync.emit(SyncEvent::ClipProgress { report: id.to_owned(), sent: s.offset, total: s.length })
    };
    let state = api.upload_from(&inner.store, id, source, &mime, crate::api::tus::DEFAULT_CHUNK, &tell).await?;
    Ok(Some(state.id().to_owned()))
}

/// Once a report with a clip is at the city, its upload state and the local
/// copy of the clip are no longer needed (the city serves it now).
fn clip_sent(inner: &Inner, id: &str) {
    if let Ok(Some((path, _))) = inner.store.read(|c| reports::store::clip_of(c, id)) {
        let _ = crate::api::tus::forget(&inner.store, id);
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(report = id, "sent clip not removed: {e}");
        }
    }
}

/// Sends what is due, each city's queue to its own server, oldest first,
/// each with its idempotency key. A send becomes sent only after a 2xx; a 4xx
/// refuses it with the server's reason and the queue goes on; a network
/// failure, timeout or 5xx schedules its retry and stops that city's queue,
/// so reports reach the city in the order they were made.
pub(crate) async fn flush(core: &MyCity) -> Result<Flush> {
    let inner = &core.inner;
    let _one_at_a_time = inner.sync.flush_lock.lock().await;
    let device = core.device_id()?;
    let key = core.open311_key();
    let mut out = Flush::default();
    for city in inner.store.read(outbox::waiting_cities)? {
        let api = match core.api_for(&city) {
            Ok(api) => api,
            Err(e) => {
                out.stopped.get_or_insert(e.to_string());
                continue;
            }
        };
        while let Some(row) = inner.store.read(|c| outbox::head(c, &city))? {
            let claimed = match row.delivery.step(SendEvent::Claim { now: now() }) {
                Ok(d) => d,
                Err(NotApplicable::NotDue(_)) => {
                    out.stopped.get_or_insert_with(|| "waiting to retry".into());
                    break;
                }
                Err(e) => return Err(Error::Storage(format!("outbox row {}: {e}", row.id))),
            };
            inner.store.write(|tx| outbox::save(tx, row.seq, &claimed, None))?;
            let outgoing = match inner.store.read(|c| prepare(c, &row, &device)) {
                Ok(o) => o,
                Err(e) => {
                    // A record that cannot be read can never be sent: say so on
                    // the row instead of blocking every send behind it.
                    let reason = format!("the stored record cannot be read: {e}");
                    let d = step(&claimed, SendEvent::Refused { reason: reason.clone() }, &row)?;
                    inner.store.write(|tx| outbox::save(tx, row.seq, &d, None))?;
                    out.rejected += 1;
                    continue;
                }
            };
            // A report's clip goes first, resuming where an earlier try
            // stopped; the report then names the finished upload as its media.
            let clip = match row.kind {
                Kind::Report => send_clip(&api, inner, &row.id).await,
                _ => Ok(None),
            };
            // A signed-in person's report carries the account; if the token
            // cannot be had now (provider down) the send waits like any other.
            let bearer = match (&clip, row.kind) {
                (Ok(_), Kind::Report) => core.bearer_for(&api).await,
                _ => Ok(None),
            };
            let signed = matches!(bearer, Ok(Some(_)));
            let mut fields = outgoing.fields;
            let ready = clip.and_then(|upload| {
                fields.extend(upload.map(|u| ("media_upload".to_owned(), u)));
                bearer
            });
            let result = match ready {
                Err(e) => Err(e),
                Ok(bearer) => {
                    let post = Post {
                        jurisdiction: &city,
                        api_key: &key,
                        idempotency_key: &row.id,
                        fields,
                        photo: outgoing.photo,
                        bearer: bearer.as_deref(),
                    };
                    match row.kind {
                        Kind::Report => api.post_request(post).await,
                        Kind::Update => api.post_update(post).await,
                        Kind::Answer => crate::alerts::consult::send(&api, &row.id, &post.fields).await,
                        Kind::Rating => api.post_rating(post).await,
                        Kind::Feedback => api.post_feedback(post).await,
                    }
                }
            };
            // A refused token (revoked, keys rotated) is not a refused report:
            // it is renewed and the report goes again.
            let result = match result {
                Err(Error::Server { status: 401, message, .. }) if signed => {
                    core.bearer_refused();
                    Err(Error::Network(format!("the server refused the sign-in; renewing it: {message}")))
                }
                other => other,
            };
            inner.sync.note_connection(result.as_ref().map(|_| ()));
            let at = now();
            match result {
                Ok(server_id) => {
                    let d = step(&claimed, SendEvent::Accepted, &row)?;
                    inner.store.write(|tx| {
                        outbox::save(tx, row.seq, &d, None)?;
                        accepted(tx, &row, &server_id, at)
                    })?;
                    if matches!(row.kind, Kind::Report) {
                        clip_sent(inner, &row.id);
                    }
                    out.sent += 1;
                }
                Err(e) if e.is_transient() => {
                    let failed = SendEvent::Failed { now: at, retry_after_s: e.retry_after_s(), jitter: jitter() };
                    let d = step(&claimed, failed, &row)?;
                    inner.store.write(|tx| outbox::save(tx, row.seq, &d, Some(&e.to_string())))?;
                    out.stopped = Some(e.to_string());
                    break;
                }
                Err(e) => {
                    let reason = match &e {
                        Error::Server { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    let d = step(&claimed, SendEvent::Refused { reason: reason.clone() }, &row)?;
                    inner.store.write(|tx| {
                        outbox::save(tx, row.seq, &d, None)?;
                        rejected(tx, &row, &reason, at)
                    })?;
                    out.rejected += 1;
                }
            }
        }
    }
    out.waiting = inner.store.read(outbox::waiting)?;
    let now = now();
    out.next_retry_at = inner.store.read(outbox::next_due)?.filter(|t| *t > now);
    Ok(out)
}

/// Checks the city's answers to my reports in the current city; stores what
/// is new and returns it.
pub(crate) async fn refresh_reports(core: &MyCity) -> Result<Vec<StatusChange>> {
    let slug = core.city_slug();
    let api = core.api_for(&slug)?;
    let store = &core.inner.store;
    // Signed in, my reports from my other devices join the ones checked here.
    if let Err(e) = core.sync_account_reports().await {
        tracing::info!(%e, "the account's reports are not fetched this time");
    }
    let sent = store.read(|c| reports::store::sent(c, &slug))?;
    if sent.is_empty() {
        return Ok(vec![]);
    }
    let since = store.read(|c| reports::store::last_event_at(c, &slug))?;
    let fetched = async {
        let updates = api.updates(&slug, since.as_deref()).await?;
        let ids: Vec<String> = sent.into_iter().map(|(server_id, _)| server_id).collect();
        let mut requests = Vec::new();
        for chunk in ids.chunks(100) {
            requests.extend(api.requests(&slug, chunk).await?);
        }
        Ok::<_, Error>((updates, requests))
    }
    .await;
    core.inner.sync.note_connection(fetched.as_ref().map(|_| ()));
    let (updates, requests) = fetched?;
    store.write(|tx| reports::store::apply_check(tx, &slug, &updates, &requests, now()))
}

/// Checks the current city's pack and categories; tells listeners when
/// either changed. The pack's outcome is returned; a server out of reach is
/// [`Refresh::Unreachable`], and the stored pack stays in use.
pub(crate) async fn refresh_city(core: &MyCity) -> Result<Refresh> {
    let slug = core.city_slug();
    let api = core.api_for(&slug)?;
    // The report categories first: they are a few kilobytes and the report
    // form waits for their questions, while importing a newer pack can take
    // seconds of CPU on a phone.
    let services = refresh_services(core, &api, &slug).await;
    let offline = match &services {
        Err(e @ Error::Network(_)) => Some(e.to_string()),
        _ => None,
    };
    let pack = match offline {
        // No connection to the server: asking again for the pack would only
        // wait out a second timeout. (A server that answered, even badly,
        // is asked for the pack: that may still come through.)
        Some(error) => {
            core.inner.sync.note_connection(services.as_ref().map(|_| ()));
            record_pack_check(core, &slug, Some(&error));
            return Ok(Refresh::Unreachable { error });
        }
        None => refresh_pack(core, &api, &slug).await,
    };
    core.inner.sync.note_connection(pack.as_ref().map(|_| ()));
    if matches!(pack, Ok(Refresh::Updated { .. })) || matches!(services, Ok(true)) {
        core.inner.sync.emit(SyncEvent::CityChanged { slug: slug.clone() });
    }
    if let Err(e) = &services {
        tracing::info!(%e, "categories not refreshed; using the stored ones");
    }
    match pack {
        Err(e) if e.is_transient() => Ok(Refresh::Unreachable { error: e.to_string() }),
        other => other,
    }
}

/// Notes when the city's pack was last asked for, and what went wrong.
fn record_pack_check(core: &MyCity, slug: &str, error: Option<&str>) {
    if let Err(e) = core.inner.store.write(|tx| city::record_check(tx, slug, error, now())) {
        tracing::warn!(%e, "could not record the pack check");
    }
}

async fn refresh_pack(core: &MyCity, api: &Api, slug: &str) -> Result<Refresh> {
    let store = &core.inner.store;
    let result: Result<Refresh> = async {
        let (version, etag) =
            store.read(|c| city::etag(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
        match api.city_pack(slug, etag.as_deref()).await? {
            Fetched::NotModified => Ok(Refresh::Unchanged { version }),
            Fetched::Body { body, etag } => {
                // Parsing and importing a pack is seconds of CPU for a big city:
                // off the async threads, which also run the UI in the app.
                let (core2, slug2) = (core.clone(), slug.to_owned());
                let imported = tokio::task::spawn_blocking(move || {
                    let pack = CityPack::parse(&body)?;
                    if pack.slug != slug2 {
                        return Err(Error::InvalidPack(format!("asked for {slug2}, the server sent {}", pack.slug)));
                    }
                    core2.install(&pack, PackSource::Server, etag.as_deref())
                })
                .await
                .map_err(|e| Error::Storage(format!("pack import stopped: {e}")))??;
                Ok(match imported {
                    ImportOutcome::Installed { version } | ImportOutcome::Replaced { to: version, .. } => {
                        Refresh::Updated { version }
                    }
                    ImportOutcome::Unchanged { version } => Refresh::Unchanged { version },
                })
            }
        }
    }
    .await;
    record_pack_check(core, slug, result.as_ref().err().map(|e| e.to_string()).as_deref());
    result
}

async fn refresh_services(core: &MyCity, api: &Api, slug: &str) -> Result<bool> {
    let lang = core.lang();
    let list = api.services(slug, lang).await?;
    core.inner.store.write(|tx| reports::store::store_services(tx, slug, lang.code(), &list, now()))
}

/// The engine's state for a status line.
pub(crate) fn state(core: &MyCity) -> Result<SyncState> {
    let store = &core.inner.store;
    let (reachable, last_error) = core.inner.sync.connection();
    let now = now();
    Ok(SyncState {
        waiting: store.read(outbox::waiting)?,
        next_retry_at: store.read(outbox::next_due)?.filter(|t| *t > now),
        reachable,
        last_error,
        running: core.inner.sync.is_running(),
    })
}

/// The device is online again: sends waiting for a retry become due now.
pub(crate) fn network_back(core: &MyCity) -> Result<usize> {
    core.inner.store.write(|tx| outbox::network_back(tx, now()))
}
