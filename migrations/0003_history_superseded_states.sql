-- History without a second copy of every document. From here on a version's row holds
-- its state only once the version is superseded; the row of a record's current version
-- keeps its note and time, and the state is read from the record itself. Every version
-- stays readable: superseded rows are untouched, and the current one is the record.
-- This empties the state columns of each record's current-version row (freeing the
-- space of one copy of every current document); on a large table it rewrites one row a
-- record, once.
UPDATE optimized_resume_versions v
SET structured_output = NULL, qa_metrics = NULL, export_formats = NULL,
    optimized_content = NULL, match_score = NULL
FROM optimized_resumes r
WHERE v.resume_id = r.id AND v.version = r.version
  AND (v.structured_output IS NOT NULL OR v.qa_metrics IS NOT NULL
       OR v.export_formats IS NOT NULL OR v.optimized_content IS NOT NULL
       OR v.match_score IS NOT NULL);
