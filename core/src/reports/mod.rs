//! Reports: categories and their questions, drafts and their checks, the
//! queue that sends them, the city's answers, and what a citizen may do next.
//!
//! The decisions (what a draft needs, when a report may be reopened, how a
//! status check changes a report) are pure functions here, tested here; the
//! SQL is in [`store`]; the sending is the sync engine's.

pub mod deadline;
mod draft;
pub mod feedback;
pub(crate) mod store;

pub use deadline::Deadline;
pub use draft::{local_datetime, problems, validate, Contact, Draft, PhotoAdded, PlaceSource, Placed};
pub use feedback::Feedback;
use mycity_protocol::open311::ServiceRequest;
pub use mycity_protocol::{
    open311::{AttributeDef as Question, AttributeValue as Choice, Datatype},
    Answer, Status,
};
use serde::Serialize;

use crate::pack::LatLon;

/// How close an open report must be to a new one's place to offer "me too" instead.
pub const NEARBY_RADIUS_M: f64 = 150.0;

/// A report category with its questions, as the city's server describes it
/// (or the pack, until the server has been reached).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// Open311 `service_code`.
    pub code: String,
    /// Name.
    pub name: String,
    /// One line about it.
    pub description: String,
    /// Group (field).
    pub group: String,
    /// Questions that take an answer, in order.
    pub questions: Vec<Question>,
}

/// Where a report stands, as the person sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum ReportStatus {
    /// Still on the phone.
    Queued,
    /// The city's server refused it.
    Rejected,
    /// At the city, in this status.
    City(Status),
}

impl ReportStatus {
    /// The stored and displayed key: `queued`, `rejected`, or the city's status (`in_progress`).
    pub fn key(self) -> &'static str {
        match self {
            ReportStatus::Queued => "queued",
            ReportStatus::Rejected => "rejected",
            ReportStatus::City(s) => s.as_str(),
        }
    }

    /// Reads a stored key; an unknown one is shown as received.
    pub fn parse(s: &str) -> ReportStatus {
        match s {
            "queued" => ReportStatus::Queued,
            "rejected" => ReportStatus::Rejected,
            other => ReportStatus::City(Status::parse(other).unwrap_or(Status::Open)),
        }
    }
}

impl From<ReportStatus> for String {
    fn from(s: ReportStatus) -> String {
        s.key().to_owned()
    }
}

/// Where a report's send stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendState {
    /// On the phone, waiting for the network or its retry time.
    Waiting,
    /// On its way.
    Sending,
    /// At the city.
    Sent,
    /// Refused by the city's server.
    Rejected,
}

/// A report's video clip as its card shows it: how long, how big, and how
/// much of it the city's server has confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClipStatus {
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// Bytes to send (the stripped clip).
    pub bytes: u64,
    /// Bytes the server confirmed so far.
    pub sent_bytes: u64,
    /// `sent_bytes` as a whole percentage, never 100 before every byte is in.
    pub percent: u8,
}

impl ClipStatus {
    /// The status of a clip of `bytes`, of which the server confirmed
    /// `confirmed` (the tus offset kept on the phone, `None` before the
    /// upload began). Once the report is at the city the clip is too, whatever
    /// the (then forgotten) upload row said.
    pub fn new(duration_ms: u64, bytes: u64, confirmed: Option<u64>, report_sent: bool) -> ClipStatus {
        let sent_bytes = if report_sent { bytes } else { confirmed.unwrap_or(0).min(bytes) };
        let percent = match (sent_bytes, bytes) {
            (_, 0) => 100,
            (s, b) if s >= b => 100,
            // Rounded down: "100 %" is kept for a clip wholly in.
            (s, b) => (s * 100 / b).min(99) as u8,
        };
        ClipStatus { duration_ms, bytes, sent_bytes, percent }
    }

    /// True once every byte is at the city.
    pub fn is_sent(&self) -> bool {
        self.sent_bytes >= self.bytes
    }
}

/// One step of a report's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The report's status after this step.
    pub status: Status,
    /// The comment.
    pub description: String,
    /// A photo with it.
    pub media_url: Option<String>,
    /// When (ISO 8601, as the server wrote it).
    pub at: String,
    /// True when it is this phone's own update (a comment, "me too", a reopen).
    pub mine: bool,
}

