//! The sync engine's decisions, pure: what becomes of one send after each
//! thing that can happen to it ([`Delivery::step`]), and what the engine does
//! next ([`Schedule`]). No I/O and no clock: time arrives with the events,
//! so every transition is tested without a server or a sleep.

/// First retry after a transient failure; doubles each time up to [`BACKOFF_CAP_S`].
pub const BACKOFF_BASE_S: i64 = 2;
/// Longest wait between tries of one send.
pub const BACKOFF_CAP_S: i64 = 600;
/// Longest `Retry-After` honoured: a server asking for a day would strand a report.
pub const RETRY_AFTER_CAP_S: i64 = 3600;

/// Seconds to wait after `attempts` failed tries: exponential, capped, with
/// ±25 % jitter (`jitter` in 0..=1) so phones that lost the network together
/// do not all return together.
pub fn backoff(attempts: u32, jitter: f64) -> i64 {
    let exp = BACKOFF_BASE_S.saturating_mul(1i64 << attempts.min(20)).min(BACKOFF_CAP_S);
    let spread = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    ((exp as f64) * spread).round().max(1.0) as i64
}

/// Where one send stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting for its turn; it may be tried from `next_attempt_at` (unix seconds).
    Pending {
        /// Failed tries so far.
        attempts: u32,
        /// Earliest next try.
        next_attempt_at: i64,
    },
    /// Handed to the network. If the app dies now, the next flush sends it
    /// again with the same idempotency key and the server answers as the first time.
    Sending {
        /// Failed tries before this one.
        attempts: u32,
    },
    /// The server took it (2xx). Final.
    Sent,
    /// The server refused it (4xx) and always will; the reason is shown. Final.
    Rejected {
        /// The server's words.
        reason: String,
    },
}

/// What can happen to a send.
#[derive(Debug, Clone, PartialEq)]
pub enum SendEvent {
    /// The engine takes it for sending at `now`.
    Claim {
        /// Unix seconds.
        now: i64,
    },
    /// The server answered 2xx.
    Accepted,
    /// The server answered 4xx.
    Refused {
        /// The server's words.
        reason: String,
    },
    /// No answer, a timeout, 5xx or 429: try again later.
    Failed {
        /// Unix seconds.
        now: i64,
        /// The server's `Retry-After`, if it gave one.
        retry_after_s: Option<u64>,
        /// 0..=1, spreads retries.
        jitter: f64,
    },
    /// The device is online again: a send waiting for its retry goes now.
    NetworkBack {
        /// Unix seconds.
        now: i64,
    },
}

/// Why an event does not apply to a send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplicable {
    /// Its retry time has not come.
    #[error("not due before {0}")]
    NotDue(i64),
    /// It is sent or refused; nothing changes that.
    #[error("already finished")]
    Finished,
    /// Only a send in flight can be answered.
    #[error("not being sent")]
    NotSending,
}

impl Delivery {
    /// A new send, due at once.
    pub fn new(now: i64) -> Delivery {
        Delivery::Pending { attempts: 0, next_attempt_at: now }
    }

    /// The state after `event`, or why the event does not apply.
    pub fn step(&self, event: SendEvent) -> Result<Delivery, NotApplicable> {
        use Delivery::*;
        match (self, event) {
            (Sent | Rejected { .. }, _) => Err(NotApplicable::Finished),
            (Pending { attempts, next_attempt_at }, SendEvent::Claim { now }) => {
                // A retry time further ahead than any wait we set means the
                // phone's clock went back: do not strand the send for hours.
                let clock_went_back = *next_attempt_at - now > RETRY_AFTER_CAP_S;
                if now >= *next_attempt_at || clock_went_back {
                    Ok(Sending { attempts: *attempts })
                } else {
                    Err(NotApplicable::NotDue(*next_attempt_at))
                }
            }
            // Found in flight after a crash: resend, same key.
            (Sending { attempts }, SendEvent::Claim { .. }) => Ok(Sending { attempts: *attempts }),
            (Sending { .. }, SendEvent::Accepted) => Ok(Sent),
            (Sending { .. }, SendEvent::Refused { reason }) => Ok(Rejected { reason }),
            (Sending { attempts }, SendEvent::Failed { now, retry_after_s, jitter }) => {
                let asked = retry_after_s.map_or(0, |s| (s as i64).min(RETRY_AFTER_CAP_S));
                Ok(Pending { attempts: attempts + 1, next_attempt_at: now + backoff(*attempts, jitter).max(asked) })
            }
            (Pending { attempts, next_attempt_at }, SendEvent::NetworkBack { now }) => {
                Ok(Pending { attempts: *attempts, next_attempt_at: (*next_attempt_at).min(now) })
            }
            (Sending { .. }, SendEvent::NetworkBack { .. }) => Ok(self.clone()),
            (Pending { .. }, SendEvent::Accepted | SendEvent::Refused { .. } | SendEvent::Failed { .. }) => {
                Err(NotApplicable::NotSending)
            }
        }
    }

