-- Version 0012 (the public scorecard, issue 16): the last scorecard each city's
-- server gave, as it gave it, kept for offline reading with its age.
-- Numbered 0012: 0011 belongs to another branch.

-- One row per city: the default period (the last six months), the only one
-- the app asks for. No foreign key to `cities`: a new pack version replaces
-- the city's row, and the figures (the server's, not the pack's) outlive that.
CREATE TABLE scorecards (
    city         TEXT PRIMARY KEY,
    body         TEXT,             -- the server's JSON (mycity_protocol::scorecard::Scorecard)
    etag         TEXT,
    fetched_at   INTEGER,          -- last time figures came (unix seconds)
    attempted_at INTEGER NOT NULL, -- last time we asked
    last_error   TEXT              -- why the last ask failed, NULL when it worked
) WITHOUT ROWID;
