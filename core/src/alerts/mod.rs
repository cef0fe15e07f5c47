//! City alerts (CAP 1.2 through the city's Atom feed), announcements and
//! public consultations.
//!
//! The sync engine calls [`refresh`] once per city check: the alerts feed
//! (with its ETag, so an unchanged feed costs one 304), the announcements
//! and the surveys. What the feed gave is stored whole; which alerts are in
//! force ([`cap::in_force`]), which concern the person ([`relevance`]) and
//! how loudly ([`relevance::banner`]) is decided when read, so the answer is
//! right offline as alerts expire.

pub mod consult;
pub mod relevance;

use mycity_protocol::cap::{self, Alert, Certainty, Severity, Urgency};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

pub use self::relevance::{Banner, Level, Target};
use crate::{api::Fetched, city::now, Error, LatLon, MyCity, Problem, Result, SyncEvent};

const KEY_HOME_WARD: &str = "home-ward";
const KEY_POSITION: &str = "last-position";

/// An alert in force, as the screens show it, in the person's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveAlert {
    /// `sender/identifier`: unique, stable across refreshes.
    pub id: String,
    /// CAP identifier.
    pub identifier: String,
    /// CAP sender.
    pub sender: String,
    /// Who issued it, in words.
    pub sender_name: Option<String>,
    /// When it was sent (unix seconds).
    pub sent_at: i64,
    /// When it takes effect (unix seconds): its `effective`, else when it was sent.
    pub effective_at: i64,
    /// When the event is expected to begin (unix seconds), when given.
    pub onset_at: Option<i64>,
    /// When it stops being in force (unix seconds).
    pub expires_at: i64,
    /// The language of the texts below.
    pub language: String,
    /// What it is about.
    pub event: String,
    /// One line (the headline, else the event).
    pub headline: String,
    /// Details.
    pub description: Option<String>,
    /// What to do.
    pub instruction: Option<String>,
    /// Most severe of its infos.
    pub severity: Severity,
    /// Most urgent of its infos.
    pub urgency: Urgency,
    /// Certainty of the shown info.
    pub certainty: Certainty,
    /// The areas' descriptions, joined.
    pub area: String,
    /// Polygons `[lat, lon]` to draw.
    pub polygons: Vec<Vec<[f64; 2]>>,
    /// Circles to draw.
    pub circles: Vec<cap::Circle>,
    /// Ward codes it names.
    pub wards: Vec<String>,
    /// It targets the whole city.
    pub whole_city: bool,
    /// It concerns the person (their position or home ward is in its area, or it targets the whole city).
    pub relevant: bool,
    /// How it shows.
    pub banner: Banner,
}

/// The city's alerts in force, concerning the person first, loudest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertList {
    /// The alerts.
    pub alerts: Vec<ActiveAlert>,
    /// When the server last confirmed the feed (unix seconds); `None` never.
    pub checked_at: Option<i64>,
    /// The last failed check, if the last check failed.
    pub last_error: Option<String>,
    /// The person's home ward (a ward code), to mark on the map.
    pub home_ward: Option<String>,
    /// The position the alerts were matched against, to mark on the map.
    pub position: Option<LatLon>,
    /// The ward that position lies in.
    pub position_ward: Option<String>,
}

/// What a feed check did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertsRefresh {
    /// The feed had changed (not a 304).
    pub changed: bool,
    /// Messages now stored for the city.
    pub messages: usize,
    /// Messages new since the last check.
    pub new: usize,
    /// Entries skipped because their CAP was invalid, with the reason.
    pub unreadable: Vec<String>,
}

/// Reads a CAP document, for the command line and tools; the refusal names the element.
pub fn parse_cap(xml: &str) -> Result<Alert> {
    cap::parse(xml)
        .map_err(|e| Problem::new("cap-invalid", e.to_string()).field(e.element.clone()).arg("reason", e.reason).into())
}

fn store_feed(tx: &Transaction<'_>, city: &str, messages: &[Alert], now: i64) -> Result<usize> {
    let mut new = 0;
    tx.execute("CREATE TEMP TABLE IF NOT EXISTS feed_keys (sender TEXT, identifier TEXT)", [])?;
    tx.execute("DELETE FROM temp.feed_keys", [])?;
    for m in messages {
        let body = serde_json::to_string(m).map_err(|e| Error::Storage(e.to_string()))?;
        let known: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM alert_messages WHERE city = ?1 AND sender = ?2 AND identifier = ?3",
                params![city, m.sender, m.identifier],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            new += 1;
        }
        tx.execute(
            "INSERT INTO alert_messages (city, sender, identifier, body, expires_at, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (city, sender, identifier) DO UPDATE SET body = ?4, expires_at = ?5",
            params![city, m.sender, m.identifier, body, m.expires_at(), now],
        )?;
        tx.execute("INSERT INTO temp.feed_keys VALUES (?1, ?2)", params![m.sender, m.identifier])?;
    }
    // What the feed no longer lists is over (expired or withdrawn).
    tx.execute(
        "DELETE FROM alert_messages WHERE city = ?1 AND NOT EXISTS
           (SELECT 1 FROM temp.feed_keys k WHERE k.sender = alert_messages.sender AND k.identifier = alert_messages.identifier)",
        [city],
    )?;
    Ok(new)
}

