-- Version history. Every write by resumectl advances optimized_resumes.version and
-- stores the new state as one row here, in the same transaction: history grows by a row,
-- it is never rewritten. Records written before this migration start at version 0 with
-- no rows; their first write stores their old state as version 0, then the new one.

-- A constant default: PostgreSQL 11+ adds this without rewriting the table.
ALTER TABLE optimized_resumes ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS optimized_resume_versions (
    resume_id         UUID NOT NULL REFERENCES optimized_resumes (id) ON DELETE CASCADE,
    version           BIGINT NOT NULL,
    structured_output JSONB,
    qa_metrics        JSONB,
    export_formats    JSONB,
    optimized_content TEXT,
    match_score       INTEGER,
    note              TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (resume_id, version)
);
