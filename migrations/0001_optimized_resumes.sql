-- The optimized_resumes table as the web application defines it, plus the v2 JSONB
-- columns and their GIN indexes. Written to run over a table the web application already
-- created (possibly with extra columns and foreign keys): it only adds what is missing.

CREATE TABLE IF NOT EXISTS optimized_resumes (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              VARCHAR(255) NOT NULL,
    original_resume_id   UUID NOT NULL,
    job_analysis_id      UUID NOT NULL,
    title                VARCHAR(255) NOT NULL,
    optimized_content    TEXT NOT NULL,
    optimization_summary JSONB NOT NULL DEFAULT '{}'::jsonb,
    match_score          INTEGER CHECK (match_score BETWEEN 0 AND 100),
    improvements_made    TEXT[],
    keywords_added       TEXT[],
    skills_highlighted   TEXT[],
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Nullable columns with a NULL default: adding them is a catalogue change, no rewrite.
ALTER TABLE optimized_resumes
    ADD COLUMN IF NOT EXISTS improvements_made  TEXT[],
    ADD COLUMN IF NOT EXISTS keywords_added     TEXT[],
    ADD COLUMN IF NOT EXISTS skills_highlighted TEXT[],
    ADD COLUMN IF NOT EXISTS structured_output  JSONB DEFAULT NULL,
    ADD COLUMN IF NOT EXISTS qa_metrics         JSONB DEFAULT NULL,
    ADD COLUMN IF NOT EXISTS export_formats     JSONB DEFAULT NULL,
    ADD COLUMN IF NOT EXISTS created_at         TIMESTAMPTZ DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at         TIMESTAMPTZ DEFAULT now();

-- An index is created only when no plain index of the same kind already leads with the
-- column: the web application may have made its own under another name, and a second
-- GIN index would double the write cost for nothing.
DO $$
DECLARE
    wanted RECORD;
BEGIN
    FOR wanted IN
        SELECT * FROM (VALUES
            ('optimized_resumes_user_id_idx', 'user_id', 'btree'),
            ('optimized_resumes_structured_output_gin', 'structured_output', 'gin'),
            ('optimized_resumes_qa_metrics_gin', 'qa_metrics', 'gin')
        ) AS w(index_name, column_name, method)
    LOOP
        IF NOT EXISTS (
            SELECT 1
            FROM pg_index i
            JOIN pg_class ix ON ix.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ix.relam
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = 'optimized_resumes'::regclass
              AND a.attname = wanted.column_name
              AND am.amname = wanted.method
              AND i.indpred IS NULL
        ) THEN
            EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON optimized_resumes USING %s (%I)',
                           wanted.index_name, wanted.method, wanted.column_name);
        END IF;
    END LOOP;
END
$$;
