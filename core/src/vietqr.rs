//! VietQR: the code any Vietnamese banking app reads to make a 24/7
//! transfer, for paying a dossier's fee (status 6, "Yêu cầu thực hiện nghĩa
//! vụ tài chính") without typing the city's account.
//!
//! A VietQR is NAPAS's profile of the EMVCo merchant-presented QR: a string
//! of ID–length–value fields. The ones a transfer needs:
//!
//! | ID | what | here |
//! |---|---|---|
//! | 00 | payload format | `01` |
//! | 01 | point of initiation | `11` reusable, `12` for one payment |
//! | 38 | merchant account | `00` NAPAS's AID `A000000727`; `01` the beneficiary (`00` bank BIN, `01` account); `02` service `QRIBFTTA` (to an account) |
//! | 53 | currency | `704` (đồng) |
//! | 54 | amount | whole đồng, when set |
//! | 58 | country | `VN` |
//! | 62 | additional data | `08` purpose of the transfer: the reference the city matches the payment by |
//! | 63 | CRC | CRC-16/CCITT-FALSE of everything before it, `6304` included, 4 upper-case hex digits |
//!
//! Values are printable ASCII, so the reference is written without
//! diacritics ("Lệ phí" → "Le phi"), as banks print transfer contents, and
//! cut to the field's 25 characters, with what was cut handed back so the
//! person is told.

use serde::Serialize;

use crate::error::{Error, Problem, Result};

/// NAPAS's application identifier, the first field of its merchant account template.
const NAPAS_AID: &str = "A000000727";
/// Service code of a 24/7 transfer to a bank account.
const TO_ACCOUNT: &str = "QRIBFTTA";
/// Longest purpose-of-transaction text (EMVCo: additional data sub-fields hold 25 characters).
pub const MAX_INFO: usize = 25;
/// Longest account number the beneficiary field holds.
pub const MAX_ACCOUNT: usize = 19;
/// Largest amount the 13-character amount field holds, in đồng.
pub const MAX_AMOUNT: u64 = 9_999_999_999_999;

/// A transfer to put in a VietQR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    /// The beneficiary bank's 6-digit NAPAS BIN (`970415` is VietinBank).
    pub bin: String,
    /// The beneficiary's account number, digits only.
    pub account: String,
    /// The amount in đồng; `None` lets the payer type it.
    pub amount: Option<u64>,
    /// What the transfer is for: the city matches payments by it (the dossier code).
    pub info: Option<String>,
    /// Whether the code may be paid more than once (a shop's counter sign)
    /// rather than for this one payment.
    pub reusable: bool,
}

/// A VietQR, ready to draw with [`crate::qr::svg`] or [`crate::qr::png`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payload {
    /// The text the QR code holds.
    pub text: String,
    /// The reference as written into the code (without diacritics, at most [`MAX_INFO`] characters).
    pub info: Option<String>,
    /// The end of the reference that did not fit, to tell the person; `None` when nothing was cut.
    pub info_cut: Option<String>,
}

fn problem(code: &'static str, field: &'static str, detail: String) -> Error {
    Problem::new(code, detail).field(field).into()
}

