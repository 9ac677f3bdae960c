//! `RESUMECTL_TIMINGS=1`: where a command's time went, one line on stderr at the end
//! (`timings: connect X ms, ..., statements and the rest Y ms, total Z ms`, which
//! `scripts/bench` reads). The core says each phase's time as a `tracing` event
//! (`resumectl_core::timings`); `Timings` is the subscriber that adds them up, installed
//! process-wide by `app` only when asked (events from any thread count). Every other
//! event (sqlx has its own) is turned away once per call site, then costs nothing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use resumectl_core::timings::TARGET;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Each phase's time, in the order phases were first seen. Clones share the phases.
#[derive(Clone, Default)]
pub struct Timings {
    phases: Arc<Mutex<Vec<(String, Duration)>>>,
}

impl Timings {
    /// A new tally, listening to the core's timing events from now on, in every thread.
    pub fn install() -> Timings {
        let timings = Timings::default();
        // Fails only when a subscriber is already installed, and nothing else installs
        // one: then the line lists no phases.
        let _ = tracing::subscriber::set_global_default(timings.clone());
        timings
    }

    /// Adds `elapsed` to `phase`.
    fn add(&self, phase: &str, elapsed: Duration) {
        let mut phases = self
            .phases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match phases.iter_mut().find(|(name, _)| name == phase) {
            Some((_, total)) => *total += elapsed,
            None => phases.push((phase.to_string(), elapsed)),
        }
    }

    /// The line to print on stderr: each phase, the rest (statements and bookkeeping),
    /// and the total since `started`.
    pub fn report(&self, started: Instant) -> String {
        let total = started.elapsed();
        let phases = self
            .phases
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
        format!("timings: {}", parts.join(", "))
    }
}

/// A timing event's fields: `phase` and `nanos`.
#[derive(Default)]
struct Phase {
    name: Option<String>,
    nanos: u64,
}

impl Visit for Phase {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "phase" {
            self.name = Some(value.to_string());
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "nanos" {
            self.nanos = value;
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl Subscriber for Timings {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == TARGET
    }

    fn event(&self, event: &Event<'_>) {
        let mut phase = Phase::default();
        event.record(&mut phase);
        if let Some(name) = phase.name {
            self.add(&name, Duration::from_nanos(phase.nanos));
        }
    }

    // The core emits no spans: these are never called with one of ours.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
