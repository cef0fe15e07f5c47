//! The statuses a report goes through at the city, FixMyStreet's extended
//! Open311 vocabulary, and what each one allows a citizen to do.

use serde::{Deserialize, Serialize};

/// Open311's own two statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseStatus {
    /// Still being handled.
    Open,
    /// Done with, one way or another.
    Closed,
}

impl BaseStatus {
    /// `open` or `closed`, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            BaseStatus::Open => "open",
            BaseStatus::Closed => "closed",
        }
    }
}

/// A report's extended status (mySociety FixMyStreet's Open311 extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, not yet acted on.
    Open,
    /// Someone is working on it.
    InProgress,
    /// Work is planned.
    Planned,
    /// Work has a date.
    ActionScheduled,
    /// The city is looking into it.
    Investigating,
    /// A citizen said it is not fixed after all.
    Reopen,
    /// Fixed.
    Fixed,
    /// Closed without a more specific reason.
    Closed,
    /// Reported before; handled under the other report.
    Duplicate,
    /// Another body is responsible.
    NotCouncilsResponsibility,
    /// Nothing more will be done.
    NoFurtherAction,
    /// Passed to another department of the city.
    InternalReferral,
    /// Withdrawn.
    Cancelled,
}

impl Status {
    /// Every status, in the order a report usually meets them.
    pub const ALL: [Status; 13] = [
        Status::Open,
        Status::InProgress,
        Status::Planned,
        Status::ActionScheduled,
        Status::Investigating,
        Status::Reopen,
        Status::Fixed,
        Status::Closed,
        Status::Duplicate,
        Status::NotCouncilsResponsibility,
        Status::NoFurtherAction,
        Status::InternalReferral,
        Status::Cancelled,
    ];

    /// The wire name (`in_progress`), also the key of its label in the app's strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Planned => "planned",
            Status::ActionScheduled => "action_scheduled",
            Status::Investigating => "investigating",
            Status::Reopen => "reopen",
            Status::Fixed => "fixed",
            Status::Closed => "closed",
            Status::Duplicate => "duplicate",
            Status::NotCouncilsResponsibility => "not_councils_responsibility",
            Status::NoFurtherAction => "no_further_action",
            Status::InternalReferral => "internal_referral",
            Status::Cancelled => "cancelled",
        }
    }

    /// Reads a status as servers write it: case and `-`/` `/`_` do not matter
    /// (`IN_PROGRESS`, `in progress`, `action-scheduled`); `None` for words
    /// outside the vocabulary.
    pub fn parse(s: &str) -> Option<Status> {
        let norm: String =
            s.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect();
        Status::ALL.into_iter().find(|st| st.as_str() == norm)
    }

    /// Open311's base status for this one.
    pub fn base(self) -> BaseStatus {
        match self {
            Status::Open
            | Status::InProgress
            | Status::Planned
            | Status::ActionScheduled
            | Status::Investigating
            | Status::Reopen
            | Status::InternalReferral => BaseStatus::Open,
            _ => BaseStatus::Closed,
        }
    }

    /// True when the person who reported it may say "it is not fixed" and
    /// reopen it. Only for reports the city called done with the work, not for
    /// ones it passed on or refused, which a reopen would not change.
    pub fn citizen_may_reopen(self) -> bool {
        matches!(self, Status::Fixed | Status::Closed)
    }

    /// True when a citizen's "me too" or comment is still useful: the report is open.
    pub fn citizen_may_comment(self) -> bool {
        self.base() == BaseStatus::Open
    }

    /// The status a citizen's update may carry (`open` for a comment, `reopen`).
    pub fn citizen_may_send(self) -> bool {
        matches!(self, Status::Open | Status::Reopen)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_and_tolerates_server_spellings() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Status::parse("IN_PROGRESS"), Some(Status::InProgress));
        assert_eq!(Status::parse(" action-scheduled "), Some(Status::ActionScheduled));
        assert_eq!(Status::parse("not councils responsibility"), Some(Status::NotCouncilsResponsibility));
        assert_eq!(Status::parse("done"), None);
    }

    #[test]
    fn base_status_and_what_a_citizen_may_do() {
        assert_eq!(Status::Reopen.base(), BaseStatus::Open);
        assert_eq!(Status::Duplicate.base(), BaseStatus::Closed);
        let reopenable: Vec<Status> = Status::ALL.into_iter().filter(|s| s.citizen_may_reopen()).collect();
        assert_eq!(reopenable, [Status::Fixed, Status::Closed]);
        assert!(Status::InProgress.citizen_may_comment() && !Status::Fixed.citizen_may_comment());
        assert!(Status::Reopen.citizen_may_send() && !Status::Fixed.citizen_may_send());
    }
}
