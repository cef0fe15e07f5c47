//! Whether the city keeps its word on a report: the handling target it set
//! (Open311 `expected_datetime`, from the category's `target_days`) against
//! the clock and the city's answers. Seed 002 commits Đắk Nông to answering
//! every citizen report within 7 days; the report card says "due 30/11",
//! "overdue by 2 days" or "answered in 3 days".

use mycity_protocol::BaseStatus;
use serde::Serialize;

use super::{Event, ReportStatus};
use crate::Texts;

const DAY_S: i64 = 86_400;

/// Where a report stands against the city's handling target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Deadline {
    /// Still open and not yet late: due at `at` (unix seconds).
    Due {
        /// The due time.
        at: i64,
    },
    /// Still open past its due time, by `days` (at least 1).
    Overdue {
        /// Whole days late, rounded up.
        days: i64,
    },
    /// Closed by the city `days` after it was sent (a same-day answer counts as 1).
    AnsweredIn {
        /// Days from sending to the city's closing step, rounded up.
        days: i64,
        /// Whether that was within the target (when the city set one).
        on_time: Option<bool>,
    },
}

impl Deadline {
    /// What the report's card says: "Hạn xử lý 30/11/2026", "Quá hạn 2 ngày",
    /// "Đã xử lý sau 3 ngày" (and in English).
    pub fn label(&self, t: &Texts) -> String {
        match *self {
            Deadline::Due { at } => t.args("report-due", &[("date", &t.date_unix(at))]),
            Deadline::Overdue { days } => t.args("report-overdue", &[("days", &days.to_string())]),
            Deadline::AnsweredIn { days, .. } => t.args("report-answered-in", &[("days", &days.to_string())]),
        }
    }
}

/// The report's deadline now. `created` is when it was made on the phone;
/// `expected` the city's due time; `events` its answers, oldest first. A
/// report still on the phone or refused has none, and neither has an open
/// one the city gave no due time.
pub fn deadline(
    status: ReportStatus,
    created: i64,
    expected: Option<i64>,
    events: &[Event],
    now: i64,
) -> Option<Deadline> {
    let ReportStatus::City(status) = status else { return None };
    let days = |span: i64| ((span + DAY_S - 1) / DAY_S).max(1);
    if status.base() == BaseStatus::Closed {
        // The step that closed it: the last closing answer of the city.
        let closed = events.iter().rev().find(|e| !e.mine && e.status.base() == BaseStatus::Closed)?;
        let at = crate::city::unix(&closed.at)?;
        return Some(Deadline::AnsweredIn { days: days(at - created), on_time: expected.map(|e| at <= e) });
    }
    let expected = expected?;
    Some(if now > expected { Deadline::Overdue { days: days(now - expected) } } else { Deadline::Due { at: expected } })
}

/// True when the person should now be told that a report's deadline passed
/// without the city handling it: it is overdue and they were not told yet.
/// Told once per report, so a report late for weeks is not news every day.
pub fn tell_overdue(deadline: Option<Deadline>, told: bool) -> bool {
    matches!(deadline, Some(Deadline::Overdue { .. })) && !told
}

#[cfg(test)]
mod tests {
    use mycity_protocol::Status;

    use super::*;

    const SENT: i64 = 1_764_000_000;

    fn event(status: Status, after_s: i64, mine: bool) -> Event {
        let at = time::OffsetDateTime::from_unix_timestamp(SENT + after_s).unwrap();
        Event {
            status,
            description: String::new(),
            media_url: None,
            at: at.format(&time::format_description::well_known::Rfc3339).unwrap(),
            mine,
        }
    }

    #[test]
    fn on_the_phone_or_refused_there_is_no_deadline() {
        for s in [ReportStatus::Queued, ReportStatus::Rejected] {
            assert_eq!(deadline(s, SENT, Some(SENT + 7 * DAY_S), &[], SENT), None);
        }
    }

