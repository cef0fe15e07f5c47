//! Downloads that keep the store current: the city pack, with `ETag`s, keeping
//! the last good copy whenever anything fails.

use crate::{
    api::{Api, Fetched},
    city::{self, ImportOutcome, PackSource},
    pack::CityPack,
    store::Store,
    Error, Result,
};

/// What a pack refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// A newer pack was downloaded and is now in use.
    Updated {
        /// Its version.
        version: i64,
    },
    /// The server has nothing newer.
    Unchanged {
        /// The version in use.
        version: i64,
    },
}

/// Checks the server for a newer pack of `slug` and imports it. On any error the
/// stored pack stays in use and the error is recorded for the sync screen.
pub async fn refresh_pack(store: &Store, api: &Api, slug: &str) -> Result<Refresh> {
    let result = fetch_and_import(store, api, slug).await;
    let recorded = match &result {
        Ok(_) => store.read(|c| city::record_check(c, slug, None)),
        Err(e) => store.read(|c| city::record_check(c, slug, Some(&e.to_string()))),
    };
    if let Err(e) = recorded {
        tracing::warn!(%e, "could not record the pack check");
    }
    result
}

async fn fetch_and_import(store: &Store, api: &Api, slug: &str) -> Result<Refresh> {
    let (version, etag) = store.read(|c| city::etag(c, slug))?.ok_or_else(|| Error::UnknownCity(slug.to_owned()))?;
    match api.city_pack(slug, etag.as_deref()).await? {
        Fetched::NotModified => Ok(Refresh::Unchanged { version }),
        Fetched::Body { body, etag } => {
            let pack = CityPack::parse(&body)?;
            if pack.slug != slug {
                return Err(Error::InvalidPack(format!("asked for {slug}, the server sent {}", pack.slug)));
            }
            Ok(match city::import(store, &pack, PackSource::Server, etag.as_deref())? {
                ImportOutcome::Installed { version } | ImportOutcome::Replaced { to: version, .. } => {
                    Refresh::Updated { version }
                }
                ImportOutcome::Unchanged { version } => Refresh::Unchanged { version },
            })
        }
    }
}

/// What one flush of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flush {
    /// Rows the server accepted.
    pub sent: usize,
    /// Rows the server refused (the user sees why).
    pub rejected: usize,
    /// Rows still waiting.
    pub waiting: usize,
    /// Why the flush stopped early (network down, server error), if it did.
    pub stopped: Option<String>,
}

/// First retry after a transient failure; doubles each time up to [`BACKOFF_CAP_S`].
pub const BACKOFF_BASE_S: i64 = 2;
/// Longest wait between tries.
pub const BACKOFF_CAP_S: i64 = 600;

/// Seconds to wait after `attempts` failed tries: exponential, capped, with
/// ±25 % jitter so phones that lost the network together do not return together.
pub fn backoff(attempts: i64, jitter_unit: f64) -> i64 {
    let exp = BACKOFF_BASE_S.saturating_mul(1i64 << attempts.clamp(0, 20)).min(BACKOFF_CAP_S);
    let jitter = 0.75 + 0.5 * jitter_unit.clamp(0.0, 1.0);
    ((exp as f64) * jitter).round().max(1.0) as i64
}

struct Due {
    seq: i64,
    id: String,
    kind: String,
    report: String,
    attempts: i64,
    next_attempt_at: i64,
}

