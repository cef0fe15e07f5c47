//! The dossier decisions, pure: what a fresh reply changes, whether a
//! dossier is overdue, what the notice says, what to do with a server's
//! answer. Tested transition by transition; the module's I/O calls these.

use mycity_protocol::dossier::{DossierReply, DossierStatus};
use serde::Serialize;

/// Where a dossier stands for the person: a national status, or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// On time (or without an appointment date).
    OnTime,
    /// Past its appointment date (ngày hẹn trả) and not finished: quá hạn.
    Overdue,
    /// Finished (result returned, refused, withdrawn, stopped or done).
    Closed,
}

/// Overdue is derived, never stored: the appointment date against the clock.
/// `appointment` and `now` are unix seconds.
pub fn standing(status: DossierStatus, appointment: Option<i64>, now: i64) -> Standing {
    if status.is_final() {
        Standing::Closed
    } else if appointment.is_some_and(|a| a < now) {
        Standing::Overdue
    } else {
        Standing::OnTime
    }
}

/// A change of a dossier seen by the app, kept as a timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The dossier.
    pub code: String,
    /// The new status.
    pub status: DossierStatus,
    /// The step's note ("Thiếu bản sao CCCD").
    pub note: String,
    /// Papers missing (status 5).
    pub missing_papers: Vec<String>,
    /// Amount to pay (status 6).
    pub amount_vnd: Option<i64>,
}

/// What a fresh reply changes against the stored one: a new status or a new
/// step is a change; the first look at a dossier is not (there is nothing to announce).
pub fn change(previous: Option<&DossierReply>, next: &DossierReply) -> Option<Change> {
    let prev = previous?;
    if prev.status == next.status && prev.history.len() >= next.history.len() {
        return None;
    }
    Some(Change {
        code: next.code.clone(),
        status: next.status,
        note: next.history.last().map(|s| s.note.clone()).unwrap_or_default(),
        missing_papers: next.missing_papers.clone(),
        amount_vnd: next.amount_vnd,
    })
}

/// What to do with the server's answer to a look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200 with a dossier.
    Fresh(Box<DossierReply>),
    /// 304: the stored copy is current.
    Unchanged,
    /// 404: unknown code or wrong secret (the server does not say which).
    NotFound,
}

/// What the store should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Store the reply; count a change as unseen news when the dossier is watched.
    Store {
        /// The change, if any.
        change: Option<Change>,
        /// Add one to the unseen count.
        news: bool,
    },
    /// Only note the time the server confirmed the stored copy.
    Touch,
    /// Keep the cache as it is and tell the person the code or secret is wrong.
    Refuse,
    /// 304 with nothing stored: the server and the app disagree; ask again without a tag.
    Refetch,
}

/// Decides what an answer does to the stored copy. `seen_by_person` is true
/// for a look-up the person made (they see the result, so it is not news).
pub fn on_answer(stored: Option<&DossierReply>, watched: bool, answer: Answer, seen_by_person: bool) -> Action {
    match answer {
        Answer::Fresh(reply) => {
            let change = change(stored, &reply);
            let news = change.is_some() && watched && !seen_by_person;
            Action::Store { change, news }
        }
        Answer::Unchanged if stored.is_some() => Action::Touch,
        Answer::Unchanged => Action::Refetch,
        Answer::NotFound => Action::Refuse,
    }
}

#[cfg(test)]
mod tests {
    use mycity_protocol::dossier::DossierStep;

    use super::*;

    fn reply(status: DossierStatus, steps: usize) -> DossierReply {
        DossierReply {
            code: "C".into(),
            city: "ha-giang".into(),
            procedure_code: "1.002891".into(),
            procedure_name: "Cấp giấy phép xây dựng".into(),
            agency: "UBND".into(),
            applicant: "Nguyễn V** A*".into(),
            received_at: "2026-03-01T08:00:00+07:00".into(),
            appointment_at: None,
            status,
            missing_papers: vec![],
            amount_vnd: None,
            payee: None,
            paid_reported_at: None,
            history: (0..steps)
                .map(|i| DossierStep {
                    at: String::new(), status, unit: "Một cửa".into(), note: format!("bước {i}")
                })
                .collect(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn overdue_only_while_open_and_past_the_appointment() {
        use DossierStatus::*;
        assert_eq!(standing(Processing, Some(100), 101), Standing::Overdue);
        assert_eq!(standing(Processing, Some(100), 100), Standing::OnTime);
        assert_eq!(standing(Processing, None, 1_000), Standing::OnTime);
        assert_eq!(standing(NeedsPapers, Some(100), 200), Standing::Overdue);
        for s in [NotAccepted, Withdrawn, Stopped, Done, Returned] {
            assert_eq!(standing(s, Some(100), 200), Standing::Closed, "{s:?}");
        }
    }

    #[test]
    fn first_look_is_not_a_change() {
        assert_eq!(change(None, &reply(DossierStatus::Processing, 2)), None);
    }

    #[test]
    fn same_status_and_steps_is_not_a_change() {
        let r = reply(DossierStatus::Processing, 2);
        assert_eq!(change(Some(&r), &r), None);
    }

    #[test]
    fn a_new_status_is_a_change_with_its_note() {
        let mut next = reply(DossierStatus::NeedsPapers, 3);
        next.missing_papers = vec!["Bản sao CCCD".into()];
        let c = change(Some(&reply(DossierStatus::Processing, 2)), &next).unwrap();
        assert_eq!(c.status, DossierStatus::NeedsPapers);
        assert_eq!(c.note, "bước 2");
        assert_eq!(c.missing_papers, ["Bản sao CCCD"]);
    }

    #[test]
    fn a_new_step_with_the_same_status_is_a_change() {
        let c = change(Some(&reply(DossierStatus::Processing, 2)), &reply(DossierStatus::Processing, 3));
        assert!(c.is_some());
    }

    #[test]
    fn answers_map_to_actions() {
        let old = reply(DossierStatus::Processing, 2);
        let new = reply(DossierStatus::Done, 3);
        let fresh = || Answer::Fresh(Box::new(new.clone()));
        assert!(matches!(on_answer(Some(&old), true, fresh(), false), Action::Store { change: Some(_), news: true }));
        assert!(matches!(on_answer(Some(&old), true, fresh(), true), Action::Store { change: Some(_), news: false }));
        assert!(matches!(on_answer(Some(&old), false, fresh(), false), Action::Store { change: Some(_), news: false }));
        assert!(matches!(on_answer(None, false, fresh(), true), Action::Store { change: None, news: false }));
        assert_eq!(on_answer(Some(&old), true, Answer::Unchanged, false), Action::Touch);
        assert_eq!(on_answer(None, false, Answer::Unchanged, true), Action::Refetch);
        assert_eq!(on_answer(Some(&old), true, Answer::NotFound, false), Action::Refuse);
    }
}
