-- Who made each version: resumectl sets `resumectl.actor` in every write transaction
-- (SET LOCAL, so nothing leaks into a pooled connection), and a version's row takes it
-- from there, whichever statement inserts it. Versions written before this, and any row
-- inserted outside resumectl, have none (NULL: "unknown").
-- Two steps: the column first (existing rows keep NULL, no table rewrite), then the
-- default, which applies only to rows inserted from now on.
ALTER TABLE optimized_resume_versions ADD COLUMN IF NOT EXISTS actor TEXT;
ALTER TABLE optimized_resume_versions
    ALTER COLUMN actor SET DEFAULT nullif(current_setting('resumectl.actor', true), '');
