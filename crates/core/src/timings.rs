//! Where a command's time goes, printed on stderr when `RESUMECTL_TIMINGS=1`: connect
//! (TCP, TLS, authentication, session set-up), reading, parsing and validating input,
//! statements, rendering. `scripts/bench` reads it; so can anyone asking why a call is slow.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

static PHASES: Mutex<Vec<(&str, Duration)>> = Mutex::new(Vec::new());

pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("RESUMECTL_TIMINGS").is_ok_and(|value| value == "1"))
}

/// Adds `elapsed` to `phase`.
pub fn record(phase: &'static str, elapsed: Duration) {
    if !enabled() {
        return;
    }
    let mut phases = PHASES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match phases.iter_mut().find(|(name, _)| *name == phase) {
        Some((_, total)) => *total += elapsed,
        None => phases.push((phase, elapsed)),
    }
}

/// Runs `work`, adding its time to `phase`.
pub fn time<T>(phase: &'static str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let started = Instant::now();
    let result = work();
    record(phase, started.elapsed());
    result
}

/// The line to print on stderr: each phase, the rest (statements and bookkeeping), and
/// the total since `started`. None when timings are off.
pub fn report(started: Instant) -> Option<String> {
    if !enabled() {
        return None;
    }
    let total = started.elapsed();
    let phases = PHASES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let measured: Duration = phases.iter().map(|(_, elapsed)| *elapsed).sum();
    let mut parts: Vec<String> = phases
        .iter()
        .map(|(name, elapsed)| format!("{name} {:.3} ms", elapsed.as_secs_f64() * 1e3))
        .collect();
    parts.push(format!(
        "statements and the rest {:.3} ms",
        total.saturating_sub(measured).as_secs_f64() * 1e3
    ));
    parts.push(format!("total {:.3} ms", total.as_secs_f64() * 1e3));
    Some(format!("timings: {}", parts.join(", ")))
}
