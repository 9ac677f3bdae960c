//! An all-or-nothing batch: every line or none. All lines are read and checked first, the
//! valid ones kept in a temporary file; only then does the one transaction begin, so that
//! it never waits on the input (a slow pipe) while holding row locks. An invalid line
//! means nothing is begun; a line the database refuses, or a signal, rolls everything
//! back. Each input line is reported once, in order: a valid line not kept as
//! `rolled_back`.

use std::io::{BufRead, BufReader, Seek, Write};

use anyhow::Result;

use super::{Batch, Read, Reports, rolled_back, workers};
use crate::db::session::{Session, Transaction};
use crate::document::save_line;
use crate::input::lines::LineReader;
use crate::interrupt::Signals;
use crate::model::stream::BatchSummary;

use super::BatchRequest;

pub(super) async fn load(
    mut session: Session,
    mut batch: Batch,
    request: &BatchRequest,
    mut lines: LineReader,
    signals: &Signals,
    reports: &mut dyn Reports,
) -> Result<BatchSummary> {
    let checked = check_all(&mut batch, &mut lines, signals, reports).await;
    let (valid, spool) = match checked {
        Ok(checked) => checked,
        Err(failure) => {
            session.close().await;
            return Err(failure);
        }
    };
    let summary = &batch.summary;
    if summary.skipped > 0 || summary.stopped.is_some() || summary.interrupted.is_some() {
        // Nothing was begun: the valid lines were reported as not kept.
        session.close().await;
        batch.summary.rolled_back = valid;
        reports.release(false)?;
        return Ok(batch.summary);
    }
    // Every line is valid: the provisional reports give way to the writes' own.
    reports.discard_held();
    batch.pending.clear();
    batch.next_to_report = 0;
    let seen = signals.count();
    let (user, note) = (request.user.as_str(), request.note.as_deref());
    let written = tokio::select! {
        written = session.write(async |transaction| {
            match write_all(&mut batch, transaction, user, note, &spool, signals, reports).await? {
                true => Ok(true),
                // A line refused, or a signal: an error, so that the transaction is rolled
                // back. A refusal of resumectl's own (an unknown id, a stale version)
                // leaves it healthy, and committing it would keep the lines before.
                false => Err(anyhow::anyhow!("rolled back")),
            }
        }) => written,
        // Any signal now rolls back at once: the transaction goes with the connection.
        () = signals.beyond(seen) => Err(anyhow::anyhow!("interrupted")),
    };
    session.close().await;
    match written {
        Ok(true) => reports.release(false)?,
        Ok(false) | Err(_) => {
            if batch.summary.interrupted.is_none()
                && let Some(signal) = signals.received()
            {
                // Every line was read and checked before the transaction began.
                batch.summary.interrupted = Some(signal.interruption(None));
            }
            if batch.summary.failed == 0
                && batch.summary.interrupted.is_none()
                && let Err(failure) = written
            {
                // Neither a line nor a signal: the transaction itself failed (commit).
                return Err(failure);
            }
            // Lines not reached are reported as not kept, like the ones written.
            for (sequence, line) in spooled(&spool)?.skip(batch.next_to_report as usize) {
                batch.pending.insert(sequence, Some(rolled_back(line)));
            }
            batch.report_ready(reports)?;
            let summary = &mut batch.summary;
            summary.rolled_back = valid - summary.failed;
            summary.created = 0;
            summary.updated = 0;
            summary.unchanged = 0;
            summary.written = 0;
            reports.release(true)?;
        }
    }
    Ok(batch.summary)
}

/// Reads and checks every line; the valid ones go to a temporary file (their line number
/// and text), and are provisionally reported as not kept. Returns how many were valid.
async fn check_all(
    batch: &mut Batch,
    lines: &mut LineReader,
    signals: &Signals,
    reports: &mut dyn Reports,
) -> Result<(u64, std::fs::File)> {
    let mut spool = std::io::BufWriter::new(tempfile::tempfile()?);
    let (mut line, mut sequence, mut valid) = (0u64, 0u64, 0u64);
    while let Read::Line(number, text, checked) =
        batch.next(lines, signals, &mut line, reports).await
    {
        let this = sequence;
        sequence += 1;
        match *checked {
            Err(problems) => batch.skip(this, number, problems),
            Ok(_) => {
                valid += 1;
                // The text is checked again when it is written: nothing large is held.
                spool.write_all(format!("{number}\t").as_bytes())?;
                spool.write_all(&text)?;
                spool.write_all(b"\n")?;
                batch.pending.insert(this, Some(rolled_back(number)));
            }
        }
        batch.report_ready(reports)?;
    }
    let mut spool = spool.into_inner().map_err(|error| error.into_error())?;
    spool.rewind()?;
    Ok((valid, spool))
}

/// Writes every spooled line in `transaction`, in order. False (roll back) at the first
/// line the database refuses, or when a signal has come.
async fn write_all(
    batch: &mut Batch,
    transaction: &mut Transaction<'_>,
    user: &str,
    note: Option<&str>,
    spool: &std::fs::File,
    signals: &Signals,
    reports: &mut dyn Reports,
) -> Result<bool> {
    let mut reader = BufReader::new(spool.try_clone()?);
    reader.rewind()?;
    let mut text = Vec::new();
    let mut sequence = 0u64;
    while reader.read_until(b'\n', &mut text)? > 0 {
        if signals.received().is_some() {
            return Ok(false);
        }
        let (line, body) = split_spooled(&text)?;
        let checked =
            save_line::check(body).map_err(|_| anyhow::anyhow!("a checked line changed"))?;
        let id = checked.id();
        let result = workers::write_line(transaction, user, checked, note).await;
        let refused = result.is_err();
        batch.finished(workers::Done {
            sequence,
            line,
            id,
            result,
        });
        batch.report_ready(reports)?;
        if refused {
            return Ok(false);
        }
        sequence += 1;
        text.clear();
    }
    Ok(true)
}

/// (sequence, line number) of every spooled line.
fn spooled(spool: &std::fs::File) -> Result<impl Iterator<Item = (u64, u64)>> {
    let mut reader = BufReader::new(spool.try_clone()?);
    reader.rewind()?;
    let mut numbers = Vec::new();
    let mut text = Vec::new();
    while reader.read_until(b'\n', &mut text)? > 0 {
        numbers.push(split_spooled(&text)?.0);
        text.clear();
    }
    Ok(numbers
        .into_iter()
        .enumerate()
        .map(|(index, line)| (index as u64, line)))
}

/// A spooled line: its number, a tab, its text (and a newline).
fn split_spooled(text: &[u8]) -> Result<(u64, &[u8])> {
    let tab = memchr::memchr(b'\t', text).ok_or_else(|| anyhow::anyhow!("a spooled line"))?;
    let number = std::str::from_utf8(&text[..tab])?.parse()?;
    let body = &text[tab + 1..];
    Ok((number, body.strip_suffix(b"\n").unwrap_or(body)))
}
