//! Receipt codes (Thông tư 01/2018/TT-VPCP, art. 19):
//! `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`, the receiving unit's identifier
//! (QCVN 102:2016/BTTTT), the receiving date and the day's sequence number.
//!
//! What people type or scan is normalised before it is checked: spaces go,
//! letters go upper case, en/em dashes and minus signs become `-`, and
//! groups written without their leading zeros get them back where the
//! place of the group is certain (`0.0.15.h60-260318-42` →
//! `000.00.15.H60-260318-0042`); a unit written with three groups whose last
//! is the province (`00.15.H60`) lacks the leading `000`, which is added.
//! A date that cannot exist or lies in the future is a typo and is refused
//! here, offline, before any request.

use time::{Date, Month};

use crate::{pack::DossierFormat, Error, Problem, Result};

/// Longest input accepted, far above any real receipt code.
const MAX_LEN: usize = 64;

fn shape_problem(code: &str, format: &DossierFormat) -> Error {
    Problem::new("dossier-shape", format!("{code} does not look like a dossier code (e.g. {})", format.example))
        .field("code")
        .arg("code", code)
        .arg("example", &format.example)
        .into()
}

/// Pads a group of digits to `width` with leading zeros; `None` if it is not
/// digits or is too long.
fn pad(group: &str, width: usize) -> Option<String> {
    (!group.is_empty() && group.len() <= width && group.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{group:0>width$}"))
}

/// Normalises what a person typed or scanned and checks it against the
/// city's code pattern and the calendar (`today` in the city's time zone).
/// The error says what was expected, with the city's example.
pub fn check_code(format: &DossierFormat, input: &str, today: Date) -> Result<String> {
    if input.chars().count() > MAX_LEN {
        return Err(Problem::new("dossier-too-long", format!("a dossier code has at most {MAX_LEN} characters"))
            .field("code")
            .arg("max", MAX_LEN)
            .into());
    }
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '–' | '—' | '‐' | '‑' | '−' | '_') { '-' } else { c })
        .flat_map(char::to_uppercase)
        .collect();
    if code.is_empty() {
        return Err(Problem::new("dossier-empty", "the dossier code is empty").field("code").into());
    }
    let normal = normalise(&code).ok_or_else(|| shape_problem(&code, format))?;
    let re = regex::Regex::new(&format.pattern)
        .map_err(|e| Error::InvalidPack(format!("dossier pattern does not compile: {e}")))?;
    if !re.is_match(&normal) {
        return Err(shape_problem(&code, format));
    }
    check_date(&normal, format, today)?;
    Ok(normal)
}

/// The code with its groups padded, or `None` when its shape is not a receipt code's.
fn normalise(code: &str) -> Option<String> {
    let parts: Vec<&str> = code.split('-').collect();
    let [unit, date, seq] = parts[..] else { return None };
    let mut groups: Vec<&str> = unit.split('.').collect();
    // `00.15.H60`: the leading `000` group is the one left out, since the
    // last group (the province) is always there.
    if groups.len() == 3 && groups[2].starts_with('H') {
        groups.insert(0, "000");
    }
    let [v, z, y, m] = groups[..] else { return None };
    let (letter, digits) = m.split_at(m.char_indices().nth(1).map(|(i, _)| i).unwrap_or(m.len()));
    let m = format!("{letter}{}", pad(digits, 2)?);
    Some(format!(
        "{}.{}.{}.{m}-{}-{}",
        pad(v, 3)?,
        pad(z, 2)?,
        pad(y, 2)?,
        pad(date, 6).filter(|_| date.len() == 6)?,
        pad(seq, 4)?
    ))
}

/// The receiving date of a well-formed code.
pub fn received_date(code: &str) -> Option<Date> {
    let date = code.split('-').nth(1)?;
    let n = |r: std::ops::Range<usize>| date.get(r).and_then(|s| s.parse::<u8>().ok());
    let month = Month::try_from(n(2..4)?).ok()?;
    Date::from_calendar_date(2000 + i32::from(n(0..2)?), month, n(4..6)?).ok()
}

