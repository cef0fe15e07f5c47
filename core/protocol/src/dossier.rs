//! Dossiers (hồ sơ) and the procedure catalogue, as the one-stop system
//! serves them under `/api/v1/`.
//!
//! A dossier is looked up by its receipt code (Thông tư 01/2018/TT-VPCP,
//! art. 19) with the receipt's secret in the [`SECRET_HEADER`] header, never
//! in the URL, so it stays out of access logs. Statuses are the national
//! portal's sync codes 1–10 ([`DossierStatus`]).

use serde::{Deserialize, Serialize};

/// Request header carrying the receipt's secret.
pub const SECRET_HEADER: &str = "x-dossier-secret";
/// Request header naming the installation, for the per-device rate limit.
pub const DEVICE_HEADER: &str = "x-device-id";
/// Shortest receipt secret (a PIN or the last 4 digits of a phone number).
pub const SECRET_MIN: usize = 4;
/// Longest receipt secret.
pub const SECRET_MAX: usize = 12;

/// A dossier's status: the national public-service portal's sync codes 1–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DossierStatus {
    /// 1 Mới đăng ký.
    Registered,
    /// 2 Được tiếp nhận.
    Accepted,
    /// 3 Không được tiếp nhận.
    NotAccepted,
    /// 4 Đang xử lý.
    Processing,
    /// 5 Yêu cầu bổ sung giấy tờ (with what is missing).
    NeedsPapers,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính (with the amount).
    NeedsPayment,
    /// 7 Công dân yêu cầu rút hồ sơ.
    Withdrawn,
    /// 8 Dừng xử lý.
    Stopped,
    /// 9 Đã xử lý xong.
    Done,
    /// 10 Đã trả kết quả.
    Returned,
}

impl DossierStatus {
    /// Every status, in code order.
    pub const ALL: [DossierStatus; 10] = [
        DossierStatus::Registered,
        DossierStatus::Accepted,
        DossierStatus::NotAccepted,
        DossierStatus::Processing,
        DossierStatus::NeedsPapers,
        DossierStatus::NeedsPayment,
        DossierStatus::Withdrawn,
        DossierStatus::Stopped,
        DossierStatus::Done,
        DossierStatus::Returned,
    ];

    /// The national code, 1–10.
    pub fn code(self) -> u8 {
        self as u8 + 1
    }

    /// The status of a national code; `None` outside 1–10.
    pub fn from_code(code: u8) -> Option<DossierStatus> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    /// True when the office has nothing more to do (the appointment date no longer matters).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DossierStatus::NotAccepted
                | DossierStatus::Withdrawn
                | DossierStatus::Stopped
                | DossierStatus::Done
                | DossierStatus::Returned
        )
    }

    /// The portal's Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Registered => "Mới đăng ký",
            DossierStatus::Accepted => "Được tiếp nhận",
            DossierStatus::NotAccepted => "Không được tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::NeedsPapers => "Yêu cầu bổ sung giấy tờ",
            DossierStatus::NeedsPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            DossierStatus::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            DossierStatus::Stopped => "Dừng xử lý",
            DossierStatus::Done => "Đã xử lý xong",
            DossierStatus::Returned => "Đã trả kết quả",
        }
    }
}

impl Serialize for DossierStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for DossierStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u8::deserialize(d)?;
        DossierStatus::from_code(n)
            .ok_or_else(|| serde::de::Error::custom(format!("dossier status must be 1-10, got {n}")))
    }
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierStep {
    /// When (ISO 8601 with offset).
    pub at: String,
    /// The status the step led to.
    pub status: DossierStatus,
    /// The unit that handled it (bộ phận, phòng ban).
    pub unit: String,
    /// The officer's note.
    #[serde(default)]
    pub note: String,
}

/// `GET /api/v1/dossiers/{code}`: what the one-stop system tells the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierReply {
    /// The receipt code, normalised.
    pub code: String,
    /// City slug.
    pub city: String,
    /// Procedure code in the catalogue (e.g. `1.002891.000.00.00.H15`).
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// The receiving agency.
    pub agency: String,
    /// The applicant's name, masked ("Nguyễn V*** A**").
    pub applicant: String,
    /// Received (ISO 8601 with offset).
    pub received_at: String,
    /// Appointment to return the result (ngày hẹn trả), if set.
    #[serde(default)]
    pub appointment_at: Option<String>,
    /// Current status.
    pub status: DossierStatus,
    /// What papers are missing (status 5).
    #[serde(default)]
    pub missing_papers: Vec<String>,
    /// What to pay, in đồng (status 6).
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    /// Where to pay it by bank transfer (status 6), for a VietQR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Payee>,
    /// When the applicant said the fee was transferred (status 6, until the
    /// office confirms it by moving the dossier on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_reported_at: Option<String>,
    /// History, oldest first.
    #[serde(default)]
    pub history: Vec<DossierStep>,
    /// Last change (ISO 8601 with offset).
    pub updated_at: String,
}

