//! The public scorecard (`GET /api/v1/cities/{slug}/scorecard?from=&to=`,
//! with an ETag): how the city handled the reports received over a period,
//! overall, per category and per month. The definitions are written once, in
//! [`mycity_protocol::scorecard`].
//!
//! Computed from one fact row per request that triggers keep up to date
//! (first answer, first fix, reopened, ratings): one range scan of a covering
//! index, aggregated in Rust. The answer is kept per (city,
//! period, day) until anything in the database changes, so a new rating or a
//! staff update is in the next answer and an idle city costs a map look-up.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::Response,
    routing::get,
    Router,
};
use mycity_protocol::scorecard::{
    quantile, CategoryFigures, Figures, MonthFigures, Name, Scorecard, DEFAULT_MONTHS, TARGET_SHARE,
};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use time::{Date, Month};

use crate::{blocking, reports::DEFAULT_TARGET_DAYS, AppState, Error};

/// What the computation reads: one row of facts per request, kept up to
/// date by triggers as requests, staff and citizen updates and ratings are
/// written (whoever writes them), so the scorecard is one range scan of a
/// covering index with no date to parse and no join. Definitions as in
/// [`mycity_protocol::scorecard`]: the first staff update answers; the first
/// staff `fixed` or `closed` (what a citizen may reopen) fixes; a citizen's
/// `reopen` reopens. Dates compare as text: every date the server writes is
/// at +07:00 with whole seconds. The last statement fills the facts of
/// requests stored before the table existed (a database file from an older
/// build); it finds nothing to do afterwards.
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS scorecard_facts (
    request_id   INTEGER PRIMARY KEY REFERENCES requests(id),
    jurisdiction TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    service_code TEXT NOT NULL,
    requested_s  INTEGER NOT NULL,   -- unix seconds
    answered_s   INTEGER,            -- first staff update
    fixed_s      INTEGER,            -- first staff fixed or closed
    reopened     INTEGER NOT NULL DEFAULT 0,
    ratings      INTEGER NOT NULL DEFAULT 0,
    satisfied    INTEGER NOT NULL DEFAULT 0,   -- ratings of 4 or 5
    rating_sum   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS scorecard_facts_period ON scorecard_facts(jurisdiction, requested_at,
    service_code, requested_s, answered_s, fixed_s, reopened, ratings, satisfied, rating_sum);
CREATE INDEX IF NOT EXISTS updates_by_request ON updates(request_id, author, status, updated_at);
CREATE TRIGGER IF NOT EXISTS scorecard_request AFTER INSERT ON requests BEGIN
    INSERT OR IGNORE INTO scorecard_facts (request_id, jurisdiction, requested_at, service_code, requested_s)
    VALUES (NEW.id, NEW.jurisdiction, NEW.requested_at, NEW.service_code, unixepoch(NEW.requested_at));
END;
CREATE TRIGGER IF NOT EXISTS scorecard_update AFTER INSERT ON updates BEGIN
    UPDATE scorecard_facts SET
        answered_s = CASE WHEN NEW.author = 'staff'
            THEN min(COALESCE(answered_s, unixepoch(NEW.updated_at)), unixepoch(NEW.updated_at)) ELSE answered_s END,
        fixed_s = CASE WHEN NEW.author = 'staff' AND NEW.status IN ('fixed', 'closed')
            THEN min(COALESCE(fixed_s, unixepoch(NEW.updated_at)), unixepoch(NEW.updated_at)) ELSE fixed_s END,
        reopened = reopened OR (NEW.author = 'citizen' AND NEW.status = 'reopen')
    WHERE request_id = NEW.request_id;
END;
CREATE TRIGGER IF NOT EXISTS scorecard_rating AFTER INSERT ON request_feedback BEGIN
    UPDATE scorecard_facts SET ratings = ratings + 1, satisfied = satisfied + (NEW.rating >= 4),
        rating_sum = rating_sum + NEW.rating
    WHERE request_id = NEW.request_id;
END;
CREATE TRIGGER IF NOT EXISTS scorecard_rating_changed AFTER UPDATE OF rating, request_id ON request_feedback BEGIN
    UPDATE scorecard_facts SET ratings = ratings - 1, satisfied = satisfied - (OLD.rating >= 4),
        rating_sum = rating_sum - OLD.rating
    WHERE request_id = OLD.request_id;
    UPDATE scorecard_facts SET ratings = ratings + 1, satisfied = satisfied + (NEW.rating >= 4),
        rating_sum = rating_sum + NEW.rating
    WHERE request_id = NEW.request_id;
END;
CREATE TRIGGER IF NOT EXISTS scorecard_rating_gone AFTER DELETE ON request_feedback BEGIN
    UPDATE scorecard_facts SET ratings = ratings - 1, satisfied = satisfied - (OLD.rating >= 4),
        rating_sum = rating_sum - OLD.rating
    WHERE request_id = OLD.request_id;
END;
INSERT INTO scorecard_facts (request_id, jurisdiction, requested_at, service_code, requested_s,
    answered_s, fixed_s, reopened, ratings, satisfied, rating_sum)
SELECT r.id, r.jurisdiction, r.requested_at, r.service_code, unixepoch(r.requested_at),
    (SELECT min(unixepoch(u.updated_at)) FROM updates u WHERE u.request_id = r.id AND u.author = 'staff'),
    (SELECT min(unixepoch(u.updated_at)) FROM updates u
      WHERE u.request_id = r.id AND u.author = 'staff' AND u.status IN ('fixed', 'closed')),
    EXISTS (SELECT 1 FROM updates u WHERE u.request_id = r.id AND u.author = 'citizen' AND u.status = 'reopen'),
    (SELECT count(*) FROM request_feedback f WHERE f.request_id = r.id),
    (SELECT count(*) FROM request_feedback f WHERE f.request_id = r.id AND f.rating >= 4),
    (SELECT COALESCE(sum(f.rating), 0) FROM request_feedback f WHERE f.request_id = r.id)
FROM requests r WHERE r.id NOT IN (SELECT request_id FROM scorecard_facts);
"#;

/// Longest period served: two years of months keeps the answer small.
const MAX_DAYS: i64 = 2 * 366;

/// Periods kept in the cache before it is emptied (a client sweeping dates
/// must not grow it without end).
const CACHE_ENTRIES: usize = 256;

/// The city's clock.
fn vn_offset() -> time::UtcOffset {
    time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// The module's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/v1/cities/{slug}/scorecard", get(scorecard))
}

/// Computed answers, by (city, from, to).
#[derive(Default)]
pub(crate) struct Cache(Mutex<HashMap<(String, Date, Date), Cached>>);

struct Cached {
    /// What the answer depends on besides the period: the database's change
    /// counter and today's date (a waiting report's target passes with time).
    version: (u64, Date),
    body: Arc<str>,
    etag: String,
}

/// The period asked: `from` and `to` as `YYYY-MM-DD` in the city's time, `to`
/// excluded. Without `to`, tomorrow (today included); without `from`, the
/// first day of the month [`DEFAULT_MONTHS`] − 1 months before `to`'s, so the
/// chart has whole months.
pub fn period(query: Option<&str>, today: Date) -> Result<(Date, Date), Error> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|e| Error::BadRequest(format!("the query does not read: {e}")))?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = |name: &str| -> Result<Option<Date>, Error> {
        match pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()) {
            None | Some("") => Ok(None),
            Some(v) => Date::parse(v, fmt).map(Some).map_err(|_| {
                Error::BadRequest(format!("{name} must be a date written YYYY-MM-DD, such as 2026-06-01; got {v:?}"))
            }),
        }
    };
    let to = date("to")?.unwrap_or_else(|| today.next_day().unwrap_or(today));
    let from = match date("from")? {
        Some(d) => d,
        None => months_back(to.previous_day().unwrap_or(to), DEFAULT_MONTHS - 1),
    };
    if from >= to {
        return Err(Error::BadRequest(format!("from ({from}) must be before to ({to}); to is the day after the last")));
    }
    if (to - from).whole_days() > MAX_DAYS {
        return Err(Error::BadRequest(format!("the period from {from} to {to} is longer than two years")));
    }
    Ok((from, to))
}

