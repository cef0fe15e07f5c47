//! Reports: categories and their questions, a draft being written, photos
//! prepared by the core, submitting, "me too", reopening, my reports with
//! their timelines, and the city's answers.

use std::sync::{Arc, Mutex, MutexGuard};

use mycity_core as core;

use crate::{count, LatLonRecord, MyCity, MyCityError};

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QuestionKind {
    /// One line of text.
    Line,
    /// A number.
    Number,
    /// A date and time (answer with [`MyCity::answer_datetime`]).
    Datetime,
    /// Longer text.
    Text,
    /// One of the choices.
    OneOf,
    /// Any of the choices.
    AnyOf,
}

/// A choice of a list question.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChoiceRecord {
    /// What is sent.
    pub key: String,
    /// What is shown.
    pub name: String,
}

/// A question of a category.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct QuestionRecord {
    /// Its code (answer with it).
    pub code: String,
    /// How it is answered.
    pub kind: QuestionKind,
    /// Must be answered.
    pub required: bool,
    /// The question as shown.
    pub description: String,
    /// A hint on the expected answer.
    pub hint: Option<String>,
    /// The choices of a list.
    pub choices: Vec<ChoiceRecord>,
}

/// A report category with its questions.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceRecord {
    /// Open311 `service_code`.
    pub code: String,
    /// Name.
    pub name: String,
    /// One line about it.
    pub description: String,
    /// Group (field).
    pub group: String,
    /// Questions that take an answer, in order.
    pub questions: Vec<QuestionRecord>,
}

impl From<core::Service> for ServiceRecord {
    fn from(s: core::Service) -> Self {
        use core::reports::Datatype as D;
        let questions = s
            .questions
            .into_iter()
            .map(|q| QuestionRecord {
                kind: match q.datatype {
                    D::String => QuestionKind::Line,
                    D::Number => QuestionKind::Number,
                    D::Datetime => QuestionKind::Datetime,
                    D::Text => QuestionKind::Text,
                    D::Singlevaluelist => QuestionKind::OneOf,
                    D::Multivaluelist => QuestionKind::AnyOf,
                },
                code: q.code,
                required: q.required,
                description: q.description,
                hint: q.datatype_description,
                choices: q.values.into_iter().map(|v| ChoiceRecord { key: v.key, name: v.name }).collect(),
            })
            .collect();
        ServiceRecord { code: s.code, name: s.name, description: s.description, group: s.group, questions }
    }
}

/// A photo prepared by the core: upright, at most 1600 px, no metadata,
/// with a thumbnail and the position its own GPS tags gave (read before they
/// were stripped). The bytes stay on the Rust side until asked for.
#[derive(uniffi::Object)]
pub struct PreparedPhoto {
    pub(crate) photo: core::photos::Processed,
}

#[uniffi::export]
impl PreparedPhoto {
    /// The JPEG to store or show.
    pub fn jpeg(&self) -> Vec<u8> {
        self.photo.jpeg.clone()
    }

    /// The thumbnail JPEG.
    pub fn thumbnail(&self) -> Vec<u8> {
        self.photo.thumbnail.clone()
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.photo.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.photo.height
    }

    /// Where the photo was taken, from its own GPS tags.
    pub fn gps(&self) -> Option<LatLonRecord> {
        self.photo.gps.map(Into::into)
    }
}

/// How a report's place was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PlaceSourceRecord {
    /// Tapped on the map.
    Map,
    /// The device's position.
    Gps,
    /// The photo's own GPS tags.
    Photo,
    /// Typed by hand.
    Typed,
}

impl From<PlaceSourceRecord> for core::PlaceSource {
    fn from(s: PlaceSourceRecord) -> Self {
        match s {
            PlaceSourceRecord::Map => core::PlaceSource::Map,
            PlaceSourceRecord::Gps => core::PlaceSource::Gps,
            PlaceSourceRecord::Photo => core::PlaceSource::Photo,
            PlaceSourceRecord::Typed => core::PlaceSource::Typed,
        }
    }
}

impl From<core::PlaceSource> for PlaceSourceRecord {
    fn from(s: core::PlaceSource) -> Self {
        match s {
            core::PlaceSource::Map => PlaceSourceRecord::Map,
            core::PlaceSource::Gps => PlaceSourceRecord::Gps,
            core::PlaceSource::Photo => PlaceSourceRecord::Photo,
            core::PlaceSource::Typed => PlaceSourceRecord::Typed,
        }
    }
}