/// A report as "My reports" shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Local id (also the idempotency key of its send).
    pub id: String,
    /// Category.
    pub service_code: String,
    /// The category's name in the current language.
    pub service_name: String,
    /// Text.
    pub description: String,
    /// Where.
    pub position: LatLon,
    /// Ward name, if inside one.
    pub ward: Option<String>,
    /// Where it stands.
    pub status: ReportStatus,
    /// The city's latest note.
    pub status_notes: Option<String>,
    /// Open311 id once accepted.
    pub server_id: Option<String>,
    /// Where its send stands.
    pub send: SendState,
    /// Why the server refused it, or why the last try failed.
    pub last_error: Option<String>,
    /// Photos attached.
    pub photos: i64,
    /// The first photo's thumbnail (JPEG), else its clip's poster, for the report's card.
    pub thumbnail: Option<Vec<u8>>,
    /// Created (unix seconds).
    pub created_at: i64,
    /// The city's updates, oldest first.
    pub events: Vec<Event>,
    /// City updates not yet seen in "My reports".
    pub unseen: usize,
    /// The person may say "not fixed" and reopen it.
    pub can_reopen: bool,
    /// When the city said it would have handled it (ISO 8601), once it did.
    pub expected_at: Option<String>,
    /// Due, overdue, or answered in how many days.
    pub deadline: Option<Deadline>,
    /// "Is it really fixed?": asked once the city calls it done, or my answers.
    pub feedback: Option<Feedback>,
    /// Its video clip, with how far its upload got.
    pub clip: Option<ClipStatus>,
}

/// True when a report may be reopened: the city called it done, it is on the
/// server, and no reopen of it is already waiting to be sent.
pub fn can_reopen(status: ReportStatus, on_server: bool, reopen_waiting: bool) -> bool {
    on_server && !reopen_waiting && matches!(status, ReportStatus::City(s) if s.citizen_may_reopen())
}

/// The status a report takes after a status check found `server` at the
/// city, or `None` to keep it. A reopen still waiting on the phone wins: the
/// server has not heard of it yet, and showing "fixed" again would tell the
/// person their reopen was lost.
pub fn status_after_check(current: ReportStatus, server: Status, reopen_waiting: bool) -> Option<ReportStatus> {
    if reopen_waiting || current == ReportStatus::City(server) {
        None
    } else {
        Some(ReportStatus::City(server))
    }
}

/// A status change the app shows as news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// Local report id.
    pub report: String,
    /// The new status.
    pub status: Status,
    /// The city's comment.
    pub description: String,
}

/// An open report near where someone is about to report the same thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nearby {
    /// Its Open311 id.
    pub server_id: String,
    /// What it says.
    pub description: String,
    /// How far from the new report's place, in metres.
    pub distance_m: f64,
    /// Its status.
    pub status: Status,
}