/// The first day of the month `n` months before `d`'s.
fn months_back(d: Date, n: u32) -> Date {
    let index = d.year() * 12 + d.month() as i32 - 1 - n as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    Date::from_calendar_date(index.div_euclid(12), month, 1).unwrap_or(d)
}

/// One request as the computation sees it.
struct Row {
    requested: i64,
    target_days: u32,
    answered: Option<i64>,
    fixed: Option<i64>,
    reopened: bool,
    ratings: u32,
    satisfied: u32,
    rating_sum: u32,
}

/// What a slice of requests adds up to, before the medians are taken.
#[derive(Default)]
struct Acc {
    received: u32,
    answered: u32,
    /// Requests whose answer can be judged: answered, or past their target.
    judged: u32,
    within: u32,
    first_days: Vec<f64>,
    fixed_days: Vec<f64>,
    reopened: u32,
    ratings: u32,
    satisfied: u32,
    rating_sum: u32,
}

const DAY_S: f64 = 86_400.0;

impl Acc {
    fn add(&mut self, r: &Row, now: i64) {
        self.received += 1;
        let target_s = i64::from(r.target_days) * 86_400;
        match r.answered {
            Some(at) => {
                self.answered += 1;
                self.judged += 1;
                let took = (at - r.requested).max(0);
                self.within += u32::from(took <= target_s);
                self.first_days.push(took as f64 / DAY_S);
            }
            // Still waiting and past the target: missed. Within it: not yet known.
            None if now - r.requested > target_s => self.judged += 1,
            None => {}
        }
        if let Some(at) = r.fixed {
            self.fixed_days.push((at - r.requested).max(0) as f64 / DAY_S);
            self.reopened += u32::from(r.reopened);
        }
        self.ratings += r.ratings;
        self.satisfied += r.satisfied;
        self.rating_sum += r.rating_sum;
    }

