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
    /// full page ends with). With an offset too, the offset counts from the cursor
    /// within the records that have an updated_at.
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

/// Where a statement of the listing starts.
#[derive(Debug, Clone, Copy)]
enum Keyset {
    /// At the newest record.
    Start,
    /// After a record with this updated_at and id.
    Before { at: DateTime<Utc>, id: Uuid },
    /// Among the records without updated_at (listed last), after this id.
    Undated { after: Option<Uuid> },
}

impl Keyset {
    fn of(filter: &ListFilter) -> Keyset {
        match filter.after {
            None => Keyset::Start,
            Some(ListCursor {
                updated_at: Some(at),
                id,
            }) => Keyset::Before { at, id },
            Some(ListCursor {
                updated_at: None,
                id,
            }) => Keyset::Undated { after: Some(id) },
        }
    }
}

/// The SELECT for `filter` from `keyset`, with every value bound. Also used, behind
/// EXPLAIN, so that what is explained is exactly what runs.
fn build(filter: &ListFilter, keyset: Keyset, explain: bool) -> QueryBuilder<Postgres> {
    let mut query = QueryBuilder::new(if explain { "EXPLAIN " } else { "" });
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
    match keyset {
        // After the cursor in the order (updated_at descending, then id), said so that
        // the index on (user_id, updated_at DESC NULLS LAST, id) starts its range scan at
        // the cursor (`updated_at <= at`) instead of reading every record before it. The
        // records without updated_at come last, from a statement of their own.
        Keyset::Before { at, id } => {
            query
                .push(" AND r.updated_at <= ")
                .push_bind(at)
                .push(" AND (r.updated_at < ")
                .push_bind(at)
                .push(" OR r.id > ")
                .push_bind(id)
                .push(")");
        }
        Keyset::Undated { after } => {
            query.push(" AND r.updated_at IS NULL");
            if let Some(id) = after {
                query.push(" AND r.id > ").push_bind(id);
            }
        }
        Keyset::Start => {}
    }
    query
        .push(" ORDER BY r.updated_at DESC NULLS LAST, r.id LIMIT ")
        .push_bind(filter.limit)
        .push(" OFFSET ")
        .push_bind(filter.offset);
    query
}

pub async fn list(connection: &mut PgConnection, filter: &ListFilter) -> Result<Vec<ListedRecord>> {
    let keyset = Keyset::of(filter);
    let mut records = page(connection, filter, keyset).await?;
    let short = filter.limit - records.len() as i64;
    if matches!(keyset, Keyset::Before { .. }) && short > 0 {
        // The page runs on into the records without updated_at.
        let rest = ListFilter {
            limit: short,
            offset: 0,
            ..filter.clone()
        };
        records.extend(page(connection, &rest, Keyset::Undated { after: None }).await?);
    }
    Ok(records)
}

async fn page(
    connection: &mut PgConnection,
    filter: &ListFilter,
    keyset: Keyset,
) -> Result<Vec<ListedRecord>> {
    build(filter, keyset, false)
        .build_query_as::<ListedRecord>()
        .persistent(false)
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_error(error, "listing the records"))
}

/// The plan PostgreSQL chooses for `filter`, one line of EXPLAIN's text a row.
pub async fn explain(connection: &mut PgConnection, filter: &ListFilter) -> Result<Vec<String>> {
    build(filter, Keyset::of(filter), true)
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
            build(&filter, Keyset::Start, false)
                .sql()
                .as_str()
                .contains("r.user_id = $1")
        );
        let all = ListFilter {
            user: None,
            ..filter
        };
        assert!(
            !build(&all, Keyset::Start, false)
                .sql()
                .as_str()
                .contains("r.user_id =")
        );
    }
}
