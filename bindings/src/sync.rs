//! The core's sync engine for native shells: start it, hear what changed,
//! and stop hearing by dropping (or cancelling) the handle.

use std::sync::{Arc, Mutex};

use mycity_core as core;

use crate::{MyCity, MyCityError};

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
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        match e {
            core::SyncEvent::OutboxChanged { sent, rejected, waiting } => {
                SyncChange::OutboxChanged { sent: n(sent), rejected: n(rejected), waiting: n(waiting) }
            }
            core::SyncEvent::ReportNews { changes, notice } => {
                SyncChange::ReportNews { notice, count: n(changes.len()) }
            }
            core::SyncEvent::CityChanged { slug } => SyncChange::CityChanged { slug },
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
    inner: Mutex<Option<core::ListenerHandle>>,
}

#[uniffi::export]
impl SyncObserverHandle {
    /// Stops the observer now (dropping the handle does the same).
    pub fn cancel(&self) {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

#[uniffi::export]
impl MyCity {
    /// Starts the sync engine (once): it sends what waits, checks the city's
    /// answers and data on its schedule, and tells observers.
    pub fn start_sync(&self) -> Result<(), MyCityError> {
        let _rt = self.runtime.enter();
        Ok(self.inner.start_sync()?)
    }

    /// Calls `observer` for every change until the handle is dropped or cancelled.
    pub fn observe_sync(&self, observer: Arc<dyn SyncObserver>) -> Result<Arc<SyncObserverHandle>, MyCityError> {
        let _rt = self.runtime.enter();
        let handle = self.inner.listen(Box::new(Forward(observer)))?;
        Ok(Arc::new(SyncObserverHandle { inner: Mutex::new(Some(handle)) }))
    }

    /// The app came to the front (`true`) or went to the back.
    pub fn set_foreground(&self, front: bool) {
        self.inner.set_foreground(front);
    }

    /// The device's network came back (`true`) or went away.
    pub fn network_changed(&self, online: bool) -> Result<(), MyCityError> {
        Ok(self.inner.network_changed(online)?)
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
        let handle = city.observe_sync(seen.clone()).unwrap();
        city.start_sync().unwrap();
        for _ in 0..100 {
            if !seen.0.lock().unwrap().is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(seen.0.lock().unwrap().first(), Some(&SyncChange::Connection { reachable: true, error: None }));
        handle.cancel();
        drop(handle);
        rt.block_on(srv.shutdown()).unwrap();
    }
}
