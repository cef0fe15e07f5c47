//! The database schema: numbered migrations in `migrations/`, applied in
//! order and keyed on `PRAGMA user_version`.
//!
//! A fresh database climbs the same ladder an old one does, so every upgrade
//! step runs on every install; each step also has a test that starts from
//! the previous version with data in it.

use rusqlite::Transaction;

use crate::{Error, Result};

/// The migrations, oldest first; migration `i` takes the database to version `i + 1`.
const MIGRATIONS: [&str; 13] = [
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_reports.sql"),
    include_str!("migrations/0003_sync.sql"),
    include_str!("migrations/0004_dossier.sql"),
    include_str!("migrations/0005_tourism.sql"),
    ALERTS,
    include_str!("migrations/0007_air.sql"),
    // Numbered 0009 so the feature branches' 0004–0008 kept their names.
    include_str!("migrations/0009_language_and_cards.sql"),
    include_str!("migrations/0010_report_deadlines.sql"),
    include_str!("migrations/0011_report_feedback.sql"),
    include_str!("migrations/0012_scorecard.sql"),
    include_str!("migrations/0013_clips.sql"),
    include_str!("migrations/0017_clip_facts.sql"),
];

/// City alerts, announcements and consultations.
const ALERTS: &str = include_str!("migrations/0006_alerts.sql");

