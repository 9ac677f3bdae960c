//! Completion of record ids (`resumectl get <TAB>`): the configured user's records, newest
//! first, their titles beside them where the shell shows descriptions (zsh, fish). The
//! shell runs this inside the binary (clap_complete's `CompleteEnv`), so it must never
//! block it nor print to it: with no database configured or reachable it offers nothing,
//! within a second, and every error is swallowed.

use std::ffi::OsStr;
use std::time::Duration;

use clap::{Args, FromArgMatches};
use clap_complete::engine::ValueCompleter;
use clap_complete::{CompletionCandidate, PathCompleter};

use crate::config;
use crate::config::GlobalArgs;
use crate::output::terminal;
use resumectl_core::ops;
use resumectl_core::ops::ListFilter;
use resumectl_core::ops::Target;
use resumectl_core::ops::{Commits, ConnectOptions, with_session};

/// The most ids offered: enough to pick from, few enough to read back at once.
const LIMIT: i64 = 200;

/// All the time a completion may take, connecting included.
const BUDGET: Duration = Duration::from_millis(900);

/// The candidates for a record id: nothing at all on any failure.
pub fn record_ids() -> Vec<CompletionCandidate> {
    // Not even a bug may print over the user's prompt: this process only completes.
    std::panic::set_hook(Box::new(|_| {}));
    std::panic::catch_unwind(candidates)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// For `save`, whose argument is a record id or, with `--ndjson`, a file: the record ids
/// that start with `current`, then the files.
pub fn record_ids_or_files(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let mut offered: Vec<CompletionCandidate> = record_ids()
        .into_iter()
        .filter(|candidate| {
            candidate
                .get_value()
                .to_string_lossy()
                .starts_with(&*prefix)
        })
        .collect();
    offered.extend(PathCompleter::file().complete(current));
    offered
}

fn candidates() -> Option<Vec<CompletionCandidate>> {
    // The same settings a command would use (environment, ./.env, config file), read
    // without a word to the terminal.
    let matches = GlobalArgs::augment_args(clap::Command::new("resumectl"))
        .try_get_matches_from(["resumectl"])
        .ok()?;
    let args = GlobalArgs::from_arg_matches(&matches).ok()?;
    let settings = config::resolve_silently(&args)?;
    let user = settings.user().ok()?.to_string();
    let url = settings.database_url().ok()?;
    let options = ConnectOptions {
        target: Target::parse(url, "").ok()?,
        connect_timeout: BUDGET,
        statement_timeout: Some(BUDGET),
        wait: None,
        commits: Commits::default(),
        actor: None,
    };
    let filter = ListFilter {
        user: Some(user),
        limit: LIMIT,
        ..ListFilter::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let listing = runtime
        .block_on(async {
            tokio::time::timeout(
                BUDGET,
                with_session(&options, async |session| {
                    ops::list::list(session, &filter).await
                }),
            )
            .await
        })
        .ok()
        .and_then(Result::ok);
    // A name lookup still running on a blocking thread (a resolver that does not answer)
    // must not hold the shell: leave it behind.
    runtime.shutdown_background();
    let listing = listing?;
    Some(
        listing
            .records
            .into_iter()
            .map(|record| {
                let title = record.title.unwrap_or_default();
                let title = terminal::safe(title.lines().next().unwrap_or_default()).into_owned();
                CompletionCandidate::new(record.id.to_string())
                    .help((!title.is_empty()).then(|| title.into()))
            })
            .collect(),
    )
}