fn check_date(code: &str, format: &DossierFormat, today: Date) -> Result<()> {
    let date = code.split('-').nth(1).unwrap_or_default();
    let Some(received) = received_date(code) else {
        return Err(Problem::new("dossier-date", format!("{date} in {code} is not a date (YYMMDD)"))
            .field("code")
            .arg("date", date)
            .arg("example", &format.example)
            .into());
    };
    if received > today {
        return Err(Problem::new("dossier-future", format!("{code} is dated {received}, after today"))
            .field("code")
            .arg("date", date)
            .arg("example", &format.example)
            .into());
    }
    Ok(())
}

/// Checks a receipt secret (a PIN, or the last digits of the applicant's phone).
pub fn check_secret(input: &str) -> Result<String> {
    use mycity_protocol::dossier::{SECRET_MAX, SECRET_MIN};
    let s = input.trim();
    if !(SECRET_MIN..=SECRET_MAX).contains(&s.chars().count()) || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Problem::new(
            "dossier-secret",
            format!("the secret is {SECRET_MIN}-{SECRET_MAX} letters or digits"),
        )
        .field("secret")
        .arg("min", SECRET_MIN)
        .arg("max", SECRET_MAX)
        .into());
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::pack::Localized;

    fn f() -> DossierFormat {
        DossierFormat {
            pattern: r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}-[0-9]{6}-[0-9]{4}$".into(),
            example: "000.00.12.H23-250101-0001".into(),
            system: Localized::default(),
        }
    }
    const TODAY: Date = date!(2026 - 03 - 20);

    fn code(s: &str) -> std::result::Result<String, String> {
        check_code(&f(), s, TODAY).map_err(|e| match e {
            Error::Invalid(p) => p.code.to_owned(),
            e => e.to_string(),
        })
    }

    #[test]
    fn normalises_what_people_type() {
        let want = Ok("000.00.12.H23-250101-0001".to_owned());
        assert_eq!(code(" 000.00.12.h23-250101-0001 "), want);
        assert_eq!(code("000.00.12.H23 – 250101 — 0001"), want);
        assert_eq!(code("000 . 00 . 12 . H23-250101-1"), want);
        assert_eq!(code("00.12.H23-250101-0001"), want, "the leading 000 group");
        assert_eq!(code("0.0.12.H23-250101-0001"), want);
    }

    #[test]
    fn refuses_bad_shapes_dates_and_the_future() {
        assert_eq!(code(""), Err("dossier-empty".into()));
        assert_eq!(code("abc"), Err("dossier-shape".into()));
        assert_eq!(code("000.00.12.H23-25011-0001"), Err("dossier-shape".into()), "five-digit date is ambiguous");
        assert_eq!(code("000.00.12.H23-250101-12345"), Err("dossier-shape".into()));
        assert_eq!(code("000.00.12.X23-250101-0001"), Err("dossier-shape".into()));
        assert_eq!(code("000.00.12.H23-251301-0001"), Err("dossier-date".into()));
        assert_eq!(code("000.00.12.H23-250230-0001"), Err("dossier-date".into()));
        assert_eq!(code("000.00.12.H23-260321-0001"), Err("dossier-future".into()));
        assert_eq!(code("000.00.12.H23-260320-0001"), Ok("000.00.12.H23-260320-0001".into()));
        assert_eq!(code(&"9".repeat(500)), Err("dossier-too-long".into()));
        let e = check_code(&f(), "abc", TODAY).unwrap_err().to_string();
        assert!(e.contains("e.g. 000.00.12.H23"), "{e}");
    }

    #[test]
    fn secrets_are_short_letters_or_digits() {
        assert_eq!(check_secret(" 1234 ").unwrap(), "1234");
        assert!(check_secret("123").is_err());
        assert!(check_secret("12 34").is_err());
        assert!(check_secret("1234567890123").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,70}") {
            let _ = check_code(&f(), &s, TODAY);
        }
    }
}
