//! Where a command's time goes: connect (TCP, TLS, authentication, session set-up),
//! reading, parsing and validating input, typesetting. The core only says how long each
//! phase took, as a `tracing` event (target `resumectl::timings`, fields `phase` and
//! `nanos`), and keeps nothing: whoever runs the core decides whether to listen (the
//! binary does under `RESUMECTL_TIMINGS=1`, adds the phases up and prints them on stderr
//! for `scripts/bench`). With nobody listening an event costs two atomic loads.

use std::time::{Duration, Instant};

/// The target of every timing event.
pub const TARGET: &str = "resumectl::timings";

/// Says that `phase` took `elapsed` (a phase may be said several times: its times add).
pub fn record(phase: &'static str, elapsed: Duration) {
    tracing::trace!(
        target: TARGET,
        phase,
        nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)
    );
}

/// Runs `work` and says how long it took, as `phase` (untimed when nobody listens).
pub fn time<T>(phase: &'static str, work: impl FnOnce() -> T) -> T {
    if !tracing::enabled!(target: TARGET, tracing::Level::TRACE) {
        return work();
    }
    let started = Instant::now();
    let result = work();
    record(phase, started.elapsed());
    result
}
