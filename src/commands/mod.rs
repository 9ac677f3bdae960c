//! One module per subcommand: its arguments, then one call into `ops`, then an `Output`.
//! What they share: the `Context` (settings, the shell, a way to a session).

pub mod args;
pub mod browse;
pub mod complete;
pub mod completions;
pub mod delete;
pub mod diff;
pub mod edit;
pub mod erase;
pub mod export;
pub mod exports;
pub mod get;
pub mod history;
pub mod import;
pub mod list;
pub mod man;
pub mod migrate;
pub mod qa;
pub mod restore;
pub mod save;
pub mod save_batch;
pub mod schema;
pub mod set_qa;
pub mod themes;
pub mod trash;
pub mod undelete;
pub mod validate;
pub mod watch;

use std::time::Duration;

use anyhow::Result;

use crate::config::Settings;
use crate::output::shell::Shell;
use resumectl_core::input::Source;
use resumectl_core::ops::Target;
use resumectl_core::ops::{Commits, ConnectOptions, Session, with_session};

/// What every command may use: the resolved settings, the shell for notes, and the way
/// to a session.
pub struct Context<'a> {
    pub settings: &'a Settings,
    /// The output format, colour and terminals, and the way notes are said.
    pub shell: Shell,
    /// Every session's COMMITs, watched at a signal.
    pub commits: Commits,
}

impl Context<'_> {
    /// The configured user id, or exit 3 saying how to set it.
    pub fn user(&self) -> Result<&str> {
        self.settings.user()
    }

    /// How to connect to the configured database; its warnings are said once, here.
    pub fn connect_options(&self) -> Result<ConnectOptions> {
        let target = Target::parse(
            self.settings.database_url()?,
            self.settings.database_url_source(),
        )?;
        Ok(self.options_for(target, None))
    }

    pub fn options_for(&self, target: Target, wait: Option<Duration>) -> ConnectOptions {
        for warning in &target.warnings {
            self.shell.note(warning);
        }
        ConnectOptions {
            target,
            connect_timeout: self.settings.connect_timeout,
            statement_timeout: self.settings.statement_timeout,
            wait,
            commits: self.commits.clone(),
            actor: Some(self.settings.actor.clone()),
        }
    }

    /// Runs `work` on a session of the configured database, closed on every path.
    pub async fn session<T>(&self, work: impl AsyncFnOnce(&mut Session) -> Result<T>) -> Result<T> {
        with_session(&self.connect_options()?, work).await
    }

    /// An input argument: a file, or stdin for `-` (or for none, when stdin is not a
    /// terminal).
    pub fn source(&self, arg: Option<&str>, what: &str) -> Result<Source> {
        Source::from_arg(arg, what, self.shell.terminal().stdin)
    }
}
