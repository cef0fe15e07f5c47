-- A report's video clip (issue 14): the stripped file in the data directory,
-- sent before the report with tus and attached as its media.
CREATE TABLE report_clips (
    report_id   TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    mime        TEXT NOT NULL
);

-- Resumable clip uploads (tus 1.0), one per outbox row: where the upload
-- lives on the server and how far it got, so a restarted app resumes there.
CREATE TABLE clip_uploads (
    outbox_key  TEXT PRIMARY KEY,      -- the outbox row's UUID, also the tus key
    url         TEXT NOT NULL,         -- the upload's absolute URL on the server
    length      INTEGER NOT NULL,      -- bytes in the clip
    offset      INTEGER NOT NULL DEFAULT 0,  -- bytes the server confirmed
    done_at     INTEGER                -- unix seconds once every byte is in
);
