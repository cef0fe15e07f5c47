//! Translations: Fluent bundles for Vietnamese (default) and English.
//!
//! The `.ftl` files live in `assets/i18n/` and are compiled in, so text is
//! there offline and a missing file cannot happen at run time.

use std::sync::{Arc, OnceLock};

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

use crate::{Error, Problem};

const VI: &str = include_str!("../../assets/i18n/vi.ftl");
const EN: &str = include_str!("../../assets/i18n/en.ftl");

/// The app's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses a code; anything but English means Vietnamese.
    pub fn parse(s: &str) -> Lang {
        if s.trim().eq_ignore_ascii_case("en") || s.trim().to_ascii_lowercase().starts_with("en-") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// The UI's strings in one language. Cheap to make and to clone: each
/// language's Fluent files are parsed once per process and shared.
#[derive(Clone)]
pub struct Texts {
    lang: Lang,
    bundle: Arc<FluentBundle<FluentResource>>,
    /// The city's offset from UTC: dates show on the city's wall clock.
    offset: time::UtcOffset,
}

/// The Fluent bundle of `lang`'s compiled-in strings.
fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let (src, id) = match lang {
        Lang::Vi => (VI, unic_langid::langid!("vi")),
        Lang::En => (EN, unic_langid::langid!("en")),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around arguments show as boxes in some fonts and break tests on text.
    bundle.set_use_isolating(false);
    // The files are compiled in and checked by tests; a parse error keeps the good entries.
    let res = FluentResource::try_new(src.to_owned()).unwrap_or_else(|(res, _)| res);
    let _ = bundle.add_resource(res);
    bundle
}

impl Texts {
    /// The strings of `lang`.
    pub fn new(lang: Lang) -> Texts {
        // Parsing a language's strings took most of a bindings call that
        // renders text (docs/BENCHMARKS.md, "Bindings"): once per process.
        static BUNDLES: [OnceLock<Arc<FluentBundle<FluentResource>>>; 2] = [OnceLock::new(), OnceLock::new()];
        let bundle = BUNDLES[lang as usize].get_or_init(|| Arc::new(bundle(lang))).clone();
        // Every city MyCity serves is on Indochina Time; `with_offset` sets another.
        let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
        Texts { lang, bundle, offset }
    }

    /// These strings, with dates shown at `offset` from UTC (the city's).
    pub fn with_offset(mut self, offset: time::UtcOffset) -> Texts {
        self.offset = offset;
        self
    }

    /// The language of these strings.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The string for `key`; the key itself when missing, so a gap shows instead of crashing.
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The string for `key` with named arguments.
    pub fn args(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            // Counts are passed as numbers so plural rules work. Only plain
            // integers: "60.000" is a Vietnamese sixty thousand, not 60.
            // A leading zero marks a phone number or code ("02361022"), which must keep it.
            let digits = v.trim_start_matches('-');
            let count = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !(digits.len() > 1 && digits.starts_with('0'));
            match v.parse::<i64>() {
                Ok(n) if count => fa.set(*k, FluentValue::from(n)),
                _ => fa.set(*k, FluentValue::from(*v)),
            }
        }
        self.format(key, Some(&fa))
    }

    /// A whole number grouped the language's way: `60.000` in Vietnamese, `60,000` in English.
    pub fn number(&self, n: i64) -> String {
        let sep = match self.lang {
            Lang::Vi => '.',
            Lang::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// A distance for people: "840 m" (to 10 m) under a kilometre, else
    /// "1,2 km" in Vietnamese and "1.2 km" in English.
    pub fn distance(&self, metres: f64) -> String {
        if !metres.is_finite() || metres < 0.0 {
            return "–".to_owned();
        }
        if metres < 995.0 {
            return format!("{} m", ((metres / 10.0).round() * 10.0) as i64);
        }
        let tenths = (metres / 100.0).round() as i64;
        let point = if self.lang == Lang::Vi { ',' } else { '.' };
        format!("{}{point}{} km", self.number(tenths / 10), tenths % 10)
    }

    /// A file size for people: "850 KB", "6,3 MB" in Vietnamese, "6.3 MB" in
    /// English (binary units, as phones show their files).
    pub fn size(&self, bytes: u64) -> String {
        const MB: u64 = 1024 * 1024;
        if bytes < MB {
            return format!("{} KB", self.number(bytes.div_ceil(1024) as i64));
        }
        let tenths = (bytes * 10 + MB / 2) / MB;
        let point = if self.lang == Lang::Vi { ',' } else { '.' };
        format!("{}{point}{} MB", self.number((tenths / 10) as i64), tenths % 10)
    }

    /// A place's ticket line ("Vé: 60.000 đ", "Miễn phí"), or `None` when the pack gives no price.
    pub fn ticket(&self, price_vnd: Option<i64>) -> Option<String> {
        match price_vnd? {
            0 => Some(self.get("ticket-free")),
            p => Some(self.args("ticket-price", &[("price", &self.number(p))])),
        }
    }

    /// A moment as people say it on the city's clock: "hôm nay, 20:39",
    /// "hôm qua, 08:05", or "20:39, 23/11/2026" ("today, 20:39", "23 Nov 2026, 20:39").
    /// An ISO 8601 text that does not parse is shown as it came.
    pub fn when(&self, iso: &str) -> String {
        use time::format_description::well_known::Rfc3339;
        match time::OffsetDateTime::parse(iso.trim(), &Rfc3339) {
            Ok(at) => self.when_at(at, time::OffsetDateTime::now_utc()),
            Err(_) => iso.to_owned(),
        }
    }

    /// A unix time as [`Texts::when`] shows it.
    pub fn when_unix(&self, unix: i64) -> String {
        match time::OffsetDateTime::from_unix_timestamp(unix) {
            Ok(at) => self.when_at(at, time::OffsetDateTime::now_utc()),
            Err(_) => unix.to_string(),
        }
    }

    /// The calendar date of a unix time on the city's clock, as [`Texts::date`] shows it.
    pub fn date_unix(&self, unix: i64) -> String {
        match time::OffsetDateTime::from_unix_timestamp(unix) {
            Ok(at) => self.date(at.to_offset(self.offset).date()),
            Err(_) => unix.to_string(),
        }
    }

    /// The time of day of a unix time on the city's clock: "09:05".
    pub fn clock(&self, unix: i64) -> String {
        match time::OffsetDateTime::from_unix_timestamp(unix) {
            Ok(at) => {
                let at = at.to_offset(self.offset);
                format!("{:02}:{:02}", at.hour(), at.minute())
            }
            Err(_) => unix.to_string(),
        }
    }

    /// [`Texts::when`] against a given `now`, for tests.
    pub fn when_at(&self, at: time::OffsetDateTime, now: time::OffsetDateTime) -> String {
        let (at, now) = (at.to_offset(self.offset), now.to_offset(self.offset));
        let clock = format!("{:02}:{:02}", at.hour(), at.minute());
        let days = (now.date().to_julian_day() - at.date().to_julian_day()) as i64;
        match days {
            0 => self.args("date-today", &[("time", &clock)]),
            1 => self.args("date-yesterday", &[("time", &clock)]),
            _ => self.args("date-full", &[("time", &clock), ("date", &self.date(at.date()))]),
        }
    }

    /// A calendar date: "23/11/2026" in Vietnamese, "23 Nov 2026" in English.
    pub fn date(&self, d: time::Date) -> String {
        match self.lang {
            Lang::Vi => format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()),
            Lang::En => {
                let m = d.month().to_string();
                format!("{} {} {}", d.day(), &m[..3.min(m.len())], d.year())
            }
        }
    }

    /// How long ago a unix time was: "vừa xong", "5 phút trước", "3 ngày trước".
    pub fn age(&self, then: i64) -> String {
        self.age_at(then, crate::city::now())
    }

    /// [`Texts::age`] against a given `now`, for tests.
    pub fn age_at(&self, then: i64, now: i64) -> String {
        let secs = (now - then).max(0);
        let n = |v: i64| v.to_string();
        match secs {
            0..60 => self.get("age-just-now"),
            60..3600 => self.args("age-minutes", &[("n", &n(secs / 60))]),
            3600..86400 => self.args("age-hours", &[("n", &n(secs / 3600))]),
            _ => self.args("age-days", &[("n", &n(secs / 86400))]),
        }
    }

    /// An error of the core in words for the person using the app: input
    /// problems by their code and arguments, other kinds by what to do next.
    /// The technical text stays in the logs.
    pub fn error(&self, e: &Error) -> String {
        tracing::debug!(error = %e, "shown to the user");
        match e {
            Error::Invalid(p) => self.problem(p),
            Error::Network(_) => self.get("error-network"),
            Error::Server { retry_after_s: Some(s), .. } => {
                self.args("error-server-busy", &[("seconds", &s.to_string())])
            }
            Error::Server { status, .. } => self.args("error-server", &[("status", &status.to_string())]),
            Error::NoServer => self.get("error-no-server"),
            Error::Storage(_) => self.get("error-storage"),
            Error::Io(_) => self.get("error-io"),
            Error::InvalidPack(_) => self.get("error-invalid-pack"),
            Error::UnknownCity(_) => self.get("error-unknown-city"),
        }
    }

    /// An input problem in this language (`problem-<code>` with its arguments).
    pub fn problem(&self, p: &Problem) -> String {
        let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.args(&format!("problem-{}", p.code), &args)
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = self.lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = vec![];
        self.bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }
}

/// A whole number in words, as written on a payment slip under the figures
/// ("một trăm năm mươi nghìn", "one hundred fifty thousand"), so an amount
/// can be checked by reading it. Vietnamese follows the usual reading:
/// "linh" for a lone unit after hundreds, "mốt", "tư" and "lăm" after tens,
/// "không trăm" inside a larger number.
pub fn number_words(lang: Lang, n: u64) -> String {
    const VI: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
    const EN: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const EN_TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    if n == 0 {
        return match lang {
            Lang::Vi => VI[0],
            Lang::En => EN[0],
        }
        .to_owned();
    }
    let scales: &[&str] = match lang {
        Lang::Vi => &["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"],
        Lang::En => &["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"],
    };
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 1000) as usize);
        rest /= 1000;
    }
    let mut out: Vec<String> = Vec::new();
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        let leading = i == groups.len() - 1;
        let (h, t, u) = (g / 100, g / 10 % 10, g % 10);
        match lang {
            Lang::Vi => {
                if h > 0 || !leading {
                    out.push(format!("{} trăm", VI[h]));
                }
                match t {
                    0 if u > 0 && (h > 0 || !leading) => out.push("linh".into()),
                    0 => {}
                    1 => out.push("mười".into()),
                    t => out.push(format!("{} mươi", VI[t])),
                }
                match u {
                    0 => {}
                    1 if t > 1 => out.push("mốt".into()),
                    4 if t > 1 => out.push("tư".into()),
                    5 if t > 0 => out.push("lăm".into()),
                    u => out.push(VI[u].into()),
                }
            }
            Lang::En => {
                if h > 0 {
                    out.push(format!("{} hundred", EN[h]));
                }
                match t * 10 + u {
                    0 => {}
                    r if r < 20 => out.push(EN[r].into()),
                    _ if u == 0 => out.push(EN_TENS[t].into()),
                    _ => out.push(format!("{}-{}", EN_TENS[t], EN[u])),
                }
            }
        }
        if !scales[i].is_empty() {
            out.push(scales[i].into());
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        let (vi, en) = (Texts::new(Lang::Vi), Texts::new(Lang::En));
        assert_eq!(vi.distance(24.0), "20 m");
        assert_eq!(vi.distance(844.0), "840 m");
        assert_eq!(vi.distance(996.0), "1,0 km");
        assert_eq!(vi.distance(2051.0), "2,1 km");
        assert_eq!(en.distance(2051.0), "2.1 km");
        assert_eq!(en.distance(12_345.0), "12.3 km");
        assert_eq!(en.distance(f64::NAN), "–");
    }

    #[test]
    fn sizes_read_as_a_phone_shows_them() {
        let (vi, en) = (Texts::new(Lang::Vi), Texts::new(Lang::En));
        assert_eq!(vi.size(1), "1 KB");
        assert_eq!(vi.size(850 * 1024), "850 KB");
        assert_eq!(vi.size(6_606_028), "6,3 MB");
        assert_eq!(en.size(6_606_028), "6.3 MB");
        assert_eq!(en.size(60 * 1024 * 1024), "60.0 MB");
        assert_eq!(en.size(1500 * 1024 * 1024), "1,500.0 MB");
    }

    fn keys(src: &str) -> Vec<String> {
        let res = FluentResource::try_new(src.to_owned()).expect("ftl parses without errors");
        let mut out: Vec<String> = res
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(VI), keys(EN));
    }

    #[test]
    fn prices_are_grouped_the_language_way_and_never_read_as_decimals() {
        let (vi, en) = (Texts::new(Lang::Vi), Texts::new(Lang::En));
        assert_eq!(vi.ticket(Some(60_000)).unwrap(), "Vé: 60.000 đ");
        assert_eq!(en.ticket(Some(60_000)).unwrap(), "Ticket: 60,000 VND");
        assert_eq!(vi.ticket(Some(1_500_000)).unwrap(), "Vé: 1.500.000 đ");
        assert_eq!(vi.ticket(Some(0)).unwrap(), "Miễn phí");
        assert_eq!(vi.ticket(None), None);
        assert_eq!((vi.number(0), vi.number(999), en.number(-25_000)), ("0".into(), "999".into(), "-25,000".into()));
        assert_eq!(vi.args("ticket-price", &[("price", "60.000")]), "Vé: 60.000 đ");
        assert_eq!(vi.args("sos-dial-mobile", &[("number", "02361022")]), "Từ di động gọi 02361022");
    }

    /// Every `Problem::new(<code>, …)` in the core's sources has a message in
    /// both languages, so a new problem cannot reach a screen as a bare key.
    #[test]
    fn every_problem_code_has_a_message() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut files = vec![];
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let re = regex::Regex::new(r#"(?:Problem::new|invalid)\(\s*"([a-z0-9-]+)""#).unwrap();
        let codes: std::collections::BTreeSet<String> =
            files.iter().flat_map(|f| re.captures_iter(f).map(|c| c[1].to_owned()).collect::<Vec<_>>()).collect();
        assert!(codes.len() > 20, "found only {codes:?}");
        let (vi, en) = (keys(VI), keys(EN));
        for code in codes {
            let key = format!("problem-{code}");
            assert!(vi.contains(&key) && en.contains(&key), "{key} is missing from vi.ftl or en.ftl");
        }
    }

    #[test]
    fn errors_read_in_the_chosen_language_with_their_arguments() {
        let p = Problem::new("report-description-too-long", "technical")
            .field("description")
            .arg("len", 4100)
            .arg("max", 4000);
        let e = Error::from(p);
        assert_eq!(Texts::new(Lang::Vi).error(&e), "Mô tả có 4100 ký tự; tối đa 4000.");
        assert_eq!(Texts::new(Lang::En).error(&e), "The description has 4100 characters; at most 4000.");
        assert!(Texts::new(Lang::Vi).error(&Error::Network("dns".into())).starts_with("Không có kết nối"));
        let busy = Error::Server { status: 503, message: "x".into(), retry_after_s: Some(30) };
        assert!(Texts::new(Lang::En).error(&busy).contains("30 seconds"));
        assert!(!Texts::new(Lang::En).error(&e).contains("technical"));
    }

    #[test]
    fn dates_read_as_people_say_them_on_the_city_clock() {
        use time::macros::datetime;
        let (vi, en) = (Texts::new(Lang::Vi), Texts::new(Lang::En));
        let now = datetime!(2026-11-23 14:00 UTC); // 21:00 in Hà Giang
        assert_eq!(vi.when_at(datetime!(2026-11-23 13:39:34 UTC), now), "hôm nay, 20:39");
        assert_eq!(en.when_at(datetime!(2026-11-23 13:39:34 UTC), now), "today, 20:39");
        // 23:30 UTC on the 22nd is already the 23rd in Vietnam.
        assert_eq!(vi.when_at(datetime!(2026-11-22 23:30 UTC), now), "hôm nay, 06:30");
        assert_eq!(vi.when_at(datetime!(2026-11-22 10:05 UTC), now), "hôm qua, 17:05");
        assert_eq!(vi.when_at(datetime!(2026-11-03 01:00 UTC), now), "08:00, 03/11/2026");
        assert_eq!(en.when_at(datetime!(2026-11-03 01:00 UTC), now), "3 Nov 2026, 08:00");
        assert_ne!(vi.when("2026-11-23T20:39:34+07:00"), "2026-11-23T20:39:34+07:00");
        assert_eq!(vi.when("not a date"), "not a date");
        assert_eq!(vi.age_at(1000, 1000 + 300), "5 phút trước");
        assert_eq!(en.age_at(1000, 1000 + 7200), "2 h ago");
        assert_eq!(vi.age_at(1000, 1010), "vừa xong");
    }

    #[test]
    fn missing_key_falls_back_to_key_and_args_format() {
        let t = Texts::new(Lang::En);
        assert_eq!(t.get("no-such-key"), "no-such-key");
        assert_eq!(Texts::new(Lang::Vi).get("tab-home"), "Trang chủ");
        assert_eq!(Lang::parse("en-GB"), Lang::En);
        assert_eq!(Lang::parse("xx"), Lang::Vi);
    }

    #[test]
    fn amounts_in_words_as_on_a_payment_slip() {
        let vi = |n| number_words(Lang::Vi, n);
        let en = |n| number_words(Lang::En, n);
        assert_eq!(vi(150_000), "một trăm năm mươi nghìn");
        assert_eq!(vi(0), "không");
        assert_eq!(vi(15), "mười lăm");
        assert_eq!(vi(21), "hai mươi mốt");
        assert_eq!(vi(24), "hai mươi tư");
        assert_eq!(vi(105), "một trăm linh năm");
        assert_eq!(vi(1_005_000), "một triệu không trăm linh năm nghìn");
        assert_eq!(vi(2_500_000_000), "hai tỷ năm trăm triệu");
        assert_eq!(vi(1_000_011), "một triệu không trăm mười một");
        assert_eq!(en(150_000), "one hundred fifty thousand");
        assert_eq!(en(1_005_042), "one million five thousand forty-two");
        assert_eq!(en(19), "nineteen");
        assert_eq!(en(u64::MAX).split(' ').next(), Some("eighteen"));
        assert!(vi(u64::MAX).starts_with("mười tám tỷ tỷ"));
    }
}
