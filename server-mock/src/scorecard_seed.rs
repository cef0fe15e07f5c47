//! Six months of handled reports for the demo cities, so the scorecard has
//! plausible figures: staff answer after half a day to twelve days (some
//! categories slower than others, every one quicker in the recent months), most reports are fixed a few days later,
//! a few are reopened by their reporter and fixed again, and about half the
//! fixed ones are rated, mostly 4–5. The same reports on every run (a
//! xorshift generator seeded by the city), inserted in one transaction.

use rusqlite::params;

use crate::{db::Db, Error};

/// Historic reports seeded per demo city.
pub const DEMO_REPORTS: usize = 400;

/// Days back the demo history reaches.
pub const DEMO_DAYS: i64 = 182;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `unix` as the server writes dates: RFC 3339 in the city's time.
pub(crate) fn iso(unix: i64) -> String {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.to_offset(offset))
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// What happens to one report.
struct Timeline {
    /// (seconds after the report, status, author, comment)
    updates: Vec<(i64, &'static str, &'static str, &'static str)>,
    rating: Option<i64>,
}

const DAY: f64 = 86_400.0;

/// One report's story, `age_s` after it was made (nothing after now).
fn timeline(rng: &mut Rng, slowness: f64, age_s: i64) -> Timeline {
    let mut updates = Vec::new();
    // First answer: 0.5–12 days, skewed short, slower categories slower.
    let first = (DAY * (0.5 + 11.5 * rng.unit().powf(2.6) * slowness)).min(14.0 * DAY) as i64;
    let roll = rng.unit();
    if roll < 0.04 {
        updates.push((first, "duplicate", "staff", "Đã có phản ánh trùng, xử lý chung"));
    } else if roll < 0.07 {
        updates.push((first, "not_councils_responsibility", "staff", "Chuyển đơn vị quản lý khác"));
    } else {
        updates.push((first, "in_progress", "staff", "Đã tiếp nhận, giao đơn vị xử lý"));
        if rng.unit() < 0.9 {
            let fixed = first + (DAY * (0.3 + 9.0 * rng.unit().powf(1.8) * slowness)) as i64;
            let status = if rng.unit() < 0.8 { "fixed" } else { "closed" };
            updates.push((fixed, status, "staff", "Đã xử lý xong"));
            if rng.unit() < 0.07 {
                let back = fixed + (DAY * (1.0 + 4.0 * rng.unit())) as i64;
                updates.push((back, "reopen", "citizen", "Vẫn chưa được khắc phục"));
                updates.push((back + (DAY * (2.0 + 6.0 * rng.unit())) as i64, "fixed", "staff", "Đã xử lý lại"));
            }
        }
    }
    updates.retain(|(at, ..)| *at < age_s);
    let done = updates.last().is_some_and(|(_, s, ..)| matches!(*s, "fixed" | "closed"));
    let reopened = updates.iter().any(|(_, s, ..)| *s == "reopen");
    let rating = (done && rng.unit() < 0.55).then(|| {
        let r = rng.unit();
        let base = if r < 0.46 {
            5
        } else if r < 0.76 {
            4
        } else if r < 0.86 {
            3
        } else if r < 0.93 {
            2
        } else {
            1
        };
        // A report that had to be reopened is rarely rated well.
        if reopened {
            base.min(3) - i64::from(base > 2)
        } else {
            base
        }
    });
    Timeline { updates, rating }
}

/// Adds `count` handled reports to `slug` over the `days` before `now`
/// (unix seconds), deterministic for a given `seed`; returns how many went
/// in. The city's pack must be published (its categories and bounding box
/// are used).
pub fn seed_history(db: &Db, slug: &str, count: usize, days: i64, now: i64, seed: u64) -> Result<usize, Error> {
    let conn = db.conn();
    let codes: Vec<String> = {
        let mut st = conn.prepare("SELECT code FROM services WHERE jurisdiction = ?1 ORDER BY position")?;
        let rows = st.query_map([slug], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let Some(bbox) = crate::db::bbox(&conn, slug)? else {
        return Err(Error::NotFound(format!("unknown city {slug:?}")));
    };
    if codes.is_empty() {
        return Ok(0);
    }
    let mut rng = Rng::new(seed ^ fnv(slug));
    // Each category's pace: most near 1, a few clearly slower (the ones the
    // scorecard should show doing worst).
    let slowness: Vec<f64> = codes.iter().map(|c| 0.6 + 1.3 * Rng::new(fnv(c) ^ seed).unit().powi(2)).collect();
    // Potholes, lights and waste are reported far more than the rest.
    let weight: Vec<f64> = codes
        .iter()
        .map(|c| match c.as_str() {
            "pothole" | "street-light" | "waste" => 3.0,
            "flooding" | "tree" => 2.0,
            _ => 1.0,
        })
        .collect();
    let total: f64 = weight.iter().sum();
    let mut times: Vec<i64> = (0..count).map(|_| now - (rng.unit() * days as f64 * DAY) as i64 - 3600).collect();
    times.sort_unstable();
    let tx = conn.unchecked_transaction()?;
    {
        let mut req = tx.prepare_cached(
            "INSERT INTO requests (jurisdiction, service_code, status, status_notes, description, lat, long,
                attributes, device_id, token, requested_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '{}', ?8, ?9, ?10, ?11)",
        )?;
        let mut upd = tx.prepare_cached(
            "INSERT INTO updates (request_id, status, description, author, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut fb = tx.prepare_cached(
            "INSERT INTO request_feedback (request_id, device_id, fixed, rating, created_at, updated_at)
             VALUES (?1, ?2, 1, ?3, ?4, ?4)",
        )?;
        for (i, at) in times.into_iter().enumerate() {
            let mut pick = rng.unit() * total;
            let k = weight.iter().position(|w| {
                pick -= w;
                pick < 0.0
            });
            let k = k.unwrap_or(rng.below(codes.len()));
            // The city gets quicker over the half year (the chart has a story):
            // a third slower than usual at the start, a third quicker now.
            let trend = 0.65 + 0.6 * ((now - at) as f64 / (days as f64 * DAY)).clamp(0.0, 1.0);
            let story = timeline(&mut rng, slowness[k] * trend, now - at);
            let (status, last_at, notes) = match story.updates.last() {
                Some((dt, st, author, text)) => (*st, at + dt, (*author == "staff").then_some(*text)),
                None => ("open", at, None),
            };
            let lat = bbox[0] + (bbox[2] - bbox[0]) * (0.25 + 0.5 * rng.unit());
            let lon = bbox[1] + (bbox[3] - bbox[1]) * (0.25 + 0.5 * rng.unit());
            let device = format!("demo-history-{}", i % 97);
            req.execute(params![
                slug,
                codes[k],
                status,
                notes,
                "Phản ánh của người dân (dữ liệu mẫu)",
                lat,
                lon,
                device,
                format!("history-{slug}-{seed}-{i}"),
                iso(at),
                iso(last_at)
            ])?;
            let id = tx.last_insert_rowid();
            for (dt, st, author, text) in &story.updates {
                upd.execute(params![id, st, text, author, iso(at + dt)])?;
            }
            if let (Some(r), Some((dt, ..))) = (story.rating, story.updates.last()) {
                fb.execute(params![id, device, r, iso(at + dt + 3600)])?;
            }
        }
    }
    tx.commit()?;
    Ok(count)
}

/// The demo history of every published city, made as of now.
pub fn seed_demo(db: &Db) -> Result<(), Error> {
    let slugs: Vec<String> = db.cities()?.into_iter().map(|c| c.slug).collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for slug in slugs {
        let seeded: bool = db.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM requests WHERE jurisdiction = ?1 AND token LIKE 'history-%')",
            [&slug],
            |r| r.get(0),
        )?;
        if !seeded {
            seed_history(db, &slug, DEMO_REPORTS, DEMO_DAYS, now, 16)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stories_are_plausible() {
        let mut rng = Rng::new(1);
        let stories: Vec<Timeline> = (0..2000).map(|_| timeline(&mut rng, 1.0, 400 * 86_400)).collect();
        let answered = stories.iter().filter(|s| !s.updates.is_empty()).count();
        assert_eq!(answered, 2000, "all old enough to be answered");
        let first: Vec<i64> = stories.iter().map(|s| s.updates[0].0).collect();
        assert!(first.iter().all(|d| (43_200..=14 * 86_400).contains(d)));
        let fixed = stories.iter().filter(|s| s.updates.iter().any(|u| u.1 == "fixed" || u.1 == "closed")).count();
        assert!(fixed > 1500 && fixed < 1900, "{fixed}");
        let reopened = stories.iter().filter(|s| s.updates.iter().any(|u| u.1 == "reopen")).count();
        assert!(reopened > 40 && reopened < 200, "{reopened}");
        let rated: Vec<i64> = stories.iter().filter_map(|s| s.rating).collect();
        let good = rated.iter().filter(|r| **r >= 4).count();
        assert!(good * 10 > rated.len() * 6 && good < rated.len(), "{good} of {}", rated.len());
        assert!(rated.iter().all(|r| (1..=5).contains(r)));
    }
}