/// The account a dossier's fee is paid into by a 24/7 bank transfer (NAPAS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    /// The bank's 6-digit NAPAS BIN.
    pub bin: String,
    /// The bank's name, as people know it ("VietinBank").
    pub bank: String,
    /// The account number.
    pub account: String,
    /// The account holder, as the bank shows it before the transfer.
    pub account_name: String,
    /// What the transfer must say, for the city to match it: the dossier code.
    pub reference: String,
}

/// `POST /admin/dossiers/{code}/advance`: a staff member moves a dossier on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceDossier {
    /// The new status.
    pub status: DossierStatus,
    /// The note shown to the applicant.
    #[serde(default)]
    pub note: String,
    /// The unit taking the step; the receiving agency when empty.
    #[serde(default)]
    pub unit: String,
    /// Missing papers (status 5).
    #[serde(default)]
    pub missing_papers: Vec<String>,
    /// Amount to pay in đồng (status 6).
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    /// A new appointment date (ISO 8601), if it moves.
    #[serde(default)]
    pub appointment_at: Option<String>,
}

/// `POST /admin/dossiers`: a staff member registers a dossier (demo, tests, benchmarks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    /// City slug.
    pub city: String,
    /// Receipt code.
    pub code: String,
    /// Receipt secret.
    pub secret: String,
    /// Procedure code in the city's catalogue.
    pub procedure_code: String,
    /// Applicant's full name (the server masks it in replies).
    pub applicant: String,
    /// Appointment date (ISO 8601 with offset).
    #[serde(default)]
    pub appointment_at: Option<String>,
    /// The applicant's account at the city's identity provider (`sub`), when
    /// the office knows it: signed in, the applicant then sees the dossier
    /// without the receipt's secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// How far a procedure can be done online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Dịch vụ công trực tuyến toàn trình: filed, paid and received online.
    Full,
    /// Dịch vụ công trực tuyến một phần: filed online, some steps in person.
    Partial,
    /// In person or by post only.
    None,
}

/// One way to file a procedure (trực tiếp, trực tuyến, bưu chính) with its time limit and fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingWay {
    /// "Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính".
    pub way: String,
    /// Time limit as the catalogue states it ("15 ngày làm việc").
    pub time_limit: String,
    /// Fee or charge as stated ("Lệ phí: 75.000 đồng"), or "Không".
    pub fee: String,
}

/// A paper to bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// What it is.
    pub name: String,
    /// Originals to bring.
    pub originals: u8,
    /// Copies to bring.
    pub copies: u8,
    /// The form template, if one applies ("Mẫu số 01").
    #[serde(default)]
    pub form: Option<String>,
}

/// A record of the national procedure database (Cơ sở dữ liệu quốc gia về thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// Code, the national one with the local suffix (`1.002891.000.00.00.H15`).
    pub code: String,
    /// City slug.
    pub city: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Level (cấp thực hiện): Cấp tỉnh, Cấp huyện, Cấp xã.
    pub level: String,
    /// Implementing agency.
    pub agency: String,
    /// Ways to file, each with its time limit and fee.
    pub ways: Vec<FilingWay>,
    /// Papers to bring.
    pub papers: Vec<Paper>,
    /// Steps.
    pub steps: Vec<String>,
    /// The result.
    pub result: String,
    /// Legal basis.
    pub legal_basis: Vec<String>,
    /// Conditions, if any.
    #[serde(default)]
    pub conditions: String,
    /// Online-service level.
    pub online: OnlineLevel,
}

/// Masks a person's name for a dossier reply: each word keeps its first
/// letter, the surname its whole ("Nguyễn Văn An" → "Nguyễn V*** A*").
pub fn mask_name(full: &str) -> String {
    let mut words = full.split_whitespace();
    let mut out = words.next().unwrap_or_default().to_owned();
    for w in words {
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            out.push(' ');
            out.push(first);
            out.extend(cs.map(|_| '*'));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_as_national_codes() {
        for s in DossierStatus::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, s.code().to_string());
            assert_eq!(serde_json::from_str::<DossierStatus>(&json).unwrap(), s);
        }
        assert_eq!(DossierStatus::from_code(0), None);
        assert_eq!(DossierStatus::from_code(11), None);
        assert!(serde_json::from_str::<DossierStatus>("11").is_err());
        assert_eq!(DossierStatus::NeedsPapers.code(), 5);
    }

    #[test]
    fn names_are_masked_after_the_surname() {
        assert_eq!(mask_name("Nguyễn Văn An"), "Nguyễn V** A*");
        assert_eq!(mask_name("  Lê  "), "Lê");
        assert_eq!(mask_name(""), "");
    }
}
