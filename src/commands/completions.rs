//! `resumectl completions SHELL`: the completion script for a shell, on stdout. The
//! script calls back into `resumectl` (found on PATH) for each completion, so record ids
//! come from the database and the script never goes stale against the binary's options.

use anyhow::Result;
use clap::Args;
use clap_complete::Shell;
use clap_complete::env::Shells;

use crate::output::Output;

/// The environment variable the scripts set when they call back into the binary.
pub const COMPLETE_VAR: &str = "COMPLETE";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<Output> {
    Ok(Output::Raw(generate(args.shell)))
}

/// The script as committed under `completions/` (a test keeps the two in step): byte for
/// byte what `COMPLETE=SHELL resumectl` prints.
pub fn generate(shell: Shell) -> String {
    let shells = Shells::builtins();
    let completer = shells
        .completer(&shell.to_string())
        .expect("clap_complete knows every shell its Shell names");
    let mut buffer = Vec::new();
    completer
        .write_registration(
            COMPLETE_VAR,
            "resumectl",
            "resumectl",
            "resumectl",
            &mut buffer,
        )
        .expect("writing to memory");
    String::from_utf8(buffer).expect("clap_complete writes UTF-8")
}

/// Answers the shell when it calls back (`COMPLETE=bash resumectl -- resumectl get ""`):
/// prints the candidates and exits. Does nothing otherwise.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(crate::cli::command)
        .var(COMPLETE_VAR)
        .completer("resumectl")
        .complete();
}
