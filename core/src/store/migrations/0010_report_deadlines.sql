-- When the city said it would have handled a report (Open311
-- expected_datetime, ISO 8601 as the server wrote it): reports show "due",
-- "overdue by" and "answered in" against it.
ALTER TABLE reports ADD COLUMN expected_at TEXT;