    fn figures(mut self) -> Figures {
        let share = |n: u32, of: u32| (of > 0).then(|| round(f64::from(n) / f64::from(of), 4));
        let days = |v: &mut [f64], q: f64| quantile(v, q).map(|d| round(d, 1));
        Figures {
            received: self.received,
            answered: self.answered,
            within_target: share(self.within, self.judged),
            first_answer_median_days: days(&mut self.first_days, 0.5),
            first_answer_p90_days: days(&mut self.first_days, 0.9),
            fixed: self.fixed_days.len() as u32,
            fixed_median_days: days(&mut self.fixed_days, 0.5),
            fixed_p90_days: days(&mut self.fixed_days, 0.9),
            reopened: share(self.reopened, self.fixed_days.len() as u32),
            ratings: self.ratings,
            satisfied: share(self.satisfied, self.ratings),
            rating_mean: share(self.rating_sum, self.ratings).map(|m| round(m, 2)),
        }
    }
}

fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// `d` at midnight in the city, as requests store their dates. Every date the
/// server writes carries +07:00 with whole seconds, so text order is time order
/// and the index on `requested_at` answers the range.
fn bound(d: Date) -> String {
    format!("{d}T00:00:00+07:00")
}

/// The scorecard of `slug` for `[from, to)` as of `now` (unix seconds):
/// one range scan of the period's facts (the `scorecard_facts` table), added up per city,
/// category and month in Rust.
pub fn compute(conn: &Connection, slug: &str, from: Date, to: Date, now: i64) -> Result<Scorecard, Error> {
    let known: Option<i64> = conn.query_row("SELECT 1 FROM packs WHERE slug = ?1", [slug], |r| r.get(0)).optional()?;
    if known.is_none() {
        return Err(Error::NotFound(format!("unknown city {slug:?}")));
    }
    let mut services: Vec<(String, Name, u32)> = {
        let mut st = conn.prepare_cached(
            "SELECT s.code, s.name_vi, s.name_en, COALESCE(t.target_days, ?2) FROM services s
             LEFT JOIN service_targets t ON t.jurisdiction = s.jurisdiction AND t.code = s.code
             WHERE s.jurisdiction = ?1 ORDER BY s.position",
        )?;
        let rows = st.query_map(params![slug, DEFAULT_TARGET_DAYS], |r| {
            Ok((r.get::<_, String>(0)?, Name { vi: r.get(1)?, en: r.get(2)? }, r.get::<_, u32>(3)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let month_names = months(from, to);
    let month_of = |requested: &str| -> Option<usize> {
        let y: i32 = requested.get(0..4)?.parse().ok()?;
        let m: i32 = requested.get(5..7)?.parse().ok()?;
        let i = (y - from.year()) * 12 + m - from.month() as i32;
        usize::try_from(i).ok().filter(|i| *i < month_names.len())
    };
    let mut overall = Acc::default();
    let mut by_code: Vec<Acc> = services.iter().map(|_| Acc::default()).collect();
    let mut by_month: Vec<Acc> = month_names.iter().map(|_| Acc::default()).collect();
    let mut st = conn.prepare_cached(
        "SELECT service_code, requested_at, requested_s, answered_s, fixed_s, reopened, ratings, satisfied, rating_sum
         FROM scorecard_facts WHERE jurisdiction = ?1 AND requested_at >= ?2 AND requested_at < ?3",
    )?;
    let mut q = st.query(params![slug, bound(from), bound(to)])?;
    while let Some(r) = q.next()? {
        let code = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let code = match services.iter().position(|s| s.0 == code) {
            Some(i) => i,
            // A code the city no longer lists still counts, under its code.
            None => {
                services.push((code.to_owned(), Name { vi: code.into(), en: code.into() }, DEFAULT_TARGET_DAYS as u32));
                by_code.push(Acc::default());
                services.len() - 1
            }
        };
        let month = month_of(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
        let row = Row {
            requested: r.get::<_, Option<i64>>(2)?.unwrap_or(now),
            target_days: services[code].2,
            answered: r.get(3)?,
            fixed: r.get(4)?,
            reopened: r.get(5)?,
            ratings: r.get(6)?,
            satisfied: r.get(7)?,
            rating_sum: r.get(8)?,
        };
        overall.add(&row, now);
        by_code[code].add(&row, now);
        if let Some(m) = month {
            by_month[m].add(&row, now);
        }
    }
    let categories = services
        .into_iter()
        .zip(by_code)
        .filter(|(_, acc)| acc.received > 0)
        .map(|((code, name, target_days), acc)| CategoryFigures { code, name, target_days, figures: acc.figures() })
        .collect();
    Ok(Scorecard {
        city: slug.to_owned(),
        from: from.to_string(),
        to: to.to_string(),
        generated_at: crate::now_iso(),
        target_days: DEFAULT_TARGET_DAYS as u32,
        target_share: TARGET_SHARE,
        overall: overall.figures(),
        categories,
        months: month_names
            .into_iter()
            .zip(by_month)
            .map(|(month, acc)| MonthFigures { month, figures: acc.figures() })
            .collect(),
    })
}

/// [`compute`] on a server database (what the benchmark times).
pub fn compute_in(db: &crate::Db, slug: &str, from: Date, to: Date, now: i64) -> Result<Scorecard, Error> {
    compute(&db.conn(), slug, from, to, now)
}

/// Every month `YYYY-MM` touched by `[from, to)`.
fn months(from: Date, to: Date) -> Vec<String> {
    let last = to.previous_day().unwrap_or(to);
    let (mut y, mut m) = (from.year(), from.month() as u8);
    let mut out = Vec::new();
    while (y, m) <= (last.year(), last.month() as u8) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The answer's body and ETag, from the cache while nothing changed.
pub(crate) fn answer(
    s: &AppState,
    slug: &str,
    from: Date,
    to: Date,
    now: time::OffsetDateTime,
) -> Result<(Arc<str>, String), Error> {
    let today = now.to_offset(vn_offset()).date();
    let conn = s.db.conn();
    // Every write of the server goes through this one connection, so its
    // change counter moves with any new request, update or rating.
    let version = (conn.total_changes(), today);
    let key = (slug.to_owned(), from, to);
    let mut cache = s.scorecards.0.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = cache.get(&key).filter(|c| c.version == version) {
        return Ok((c.body.clone(), c.etag.clone()));
    }
    let card = compute(&conn, slug, from, to, now.unix_timestamp())?;
    drop(conn);
    let internal = |e: serde_json::Error| Error::Internal(e.to_string());
    // The tag covers the figures, not `generated_at`: the same figures
    // computed again (after a restart, an unrelated write) still answer 304.
    let mut tagged = card.clone();
    tagged.generated_at.clear();
    let digest = Sha256::digest(serde_json::to_string(&tagged).map_err(internal)?.as_bytes());
    let etag = format!("\"sc-{}\"", digest[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
    let body: Arc<str> = serde_json::to_string(&card).map_err(internal)?.into();
    if cache.len() >= CACHE_ENTRIES {
        cache.clear();
    }
    cache.insert(key, Cached { version, body: body.clone(), etag: etag.clone() });
    Ok((body, etag))
}

async fn scorecard(
    State(s): State<Arc<AppState>>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let now = time::OffsetDateTime::now_utc();
    let (from, to) = period(query.as_deref(), now.to_offset(vn_offset()).date())?;
    let (body, etag) = blocking(move || answer(&s, &slug, from, to, now)).await??;
    crate::json_with_etag(&headers, &etag, body.to_string())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::{Config, Db};

    fn seeded() -> Db {
        let db = Db::open(":memory:").unwrap();
        crate::seed::seed(&db).unwrap();
        db
    }

    /// 2026-06-10 10:00 in the city.
    const T0: i64 = 1_781_060_400;

    fn at(days: f64) -> String {
        crate::scorecard_seed::iso(T0 + (days * 86_400.0) as i64)
    }

    fn report(db: &Db, code: &str, updates: &[(f64, &str, &str)], ratings: &[i64]) -> i64 {
        let conn = db.conn();
        conn.execute(
            "INSERT INTO requests (jurisdiction, service_code, status, description, attributes, token, requested_at, updated_at)
             VALUES ('ha-giang', ?1, 'open', 'x', '{}', lower(hex(randomblob(8))), ?2, ?2)",
            params![code, at(0.0)],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        for (d, status, author) in updates {
            conn.execute(
                "INSERT INTO updates (request_id, status, description, author, updated_at) VALUES (?1, ?2, '', ?3, ?4)",
                params![id, status, author, at(*d)],
            )
            .unwrap();
        }
        for (i, r) in ratings.iter().enumerate() {
            conn.execute(
                "INSERT INTO request_feedback VALUES (?1, ?2, 1, ?3, NULL, ?4, ?4)",
                params![id, format!("d{i}"), r, at(30.0)],
            )
            .unwrap();
        }
        id
    }

    #[test]
    fn figures_follow_the_definitions() {
        let db = seeded();
        // Answered in 1 day, fixed in 3, rated 5 and 4.
        report(&db, "pothole", &[(1.0, "in_progress", "staff"), (3.0, "fixed", "staff")], &[5, 4]);
        // Answered in 9 days (late for 7), closed at 10, reopened, fixed again: first fix counts.
        report(
            &db,
            "pothole",
            &[
                (9.0, "in_progress", "staff"),
                (10.0, "closed", "staff"),
                (12.0, "reopen", "citizen"),
                (15.0, "fixed", "staff"),
            ],
            &[1],
        );
        // Passed on at day 2: answered, never fixed.
        report(&db, "tree", &[(2.0, "not_councils_responsibility", "staff")], &[]);
        // A citizen comment is not an answer; never answered and long past its target: missed.
        report(&db, "tree", &[(0.5, "open", "citizen")], &[]);
        let card = compute_in(&db, "ha-giang", date!(2026 - 06 - 01), date!(2026 - 07 - 01), T0 + 60 * 86_400).unwrap();
        let o = &card.overall;
        assert_eq!((o.received, o.answered, o.fixed, o.ratings), (4, 3, 2, 3));
        assert_eq!(o.within_target, Some(0.5), "2 of 4 within 7 days");
        assert_eq!(o.first_answer_median_days, Some(2.0));
        assert_eq!(o.first_answer_p90_days, Some(9.0));
        assert_eq!((o.fixed_median_days, o.fixed_p90_days), (Some(3.0), Some(10.0)));
        assert_eq!(o.reopened, Some(0.5));
        assert_eq!((o.satisfied, o.rating_mean), (Some(0.6667), Some(3.33)));
        assert_eq!(card.categories.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["pothole", "tree"]);
        assert_eq!(card.categories[1].figures.within_target, Some(0.5));
        assert_eq!(card.months.len(), 1);
        assert_eq!(card.months[0].figures.received, 4);
        // Outside the period: nothing, but every month is listed.
        let empty = compute_in(&db, "ha-giang", date!(2026 - 07 - 01), date!(2026 - 09 - 15), T0).unwrap();
        assert_eq!(empty.overall.received, 0);
        assert_eq!(empty.overall.within_target, None);
        assert_eq!(
            empty.months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
            ["2026-07", "2026-08", "2026-09"]
        );
        assert!(matches!(
            compute_in(&db, "atlantis", date!(2026 - 06 - 01), date!(2026 - 07 - 01), T0),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn facts_follow_changed_and_withdrawn_ratings_and_are_rebuilt_for_older_databases() {
        let db = seeded();
        let id = report(&db, "pothole", &[(1.0, "in_progress", "staff"), (3.0, "fixed", "staff")], &[2]);
        let overall = || {
            compute_in(&db, "ha-giang", date!(2026 - 06 - 01), date!(2026 - 07 - 01), T0 + 40 * 86_400).unwrap().overall
        };
        // The feedback endpoint's upsert: the same device changes its mind.
        db.conn()
            .execute(
                "INSERT INTO request_feedback VALUES (?1, 'd0', 1, 5, NULL, ?2, ?2)
                 ON CONFLICT (request_id, device_id) DO UPDATE SET rating = excluded.rating",
                params![id, at(31.0)],
            )
            .unwrap();
        let o = overall();
        assert_eq!((o.ratings, o.satisfied, o.rating_mean), (1, Some(1.0), Some(5.0)));
        db.conn().execute("DELETE FROM request_feedback WHERE request_id = ?1", [id]).unwrap();
        assert_eq!((overall().ratings, overall().rating_mean), (0, None));
        report(&db, "tree", &[(2.0, "in_progress", "staff"), (12.0, "reopen", "citizen")], &[4, 1]);
        let before = overall();
        // A database written before the facts existed: they are filled at open.
        db.conn().execute_batch("DELETE FROM scorecard_facts").unwrap();
        assert_eq!(overall().received, 0);
        db.conn().execute_batch(SCHEMA).unwrap();
        assert_eq!(overall(), before);
        assert_eq!((before.received, before.ratings, before.fixed), (2, 2, 1));
    }

    #[test]
    fn a_waiting_report_counts_only_once_its_target_passed() {
        let db = seeded();
        report(&db, "pothole", &[], &[]);
        let card = |now| compute_in(&db, "ha-giang", date!(2026 - 06 - 01), date!(2026 - 07 - 01), now).unwrap();
        assert_eq!(card(T0 + 86_400).overall.within_target, None, "not judged yet");
        assert_eq!(card(T0 + 8 * 86_400).overall.within_target, Some(0.0), "missed");
    }

    #[test]
    fn periods_default_to_six_whole_months_and_bad_ones_say_why() {
        let today = date!(2026 - 11 - 29);
        assert_eq!(period(None, today).unwrap(), (date!(2026 - 06 - 01), date!(2026 - 11 - 30)));
        assert_eq!(
            period(Some("from=2026-01-15&to=2026-02-01"), today).unwrap(),
            (date!(2026 - 01 - 15), date!(2026 - 02 - 01))
        );
        assert_eq!(months_back(date!(2026 - 02 - 10), 5), date!(2025 - 09 - 01));
        for (q, says) in [
            ("from=2026-13-01", "from must be a date written YYYY-MM-DD"),
            ("to=yesterday", "to must be a date"),
            ("from=2026-06-01&to=2026-06-01", "must be before"),
            ("from=2020-01-01&to=2026-01-01", "longer than two years"),
        ] {
            let e = period(Some(q), today).unwrap_err();
            assert!(matches!(&e, Error::BadRequest(m) if m.contains(says)), "{q}: {e}");
        }
    }

    #[test]
    fn the_demo_history_gives_plausible_figures_quickly() {
        let db = seeded();
        let started = std::time::Instant::now();
        crate::scorecard_seed::seed_demo(&db).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        crate::scorecard_seed::seed_demo(&db).unwrap();
        let now = time::OffsetDateTime::now_utc();
        let (from, to) = period(None, now.to_offset(vn_offset()).date()).unwrap();
        let card = compute_in(&db, "da-nang", from, to, now.unix_timestamp()).unwrap();
        let o = &card.overall;
        assert!((300..=400).contains(&o.received), "{}", o.received);
        let within = o.within_target.unwrap();
        assert!((0.6..0.97).contains(&within), "{within}");
        assert!(o.first_answer_median_days.unwrap() < o.first_answer_p90_days.unwrap());
        assert!(o.reopened.unwrap() > 0.0 && o.satisfied.unwrap() > 0.5 && o.rating_mean.unwrap() > 3.0, "{o:?}");
        assert!(card.categories.len() >= 5);
        assert_eq!(card.months.len(), 6);
        assert!(card.months.iter().all(|m| m.figures.received > 20), "{:?}", card.months);
    }

    #[test]
    fn a_new_rating_changes_the_cached_answer_and_its_tag() {
        let db = seeded();
        let id = report(&db, "pothole", &[(1.0, "in_progress", "staff"), (3.0, "fixed", "staff")], &[2]);
        let state = AppState {
            db,
            config: Config::default(),
            dossier_limits: Default::default(),
            throttle: Default::default(),
            scorecards: Default::default(),
            verifier: crate::auth::Verifier::new(None),
        };
        let now = time::OffsetDateTime::from_unix_timestamp(T0 + 40 * 86_400).unwrap();
        let ask = || answer(&state, "ha-giang", date!(2026 - 06 - 01), date!(2026 - 07 - 01), now).unwrap();
        let (body, tag) = ask();
        assert!(Arc::ptr_eq(&body, &ask().0), "the second answer comes from the cache");
        state
            .db
            .conn()
            .execute("INSERT INTO request_feedback VALUES (?1, 'another', 1, 5, NULL, ?2, ?2)", params![id, at(31.0)])
            .unwrap();
        let (moved, new_tag) = ask();
        assert_ne!(tag, new_tag);
        let card: Scorecard = serde_json::from_str(&moved).unwrap();
        assert_eq!((card.overall.ratings, card.overall.rating_mean, card.overall.satisfied), (2, Some(3.5), Some(0.5)));
    }

    #[tokio::test]
    async fn served_with_an_etag_and_bad_dates_refused_in_json() {
        let cfg = Config { history: true, ..Default::default() };
        let srv = crate::serve(([127, 0, 0, 1], 0).into(), cfg).await.unwrap();
        let url = format!("http://{}/api/v1/cities/ha-giang/scorecard", srv.addr);
        let http = reqwest::Client::new();
        let first = http.get(&url).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let tag = first.headers()[reqwest::header::ETAG].to_str().unwrap().to_owned();
        let card: Scorecard = first.json().await.unwrap();
        assert!(card.overall.ratings > 50);
        let again = http.get(&url).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), 304);
        let bad = http.get(format!("{url}?from=2026-02-30")).send().await.unwrap();
        assert_eq!(bad.status(), 400);
        let body: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
        assert!(body["message"].as_str().unwrap().contains("YYYY-MM-DD"), "{body}");
        srv.shutdown().await.unwrap();
    }
}
