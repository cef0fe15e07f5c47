//! Alerts in force (CAP), with whether each concerns the person and how
//! loudly it shows; the city's announcements; public consultations and an
//! answer to one.

use mycity_core::{
    alerts::{ActiveAlert, Level},
    protocol::consult::{Answer, Given},
};

use crate::{count, LatLonRecord, MyCity, MyCityError};

/// How loudly an alert shows, loudest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AlertLevel {
    /// Red: extreme threat.
    Danger,
    /// Orange: severe threat.
    Warning,
    /// Yellow: possible threat.
    Watch,
    /// Blue: for information.
    Info,
}

/// An alert in force, in the person's language when the sender gave it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AlertRecord {
    /// `sender/identifier`: unique, stable across refreshes.
    pub id: String,
    /// Who issued it, in words.
    pub sender_name: Option<String>,
    /// When it was sent (unix seconds).
    pub sent_at: i64,
    /// When it stops being in force (unix seconds).
    pub expires_at: i64,
    /// What it is about.
    pub event: String,
    /// One line.
    pub headline: String,
    /// Details.
    pub description: Option<String>,
    /// What to do.
    pub instruction: Option<String>,
    /// CAP severity (`Extreme`, `Severe`, `Moderate`, `Minor`, `Unknown`).
    pub severity: String,
    /// CAP urgency (`Immediate`, `Expected`…).
    pub urgency: String,
    /// The areas, in words.
    pub area: String,
    /// Ward codes it names.
    pub wards: Vec<String>,
    /// It targets the whole city.
    pub whole_city: bool,
    /// It concerns the person (position or home ward in its area, or the whole city).
    pub relevant: bool,
    /// How loudly it shows.
    pub level: AlertLevel,
    /// Background colour, `#rrggbb`.
    pub colour: String,
    /// Text colour on it, `#rrggbb`.
    pub text_colour: String,
    /// It interrupts (a sounding notification) instead of waiting on the home screen.
    pub interrupt: bool,
}

/// The alerts in force, concerning the person first, loudest first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AlertListRecord {
    /// The alerts.
    pub alerts: Vec<AlertRecord>,
    /// When the server last confirmed the feed (unix seconds).
    pub checked_at: Option<i64>,
    /// The last failed check, if the last check failed.
    pub last_error: Option<String>,
}

/// An announcement of the city.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AnnouncementRecord {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Date (ISO).
    pub date: String,
    /// Category.
    pub category: String,
}

/// A question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SurveyQuestionRecord {
    /// Id (answer with it).
    pub id: String,
    /// The question.
    pub prompt: String,
    /// Must be answered.
    pub required: bool,
    /// `single`, `multiple`, `scale` or `text`.
    pub kind: String,
    /// Options of a choice, answered by index.
    pub options: Vec<String>,
    /// Scale's lowest value.
    pub min: i64,
    /// Scale's highest value.
    pub max: i64,
}

/// A public consultation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SurveyRecord {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Closes at (unix seconds).
    pub deadline: i64,
    /// Still open.
    pub open: bool,
    /// Questions in order.
    pub questions: Vec<SurveyQuestionRecord>,
    /// Responses the city has counted, when it publishes them.
    pub responses: Option<u64>,
    /// This device's answer: `queued`, `sent` or `rejected`.
    pub my_answer: Option<String>,
}

/// An answer to one question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SurveyAnswer {
    /// The index of the option chosen.
    Choice {
        /// Question id.
        question: String,
        /// Option index.
        index: u32,
    },
    /// The indexes of the options chosen.
    Choices {
        /// Question id.
        question: String,
        /// Option indexes.
        indexes: Vec<u32>,
    },
    /// A value on the scale.
    Scale {
        /// Question id.
        question: String,
        /// The value.
        value: i64,
    },
    /// Free text.
    Text {
        /// Question id.
        question: String,
        /// The text.
        text: String,
    },
}

impl From<SurveyAnswer> for Answer {
    fn from(a: SurveyAnswer) -> Self {
        let (question, given) = match a {
            SurveyAnswer::Choice { question, index } => (question, Given::Choice(index as usize)),
            SurveyAnswer::Choices { question, indexes } => {
                (question, Given::Choices(indexes.into_iter().map(|i| i as usize).collect()))
            }
            SurveyAnswer::Scale { question, value } => (question, Given::Scale(value)),
            SurveyAnswer::Text { question, text } => (question, Given::Text(text)),
        };
        Answer { question, given }
    }
}

