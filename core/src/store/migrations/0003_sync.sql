-- Version 3: every send knows its city, so the sync engine sends it to that
-- city's server whatever city is on screen; a column nothing read is gone.

-- Open311 has no field for "show my name", and neither the reference server nor
-- FixMyStreet-style servers publish reporters' names: the app now says so
-- instead of offering a switch that did nothing.
ALTER TABLE reports DROP COLUMN show_name;

ALTER TABLE outbox ADD COLUMN city TEXT NOT NULL DEFAULT '';
UPDATE outbox SET city = COALESCE(
    (SELECT r.city FROM reports r WHERE r.id = outbox.ref AND outbox.kind = 'report'),
    (SELECT u.city FROM report_updates u WHERE u.id = outbox.ref AND outbox.kind = 'update'),
    '');
CREATE INDEX outbox_city ON outbox(city, state, seq);

-- A local update waits for its report's id; find a report's updates fast.
CREATE INDEX report_updates_server ON report_updates(server_id);
