//! The reporter's word once the city calls a report done: "is it really
//! fixed?" and "how satisfied are you with how the city handled it?" (1–5),
//! as FixMyStreet's questionnaire asks. Sent to
//! `POST /api/v1/requests/{id}/feedback` with an `Idempotency-Key`; one per
//! report per device, changeable for [`CHANGE_WINDOW_DAYS`] after it was first
//! given. Seed 002 counts the share of 4–5 ratings against its 85 % target.

use serde::{Deserialize, Serialize};

/// Lowest satisfaction.
pub const MIN_RATING: u8 = 1;
/// Highest satisfaction.
pub const MAX_RATING: u8 = 5;
/// Days after the first answer during which it may still be changed.
pub const CHANGE_WINDOW_DAYS: i64 = 14;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// What the app sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackPost {
    /// The installation's random id: the one the report was sent with.
    pub device_id: String,
    /// "Is it really fixed?"
    pub fixed: bool,
    /// Satisfaction, [`MIN_RATING`]–[`MAX_RATING`].
    pub rating: u8,
    /// Free text, possibly empty.
    #[serde(default)]
    pub comment: String,
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackAnswer {
    /// The report's Open311 id.
    pub service_request_id: String,
    /// As stored.
    pub fixed: bool,
    /// As stored.
    pub rating: u8,
    /// When it was first given (RFC 3339).
    pub given_at: String,
    /// Until when it may be changed (RFC 3339).
    pub changeable_until: String,
}

/// Why a feedback is refused before it is stored, or `None`. Both sides check.
pub fn check(rating: u8, comment: &str) -> Option<&'static str> {
    if !(MIN_RATING..=MAX_RATING).contains(&rating) {
        return Some("rating must be 1 to 5");
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Some("comment is too long");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_outside_one_to_five_and_essays_are_refused() {
        assert!(check(0, "").is_some());
        assert!(check(6, "").is_some());
        assert!(check(3, &"x".repeat(MAX_COMMENT_CHARS + 1)).is_some());
        assert_eq!(check(1, ""), None);
        assert_eq!(check(5, &"x".repeat(MAX_COMMENT_CHARS)), None);
    }

    #[test]
    fn a_post_without_comment_reads() {
        let p: FeedbackPost = serde_json::from_str(r#"{"device_id":"d","fixed":true,"rating":5}"#).unwrap();
        assert_eq!(p.comment, "");
    }
}
