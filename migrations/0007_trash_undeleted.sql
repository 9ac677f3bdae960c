-- Who put a record back: `undelete` keeps the trash row as a marker (its copy of the
-- record and history emptied) saying when and by whom, so that every write, an undelete
-- too, records its actor. `trash list --undeleted` shows them; the next delete of the id
-- replaces the marker, and `erase` removes it with the rest of the user's data.
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS undeleted_at TIMESTAMPTZ;
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS undeleted_by TEXT;
