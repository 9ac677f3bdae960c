-- no-transaction
-- The order every listing reads in (list, browse): a user's records, newest first. With
-- it the first page, and the page after any keyset cursor, is an index range scan that
-- stops at the page's end, instead of reading and sorting all of the user's rows (and
-- their documents). Built CONCURRENTLY: the web application keeps writing meanwhile,
-- which is why this migration runs outside a transaction and is this one statement.
CREATE INDEX CONCURRENTLY IF NOT EXISTS optimized_resumes_user_updated_idx
    ON optimized_resumes (user_id, updated_at DESC NULLS LAST, id);
