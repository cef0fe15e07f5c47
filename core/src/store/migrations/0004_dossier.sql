-- Version 4: dossiers and the procedure catalogue.
-- Dossiers (hồ sơ) looked up or watched, their observed changes, and the
-- procedure catalogue with its folded full-text index.
CREATE TABLE dossiers (
    city        TEXT NOT NULL,
    code        TEXT NOT NULL,
    reply       TEXT NOT NULL,              -- the last DossierReply, JSON
    etag        TEXT,
    fetched_at  INTEGER NOT NULL,           -- when the server last confirmed it (200 or 304)
    watched     INTEGER NOT NULL DEFAULT 0,
    secret      TEXT,                       -- kept only while watched
    unseen      INTEGER NOT NULL DEFAULT 0, -- changes the person has not looked at
    PRIMARY KEY (city, code),
    CHECK (watched = 1 OR secret IS NULL)
);
CREATE TABLE dossier_changes (
    id      INTEGER PRIMARY KEY,
    city    TEXT NOT NULL,
    code    TEXT NOT NULL,
    status  INTEGER NOT NULL,
    note    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    FOREIGN KEY (city, code) REFERENCES dossiers(city, code) ON DELETE CASCADE
);
CREATE INDEX dossier_changes_code ON dossier_changes(city, code, id);
CREATE TABLE procedures (
    id     INTEGER PRIMARY KEY,
    city   TEXT NOT NULL,
    code   TEXT NOT NULL,
    field  TEXT NOT NULL,
    body   TEXT NOT NULL,                   -- the Procedure record, JSON
    UNIQUE (city, code)
);
CREATE VIRTUAL TABLE procedures_fts USING fts5(
    name, pairs, body,
    content = '', contentless_delete = 1, detail = column,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'",
    prefix = '2 3'
);
CREATE TABLE procedure_catalogues (
    city        TEXT PRIMARY KEY,
    etag        TEXT,
    fetched_at  INTEGER NOT NULL
);