    /// True while it has still to reach the server.
    pub fn is_waiting(&self) -> bool {
        matches!(self, Delivery::Pending { .. } | Delivery::Sending { .. })
    }
}

/// How often the engine looks for news when the app is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// Seconds between status checks of my reports.
    pub reports_every_s: i64,
    /// Seconds between checks for a newer city pack and categories.
    pub city_every_s: i64,
    /// Seconds between looks at the city's alert feed, announcements and surveys.
    pub alerts_every_s: i64,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        // Status checks are one small `servicerequestupdates` query since the last
        // answer, and only while the app is in front; packs change rarely.
        // A warning an hour late is no warning, and an unchanged feed costs
        // one `304`: alerts are looked at every minute.
        SyncPolicy { reports_every_s: 10, city_every_s: 6 * 3600, alerts_every_s: 60 }
    }
}

/// Longest pause between retries of a failing status or pack check.
pub const CHECK_BACKOFF_CAP_S: i64 = 300;

/// Least time between two "network is up" retries while the device never
/// said it was offline: a platform that reports every network event (a new
/// Wi-Fi, a path update) must not make the engine hammer a server that is down.
pub const NETWORK_UP_GAP_S: i64 = 5;

/// What the engine hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The engine started; there may be sends left from before.
    Started,
    /// Something was queued: send now.
    Queued,
    /// The app came to the front (`true`) or went to the back.
    Foreground(bool),
    /// The device's network came back (`true`) or went away.
    Online(bool),
    /// The platform says a network is up at `now` (after being away, or a
    /// new one while online): send and check at once, as [`Signal::Online`]`(true)`.
    NetworkUp {
        /// Unix seconds.
        now: i64,
    },
    /// The person chose another city: fetch its pack, categories and news.
    CitySwitched,
    /// A flush ended; `next_due` is when the first waiting send may go (`None`: nothing waits).
    Flushed {
        /// Unix seconds.
        next_due: Option<i64>,
    },
    /// A status check of my reports ended.
    ReportsChecked {
        /// It reached the server.
        ok: bool,
        /// Unix seconds.
        now: i64,
        /// [`Plan::city_epoch`] of the plan that started it: a check begun
        /// before the person switched city says nothing about the new one.
        epoch: u64,
    },
    /// A pack and categories check ended.
    CityChecked {
        /// It reached the server.
        ok: bool,
        /// Unix seconds.
        now: i64,
        /// [`Plan::city_epoch`] of the plan that started it: a check begun
        /// before the person switched city says nothing about the new one.
        epoch: u64,
    },
    /// A look at the alert feed, announcements and surveys ended.
    AlertsChecked {
        /// It reached the server.
        ok: bool,
        /// Unix seconds.
        now: i64,
        /// [`Plan::city_epoch`] of the plan that started it: a check begun
        /// before the person switched city says nothing about the new one.
        epoch: u64,
    },
}

/// What to do now, and when to look again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Plan {
    /// Check the city's pack and categories.
    pub check_city: bool,
    /// Send what is due in the outbox.
    pub flush: bool,
    /// Check the status of my reports.
    pub check_reports: bool,
    /// Look at the city's alert feed, announcements and surveys.
    pub check_alerts: bool,
    /// With nothing to do now: when to plan again (`None`: only when a signal comes).
    pub wake_at: Option<i64>,
    /// How many city switches this plan knows of; the checks it starts hand
    /// it back when they end.
    pub city_epoch: u64,
}

impl Plan {
    /// True when there is work now.
    pub fn has_work(&self) -> bool {
        self.check_city || self.flush || self.check_reports || self.check_alerts
    }
}

/// The engine's timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    policy: SyncPolicy,
    foreground: bool,
    online: bool,
    flush_now: bool,
    outbox_due_at: Option<i64>,
    reports_at: i64,
    city_at: i64,
    alerts_at: i64,
    reports_failures: u32,
    city_failures: u32,
    alerts_failures: u32,
    network_up_at: Option<i64>,
    city_epoch: u64,
}