impl From<ActiveAlert> for AlertRecord {
    fn from(a: ActiveAlert) -> Self {
        AlertRecord {
            id: a.id,
            sender_name: a.sender_name,
            sent_at: a.sent_at,
            expires_at: a.expires_at,
            event: a.event,
            headline: a.headline,
            description: a.description,
            instruction: a.instruction,
            severity: a.severity.as_str().to_owned(),
            urgency: a.urgency.as_str().to_owned(),
            area: a.area,
            wards: a.wards,
            whole_city: a.whole_city,
            relevant: a.relevant,
            level: match a.banner.level {
                Level::Danger => AlertLevel::Danger,
                Level::Warning => AlertLevel::Warning,
                Level::Watch => AlertLevel::Watch,
                Level::Info => AlertLevel::Info,
            },
            colour: a.banner.colour.to_owned(),
            text_colour: a.banner.text.to_owned(),
            interrupt: a.banner.interrupt,
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MyCity {
    /// The city's alerts in force, with whether each concerns someone at
    /// `position` (the last known one when `None`) or living in the home
    /// ward; offline from what was last fetched.
    pub fn alerts(&self, position: Option<LatLonRecord>) -> Result<AlertListRecord, MyCityError> {
        let l = self.inner.alerts(position.map(Into::into)).map_err(|e| self.fail(e))?;
        Ok(AlertListRecord {
            alerts: l.alerts.into_iter().map(Into::into).collect(),
            checked_at: l.checked_at,
            last_error: l.last_error,
        })
    }

    /// The loudest alert concerning the person, for a home banner or a widget.
    pub fn top_alert(&self, position: Option<LatLonRecord>) -> Result<Option<AlertRecord>, MyCityError> {
        Ok(self.inner.top_alert(position.map(Into::into)).map_err(|e| self.fail(e))?.map(Into::into))
    }

    /// The person's home ward (a ward code of the city's pack).
    pub fn home_ward(&self) -> Result<Option<String>, MyCityError> {
        self.inner.home_ward().map_err(|e| self.fail(e))
    }

    /// Sets or clears the home ward; alerts for it concern the person wherever they are.
    pub fn set_home_ward(&self, code: Option<String>) -> Result<(), MyCityError> {
        self.inner.set_home_ward(code.as_deref()).map_err(|e| self.fail(e))
    }

    /// Checks the city's alerts feed now (the sync engine does it on its
    /// schedule); returns how many messages are new.
    pub async fn refresh_alerts(&self) -> Result<u32, MyCityError> {
        let r = self.inner.refresh_alerts().await.map_err(|e| self.fail(e))?;
        Ok(count(r.new))
    }

    /// The city's announcements, newest first; with a query, those holding
    /// every word (accents and case ignored).
    pub fn announcements(&self, query: String) -> Result<Vec<AnnouncementRecord>, MyCityError> {
        let list = self.inner.announcements(&query).map_err(|e| self.fail(e))?;
        Ok(list
            .into_iter()
            .map(|a| AnnouncementRecord { id: a.id, title: a.title, body: a.body, date: a.date, category: a.category })
            .collect())
    }

    /// Fetches announcements and surveys now; true when anything changed.
    pub async fn refresh_consultations(&self) -> Result<bool, MyCityError> {
        self.inner.refresh_consultations().await.map_err(|e| self.fail(e))
    }

    /// The city's surveys, open ones first, with this device's answer.
    pub fn surveys(&self) -> Result<Vec<SurveyRecord>, MyCityError> {
        let list = self.inner.surveys().map_err(|e| self.fail(e))?;
        Ok(list
            .into_iter()
            .map(|s| SurveyRecord {
                id: s.id,
                title: s.title,
                description: s.description,
                deadline: s.deadline,
                open: s.open,
                questions: s
                    .questions
                    .into_iter()
                    .map(|q| SurveyQuestionRecord {
                        id: q.id,
                        prompt: q.prompt,
                        required: q.required,
                        kind: q.kind,
                        options: q.options,
                        min: q.min,
                        max: q.max,
                    })
                    .collect(),
                responses: s.results.map(|r| r.responses),
                my_answer: s.mine.map(|m| m.state),
            })
            .collect())
    }

    /// Answers a survey: checked against its questions, stored and queued
    /// (sent once by the outbox). Returns the answer's id.
    pub fn answer_survey(&self, survey_id: String, answers: Vec<SurveyAnswer>) -> Result<String, MyCityError> {
        let answers = answers.into_iter().map(Into::into).collect();
        self.inner.answer_survey(&survey_id, answers).map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_keep_their_question() {
        let a: Answer = SurveyAnswer::Choices { question: "q1".into(), indexes: vec![0, 2] }.into();
        assert_eq!(a, Answer { question: "q1".into(), given: Given::Choices(vec![0, 2]) });
    }
}
