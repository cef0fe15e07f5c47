//! Tourist ratings of places: what the app sends and what the server answers,
//! and the limits both sides check.

use serde::{Deserialize, Serialize};

/// Fewest stars a rating may give.
pub const MIN_STARS: u8 = 1;
/// Most stars a rating may give.
pub const MAX_STARS: u8 = 5;
/// Longest comment, in characters: a few paragraphs, not an essay.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// The pack key holding the server's rating aggregates.
pub const PACK_RATINGS_KEY: &str = "ratings";

/// `POST /api/v1/places/{id}/ratings`, sent with an `Idempotency-Key`. One
/// rating counts per device and place: a later one replaces the earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPost {
    /// The city slug the place belongs to.
    pub city: String,
    /// 1–5.
    pub stars: u8,
    /// Free text, possibly empty, at most [`MAX_COMMENT_CHARS`].
    #[serde(default)]
    pub comment: String,
    /// The installation's random id.
    pub device_id: String,
}

/// The server's answer to a rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingCreated {
    /// The server's id of the rating.
    pub id: String,
    /// The place's aggregate after it.
    pub aggregate: PlaceRating,
}

/// What a place's ratings add up to (in the pack under [`PACK_RATINGS_KEY`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRating {
    /// The place id.
    pub place_id: String,
    /// How many devices rated it.
    pub count: u32,
    /// Mean stars, 1–5.
    pub average: f64,
}

/// Why a rating is refused, or `None` when it may be sent.
pub fn check(stars: u8, comment: &str) -> Option<&'static str> {
    if !(MIN_STARS..=MAX_STARS).contains(&stars) {
        return Some("stars must be 1 to 5");
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
    fn stars_and_comment_length_are_checked() {
        assert_eq!(check(0, ""), Some("stars must be 1 to 5"));
        assert_eq!(check(6, ""), Some("stars must be 1 to 5"));
        assert_eq!(check(5, &"á".repeat(MAX_COMMENT_CHARS)), None);
        assert_eq!(check(3, &"a".repeat(MAX_COMMENT_CHARS + 1)), Some("comment is too long"));
    }
}
