//! The `outbox` table: every send that must reach a server, written in the
//! same transaction as the record it sends, in send order. The decisions
//! about a row are [`Delivery::step`]'s; this module only reads and writes them.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::machine::{Delivery, SendEvent};
use crate::{Error, Result};

/// What a row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A new report (`POST requests`).
    Report,
    /// A citizen's update on a report: "me too", a comment, a reopen, an extra photo.
    Update,
    /// An answer to a city survey (`POST /api/v1/surveys/{id}/responses`).
    Answer,
    /// A tourist's rating of a place (`POST /api/v1/places/{id}/ratings`).
    Rating,
    /// My answers on a report the city called done (`POST /api/v1/requests/{id}/feedback`).
    Feedback,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Update => "update",
            Kind::Answer => "answer",
            Kind::Rating => "rating",
            Kind::Feedback => "feedback",
        }
    }

    fn parse(s: &str) -> Result<Kind> {
        match s {
            "report" => Ok(Kind::Report),
            "update" => Ok(Kind::Update),
            "answer" => Ok(Kind::Answer),
            "rating" => Ok(Kind::Rating),
            "feedback" => Ok(Kind::Feedback),
            other => Err(Error::Storage(format!("outbox row of unknown kind {other:?}"))),
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Send order.
    pub seq: i64,
    /// The idempotency key (also the id of the record it sends).
    pub id: String,
    /// What it sends.
    pub kind: Kind,
    /// The city whose server takes it.
    pub city: String,
    /// Where it stands.
    pub delivery: Delivery,
}

/// Queues `id` (the record's own id, which becomes the idempotency key) for `city`.
pub(crate) fn enqueue(tx: &Transaction<'_>, kind: Kind, id: &str, city: &str, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (id, kind, ref, city, state, attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, ?1, ?3, 'pending', 0, ?4, ?4)",
        params![id, kind.as_str(), city, now],
    )?;
    Ok(())
}

fn delivery(state: &str, attempts: u32, next_attempt_at: i64, last_error: Option<String>) -> Result<Delivery> {
    Ok(match state {
        "pending" => Delivery::Pending { attempts, next_attempt_at },
        "sending" => Delivery::Sending { attempts },
        "sent" => Delivery::Sent,
        "rejected" => Delivery::Rejected { reason: last_error.unwrap_or_default() },
        other => return Err(Error::Storage(format!("outbox row in unknown state {other:?}"))),
    })
}

/// A row as stored, before its kind and state are read.
struct Stored {
    seq: i64,
    id: String,
    kind: String,
    city: String,
    state: String,
    attempts: u32,
    next_attempt_at: i64,
    last_error: Option<String>,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        city: r.get(3)?,
        state: r.get(4)?,
        attempts: r.get(5)?,
        next_attempt_at: r.get(6)?,
        last_error: r.get(7)?,
    })
}

const COLUMNS: &str = "seq, id, kind, city, state, attempts, next_attempt_at, last_error";

/// The first row of `city` still to be sent: rows go strictly in order, so
/// a report's "me too" never overtakes the report.
pub(crate) fn head(conn: &Connection, city: &str) -> Result<Option<Row>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE city = ?1 AND state IN ('pending', 'sending') ORDER BY seq LIMIT 1"
        ))?
        .query_row([city], row)
        .optional()?;
    found
        .map(|s| {
            Ok(Row {
                seq: s.seq,
                id: s.id,
                kind: Kind::parse(&s.kind)?,
                city: s.city,
                delivery: delivery(&s.state, s.attempts, s.next_attempt_at, s.last_error)?,
            })
        })
        .transpose()
}

/// The cities with something still to send.
pub(crate) fn waiting_cities(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT city FROM outbox WHERE state IN ('pending', 'sending') GROUP BY city ORDER BY min(seq)",
    )?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One send as a status screen or the command line lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
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
    /// Earliest next try (unix seconds), while waiting.
    pub next_attempt_at: Option<i64>,
    /// The last failure, or why the server refused it.
    pub last_error: Option<String>,
}

/// Every send, in send order.
pub fn list(conn: &Connection) -> Result<Vec<Item>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))?;
    let rows = st.query_map([], row)?;
    let mut out = Vec::new();
    for r in rows {
        let s = r?;
        out.push(Item {
            next_attempt_at: (s.state == "pending").then_some(s.next_attempt_at),
            id: s.id,
            kind: s.kind,
            city: s.city,
            state: s.state,
            attempts: s.attempts,
            last_error: s.last_error,
        });
    }
    Ok(out)
}

/// How many sends wait, in every city.
pub fn waiting(conn: &Connection) -> Result<usize> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')", [], |r| r.get(0))?;
    Ok(n as usize)
}

/// When the next waiting send may go: the earliest head of a city's queue.
pub(crate) fn next_due(conn: &Connection) -> Result<Option<i64>> {
    let mut earliest: Option<i64> = None;
    for city in waiting_cities(conn)? {
        let at = match head(conn, &city)?.map(|r| r.delivery) {
            Some(Delivery::Pending { next_attempt_at, .. }) => next_attempt_at,
            Some(Delivery::Sending { .. }) => 0,
            _ => continue,
        };
        earliest = Some(earliest.map_or(at, |e| e.min(at)));
    }
    Ok(earliest)
}

/// Stores a row's new state; `failure` is why the last try failed, kept to
/// show until a newer one replaces it.
pub(crate) fn save(tx: &Transaction<'_>, seq: i64, d: &Delivery, failure: Option<&str>) -> Result<()> {
    let (state, attempts, next, note): (&str, Option<u32>, Option<i64>, Option<&str>) = match d {
        Delivery::Pending { attempts, next_attempt_at } => {
            ("pending", Some(*attempts), Some(*next_attempt_at), failure)
        }
        Delivery::Sending { attempts } => ("sending", Some(*attempts), None, None),
        Delivery::Sent => ("sent", None, None, None),
        Delivery::Rejected { reason } => ("rejected", None, None, Some(reason.as_str())),
    };
    tx.execute(
        "UPDATE outbox SET state = ?2, attempts = COALESCE(?3, attempts),
                next_attempt_at = COALESCE(?4, next_attempt_at),
                last_error = CASE ?2 WHEN 'sent' THEN NULL ELSE COALESCE(?5, last_error) END
         WHERE seq = ?1",
        params![seq, state, attempts, next, note],
    )?;
    Ok(())
}

/// The network is back: every send waiting for a retry becomes due now.
pub(crate) fn network_back(tx: &Transaction<'_>, now: i64) -> Result<usize> {
    let rows: Vec<(i64, u32, i64)> = tx
        .prepare("SELECT seq, attempts, next_attempt_at FROM outbox WHERE state = 'pending' AND next_attempt_at > ?1")?
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (seq, attempts, next_attempt_at) in &rows {
        let d = Delivery::Pending { attempts: *attempts, next_attempt_at: *next_attempt_at }
            .step(SendEvent::NetworkBack { now })
            .map_err(|e| Error::Storage(e.to_string()))?;
        save(tx, *seq, &d, None)?;
    }
    Ok(rows.len())
}
