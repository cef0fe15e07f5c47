//! What a receipt's QR code or a pasted text carries: a dossier code and,
//! maybe, its secret.
//!
//! Accepted forms, tried in this order:
//! - MyCity's own receipt QR: `mycity://dossier/<code>?s=<secret>` (the secret optional);
//! - a portal link: an `http(s)://` URL whose query has the code in `ma`,
//!   `mahoso`, `code` or `ma_ho_so`, and maybe the secret in `s`, `secret`,
//!   `pin` or `mabaomat`;
//! - text holding a code and, after it, the secret: the first run of 4–12
//!   letters or digits with a digit in it that follows the code
//!   ("Mã hồ sơ: 000.00.15.H60-260318-0042 Mã bảo mật: 4821", or "CODE 4821");
//! - anything else is taken as a code as typed, for [`super::code::check_code`] to judge.

use percent_encoding::percent_decode_str;

/// A code and secret read from a receipt, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    /// The code as found (normalise it with [`super::code::check_code`]).
    pub code: String,
    /// The secret, if the receipt carries one.
    pub secret: Option<String>,
}

const CODE_KEYS: [&str; 4] = ["ma", "mahoso", "code", "ma_ho_so"];
const SECRET_KEYS: [&str; 4] = ["s", "secret", "pin", "mabaomat"];

fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        let dec = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
        Some((dec(k).to_ascii_lowercase(), dec(v)))
    })
}

fn from_query(query: &str, keys: &[&str]) -> Option<String> {
    query_pairs(query)
        .find(|(k, v)| keys.contains(&k.as_str()) && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

/// Reads a code and secret out of a receipt's text.
pub fn parse(text: &str) -> Receipt {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("mycity://dossier/") {
        let rest = &text["mycity://dossier/".len()..];
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let code = percent_decode_str(path.trim_end_matches('/')).decode_utf8_lossy().trim().to_owned();
        return Receipt { code, secret: from_query(query, &SECRET_KEYS) };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if let Some((_, query)) = text.split_once('?') {
            let query = query.split('#').next().unwrap_or_default();
            if let Some(code) = from_query(query, &CODE_KEYS) {
                return Receipt { code, secret: from_query(query, &SECRET_KEYS) };
            }
        }
    }
    if let Some(m) = code_in(text) {
        let after = &text[m.end()..];
        let secret = after
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| (4..=12).contains(&w.len()) && w.bytes().any(|b| b.is_ascii_digit()))
            .map(str::to_owned);
        return Receipt { code: m.as_str().to_owned(), secret };
    }
    Receipt { code: text.to_owned(), secret: None }
}

/// Where a code-like run sits in free text (loose: the checker normalises it).
fn code_in(text: &str) -> Option<regex::Match<'_>> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)(?:[0-9]{1,3}\s*\.\s*){2,3}H\s*[0-9]{1,2}\s*[-–—]\s*[0-9]{6}\s*[-–—]\s*[0-9]{1,4}").ok()
    })
    .as_ref()?
    .find(text)
}

/// The text of MyCity's own receipt QR for `code`, with the secret when given.
pub fn payload(code: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) => format!("mycity://dossier/{code}?s={s}"),
        None => format!("mycity://dossier/{code}"),
    }
}

/// Pixels per QR module on a printed receipt: ~0.5 mm at 300 dpi, what a
/// one-stop office's printer makes of a code 2–3 cm wide.
const MODULE_PX: u32 = 6;

/// A receipt as the one-stop office prints it, as a grey PNG: a heading,
/// the code, the secret, the procedure and the QR carrying code and secret
/// ([`payload`]). The text is folded to ASCII in the built-in 5×7 font (no
/// font files needed); the QR holds the exact code.
pub fn png(code: &str, secret: &str, procedure: &str) -> crate::Result<Vec<u8>> {
    use crate::tourism::poster::draw_text;
    let m = crate::qr::modules(&payload(code, Some(secret)))?;
    let side = (m.width + 2 * crate::qr::QUIET_ZONE) * MODULE_PX;
    let width = 760u32.max(side + 80);
    let top = 250;
    let mut img = image::GrayImage::from_pixel(width, top + side + 60, image::Luma([255]));
    draw_text(&mut img, "Giay tiep nhan ho so va hen tra ket qua", 30, 3);
    draw_text(&mut img, &format!("Ma ho so: {code}"), 90, 3);
    draw_text(&mut img, &format!("Ma bao mat: {secret}"), 140, 3);
    draw_text(&mut img, procedure, 190, 2);
    let x0 = (width - side) / 2;
    for (i, px) in img.pixels_mut().enumerate() {
        let (x, y) = (i as u32 % width, i as u32 / width);
        if x < x0 || y < top {
            continue;
        }
        let (mx, my) = ((x - x0) / MODULE_PX, (y - top) / MODULE_PX);
        let q = crate::qr::QUIET_ZONE;
        if mx >= q && my >= q && m.is_dark(mx - q, my - q) {
            *px = image::Luma([0]);
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| crate::Error::Io(format!("receipt PNG: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str, secret: Option<&str>) -> Receipt {
        Receipt { code: code.into(), secret: secret.map(str::to_owned) }
    }

    #[test]
    fn reads_every_documented_form() {
        let c = "000.00.15.H60-260318-0042";
        assert_eq!(parse(&format!("mycity://dossier/{c}?s=4821")), r(c, Some("4821")));
        assert_eq!(parse(&format!("MYCITY://dossier/{c}")), r(c, None));
        assert_eq!(parse(&format!("https://dichvucong.gov.vn/tra-cuu?ma={c}&pin=4821")), r(c, Some("4821")));
        assert_eq!(parse(&format!("https://x.vn/p?code={c}")), r(c, None));
        assert_eq!(parse(&format!("Mã hồ sơ: {c}\nMã bảo mật: 4821")), r(c, Some("4821")));
        assert_eq!(parse(&format!("{c} 4821")), r(c, Some("4821")));
        assert_eq!(parse(&format!("  {c}  ")), r(c, None));
        assert_eq!(parse("000.00.15.h60 – 260318 – 42 pin 9999"), r("000.00.15.h60 – 260318 – 42", Some("9999")));
        assert_eq!(parse("hello"), r("hello", None));
        assert_eq!(parse(&payload(c, Some("4821"))), r(c, Some("4821")));
        assert_eq!(parse(&payload(c, None)), r(c, None));
        assert_eq!(parse("https://example.com/"), r("https://example.com/", None));
    }

    #[test]
    fn a_printed_receipt_reads_back() {
        let c = "000.00.15.H60-260318-0042";
        let png = png(c, "4821", "Cấp giấy phép xây dựng").unwrap();
        assert_eq!(crate::qr::decode(&png).unwrap(), [payload(c, Some("4821"))]);
    }
}
