//! SIGINT and SIGTERM, caught: a batch stops reading, lets the lines in flight finish (or
//! roll back) and reports them; an editor's Ctrl-C is the editor's business. Every other
//! command is stopped where it is by the binary (`stoppable`), and exits 130 (SIGINT) or
//! 143 (SIGTERM).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use anyhow::Result;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Notify;

use crate::error::ErrorKind;
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
