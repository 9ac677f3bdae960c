-- Who put a record back, or removed it for good: the trash row stays as a marker (its
-- copy of the record and history emptied) saying when and by whom, so that every write,
-- an undelete, a purge and a permanent delete too, records its actor.
-- `trash list --undeleted` and `--purged` show them; the next delete of the id replaces
-- the marker, `trash purge` removes markers past the retention, and `erase` removes
-- them with the rest of the user's data.
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS undeleted_at TIMESTAMPTZ;
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS undeleted_by TEXT;
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS purged_at TIMESTAMPTZ;
ALTER TABLE resumectl_trash ADD COLUMN IF NOT EXISTS purged_by TEXT;
