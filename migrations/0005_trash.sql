-- resumectl's trash: a record `delete` took out of the web application's table, with its
-- history and export notes, until `undelete` puts it back exactly as it was or
-- `trash purge` removes it for good. The record and its versions are kept as JSON of their
-- rows (every column the web application's table has, whatever its types), so that they
-- go back unchanged. Who deleted it comes from the write transaction, as a version's
-- actor does.
CREATE TABLE IF NOT EXISTS resumectl_trash (
    id         UUID PRIMARY KEY,
    user_id    TEXT NOT NULL,
    title      TEXT,
    version    BIGINT,
    record     JSONB NOT NULL,
    versions   JSONB NOT NULL,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT DEFAULT nullif(current_setting('resumectl.actor', true), '')
);
CREATE INDEX IF NOT EXISTS resumectl_trash_user_deleted
    ON resumectl_trash (user_id, deleted_at);