/// A report's place and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct PlacedRecord {
    /// Where.
    pub position: LatLonRecord,
    /// How it was set.
    pub source: PlaceSourceRecord,
}

/// Who reports, when they choose to say (only city staff see it).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactRecord {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A report being written. The core's draft rules apply (a photo taken in
/// the city places a report that has no place yet; removing that photo
/// removes the place); [`MyCity::submit_report`] checks it.
#[derive(uniffi::Object)]
pub struct ReportDraft {
    draft: Mutex<core::Draft>,
}

impl ReportDraft {
    fn lock(&self) -> MutexGuard<'_, core::Draft> {
        self.draft.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl ReportDraft {
    /// A new draft in category `service_code`.
    #[uniffi::constructor]
    pub fn new(service_code: String) -> Arc<Self> {
        Arc::new(ReportDraft { draft: Mutex::new(core::Draft::new(&service_code)) })
    }

    /// The category.
    pub fn service_code(&self) -> String {
        self.lock().service_code.clone()
    }

    /// Sets what is wrong.
    pub fn set_description(&self, text: String) {
        self.lock().description = text;
    }

    /// Sets the place.
    pub fn set_place(&self, position: LatLonRecord, source: PlaceSourceRecord) {
        self.lock().set_place(position.into(), source.into());
    }

    /// The place, once set.
    pub fn place(&self) -> Option<PlacedRecord> {
        self.lock().place.map(|p| PlacedRecord { position: p.position.into(), source: p.source.into() })
    }

    /// Answers a question with one value (empty clears it).
    pub fn answer(&self, code: String, value: String) {
        self.lock().answer(&code, &value);
    }

    /// Ticks or unticks a choice of a multiple-choice question.
    pub fn choose(&self, code: String, key: String, chosen: bool) {
        self.lock().choose(&code, &key, chosen);
    }

    /// Contact details; `None` sends anonymously.
    pub fn set_contact(&self, contact: Option<ContactRecord>) {
        self.lock().contact = contact.map(|c| core::Contact { name: c.name, email: c.email, phone: c.phone });
    }

    /// How many photos are attached.
    pub fn photo_count(&self) -> u32 {
        count(self.lock().photos.len())
    }

    /// Removes the photo at `index` (and the place it gave, if it gave one).
    pub fn remove_photo(&self, index: u32) {
        self.lock().remove_photo(index as usize);
    }

    /// True when a video clip is attached.
    pub fn has_clip(&self) -> bool {
        self.lock().clip.is_some()
    }
}

/// A video clip checked and stripped by the core, kept in its data
/// directory until its report is sent.
#[derive(uniffi::Object)]
pub struct PreparedClip {
    clip: core::clips::StoredClip,
}

#[uniffi::export]
impl PreparedClip {
    /// Length in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.clip.duration_ms
    }

    /// Bytes to send (stripped).
    pub fn bytes(&self) -> u64 {
        self.clip.bytes
    }

    /// Where it was filmed, when the clip said so.
    pub fn gps(&self) -> Option<LatLonRecord> {
        self.clip.gps.map(Into::into)
    }
}

/// A report's clip and how far its upload got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ClipRecord {
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// Bytes to send.
    pub bytes: u64,
    /// Bytes the city's server confirmed (survives restarts).
    pub sent_bytes: u64,
    /// `sent_bytes` in whole percent; 100 only once every byte is in.
    pub percent: u8,
}

impl From<core::ClipStatus> for ClipRecord {
    fn from(c: core::ClipStatus) -> Self {
        ClipRecord { duration_ms: c.duration_ms, bytes: c.bytes, sent_bytes: c.sent_bytes, percent: c.percent }
    }
}

/// Where a report's send stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SendStateRecord {
    /// On the phone, waiting for the network or its retry time.
    Waiting,
    /// On its way.
    Sending,
    /// At the city.
    Sent,
    /// Refused by the city's server.
    Rejected,
}

impl From<core::reports::SendState> for SendStateRecord {
    fn from(s: core::reports::SendState) -> Self {
        use core::reports::SendState as S;
        match s {
            S::Waiting => SendStateRecord::Waiting,
            S::Sending => SendStateRecord::Sending,
            S::Sent => SendStateRecord::Sent,
            S::Rejected => SendStateRecord::Rejected,
        }
    }
}

