//! Dossiers (hồ sơ): a receipt read from text or a photo, the look-up with
//! the receipt's secret, the watch list the sync engine keeps current, and
//! the procedure catalogue, searchable offline.

use mycity_core as core;
use mycity_core::protocol::dossier::{DossierReply, OnlineLevel, Procedure};

use crate::{count, MyCity, MyCityError};

/// A receipt's code, with its secret when the receipt carries one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiptRecord {
    /// The checked, normalised dossier code.
    pub code: String,
    /// The secret (PIN), when the receipt has it.
    pub secret: Option<String>,
}

/// Where a dossier stands against its appointment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StandingRecord {
    /// On time (or no appointment date).
    OnTime,
    /// Past the appointment date and not finished (quá hạn).
    Overdue,
    /// Finished.
    Closed,
}

/// A step of the office's history of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierStepRecord {
    /// When (RFC 3339, the office's clock).
    pub at: String,
    /// The national status code, 1–10.
    pub status: u8,
    /// The status in the person's language.
    pub label: String,
    /// The unit that handled it.
    pub unit: String,
    /// The step's note.
    pub note: String,
}

/// A dossier as the Hồ sơ screen shows it: the last known state, with its age.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierRecord {
    /// Receipt code.
    pub code: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The office.
    pub agency: String,
    /// The applicant's name as the office holds it.
    pub applicant: String,
    /// The national status code, 1–10.
    pub status: u8,
    /// The status in the person's language.
    pub status_label: String,
    /// On time, overdue or closed.
    pub standing: StandingRecord,
    /// The appointment date (unix seconds).
    pub appointment: Option<i64>,
    /// Papers the office asks for (status 5).
    pub missing_papers: Vec<String>,
    /// Amount to pay (status 6), in đồng.
    pub amount_vnd: Option<i64>,
    /// The office's steps, oldest first.
    pub history: Vec<DossierStepRecord>,
    /// When the server last confirmed this (unix seconds).
    pub fetched_at: i64,
    /// How old that is, in seconds.
    pub age_s: i64,
    /// Watched: the sync engine keeps it current and announces changes.
    pub watched: bool,
    /// Changes the person has not looked at.
    pub unseen: u32,
    /// The fee to pay by VietQR (status 6, when the office says where to pay).
    pub fee: Option<FeeRecord>,
}

/// A dossier's fee, payable from any Vietnamese banking app by its VietQR.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeRecord {
    /// The amount, in đồng.
    pub amount_vnd: i64,
    /// The amount in figures, in the person's language.
    pub amount: String,
    /// The amount in words, as on a payment slip.
    pub amount_words: String,
    /// The bank.
    pub bank: String,
    /// The account number.
    pub account: String,
    /// The account holder.
    pub account_name: String,
    /// The transfer's content as the code carries it.
    pub reference: String,
    /// What of the reference did not fit in the code, to add by hand.
    pub reference_cut: Option<String>,
    /// The VietQR text, for a native QR view.
    pub payload: String,
    /// The VietQR drawn as an SVG document.
    pub svg: String,
    /// Every transfer detail as text, for "copy".
    pub details: String,
    /// The applicant said it is transferred; waiting for the office's confirmation.
    pub paid_reported: bool,
}

/// A way to file a procedure.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FilingWayRecord {
    /// In person, online, by post.
    pub way: String,
    /// Time limit, as the catalogue words it.
    pub time_limit: String,
    /// Fee, as the catalogue words it.
    pub fee: String,
}

/// A paper to bring.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaperRecord {
    /// Its name.
    pub name: String,
    /// Originals.
    pub originals: u8,
    /// Copies.
    pub copies: u8,
    /// The form to fill, when there is one.
    pub form: Option<String>,
}

/// A procedure of the catalogue (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureRecord {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its field (lĩnh vực).
    pub field: String,
    /// The level of government that handles it.
    pub level: String,
    /// The office.
    pub agency: String,
    /// `full`, `partial` or `none`: how much of it can be done online.
    pub online: String,
    /// Ways to file.
    pub ways: Vec<FilingWayRecord>,
    /// Papers.
    pub papers: Vec<PaperRecord>,
    /// Steps.
    pub steps: Vec<String>,
    /// What the applicant gets.
    pub result: String,
    /// Conditions.
    pub conditions: String,
    /// Legal basis.
    pub legal_basis: Vec<String>,
}

