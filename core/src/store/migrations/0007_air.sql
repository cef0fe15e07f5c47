-- Version 0007 (air quality): stations' hourly means from the city's server,
-- kept for offline reading, and how the last fetch went.

-- One row per station and hour; `hour` is the end of the averaging hour (unix
-- seconds). NULL is a pollutant the station did not measure that hour.
-- No foreign key to `cities`: a new pack version replaces the city's row, and
-- the readings (the server's, not the pack's) must outlive that.
CREATE TABLE air_readings (
    city    TEXT NOT NULL,
    station TEXT NOT NULL,
    hour    INTEGER NOT NULL,
    pm25    REAL,
    pm10    REAL,
    o3      REAL,
    no2     REAL,
    so2     REAL,
    co      REAL,
    PRIMARY KEY (city, station, hour)
) WITHOUT ROWID;

CREATE TABLE air_fetches (
    city         TEXT PRIMARY KEY,
    etag         TEXT,
    fetched_at   INTEGER,          -- last time readings came (unix seconds)
    attempted_at INTEGER NOT NULL, -- last time we asked
    last_error   TEXT
) WITHOUT ROWID;
