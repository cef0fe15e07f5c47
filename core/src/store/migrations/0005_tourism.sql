-- Version 5: the tourism layer. Places say how long a visit takes and
-- whether their facts are approximate; tourists' ratings wait in the outbox;
-- the server's rating aggregates arrive with the pack.

ALTER TABLE places ADD COLUMN visit_minutes INTEGER;
ALTER TABLE places ADD COLUMN approximate INTEGER NOT NULL DEFAULT 0;

-- My ratings (one row per send; the newest per place is mine).
CREATE TABLE place_ratings_mine (
    id         TEXT PRIMARY KEY,
    city       TEXT NOT NULL,
    place      TEXT NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
);
CREATE INDEX place_ratings_mine_place ON place_ratings_mine(city, place, created_at);

-- Everyone's ratings as the server last summed them (kept across pack versions).
CREATE TABLE place_ratings (
    city    TEXT NOT NULL,
    place   TEXT NOT NULL,
    count   INTEGER NOT NULL,
    average REAL NOT NULL,
    PRIMARY KEY (city, place)
);
