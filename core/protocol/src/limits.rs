//! The limits a report keeps. The phone checks them before anything is
//! queued, and the server checks them again on arrival; both read them here,
//! so a report the phone accepts is never refused for a limit the two sides
//! disagree on.

/// Longest report description or comment, in characters (Open311's limit).
pub const MAX_DESCRIPTION: usize = 4000;

/// Most photos one report carries (the first goes with the request, the rest
/// follow as updates).
pub const MAX_PHOTOS: usize = 5;

/// Largest prepared photo the phone queues, in bytes. A prepared 1600 px JPEG
/// is 150–400 KB; anything larger was not prepared.
pub const MAX_PREPARED_PHOTO_BYTES: usize = 3 * 1024 * 1024;

/// Largest photo the server takes in one request, in bytes. Higher than
/// [`MAX_PREPARED_PHOTO_BYTES`] because other Open311 clients send photos as
/// the camera wrote them.
pub const MAX_MEDIA_BYTES: usize = 10 * 1024 * 1024;

/// Longest reporter name (first or last), in characters.
pub const MAX_NAME: usize = 100;

/// Longest phone number, in characters.
pub const MAX_PHONE: usize = 30;

/// Longest e-mail address, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// Longest free-text address, in characters.
pub const MAX_ADDRESS: usize = 500;

/// Longest client-chosen identifier (device id, account id, idempotency key).
pub const MAX_CLIENT_ID: usize = 200;

/// True when `email` could be an address: one `@` with text on both sides,
/// no spaces, within [`MAX_EMAIL`]. Deliverability is the server's business.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= MAX_EMAIL
        && !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_one_at_with_both_sides() {
        assert!(plausible_email("an@example.vn"));
        assert!(!plausible_email("an.example.vn"));
        assert!(!plausible_email("@example.vn"));
        assert!(!plausible_email("an@"));
        assert!(!plausible_email("a n@example.vn"));
        assert!(!plausible_email("a@b@c"));
        assert!(!plausible_email(&format!("{}@x.vn", "a".repeat(250))));
    }
}
