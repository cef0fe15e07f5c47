-- Version 1: settings, city packs, places and their search index.
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