/// The VietQR text for `transfer`.
///
/// A BIN that is not 6 digits (`vietqr-bin`), an account that is empty, too
/// long or not all digits (`vietqr-account`) or an amount of 0 or past the
/// field (`vietqr-amount`) are refused; a reference too long is cut to fit
/// and [`Payload::info_cut`] says what was left out.
pub fn payload(transfer: &Transfer) -> Result<Payload> {
    let bin = transfer.bin.trim();
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem("vietqr-bin", "bin", format!("a bank BIN is 6 digits, not {bin:?}")));
    }
    // People copy account numbers with spaces or dashes between groups.
    let account: String = transfer.account.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    if account.is_empty() || account.len() > MAX_ACCOUNT || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::new(
            "vietqr-account",
            format!("an account number is 1–{MAX_ACCOUNT} digits, not {account:?}"),
        )
        .field("account")
        .arg("max", MAX_ACCOUNT)
        .into());
    }
    if let Some(amount) = transfer.amount {
        if amount == 0 || amount > MAX_AMOUNT {
            return Err(problem(
                "vietqr-amount",
                "amount",
                format!("the amount must be 1 to {MAX_AMOUNT} đồng, not {amount}"),
            ));
        }
    }
    let (info, info_cut) = match transfer.info.as_deref().map(ascii_text).filter(|t| !t.is_empty()) {
        Some(text) if text.chars().count() > MAX_INFO => {
            let kept: String = text.chars().take(MAX_INFO).collect();
            let cut: String = text.chars().skip(MAX_INFO).collect();
            (Some(kept.trim_end().to_owned()), Some(cut))
        }
        other => (other, None),
    };

    let beneficiary = [field("00", bin), field("01", &account)].concat();
    let merchant = [field("00", NAPAS_AID), field("01", &beneficiary), field("02", TO_ACCOUNT)].concat();
    let mut text = [
        field("00", "01"),
        field("01", if transfer.reusable { "11" } else { "12" }),
        field("38", &merchant),
        field("53", "704"),
    ]
    .concat();
    if let Some(amount) = transfer.amount {
        text.push_str(&field("54", &amount.to_string()));
    }
    text.push_str(&field("58", "VN"));
    if let Some(info) = &info {
        text.push_str(&field("62", &field("08", info)));
    }
    text.push_str("6304");
    let crc = crc16(text.as_bytes());
    text.push_str(&format!("{crc:04X}"));
    Ok(Payload { text, info, info_cut })
}

/// One ID–length–value field. Every value here is ASCII and under 100
/// characters (checked above), so its length is its byte count.
fn field(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.len())
}

/// `s` as printable ASCII: Vietnamese letters without their marks (`đ` → `d`),
/// anything else outside printable ASCII dropped, runs of spaces made one.
fn ascii_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::without_marks(s).chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else if c.is_whitespace() && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection), as EMVCo asks.
pub fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF_u16, |crc, &b| {
        (0..8).fold(crc ^ (u16::from(b) << 8), |c, _| if c & 0x8000 != 0 { (c << 1) ^ 0x1021 } else { c << 1 })
    })
}

/// The fields of a VietQR text, read back (what a banking app sees in it):
/// for tests and for a shell that reads a code back. A text whose CRC does
/// not match, or that is not a NAPAS transfer, is refused (`vietqr-invalid`).
pub fn parse(text: &str) -> Result<Transfer> {
    let invalid = |why: &str| problem("vietqr-invalid", "payload", format!("not a VietQR transfer: {why}"));
    let (body, crc) = text.split_at_checked(text.len().saturating_sub(4)).ok_or_else(|| invalid("too short"))?;
    if !body.ends_with("6304") || u16::from_str_radix(crc, 16).ok() != Some(crc16(body.as_bytes())) {
        return Err(invalid("the CRC does not match"));
    }
    let top = fields(&body[..body.len() - 4]).ok_or_else(|| invalid("broken fields"))?;
    let get = |fs: &[(String, String)], id: &str| fs.iter().find(|(i, _)| i == id).map(|(_, v)| v.clone());
    let merchant = fields(&get(&top, "38").ok_or_else(|| invalid("no NAPAS account"))?)
        .ok_or_else(|| invalid("broken account"))?;
    if get(&merchant, "00").as_deref() != Some(NAPAS_AID) {
        return Err(invalid("not NAPAS"));
    }
    let beneficiary = fields(&get(&merchant, "01").unwrap_or_default()).ok_or_else(|| invalid("broken beneficiary"))?;
    let info = match get(&top, "62") {
        Some(extra) => get(&fields(&extra).ok_or_else(|| invalid("broken additional data"))?, "08"),
        None => None,
    };
    Ok(Transfer {
        bin: get(&beneficiary, "00").ok_or_else(|| invalid("no bank BIN"))?,
        account: get(&beneficiary, "01").ok_or_else(|| invalid("no account"))?,
        amount: get(&top, "54").map(|a| a.parse().map_err(|_| invalid("the amount is not a number"))).transpose()?,
        info,
        reusable: get(&top, "01").as_deref() != Some("12"),
    })
}