    #[test]
    fn open_it_is_due_then_overdue_by_whole_days_rounded_up() {
        let due = SENT + 7 * DAY_S;
        let open = ReportStatus::City(Status::InProgress);
        assert_eq!(deadline(open, SENT, Some(due), &[], SENT + DAY_S), Some(Deadline::Due { at: due }));
        assert_eq!(deadline(open, SENT, Some(due), &[], due), Some(Deadline::Due { at: due }), "due means until then");
        assert_eq!(deadline(open, SENT, Some(due), &[], due + 1), Some(Deadline::Overdue { days: 1 }));
        assert_eq!(deadline(open, SENT, Some(due), &[], due + 2 * DAY_S - 60), Some(Deadline::Overdue { days: 2 }));
        assert_eq!(deadline(open, SENT, None, &[], due + DAY_S), None, "no target, nothing to say");
    }

    #[test]
    fn closed_it_says_how_long_the_city_took_and_whether_on_time() {
        let due = SENT + 7 * DAY_S;
        let fixed = ReportStatus::City(Status::Fixed);
        let events = [event(Status::InProgress, DAY_S, false), event(Status::Fixed, 2 * DAY_S + 3600, false)];
        assert_eq!(
            deadline(fixed, SENT, Some(due), &events, due + 30 * DAY_S),
            Some(Deadline::AnsweredIn { days: 3, on_time: Some(true) })
        );
        let late = [event(Status::Closed, 9 * DAY_S, false)];
        let closed = ReportStatus::City(Status::Closed);
        assert_eq!(
            deadline(closed, SENT, Some(due), &late, due),
            Some(Deadline::AnsweredIn { days: 9, on_time: Some(false) })
        );
        let same_day = [event(Status::Fixed, 600, false)];
        assert_eq!(deadline(fixed, SENT, None, &same_day, SENT), Some(Deadline::AnsweredIn { days: 1, on_time: None }));
    }

    #[test]
    fn the_persons_own_steps_and_a_reopen_do_not_count_as_answers() {
        let due = SENT + 7 * DAY_S;
        // Fixed, reopened by the person, fixed again: the second fix is the answer.
        let events = [
            event(Status::Fixed, DAY_S, false),
            event(Status::Reopen, 2 * DAY_S, true),
            event(Status::Fixed, 5 * DAY_S, false),
        ];
        let fixed = ReportStatus::City(Status::Fixed);
        assert_eq!(
            deadline(fixed, SENT, Some(due), &events, due),
            Some(Deadline::AnsweredIn { days: 5, on_time: Some(true) })
        );
        // Reopened and not answered yet: open again, judged by the due time.
        let reopened = ReportStatus::City(Status::Reopen);
        assert_eq!(deadline(reopened, SENT, Some(due), &events[..2], due + 1), Some(Deadline::Overdue { days: 1 }));
        // Closed, but with no closing answer in the timeline: nothing to claim.
        assert_eq!(deadline(fixed, SENT, Some(due), &events[1..2], due), None);
    }

    #[test]
    fn labels_in_both_languages_with_plurals() {
        let (vi, en) = (Texts::new(crate::Lang::Vi), Texts::new(crate::Lang::En));
        // 2025-11-30 12:00 in Vietnam.
        let due = Deadline::Due { at: 1_764_478_800 };
        assert_eq!(due.label(&vi), "Hạn xử lý 30/11/2025");
        assert_eq!(due.label(&en), "Due 30 Nov 2025");
        assert_eq!(Deadline::Overdue { days: 2 }.label(&vi), "Quá hạn 2 ngày");
        assert_eq!(Deadline::Overdue { days: 1 }.label(&en), "Overdue by 1 day");
        assert_eq!(Deadline::AnsweredIn { days: 3, on_time: Some(true) }.label(&en), "Answered in 3 days");
        assert_eq!(Deadline::AnsweredIn { days: 3, on_time: None }.label(&vi), "Đã xử lý sau 3 ngày");
    }

    #[test]
    fn an_overdue_report_is_told_once() {
        let late = Some(Deadline::Overdue { days: 2 });
        assert!(tell_overdue(late, false));
        assert!(!tell_overdue(late, true), "already told");
        assert!(!tell_overdue(Some(Deadline::Due { at: SENT }), false));
        assert!(
            !tell_overdue(Some(Deadline::AnsweredIn { days: 9, on_time: Some(false) }), false),
            "answered late is not news"
        );
        assert!(!tell_overdue(None, false));
    }
}
