-- Version 2: reports, their photos and status timeline, and the outbox.
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
