//! Confirmations: shown only on a terminal, never to a script (--no-input, CI=true).

use anyhow::Result;

use crate::config::Settings;
use resumectl_core::error::{self, CliError, ErrorKind};

/// Asks `question` on the terminal. Without one, `--yes` is required: the refusal says so.
pub fn confirm(settings: &Settings, question: &str, yes: bool) -> Result<bool> {
    ask(settings, yes, || {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
    })
}

/// Asks for `expected` to be typed back (a confirmation that cannot be given by habit),
/// on a terminal only; `yes` skips it. False when something else was typed.
pub fn type_back(settings: &Settings, question: &str, expected: &str, yes: bool) -> Result<bool> {
    ask(settings, yes, || {
        dialoguer::Input::<String>::new()
            .with_prompt(question)
            .allow_empty(true)
            .interact_text()
            .map(|typed| typed == expected)
    })
}

/// `prompt`'s answer: true at once with `yes`; without a terminal (or with --no-input,
/// CI=true), a usage error saying to pass --yes.
fn ask(
    settings: &Settings,
    yes: bool,
    prompt: impl FnOnce() -> dialoguer::Result<bool>,
) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !settings.interactive {
        return Err(error::usage(
            "refusing to go on without confirmation: no terminal to ask on \
             (or --no-input / CI=true); pass --yes to confirm",
        ));
    }
    // Ctrl-C at the prompt: the terminal library restores the terminal and raises SIGINT,
    // which would end the process with the cursor still hidden. Caught, it comes back as
    // an interrupted read, handled below.
    let _signals = resumectl_core::interrupt::Signals::catch();
    prompt().map_err(|dialoguer::Error::IO(failure)| {
        // The prompt hides the cursor and gives up without showing it again when
        // interrupted: leave the terminal as it was.
        let _ = console::Term::stderr().show_cursor();
        if failure.kind() == std::io::ErrorKind::Interrupted {
            CliError::new(ErrorKind::Interrupted, "interrupted: nothing was done").into()
        } else {
            error::usage(format!("confirmation failed: {failure}"))
        }
    })
}
