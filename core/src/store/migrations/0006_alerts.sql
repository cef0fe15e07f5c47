-- Version 0006: city alerts (CAP 1.2 messages as the city's feed last gave
-- them), announcements, and public consultations with this device's answers.

-- Every message of the feed, updates and cancels included: which alerts are
-- in force is decided when read (cap::in_force), so a Cancel read before the
-- alert it cancels still cancels it.
CREATE TABLE alert_messages (
    city       TEXT NOT NULL,
    sender     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    body       TEXT NOT NULL,      -- JSON of mycity_protocol::cap::Alert
    expires_at INTEGER NOT NULL,   -- unix seconds
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (city, sender, identifier)
);

CREATE TABLE alert_feeds (
    city       TEXT PRIMARY KEY,
    etag       TEXT,
    fetched_at INTEGER,            -- last time the server confirmed the feed
    error      TEXT                -- the last failed check
);

CREATE TABLE announcements (
    city     TEXT NOT NULL,
    id       TEXT NOT NULL,
    body     TEXT NOT NULL,        -- JSON of consult::Announcement
    date     TEXT NOT NULL,
    category TEXT NOT NULL,
    terms    TEXT NOT NULL,        -- folded search terms (text::index_terms)
    PRIMARY KEY (city, id)
);

CREATE TABLE surveys (
    city       TEXT NOT NULL,
    id         TEXT NOT NULL,
    body       TEXT NOT NULL,      -- JSON of consult::Survey, results once closed
    deadline   INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (city, id)
);

-- One answer per survey on this device; its id is the outbox row's
-- idempotency key.
CREATE TABLE survey_answers (
    id         TEXT PRIMARY KEY,
    city       TEXT NOT NULL,
    survey_id  TEXT NOT NULL,
    answers    TEXT NOT NULL,      -- JSON list of consult::Answer
    created_at INTEGER NOT NULL,
    state      TEXT NOT NULL,      -- queued | sent | rejected
    reason     TEXT,
    UNIQUE (city, survey_id)
);
