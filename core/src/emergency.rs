//! Emergency: the hotline directory, `tel:` links and an SMS carrying the
//! caller's position. Everything here works with no network.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rusqlite::Connection;
use serde::Serialize;

use crate::{
    geo::Ward,
    i18n::Lang,
    pack::{Hotline, HotlineKind, LatLon, Localized},
    Result,
};

/// Everything but RFC 3986's unreserved characters is escaped in an SMS body.
const BODY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The city's phone lines, most urgent first.
pub fn hotlines(conn: &Connection, city: &str) -> Result<Vec<Hotline>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, kind, name_vi, name_en, description_vi, description_en, priority, dial
         FROM hotlines WHERE city = ?1 ORDER BY priority, number",
    )?;
    let rows = stmt.query_map([city], |r| {
        Ok(Hotline {
            number: r.get(0)?,
            kind: HotlineKind::parse(&r.get::<_, String>(1)?),
            name: Localized { vi: r.get(2)?, en: r.get(3)? },
            description: Localized { vi: r.get(4)?, en: r.get(5)? },
            priority: r.get(6)?,
            dial: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The lines the home screen lists: the national emergency numbers (most
/// urgent first, at most four) and then the city's own line, which people
/// need more often than any of them.
pub fn home_lines(all: &[Hotline]) -> Vec<Hotline> {
    let emergency = |k: HotlineKind| {
        matches!(k, HotlineKind::Police | HotlineKind::Fire | HotlineKind::Ambulance | HotlineKind::Rescue)
    };
    let mut out: Vec<Hotline> = all.iter().filter(|h| emergency(h.kind)).take(4).cloned().collect();
    out.extend(all.iter().find(|h| h.kind == HotlineKind::City).cloned());
    out
}

/// The `tel:` URI that dials `number` (digits kept, anything else dropped).
pub fn tel_uri(number: &str) -> String {
    let digits: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    format!("tel:{digits}")
}

/// A position fix from the device.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fix {
    /// Where.
    pub position: LatLon,
    /// Horizontal accuracy in metres, if known.
    pub accuracy_m: Option<f64>,
}

/// A ready-to-send SMS asking for help.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SosMessage {
    /// The text (also shown to the user before sending).
    pub text: String,
    /// `sms:` URI (RFC 5724) that opens the messaging app with the text filled in.
    pub uri: String,
}

/// Builds the "send my position" SMS. `recipient` may be empty: the person
/// then picks a contact in their messaging app.
pub fn sos_message(lang: Lang, city: &Localized, fix: Option<Fix>, ward: Option<&Ward>, recipient: &str) -> SosMessage {
    let l = lang.code();
    let mut text = String::from(match lang {
        Lang::Vi => "KHẨN CẤP - tôi cần giúp đỡ.",
        Lang::En => "EMERGENCY - I need help.",
    });
    match fix {
        Some(f) => {
            let (lat, lon) = (f.position.lat, f.position.lon);
            let place = match ward {
                Some(w) => format!("{}, {}", w.name.get(l), city.get(l)),
                None => city.get(l).to_owned(),
            };
            let (at, acc) = match lang {
                Lang::Vi => ("Vị trí của tôi", "sai số"),
                Lang::En => ("My position", "accuracy"),
            };
            text.push_str(&format!(" {at}: {lat:.5}, {lon:.5} ({place})"));
            if let Some(a) = f.accuracy_m.filter(|a| a.is_finite() && *a > 0.0) {
                text.push_str(&format!(", {acc} ~{a:.0} m"));
            }
            text.push_str(&format!(
                ". https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}"
            ));
        }
        None => text.push_str(match lang {
            Lang::Vi => " Không xác định được vị trí GPS, tôi đang ở ",
            Lang::En => " GPS position unavailable; I am in ",
        }),
    }
    if fix.is_none() {
        text.push_str(city.get(l));
        text.push('.');
    }
    let to: String = recipient.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    let uri = format!("sms:{to}?body={}", utf8_percent_encode(&text, BODY));
    SosMessage { text, uri }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city() -> Localized {
        Localized { vi: "Đà Nẵng".into(), en: "Da Nang".into() }
    }

    #[test]
    fn tel_uri_keeps_digits_only() {
        assert_eq!(tel_uri("113"), "tel:113");
        assert_eq!(tel_uri("0236 3 822 222"), "tel:02363822222");
        assert_eq!(tel_uri("1022\"><script>"), "tel:1022");
    }

    #[test]
    fn sms_carries_coordinates_and_ward() {
        let ward = Ward {
            code: "hai-chau".into(),
            name: Localized { vi: "Phường Hải Châu".into(), en: "Hai Chau Ward".into() },
            kind: "phuong".into(),
            approximate: true,
        };
        let fix = Fix { position: LatLon { lat: 16.06778, lon: 108.22083 }, accuracy_m: Some(12.4) };
        let m = sos_message(Lang::Vi, &city(), Some(fix), Some(&ward), "");
        assert!(m.text.contains("16.06778, 108.22083"), "{}", m.text);
        assert!(m.text.contains("Phường Hải Châu, Đà Nẵng"), "{}", m.text);
        assert!(m.text.contains("~12 m"));
        assert!(m.uri.starts_with("sms:?body=KH%E1%BA%A8N"), "{}", m.uri);
        assert!(!m.uri.contains(' '));
        assert!(m.uri.contains("16.06778%2C%20108.22083"));
    }

    #[test]
    fn sms_without_fix_says_so() {
        let m = sos_message(Lang::En, &city(), None, None, "+84 90 123");
        assert!(m.text.contains("GPS position unavailable"));
        assert!(m.text.ends_with("Da Nang."));
        assert!(m.uri.starts_with("sms:+8490123?body="));
    }
}
