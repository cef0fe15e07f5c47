//! Services the device provides, behind small traits, for the ones the core
//! itself drives; the desktop app and a native shell (through the bindings)
//! each supply their implementation.
//!
//! - [`Notifier`]: system notifications for what the sync engine learns (a
//!   report answered, a watched dossier's next step, new alerts). What
//!   deserves one, and its words, is decided here ([`notification`]), so
//!   every shell notifies alike; [`MyCity::notify_through`] wires a notifier
//!   to the engine.
//! - [`UriOpener`]: hands `tel:`, `sms:` and `https:` URIs to the system
//!   (the emergency screen's calls, the SOS message).
//! - Connectivity is not a trait: the platform tells the core with
//!   [`MyCity::network_changed`] on every network event, and the engine
//!   sends at once instead of waiting out its backoff.
//!
//! Position, photos and speech are inputs and outputs of single calls, not
//! services the core calls back: a shell passes a fix to the calls that take
//! one ([`MyCity::sos_message`], [`MyCity::alerts`]), hands picked or taken
//! photos' bytes to [`MyCity::prepare_photo_async`], and speaks the
//! narration text a place's page gives with its own text-to-speech.

use std::sync::Arc;

use serde::Serialize;

use crate::{ListenerHandle, MyCity, Result, SyncEvent, SyncListener, Texts};

/// What a notification is about; a phone files each kind in its own
/// channel, which the person can silence separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The city answered a report of mine.
    Report,
    /// A watched dossier moved on.
    Dossier,
    /// New alerts concern the person.
    Alert,
}

impl NoticeKind {
    /// A stable id for the notification channel (Android) or category (iOS).
    pub fn channel(self) -> &'static str {
        match self {
            NoticeKind::Report => "reports",
            NoticeKind::Dossier => "dossiers",
            NoticeKind::Alert => "alerts",
        }
    }
}

/// A system notification, in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// What it is about.
    pub kind: NoticeKind,
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
    /// It should sound and show at once (a severe, urgent alert); otherwise
    /// it arrives quietly.
    pub interrupt: bool,
}

/// Shows system notifications.
pub trait Notifier: Send + Sync {
    /// Shows one; called on a background thread.
    fn notify(&self, n: Notification);
}

/// Hands a URI to the system (on a phone: the dialer, the messaging app, the browser).
pub trait UriOpener: Send + Sync {
    /// Opens `uri` (`tel:`, `sms:`, `https:`).
    fn open_uri(&self, uri: &str) -> std::result::Result<(), String>;

    /// True when the device places phone calls itself.
    fn can_call(&self) -> bool;
}

/// The notification a sync event deserves, if any: answers to reports,
/// dossier steps and alerts do; the engine's housekeeping does not.
pub fn notification(t: &Texts, e: &SyncEvent) -> Option<Notification> {
    let (kind, title, body, interrupt) = match e {
        SyncEvent::ReportNews { changes, notice } if !changes.is_empty() => {
            (NoticeKind::Report, t.get("notify-report"), notice.clone(), false)
        }
        SyncEvent::ReportOverdue { reports, notice } if !reports.is_empty() => {
            (NoticeKind::Report, t.get("notify-report-overdue"), notice.clone(), false)
        }
        SyncEvent::DossierNews { changes, notice } if !changes.is_empty() => {
            (NoticeKind::Dossier, t.get("notify-dossier"), notice.clone(), false)
        }
        SyncEvent::AlertNews { count, interrupt, notice, .. } if *count > 0 => {
            let title = if *count == 1 {
                t.get("notify-alert")
            } else {
                t.args("notify-alerts", &[("count", &count.to_string())])
            };
            (NoticeKind::Alert, title, notice.clone(), *interrupt)
        }
        _ => return None,
    };
    Some(Notification { kind, title, body, interrupt })
}

struct Notify {
    core: MyCity,
    notifier: Arc<dyn Notifier>,
}

impl SyncListener for Notify {
    fn on_event(&self, event: SyncEvent) {
        if let Some(n) = notification(&self.core.texts(), &event) {
            self.notifier.notify(n);
        }
    }
}

impl MyCity {
    /// Shows the sync engine's news through `notifier` until the handle is
    /// dropped (needs a tokio runtime, like [`MyCity::listen`]).
    pub fn notify_through(&self, notifier: Arc<dyn Notifier>) -> Result<ListenerHandle> {
        self.listen(Box::new(Notify { core: self.clone(), notifier }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn news_becomes_a_notification_and_housekeeping_does_not() {
        let t = Texts::new(Lang::Vi);
        let alert = SyncEvent::AlertNews { slug: "dong-ha".into(), count: 1, interrupt: true, notice: "Ngập".into() };
        let n = notification(&t, &alert).unwrap();
        assert_eq!(
            (n.kind, n.title.as_str(), n.body.as_str(), n.interrupt),
            (NoticeKind::Alert, "Cảnh báo mới", "Ngập", true)
        );
        let two = SyncEvent::AlertNews { slug: "dong-ha".into(), count: 2, interrupt: false, notice: "Mưa".into() };
        let n = notification(&Texts::new(Lang::En), &two).unwrap();
        assert!(n.title.contains('2') && !n.interrupt, "{}", n.title);
        let dossier = SyncEvent::DossierNews {
            changes: vec![crate::dossier::Change {
                code: "X".into(),
                status: mycity_protocol::dossier::DossierStatus::Done,
                note: String::new(),
                missing_papers: vec![],
                amount_vnd: None,
            }],
            notice: "Hồ sơ X: xong".into(),
        };
        assert_eq!(notification(&t, &dossier).map(|n| n.kind), Some(NoticeKind::Dossier));
        for quiet in [
            SyncEvent::OutboxChanged { sent: 1, rejected: 0, waiting: 0 },
            SyncEvent::Connection { reachable: false, error: None },
            SyncEvent::CityChanged { slug: "da-nang".into() },
            SyncEvent::Resync,
            SyncEvent::ReportNews { changes: vec![], notice: String::new() },
        ] {
            assert_eq!(notification(&t, &quiet), None, "{quiet:?}");
        }
    }

    #[test]
    fn channels_are_stable() {
        let all = [NoticeKind::Report, NoticeKind::Dossier, NoticeKind::Alert].map(NoticeKind::channel);
        assert_eq!(all, ["reports", "dossiers", "alerts"]);
    }
}
