//! The core's sync engine for native shells: start it, hear what changed,
//! and stop hearing by dropping (or cancelling) the handle.

use std::sync::{Arc, Mutex};

use mycity_core as core;

use crate::{count, MyCity, MyCityError};

/// What the sync engine changed.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SyncChange {
    /// Sends left the outbox, or something was queued.
    OutboxChanged {
        /// Accepted in this round.
        sent: u32,
        /// Refused in this round.
        rejected: u32,
        /// Still waiting.
        waiting: u32,
    },
    /// The city answered reports of mine.
    ReportNews {
        /// One line about the latest answer, in the person's language.
        notice: String,
        /// How many answers came.
        count: u32,
    },
    /// Reports of mine passed their deadline without the city handling them.
    ReportOverdue {
        /// One line about them, in the person's language.
        notice: String,
        /// How many.
        count: u32,
    },
    /// The city's data changed: re-read what shows it.
    CityChanged {
        /// The city.
        slug: String,
    },
    /// New air-quality readings: re-read what shows them.
    AirChanged {
        /// The city.
        slug: String,
    },
    /// Whether the city's server answered the last call.
    Connection {
        /// It answered.
        reachable: bool,
        /// Why not.
        error: Option<String>,
    },
    /// Some changes were missed: re-read everything.
    Resync,
    /// New alerts concern the person.
    AlertNews {
        /// How many.
        count: u32,
        /// One asks to interrupt (a sounding notification).
        interrupt: bool,
        /// The loudest one's headline.
        notice: String,
    },
    /// More of a report's clip reached the city.
    ClipProgress {
        /// The report's local id.
        report: String,
        /// Bytes the server confirmed.
        sent: u64,
        /// Bytes in the clip.
        total: u64,
    },
    /// A watched dossier moved on.
    DossierNews {
        /// How many changes.
        count: u32,
        /// One line about the latest, in the person's language.
        notice: String,
    },
}

impl From<core::SyncEvent> for SyncChange {
    fn from(e: core::SyncEvent) -> Self {
        let n = count;
        match e {
            core::SyncEvent::OutboxChanged { sent, rejected, waiting } => {
                SyncChange::OutboxChanged { sent: n(sent), rejected: n(rejected), waiting: n(waiting) }
            }
            core::SyncEvent::ReportNews { changes, notice } => {
                SyncChange::ReportNews { notice, count: n(changes.len()) }
            }
            core::SyncEvent::ReportOverdue { reports, notice } => {
                SyncChange::ReportOverdue { notice, count: n(reports.len()) }
            }
            core::SyncEvent::CityChanged { slug } => SyncChange::CityChanged { slug },
            core::SyncEvent::ClipProgress { report, sent, total } => SyncChange::ClipProgress { report, sent, total },
            core::SyncEvent::AirChanged { slug } => SyncChange::AirChanged { slug },
            core::SyncEvent::Connection { reachable, error } => SyncChange::Connection { reachable, error },
            core::SyncEvent::Resync => SyncChange::Resync,
            core::SyncEvent::DossierNews { changes, notice } => {
                SyncChange::DossierNews { count: n(changes.len()), notice }
            }
            core::SyncEvent::AlertNews { count, interrupt, notice, .. } => {
                SyncChange::AlertNews { count: n(count), interrupt, notice }
            }
        }
    }
}

/// Implemented by the native shell to hear about changes.
#[uniffi::export(foreign)]
pub trait SyncObserver: Send + Sync {
    /// Called for every change, on a background thread.
    fn on_change(&self, change: SyncChange);
}

struct Forward(Arc<dyn SyncObserver>);

impl core::SyncListener for Forward {
    fn on_event(&self, event: core::SyncEvent) {
        self.0.on_change(event.into());
    }
}

/// Keeps an observer subscribed; dropping it, or [`SyncObserverHandle::cancel`], ends that.
#[derive(uniffi::Object)]
pub struct SyncObserverHandle {
    pub(crate) inner: Mutex<Option<core::ListenerHandle>>,
}

