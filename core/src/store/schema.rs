//! The database schema and its upgrades, keyed on `PRAGMA user_version`.
//!
//! `create` builds the current schema from the version steps; `upgrade_from` walks an old
//! database forward one version at a time. A test checks both paths end equal.

use rusqlite::Transaction;

use crate::Result;

/// The schema version this build writes.
pub const VERSION: u32 = 2;

/// Version 1: settings, city packs, places, search.
pub const V1_SQL: &str = r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per city pack in the store; the app shows one city at a time.
CREATE TABLE cities (
    slug        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    region_vi   TEXT NOT NULL,
    region_en   TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    center_lat  REAL NOT NULL,
    center_lon  REAL NOT NULL,
    min_lat     REAL NOT NULL,
    min_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    server_url  TEXT,
    dossier     TEXT NOT NULL,   -- JSON DossierFormat
    extra       TEXT NOT NULL,   -- JSON: tours, events, air stations…
    source      TEXT NOT NULL,   -- bundled | server | file
    etag        TEXT,
    imported_at INTEGER NOT NULL, -- unix seconds
    checked_at  INTEGER,          -- last time the server confirmed this pack
    last_error  TEXT              -- last failed refresh, for the sync screen
);

CREATE TABLE categories (
    city           TEXT NOT NULL REFERENCES cities(slug) ON DELETE CASCADE,
    code           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    field          TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    icon           TEXT NOT NULL,
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    PRIMARY KEY (city, code)
) WITHOUT ROWID;

CREATE TABLE hotlines (
    city           TEXT NOT NULL REFERENCES cities(slug) ON DELETE CASCADE,
    number         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    priority       INTEGER NOT NULL,
    PRIMARY KEY (city, number)
) WITHOUT ROWID;

CREATE TABLE wards (
    id          INTEGER PRIMARY KEY,
    city        TEXT NOT NULL REFERENCES cities(slug) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    approximate INTEGER NOT NULL,
    geometry    TEXT NOT NULL,   -- JSON [[[[lon,lat],…]…]…]: polygons of rings
    UNIQUE (city, code)
);
CREATE VIRTUAL TABLE wards_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

CREATE TABLE places (
    id               INTEGER PRIMARY KEY,
    city             TEXT NOT NULL REFERENCES cities(slug) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    name_vi          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    description_vi   TEXT NOT NULL,
    description_en   TEXT NOT NULL,
    lat              REAL NOT NULL,
    lon              REAL NOT NULL,
    address          TEXT,
    opening_hours    TEXT,
    ticket_price_vnd INTEGER,
    qr_id            TEXT,
    narration_vi     TEXT NOT NULL,
    narration_en     TEXT NOT NULL,
    photo            TEXT,
    UNIQUE (city, key)
);
CREATE INDEX places_qr ON places(qr_id) WHERE qr_id IS NOT NULL;
-- Folded text (see text::fold); contentless, rowid = places.id.
--   name:  folded names (vi, and en when it differs)
--   pairs: each two adjacent name words joined behind '_' ("_dongvan"): a phrase
--          becomes a few exact-token look-ups instead of a position merge, so
--          no position lists are stored (detail = column)
--   body:  folded description and address
CREATE VIRTUAL TABLE places_fts USING fts5(
    name, pairs, body,
    content = '', contentless_delete = 1, detail = column,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'",
    prefix = '2 3'
);
CREATE VIRTUAL TABLE places_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
"#;

/// Version 2: reports, their photos and status timeline, and the outbox.
pub const V2_SQL: &str = r#"
-- Open311 services as the city's server describes them (the pack's categories
-- are the fallback until the first fetch).
CREATE TABLE services (
    city        TEXT NOT NULL,
    code        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    grp         TEXT NOT NULL,
    attributes  TEXT NOT NULL,   -- JSON array of Open311 attribute definitions
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (city, code)
) WITHOUT ROWID;

CREATE TABLE reports (
    id           TEXT PRIMARY KEY,   -- client UUID, also the Idempotency-Key of its send
    city         TEXT NOT NULL,
    service_code TEXT NOT NULL,
    description  TEXT NOT NULL,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    ward         TEXT,               -- ward name (vi) resolved on the phone
    attributes   TEXT NOT NULL,      -- JSON object code -> value or [values]
    contact      TEXT,               -- JSON {name, email, phone}; NULL = anonymous
    show_name    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    server_id    TEXT,               -- Open311 service_request_id once accepted
    status       TEXT NOT NULL,      -- queued | rejected | the server's extended status
    status_notes TEXT,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX reports_city ON reports(city, created_at);

CREATE TABLE report_photos (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    jpeg      BLOB NOT NULL,
    PRIMARY KEY (report_id, position)
) WITHOUT ROWID;

-- The city's answers: one row per server update, for the status timeline.
CREATE TABLE report_events (
    report_id   TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    update_id   TEXT NOT NULL,
    status      TEXT NOT NULL,
    description TEXT NOT NULL,
    media_url   TEXT,
    at          TEXT NOT NULL,
    seen        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, update_id)
) WITHOUT ROWID;

-- A citizen's update on a report: "me too" on someone's report, a comment, or
-- reopening one the city marked fixed (Open311 servicerequestupdates).
CREATE TABLE report_updates (
    id          TEXT PRIMARY KEY,   -- client UUID, also the Idempotency-Key
    city        TEXT NOT NULL,
    server_id   TEXT NOT NULL,      -- the report's service_request_id
    status      TEXT NOT NULL,      -- open (comment, me too) | reopen
    description TEXT NOT NULL,
    photo       BLOB,
    created_at  INTEGER NOT NULL,
    update_id   TEXT                -- the server's id once accepted
);

-- Everything that must reach a server, written with its record in one transaction.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,  -- send order
    id              TEXT NOT NULL UNIQUE, -- Idempotency-Key
    kind            TEXT NOT NULL,        -- report | update
    ref             TEXT NOT NULL,        -- the record it sends (reports.id, report_updates.id)
    state           TEXT NOT NULL,        -- pending | sending | sent | rejected
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
"#;

/// Creates the current schema in an empty database.
pub fn create(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(V1_SQL)?;
    tx.execute_batch(V2_SQL)?;
    Ok(())
}

/// Brings a database at `from` (0 < from < [`VERSION`]) up to [`VERSION`],
/// one version at a time.
pub fn upgrade_from(tx: &Transaction<'_>, from: u32) -> Result<()> {
    if from < 2 {
        tx.execute_batch(V2_SQL)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn schema(c: &Connection) -> Vec<(String, String)> {
        let mut st = c.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn upgrading_a_version_1_database_equals_a_fresh_one() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1_SQL).unwrap();
        old.execute("INSERT INTO settings VALUES ('city', 'vinh')", []).unwrap();
        let tx = old.transaction().unwrap();
        upgrade_from(&tx, 1).unwrap();
        tx.commit().unwrap();
        let mut fresh = Connection::open_in_memory().unwrap();
        let tx = fresh.transaction().unwrap();
        create(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(schema(&old), schema(&fresh));
        let city: String = old.query_row("SELECT value FROM settings WHERE key = 'city'", [], |r| r.get(0)).unwrap();
        assert_eq!(city, "vinh");
    }
}
