//! The report tables' SQL: categories and the services cache, reports with
//! their photos and timeline, citizens' updates, and what a send reads and
//! writes around the network call.

use std::collections::{BTreeMap, HashSet};

use mycity_protocol::{
    attributes,
    open311::{ServiceRequest, ServiceRequestUpdate},
    Status,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{
    can_reopen, deadline, split_name, status_after_check, ClipStatus, Contact, Draft, Event, Report, ReportStatus,
    SendState, Service, StatusChange,
};
use crate::{
    api::ServiceWithQuestions,
    pack::{Category, LatLon, Localized},
    sync::outbox::{self, Kind},
    Error, Problem, Result,
};

/// The city's report categories from its pack, in the pack's order.
pub fn categories(conn: &Connection, city: &str) -> Result<Vec<Category>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, field, name_vi, name_en, icon, description_vi, description_en
         FROM categories WHERE city = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([city], |r| {
        Ok(Category {
            code: r.get(0)?,
            field: r.get(1)?,
            name: Localized { vi: r.get(2)?, en: r.get(3)? },
            icon: r.get(4)?,
            description: Localized { vi: r.get(5)?, en: r.get(6)? },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the city's cached services in `lang` with what its server listed
/// in that language. Returns true when they differ from what was stored.
pub fn store_services(
    tx: &Transaction<'_>,
    city: &str,
    lang: &str,
    list: &[ServiceWithQuestions],
    now: i64,
) -> Result<bool> {
    let before = services_of(tx, city, lang)?;
    tx.execute("DELETE FROM services WHERE city = ?1 AND lang = ?2", [city, lang])?;
    let mut ins = tx.prepare(
        "INSERT OR REPLACE INTO services (city, lang, code, position, name, description, grp, attributes, fetched_at)
         VALUES (?1, ?9, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, s) in list.iter().enumerate() {
        let questions: Vec<_> = s.attributes.iter().filter(|a| a.variable).collect();
        let group = if s.service.group.is_empty() { &s.service.keywords } else { &s.service.group };
        ins.execute(params![
            city,
            s.service.service_code,
            i as i64,
            s.service.service_name,
            s.service.description,
            group,
            serde_json::to_string(&questions).map_err(|e| Error::Storage(e.to_string()))?,
            now,
            lang
        ])?;
    }
    Ok(services_of(tx, city, lang)? != before)
}

fn services_of(conn: &Connection, city: &str, lang: &str) -> Result<Vec<Service>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, description, grp, attributes FROM services WHERE city = ?1 AND lang = ?2 ORDER BY position",
    )?;
    let rows = stmt.query_map([city, lang], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, name, description, group, questions) = row?;
        let questions = serde_json::from_str(&questions)
            .map_err(|e| Error::Storage(format!("stored questions of service {code}: {e}")))?;
        out.push(Service { code, name, description, group, questions });
    }
    Ok(out)
}

/// The city's services in `lang`: the server's answer in that language, else
/// the pack's categories named in `lang` (with the questions of an answer in
/// the other language, if one is cached, so an offline form still asks them)
/// until the server has been asked in `lang`.
pub fn services(conn: &Connection, city: &str, lang: &str) -> Result<Vec<Service>> {
    let cached = services_of(conn, city, lang)?;
    if !cached.is_empty() {
        return Ok(cached);
    }
    let other = services_of(conn, city, if lang == "en" { "vi" } else { "en" })?;
    Ok(categories(conn, city)?
        .into_iter()
        .map(|c| Service {
            questions: other.iter().find(|s| s.code == c.code).map(|s| s.questions.clone()).unwrap_or_default(),
            name: c.name.get(lang).to_owned(),
            description: c.description.get(lang).to_owned(),
            group: c.field,
            code: c.code,
        })
        .collect())
}

/// When the city's services in `lang` were last fetched from its server (unix seconds).
pub fn services_fetched_at(conn: &Connection, city: &str, lang: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT max(fetched_at) FROM services WHERE city = ?1 AND lang = ?2", [city, lang], |r| r.get(0))?)
}

/// Stores a validated report, its photos and its outbox row in one
/// transaction; returns its id.
pub fn queue(
    tx: &Transaction<'_>,
    city: &str,
    draft: &Draft,
    at: LatLon,
    ward: Option<&str>,
    now: i64,
) -> Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let answers = serde_json::to_string(&draft.answers).map_err(|e| Error::Storage(e.to_string()))?;
    let contact = draft
        .contact
        .as_ref()
        .filter(|c| !(c.name.trim().is_empty() && c.email.trim().is_empty() && c.phone.trim().is_empty()))
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::Storage(e.to_string()))?;
    tx.execute(
        "INSERT INTO reports (id, city, service_code, description, lat, lon, ward, attributes, contact,
            created_at, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', ?10)",
        params![id, city, draft.service_code, draft.description, at.lat, at.lon, ward, answers, contact, now],
    )?;
    for (i, photo) in draft.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO report_photos (report_id, position, jpeg, thumb) VALUES (?1, ?2, ?3, ?4)",
            params![id, i as i64, photo.jpeg, photo.thumbnail],
        )?;
    }
    if let Some(clip) = &draft.clip {
        tx.execute(
            "INSERT INTO report_clips (report_id, path, mime, duration_ms, bytes, poster) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, clip.path.to_string_lossy(), clip.mime, clip.duration_ms as i64, clip.bytes as i64, clip.poster],
        )?;
    }
    outbox::enqueue(tx, Kind::Report, &id, city, now)?;
    Ok(id)
}

