//! `migrate` and `migrate status`: apply the embedded migrations (never through a pooler
//! that would break their lock), then check the schema.

use std::time::Duration;

use anyhow::Result;

use crate::db::migrate;
use crate::db::session::{ConnectOptions, with_session};
use crate::model::reports::{MigrationReport, PendingMigration};

pub enum MigrateRequest {
    Apply {
        /// The URL was given as the direct one for migrations: trusted, not probed.
        direct: bool,
        lock_timeout: Duration,
    },
    Status,
}

pub async fn migrate(connect: &ConnectOptions, request: MigrateRequest) -> Result<MigrationReport> {
    with_session(connect, async |session| {
        let (applied_now, search_note) = match request {
            MigrateRequest::Status => (Vec::new(), None),
            MigrateRequest::Apply {
                direct,
                lock_timeout,
            } => {
                if !direct {
                    migrate::refuse_pooler(session, &connect.target, connect.connect_timeout)
                        .await?;
                }
                let applied = migrate::apply(session.connection(), lock_timeout).await?;
                (applied.versions, applied.search_note)
            }
        };
        let mut report = session
            .read(async |connection| migrate::status(connection).await)
            .await?;
        report.applied_now = applied_now;
        if let Some(note) = search_note {
            report.search = note;
        }
        Ok(report)
    })
    .await
}

/// What `migrate` would apply, with its SQL: reads only, takes no lock, writes nothing.
pub async fn plan(connect: &ConnectOptions) -> Result<Vec<PendingMigration>> {
    with_session(connect, async |session| {
        session
            .read(async |connection| migrate::plan(connection).await)
            .await
    })
    .await
}
