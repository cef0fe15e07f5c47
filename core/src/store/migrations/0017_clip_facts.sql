-- What a report's clip is, for its card ("video 12 s, 8.4 MB, 45 % sent",
-- and its poster frame when the phone could decode one): kept beside the
-- file's path because the file is deleted once the city has it.
ALTER TABLE report_clips ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_clips ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_clips ADD COLUMN poster BLOB;