/// The files of the clips of reports still to be sent.
pub fn clip_paths(conn: &Connection) -> Result<HashSet<std::path::PathBuf>> {
    let mut stmt = conn.prepare("SELECT path FROM report_clips")?;
    let paths = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(paths.map(|p| p.map(std::path::PathBuf::from)).collect::<Result<_, _>>()?)
}

/// The clip of report `id` (its file and MIME type), if it has one.
pub fn clip_of(conn: &Connection, id: &str) -> Result<Option<(std::path::PathBuf, String)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT path, mime FROM report_clips WHERE report_id = ?1", [id], |r| {
            Ok((std::path::PathBuf::from(r.get::<_, String>(0)?), r.get(1)?))
        })
        .optional()?)
}

/// Queues a citizen update on a report by its Open311 id: `Open` for a
/// comment or "me too", `Reopen` for a report the city called fixed that is
/// not. Returns its id.
pub fn queue_update(
    tx: &Transaction<'_>,
    city: &str,
    server_id: &str,
    status: Status,
    description: &str,
    photo: Option<&[u8]>,
    now: i64,
) -> Result<String> {
    if !status.citizen_may_send() {
        return Err(Problem::new("update-status", format!("a citizen's update cannot set {status}"))
            .arg("status", status)
            .into());
    }
    if description.trim().is_empty() {
        return Err(Problem::new("comment-empty", "write a comment").field("comment").into());
    }
    if description.chars().count() > mycity_protocol::limits::MAX_DESCRIPTION {
        let max = mycity_protocol::limits::MAX_DESCRIPTION;
        return Err(Problem::new("comment-too-long", format!("a comment has at most {max} characters"))
            .field("comment")
            .arg("max", max)
            .into());
    }
    let id = uuid::Uuid::new_v4().to_string();
    tx.execute(
        "INSERT INTO report_updates (id, city, server_id, status, description, photo, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, city, server_id, status.as_str(), description, photo, now],
    )?;
    outbox::enqueue(tx, Kind::Update, &id, city, now)?;
    Ok(id)
}