#[uniffi::export]
impl SyncObserverHandle {
    /// Stops the observer now (dropping the handle does the same).
    pub fn cancel(&self) {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// What one flush of the outbox did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FlushRecord {
    /// Sends the server accepted.
    pub sent: u32,
    /// Sends the server refused.
    pub rejected: u32,
    /// Sends still waiting, in every city.
    pub waiting: u32,
    /// Why the flush stopped early, if it did (technical English).
    pub stopped: Option<String>,
    /// When the next waiting send may go (unix seconds).
    pub next_retry_at: Option<i64>,
}

/// The sync engine's state for a status line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStateRecord {
    /// Sends waiting, in every city.
    pub waiting: u32,
    /// When the next waiting send may go (unix seconds).
    pub next_retry_at: Option<i64>,
    /// The server answered the last call (`None`: not tried yet).
    pub reachable: Option<bool>,
    /// The last failure talking to the server.
    pub last_error: Option<String>,
    /// The engine runs.
    pub running: bool,
}

// Starting the engine and listening spawn tasks on the current tokio runtime:
// exported async, they run inside the runtime uniffi keeps for async calls,
// which lives as long as the process, so the engine and the listeners share it
// with every other async call.
#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// Starts the sync engine (once; later calls do nothing): it sends what
    /// waits, checks the city's answers and data on its schedule, and tells
    /// observers. It stops when this core is dropped.
    pub async fn start_sync(&self) -> Result<(), MyCityError> {
        self.inner.start_sync().map_err(|e| self.fail(e))
    }

    /// Calls `observer` for every change until the handle is dropped or cancelled.
    pub async fn observe_sync(&self, observer: Arc<dyn SyncObserver>) -> Result<Arc<SyncObserverHandle>, MyCityError> {
        let handle = self.inner.listen(Box::new(Forward(observer))).map_err(|e| self.fail(e))?;
        Ok(Arc::new(SyncObserverHandle { inner: Mutex::new(Some(handle)) }))
    }

    /// Sends what waits in the outbox now. Safe at any time; a flush whose
    /// caller stops waiting leaves sends that go again on the next one.
    pub async fn flush_outbox(&self) -> Result<FlushRecord, MyCityError> {
        let f = self.inner.flush_outbox().await.map_err(|e| self.fail(e))?;
        Ok(FlushRecord {
            sent: count(f.sent),
            rejected: count(f.rejected),
            waiting: count(f.waiting),
            stopped: f.stopped,
            next_retry_at: f.next_retry_at,
        })
    }

    /// The sync engine's state.
    pub fn sync_state(&self) -> Result<SyncStateRecord, MyCityError> {
        let s = self.inner.sync_state().map_err(|e| self.fail(e))?;
        Ok(SyncStateRecord {
            waiting: count(s.waiting),
            next_retry_at: s.next_retry_at,
            reachable: s.reachable,
            last_error: s.last_error,
            running: s.running,
        })
    }

    /// The app came to the front (`true`) or went to the back.
    pub fn set_foreground(&self, front: bool) {
        self.inner.set_foreground(front);
    }

    /// The device's network came back (`true`) or went away; safe to call on every network event.
    pub fn network_changed(&self, online: bool) -> Result<(), MyCityError> {
        self.inner.network_changed(online).map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    struct Collect(Mutex<Vec<SyncChange>>);

    impl SyncObserver for Collect {
        fn on_change(&self, change: SyncChange) {
            self.0.lock().unwrap().push(change);
        }
    }

    #[test]
    fn an_observer_hears_the_engine_until_its_handle_goes() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let srv = rt.block_on(mycity_server::serve(([127, 0, 0, 1], 0).into(), Default::default())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let city =
            MyCity::open(dir.path().to_string_lossy().into_owned(), Some(format!("http://{}", srv.addr))).unwrap();
        let seen = Arc::new(Collect(Mutex::new(vec![])));
        let handle = rt.block_on(city.observe_sync(seen.clone())).unwrap();
        rt.block_on(city.start_sync()).unwrap();
        for _ in 0..100 {
            if !seen.0.lock().unwrap().is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(seen.0.lock().unwrap().first(), Some(&SyncChange::Connection { reachable: true, error: None }));
        assert!(city.sync_state().unwrap().running);
        handle.cancel();
        drop(handle);
        rt.block_on(srv.shutdown()).unwrap();
    }
}
