//! The statement behind `resumectl list`: one user's records (or every user's, for
//! support staff), filtered by text and by JSON containment, newest first.

use anyhow::Result;
use sqlx::QueryBuilder;
use sqlx::postgres::{PgConnection, Postgres};

use chrono::{DateTime, Utc};

use crate::db::errors::map_error;
use crate::model::reports::{ListCursor, ListedRecord};
use uuid::Uuid;

/// Whose records, and which of them.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Some(user): that user's records only; None: every user's.
    pub user: Option<String>,
    /// A case-insensitive substring of the title or the plain-text resume.
    pub search: Option<String>,
    /// A JSON object the structured_output must contain (`@>`, answered by the GIN index).
    pub contains: Option<String>,
    /// Stored qa_metrics figures: (key, bound, below): a record whose figure is below
    /// (or, for duplicates, above) the bound. Records without the figure do not match.
    pub figures: Vec<(&'static str, i64, bool)>,
    pub limit: i64,
    pub offset: i64,
    /// Keyset paging: the records after this one in the listing's order (the cursor a
    /// full page ends with). The offset is not used with it: a cursor says where.
    pub after: Option<ListCursor>,
}

/// A record's document, for measuring them all a page at a time.
#[derive(Debug, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: Uuid,
    pub user_id: String,
    pub title: Option<String>,
    /// None: the record has no document (it is reported as skipped, not left out).
    pub document: Option<String>,
}

/// The next `limit` records after `after` (in id order) of `user` (None: of every user).
pub async fn documents(
    connection: &mut PgConnection,
    user: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<DocumentRow>> {
    sqlx::query_as(
        "SELECT id, user_id::text AS user_id, title::text AS title, \
             structured_output::text AS document \
         FROM optimized_resumes \
         WHERE ($1::text IS NULL OR user_id = $1) \
           AND ($2::uuid IS NULL OR id > $2) \
         ORDER BY id LIMIT $3",
    )
    .bind(user)
    .bind(after)
    .bind(limit)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the documents"))
}

/// The listing's order: newest first, the records without updated_at last, then by id.
const ORDER: &str = " ORDER BY updated_at DESC NULLS LAST, id";

/// The SELECT for `filter`, with every value bound. Also used, behind EXPLAIN, so that
/// what is explained is exactly what runs.
///
/// After a cursor (`filter.after`), the records that follow it in the order are three
/// runs, each read from where it starts by the index on (user_id, updated_at DESC NULLS
/// LAST, id) and stopped at the page's length: those with the cursor's updated_at and a
/// greater id (a batch's records share one), the older ones, and those without
/// updated_at. One statement: one snapshot, and a page deep in the listing, or deep in
/// one batch, costs what the first page costs.
fn build(filter: &ListFilter, explain: bool) -> QueryBuilder<Postgres> {
    let mut query = QueryBuilder::new(if explain { "EXPLAIN " } else { "" });
    let runs: Vec<Run> = match filter.after {
        None => {
            select(&mut query, filter, None);
            query
                .push(ORDER)
                .push(" LIMIT ")
                .push_bind(filter.limit)
                .push(" OFFSET ")
                .push_bind(filter.offset);
            return query;
        }
        Some(ListCursor {
            updated_at: Some(at),
            id,
        }) => vec![Run::SameTime(at, id), Run::Older(at), Run::Undated(None)],
        Some(ListCursor {
            updated_at: None,
            id,
        }) => vec![Run::Undated(Some(id))],
    };
    query.push("SELECT * FROM (");
    for (index, run) in runs.into_iter().enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        query.push("(");
        select(&mut query, filter, Some(run));
        query.push(" LIMIT ").push_bind(filter.limit).push(")");
    }
    query
        .push(") page")
        .push(ORDER)
        .push(" LIMIT ")
        .push_bind(filter.limit);
    query
}

/// A run of the records after a cursor, in the listing's order.
#[derive(Debug, Clone, Copy)]
enum Run {
    /// updated_at equal to the cursor's, id greater.
    SameTime(DateTime<Utc>, Uuid),
    /// updated_at older than the cursor's.
    Older(DateTime<Utc>),
    /// No updated_at; after this id, if any.
    Undated(Option<Uuid>),
}

/// One SELECT of the listing: the filter's conditions, and a run's (with its order).
fn select(query: &mut QueryBuilder<Postgres>, filter: &ListFilter, run: Option<Run>) {
    query.push(format!(
        "SELECT r.id, {} AS user_id, r.title::text AS title, r.match_score, \
             r.structured_output #> '{{qa,scores,keyword_coverage_0_to_100}}' \
                 AS keyword_coverage, \
             r.version, r.updated_at::timestamptz AS updated_at \
         FROM optimized_resumes r WHERE true",
        if filter.user.is_some() {
            "NULL::text"
        } else {
            "r.user_id::text"
        }
    ));
    if let Some(user) = &filter.user {
        query.push(" AND r.user_id = ").push_bind(user.clone());
    }
    if let Some(text) = &filter.search {
        let pattern = format!("%{}%", escape_like(text));
        query
            .push(" AND (r.title ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR r.optimized_content ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
    for (key, bound, below) in &filter.figures {
        // Only a number compares: a figure stored as something else does not match.
        query.push(format!(
            " AND CASE WHEN jsonb_typeof(r.qa_metrics -> '{key}') = 'number' \
                  THEN (r.qa_metrics ->> '{key}')::numeric {} ",
            if *below { "<" } else { ">" }
        ));
        query.push_bind(*bound).push(" ELSE false END");
    }
    if let Some(contains) = &filter.contains {
        // A bare `column @> value` is what a jsonb_ops GIN index answers.
        query
            .push(" AND r.structured_output @> ")
            .push_bind(contains.clone())
            .push("::jsonb");
    }
    match run {
        None => {}
        Some(Run::SameTime(at, id)) => {
            query
                .push(" AND r.updated_at = ")
                .push_bind(at)
                .push(" AND r.id > ")
                .push_bind(id)
                .push(" ORDER BY r.id");
        }
        Some(Run::Older(at)) => {
            query
                .push(" AND r.updated_at < ")
                .push_bind(at)
                .push(" ORDER BY r.updated_at DESC NULLS LAST, r.id");
        }
        Some(Run::Undated(after)) => {
            query.push(" AND r.updated_at IS NULL");
            if let Some(id) = after {
                query.push(" AND r.id > ").push_bind(id);
            }
            query.push(" ORDER BY r.id");
        }
    }
}

pub async fn list(connection: &mut PgConnection, filter: &ListFilter) -> Result<Vec<ListedRecord>> {
    build(filter, false)
        .build_query_as::<ListedRecord>()
        .persistent(false)
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_error(error, "listing the records"))
}

/// The plan PostgreSQL chooses for `filter`, one line of EXPLAIN's text a row.
pub async fn explain(connection: &mut PgConnection, filter: &ListFilter) -> Result<Vec<String>> {
    build(filter, true)
        .build_query_scalar::<String>()
        .persistent(false)
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_error(error, "explaining the listing"))
}

/// `%`, `_` and `\` match themselves in a search: it is a substring, not a pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
    }

    #[test]
    fn single_user_listing_is_scoped_by_user() {
        let filter = ListFilter {
            user: Some("u".into()),
            limit: 10,
            ..ListFilter::default()
        };
        assert!(
            build(&filter, false)
                .sql()
                .as_str()
                .contains("r.user_id = $1")
        );
        let all = ListFilter {
            user: None,
            ..filter
        };
        assert!(!build(&all, false).sql().as_str().contains("r.user_id ="));
    }
}
