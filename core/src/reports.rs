//! Reports: categories (Open311 services and their questions), drafts and
//! their checks, the queue that sends them, and the status timeline.

use rusqlite::Connection;
use serde_json::Value;

use crate::{
    pack::{Category, LatLon, Localized},
    Error, Result,
};

/// The city's report categories, in the pack's order.
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

/// How a category's extra question is answered (Open311 attribute datatypes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attribute {
    /// Attribute code.
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist`, `multivaluelist`.
    pub datatype: String,
    /// Must be answered.
    pub required: bool,
    /// The question shown.
    pub description: String,
    /// Allowed answers for lists: (key, label).
    pub values: Vec<(String, String)>,
}

/// A report category with its questions, as the city's server describes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Service {
    /// Open311 `service_code`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Group (field).
    pub group: String,
    /// Extra questions, in order.
    pub attributes: Vec<Attribute>,
}

fn parse_attributes(v: &Value) -> Vec<Attribute> {
    let mut out: Vec<(i64, Attribute)> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["variable"].as_bool().unwrap_or(true))
        .filter_map(|a| {
            Some((
                a["order"].as_i64().unwrap_or(0),
                Attribute {
                    code: a["code"].as_str()?.to_owned(),
                    datatype: a["datatype"].as_str().unwrap_or("string").to_owned(),
                    required: a["required"].as_bool().unwrap_or(false),
                    description: a["description"].as_str().unwrap_or_default().to_owned(),
                    values: a["values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| {
                            let key = v["key"]
                                .as_str()
                                .map(str::to_owned)
                                .or_else(|| v["key"].as_i64().map(|n| n.to_string()))?;
                            let name = v["name"].as_str().unwrap_or(&key).to_owned();
                            Some((key, name))
                        })
                        .collect(),
                },
            ))
        })
        .collect();
    out.sort_by_key(|(o, _)| *o);
    out.into_iter().map(|(_, a)| a).collect()
}

/// Replaces the city's cached services with what the server listed.
pub fn store_services(tx: &rusqlite::Transaction<'_>, city: &str, list: &[Value]) -> Result<()> {
    tx.execute("DELETE FROM services WHERE city = ?1", [city])?;
    let mut ins = tx.prepare(
        "INSERT OR REPLACE INTO services (city, code, position, name, description, grp, attributes, fetched_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, s) in list.iter().enumerate() {
        let Some(code) = s["service_code"].as_str() else { continue };
        let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
        ins.execute(rusqlite::params![
            city,
            code,
            i as i64,
            text("service_name"),
            text("description"),
            s["group"].as_str().or(s["keywords"].as_str()).unwrap_or_default(),
            s["attributes"].to_string(),
            crate::city::now()
        ])?;
    }
    Ok(())
}

/// The city's services: the server's, or the pack's categories (without
/// questions) until the server has been reached once.
pub fn services(conn: &Connection, city: &str, lang: &str) -> Result<Vec<Service>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, description, grp, attributes FROM services WHERE city = ?1 ORDER BY position",
    )?;
    let cached: Vec<Service> = stmt
        .query_map([city], |r| {
            let attrs: String = r.get(4)?;
            Ok(Service {
                code: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                group: r.get(3)?,
                attributes: parse_attributes(&serde_json::from_str(&attrs).unwrap_or(Value::Null)),
            })
        })?
        .collect::<Result<_, _>>()?;
    if !cached.is_empty() {
        return Ok(cached);
    }
    Ok(categories(conn, city)?
        .into_iter()
        .map(|c| Service {
            name: c.name.get(lang).to_owned(),
            description: c.description.get(lang).to_owned(),
            group: c.field,
            code: c.code,
            attributes: vec![],
        })
        .collect())
}

/// An answer to an attribute question.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// One value (text, number, date-time, list key).
    One(String),
    /// Several keys of a multivaluelist.
    Many(Vec<String>),
}

/// Who reported, when they choose to say.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A report being written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// Category.
    pub service_code: String,
    /// What is wrong.
    pub description: String,
    /// Where (GPS fix or a pin).
    pub position: Option<LatLon>,
    /// Answers to the category's questions.
    pub answers: std::collections::BTreeMap<String, Answer>,
    /// Photos as prepared by [`crate::MyCity::prepare_photo`] (metadata-free JPEG).
    pub photos: Vec<Vec<u8>>,
    /// Contact details; `None` sends anonymously.
    pub contact: Option<Contact>,
    /// Show the name publicly (off by default).
    pub show_name: bool,
}

/// Open311's longest description.
pub const MAX_DESCRIPTION: usize = 4000;
/// Most photos one report carries.
pub const MAX_PHOTOS: usize = 5;
/// Largest prepared photo accepted (a prepared 1600 px JPEG is ~150–400 KB).
pub const MAX_PREPARED_PHOTO: usize = 3 * 1024 * 1024;

/// Checks a draft before anything is queued; the error says what to fix.
pub fn validate(draft: &Draft, services: &[Service], bbox: &crate::pack::BBox) -> Result<LatLon> {
    let service = services
        .iter()
        .find(|s| s.code == draft.service_code)
        .ok_or_else(|| Error::InvalidInput(format!("choose a category (unknown {:?})", draft.service_code)))?;
    let len = draft.description.chars().count();
    if len > MAX_DESCRIPTION {
        return Err(Error::InvalidInput(format!("the description has {len} characters; at most {MAX_DESCRIPTION}")));
    }
    if draft.description.trim().is_empty() && draft.photos.is_empty() {
        return Err(Error::InvalidInput("describe the problem or add a photo".into()));
    }
    let p = draft.position.ok_or_else(|| Error::InvalidInput("place the report on the map".into()))?;
    if !(p.lat.is_finite() && p.lon.is_finite() && bbox.contains(p)) {
        return Err(Error::InvalidInput(format!("{:.5}, {:.5} is outside the city", p.lat, p.lon)));
    }
    if draft.photos.len() > MAX_PHOTOS {
        return Err(Error::InvalidInput(format!("at most {MAX_PHOTOS} photos")));
    }
    for (i, p) in draft.photos.iter().enumerate() {
        // Raw camera files would leak their GPS tags and cost ten times the upload.
        if !p.starts_with(&[0xFF, 0xD8, 0xFF]) || p.len() > MAX_PREPARED_PHOTO {
            return Err(Error::InvalidInput(format!("photo {} was not prepared (prepare_photo)", i + 1)));
        }
    }
    for a in &service.attributes {
        let answer = draft.answers.get(&a.code).filter(|v| match v {
            Answer::One(s) => !s.trim().is_empty(),
            Answer::Many(v) => !v.is_empty(),
        });
        let Some(answer) = answer else {
            if a.required {
                return Err(Error::InvalidInput(format!("answer “{}”", a.description)));
            }
            continue;
        };
        let keys: Vec<&str> = a.values.iter().map(|(k, _)| k.as_str()).collect();
        let ok = match (a.datatype.as_str(), answer) {
            ("singlevaluelist", Answer::One(v)) => keys.contains(&v.as_str()),
            ("multivaluelist", Answer::Many(vs)) => vs.iter().all(|v| keys.contains(&v.as_str())),
            ("multivaluelist", Answer::One(v)) => keys.contains(&v.as_str()),
            ("number", Answer::One(v)) => v.trim().parse::<f64>().is_ok_and(f64::is_finite),
            ("datetime", Answer::One(v)) => {
                time::OffsetDateTime::parse(v.trim(), &time::format_description::well_known::Rfc3339).is_ok()
            }
            ("string" | "text", Answer::One(v)) => v.chars().count() <= MAX_DESCRIPTION,
            _ => false,
        };
        if !ok {
            return Err(Error::InvalidInput(format!("“{}” has an answer that does not fit", a.description)));
        }
    }
    if let Some(c) = &draft.contact {
        if !c.email.is_empty() && (!c.email.contains('@') || c.email.len() > 254) {
            return Err(Error::InvalidInput(format!("{:?} is not an e-mail address", c.email)));
        }
        if c.name.chars().count() > 100 || c.phone.chars().count() > 30 {
            return Err(Error::InvalidInput("the name or phone is too long".into()));
        }
    }
    Ok(p)
}

/// Stores a validated report and its outbox row in one transaction; returns its id.
pub fn queue(
    tx: &rusqlite::Transaction<'_>,
    city: &str,
    draft: &Draft,
    at: LatLon,
    ward: Option<&str>,
) -> Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = crate::city::now();
    let answers = serde_json::to_string(&draft.answers).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let contact = draft
        .contact
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::InvalidInput(e.to_string()))?;
    tx.execute(
        "INSERT INTO reports (id, city, service_code, description, lat, lon, ward, attributes, contact, show_name,
            created_at, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'queued', ?11)",
        rusqlite::params![
            id,
            city,
            draft.service_code,
            draft.description,
            at.lat,
            at.lon,
            ward,
            answers,
            contact,
            draft.show_name,
            now
        ],
    )?;
    for (i, jpeg) in draft.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO report_photos (report_id, position, jpeg) VALUES (?1, ?2, ?3)",
            rusqlite::params![id, i as i64, jpeg],
        )?;
    }
    tx.execute(
        "INSERT INTO outbox (id, kind, ref, state, next_attempt_at, created_at) VALUES (?1, 'report', ?1, 'pending', ?2, ?2)",
        rusqlite::params![id, now],
    )?;
    Ok(id)
}

/// Queues a citizen update on a report: `open` for a comment or "me too",
/// `reopen` for a report the city marked fixed that is not. Returns its id.
pub fn queue_update(
    tx: &rusqlite::Transaction<'_>,
    city: &str,
    server_id: &str,
    status: &str,
    description: &str,
    photo: Option<&[u8]>,
) -> Result<String> {
    if description.trim().is_empty() {
        return Err(Error::InvalidInput("write a comment".into()));
    }
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Error::InvalidInput(format!("a comment has at most {MAX_DESCRIPTION} characters")));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let now = crate::city::now();
    tx.execute(
        "INSERT INTO report_updates (id, city, server_id, status, description, photo, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![id, city, server_id, status, description, photo, now],
    )?;
    tx.execute(
        "INSERT INTO outbox (id, kind, ref, state, next_attempt_at, created_at) VALUES (?1, 'update', ?1, 'pending', ?2, ?2)",
        rusqlite::params![id, now],
    )?;
    Ok(id)
}

/// An open report near where someone is about to report the same thing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Nearby {
    /// Its Open311 id.
    pub server_id: String,
    /// What it says.
    pub description: String,
    /// How far from the new report's position, in metres.
    pub distance_m: f64,
    /// Its extended status.
    pub status: String,
}

/// The open requests within `radius_m` of `at`, nearest first.
pub fn nearby(requests: &[Value], at: LatLon, radius_m: f64) -> Vec<Nearby> {
    let mut out: Vec<Nearby> = requests
        .iter()
        .filter_map(|r| {
            let p = LatLon { lat: r["lat"].as_f64()?, lon: r["long"].as_f64()? };
            let d = crate::geo::distance_m(at, p);
            let server_id = r["service_request_id"].as_str()?.to_owned();
            (d <= radius_m).then(|| Nearby {
                server_id,
                description: r["description"].as_str().unwrap_or_default().to_owned(),
                distance_m: d,
                status: r["extended_status"].as_str().or(r["status"].as_str()).unwrap_or("open").to_owned(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    out
}

/// One step of a report's timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    /// Extended status after this step.
    pub status: String,
    /// The city's comment.
    pub description: String,
    /// A photo from the city.
    pub media_url: Option<String>,
    /// When (ISO 8601).
    pub at: String,
}

/// A report as "My reports" shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Local id.
    pub id: String,
    /// Category.
    pub service_code: String,
    /// Text.
    pub description: String,
    /// Where.
    pub position: LatLon,
    /// Ward name, if inside one.
    pub ward: Option<String>,
    /// `queued`, `rejected`, or the server's extended status.
    pub status: String,
    /// The city's latest note.
    pub status_notes: Option<String>,
    /// Open311 id once accepted.
    pub server_id: Option<String>,
    /// Outbox state: pending, sending, sent, rejected.
    pub delivery: String,
    /// Why the server refused it, or why the last try failed.
    pub last_error: Option<String>,
    /// Photos attached.
    pub photos: i64,
    /// Created (unix seconds).
    pub created_at: i64,
    /// The city's updates, oldest first.
    pub events: Vec<Event>,
}

/// The city's reports, newest first, with their timelines.
pub fn list(conn: &Connection, city: &str) -> Result<Vec<Report>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.service_code, r.description, r.lat, r.lon, r.ward, r.status, r.status_notes, r.server_id,
                o.state, o.last_error, (SELECT count(*) FROM report_photos p WHERE p.report_id = r.id), r.created_at
         FROM reports r LEFT JOIN outbox o ON o.ref = r.id AND o.kind = 'report'
         WHERE r.city = ?1 ORDER BY r.created_at DESC, r.rowid DESC",
    )?;
    let mut reports: Vec<Report> = stmt
        .query_map([city], |r| {
            Ok(Report {
                id: r.get(0)?,
                service_code: r.get(1)?,
                description: r.get(2)?,
                position: LatLon { lat: r.get(3)?, lon: r.get(4)? },
                ward: r.get(5)?,
                status: r.get(6)?,
                status_notes: r.get(7)?,
                server_id: r.get(8)?,
                delivery: r.get::<_, Option<String>>(9)?.unwrap_or_else(|| "sent".into()),
                last_error: r.get(10)?,
                photos: r.get(11)?,
                created_at: r.get(12)?,
                events: vec![],
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut ev = conn.prepare_cached(
        "SELECT status, description, media_url, at FROM report_events WHERE report_id = ?1 ORDER BY at, update_id",
    )?;
    for r in &mut reports {
        r.events = ev
            .query_map([&r.id], |e| {
                Ok(Event { status: e.get(0)?, description: e.get(1)?, media_url: e.get(2)?, at: e.get(3)? })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(reports)
}
