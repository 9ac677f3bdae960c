//! Reading and deleting whole records.

use anyhow::Result;
use uuid::Uuid;

use crate::db::erase::{self, Scope};
use crate::db::session::Session;
use crate::db::{records, trash};
use crate::error;
use crate::model::record::Record;
use crate::ops::erase::delete_objects;
use crate::ops::export::objects::Stores;

/// The record, or the record as it was at `version`.
pub async fn get(
    session: &mut Session,
    user: &str,
    id: Uuid,
    version: Option<i64>,
) -> Result<Record> {
    match version {
        None => records::fetch_at_once(session, user, id).await,
        Some(version) => super::history::version(session, user, id, version).await,
    }
}

/// The record's current version: a cheap look (a watch asks every second).
pub async fn version(session: &mut Session, user: &str, id: Uuid) -> Result<i64> {
    session
        .read(async |connection| records::current_version(connection, user, id).await)
        .await
}

/// What a delete is about to remove: each record's title and how many versions go with it.
pub struct DeletePlan {
    pub records: Vec<(Uuid, Option<String>)>,
    pub versions: i64,
}

/// Deletes every one of `ids` or none, once `confirm` agrees to the plan: into the trash
/// (with their history and export notes, for `undelete`), or for good when `permanent`,
/// with the objects their uploads recorded (deleted first, as an erase does).
pub async fn delete(
    session: &mut Session,
    user: &str,
    ids: &[Uuid],
    permanent: bool,
    stores: &mut Stores,
    confirm: impl FnOnce(&DeletePlan) -> Result<bool>,
) -> Result<Vec<Uuid>> {
    let found = session
        .read(async |connection| records::titles(connection, user, ids).await)
        .await?;
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !found.iter().any(|(found_id, _, _)| found_id == *id))
        .map(|id| id.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(error::not_found(format!(
            "not found (absent, or owned by another user): {}; nothing was deleted",
            missing.join(", ")
        )));
    }
    let plan = DeletePlan {
        versions: found.iter().map(|(_, _, versions)| versions).sum(),
        records: found
            .into_iter()
            .map(|(id, title, _)| (id, title))
            .collect(),
    };
    if !confirm(&plan)? {
        return Err(error::usage("not confirmed: nothing was deleted"));
    }
    if permanent {
        let scope = Scope {
            ids: Some(ids),
            live: true,
            trash: false,
        };
        let recorded = session
            .read(async |connection| erase::inventory(connection, user, scope).await)
            .await?;
        delete_objects(stores, &recorded.objects, "the delete").await?;
    }
    session
        .write(async |transaction| {
            let deleted = match permanent {
                true => trash::remove_for_good(transaction, user, ids).await?,
                false => {
                    trash::lock(transaction, user, ids).await?;
                    trash::move_in(transaction, user, ids).await?
                }
            };
            if deleted.len() != ids.len() {
                // Someone else deleted one in between: keep the all-or-nothing promise
                // (the error rolls the transaction back).
                return Err(error::not_found(
                    "a record disappeared while deleting; nothing was deleted",
                ));
            }
            Ok(deleted)
        })
        .await
}
