-- What each version changed, in plain words ("summary edited; experience 1: 2 bullets
-- added, 1 changed"), stored with the version by the write that makes it: the write's
-- statement hands back the values it replaced, and resumectl compares them with the new
-- ones before it inserts the version's row, in the same transaction. Versions written
-- before this migration have none (NULL): `history` computes theirs when it reads them,
-- from the version before. No backfill, so this is quick over any history.
--
-- The column is added without a default: no table rewrite, existing rows keep NULL.
ALTER TABLE optimized_resume_versions ADD COLUMN IF NOT EXISTS changes_summary TEXT;
