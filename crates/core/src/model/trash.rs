//! A record in the trash, as `trash list` shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TrashEntry {
    pub id: Uuid,
    pub user_id: String,
    pub title: Option<String>,
    pub version: Option<i64>,
    pub deleted_at: DateTime<Utc>,
    /// Who deleted it (None: not recorded).
    pub actor: Option<String>,
    /// How many versions of history went with it.
    pub versions: i64,
    /// When and by whom it was put back (`undelete`), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undeleted_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undeleted_by: Option<String>,
    /// When and by whom it was removed for good (a purge, a permanent delete), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purged_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purged_by: Option<String>,
}
