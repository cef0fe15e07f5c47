//! Platform services a native shell supplies: system notifications for what
//! the sync engine learns. The words and which events deserve one come from
//! the core (`mycity_core::platform`), so every shell notifies alike.
//! Connectivity is a call the other way (`network_changed`, in the sync
//! module); position, photos and speech are arguments and results of single
//! calls (docs/MOBILE.md, "What a native shell supplies").

use std::sync::{Arc, Mutex};

use mycity_core::platform::{self as core_platform, NoticeKind};

use crate::{MyCity, MyCityError, SyncObserverHandle};

/// A system notification, in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationRecord {
    /// The channel (Android) or category (iOS): `reports`, `dossiers` or `alerts`.
    pub channel: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Sound and show at once (a severe, urgent alert); otherwise quietly.
    pub interrupt: bool,
}

/// Implemented by the native shell: shows a system notification
/// (NotificationManager, UNUserNotificationCenter).
#[uniffi::export(foreign)]
pub trait Notifier: Send + Sync {
    /// Shows one; called on a background thread.
    fn notify(&self, notification: NotificationRecord);
}

struct Forward(Arc<dyn Notifier>);

impl core_platform::Notifier for Forward {
    fn notify(&self, n: core_platform::Notification) {
        let channel = NoticeKind::channel(n.kind).to_owned();
        self.0.notify(NotificationRecord { channel, title: n.title, body: n.body, interrupt: n.interrupt });
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// Shows the sync engine's news (answers to my reports, watched
    /// dossiers' steps, alerts concerning me) through `notifier` until the
    /// handle is dropped or cancelled.
    pub async fn notify_through(&self, notifier: Arc<dyn Notifier>) -> Result<Arc<SyncObserverHandle>, MyCityError> {
        let handle = self.inner.notify_through(Arc::new(Forward(notifier))).map_err(|e| self.fail(e))?;
        Ok(Arc::new(SyncObserverHandle { inner: Mutex::new(Some(handle)) }))
    }
}
