//! What `exports prune` did to each record, and in all.

use serde::Serialize;
use uuid::Uuid;

/// One uploaded object past its expiry, as its note records it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExpiredUpload {
    #[serde(skip)]
    pub id: Uuid,
    #[serde(skip)]
    pub user_id: String,
    /// The note's key in export_formats.resumectl_exports (`md_upload`).
    pub note: String,
    pub url: String,
    pub expires_at: String,
}

/// One record's expired uploads and what became of them.
#[derive(Debug, Clone, Serialize)]
pub struct PrunedRecord {
    pub id: Uuid,
    pub user_id: String,
    /// "pruned", "would_prune" (a dry run), "failed" (the store: the record is left
    /// untouched) or "changed" (uploaded again meanwhile: left untouched).
    pub status: &'static str,
    pub objects: Vec<ExpiredUpload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The last line of a prune.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneSummary {
    pub records: usize,
    pub objects: usize,
    /// Objects that were already gone from their store (counted as pruned).
    pub already_gone: usize,
    pub failed: usize,
    /// Expired objects only the history or the trash still recorded, deleted (their
    /// notes stay there: history is not rewritten; one gone already is not counted).
    pub history_objects: usize,
    /// Of those, the ones the store failed on.
    pub history_failed: usize,
    pub dry_run: bool,
}