fn messages(conn: &Connection, city: &str) -> Result<Vec<(Alert, i64)>> {
    let mut st = conn.prepare_cached("SELECT body, first_seen FROM alert_messages WHERE city = ?1 ORDER BY rowid")?;
    let rows = st.query_map([city], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (body, seen) = r?;
        out.push((serde_json::from_str(&body).map_err(|e| Error::Storage(format!("stored alert: {e}")))?, seen));
    }
    Ok(out)
}

fn feed_state(conn: &Connection, city: &str) -> Result<(Option<String>, Option<i64>, Option<String>)> {
    Ok(conn
        .query_row("SELECT etag, fetched_at, error FROM alert_feeds WHERE city = ?1", [city], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .unwrap_or((None, None, None)))
}

fn record(tx: &Transaction<'_>, city: &str, etag: Option<&str>, ok_at: Option<i64>, error: Option<&str>) -> Result<()> {
    tx.execute(
        "INSERT INTO alert_feeds (city, etag, fetched_at, error) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (city) DO UPDATE SET etag = COALESCE(?2, etag), fetched_at = COALESCE(?3, fetched_at), error = ?4",
        params![city, etag, ok_at, error],
    )?;
    Ok(())
}

/// Each info repeats the areas in its language: draw each shape once.
fn unique<'a, T: PartialEq + Clone + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

fn active(alert: &Alert, target: &Target, lang: &str, relevant: bool) -> ActiveAlert {
    let info = alert.info_for(lang);
    let areas: Vec<&cap::Area> = alert.info.iter().flat_map(|i| &i.areas).collect();
    let mut area_desc: Vec<&str> = Vec::new();
    let shown = info.map(|i| i.areas.iter().collect::<Vec<_>>()).unwrap_or_default();
    for a in if shown.is_empty() { &areas } else { &shown } {
        if !area_desc.contains(&a.area_desc.as_str()) {
            area_desc.push(&a.area_desc);
        }
    }
    let certainty = info.map_or(Certainty::Unknown, |i| i.certainty);
    let (severity, urgency) = (alert.severity(), alert.urgency());
    ActiveAlert {
        id: format!("{}/{}", alert.sender, alert.identifier),
        identifier: alert.identifier.clone(),
        sender: alert.sender.clone(),
        sender_name: info.and_then(|i| i.sender_name.clone()),
        sent_at: cap::instant(&alert.sent).unwrap_or(0),
        effective_at: info
            .and_then(|i| i.effective.as_deref())
            .and_then(cap::instant)
            .unwrap_or_else(|| cap::instant(&alert.sent).unwrap_or(0)),
        onset_at: info.and_then(|i| i.onset.as_deref()).and_then(cap::instant),
        expires_at: alert.expires_at(),
        language: info.map(|i| i.language.clone()).unwrap_or_default(),
        event: info.map(|i| i.event.clone()).unwrap_or_default(),
        headline: info.and_then(|i| i.headline.clone().or_else(|| Some(i.event.clone()))).unwrap_or_default(),
        description: info.and_then(|i| i.description.clone()),
        instruction: info.and_then(|i| i.instruction.clone()),
        severity,
        urgency,
        certainty,
        area: area_desc.join("; "),
        polygons: unique(areas.iter().flat_map(|a| a.polygons.iter())),
        circles: unique(areas.iter().flat_map(|a| a.circles.iter())),
        wards: target.wards().to_vec(),
        whole_city: target.whole_city(),
        relevant,
        banner: relevance::banner(severity, urgency, certainty),
    }
}

/// The alerts in force for `city` at `now`, each with whether it concerns
/// someone at `position` (in `position_ward`) living in `home_ward`, sorted
/// concerning first, then loudest, then newest. The second of each pair is
/// when the message was first seen.
pub fn in_force_for(
    messages: &[(Alert, i64)],
    city: &str,
    lang: &str,
    now: i64,
    position: Option<LatLon>,
    position_ward: Option<&str>,
    home_ward: Option<&str>,
) -> Vec<(ActiveAlert, i64)> {
    let all: Vec<Alert> = messages.iter().map(|(a, _)| a.clone()).collect();
    let live = cap::in_force(&all, now);
    let mut out: Vec<(ActiveAlert, i64)> = live
        .into_iter()
        .map(|a| {
            let seen = messages.iter().find(|(m, _)| std::ptr::eq(m, a) || m.key() == a.key()).map_or(0, |(_, s)| *s);
            let target = Target::new(a, city);
            let relevant = target.concerns(position, position_ward, home_ward);
            (active(a, &target, lang, relevant), seen)
        })
        .collect();
    out.sort_by(|(a, _), (b, _)| {
        b.relevant.cmp(&a.relevant).then(a.banner.level.cmp(&b.banner.level)).then(b.sent_at.cmp(&a.sent_at))
    });
    out
}

fn position_setting(core: &MyCity) -> Option<LatLon> {
    let s = core.inner.store.setting(KEY_POSITION).ok()??;
    let (lat, lon) = s.split_once(',')?;
    Some(LatLon { lat: lat.parse().ok()?, lon: lon.parse().ok()? })
}

/// The last position the person was matched at (the alerts remember it).
pub(crate) fn last_position(core: &MyCity) -> Option<LatLon> {
    position_setting(core)
}

/// The current city's alerts in force of CAP `category` (road closures and
/// roadworks are `Transport`), loudest first.
pub(crate) fn in_force_of_category(core: &MyCity, category: &str) -> Result<Vec<ActiveAlert>> {
    let slug = core.city_slug();
    let msgs: Vec<(Alert, i64)> = core
        .inner
        .store
        .read(|c| messages(c, &slug))?
        .into_iter()
        .filter(|(a, _)| a.info.iter().any(|i| i.category.iter().any(|c| c == category)))
        .collect();
    let live = in_force_for(&msgs, &slug, core.lang().code(), now(), None, None, None);
    Ok(live.into_iter().map(|(a, _)| a).collect())
}

impl MyCity {
    /// The city's alerts in force, with whether each concerns someone at
    /// `position` (the last known one when `None`) or living in the home
    /// ward, concerning first and loudest first; works offline from what was
    /// last fetched, with its age.
    pub fn alerts(&self, position: Option<LatLon>) -> Result<AlertList> {
        let slug = self.city_slug();
        if let Some(p) = position.filter(|p| p.lat.is_finite() && p.lon.is_finite()) {
            let s = format!("{:.4},{:.4}", p.lat, p.lon);
            if self.inner.store.setting(KEY_POSITION)?.as_deref() != Some(s.as_str()) {
                self.inner.store.set_setting(KEY_POSITION, &s)?;
            }
        }
        let position = position.or_else(|| position_setting(self));
        let position_ward = match position {
            Some(p) => self.ward_at(p)?.map(|w| w.code),
            None => None,
        };
        let home = self.home_ward()?;
        let (msgs, (_, checked_at, last_error)) =
            self.inner.store.read(|c| Ok((messages(c, &slug)?, feed_state(c, &slug)?)))?;
        let list =
            in_force_for(&msgs, &slug, self.lang().code(), now(), position, position_ward.as_deref(), home.as_deref());
        Ok(AlertList {
            alerts: list.into_iter().map(|(a, _)| a).collect(),
            checked_at,
            last_error,
            home_ward: home,
            position,
            position_ward,
        })
    }

    /// The loudest alert concerning the person, for the home banner.
    pub fn top_alert(&self, position: Option<LatLon>) -> Result<Option<ActiveAlert>> {
        Ok(self.alerts(position)?.alerts.into_iter().find(|a| a.relevant))
    }

    /// The person's home ward in the current city (a ward code of its pack).
    pub fn home_ward(&self) -> Result<Option<String>> {
        self.inner.store.setting(&format!("{KEY_HOME_WARD}/{}", self.city_slug()))
    }

    /// Sets or clears the home ward; alerts for that ward concern the person wherever they are.
    pub fn set_home_ward(&self, code: Option<&str>) -> Result<()> {
        let key = format!("{KEY_HOME_WARD}/{}", self.city_slug());
        match code {
            None => self.inner.store.clear_setting(&key),
            Some(code) => {
                let known = self.ward_shapes()?.iter().any(|w| w.ward.code == code);
                if !known {
                    return Err(Problem::new("ward-unknown", format!("no ward {code:?} in this city"))
                        .field("ward")
                        .arg("code", code)
                        .into());
                }
                self.inner.store.set_setting(&key, code)
            }
        }
    }

    /// Checks the city's alerts feed now (the sync engine does it on its own
    /// schedule); returns what changed.
    pub async fn refresh_alerts(&self) -> Result<AlertsRefresh> {
        refresh_feed(self).await
    }
}

async fn refresh_feed(core: &MyCity) -> Result<AlertsRefresh> {
    let slug = core.city_slug();
    let api = core.api_for(&slug)?;
    let store = &core.inner.store;
    let (etag, ..) = store.read(|c| feed_state(c, &slug))?;
    let fetched = api.alerts_feed(&slug, etag.as_deref()).await;
    core.inner.sync.note_connection(fetched.as_ref().map(|_| ()));
    let (body, new_etag) = match fetched {
        Ok(Fetched::NotModified) => {
            store.write(|tx| record(tx, &slug, None, Some(now()), None))?;
            let n = store.read(|c| messages(c, &slug))?.len();
            return Ok(AlertsRefresh { changed: false, messages: n, new: 0, unreadable: vec![] });
        }
        Ok(Fetched::Body { body, etag }) => (body, etag),
        Err(e) => {
            let msg = e.to_string();
            let _ = store.write(|tx| record(tx, &slug, None, None, Some(&msg)));
            return Err(e);
        }
    };
    let entries = match cap::parse_feed(&body) {
        Ok(e) => e,
        Err(e) => {
            let msg = e.to_string();
            let _ = store.write(|tx| record(tx, &slug, None, None, Some(&msg)));
            return Err(Error::Server { status: 200, message: msg, retry_after_s: None });
        }
    };
    let mut good = Vec::with_capacity(entries.len());
    let mut unreadable = Vec::new();
    for e in entries {
        let alert = match (e.alert, &e.link) {
            (Some(a), _) => a,
            // An entry that only links its document: one more call.
            (None, Some(link)) => match api.alert_document(link).await {
                Ok(xml) => cap::parse(&xml),
                Err(err) => {
                    unreadable.push(format!("{}: {err}", e.id));
                    continue;
                }
            },
            (None, None) => {
                unreadable.push(format!("{}: no CAP document", e.id));
                continue;
            }
        };
        match alert {
            Ok(a) => good.push(a),
            Err(err) => unreadable.push(format!("{}: {err}", e.id)),
        }
    }
    for u in &unreadable {
        tracing::warn!(entry = %u, "alert feed entry skipped");
    }
    let at = now();
    let new = store.write(|tx| {
        let new = store_feed(tx, &slug, &good, at)?;
        record(tx, &slug, new_etag.as_deref(), Some(at), None)?;
        Ok(new)
    })?;
    Ok(AlertsRefresh { changed: true, messages: good.len(), new, unreadable })
}

/// The sync engine's look at the city's news (every
/// [`SyncPolicy::alerts_every_s`](crate::SyncPolicy) while the app is in
/// front): the alerts feed, then the announcements and surveys. Tells
/// listeners about alerts that are new and concern the person, and when
/// announcements or surveys changed. False when the server could not be
/// reached, so the engine backs off.
pub(crate) async fn refresh(core: &MyCity) -> bool {
    let slug = core.city_slug();
    let alerts_ok = match refresh_feed(core).await {
        Ok(r) => {
            if r.new > 0 {
                if let Err(e) = announce_new(core, &slug) {
                    tracing::warn!(%e, "new alerts not announced");
                }
            }
            true
        }
        Err(Error::NoServer) => true,
        Err(e) => {
            tracing::info!(%e, "alerts not refreshed; the stored ones stay in use");
            false
        }
    };
    let news_ok = match consult::refresh(core, &slug).await {
        Ok(changed) => {
            if changed {
                core.inner.sync.emit(SyncEvent::CityChanged { slug });
            }
            true
        }
        Err(Error::NoServer) => true,
        Err(e) => {
            tracing::info!(%e, "announcements or surveys not refreshed");
            false
        }
    };
    alerts_ok && news_ok
}

fn announce_new(core: &MyCity, slug: &str) -> Result<()> {
    let position = position_setting(core);
    let position_ward = match position {
        Some(p) => core.ward_at(p)?.map(|w| w.code),
        None => None,
    };
    let home = core.home_ward()?;
    let msgs = core.inner.store.read(|c| messages(c, slug))?;
    let newest = msgs.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let list =
        in_force_for(&msgs, slug, core.lang().code(), now(), position, position_ward.as_deref(), home.as_deref());
    let fresh: Vec<ActiveAlert> =
        list.into_iter().filter(|(a, seen)| a.relevant && *seen == newest).map(|(a, _)| a).collect();
    if let Some(top) = fresh.first() {
        core.inner.sync.emit(SyncEvent::AlertNews {
            slug: slug.to_owned(),
            count: fresh.len(),
            interrupt: fresh.iter().any(|a| a.banner.interrupt),
            notice: top.headline.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
