//! `export ... --watch`: the export made again whenever its template's folder changes or
//! the record gets a new version, until Ctrl-C. One line per export, with its time; an
//! error (a template that does not compile, a database gone away) is said as any error is,
//! and the watch goes on.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use crate::commands::Context;
use crate::commands::export::{ExportArgs, request, say_warnings};
use crate::output::{Output, errors, not_noted, terminal};
use crate::values::Format;
use resumectl_core::error::{self as error, CliError, ErrorKind, classify};
use resumectl_core::interrupt::{Signal, Signals};
use resumectl_core::model::reports::ExportReport;
use resumectl_core::ops;
use resumectl_core::ops::Session;
use resumectl_core::ops::export::Exported;

/// How often the record's version is looked at.
const POLL: Duration = Duration::from_secs(1);

/// How long the folder must be quiet before a burst of changes counts as one.
const QUIET: Duration = Duration::from_millis(150);

/// The longest a burst is waited out.
const MAX_BURST: Duration = Duration::from_secs(2);

/// What made the export run.
enum Trigger {
    Start,
    /// The files of the template's folder that changed.
    Files(Vec<PathBuf>),
    Version,
    /// The last export failed for a passing reason.
    Retry,
}

pub async fn run(args: &ExportArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    let user = context.user()?;
    // The flags are checked once, before the watch starts: a usage error ends it.
    let id = request(args, context)?.id;
    if let Some(template) = &args.template
        && !template.is_file()
    {
        return Err(error::invalid(format!(
            "the template {}: no such file",
            template.display()
        )));
    }
    let signals = Signals::catch()?;
    let (sender, mut changes) = unbounded_channel();
    let _watcher = match &args.template {
        Some(template) => Some(watch_folder(template, sender)?),
        None => None,
    };
    // The file the exports write (as its report says), whose own writes are not changes.
    let mut own_file = args
        .output
        .as_deref()
        .and_then(|path| canonical(Path::new(path)));
    let mut session: Option<Session> = None;
    // The version last seen, by an export or a look: a new one sets off an export.
    let mut seen: Option<i64> = None;
    // An export that failed for a passing reason (the database away): tried again at the
    // next look. One the template or the data failed waits for a change.
    let mut pending: bool;
    // The last export wrote a file it could not note (the record moved on meanwhile): the
    // next one may replace it.
    let mut force = false;
    let mut trigger = Trigger::Start;
    let mut next_look = Instant::now() + POLL;
    loop {
        let started = Instant::now();
        let exported = tokio::select! {
            biased;
            signal = signals.wait() => return stopped(signal, context),
            exported = export_once(args, context, user, &mut session, force) => exported,
        };
        match exported {
            Ok(report) => {
                (seen, pending, force) = (Some(report.version), false, !report.noted);
                if let Some(path) = &report.path {
                    own_file = canonical(path);
                }
                if !report.noted {
                    context.shell.note(&not_noted(&report));
                }
                say(out, context, &report, &trigger, started.elapsed())?;
            }
            Err(error) => {
                let (kind, _) = classify(&error);
                if kind == ErrorKind::NotFound {
                    return Err(error);
                }
                pending = !matches!(kind, ErrorKind::InvalidInput | ErrorKind::Usage);
                errors::report(&error, context.shell.format(), &context.settings.secrets());
            }
        }
        trigger = loop {
            let polled = async {
                tokio::time::sleep_until(next_look).await;
                version(context, user, id, &mut session).await
            };
            tokio::select! {
                biased;
                signal = signals.wait() => return stopped(signal, context),
                Some(paths) = changes.recv() => {
                    let paths = burst(paths, &mut changes, own_file.as_deref()).await;
                    if !paths.is_empty() {
                        break Trigger::Files(paths);
                    }
                }
                now = polled => match now {
                    Ok(now) => {
                        // After a failed export the first look only learns the version.
                        let new = seen.is_some_and(|seen| seen != now);
                        seen = Some(now);
                        next_look = Instant::now() + POLL;
                        if new {
                            break Trigger::Version;
                        }
                        if pending {
                            break Trigger::Retry;
                        }
                    }
                    // A record deleted meanwhile ends the watch, with its exit code.
                    Err(error) if classify(&error).0 == ErrorKind::NotFound => return Err(error),
                    // Said, and looked at again less often until the database is back.
                    Err(error) => {
                        errors::report(&error, context.shell.format(), &context.settings.secrets());
                        next_look = Instant::now() + POLL * 5;
                    }
                },
            }
        };
    }
}

/// `path` with its folder's links resolved: how the watcher names it.
fn canonical(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let folder = absolute.parent()?.canonicalize().ok()?;
    Some(folder.join(absolute.file_name()?))
}