/// The schema version this build writes.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings a database at version `from` (0 for a new one) up to [`VERSION`],
/// one step at a time, inside the caller's transaction.
pub fn migrate_from(tx: &Transaction<'_>, from: u32) -> Result<()> {
    if from > VERSION {
        return Err(Error::Storage(format!(
            "database schema {from} is newer than this app ({VERSION}); update the app"
        )));
    }
    for sql in &MIGRATIONS[from as usize..] {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// A database at `version`, built by the steps up to it.
    fn at(version: u32) -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        for sql in &MIGRATIONS[..version as usize] {
            c.execute_batch(sql).unwrap();
        }
        c
    }

    fn step(c: &mut Connection, from: u32) {
        let tx = c.transaction().unwrap();
        tx.execute_batch(MIGRATIONS[from as usize]).unwrap();
        tx.commit().unwrap();
    }

    fn columns(c: &Connection, table: &str) -> Vec<String> {
        let mut st = c.prepare(&format!("PRAGMA table_info({table})")).unwrap();
        st.query_map([], |r| r.get(1)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn version_1_to_2_keeps_settings_and_adds_reports() {
        let mut c = at(1);
        c.execute("INSERT INTO settings VALUES ('city', 'vinh')", []).unwrap();
        step(&mut c, 1);
        let city: String = c.query_row("SELECT value FROM settings WHERE key = 'city'", [], |r| r.get(0)).unwrap();
        assert_eq!(city, "vinh");
        assert!(columns(&c, "outbox").contains(&"next_attempt_at".to_owned()));
    }

    #[test]
    fn version_2_to_3_gives_every_send_its_city_and_drops_show_name() {
        let mut c = at(2);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, show_name,
                 created_at, status, updated_at)
             VALUES ('r1', 'da-nang', 'pothole', 'ổ gà', 16.06, 108.22, '{}', 1, 1, 'queued', 1);
             INSERT INTO report_updates (id, city, server_id, status, description, created_at)
             VALUES ('u1', 'vinh', '7', 'reopen', 'vẫn còn', 2);
             INSERT INTO outbox (id, kind, ref, state, next_attempt_at, created_at)
             VALUES ('r1', 'report', 'r1', 'pending', 1, 1), ('u1', 'update', 'u1', 'sending', 2, 2);",
        )
        .unwrap();
        step(&mut c, 2);
        let cities: Vec<(String, String)> = c
            .prepare("SELECT id, city FROM outbox ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(cities, [("r1".to_owned(), "da-nang".to_owned()), ("u1".to_owned(), "vinh".to_owned())]);
        assert!(!columns(&c, "reports").contains(&"show_name".to_owned()));
        let text: String = c.query_row("SELECT description FROM reports WHERE id = 'r1'", [], |r| r.get(0)).unwrap();
        assert_eq!(text, "ổ gà");
    }

    /// The air step, found by content so it tests the same whatever steps
    /// other features put before it.
    #[test]
    fn air_step_keeps_cities_and_adds_readings() {
        let air = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE air_readings")).unwrap() as u32;
        let mut c = at(air);
        c.execute("INSERT INTO settings VALUES ('city', 'ha-giang')", []).unwrap();
        step(&mut c, air);
        let city: String = c.query_row("SELECT value FROM settings WHERE key = 'city'", [], |r| r.get(0)).unwrap();
        assert_eq!(city, "ha-giang");
        assert!(columns(&c, "air_readings").contains(&"pm25".to_owned()));
        assert!(columns(&c, "air_fetches").contains(&"etag".to_owned()));
    }

    #[test]
    fn the_alerts_step_keeps_the_outbox_and_adds_its_tables() {
        // Found by content, so the step keeps its test wherever it lands in the ladder.
        let before = MIGRATIONS.iter().position(|m| *m == ALERTS).unwrap() as u32;
        let mut c = at(before);
        c.execute_batch(
            "INSERT INTO outbox (id, kind, ref, city, state, next_attempt_at, created_at)
             VALUES ('r1', 'report', 'r1', 'vinh', 'pending', 1, 1)",
        )
        .unwrap();
        step(&mut c, before);
        let n: i64 = c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        for t in ["alert_messages", "alert_feeds", "announcements", "surveys", "survey_answers"] {
            assert!(!columns(&c, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn version_3_to_4_keeps_reports_and_adds_dossiers() {
        let mut c = at(3);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status, updated_at)
             VALUES ('r1', 'vinh', 'pothole', 'ổ gà', 18.67, 105.68, '{}', 1, 'queued', 1);",
        )
        .unwrap();
        step(&mut c, 3);
        let text: String = c.query_row("SELECT description FROM reports WHERE id = 'r1'", [], |r| r.get(0)).unwrap();
        assert_eq!(text, "ổ gà");
        assert!(columns(&c, "dossiers").contains(&"secret".to_owned()));
        let refused = c.execute(
            "INSERT INTO dossiers (city, code, reply, fetched_at, secret) VALUES ('vinh', 'X', '{}', 1, '1234')",
            [],
        );
        assert!(refused.is_err(), "a secret is kept only for a watched dossier");
        c.execute("INSERT INTO procedures_fts (rowid, name, pairs, body) VALUES (1, 'cap giay phep', '', '')", [])
            .unwrap();
    }

    #[test]
    fn the_tourism_step_keeps_places_and_adds_ratings() {
        let at_step = MIGRATIONS.iter().position(|m| m.contains("the tourism layer")).unwrap() as u32;
        let mut c = at(at_step);
        c.execute_batch(
            "INSERT INTO cities (slug, version, name_vi, name_en, region_vi, region_en, timezone, center_lat,
                 center_lon, min_lat, min_lon, max_lat, max_lon, dossier, extra, source, imported_at)
             VALUES ('vinh', 1, 'Vinh', 'Vinh', '', '', 'Asia/Ho_Chi_Minh', 18.6, 105.6, 18.5, 105.5, 18.7, 105.7,
                 '{}', '{}', 'bundled', 1);
             INSERT INTO places (city, key, kind, name_vi, name_en, description_vi, description_en, lat, lon,
                 narration_vi, narration_en)
             VALUES ('vinh', 'vinh-a', 'museum', 'A', 'A', '', '', 18.6, 105.6, '', '');",
        )
        .unwrap();
        step(&mut c, at_step);
        let (key, minutes, approx): (String, Option<i64>, bool) = c
            .query_row("SELECT key, visit_minutes, approximate FROM places", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((key.as_str(), minutes, approx), ("vinh-a", None, false));
        assert!(columns(&c, "place_ratings_mine").contains(&"stars".to_owned()));
        assert!(c
            .execute("INSERT INTO place_ratings_mine VALUES ('r', 'vinh', 'vinh-a', 6, '', 1, NULL)", [])
            .is_err());
    }

    #[test]
    fn the_ladder_reaches_this_version_and_refuses_a_newer_database() {
        let mut c = Connection::open_in_memory().unwrap();
        let tx = c.transaction().unwrap();
        migrate_from(&tx, 0).unwrap();
        assert!(migrate_from(&tx, VERSION + 1).unwrap_err().to_string().contains("newer"));
        tx.commit().unwrap();
        let problems: Vec<String> = c
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(problems.is_empty());
        assert!(columns(&c, "outbox").contains(&"city".to_owned()));
    }

    #[test]
    fn language_step_keeps_cached_services_as_vietnamese_and_adds_dial_and_thumb() {
        let from = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE services_new")).unwrap() as u32;
        let mut c = at(from);
        c.execute_batch(
            "INSERT INTO services (city, code, position, name, description, grp, attributes, fetched_at)
             VALUES ('da-nang', 'pothole', 0, 'Ổ gà', '', 'roads', '[]', 5);",
        )
        .unwrap();
        step(&mut c, from);
        let (lang, name): (String, String) = c
            .query_row("SELECT lang, name FROM services WHERE code = 'pothole'", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((lang.as_str(), name.as_str()), ("vi", "Ổ gà"));
        assert!(columns(&c, "hotlines").contains(&"dial".to_owned()));
        assert!(columns(&c, "report_photos").contains(&"thumb".to_owned()));
    }

    #[test]
    fn deadline_step_keeps_reports_and_leaves_their_due_time_unknown() {
        let from = MIGRATIONS.iter().position(|m| m.contains("expected_at")).unwrap() as u32;
        let mut c = at(from);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status, updated_at)
             VALUES ('r1', 'da-nang', 'pothole', 'Ổ gà', 16.06, 108.22, '{}', 5, 'open', 5);",
        )
        .unwrap();
        step(&mut c, from);
        let (id, due): (String, Option<String>) =
            c.query_row("SELECT id, expected_at FROM reports", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((id.as_str(), due), ("r1", None));
    }

    #[test]
    fn feedback_step_keeps_reports_unasked_and_untold() {
        let from = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE report_feedback")).unwrap() as u32;
        let mut c = at(from);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status, updated_at)
             VALUES ('r1', 'da-nang', 'pothole', 'Ổ gà', 16.06, 108.22, '{}', 5, 'fixed', 5);",
        )
        .unwrap();
        step(&mut c, from);
        let (id, dismissed, told): (String, Option<i64>, Option<i64>) = c
            .query_row("SELECT id, feedback_dismissed_at, overdue_noticed_at FROM reports", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((id.as_str(), dismissed, told), ("r1", None, None));
        c.execute(
            "INSERT INTO report_feedback (id, report_id, fixed, rating, created_at) VALUES ('f1', 'r1', 1, 5, 9)",
            [],
        )
        .unwrap();
        assert!(c
            .execute(
                "INSERT INTO report_feedback (id, report_id, fixed, rating, created_at) VALUES ('f2', 'r1', 1, 6, 9)",
                []
            )
            .is_err());
    }

    #[test]
    fn clips_step_keeps_reports_and_starts_with_no_upload() {
        let from = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE clip_uploads")).unwrap() as u32;
        let mut c = at(from);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status, updated_at)
             VALUES ('r1', 'da-nang', 'pothole', 'Ổ gà', 16.06, 108.22, '{}', 5, 'open', 5);",
        )
        .unwrap();
        step(&mut c, from);
        let n: i64 = c.query_row("SELECT count(*) FROM reports", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        assert_eq!(columns(&c, "clip_uploads"), ["outbox_key", "url", "length", "offset", "done_at"]);
        assert_eq!(columns(&c, "report_clips"), ["report_id", "path", "mime"]);
        c.execute("INSERT INTO report_clips (report_id, path, mime) VALUES ('r1', '/d/clips/a.mp4', 'video/mp4')", [])
            .unwrap();
        c.execute("INSERT INTO clip_uploads (outbox_key, url, length) VALUES ('k', 'http://x/tus/files/1', 9)", [])
            .unwrap();
        assert!(c.execute("INSERT INTO clip_uploads (outbox_key, url, length) VALUES ('k', 'u', 9)", []).is_err());
    }

    #[test]
    fn clip_facts_step_keeps_clips_with_unknown_length_and_size() {
        let from = MIGRATIONS.iter().position(|m| m.contains("ADD COLUMN duration_ms")).unwrap() as u32;
        let mut c = at(from);
        c.execute_batch(
            "INSERT INTO reports (id, city, service_code, description, lat, lon, attributes, created_at, status, updated_at)
             VALUES ('r1', 'da-nang', 'pothole', 'Ổ gà', 16.06, 108.22, '{}', 5, 'open', 5);
             INSERT INTO report_clips (report_id, path, mime) VALUES ('r1', '/d/clips/a.mp4', 'video/mp4');",
        )
        .unwrap();
        step(&mut c, from);
        let kept: (String, i64, i64) = c
            .query_row("SELECT path, duration_ms, bytes FROM report_clips", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(kept, ("/d/clips/a.mp4".to_owned(), 0, 0));
    }
}