/// A field of the catalogue with its number of procedures.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureFieldRecord {
    /// Its name.
    pub name: String,
    /// How many procedures.
    pub count: u32,
}

impl From<Procedure> for ProcedureRecord {
    fn from(p: Procedure) -> Self {
        ProcedureRecord {
            online: match p.online {
                OnlineLevel::Full => "full",
                OnlineLevel::Partial => "partial",
                OnlineLevel::None => "none",
            }
            .to_owned(),
            ways: p
                .ways
                .into_iter()
                .map(|w| FilingWayRecord { way: w.way, time_limit: w.time_limit, fee: w.fee })
                .collect(),
            papers: p
                .papers
                .into_iter()
                .map(|x| PaperRecord { name: x.name, originals: x.originals, copies: x.copies, form: x.form })
                .collect(),
            code: p.code,
            name: p.name,
            field: p.field,
            level: p.level,
            agency: p.agency,
            steps: p.steps,
            result: p.result,
            conditions: p.conditions,
            legal_basis: p.legal_basis,
        }
    }
}

impl MyCity {
    fn dossier(&self, d: core::Dossier) -> DossierRecord {
        let t = self.inner.texts();
        let DossierReply {
            code,
            procedure_code,
            procedure_name,
            agency,
            applicant,
            status,
            missing_papers,
            amount_vnd,
            history,
            ..
        } = d.reply;
        DossierRecord {
            code,
            procedure_code,
            procedure_name,
            agency,
            applicant,
            status: status.code(),
            status_label: d.status_label,
            standing: match d.standing {
                core::dossier::Standing::OnTime => StandingRecord::OnTime,
                core::dossier::Standing::Overdue => StandingRecord::Overdue,
                core::dossier::Standing::Closed => StandingRecord::Closed,
            },
            appointment: d.appointment,
            missing_papers,
            amount_vnd,
            history: history
                .into_iter()
                .map(|s| DossierStepRecord {
                    at: s.at,
                    status: s.status.code(),
                    label: core::dossier::status_label(&t, s.status),
                    unit: s.unit,
                    note: s.note,
                })
                .collect(),
            fetched_at: d.fetched_at,
            age_s: d.age_s,
            watched: d.watched,
            unseen: u32::try_from(d.unseen).unwrap_or(0),
            fee: d.fee.map(|f| FeeRecord {
                amount_vnd: f.amount_vnd,
                amount: f.amount,
                amount_words: f.amount_words,
                bank: f.bank,
                account: f.account,
                account_name: f.account_name,
                reference: f.reference,
                reference_cut: f.reference_cut,
                payload: f.payload,
                svg: f.svg,
                details: f.details,
                paid_reported: f.paid_reported,
            }),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// Checks and normalises a dossier code against the city's format,
    /// offline; the refusal says what was expected, with the city's example.
    pub fn check_dossier_code(&self, input: String) -> Result<String, MyCityError> {
        self.inner.check_dossier_code(&input).map_err(|e| self.fail(e))
    }

    /// Reads a receipt's text (a scanned QR, a pasted link or message).
    pub fn parse_receipt(&self, text: String) -> Result<ReceiptRecord, MyCityError> {
        let r = self.inner.parse_receipt(&text).map_err(|e| self.fail(e))?;
        Ok(ReceiptRecord { code: r.code, secret: r.secret })
    }

    /// Reads a receipt from a photo of it (JPEG or PNG bytes) by its QR code.
    /// Decoding is CPU work, so it is async: it runs off the caller's thread.
    pub async fn scan_receipt(&self, image: Vec<u8>) -> Result<ReceiptRecord, MyCityError> {
        let r = self.inner.scan_receipt_async(image).await.map_err(|e| self.fail(e))?;
        Ok(ReceiptRecord { code: r.code, secret: r.secret })
    }

    /// The last known state of a dossier, offline; `None` if never looked up.
    pub fn dossier_cached(&self, code: String) -> Result<Option<DossierRecord>, MyCityError> {
        let d = self.inner.dossier_cached(&code).map_err(|e| self.fail(e))?;
        Ok(d.map(|d| self.dossier(d)))
    }

    /// Looks a dossier up at the city's server with the receipt's secret
    /// (`None`: the one kept for a watched dossier). A wrong secret reads
    /// like an unknown code (`dossier-not-found`).
    pub async fn lookup_dossier(&self, code: String, secret: Option<String>) -> Result<DossierRecord, MyCityError> {
        let d = self.inner.lookup_dossier(&code, secret.as_deref()).await.map_err(|e| self.fail(e))?;
        Ok(self.dossier(d))
    }

    /// Tells the office the fee of a dossier at status 6 is transferred; it
    /// then shows as waiting for the office's confirmation.
    pub async fn report_fee_paid(&self, code: String, secret: Option<String>) -> Result<DossierRecord, MyCityError> {
        let d = self.inner.report_fee_paid(&code, secret.as_deref()).await.map_err(|e| self.fail(e))?;
        Ok(self.dossier(d))
    }

    /// Watches a dossier already looked up: the sync engine keeps it current
    /// and announces its changes ([`crate::SyncChange::DossierNews`]).
    pub fn watch_dossier(&self, code: String, secret: String) -> Result<(), MyCityError> {
        self.inner.watch_dossier(&code, &secret).map_err(|e| self.fail(e))
    }

    /// Stops watching a dossier and forgets its secret.
    pub fn unwatch_dossier(&self, code: String) -> Result<(), MyCityError> {
        self.inner.unwatch_dossier(&code).map_err(|e| self.fail(e))
    }

    /// The current city's watched dossiers, changed ones first.
    pub fn watched_dossiers(&self) -> Result<Vec<DossierRecord>, MyCityError> {
        let list = self.inner.watched_dossiers().map_err(|e| self.fail(e))?;
        Ok(list.into_iter().map(|d| self.dossier(d)).collect())
    }

    /// How many watched dossiers changed since the person last looked.
    pub fn dossier_news(&self) -> Result<u32, MyCityError> {
        self.inner.dossier_news().map(count).map_err(|e| self.fail(e))
    }

    /// The person has looked at a dossier: its changes are no longer news.
    pub fn mark_dossier_seen(&self, code: String) -> Result<(), MyCityError> {
        self.inner.mark_dossier_seen(&code).map_err(|e| self.fail(e))
    }

    /// Asks about every watched dossier now (the sync engine does it on its
    /// own schedule); returns how many changed.
    pub async fn refresh_watched_dossiers(&self) -> Result<u32, MyCityError> {
        let r = self.inner.refresh_watched_dossiers().await.map_err(|e| self.fail(e))?;
        Ok(count(r.changes.len()))
    }

    /// Downloads the city's procedure catalogue unless the stored one is
    /// current; returns how many procedures were stored (0: unchanged).
    pub async fn refresh_procedures(&self) -> Result<u32, MyCityError> {
        let r = self.inner.refresh_procedures().await.map_err(|e| self.fail(e))?;
        Ok(count(r.stored))
    }

    /// Searches the stored catalogue offline, folded; `field` narrows to one
    /// field when not empty.
    pub fn search_procedures(
        &self,
        query: String,
        field: String,
        limit: u32,
    ) -> Result<Vec<ProcedureRecord>, MyCityError> {
        let list = self.inner.search_procedures(&query, &field, limit as usize).map_err(|e| self.fail(e))?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// One procedure of the stored catalogue, with its papers and steps.
    pub fn procedure(&self, code: String) -> Result<Option<ProcedureRecord>, MyCityError> {
        Ok(self.inner.procedure(&code).map_err(|e| self.fail(e))?.map(Into::into))
    }

    /// The stored catalogue's fields with their counts.
    pub fn procedure_fields(&self) -> Result<Vec<ProcedureFieldRecord>, MyCityError> {
        let list = self.inner.procedure_fields().map_err(|e| self.fail(e))?;
        Ok(list
            .into_iter()
            .map(|f| ProcedureFieldRecord { name: f.name, count: u32::try_from(f.count).unwrap_or(0) })
            .collect())
    }
}