impl Schedule {
    /// A schedule for an app in front and online until told otherwise; nothing planned yet.
    pub fn new(policy: SyncPolicy) -> Schedule {
        Schedule {
            policy,
            foreground: true,
            online: true,
            flush_now: false,
            outbox_due_at: None,
            reports_at: i64::MAX,
            city_at: i64::MAX,
            alerts_at: i64::MAX,
            reports_failures: 0,
            city_failures: 0,
            alerts_failures: 0,
            network_up_at: None,
            city_epoch: 0,
        }
    }

    /// Whether "a network is up" at `now` should make waiting sends due now:
    /// always when the device was offline; while online, at most once per
    /// [`NETWORK_UP_GAP_S`].
    pub fn network_up_due(&self, now: i64) -> bool {
        !self.online || self.network_up_at.is_none_or(|t| now - t >= NETWORK_UP_GAP_S)
    }

    /// Takes in what happened.
    pub fn on(&mut self, signal: Signal) {
        match signal {
            Signal::Started => {
                self.flush_now = true;
                self.reports_at = 0;
                self.city_at = 0;
                self.alerts_at = 0;
            }
            Signal::Queued => self.flush_now = true,
            Signal::Foreground(front) => {
                self.foreground = front;
                if front {
                    self.reports_at = 0;
                    self.alerts_at = 0;
                }
            }
            Signal::NetworkUp { now } => {
                self.network_up_at = Some(now);
                self.on(Signal::Online(true));
            }
            Signal::Online(online) => {
                self.online = online;
                if online {
                    self.flush_now = true;
                    self.reports_at = 0;
                    self.reports_failures = 0;
                    if self.city_failures > 0 {
                        self.city_at = 0;
                        self.city_failures = 0;
                    }
                    self.alerts_at = 0;
                    self.alerts_failures = 0;
                }
            }
            Signal::CitySwitched => {
                self.city_epoch += 1;
                self.city_at = 0;
                self.reports_at = 0;
                self.alerts_at = 0;
            }
            Signal::Flushed { next_due } => {
                self.flush_now = false;
                self.outbox_due_at = next_due;
            }
            // A check that began before a city switch ends without moving
            // the next one: the switch asked for the new city now.
            Signal::ReportsChecked { epoch, .. }
            | Signal::CityChecked { epoch, .. }
            | Signal::AlertsChecked { epoch, .. }
                if epoch != self.city_epoch => {}
            Signal::ReportsChecked { ok, now, .. } => {
                (self.reports_failures, self.reports_at) =
                    next_check(ok, now, self.reports_failures, self.policy.reports_every_s);
            }
            Signal::CityChecked { ok, now, .. } => {
                (self.city_failures, self.city_at) = next_check(ok, now, self.city_failures, self.policy.city_every_s);
            }
            Signal::AlertsChecked { ok, now, .. } => {
                (self.alerts_failures, self.alerts_at) =
                    next_check(ok, now, self.alerts_failures, self.policy.alerts_every_s);
            }
        }
    }

    /// True unless the device said it is offline.
    pub fn online(&self) -> bool {
        self.online
    }

    /// What to do at `now`.
    pub fn plan(&self, now: i64) -> Plan {
        if !self.online {
            // Nothing can reach the server: wait for the network to come back.
            return Plan::default();
        }
        let flush = self.flush_now || self.outbox_due_at.is_some_and(|t| t <= now);
        let check_city = self.foreground && self.city_at <= now;
        let check_reports = self.foreground && self.reports_at <= now;
        let check_alerts = self.foreground && self.alerts_at <= now;
        let later = |t: i64| (t > now && t != i64::MAX).then_some(t);
        let mut wake_at = self.outbox_due_at.and_then(later);
        if self.foreground {
            for t in [later(self.reports_at), later(self.city_at), later(self.alerts_at)].into_iter().flatten() {
                wake_at = Some(wake_at.map_or(t, |w| w.min(t)));
            }
        }
        Plan { check_city, flush, check_reports, check_alerts, wake_at, city_epoch: self.city_epoch }
    }
}

