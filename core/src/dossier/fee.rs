//! A dossier's fee (status 6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
//! payable from any Vietnamese banking app by scanning a VietQR: the amount
//! in figures and in words, the account it goes to, the reference the city
//! matches the payment by, and the code itself.

use mycity_protocol::dossier::{DossierReply, DossierStatus};
use serde::Serialize;

use crate::{i18n, vietqr, Texts};

/// Pixels per module of the drawn code's nominal size (it is an SVG: it scales).
const MODULE_PX: u32 = 6;

/// What the Hồ sơ screen shows to pay a dossier's fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    /// The amount, in đồng.
    pub amount_vnd: i64,
    /// The amount in figures, in the person's language ("150.000 đ").
    pub amount: String,
    /// The amount in words, as on a payment slip ("Một trăm năm mươi nghìn đồng").
    pub amount_words: String,
    /// The bank ("VietinBank").
    pub bank: String,
    /// The account number.
    pub account: String,
    /// The account holder.
    pub account_name: String,
    /// The transfer's content as the code carries it (the dossier code).
    pub reference: String,
    /// The end of the reference that did not fit in the code, if any: the
    /// person types it into the transfer's content themselves.
    pub reference_cut: Option<String>,
    /// The VietQR text.
    pub payload: String,
    /// The VietQR drawn as an SVG document.
    pub svg: String,
    /// Every transfer detail as text, for "copy transfer details".
    pub details: String,
    /// The applicant told the office the fee is transferred; waiting for its confirmation.
    pub paid_reported: bool,
}

/// The fee of `reply`, when it asks for one and says where to pay; `None`
/// otherwise, or when the server's payee cannot make a valid VietQR (the
/// amount still shows; the problem goes to the log).
pub(crate) fn fee(t: &Texts, reply: &DossierReply) -> Option<Fee> {
    if reply.status != DossierStatus::NeedsPayment {
        return None;
    }
    let (payee, amount_vnd) = (reply.payee.as_ref()?, reply.amount_vnd.filter(|a| *a > 0)?);
    let transfer = vietqr::Transfer {
        bin: payee.bin.clone(),
        account: payee.account.clone(),
        amount: Some(amount_vnd as u64),
        info: Some(payee.reference.clone()),
        reusable: false,
    };
    let built = vietqr::payload(&transfer).and_then(|p| Ok((crate::qr::svg(&p.text, MODULE_PX)?, p)));
    let (svg, payload) = match built {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(code = %reply.code, %e, "the server's payee makes no VietQR");
            return None;
        }
    };
    let amount = t.args("dossier-fee-amount", &[("amount", &t.number(amount_vnd))]);
    let words = t.args("dossier-fee-words", &[("words", &i18n::number_words(t.lang(), amount_vnd as u64))]);
    let amount_words = capitalised(&words);
    let reference = payload.info.clone().unwrap_or_default();
    let details = t.args(
        "dossier-fee-details",
        &[
            ("bank", &payee.bank),
            ("account", &payee.account),
            ("holder", &payee.account_name),
            ("amount", &amount),
            ("reference", &payee.reference),
        ],
    );
    Some(Fee {
        amount_vnd,
        amount,
        amount_words,
        bank: payee.bank.clone(),
        account: payee.account.clone(),
        account_name: payee.account_name.clone(),
        reference,
        reference_cut: payload.info_cut.clone(),
        payload: payload.text,
        svg,
        details,
        paid_reported: reply.paid_reported_at.is_some(),
    })
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use mycity_protocol::dossier::Payee;

    use super::*;
    use crate::Lang;

    fn reply(status: DossierStatus, amount: Option<i64>, payee: bool) -> DossierReply {
        serde_json::from_value::<DossierReply>(serde_json::json!({
            "code": "000.00.00.H17-261120-0006", "city": "ha-giang", "procedure_code": "1.002891",
            "procedure_name": "Cấp giấy phép xây dựng", "agency": "UBND", "applicant": "V** T** G***",
            "received_at": "2026-11-20T08:00:00+07:00", "status": status.code(), "amount_vnd": amount,
            "updated_at": "2026-11-21T08:00:00+07:00"
        }))
        .map(|mut r| {
            r.payee = payee.then(|| Payee {
                bin: "970415".into(),
                bank: "VietinBank".into(),
                account: "113000201001".into(),
                account_name: "TRUNG TAM PHUC VU HANH CHINH CONG TINH HA GIANG".into(),
                reference: r.code.clone(),
            });
            r
        })
        .unwrap()
    }

    #[test]
    fn a_fee_to_pay_gives_a_vietqr_that_reads_back_as_the_transfer() {
        let t = Texts::new(Lang::Vi);
        let f = fee(&t, &reply(DossierStatus::NeedsPayment, Some(150_000), true)).unwrap();
        assert_eq!(f.amount_words, "Một trăm năm mươi nghìn đồng");
        assert!(f.amount.contains("150.000"), "{}", f.amount);
        let transfer = vietqr::parse(&f.payload).unwrap();
        assert_eq!(transfer.amount, Some(150_000));
        assert_eq!(transfer.info.as_deref(), Some("000.00.00.H17-261120-0006"));
        assert_eq!(f.reference_cut, None);
        assert!(f.svg.starts_with("<svg") && f.details.contains("113000201001"), "{}", f.details);
        let en = fee(&Texts::new(Lang::En), &reply(DossierStatus::NeedsPayment, Some(150_000), true)).unwrap();
        assert_eq!(en.amount_words, "One hundred fifty thousand dong");
    }

    #[test]
    fn no_fee_without_status_6_an_amount_or_a_payee() {
        let t = Texts::new(Lang::Vi);
        assert!(fee(&t, &reply(DossierStatus::Processing, Some(150_000), true)).is_none());
        assert!(fee(&t, &reply(DossierStatus::NeedsPayment, None, true)).is_none());
        assert!(fee(&t, &reply(DossierStatus::NeedsPayment, Some(0), true)).is_none());
        assert!(fee(&t, &reply(DossierStatus::NeedsPayment, Some(150_000), false)).is_none());
        // A server payee that makes no valid code: no VietQR, and no panic.
        let mut bad = reply(DossierStatus::NeedsPayment, Some(150_000), true);
        bad.payee.as_mut().unwrap().account = "not digits".into();
        assert!(fee(&t, &bad).is_none());
    }
}
