//! `resumectl completions SHELL`: the completion script for a shell, on stdout. The
//! script calls back into `resumectl` (found on PATH) for each completion, so record ids
//! come from the database and the script never goes stale against the binary's options.

use anyhow::Result;
use clap::Args;
use clap_complete::Shell;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};

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
    let completer = SHELLS
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
/// `command`: builds the whole command line (cli.rs).
pub fn answer_if_asked(command: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .completer("resumectl")
        .shells(SHELLS)
        .complete();
}

/// clap_complete's shells, with bash's script fixed.
const SHELLS: Shells<'static> = Shells(&[&NoGlobBash, &Elvish, &Fish, &Powershell, &Zsh]);

/// clap_complete's bash script splits the candidates with `COMPREPLY=( $(...) )`, which
/// also glob-expands them: with the files `a*`, `abc1.json` and `abc2.json` present,
/// `save a<TAB>` offered `a*` as all three, each twice. This one turns globbing off
/// around that line and back on after it (unless the user had it off already).
struct NoGlobBash;

const SPLIT: &str = "    COMPREPLY=( $( \\\n";
const SPLIT_END: &str = "    ) )\n    if [[ $? != 0 ]]; then\n";

impl EnvCompleter for NoGlobBash {
    fn name(&self) -> &'static str {
        Bash.name()
    }

    fn is(&self, name: &str) -> bool {
        Bash.is(name)
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        let mut script = Vec::new();
        Bash.write_registration(var, name, bin, completer, &mut script)?;
        let script = String::from_utf8_lossy(&script);
        // A clap_complete release that words the line otherwise fails the test that
        // completes `a<TAB>` among such files (tests/cli_completions.rs).
        let script = script
            .replacen(
                SPLIT,
                &format!("    local _CLAP_OPTIONS=$-\n    set -f\n{SPLIT}"),
                1,
            )
            .replacen(
                SPLIT_END,
                "    ) )\n    local _CLAP_STATUS=$?\n    \
                 [[ $_CLAP_OPTIONS == *f* ]] || set +f\n    \
                 if [[ $_CLAP_STATUS != 0 ]]; then\n",
                1,
            );
        buf.write_all(script.as_bytes())
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<std::ffi::OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        Bash.write_complete(cmd, args, current_dir, buf)
    }
}
