//! What a site's QR code says: `mycity://site/<city>/<id>`, or the same as a
//! web link (`https://mycity.vn/site/<city>/<id>`) for phones without the app.
//! Reading one is pure; finding the place is the caller's.

use crate::{Problem, Result};

/// The app's own scheme.
pub const SCHEME: &str = "mycity://site/";
/// The web fallback's prefix.
pub const WEB: &str = "https://mycity.vn/site/";

/// A site named by a QR code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiteRef {
    /// City slug.
    pub city: String,
    /// Place id (or the plate's QR id).
    pub id: String,
}

/// The QR payload for a site.
pub fn payload(city: &str, id: &str) -> String {
    format!("{SCHEME}{city}/{id}")
}

/// The web link for a site.
pub fn web_link(city: &str, id: &str) -> String {
    format!("{WEB}{city}/{id}")
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Reads a scanned text. Not a MyCity site code: `site-qr-foreign`; a MyCity
/// code of the wrong shape: `site-qr-malformed`.
pub fn parse(text: &str) -> Result<SiteRef> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let rest = [SCHEME, WEB, "http://mycity.vn/site/", "https://www.mycity.vn/site/"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| &t[p.len()..]);
    let Some(rest) = rest else {
        let shown: String = t.chars().take(60).collect();
        return Err(Problem::new("site-qr-foreign", format!("not a MyCity site code: {shown:?}")).field("qr").into());
    };
    // A web link may carry a query or fragment (campaign tags); the path is what counts.
    let path = rest.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [city, id] if is_token(city) && is_token(id) => {
            Ok(SiteRef { city: city.to_ascii_lowercase(), id: (*id).to_owned() })
        }
        _ => Err(Problem::new("site-qr-malformed", format!("a MyCity site code needs a city and a site: {t:?}"))
            .field("qr")
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn code(r: Result<SiteRef>) -> &'static str {
        match r {
            Err(Error::Invalid(p)) => p.code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn both_forms_round_trip() {
        let want = SiteRef { city: "ha-giang".into(), id: "ha-giang-km0".into() };
        assert_eq!(parse(&payload("ha-giang", "ha-giang-km0")).unwrap(), want);
        assert_eq!(parse(&web_link("ha-giang", "ha-giang-km0")).unwrap(), want);
        assert_eq!(parse("  MYCITY://site/Ha-Giang/ha-giang-km0/ ").unwrap(), want);
        assert_eq!(parse("https://mycity.vn/site/ha-giang/ha-giang-km0?utm=poster#x").unwrap(), want);
        assert_eq!(parse("mycity://site/ha-giang/MC-HA-GIANG-1").unwrap().id, "MC-HA-GIANG-1");
    }

    #[test]
    fn other_apps_and_broken_codes_are_told_apart() {
        assert_eq!(code(parse("https://zalo.me/12345")), "site-qr-foreign");
        assert_eq!(code(parse("WIFI:S:cafe;T:WPA;P:123;;")), "site-qr-foreign");
        assert_eq!(code(parse("")), "site-qr-foreign");
        assert_eq!(code(parse("mycity://site/ha-giang")), "site-qr-malformed");
        assert_eq!(code(parse("mycity://site/ha-giang/a/b")), "site-qr-malformed");
        assert_eq!(code(parse("mycity://site/ha giang/x")), "site-qr-malformed");
        assert_eq!(code(parse("mycity://site//x")), "site-qr-malformed");
    }
}