/// ID–length–value fields, in order; `None` when a length runs past the end.
fn fields(mut s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let id = s.get(..2)?;
        let len: usize = s.get(2..4)?.parse().ok()?;
        let value = s.get(4..4 + len)?;
        out.push((id.to_owned(), value.to_owned()));
        s = &s[4 + len..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(amount: Option<u64>, info: Option<&str>) -> Transfer {
        Transfer {
            bin: "970415".into(),
            account: "113366668888".into(),
            amount,
            info: info.map(str::to_owned),
            reusable: false,
        }
    }

    #[test]
    fn the_crc_is_ccitt_false() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn a_published_transfer_comes_out_character_for_character() {
        // A one-payment VietQR with an amount and a message, as published
        // with its CRC (VietinBank, 120,000 đ, "ủng hộ lũ lụt").
        let t = Transfer {
            bin: "970415".into(),
            account: "0011001932418".into(),
            amount: Some(120_000),
            info: Some("ủng hộ lũ lụt".into()),
            reusable: false,
        };
        assert_eq!(
            payload(&t).unwrap().text,
            "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA\
             530370454061200005802VN62170813ung ho lu lut6304C15C"
        );
    }

    #[test]
    fn a_dossier_fee_reads_back_through_the_cores_own_qr_reader() {
        let t = transfer(Some(150_000), Some("000.00.00.H17-251103-0042"));
        let p = payload(&t).unwrap();
        assert!(p.text.starts_with("000201010212"), "one payment: {}", p.text);
        assert_eq!(p.info_cut, None);
        let png = crate::qr::png(&p.text, 6).unwrap();
        let read = crate::qr::decode(&png).unwrap();
        assert_eq!(read, std::slice::from_ref(&p.text));
        assert_eq!(parse(&read[0]).unwrap(), t);
    }

    #[test]
    fn without_amount_or_reference_the_fields_are_left_out() {
        let p = payload(&Transfer { reusable: true, ..transfer(None, None) }).unwrap();
        assert!(!p.text.contains("5406") && !p.text.contains("62"), "{}", p.text);
        assert_eq!(parse(&p.text).unwrap().amount, None);
    }

    #[test]
    fn a_long_reference_is_cut_to_the_field_and_the_cut_is_told() {
        let p = payload(&transfer(Some(50_000), Some("Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ"))).unwrap();
        assert_eq!(p.info.as_deref(), Some("Le phi cap giay phep xay"));
        assert_eq!(p.info_cut.as_deref(), Some("dung nha o rieng le"));
        assert!(p.text.contains("62280824Le phi cap giay phep xay"), "{}", p.text);
    }

    #[test]
    fn bad_input_is_refused_with_its_field() {
        let cases = [
            (Transfer { bin: "97041".into(), ..transfer(None, None) }, "vietqr-bin"),
            (Transfer { bin: "97041A".into(), ..transfer(None, None) }, "vietqr-bin"),
            (Transfer { account: "1133ABC".into(), ..transfer(None, None) }, "vietqr-account"),
            (Transfer { account: "".into(), ..transfer(None, None) }, "vietqr-account"),
            (Transfer { account: "1".repeat(20), ..transfer(None, None) }, "vietqr-account"),
            (transfer(Some(0), None), "vietqr-amount"),
            (transfer(Some(MAX_AMOUNT + 1), None), "vietqr-amount"),
        ];
        for (t, code) in cases {
            match payload(&t) {
                Err(Error::Invalid(p)) => assert_eq!(p.code, code, "{t:?}"),
                other => panic!("{t:?}: {other:?}"),
            }
        }
        // Spaces and dashes between digit groups are what people copy: accepted.
        let spaced = payload(&Transfer { account: "1133 6666-8888".into(), ..transfer(None, None) }).unwrap();
        assert_eq!(parse(&spaced.text).unwrap().account, "113366668888");
    }

    #[test]
    fn a_damaged_or_foreign_text_is_not_read_as_a_transfer() {
        let good = payload(&transfer(Some(1000), Some("x"))).unwrap().text;
        let mut flipped = good.clone().into_bytes();
        flipped[40] = if flipped[40] == b'1' { b'2' } else { b'1' };
        for bad in
            [String::from_utf8(flipped).unwrap(), "mycity://site/ha-giang/x".into(), String::new(), "6304".into()]
        {
            assert!(matches!(parse(&bad), Err(Error::Invalid(p)) if p.code == "vietqr-invalid"), "{bad}");
        }
    }
}