/// Reopens one of my reports, if [`can_reopen`] says it may be; the report
/// shows "reopened" at once, and a status check will not undo that while the
/// reopen waits to be sent.
pub fn reopen(
    tx: &Transaction<'_>,
    city: &str,
    report_id: &str,
    comment: &str,
    photo: Option<&[u8]>,
    now: i64,
) -> Result<String> {
    let (server_id, status): (Option<String>, String) = tx
        .query_row("SELECT server_id, status FROM reports WHERE id = ?1 AND city = ?2", [report_id, city], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| Problem::new("report-unknown", format!("no report {report_id}")))?;
    let status = ReportStatus::parse(&status);
    let waiting = match &server_id {
        Some(s) => reopen_waiting(tx, s)?,
        None => false,
    };
    let server_id = match server_id {
        Some(s) if can_reopen(status, true, waiting) => s,
        Some(_) => {
            return Err(Problem::new(
                "reopen-not-allowed",
                format!("a report that is {} cannot be reopened", status.key()),
            )
            .arg("status", status.key())
            .into())
        }
        None => return Err(Problem::new("report-not-sent", "this report has not reached the city yet").into()),
    };
    let id = queue_update(tx, city, &server_id, Status::Reopen, comment, photo, now)?;
    tx.execute("UPDATE reports SET status = 'reopen', updated_at = ?2 WHERE id = ?1", params![report_id, now])?;
    Ok(id)
}

/// SQL that is true when a reopen of the report whose Open311 id is `id`
/// (a parameter or a column) waits in the outbox.
fn reopen_waiting_sql(id: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM report_updates u JOIN outbox o ON o.id = u.id
                 WHERE u.server_id = {id} AND u.status = 'reopen' AND o.state IN ('pending', 'sending'))"
    )
}

/// True when a reopen of the report with this Open311 id waits in the outbox.
fn reopen_waiting(conn: &Connection, server_id: &str) -> Result<bool> {
    Ok(conn.prepare_cached(&format!("SELECT {}", reopen_waiting_sql("?1")))?.query_row([server_id], |r| r.get(0))?)
}