/// One step of a report's timeline.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EventRecord {
    /// Status key after this step (`in_progress`).
    pub status: String,
    /// That status in the person's language.
    pub status_label: String,
    /// The comment.
    pub description: String,
    /// A photo with it.
    pub media_url: Option<String>,
    /// When (ISO 8601, as the server wrote it).
    pub at: String,
    /// This phone's own update.
    pub mine: bool,
}

/// A report as "My reports" shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportRecord {
    /// Local id.
    pub id: String,
    /// Category.
    pub service_code: String,
    /// Category name in the current language.
    pub service_name: String,
    /// Text.
    pub description: String,
    /// Where.
    pub position: LatLonRecord,
    /// Ward name.
    pub ward: Option<String>,
    /// Status key: `queued`, `rejected`, or the city's (`open`, `in_progress`, `fixed`…).
    pub status: String,
    /// That status in the person's language.
    pub status_label: String,
    /// The city's latest note.
    pub status_notes: Option<String>,
    /// Open311 id once accepted.
    pub server_id: Option<String>,
    /// Where its send stands.
    pub send: SendStateRecord,
    /// Why the server refused it, or why the last try failed.
    pub last_error: Option<String>,
    /// Photos attached.
    pub photos: u32,
    /// Created (unix seconds).
    pub created_at: i64,
    /// The city's updates, oldest first.
    pub events: Vec<EventRecord>,
    /// City updates not yet seen.
    pub unseen: u32,
    /// The person may say "not fixed" and reopen it.
    pub can_reopen: bool,
    /// Against the city's handling target, in the person's language: "Hạn
    /// xử lý 30/11/2026", "Quá hạn 2 ngày", "Đã xử lý sau 3 ngày".
    pub deadline: Option<String>,
    /// Whether it is past its due time and still open (show it as a warning).
    pub overdue: bool,
    /// "Is it really fixed?": to ask, or my answers.
    pub feedback: Option<FeedbackRecord>,
    /// Its video clip, with how far its upload got.
    pub clip: Option<ClipRecord>,
}

/// What a report's card shows about the reporter's feedback.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedbackRecord {
    /// True while the question should be asked (the city called it done, not answered, not dismissed).
    pub ask: bool,
    /// My answer to "is it really fixed?", once given.
    pub fixed: Option<bool>,
    /// My satisfaction, 1–5, once given.
    pub rating: Option<u8>,
    /// The server has my answers.
    pub sent: bool,
    /// Why the server refused them.
    pub refused: Option<String>,
    /// Until when they may be changed (unix seconds), while they may.
    pub changeable_until: Option<i64>,
}

impl From<core::reports::Feedback> for FeedbackRecord {
    fn from(f: core::reports::Feedback) -> Self {
        match f {
            core::reports::Feedback::Ask => FeedbackRecord {
                ask: true,
                fixed: None,
                rating: None,
                sent: false,
                refused: None,
                changeable_until: None,
            },
            core::reports::Feedback::Given(g) => FeedbackRecord {
                ask: false,
                fixed: Some(g.fixed),
                rating: Some(g.rating),
                sent: g.sent,
                refused: g.refused,
                changeable_until: g.changeable_until,
            },
        }
    }
}

/// A status change the app shows as news.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StatusChangeRecord {
    /// Local report id.
    pub report: String,
    /// New status key.
    pub status: String,
    /// The city's comment.
    pub description: String,
}

impl From<core::StatusChange> for StatusChangeRecord {
    fn from(c: core::StatusChange) -> Self {
        StatusChangeRecord { report: c.report, status: c.status.as_str().to_owned(), description: c.description }
    }
}

/// An open report near a new one's place ("me too" instead of a new report).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearbyRecord {
    /// Its Open311 id.
    pub server_id: String,
    /// What it says.
    pub description: String,
    /// Metres from the new report's place.
    pub distance_m: f64,
    /// Status key.
    pub status: String,
}

