//! Vietnamese text folding for search.
//!
//! People type "dong van", "ĐỒNG VĂN" or "Đồng Văn" and expect the same hits.
//! SQLite's FTS5 `remove_diacritics` does not fold `đ`, so the core indexes and
//! queries text it folded itself.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds text for search: Unicode NFD, combining marks dropped, `đ/Đ → d`,
/// lowercase. Nothing else changes: ASCII comes out as it went in, lowercased,
/// and folding twice is folding once. Splitting into words is [`terms`]'s job.
///
/// ```
/// assert_eq!(mycity_core::text::fold("Đồng Văn"), "dong van");
/// assert_eq!(mycity_core::text::fold("ĐỒNG VĂN"), "dong van");
/// assert_eq!(mycity_core::text::fold("a_b"), "a_b");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        unmarked(c, &mut |d| {
            if d.is_ascii() {
                out.push(d.to_ascii_lowercase());
            } else {
                out.extend(d.to_lowercase());
            }
        });
    }
    out
}

/// Text without Vietnamese marks, case kept: "Lệ phí Đồng Văn" → "Le phi Dong Van",
/// for where only ASCII is read, such as a bank transfer's content.
///
/// ```
/// assert_eq!(mycity_core::text::without_marks("Lệ phí Đồng Văn"), "Le phi Dong Van");
/// ```
pub fn without_marks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        unmarked(c, &mut |d| out.push(d));
    }
    out
}

/// Gives `push` the characters of `c` without its marks (`đ/Đ → d/D`).
/// Marks are dropped, so their canonical order does not matter and a
/// per-character decomposition is enough (no NFD reordering buffer).
#[inline]
fn unmarked(c: char, push: &mut impl FnMut(char)) {
    if c.is_ascii() {
        push(c);
        return;
    }
    decompose_canonical(c, |d| match d {
        d if is_combining_mark(d) => {}
        'đ' => push('d'),
        'Đ' => push('D'),
        d => push(d),
    });
}

/// Splits folded text into search terms: runs of letters and digits.
pub fn terms(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty())
}

/// Writes the search terms of each text into `out`, folded and
/// space-separated (so punctuation such as `_` never reaches the index, where
/// `_` marks pair tokens), skipping a text whose terms repeat the previous
/// one's (an English name equal to the Vietnamese one would only double the
/// index).
pub fn index_terms(out: &mut String, texts: &[&str]) {
    out.clear();
    let mut last = String::new();
    for t in texts {
        let folded = fold(t);
        let terms = terms(&folded).collect::<Vec<_>>().join(" ");
        if terms.is_empty() || terms == last {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&terms);
        last = terms;
    }
}

/// Most terms of a query that are searched; the rest add little but cost.
const MAX_TERMS: usize = 8;

/// Writes the pair tokens of folded `text` into `out`: each two adjacent
/// words joined behind `_` ("cho dong van" → "_chodong _dongvan"). Indexed,
/// they answer phrase queries with exact look-ups.
pub fn pair_tokens(folded: &str, out: &mut String) {
    out.clear();
    let mut prev: Option<&str> = None;
    for t in terms(folded) {
        if let Some(p) = prev {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push('_');
            out.push_str(p);
            out.push_str(t);
        }
        prev = Some(t);
    }
}

/// A search as FTS5 MATCH expressions, from the strictest to the loosest.
/// The last term is a prefix everywhere, so results follow typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtsQuery {
    /// The words as typed, in a name: `name : "dong"*` for one word,
    /// the pair tokens `"_dongvan"*` for several.
    pub phrase: String,
    /// Every word, anywhere, in any order (`"dong" "van"*`).
    pub all: String,
}

