//! Dossiers (hồ sơ): receipt codes of the one-stop system.

use crate::{pack::DossierFormat, Error, Problem, Result};

/// Longest code accepted, far above any real receipt code.
const MAX_LEN: usize = 64;

/// Normalises what a person typed or scanned (spaces dropped, upper case) and
/// checks it against the city's code pattern. The error says what was expected.
pub fn check_code(format: &DossierFormat, input: &str) -> Result<String> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
    if code.is_empty() {
        return Err(Problem::new("dossier-empty", "the dossier code is empty").field("code").into());
    }
    if code.chars().count() > MAX_LEN {
        return Err(Problem::new("dossier-too-long", format!("a dossier code has at most {MAX_LEN} characters"))
            .field("code")
            .arg("max", MAX_LEN)
            .into());
    }
    let re = regex::Regex::new(&format.pattern)
        .map_err(|e| Error::InvalidPack(format!("dossier pattern does not compile: {e}")))?;
    if re.is_match(&code) {
        Ok(code)
    } else {
        Err(Problem::new(
            "dossier-shape",
            format!("{code} does not look like a dossier code (e.g. {})", format.example),
        )
        .field("code")
        .arg("code", &code)
        .arg("example", &format.example)
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Localized;

    #[test]
    fn normalises_and_checks() {
        let f = DossierFormat {
            pattern: r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}-[0-9]{6}-[0-9]{4}$".into(),
            example: "000.00.12.H23-250101-0001".into(),
            system: Localized::default(),
        };
        assert_eq!(check_code(&f, " 000.00.12.h23-250101-0001 ").unwrap(), "000.00.12.H23-250101-0001");
        assert!(check_code(&f, "").is_err());
        assert!(check_code(&f, "abc").unwrap_err().to_string().contains("e.g. 000.00.12.H23"));
        assert!(check_code(&f, &"9".repeat(500)).is_err());
    }
}
