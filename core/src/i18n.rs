//! Translations: Fluent bundles for Vietnamese (default) and English.
//!
//! The `.ftl` files live in `assets/i18n/` and are compiled in, so text is
//! there offline and a missing file cannot happen at run time.

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

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

/// The UI's strings in one language.
pub struct Texts {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Texts {
    /// Loads the strings of `lang`.
    pub fn new(lang: Lang) -> Texts {
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
        Texts { lang, bundle }
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
            let count = !v.is_empty() && v.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
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

    /// A place's ticket line ("Vé: 60.000 đ", "Miễn phí"), or `None` when the pack gives no price.
    pub fn ticket(&self, price_vnd: Option<i64>) -> Option<String> {
        match price_vnd? {
            0 => Some(self.get("ticket-free")),
            p => Some(self.args("ticket-price", &[("price", &self.number(p))])),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn missing_key_falls_back_to_key_and_args_format() {
        let t = Texts::new(Lang::En);
        assert_eq!(t.get("no-such-key"), "no-such-key");
        assert_eq!(Texts::new(Lang::Vi).get("tab-home"), "Trang chủ");
        assert_eq!(Lang::parse("en-GB"), Lang::En);
        assert_eq!(Lang::parse("xx"), Lang::Vi);
    }
}
