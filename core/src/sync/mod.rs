//! The sync engine: it sends what waits in the outbox, checks the city's
//! answers to my reports, keeps the city's pack and categories current, and
//! tells whoever listens what changed.
//!
//! Its decisions are pure ([`machine`]): a send's state machine and the
//! schedule, both driven by typed events and tested transition by
//! transition. [`engine`] is the thin shell that does the I/O they ask for.
//! Listeners subscribe with [`crate::MyCity::subscribe`] or
//! [`crate::MyCity::listen`]; dropping the subscription or the handle
//! cancels it.

pub(crate) mod engine;
pub mod machine;
pub mod outbox;

use serde::Serialize;
use tokio::sync::broadcast;

pub use self::machine::{Delivery, SyncPolicy};
use crate::reports::StatusChange;

/// What one flush of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Flush {
    /// Sends the server accepted.
    pub sent: usize,
    /// Sends the server refused (the person sees why).
    pub rejected: usize,
    /// Sends still waiting, in every city.
    pub waiting: usize,
    /// Why the flush stopped early (network down, server error, retry not due), if it did.
    pub stopped: Option<String>,
    /// When the next waiting send may go (unix seconds).
    pub next_retry_at: Option<i64>,
}

/// What a pack check did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
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
    /// The server could not be reached; the stored pack stays in use.
    Unreachable {
        /// Why.
        error: String,
    },
}

/// What changed, as the engine tells its listeners.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    /// Sends left the outbox (accepted or refused), or something was queued.
    OutboxChanged {
        /// Accepted in this round.
        sent: usize,
        /// Refused in this round.
        rejected: usize,
        /// Still waiting.
        waiting: usize,
    },
    /// The city answered reports of mine.
    ReportNews {
        /// What changed, oldest first.
        changes: Vec<StatusChange>,
        /// One line about the latest change, in the person's language.
        notice: String,
    },
    /// Reports of mine passed their deadline without the city handling them
    /// (each told once).
    ReportOverdue {
        /// Their local ids.
        reports: Vec<String>,
        /// One line about them, in the person's language.
        notice: String,
    },
    /// Watched dossiers changed status or took a step.
    DossierNews {
        /// What changed, oldest first.
        changes: Vec<crate::dossier::Change>,
        /// One line about the latest change, in the person's language.
        notice: String,
    },
    /// More of a report's clip reached the city (told per confirmed chunk).
    ClipProgress {
        /// The report's local id.
        report: String,
        /// Bytes the server confirmed.
        sent: u64,
        /// Bytes in the clip.
        total: u64,
    },
    /// The city's pack or categories changed: re-read what shows them.
    CityChanged {
        /// The city.
        slug: String,
    },
    /// New air-quality readings for the city: re-read what shows them.
    AirChanged {
        /// The city.
        slug: String,
    },
    /// New alerts concern the person (their position or home ward, or the whole city).
    AlertNews {
        /// The city.
        slug: String,
        /// How many are new.
        count: usize,
        /// One of them asks to interrupt (severe or worse, now or soon, likely).
        interrupt: bool,
        /// The loudest one's headline, in the person's language.
        notice: String,
    },
    /// Whether the city's server answered the last call.
    Connection {
        /// It answered.
        reachable: bool,
        /// Why not.
        error: Option<String>,
    },
    /// Some events were missed by a slow listener: re-read everything.
    Resync,
}

/// The sync engine's state for a status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    /// Sends waiting, in every city.
    pub waiting: usize,
    /// When the next waiting send may go (unix seconds).
    pub next_retry_at: Option<i64>,
    /// The city's server answered the last call (`None`: not tried yet).
    pub reachable: Option<bool>,
    /// The last failure talking to the server.
    pub last_error: Option<String>,
    /// The engine is running (the app started it).
    pub running: bool,
}

/// A stream of [`SyncEvent`]s; dropping it unsubscribes.
pub struct Subscription(broadcast::Receiver<SyncEvent>);

impl Subscription {
    /// The next event; `None` once the core is gone.
    pub async fn next(&mut self) -> Option<SyncEvent> {
        match self.0.recv().await {
            Ok(e) => Some(e),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(SyncEvent::Resync),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// Something that wants to hear about changes (a native shell, a widget).
pub trait SyncListener: Send + Sync {
    /// Called for each event, on a runtime thread; keep it short.
    fn on_event(&self, event: SyncEvent);
}

/// Keeps a listener subscribed; dropping it cancels the subscription.
pub struct ListenerHandle(tokio::task::JoinHandle<()>);

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl ListenerHandle {
    pub(crate) fn spawn(rt: &tokio::runtime::Handle, mut sub: Subscription, listener: Box<dyn SyncListener>) -> Self {
        ListenerHandle(rt.spawn(async move {
            while let Some(e) = sub.next().await {
                listener.on_event(e);
            }
        }))
    }
}

pub(crate) fn subscription(rx: broadcast::Receiver<SyncEvent>) -> Subscription {
    Subscription(rx)
}

impl crate::MyCity {
    /// The sync engine's state alone, for a status line (the Settings
    /// screen's [`crate::MyCity::sync_status`] includes it).
    pub fn sync_state(&self) -> crate::Result<SyncState> {
        engine::state(self)
    }
}
