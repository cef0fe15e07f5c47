-- My answers to "is it really fixed?" and "how satisfied are you?" once the
-- city called a report done. One row per send: a change within the 14 days
-- is a new send with its own idempotency key, and the newest row is what the
-- report shows.
CREATE TABLE report_feedback (
    id          TEXT PRIMARY KEY,   -- also the outbox's idempotency key
    report_id   TEXT NOT NULL REFERENCES reports(id),
    fixed       INTEGER NOT NULL CHECK (fixed IN (0, 1)),
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    given_at    INTEGER,            -- the server's first-given time, once it answered
    sent_at     INTEGER,
    refused     TEXT                -- the server's reason, when it refused the send
);
CREATE INDEX report_feedback_report ON report_feedback(report_id, created_at);
-- "Not now" on the question: it is asked once.
ALTER TABLE reports ADD COLUMN feedback_dismissed_at INTEGER;
-- The deadline passed without an answer, and the person was told (once).
ALTER TABLE reports ADD COLUMN overdue_noticed_at INTEGER;