/// The open requests within [`NEARBY_RADIUS_M`] of `at`, nearest first.
pub fn nearby(requests: &[ServiceRequest], at: LatLon) -> Vec<Nearby> {
    let mut out: Vec<Nearby> = requests
        .iter()
        .filter(|r| r.current_status().citizen_may_comment())
        .filter_map(|r| {
            let d = crate::geo::distance_m(at, LatLon { lat: r.lat?, lon: r.long? });
            (d <= NEARBY_RADIUS_M).then(|| Nearby {
                server_id: r.service_request_id.clone(),
                description: r.description.clone().unwrap_or_default(),
                distance_m: d,
                status: r.current_status(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    out
}

/// A Vietnamese full name as Open311's first and last name: the given name
/// comes last ("Nguyễn Văn An" → first "An", last "Nguyễn Văn").
pub fn split_name(full: &str) -> (String, String) {
    match full.trim().rsplit_once(char::is_whitespace) {
        Some((family, given)) => (given.to_owned(), family.trim().to_owned()),
        None => (full.trim().to_owned(), String::new()),
    }
}

#[cfg(test)]
mod clip_tests {
    use super::ClipStatus;

    #[test]
    fn a_clip_not_yet_begun_is_at_zero() {
        let c = ClipStatus::new(12_000, 1000, None, false);
        assert_eq!((c.sent_bytes, c.percent, c.is_sent()), (0, 0, false));
    }

    #[test]
    fn a_clip_part_sent_rounds_down_and_never_shows_100_early() {
        assert_eq!(ClipStatus::new(1, 1000, Some(455), false).percent, 45);
        assert_eq!(ClipStatus::new(1, 1000, Some(999), false).percent, 99);
        assert_eq!(ClipStatus::new(1, 1000, Some(1000), false).percent, 100);
    }

    #[test]
    fn an_offset_past_the_end_is_the_end() {
        let c = ClipStatus::new(1, 1000, Some(5000), false);
        assert_eq!((c.sent_bytes, c.percent), (1000, 100));
    }

    #[test]
    fn a_sent_report_has_its_whole_clip_at_the_city() {
        let c = ClipStatus::new(1, 1000, None, true);
        assert!(c.is_sent());
        assert_eq!(c.percent, 100);
    }
}

#[cfg(test)]
mod tests {
    use mycity_protocol::BaseStatus;

    use super::*;

    #[test]
    fn only_reports_the_city_called_done_can_be_reopened_once() {
        let fixed = ReportStatus::City(Status::Fixed);
        assert!(can_reopen(fixed, true, false));
        assert!(can_reopen(ReportStatus::City(Status::Closed), true, false));
        assert!(!can_reopen(fixed, false, false), "not on the server");
        assert!(!can_reopen(fixed, true, true), "a reopen already waits");
        for s in [Status::Open, Status::InProgress, Status::Reopen, Status::Duplicate, Status::NoFurtherAction] {
            assert!(!can_reopen(ReportStatus::City(s), true, false), "{s}");
        }
        assert!(!can_reopen(ReportStatus::Queued, true, false));
        assert!(!can_reopen(ReportStatus::Rejected, true, false));
    }

    #[test]
    fn a_check_changes_the_status_unless_a_reopen_waits() {
        let reopen = ReportStatus::City(Status::Reopen);
        assert_eq!(status_after_check(reopen, Status::Fixed, true), None, "the waiting reopen wins");
        assert_eq!(status_after_check(reopen, Status::Fixed, false), Some(ReportStatus::City(Status::Fixed)));
        let open = ReportStatus::City(Status::Open);
        assert_eq!(status_after_check(open, Status::Open, false), None, "nothing new");
        assert_eq!(status_after_check(open, Status::InProgress, false), Some(ReportStatus::City(Status::InProgress)));
    }

    #[test]
    fn status_keys_round_trip() {
        for s in [ReportStatus::Queued, ReportStatus::Rejected, ReportStatus::City(Status::ActionScheduled)] {
            assert_eq!(ReportStatus::parse(s.key()), s);
        }
        assert_eq!(ReportStatus::parse("teleported"), ReportStatus::City(Status::Open));
        assert_eq!(serde_json::to_value(ReportStatus::City(Status::Fixed)).unwrap(), "fixed");
    }

    fn request(id: &str, lat: f64, lon: f64, status: Status) -> ServiceRequest {
        serde_json::from_value(serde_json::json!({
            "service_request_id": id, "status": status.base(), "extended_status": status.as_str(),
            "lat": lat, "long": lon, "description": format!("report {id}")
        }))
        .unwrap()
    }

    #[test]
    fn nearby_open_reports_nearest_first_within_the_radius() {
        let at = LatLon { lat: 16.0612, lon: 108.2272 };
        let list = [
            request("far", 16.0700, 108.2272, Status::Open),
            request("b", 16.0620, 108.2272, Status::InProgress),
            request("a", 16.0614, 108.2272, Status::Open),
            request("done", 16.0612, 108.2272, Status::Fixed),
        ];
        let found: Vec<String> = nearby(&list, at).into_iter().map(|n| n.server_id).collect();
        assert_eq!(found, ["a", "b"]);
        assert_eq!(Status::Fixed.base(), BaseStatus::Closed);
    }

    #[test]
    fn vietnamese_names_put_the_given_name_last() {
        assert_eq!(split_name(" Nguyễn Văn An "), ("An".to_owned(), "Nguyễn Văn".to_owned()));
        assert_eq!(split_name("An"), ("An".to_owned(), String::new()));
        assert_eq!(split_name(""), (String::new(), String::new()));
    }
}
