-- Services cached per language: Open311 has no language field, so the server
-- answers in the language asked for and each answer is kept under its own.
-- Rows cached before this version were fetched in an unknown language; they
-- are kept as Vietnamese, the default, until the next fetch replaces them.
CREATE TABLE services_new (
    city        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    code        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    grp         TEXT NOT NULL,
    attributes  TEXT NOT NULL,   -- JSON array of Open311 attribute definitions
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (city, lang, code)
) WITHOUT ROWID;
INSERT INTO services_new (city, lang, code, position, name, description, grp, attributes, fetched_at)
    SELECT city, 'vi', code, position, name, description, grp, attributes, fetched_at FROM services;
DROP TABLE services;
ALTER TABLE services_new RENAME TO services;

-- What a mobile phone dials when the short number shown only works from a
-- landline (Đà Nẵng's 1022 is 0236 1022 from a mobile).
ALTER TABLE hotlines ADD COLUMN dial TEXT;

-- A report card shows its first photo small; the thumbnail made with the
-- photo is kept instead of decoding 800 KB for every card.
ALTER TABLE report_photos ADD COLUMN thumb BLOB;
