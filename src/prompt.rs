//! Confirmations: shown only on a terminal, never to a script (--no-input, CI=true).

use anyhow::Result;

use crate::config::Settings;
use crate::error;

/// Asks `question` on the terminal. Without one, `--yes` is required: the refusal says so.
pub fn confirm(settings: &Settings, question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !settings.interactive {
        return Err(error::usage(
            "refusing to go on without confirmation: no terminal to ask on \
             (or --no-input / CI=true); pass --yes to confirm",
        ));
    }
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|failure| error::usage(format!("confirmation failed: {failure}")))
}
