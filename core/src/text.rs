//! Vietnamese text folding for search.
//!
//! People type "dong van", "ĐỒNG VĂN" or "Đồng Văn" and expect the same hits.
//! SQLite's FTS5 `remove_diacritics` does not fold `đ`, so the core indexes and
//! queries text it folded itself.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds text for search: Unicode NFD, combining marks dropped, `đ/Đ → d`, lowercase.
///
/// ```
/// assert_eq!(mycity_core::text::fold("Đồng Văn"), "dong van");
/// assert_eq!(mycity_core::text::fold("ĐỒNG VĂN"), "dong van");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits folded text into search terms: runs of letters and digits.
pub fn terms(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Builds an FTS5 MATCH expression from what a person typed: every term must
/// appear, the last one as a prefix (so results follow typing). Returns `None`
/// when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let folded = fold(input);
    let terms: Vec<&str> = terms(&folded).take(8).collect();
    let (last, rest) = terms.split_last()?;
    // Terms hold only alphanumerics, so quoting them cannot break the syntax.
    let mut q = String::new();
    for t in rest {
        q.push('"');
        q.push_str(t);
        q.push_str("\" ");
    }
    q.push('"');
    q.push_str(last);
    q.push_str("\"*");
    Some(q)
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
        let decomposed: String = "Mã Pì Lèng".nfd().collect();
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
        assert_eq!(fts_query("Đồng Vă").as_deref(), Some("\"dong\" \"va\"*"));
        assert_eq!(fts_query("AND OR NOT").as_deref(), Some("\"and\" \"or\" \"not\"*"));
    }
}
