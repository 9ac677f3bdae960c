//! `list`: one user's records (or every user's), found by title, plain text or document
//! contents, newest first, a page at a time.

use anyhow::Result;

use crate::db::listing::{self, ListFilter};
use crate::db::session::Session;
use crate::model::reports::{ListCursor, Listing};

/// One page of the records `filter` selects (under the statement timeout, as every read).
pub async fn list(session: &mut Session, filter: &ListFilter) -> Result<Listing> {
    let mut records = session
        .read(async |transaction| listing::list(transaction, filter).await)
        .await?;
    for record in &mut records {
        record.cursor = Some(ListCursor::of(record).token());
    }
    let full = records.len() as i64 == filter.limit;
    Ok(Listing {
        all_users: filter.user.is_none(),
        // An offset counts from the start: after a cursor it would not say where to go.
        next_offset: (full && filter.after.is_none()).then_some(filter.offset + filter.limit),
        next: records.last().filter(|_| full).map(ListCursor::of),
        records,
    })
}

/// The plan PostgreSQL chooses for that listing's statement.
pub async fn explain(session: &mut Session, filter: &ListFilter) -> Result<Vec<String>> {
    session
        .read(async |transaction| listing::explain(transaction, filter).await)
        .await
}
