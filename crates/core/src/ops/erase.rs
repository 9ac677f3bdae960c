//! `erase`: everything of one user, everywhere (GDPR Art. 17): the objects their uploads
//! put in a store first, then, in one transaction, their records, history and trash, with
//! a line in the ledger. A store that fails halfway leaves the database as it was: the
//! erase is run again to finish (objects already gone count as erased).

use anyhow::{Context as _, Result};

use crate::db::erase::{self, Scope};
use crate::db::session::Session;
use crate::error::{self, CliError, ErrorKind};
use crate::export::hex_digest;
use crate::model::erase::{EraseReceipt, Resurfaced, UserData};
use crate::ops::export::objects::Stores;

/// Everything of the user (what a dry run prints and `erase` removes).
pub async fn plan(session: &mut Session, user: &str) -> Result<UserData> {
    let mut found = session
        .read(async |connection| erase::inventory(connection, user, Scope::ALL).await)
        .await?;
    found.user_sha256 = hex_digest(user.as_bytes());
    Ok(found)
}

/// Erases everything of the user once `confirm` agrees to the plan.
pub async fn erase(
    session: &mut Session,
    user: &str,
    stores: &mut Stores,
    confirm: impl FnOnce(&UserData) -> Result<bool>,
) -> Result<EraseReceipt> {
    let found = plan(session, user).await?;
    if !confirm(&found)? {
        return Err(error::usage("not confirmed: nothing was erased"));
    }
    let already_gone = delete_objects(stores, &found.objects, "erase").await?;
    let (erased_at, actor) = session
        .write(async |transaction| erase::erase(transaction, user, &found).await)
        .await?;
    Ok(EraseReceipt {
        erased_at,
        actor,
        erased: found,
        objects_already_gone: already_gone,
    })
}

/// What is left of the user: rows, history, trash, and recorded objects still in their
/// store. Empty when the erasure holds.
pub async fn check(session: &mut Session, user: &str, stores: &mut Stores) -> Result<UserData> {
    let mut left = plan(session, user).await?;
    let mut present = Vec::new();
    for url in std::mem::take(&mut left.objects) {
        if stores.exists(&url).await? {
            present.push(url);
        }
    }
    left.objects = present;
    Ok(left)
}

/// Every erasure in the ledger whose user has data here again: empty when they all hold.
pub async fn resurfaced(session: &mut Session) -> Result<Vec<Resurfaced>> {
    session
        .read(async |connection| erase::resurfaced(connection).await)
        .await
}

/// The error the check of an erasure ends with when something of the user is left.
pub fn not_erased(left: &UserData) -> Option<CliError> {
    (!left.is_empty()).then(|| {
        CliError::new(
            ErrorKind::BelowTheBar,
            format!(
                "the user's data is not erased: {} records, {} versions, {} in the trash, {} \
                 objects left",
                left.records,
                left.versions,
                left.trashed,
                left.objects.len()
            ),
        )
    })
}

/// Deletes `objects` from their stores, in order, before any row goes: the number already
/// gone. A store that fails stops it, naming the object and what `doing` should do next.
pub(crate) async fn delete_objects(
    stores: &mut Stores,
    objects: &[String],
    doing: &str,
) -> Result<usize> {
    let mut already_gone = 0;
    for (done, url) in objects.iter().enumerate() {
        let deleted = stores.delete(url).await.with_context(|| {
            format!(
                "{doing} stopped at object {} of {}, {url} ({done} deleted before it); nothing \
                 in the database was removed: run {doing} again to finish",
                done + 1,
                objects.len()
            )
        })?;
        if !deleted {
            already_gone += 1;
        }
    }
    Ok(already_gone)
}