/// Sends queued reports, oldest first, each with its Idempotency-Key. A row is
/// marked sent only after a 2xx; a 4xx marks it rejected with the server's
/// reason; a network error or 5xx schedules a retry and stops the flush, so
/// reports reach the city in the order they were made.
pub async fn flush_outbox(store: &Store, api: &Api, api_key: &str, device_id: &str) -> Result<Flush> {
    let mut out = Flush::default();
    loop {
        let due: Option<Due> = store.read(|c| {
            use rusqlite::OptionalExtension;
            Ok(c.query_row(
                "SELECT seq, id, kind, ref, attempts, next_attempt_at FROM outbox
                 WHERE state IN ('pending', 'sending') ORDER BY seq LIMIT 1",
                [],
                |r| {
                    Ok(Due {
                        seq: r.get(0)?,
                        id: r.get(1)?,
                        kind: r.get(2)?,
                        report: r.get(3)?,
                        attempts: r.get(4)?,
                        next_attempt_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })?;
        let Some(due) = due else { break };
        if due.next_attempt_at > city::now() {
            out.stopped = Some("waiting to retry".into());
            break;
        }
        // 'sending' survives a crash; the next flush resends with the same key,
        // and the server answers with the id it gave the first time.
        store.read(|c| Ok(c.execute("UPDATE outbox SET state = 'sending' WHERE seq = ?1", [due.seq])?))?;
        let is_update = due.kind == "update";
        let outgoing = store.read(|c| {
            if is_update {
                outgoing_update(c, &due.report)
            } else {
                outgoing(c, &due.report, device_id)
            }
        })?;
        let post = crate::api::Open311Post {
            jurisdiction: &outgoing.city,
            api_key,
            idempotency_key: &due.id,
            fields: outgoing.fields,
            photo: outgoing.photo,
        };
        let sent = if is_update { api.post_update(post).await } else { api.post_request(post).await };
        match sent {
            Ok(server_id) => {
                store.write(|tx| {
                    tx.execute("UPDATE outbox SET state = 'sent', last_error = NULL WHERE seq = ?1", [due.seq])?;
                    if is_update {
                        tx.execute(
                            "UPDATE report_updates SET update_id = ?2 WHERE id = ?1",
                            rusqlite::params![due.report, server_id],
                        )?;
                    } else {
                        tx.execute(
                            "UPDATE reports SET server_id = ?2, status = 'open', updated_at = ?3 WHERE id = ?1",
                            rusqlite::params![due.report, server_id, city::now()],
                        )?;
                        queue_extra_photos(tx, &due.report, &server_id)?;
                    }
                    Ok(())
                })?;
                out.sent += 1;
            }
            Err(e) if e.is_transient() => {
                let unit = (uuid::Uuid::new_v4().as_u128() % 10_000) as f64 / 10_000.0;
                let next = city::now() + backoff(due.attempts, unit);
                store.read(|c| {
                    Ok(c.execute(
                        "UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?2,
                         last_error = ?3 WHERE seq = ?1",
                        rusqlite::params![due.seq, next, e.to_string()],
                    )?)
                })?;
                out.stopped = Some(e.to_string());
                break;
            }
            Err(e) => {
                let reason = match &e {
                    Error::Server { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                store.write(|tx| {
                    tx.execute(
                        "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ?2 WHERE seq = ?1",
                        rusqlite::params![due.seq, reason],
                    )?;
                    if !is_update {
                        tx.execute(
                            "UPDATE reports SET status = 'rejected', status_notes = ?2, updated_at = ?3 WHERE id = ?1",
                            rusqlite::params![due.report, reason, city::now()],
                        )?;
                    }
                    Ok(())
                })?;
                out.rejected += 1;
            }
        }
    }
    out.waiting = store.read(|c| {
        Ok(c.query_row("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')", [], |r| {
            r.get::<_, i64>(0)
        })?)
    })? as usize;
    Ok(out)
}

/// Open311 carries one photo per request; the report's other photos follow
/// as updates on it, queued in the same transaction that records the request.
fn queue_extra_photos(tx: &rusqlite::Transaction<'_>, report: &str, server_id: &str) -> Result<()> {
    let (city_slug, total): (String, i64) = tx.query_row(
        "SELECT city, (SELECT count(*) FROM report_photos WHERE report_id = ?1) FROM reports WHERE id = ?1",
        [report],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let extra: Vec<(i64, Vec<u8>)> = {
        let mut st = tx.prepare(
            "SELECT position, jpeg FROM report_photos WHERE report_id = ?1 AND position > 0 ORDER BY position",
        )?;
        let rows = st.query_map([report], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (position, jpeg) in extra {
        let text = format!("Ảnh {}/{total} / Photo {}/{total}", position + 1, position + 1);
        crate::reports::queue_update(tx, &city_slug, server_id, "open", &text, Some(&jpeg))?;
    }
    Ok(())
}

/// A stored report in the shape Open311 `POST requests` takes.
struct Outgoing {
    city: String,
    fields: Vec<(String, String)>,
    photo: Option<Vec<u8>>,
}

/// Reads a stored citizen update as an Open311 `servicerequestupdates` form.
fn outgoing_update(c: &rusqlite::Connection, id: &str) -> Result<Outgoing> {
    let (city, server_id, status, description, photo): (String, String, String, String, Option<Vec<u8>>) = c
        .query_row(
            "SELECT city, server_id, status, description, photo FROM report_updates WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    let fields = vec![
        ("service_request_id".into(), server_id),
        ("status".into(), status),
        ("description".into(), description),
        ("update_id".into(), id.to_owned()),
    ];
    Ok(Outgoing { city, fields, photo })
}

/// Reads a stored report as an Open311 form.
fn outgoing(c: &rusqlite::Connection, report: &str, device_id: &str) -> Result<Outgoing> {
    use rusqlite::OptionalExtension;
    let mut city_slug = String::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut answers = String::new();
    let mut contact: Option<String> = None;
    c.query_row(
        "SELECT city, service_code, description, lat, lon, ward, attributes, contact FROM reports WHERE id = ?1",
        [report],
        |r| {
            city_slug = r.get(0)?;
            fields.push(("service_code".into(), r.get(1)?));
            fields.push(("lat".into(), format!("{:.6}", r.get::<_, f64>(3)?)));
            fields.push(("long".into(), format!("{:.6}", r.get::<_, f64>(4)?)));
            fields.push(("description".into(), r.get(2)?));
            if let Some(ward) = r.get::<_, Option<String>>(5)? {
                fields.push(("address_string".into(), ward));
            }
            answers = r.get(6)?;
            contact = r.get(7)?;
            Ok(())
        },
    )?;
    fields.push(("device_id".into(), device_id.into()));
    let answers: std::collections::BTreeMap<String, crate::reports::Answer> =
        serde_json::from_str(&answers).map_err(|e| Error::Storage(format!("stored answers: {e}")))?;
    for (k, v) in answers {
        match v {
            crate::reports::Answer::One(v) => fields.push((format!("attribute[{k}]"), v)),
            crate::reports::Answer::Many(vs) => fields.extend(vs.into_iter().map(|v| (format!("attribute[{k}][]"), v))),
        }
    }
    if let Some(contact) = contact {
        let c: crate::reports::Contact =
            serde_json::from_str(&contact).map_err(|e| Error::Storage(format!("stored contact: {e}")))?;
        let (first, last) = match c.name.trim().rsplit_once(' ') {
            // Vietnamese names put the given name last: "Nguyễn Văn An" → first "An".
            Some((family, given)) => (given.to_owned(), family.to_owned()),
            None => (c.name.trim().to_owned(), String::new()),
        };
        for (k, v) in [("first_name", first), ("last_name", last), ("email", c.email), ("phone", c.phone)] {
            if !v.is_empty() {
                fields.push((k.into(), v));
            }
        }
    }
    let photo: Option<Vec<u8>> = c
        .query_row("SELECT jpeg FROM report_photos WHERE report_id = ?1 ORDER BY position LIMIT 1", [report], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(Outgoing { city: city_slug, fields, photo })
}

/// A status change the app shows as a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Local report id.
    pub report: String,
    /// New extended status.
    pub status: String,
    /// The city's comment.
    pub description: String,
}

/// Fetches the status and the city's updates of sent reports; stores what is
/// new and returns it.
pub async fn refresh_reports(store: &Store, api: &Api, city_slug: &str) -> Result<Vec<StatusChange>> {
    let sent: Vec<(String, String)> = store.read(|c| {
        let mut st = c.prepare_cached("SELECT server_id, id FROM reports WHERE city = ?1 AND server_id IS NOT NULL")?;
        let rows = st.query_map([city_slug], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    if sent.is_empty() {
        return Ok(vec![]);
    }
    let local = |server_id: &str| sent.iter().find(|(s, _)| s == server_id).map(|(_, l)| l.clone());
    let mut changes = Vec::new();
    // Only what is new since the last update stored (the server's filter is
    // inclusive; the repeat is ignored on insert), not the city's whole history
    // on every refresh.
    let since: Option<String> = store.read(|c| {
        Ok(c.query_row(
            "SELECT max(e.at) FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.city = ?1",
            [city_slug],
            |r| r.get(0),
        )?)
    })?;
    let updates = api.updates(city_slug, since.as_deref()).await?;
    let ids: Vec<String> = sent.iter().map(|(s, _)| s.clone()).collect();
    let mut requests = Vec::new();
    for chunk in ids.chunks(100) {
        requests.extend(api.requests(city_slug, chunk).await?);
    }
    store.write(|tx| {
        for u in &updates {
            let Some(report) = u["service_request_id"].as_str().and_then(local) else { continue };
            let text = |k: &str| u[k].as_str().unwrap_or_default().to_owned();
            let added = tx.execute(
                "INSERT OR IGNORE INTO report_events (report_id, update_id, status, description, media_url, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    report,
                    text("update_id"),
                    text("status"),
                    text("description"),
                    u["media_url"].as_str(),
                    text("updated_datetime")
                ],
            )?;
            if added > 0 {
                changes.push(StatusChange { report, status: text("status"), description: text("description") });
            }
        }
        for r in &requests {
            let Some(report) = r["service_request_id"].as_str().and_then(local) else { continue };
            let status = r["extended_status"].as_str().or(r["status"].as_str()).unwrap_or("open");
            tx.execute(
                "UPDATE reports SET status = ?2, status_notes = ?3, updated_at = ?4 WHERE id = ?1 AND status != ?2",
                rusqlite::params![report, status, r["status_notes"].as_str(), city::now()],
            )?;
        }
        Ok(())
    })?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert_eq!(backoff(0, 0.5), 2);
        assert_eq!(backoff(3, 0.5), 16);
        assert_eq!(backoff(30, 0.5), BACKOFF_CAP_S);
        assert!((450..=750).contains(&backoff(30, 0.0)) && (450..=750).contains(&backoff(30, 1.0)));
        assert!(backoff(0, 0.0) >= 1);
    }
}
