//! Stopping a command at SIGINT or SIGTERM: its work is dropped where it waits, a COMMIT
//! already sent is let finish, and a watchdog ends a command stuck in a blocking read.

use std::time::Duration;

use anyhow::Result;

use resumectl_core::error::CliError;
use resumectl_core::interrupt::{Signal, Signals};
use resumectl_core::ops::Commits;

/// How long a stopped command has to unwind before the process ends anyway: a command
/// stuck in a blocking read (a terminal's stdin) never reaches the point where it could.
const GRACE: Duration = Duration::from_secs(1);

/// Runs `work`, stopping it at SIGINT or SIGTERM: it is dropped where it waits (a
/// transaction in flight rolls back with its connection), and the signal's exit code is
/// returned as the error. A COMMIT already sent is let finish first, so that the report
/// says what happened. `json`: the watchdog's report is a JSON object.
pub async fn stoppable<T>(
    json: bool,
    commits: &Commits,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    let signals = Signals::catch()?;
    end_after_grace(json, commits.clone())?;
    tokio::pin!(work);
    let signal = tokio::select! {
        biased;
        signal = signals.wait() => signal,
        result = &mut work => return result,
    };
    while commits.in_flight() > 0 {
        tokio::select! {
            result = &mut work => return result,
            () = tokio::time::sleep(Duration::from_millis(5)) => {}
        }
    }
    Err(CliError::new(signal.kind(), stopped_message(signal, commits)).into())
}

/// What a signal left behind, in words.
fn stopped_message(signal: Signal, commits: &Commits) -> String {
    if commits.any_committed() {
        format!(
            "stopped by {} before it finished; what it committed before stays committed, \
             a transaction in flight was rolled back",
            signal.name()
        )
    } else {
        format!(
            "stopped by {} before it finished; nothing was written (a transaction in \
             flight was rolled back)",
            signal.name()
        )
    }
}

/// A watchdog outside the runtime: when a signal has had `GRACE` to stop the command and
/// the process still runs (a blocking read, a stdout nobody reads), the terminal is put
/// right and the process ends with the signal's exit code, once no COMMIT is in flight.
fn end_after_grace(json: bool, commits: Commits) -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut caught = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        if let Some(number) = caught.forever().next() {
            std::thread::sleep(GRACE);
            while commits.in_flight() > 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
            restore_terminal();
            let signal = if number == SIGTERM {
                Signal::Terminate
            } else {
                Signal::Interrupt
            };
            let message = stopped_message(signal, &commits);
            let line = if json {
                serde_json::json!({"error": {"kind": signal.kind().name(), "message": message}})
                    .to_string()
            } else {
                format!("error: {message}")
            };
            crate::output::terminal::to_stderr(&line);
            std::process::exit(signal.kind().exit_code().into());
        }
    });
    Ok(())
}
/// The cursor shown and the line under it cleared, when stderr is a terminal (a progress
/// bar may have been drawn there).
fn restore_terminal() {
    let terminal = console::Term::stderr();
    if terminal.is_term() {
        let _ = terminal.clear_line();
        let _ = terminal.show_cursor();
    }
}
