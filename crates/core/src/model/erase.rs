//! What `erase` finds of a user, erases, and leaves (its check).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Everything of one user: counts, and the objects their upload notes record.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UserData {
    /// The SHA-256 of the user id (hex): how the ledger names the user.
    pub user_sha256: String,
    pub records: i64,
    pub versions: i64,
    pub trashed: i64,
    /// The recorded objects' URLs (s3://bucket/key, file:///...), each once.
    pub objects: Vec<String>,
}

impl UserData {
    pub fn is_empty(&self) -> bool {
        self.records == 0 && self.versions == 0 && self.trashed == 0 && self.objects.is_empty()
    }
}

/// What an erase did: the receipt.
#[derive(Debug, Clone, Serialize)]
pub struct EraseReceipt {
    pub erased_at: DateTime<Utc>,
    pub actor: Option<String>,
    #[serde(flatten)]
    pub erased: UserData,
    /// Objects that were already gone from their store (counted as erased).
    pub objects_already_gone: usize,
}

/// An erased user whose data is here again (a backup restored from before the erasure),
/// named only by the hash the ledger keeps.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Resurfaced {
    pub user_sha256: String,
    pub erased_at: DateTime<Utc>,
    pub records: i64,
    pub trashed: i64,
}
