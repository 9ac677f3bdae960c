//! One module per subcommand: its arguments and a `run` that returns an `Output`.

pub mod completions;
pub mod delete;
pub mod diff;
pub mod edit;
pub mod export;
pub mod get;
pub mod history;
pub mod list;
pub mod migrate;
pub mod restore;
pub mod save;
pub mod save_batch;
pub mod schema;
pub mod set_qa;
pub mod validate;

use anyhow::Result;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::config::Settings;
use crate::db::Target;
use crate::error;

/// What every command may use: the resolved settings, and a way to open its connection.
pub struct Context<'a> {
    pub settings: &'a Settings,
}

impl Context<'_> {
    /// The configured user id, or exit 3 saying how to set it.
    pub fn user(&self) -> Result<&str> {
        self.settings.user()
    }

    /// One connection to the configured database.
    pub async fn connect(&self) -> Result<PgConnection> {
        Target::from_settings(self.settings)?
            .connect(self.settings.connect_timeout, None)
            .await
    }
}

/// A record id from the command line: a UUID, or exit 5 naming what was given.
pub fn parse_id(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        error::invalid(format!(
            "'{}' is not a record id: expected a UUID such as 0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
            text.escape_debug()
        ))
    })
}
