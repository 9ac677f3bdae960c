//! SIGINT and SIGTERM. A batch stops reading, lets the lines in flight finish (or roll
//! back) and reports them; an editor's Ctrl-C is the editor's business. Every other
//! command is stopped where it is (`stoppable`): its work is dropped, so a transaction in
//! flight rolls back, temporary files go and a progress bar is cleared, and it exits 130
//! (SIGINT) or 143 (SIGTERM).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use std::time::Duration;

use anyhow::Result;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Notify;

use crate::error::{CliError, ErrorKind};
use crate::model::stream::Interruption;

/// A signal that asks resumectl to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C): exit 130.
    Interrupt,
    /// SIGTERM: exit 143.
    Terminate,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    pub fn kind(self) -> ErrorKind {
        match self {
            Signal::Interrupt => ErrorKind::Interrupted,
            Signal::Terminate => ErrorKind::Terminated,
        }
    }

    /// This signal stopping a batch after `line`; None: it came after every line was
    /// read.
    pub fn interruption(self, line: Option<u64>) -> Interruption {
        Interruption {
            name: self.name(),
            kind: self.kind(),
            after_line: line,
        }
    }
}

/// Catches SIGINT and SIGTERM from the moment it is made: they no longer end the process,
/// they are recorded here for the command to act on.
pub struct Signals {
    /// 0: nothing yet; otherwise the `Signal` as 1 + its index.
    received: Arc<AtomicU8>,
    /// How many signals arrived: a second one may mean "now, not when you are done".
    count: Arc<AtomicU32>,
    arrived: Arc<Notify>,
}

impl Signals {
    /// Starts catching. Must run inside the tokio runtime.
    pub fn catch() -> Result<Signals> {
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        let received = Arc::new(AtomicU8::new(0));
        let count = Arc::new(AtomicU32::new(0));
        let arrived = Arc::new(Notify::new());
        let (store, counter, wake) = (received.clone(), count.clone(), arrived.clone());
        tokio::spawn(async move {
            loop {
                let signal = tokio::select! {
                    Some(()) = interrupt.recv() => Signal::Interrupt,
                    Some(()) = terminate.recv() => Signal::Terminate,
                    else => return,
                };
                // The first signal decides the exit code; later ones are counted.
                let _ =
                    store.compare_exchange(0, encode(signal), Ordering::SeqCst, Ordering::SeqCst);
                counter.fetch_add(1, Ordering::SeqCst);
                wake.notify_waiters();
            }
        });
        Ok(Signals {
            received,
            count,
            arrived,
        })
    }

    /// How many signals arrived so far.
    pub fn count(&self) -> u32 {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until more than `seen` signals have arrived.
    pub async fn beyond(&self, seen: u32) {
        loop {
            let arrived = self.arrived.notified();
            if self.count() > seen {
                return;
            }
            arrived.await;
        }
    }

    /// The first signal caught, if any.
    pub fn received(&self) -> Option<Signal> {
        decode(self.received.load(Ordering::SeqCst))
    }

    /// Waits for a signal (returns at once if one was already caught).
    pub async fn wait(&self) -> Signal {
        loop {
            // Registered before the check, so that a signal between the two is not lost.
            let arrived = self.arrived.notified();
            if let Some(signal) = self.received() {
                return signal;
            }
            arrived.await;
        }
    }

    /// Forgets what was caught so far: a Ctrl-C typed in the editor was meant for it.
    pub fn forget(&self) {
        self.received.store(0, Ordering::SeqCst);
    }
}

fn encode(signal: Signal) -> u8 {
    match signal {
        Signal::Interrupt => 1,
        Signal::Terminate => 2,
    }
}

fn decode(value: u8) -> Option<Signal> {
    match value {
        1 => Some(Signal::Interrupt),
        2 => Some(Signal::Terminate),
        _ => None,
    }
}

/// How long a stopped command has to unwind before the process ends anyway: a command
/// stuck in a blocking read (a terminal's stdin) never reaches the point where it could.
const GRACE: Duration = Duration::from_secs(1);

/// Runs `work`, stopping it at SIGINT or SIGTERM: it is dropped where it waits (a
/// transaction in flight rolls back with its connection), and the signal's exit code is
/// returned as the error. A COMMIT already sent is let finish first, so that the report
/// says what happened. `json`: the watchdog's report is a JSON object.
pub async fn stoppable<T>(json: bool, work: impl Future<Output = Result<T>>) -> Result<T> {
    let signals = Signals::catch()?;
    end_after_grace(json)?;
    tokio::pin!(work);
    let signal = tokio::select! {
        biased;
        signal = signals.wait() => signal,
        result = &mut work => return result,
    };
    while crate::db::session::commits_in_flight() > 0 {
        tokio::select! {
            result = &mut work => return result,
            () = tokio::time::sleep(Duration::from_millis(5)) => {}
        }
    }
    Err(CliError::new(signal.kind(), stopped_message(signal)).into())
}

/// What a signal left behind, in words.
fn stopped_message(signal: Signal) -> String {
    if crate::db::session::committed() {
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
fn end_after_grace(json: bool) -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut caught = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        if let Some(number) = caught.forever().next() {
            std::thread::sleep(GRACE);
            while crate::db::session::commits_in_flight() > 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
            restore_terminal();
            let signal = if number == SIGTERM {
                Signal::Terminate
            } else {
                Signal::Interrupt
            };
            let message = stopped_message(signal);
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
