-- The ledger of `erase` (GDPR Art. 17): when a user's data was erased, by whom, and how
-- much. It names the user only by the SHA-256 of the id, never the id itself, so that
-- after a backup is restored the erasures can be found and verified again
-- (`erase --check` with the same id) without the ledger keeping what it erased.
CREATE TABLE IF NOT EXISTS resumectl_erasures (
    user_sha256 TEXT NOT NULL,
    erased_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT DEFAULT nullif(current_setting('resumectl.actor', true), ''),
    records     BIGINT NOT NULL,
    versions    BIGINT NOT NULL,
    trashed     BIGINT NOT NULL,
    objects     BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS resumectl_erasures_user ON resumectl_erasures (user_sha256);
