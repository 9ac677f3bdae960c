//! `resumectl completions SHELL`: the completion script for a shell, on stdout.

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<Output> {
    Ok(Output::Raw(generate(args.shell)))
}

/// The script as committed under `completions/` (a test keeps the two in step).
pub fn generate(shell: Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "resumectl", &mut buffer);
    String::from_utf8(buffer).expect("clap_complete writes UTF-8")
}