/// One export, over the watch's session (opened again when it failed).
async fn export_once(
    args: &ExportArgs,
    context: &Context<'_>,
    user: &str,
    session: &mut Option<Session>,
    force: bool,
) -> Result<ExportReport> {
    let mut request = request(args, context)?;
    request.force |= force;
    let exported = ops::export::export(open(context, session).await?, user, request).await;
    let report = match exported {
        Ok(Exported::Written(report)) => report,
        Ok(Exported::Bytes { .. }) => unreachable!("--watch never writes to stdout"),
        Err(error) => {
            // A connection in any doubt is not used again.
            if let Some(session) = session.take() {
                session.close().await;
            }
            return Err(error);
        }
    };
    say_warnings(context, &report.warnings);
    Ok(report)
}

/// The record's version now; a failed look drops the session, to connect again next time.
async fn version(
    context: &Context<'_>,
    user: &str,
    id: uuid::Uuid,
    session: &mut Option<Session>,
) -> Result<i64> {
    let result = ops::records::version(open(context, session).await?, user, id).await;
    if result.is_err()
        && let Some(session) = session.take()
    {
        session.close().await;
    }
    result
}

/// The open session, or a new one.
async fn open<'s>(
    context: &Context<'_>,
    session: &'s mut Option<Session>,
) -> Result<&'s mut Session> {
    if session.is_none() {
        *session = Some(Session::open(&context.connect_options()?).await?);
    }
    Ok(session.as_mut().expect("just opened"))
}

/// Ctrl-C is how a watch ends: exit 0. SIGTERM stops it as it stops every command.
fn stopped(signal: Signal, context: &Context<'_>) -> Result<Output> {
    match signal {
        Signal::Interrupt => {
            context.shell.note("stopped watching");
            Ok(Output::Nothing)
        }
        Signal::Terminate => {
            Err(CliError::new(signal.kind(), "stopped watching by SIGTERM").into())
        }
    }
}

/// Watches the template's folder and everything below it: each change (not a mere read,
/// such as the export's own) arrives as the paths it touched.
fn watch_folder(
    template: &Path,
    sender: UnboundedSender<Vec<PathBuf>>,
) -> Result<RecommendedWatcher> {
    let folder = std::path::absolute(template)?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let change = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        if change {
            let _ = sender.send(event.paths);
        }
    })
    .context("watching the template's folder")?;
    watcher
        .watch(&folder, RecursiveMode::Recursive)
        .with_context(|| format!("watching {}", folder.display()))?;
    Ok(watcher)
}

/// The paths of a burst of changes: this one and every one that follows it until the
/// folder is quiet for `QUIET` (an editor's save is several writes and renames), without
/// the export's own file and the temporary files it is written through (a PDF written
/// into the template's folder must not set off the next export).
async fn burst(
    mut paths: Vec<PathBuf>,
    queued: &mut UnboundedReceiver<Vec<PathBuf>>,
    own_file: Option<&Path>,
) -> Vec<PathBuf> {
    // A file written without pause (a log) ends a burst after MAX_BURST all the same.
    let deadline = Instant::now() + MAX_BURST;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(QUIET.min(left), queued.recv()).await {
            Ok(Some(more)) if !left.is_zero() => paths.extend(more),
            _ => break,
        }
    }
    paths.retain(|path| {
        let temporary = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with(".tmp"));
        !temporary && (own_file.is_none() || canonical(path).as_deref() != own_file)
    });
    paths.sort();
    paths.dedup();
    paths
}

/// One line: when, what was written, how long it took, and why it ran. In JSON, the
/// export's report with `at`, `ms` and `trigger`.
fn say(
    out: &mut dyn Write,
    context: &Context<'_>,
    report: &ExportReport,
    trigger: &Trigger,
    took: Duration,
) -> Result<()> {
    let at = chrono::Local::now();
    let ms = took.as_millis();
    let (why, because) = match trigger {
        Trigger::Start => ("start", String::new()),
        Trigger::Files(paths) => ("files", format!(" ({} changed)", changed(paths))),
        Trigger::Version => ("version", " (a new version)".to_string()),
        Trigger::Retry => ("retry", " (tried again)".to_string()),
    };
    match context.shell.format() {
        Format::Json => {
            let mut line = serde_json::to_value(report)?;
            line["at"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
            line["ms"] = json!(ms);
            line["trigger"] = json!(why);
            writeln!(out, "{line}")?;
        }
        Format::Table => {
            let verb = if report.reused { "unchanged" } else { "wrote" };
            let place = report
                .path
                .as_ref()
                .map(|path| path.display().to_string())
                .or_else(|| report.url.clone())
                .unwrap_or_default();
            let line = format!(
                "{} {verb} {place} ({} of version {}, {} bytes) in {ms} ms{because}",
                at.format("%H:%M:%S"),
                report.format,
                report.version,
                report.bytes,
            );
            writeln!(out, "{}", terminal::safe(&line))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// "logo.png" or "resume.typ and 2 more".
fn changed(paths: &[PathBuf]) -> String {
    let name = |path: &PathBuf| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    };
    match paths {
        [] => "nothing".into(),
        [one] => name(one),
        [first, rest @ ..] => format!("{} and {} more", name(first), rest.len()),
    }
}