/// One send in the outbox.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutboxItemRecord {
    /// Its idempotency key.
    pub id: String,
    /// `report` or `update`.
    pub kind: String,
    /// The city whose server takes it.
    pub city: String,
    /// `pending`, `sending`, `sent` or `rejected`.
    pub state: String,
    /// Failed tries.
    pub attempts: u32,
    /// Earliest next try (unix seconds).
    pub next_attempt_at: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// The city's report categories with their questions.
    pub fn services(&self) -> Result<Vec<ServiceRecord>, MyCityError> {
        Ok(self.inner.services().map_err(|e| self.fail(e))?.into_iter().map(Into::into).collect())
    }

    /// Prepares a photo as picked (JPEG, PNG or WebP bytes), off the caller's thread.
    pub async fn prepare_photo(&self, raw: Vec<u8>) -> Result<Arc<PreparedPhoto>, MyCityError> {
        let photo = self.inner.prepare_photo_async(raw).await.map_err(|e| self.fail(e))?;
        Ok(Arc::new(PreparedPhoto { photo }))
    }

    /// Adds a prepared photo to a draft; true when its own GPS placed the report.
    pub fn add_photo(&self, draft: Arc<ReportDraft>, photo: Arc<PreparedPhoto>) -> Result<bool, MyCityError> {
        let added = self.inner.add_photo(&mut draft.lock(), photo.photo.clone()).map_err(|e| self.fail(e))?;
        Ok(added.placed_by_photo)
    }

    /// Prepares the video clip a camera or picker left at `path` (MP4/MOV,
    /// H.264/HEVC, ≤ 30 s, ≤ 60 MB), off the caller's thread: checked, its
    /// place read, what identifies its author stripped, kept by the core.
    pub async fn prepare_clip(&self, path: String) -> Result<Arc<PreparedClip>, MyCityError> {
        let clip = self.inner.prepare_clip_async(path.into()).await.map_err(|e| self.fail(e))?;
        Ok(Arc::new(PreparedClip { clip }))
    }

    /// Sets a draft's clip (replacing any); true when its own GPS placed the report.
    pub fn set_clip(&self, draft: Arc<ReportDraft>, clip: Arc<PreparedClip>) -> Result<bool, MyCityError> {
        let added = self.inner.set_clip(&mut draft.lock(), clip.clip.clone()).map_err(|e| self.fail(e))?;
        Ok(added.placed_by_photo)
    }

    /// Gives the draft's clip a poster: a frame the platform decoded (Android's
    /// `MediaMetadataRetriever`, iOS's `AVAssetImageGenerator`), as JPEG, PNG
    /// or WebP; kept as a small metadata-free thumbnail.
    pub fn set_clip_poster(&self, draft: Arc<ReportDraft>, frame: Vec<u8>) -> Result<(), MyCityError> {
        self.inner.set_clip_poster(&mut draft.lock(), &frame).map_err(|e| self.fail(e))
    }

    /// Takes the clip off a draft and deletes the kept copy.
    pub fn remove_clip(&self, draft: Arc<ReportDraft>) {
        self.inner.remove_clip(&mut draft.lock());
    }

    /// Answers a date-time question with a picker's local value
    /// (`2026-11-23T08:00`), in the city's time zone.
    pub fn answer_datetime(&self, draft: Arc<ReportDraft>, code: String, local: String) -> Result<(), MyCityError> {
        self.inner.answer_datetime(&mut draft.lock(), &code, &local).map_err(|e| self.fail(e))
    }

    /// Checks the draft and queues it; returns the report's id. A refused
    /// draft queues nothing, and the error's `code` and `field` say what to fix.
    pub fn submit_report(&self, draft: Arc<ReportDraft>) -> Result<String, MyCityError> {
        let draft = draft.lock().clone();
        self.inner.submit_report(&draft).map_err(|e| self.fail(e))
    }

    /// Open reports of the same category near `at`, nearest first (needs the network).
    pub async fn nearby_open(&self, service_code: String, at: LatLonRecord) -> Result<Vec<NearbyRecord>, MyCityError> {
        let found = self.inner.nearby_open(&service_code, at.into()).await.map_err(|e| self.fail(e))?;
        Ok(found
            .into_iter()
            .map(|n| NearbyRecord {
                server_id: n.server_id,
                description: n.description,
                distance_m: n.distance_m,
                status: n.status.as_str().to_owned(),
            })
            .collect())
    }

    /// Queues "me too" (or any comment) on a report by its Open311 id.
    pub fn me_too(&self, server_id: String, comment: String) -> Result<String, MyCityError> {
        self.inner.me_too(&server_id, &comment).map_err(|e| self.fail(e))
    }

    /// Reopens one of my reports the city called fixed, with a comment and
    /// optionally a prepared photo.
    pub fn reopen(
        &self,
        report_id: String,
        comment: String,
        photo: Option<Arc<PreparedPhoto>>,
    ) -> Result<String, MyCityError> {
        let jpeg = photo.as_ref().map(|p| p.photo.jpeg.as_slice());
        self.inner.reopen(&report_id, &comment, jpeg).map_err(|e| self.fail(e))
    }

    /// Answers "is it really fixed?" (`None` when not chosen) and "how
    /// satisfied are you?" (1–5, 0 when not chosen) on a report the city
    /// called done, or changes them within 14 days; a "no" also reopens it.
    pub fn give_feedback(
        &self,
        report_id: String,
        fixed: Option<bool>,
        rating: u8,
        comment: String,
        photo: Option<Arc<PreparedPhoto>>,
    ) -> Result<String, MyCityError> {
        let jpeg = photo.as_ref().map(|p| p.photo.jpeg.as_slice());
        self.inner.give_feedback(&report_id, fixed, rating, &comment, jpeg).map_err(|e| self.fail(e))
    }

    /// "Not now": stop asking whether this report is really fixed.
    pub fn dismiss_feedback(&self, report_id: String) -> Result<(), MyCityError> {
        self.inner.dismiss_feedback(&report_id).map_err(|e| self.fail(e))
    }

    /// The current city's reports, newest first, with their timelines.
    pub fn my_reports(&self) -> Result<Vec<ReportRecord>, MyCityError> {
        let t = self.inner.texts();
        let label = |key: &str| t.get(&format!("status-{key}"));
        let reports = self.inner.my_reports().map_err(|e| self.fail(e))?;
        Ok(reports
            .into_iter()
            .map(|r| ReportRecord {
                status: r.status.key().to_owned(),
                status_label: label(r.status.key()),
                events: r
                    .events
                    .into_iter()
                    .map(|e| EventRecord {
                        status: e.status.as_str().to_owned(),
                        status_label: label(e.status.as_str()),
                        description: e.description,
                        media_url: e.media_url,
                        at: e.at,
                        mine: e.mine,
                    })
                    .collect(),
                id: r.id,
                service_code: r.service_code,
                service_name: r.service_name,
                description: r.description,
                position: r.position.into(),
                ward: r.ward,
                status_notes: r.status_notes,
                server_id: r.server_id,
                send: r.send.into(),
                last_error: r.last_error,
                photos: u32::try_from(r.photos).unwrap_or(0),
                created_at: r.created_at,
                unseen: count(r.unseen),
                can_reopen: r.can_reopen,
                deadline: r.deadline.map(|d| d.label(&t)),
                overdue: matches!(r.deadline, Some(core::reports::Deadline::Overdue { .. })),
                feedback: r.feedback.map(Into::into),
                clip: r.clip.map(Into::into),
            })
            .collect())
    }

    /// How many of the city's answers to my reports are not seen yet.
    pub fn report_news(&self) -> Result<u32, MyCityError> {
        self.inner.report_news().map(count).map_err(|e| self.fail(e))
    }

    /// The person looked at their reports: the answers are no longer news.
    pub fn mark_reports_seen(&self) -> Result<u32, MyCityError> {
        self.inner.mark_reports_seen().map(count).map_err(|e| self.fail(e))
    }

    /// Checks the city's answers to my reports now; returns what changed.
    pub async fn refresh_reports(&self) -> Result<Vec<StatusChangeRecord>, MyCityError> {
        let changes = self.inner.refresh_reports().await.map_err(|e| self.fail(e))?;
        Ok(changes.into_iter().map(Into::into).collect())
    }

    /// Every send in the outbox, in send order.
    pub fn outbox(&self) -> Result<Vec<OutboxItemRecord>, MyCityError> {
        let items = self.inner.outbox().map_err(|e| self.fail(e))?;
        Ok(items
            .into_iter()
            .map(|i| OutboxItemRecord {
                id: i.id,
                kind: i.kind,
                city: i.city,
                state: i.state,
                attempts: i.attempts,
                next_attempt_at: i.next_attempt_at,
                last_error: i.last_error,
            })
            .collect())
    }
}