/// After a check: the failure count and when to check next. Failures back
/// off from half a minute up to [`CHECK_BACKOFF_CAP_S`], never past the normal period.
fn next_check(ok: bool, now: i64, failures: u32, every: i64) -> (u32, i64) {
    if ok {
        return (0, now + every);
    }
    let wait = (15i64 << failures.min(10)).min(CHECK_BACKOFF_CAP_S).min(every.max(1));
    (failures + 1, now + wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn pending(attempts: u32, at: i64) -> Delivery {
        Delivery::Pending { attempts, next_attempt_at: at }
    }

    fn failed(retry_after_s: Option<u64>) -> SendEvent {
        SendEvent::Failed { now: NOW, retry_after_s, jitter: 0.5 }
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert_eq!(backoff(0, 0.5), 2);
        assert_eq!(backoff(3, 0.5), 16);
        assert_eq!(backoff(30, 0.5), BACKOFF_CAP_S);
        assert!((450..=750).contains(&backoff(30, 0.0)) && (450..=750).contains(&backoff(30, 1.0)));
        assert!(backoff(0, 0.0) >= 1);
    }

    // Delivery: one test per transition.

    #[test]
    fn a_new_send_is_due_at_once() {
        assert_eq!(Delivery::new(NOW), pending(0, NOW));
        assert!(Delivery::new(NOW).is_waiting());
    }

    #[test]
    fn pending_and_due_is_claimed() {
        assert_eq!(pending(2, NOW).step(SendEvent::Claim { now: NOW }), Ok(Delivery::Sending { attempts: 2 }));
    }

    #[test]
    fn pending_before_its_time_is_not_claimed() {
        assert_eq!(pending(1, NOW + 5).step(SendEvent::Claim { now: NOW }), Err(NotApplicable::NotDue(NOW + 5)));
    }

    #[test]
    fn a_clock_that_went_back_does_not_strand_a_send() {
        let far = NOW + RETRY_AFTER_CAP_S + 3600;
        assert_eq!(pending(1, far).step(SendEvent::Claim { now: NOW }), Ok(Delivery::Sending { attempts: 1 }));
    }

    #[test]
    fn sending_found_after_a_crash_is_sent_again() {
        let s = Delivery::Sending { attempts: 0 };
        assert_eq!(s.step(SendEvent::Claim { now: NOW }), Ok(s.clone()));
    }

    #[test]
    fn sending_and_accepted_is_sent() {
        assert_eq!(Delivery::Sending { attempts: 3 }.step(SendEvent::Accepted), Ok(Delivery::Sent));
        assert!(!Delivery::Sent.is_waiting());
    }

    #[test]
    fn sending_and_refused_is_rejected_with_the_reason() {
        let r = Delivery::Sending { attempts: 0 }.step(SendEvent::Refused { reason: "thiếu ảnh".into() });
        assert_eq!(r, Ok(Delivery::Rejected { reason: "thiếu ảnh".into() }));
    }

    #[test]
    fn sending_and_failed_waits_its_backoff() {
        assert_eq!(Delivery::Sending { attempts: 0 }.step(failed(None)), Ok(pending(1, NOW + 2)));
        assert_eq!(Delivery::Sending { attempts: 3 }.step(failed(None)), Ok(pending(4, NOW + 16)));
    }

    #[test]
    fn sending_and_failed_honours_retry_after_within_its_cap() {
        assert_eq!(Delivery::Sending { attempts: 0 }.step(failed(Some(120))), Ok(pending(1, NOW + 120)));
        let capped = Delivery::Sending { attempts: 0 }.step(failed(Some(86_400)));
        assert_eq!(capped, Ok(pending(1, NOW + RETRY_AFTER_CAP_S)));
        // A short Retry-After does not undercut the backoff.
        assert_eq!(Delivery::Sending { attempts: 3 }.step(failed(Some(1))), Ok(pending(4, NOW + 16)));
    }

    #[test]
    fn network_back_makes_a_waiting_send_due_now() {
        assert_eq!(pending(4, NOW + 300).step(SendEvent::NetworkBack { now: NOW }), Ok(pending(4, NOW)));
        assert_eq!(pending(0, NOW - 9).step(SendEvent::NetworkBack { now: NOW }), Ok(pending(0, NOW - 9)));
    }

    #[test]
    fn network_back_leaves_a_send_in_flight_alone() {
        let s = Delivery::Sending { attempts: 1 };
        assert_eq!(s.step(SendEvent::NetworkBack { now: NOW }), Ok(s.clone()));
    }

    #[test]
    fn only_a_send_in_flight_can_be_answered() {
        for e in [SendEvent::Accepted, SendEvent::Refused { reason: "x".into() }, failed(None)] {
            assert_eq!(pending(0, NOW).step(e), Err(NotApplicable::NotSending));
        }
    }

    #[test]
    fn finished_sends_stay_finished() {
        let events = [
            SendEvent::Claim { now: NOW },
            SendEvent::Accepted,
            SendEvent::Refused { reason: "x".into() },
            failed(None),
            SendEvent::NetworkBack { now: NOW },
        ];
        for done in [Delivery::Sent, Delivery::Rejected { reason: "x".into() }] {
            for e in events.clone() {
                assert_eq!(done.step(e), Err(NotApplicable::Finished));
            }
        }
    }

    // Schedule: one test per signal.

    fn started() -> Schedule {
        let mut s = Schedule::new(SyncPolicy::default());
        s.on(Signal::Started);
        s
    }

    /// A schedule that has done its start-up work at NOW and has nothing waiting.
    fn settled() -> Schedule {
        let mut s = started();
        s.on(Signal::CityChecked { ok: true, now: NOW, epoch: 0 });
        s.on(Signal::AlertsChecked { ok: true, now: NOW, epoch: 0 });
        s.on(Signal::Flushed { next_due: None });
        s.on(Signal::ReportsChecked { ok: true, now: NOW, epoch: 0 });
        s
    }

    #[test]
    fn nothing_is_planned_before_the_start() {
        let s = Schedule::new(SyncPolicy::default());
        assert_eq!(s.plan(NOW), Plan::default());
    }

    #[test]
    fn start_does_everything_once() {
        let p = started().plan(NOW);
        assert!(p.check_city && p.flush && p.check_reports && p.check_alerts);
    }

    #[test]
    fn settled_it_sleeps_until_the_next_status_check() {
        let p = settled().plan(NOW + 1);
        assert!(!p.has_work());
        assert_eq!(p.wake_at, Some(NOW + SyncPolicy::default().reports_every_s));
        assert!(settled().plan(NOW + SyncPolicy::default().reports_every_s).check_reports);
    }

    #[test]
    fn queued_flushes_at_once() {
        let mut s = settled();
        s.on(Signal::Queued);
        assert!(s.plan(NOW + 1).flush);
    }

    #[test]
    fn a_flush_that_left_a_retry_waits_for_it_without_spinning() {
        let mut s = settled();
        s.on(Signal::Queued);
        s.on(Signal::Flushed { next_due: Some(NOW + 8) });
        let p = s.plan(NOW + 1);
        assert!(!p.flush);
        assert_eq!(p.wake_at, Some(NOW + 8));
        assert!(s.plan(NOW + 8).flush);
    }

    #[test]
    fn in_the_background_only_sends_go_on() {
        let mut s = settled();
        s.on(Signal::Foreground(false));
        s.on(Signal::Flushed { next_due: Some(NOW + 30) });
        let p = s.plan(NOW + 20);
        assert!(!p.check_reports && !p.check_city);
        assert_eq!(p.wake_at, Some(NOW + 30));
        assert!(s.plan(NOW + 30).flush);
    }

    #[test]
    fn back_in_front_checks_reports_at_once() {
        let mut s = settled();
        s.on(Signal::Foreground(false));
        s.on(Signal::Foreground(true));
        assert!(s.plan(NOW + 1).check_reports);
    }

    #[test]
    fn offline_nothing_runs_and_nothing_wakes() {
        let mut s = started();
        s.on(Signal::Online(false));
        assert_eq!(s.plan(NOW), Plan::default());
    }

    #[test]
    fn network_back_sends_and_checks_at_once() {
        let mut s = settled();
        s.on(Signal::Flushed { next_due: Some(NOW + 500) });
        s.on(Signal::Online(false));
        s.on(Signal::Online(true));
        let p = s.plan(NOW + 1);
        assert!(p.flush && p.check_reports && !p.check_city);
    }

    #[test]
    fn a_network_up_while_online_sends_at_once_but_not_twice_in_a_row() {
        let mut s = settled();
        s.on(Signal::Flushed { next_due: Some(NOW + 500) });
        assert!(s.network_up_due(NOW));
        s.on(Signal::NetworkUp { now: NOW });
        assert!(s.plan(NOW).flush, "a new network: the waiting send goes now");
        s.on(Signal::Flushed { next_due: Some(NOW + 500) });
        assert!(!s.network_up_due(NOW + NETWORK_UP_GAP_S - 1), "a chatty platform is not a retry storm");
        assert!(s.network_up_due(NOW + NETWORK_UP_GAP_S));
        s.on(Signal::Online(false));
        assert!(s.network_up_due(NOW + 1), "back from offline always counts");
        s.on(Signal::NetworkUp { now: NOW + 1 });
        assert!(s.online() && s.plan(NOW + 1).flush);
    }

    #[test]
    fn network_back_retries_a_failed_city_check() {
        let mut s = settled();
        s.on(Signal::CityChecked { ok: false, now: NOW, epoch: 0 });
        s.on(Signal::Online(true));
        assert!(s.plan(NOW + 1).check_city);
    }

    #[test]
    fn a_city_switch_fetches_the_city_and_its_news() {
        let mut s = settled();
        s.on(Signal::CitySwitched);
        let p = s.plan(NOW + 1);
        assert!(p.check_city && p.check_reports && p.check_alerts && !p.flush);
    }

    #[test]
    fn failing_checks_back_off_and_recover() {
        let mut s = settled();
        s.on(Signal::ReportsChecked { ok: false, now: NOW, epoch: 0 });
        assert_eq!(s.plan(NOW + 1).wake_at, Some(NOW + 10), "capped by the normal period");
        let mut s = Schedule::new(SyncPolicy { reports_every_s: 3600, city_every_s: 3600, alerts_every_s: 3600 });
        s.on(Signal::Started);
        s.on(Signal::CityChecked { ok: true, now: NOW, epoch: 0 });
        s.on(Signal::AlertsChecked { ok: true, now: NOW, epoch: 0 });
        s.on(Signal::Flushed { next_due: None });
        for (i, wait) in [15, 30, 60, 120, 240, 300, 300].into_iter().enumerate() {
            s.on(Signal::ReportsChecked { ok: false, now: NOW, epoch: 0 });
            assert_eq!(s.plan(NOW).wake_at, Some(NOW + wait), "failure {}", i + 1);
        }
        s.on(Signal::ReportsChecked { ok: true, now: NOW, epoch: 0 });
        assert_eq!(s.plan(NOW).wake_at, Some(NOW + 3600));
    }

    #[test]
    fn a_city_check_comes_back_after_its_period() {
        let s = settled();
        let every = SyncPolicy::default().city_every_s;
        assert!(!s.plan(NOW + every - 1).check_city);
        assert!(s.plan(NOW + every).check_city);
    }

    #[test]
    fn alerts_are_looked_at_every_minute_in_front() {
        let s = settled();
        let every = SyncPolicy::default().alerts_every_s;
        assert_eq!(every, 60);
        assert!(!s.plan(NOW + every - 1).check_alerts);
        assert!(s.plan(NOW + every).check_alerts);
    }

    #[test]
    fn in_the_background_alerts_wait_for_the_front() {
        let mut s = settled();
        s.on(Signal::Foreground(false));
        assert!(!s.plan(NOW + 3600).check_alerts);
        s.on(Signal::Foreground(true));
        assert!(s.plan(NOW + 1).check_alerts);
    }

    #[test]
    fn a_failed_alert_look_backs_off_then_network_back_retries_it() {
        let mut s = settled();
        s.on(Signal::ReportsChecked { ok: true, now: NOW + 100, epoch: 0 });
        s.on(Signal::AlertsChecked { ok: false, now: NOW, epoch: 0 });
        assert!(!s.plan(NOW + 14).check_alerts);
        assert!(s.plan(NOW + 15).check_alerts);
        s.on(Signal::AlertsChecked { ok: false, now: NOW + 15, epoch: 0 });
        assert_eq!(s.plan(NOW + 16).wake_at, Some(NOW + 45));
        s.on(Signal::Online(true));
        assert!(s.plan(NOW + 16).check_alerts);
    }

    #[test]
    fn a_switch_during_a_check_is_not_undone_when_the_check_ends() {
        let mut s = Schedule::new(SyncPolicy::default());
        s.on(Signal::Started);
        let plan = s.plan(NOW);
        assert!(plan.check_city && plan.check_alerts && plan.check_reports);
        // The person picks another city while the first city's checks run.
        s.on(Signal::CitySwitched);
        s.on(Signal::CityChecked { ok: true, now: NOW + 2, epoch: plan.city_epoch });
        s.on(Signal::ReportsChecked { ok: true, now: NOW + 2, epoch: plan.city_epoch });
        s.on(Signal::AlertsChecked { ok: false, now: NOW + 2, epoch: plan.city_epoch });
        let next = s.plan(NOW + 2);
        assert!(next.check_city && next.check_reports && next.check_alerts, "the new city is checked now: {next:?}");
        // Its own checks then schedule the next ones as usual.
        s.on(Signal::CityChecked { ok: true, now: NOW + 3, epoch: next.city_epoch });
        assert!(!s.plan(NOW + 3).check_city);
    }
}
