//! The trash: `undelete` puts a deleted record back as it was; `trash list` shows what is
//! there; `trash purge` removes for good what was deleted before a time.

use anyhow::Result;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::erase::{self, Scope};
use crate::db::session::Session;
pub use crate::db::trash::Shelf;
use crate::db::{records, trash};
use crate::error::{self, CliError, ErrorKind};
use crate::model::record::Record;
use crate::model::trash::TrashEntry;
use crate::ops::erase::delete_objects;
use crate::ops::export::objects::Stores;

/// Puts the user's deleted record `id` back: same id, version, history and export notes.
/// Not found when it is not in the user's trash; a conflict when a live record has taken
/// its id meanwhile.
pub async fn undelete(session: &mut Session, user: &str, id: Uuid) -> Result<Record> {
    session
        .write(async |transaction| {
            // The user's own trash first: whether another user's record is live under the
            // id is none of this user's business.
            if !trash::holds(transaction, user, id).await? {
                return Err(error::not_found(format!(
                    "{id} is not in the trash (never deleted, purged, already undeleted, or \
                     another user's)"
                )));
            }
            if trash::live(transaction, id).await? {
                return Err(CliError::new(
                    ErrorKind::Conflict,
                    format!("a live record has the id {id}: nothing was undeleted"),
                )
                .into());
            }
            if !trash::take_out(transaction, user, id).await? {
                return Err(error::not_found(format!(
                    "{id} is not in the trash any more (undeleted meanwhile)"
                )));
            }
            records::fetch(transaction, user, id).await
        })
        .await
}

/// The trash, newest first: the user's, or every user's (None); or the markers of the
/// records that left it (`shelf`: put back, or removed for good), with when and by whom.
pub async fn list(
    session: &mut Session,
    user: Option<&str>,
    shelf: Shelf,
) -> Result<Vec<TrashEntry>> {
    session
        .read(async |connection| trash::list(connection, user, shelf).await)
        .await
}

/// Removes for good the user's records deleted before `before`, with the objects their
/// uploads recorded (deleted first, as an erase does), once `confirm` agrees to the list
/// (it is not asked when there is nothing to purge): the ids removed.
pub async fn purge(
    session: &mut Session,
    user: &str,
    before: DateTime<Utc>,
    stores: &mut Stores,
    confirm: impl FnOnce(&[TrashEntry]) -> Result<bool>,
) -> Result<Vec<Uuid>> {
    let due = session
        .read(async |connection| trash::older_than(connection, user, before).await)
        .await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    if !confirm(&due)? {
        return Err(error::usage("not confirmed: nothing was purged"));
    }
    let ids: Vec<Uuid> = due.iter().map(|entry| entry.id).collect();
    let scope = Scope {
        ids: Some(&ids),
        live: false,
        trash: true,
    };
    let recorded = session
        .read(async |connection| erase::inventory(connection, user, scope).await)
        .await?;
    delete_objects(stores, &recorded.objects, "the purge").await?;
    session
        .write(async |transaction| trash::purge(transaction, user, &ids, before).await)
        .await
}