/// The city's reports, newest first, with their timelines and the category names in `lang`.
pub fn list(conn: &Connection, city: &str, lang: &str) -> Result<Vec<Report>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.service_code, r.description, r.lat, r.lon, r.ward, r.status, r.status_notes, r.server_id,
                o.state, o.last_error, (SELECT count(*) FROM report_photos p WHERE p.report_id = r.id), r.created_at,
                COALESCE(s.name, CASE ?2 WHEN 'en' THEN c.name_en ELSE c.name_vi END, r.service_code),
                (SELECT count(*) FROM report_events e WHERE e.report_id = r.id AND e.seen = 0),
                {},
                COALESCE((SELECT p.thumb FROM report_photos p WHERE p.report_id = r.id ORDER BY p.position LIMIT 1),
                         (SELECT c.poster FROM report_clips c WHERE c.report_id = r.id)),
                r.expected_at, rc.duration_ms, rc.bytes, cu.offset
         FROM reports r
         LEFT JOIN outbox o ON o.ref = r.id AND o.kind = 'report'
         LEFT JOIN report_clips rc ON rc.report_id = r.id
         LEFT JOIN clip_uploads cu ON cu.outbox_key = r.id
         LEFT JOIN services s ON s.city = r.city AND s.lang = ?2 AND s.code = r.service_code
         LEFT JOIN categories c ON c.city = r.city AND c.code = r.service_code
         WHERE r.city = ?1 ORDER BY r.created_at DESC, r.rowid DESC",
        reopen_waiting_sql("r.server_id")
    ))?;
    let rows = stmt.query_map(params![city, lang], |r| {
        let state: Option<String> = r.get(9)?;
        let status = ReportStatus::parse(&r.get::<_, String>(6)?);
        let server_id: Option<String> = r.get(8)?;
        let reopen_waiting: bool = r.get(15)?;
        let send = match state.as_deref() {
            Some("pending") => SendState::Waiting,
            Some("sending") => SendState::Sending,
            Some("rejected") => SendState::Rejected,
            _ => SendState::Sent,
        };
        let clip = match (r.get::<_, Option<i64>>(18)?, r.get::<_, Option<i64>>(19)?) {
            (Some(ms), Some(bytes)) => Some(ClipStatus::new(
                ms.max(0) as u64,
                bytes.max(0) as u64,
                r.get::<_, Option<i64>>(20)?.map(|o| o.max(0) as u64),
                send == SendState::Sent,
            )),
            _ => None,
        };
        Ok(Report {
            id: r.get(0)?,
            service_code: r.get(1)?,
            description: r.get(2)?,
            position: LatLon { lat: r.get(3)?, lon: r.get(4)? },
            ward: r.get(5)?,
            can_reopen: can_reopen(status, server_id.is_some(), reopen_waiting),
            status,
            status_notes: r.get(7)?,
            server_id,
            send,
            last_error: r.get(10)?,
            photos: r.get(11)?,
            created_at: r.get(12)?,
            service_name: r.get(13)?,
            unseen: r.get::<_, i64>(14)? as usize,
            thumbnail: r.get(16)?,
            expected_at: r.get(17)?,
            deadline: None,
            feedback: None,
            clip,
            events: vec![],
        })
    })?;
    let mut reports: Vec<Report> = rows.collect::<Result<_, _>>()?;
    let mut ev = conn.prepare_cached(
        "SELECT e.status, e.description, e.media_url, e.at,
                EXISTS (SELECT 1 FROM report_updates u WHERE u.update_id = e.update_id AND u.server_id = r.server_id)
         FROM report_events e JOIN reports r ON r.id = e.report_id
         WHERE e.report_id = ?1 ORDER BY e.at, e.update_id",
    )?;
    for r in &mut reports {
        r.events = ev
            .query_map([&r.id], |e| {
                Ok(Event {
                    status: Status::parse(&e.get::<_, String>(0)?).unwrap_or(Status::Open),
                    description: e.get(1)?,
                    media_url: e.get(2)?,
                    at: e.get(3)?,
                    mine: e.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let expected = r.expected_at.as_deref().and_then(crate::city::unix);
        let now = crate::city::now();
        r.deadline = deadline::deadline(r.status, r.created_at, expected, &r.events, now);
        r.feedback = super::feedback::of(conn, &r.id, now)?;
    }
    Ok(reports)
}

/// My reports in `city` whose deadline passed without the city handling them
/// and that the person was not told of yet ([`deadline::tell_overdue`]);
/// marks them told.
pub fn newly_overdue(tx: &Transaction<'_>, city: &str, lang: &str, now: i64) -> Result<Vec<Report>> {
    let told: HashSet<String> = tx
        .prepare_cached("SELECT id FROM reports WHERE city = ?1 AND overdue_noticed_at IS NOT NULL")?
        .query_map([city], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let late: Vec<Report> = list(tx, city, lang)?
        .into_iter()
        .filter(|r| deadline::tell_overdue(r.deadline, told.contains(&r.id)))
        .collect();
    for r in &late {
        tx.execute("UPDATE reports SET overdue_noticed_at = ?2 WHERE id = ?1", params![r.id, now])?;
    }
    Ok(late)
}

/// How many city updates of the city's reports are not seen yet.
pub fn unseen(conn: &Connection, city: &str) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.city = ?1 AND e.seen = 0",
        [city],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

/// Marks every city update of the city's reports as seen.
pub fn mark_seen(tx: &Transaction<'_>, city: &str) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE report_events SET seen = 1
         WHERE seen = 0 AND report_id IN (SELECT id FROM reports WHERE city = ?1)",
        [city],
    )?)
}

/// A stored record in the shape Open311 takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Form fields.
    pub fields: Vec<(String, String)>,
    /// The photo that goes with it.
    pub photo: Option<Vec<u8>>,
}

/// Reads a stored report as an Open311 `POST requests` form.
pub fn outgoing_request(conn: &Connection, id: &str, device_id: &str) -> Result<Outgoing> {
    type Stored = (String, String, f64, f64, Option<String>, String, Option<String>);
    let (code, description, lat, lon, ward, answers, contact): Stored = conn.query_row(
        "SELECT service_code, description, lat, lon, ward, attributes, contact FROM reports WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
    )?;
    let mut fields: Vec<(String, String)> = vec![
        ("service_code".into(), code),
        ("lat".into(), format!("{lat:.6}")),
        ("long".into(), format!("{lon:.6}")),
        ("description".into(), description),
    ];
    if let Some(ward) = ward {
        fields.push(("address_string".into(), ward));
    }
    fields.push(("device_id".into(), device_id.into()));
    let answers: BTreeMap<String, crate::Answer> =
        serde_json::from_str(&answers).map_err(|e| Error::Storage(format!("stored answers: {e}")))?;
    fields.extend(attributes::to_form(&answers));
    if let Some(contact) = contact {
        let c: Contact = serde_json::from_str(&contact).map_err(|e| Error::Storage(format!("stored contact: {e}")))?;
        let (first, last) = split_name(&c.name);
        for (k, v) in [("first_name", first), ("last_name", last), ("email", c.email), ("phone", c.phone)] {
            if !v.trim().is_empty() {
                fields.push((k.into(), v.trim().to_owned()));
            }
        }
    }
    // Open311 has one media per request: a report's clip is it, and then
    // every photo follows as an update (see `request_accepted`).
    let photo: Option<Vec<u8>> = if clip_of(conn, id)?.is_some() {
        None
    } else {
        conn.query_row("SELECT jpeg FROM report_photos WHERE report_id = ?1 ORDER BY position LIMIT 1", [id], |r| {
            r.get(0)
        })
        .optional()?
    };
    Ok(Outgoing { fields, photo })
}

/// Reads a stored citizen update as an Open311 `POST servicerequestupdates` form.
pub fn outgoing_update(conn: &Connection, id: &str) -> Result<Outgoing> {
    let (server_id, status, description, photo): (String, String, String, Option<Vec<u8>>) =
        conn.query_row("SELECT server_id, status, description, photo FROM report_updates WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let fields = vec![
        ("service_request_id".into(), server_id),
        ("status".into(), status),
        ("description".into(), description),
        ("update_id".into(), id.to_owned()),
        ("updated_datetime".into(), crate::city::now_iso()),
    ];
    Ok(Outgoing { fields, photo })
}

/// The city took report `id` as `server_id`. Open311 carries one photo per
/// request, so the report's other photos follow as updates, queued in the
/// same transaction that records the id.
pub fn request_accepted(tx: &Transaction<'_>, id: &str, server_id: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE reports SET server_id = ?2, status = 'open', updated_at = ?3 WHERE id = ?1",
        params![id, server_id, now],
    )?;
    let city: String = tx.query_row("SELECT city FROM reports WHERE id = ?1", [id], |r| r.get(0))?;
    let extra: Vec<(i64, Vec<u8>)> = tx
        .prepare("SELECT position, jpeg FROM report_photos WHERE report_id = ?1 ORDER BY position")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let total = extra.len();
    // The first photo went with the request, unless a clip took its place.
    let first_sent = clip_of(tx, id)?.is_none();
    for (position, jpeg) in extra.into_iter().filter(|(p, _)| *p > 0 || !first_sent) {
        let n = position + 1;
        let text = format!("Ảnh {n}/{total} / Photo {n}/{total}");
        queue_update(tx, &city, server_id, Status::Open, &text, Some(&jpeg), now)?;
    }
    Ok(())
}