/// Builds the FTS5 expressions for what a person typed; `None` when nothing
/// searchable is left (only spaces or punctuation).
pub fn fts_query(input: &str) -> Option<FtsQuery> {
    let folded = fold(input);
    let terms: Vec<&str> = terms(&folded).take(MAX_TERMS).collect();
    if terms.is_empty() {
        return None;
    }
    // Terms hold only alphanumerics, so quoting them cannot break the syntax.
    let quoted =
        |ts: &mut dyn Iterator<Item = String>| ts.map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" ") + "*";
    let all = quoted(&mut terms.iter().map(|t| t.to_string()));
    let phrase = if terms.len() == 1 {
        format!("name : {all}")
    } else {
        quoted(&mut terms.windows(2).map(|w| format!("_{}{}", w[0], w[1])))
    };
    Some(FtsQuery { phrase, all })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_marks_and_d() {
        assert_eq!(fold("Đồng Văn"), "dong van");
        assert_eq!(fold("ĐỒNG VĂN"), "dong van");
        assert_eq!(fold("dong van"), "dong van");
        assert_eq!(fold("Cột cờ Lũng Cú"), "cot co lung cu");
        assert_eq!(fold("Phường Hải Châu"), "phuong hai chau");
        assert_eq!(fold("Nguyễn Thị Định"), "nguyen thi dinh");
    }

    #[test]
    fn folds_decomposed_input_the_same() {
        let decomposed: String = unicode_normalization::UnicodeNormalization::nfd("Mã Pì Lèng").collect();
        assert_eq!(fold(&decomposed), fold("Mã Pì Lèng"));
    }

    #[test]
    fn query_of_nothing_is_none() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("  ,.;  "), None);
        assert_eq!(fts_query("\"*"), None);
    }

    #[test]
    fn query_prefixes_last_term_only() {
        let q = fts_query("Chợ Đồng Vă").unwrap();
        assert_eq!(q.phrase, "\"_chodong\" \"_dongva\"*");
        assert_eq!(q.all, "\"cho\" \"dong\" \"va\"*");
        assert_eq!(fts_query("Chợ").unwrap().phrase, "name : \"cho\"*");
        assert_eq!(fts_query("AND OR NOT").unwrap().all, "\"and\" \"or\" \"not\"*");
        assert_eq!(fts_query("a_b").unwrap().all, "\"a\" \"b\"*");
    }

    #[test]
    fn pairs_join_adjacent_words() {
        let mut out = String::new();
        pair_tokens("cho dong van", &mut out);
        assert_eq!(out, "_chodong _dongvan");
        pair_tokens("hue", &mut out);
        assert_eq!(out, "");
    }

    #[test]
    fn index_terms_skip_repeated_translation() {
        let mut s = String::new();
        index_terms(&mut s, &["Chợ Đồng Văn", "Dong Van Market"]);
        assert_eq!(s, "cho dong van dong van market");
        index_terms(&mut s, &["Hà Giang", "Ha Giang"]);
        assert_eq!(s, "ha giang");
        index_terms(&mut s, &["", "x"]);
        assert_eq!(s, "x");
        index_terms(&mut s, &["Bến_Thủy (cũ)", "Ben Thuy"]);
        assert_eq!(s, "ben thuy cu ben thuy");
    }

    #[test]
    fn underscores_and_punctuation_are_kept() {
        assert_eq!(fold("Bến_Thủy"), "ben_thuy");
        assert_eq!(fold("A-B (c), d."), "a-b (c), d.");
        assert_eq!(terms("ben_thuy").collect::<Vec<_>>(), ["ben", "thuy"]);
    }

    proptest::proptest! {
        #[test]
        fn folding_twice_is_folding_once(s in "\\PC{0,40}") {
            let once = fold(&s);
            proptest::prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn ascii_passes_through_lowercased(s in "[ -~]{0,60}") {
            proptest::prop_assert_eq!(fold(&s), s.to_ascii_lowercase());
        }

        #[test]
        fn d_with_stroke_folds_to_d_and_marks_go(
            s in proptest::collection::vec(proptest::sample::select(vec!['đ', 'Đ', 'ă', 'Ấ', 'ữ', 'Ỷ', 'a', ' ', '_']), 0..30)
        ) {
            let s: String = s.into_iter().collect();
            let folded = fold(&s);
            proptest::prop_assert!(folded.chars().all(|c| matches!(c, 'd' | 'a' | 'u' | 'y' | ' ' | '_')), "{}", folded);
            proptest::prop_assert_eq!(folded.chars().count(), s.chars().count());
        }

        #[test]
        fn composed_and_decomposed_fold_alike(s in "[a-zA-Zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ ]{0,30}") {
            let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(s.as_str()).collect();
            proptest::prop_assert_eq!(fold(&decomposed), fold(&s));
        }
    }

    #[test]
    fn folds_like_full_nfd_on_every_vietnamese_letter() {
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        let upper: String = letters.to_uppercase();
        for s in [letters, upper.as_str()] {
            let slow: String = unicode_normalization::UnicodeNormalization::nfd(s)
                .filter(|c| !is_combining_mark(*c))
                .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
                .flat_map(char::to_lowercase)
                .collect();
            assert_eq!(fold(s), slow);
        }
    }
}