/// The city took citizen update `id` and calls it `server_update_id`.
pub fn update_accepted(tx: &Transaction<'_>, id: &str, server_update_id: &str) -> Result<()> {
    tx.execute("UPDATE report_updates SET update_id = ?2 WHERE id = ?1", params![id, server_update_id])?;
    Ok(())
}

/// The city's server refused report `id`.
pub fn request_rejected(tx: &Transaction<'_>, id: &str, reason: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE reports SET status = 'rejected', status_notes = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, reason, now],
    )?;
    Ok(())
}

/// The city's reports that reached its server: (Open311 id, local id).
pub fn sent(conn: &Connection, city: &str) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare_cached("SELECT server_id, id FROM reports WHERE city = ?1 AND server_id IS NOT NULL")?;
    let rows = st.query_map([city], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The time of the newest city update stored for the city's reports, so a
/// status check asks only for what came after.
pub fn last_event_at(conn: &Connection, city: &str) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT max(e.at) FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.city = ?1",
        [city],
        |r| r.get(0),
    )?)
}

/// Stores what a status check found: new timeline steps, and each report's
/// status as [`status_after_check`] decides. Returns the news.
pub fn apply_check(
    tx: &Transaction<'_>,
    city: &str,
    updates: &[ServiceRequestUpdate],
    requests: &[ServiceRequest],
    now: i64,
) -> Result<Vec<StatusChange>> {
    let local: BTreeMap<String, String> = sent(tx, city)?.into_iter().collect();
    let mine: HashSet<String> = {
        let mut st =
            tx.prepare_cached("SELECT update_id FROM report_updates WHERE city = ?1 AND update_id IS NOT NULL")?;
        let rows = st.query_map([city], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut changes = Vec::new();
    for u in updates {
        let Some(report) = local.get(&u.service_request_id) else { continue };
        // The server's start filter is inclusive; a step seen before is ignored.
        let added = tx.execute(
            "INSERT OR IGNORE INTO report_events (report_id, update_id, status, description, media_url, at, seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                report,
                u.update_id,
                u.status.as_str(),
                u.description,
                u.media_url,
                u.updated_datetime,
                mine.contains(&u.update_id)
            ],
        )?;
        if added > 0 && !mine.contains(&u.update_id) {
            changes.push(StatusChange { report: report.clone(), status: u.status, description: u.description.clone() });
        }
    }
    for r in requests {
        let Some(report) = local.get(&r.service_request_id) else { continue };
        let current: String = tx.query_row("SELECT status FROM reports WHERE id = ?1", [report], |x| x.get(0))?;
        let waiting = reopen_waiting(tx, &r.service_request_id)?;
        if let Some(due) = &r.expected_datetime {
            tx.execute(
                "UPDATE reports SET expected_at = ?2 WHERE id = ?1 AND expected_at IS NOT ?2",
                params![report, due],
            )?;
        }
        if let Some(next) = status_after_check(ReportStatus::parse(&current), r.current_status(), waiting) {
            tx.execute(
                "UPDATE reports SET status = ?2, status_notes = ?3, updated_at = ?4 WHERE id = ?1",
                params![report, next.key(), r.status_notes, now],
            )?;
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn report(tx: &Transaction<'_>, id: &str, status: &str, expected_at: &str) {
        tx.execute(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status,
                                  updated_at, server_id, expected_at)
             VALUES (?1, 'da-nang', 'pothole', 'Ổ gà', 16.06, 108.22, '{}', 1764000000, ?2, 1764000000, ?1, ?3)",
            params![id, status, expected_at],
        )
        .unwrap();
    }

    #[test]
    fn a_report_past_its_deadline_unhandled_is_told_once() {
        let store = Store::open_in_memory().unwrap();
        store
            .write(|tx| {
                report(tx, "late", "in_progress", "2025-11-20T10:00:00+07:00");
                report(tx, "done-late", "fixed", "2025-11-20T10:00:00+07:00");
                report(tx, "not-yet", "open", "2099-01-01T10:00:00+07:00");
                Ok(())
            })
            .unwrap();
        let now = crate::city::now();
        let told = store.write(|tx| newly_overdue(tx, "da-nang", "vi", now)).unwrap();
        assert_eq!(told.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["late"]);
        assert!(store.write(|tx| newly_overdue(tx, "da-nang", "vi", now)).unwrap().is_empty(), "once");
    }
}
