//! The connections a batch writes through. The server has more than one core and a line
//! is mostly server work (an insert, a GIN index), so lines are written on up to the jobs asked for
//! connections at once. Lines for the same record always go to the same connection, so
//! they are applied in their order. An update is a transaction of its own; new records
//! queued together go in one COPY, one transaction, and if the server refuses the lot,
//! each is written again alone, so that the refusal names its line.

use std::collections::BTreeMap;

use anyhow::Result;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::db::copy;
use crate::db::session::{ConnectOptions, Session, Transaction};
use crate::db::writes::{self, Written};
use crate::document::save_line::SaveLine;
use crate::document::summary;
use crate::error::{self, CliError, ErrorKind, classify};
use crate::interrupt::Signals;
use crate::model::changes::NewRecord;

/// Lines queued per connection before the reader waits: enough to fill a COPY, few
/// enough that memory does not grow with the input (64 lines of 20 KB: about 1 MB).
const QUEUE_PER_WORKER: usize = 64;

/// New records written by one COPY, at most: one transaction for the lot.
const COPY_CHUNK: usize = 64;

/// What every writer needs to know.
#[derive(Clone)]
pub struct WriterSettings {
    pub connect: ConnectOptions,
    pub user: String,
    pub note: Option<String>,
}

/// One line to write: `sequence` orders the reports, `line` names it.
struct Job {
    sequence: u64,
    line: u64,
    checked: SaveLine,
}

/// A written (or refused) line.
pub struct Done {
    pub sequence: u64,
    pub line: u64,
    pub id: Option<Uuid>,
    pub result: Result<Written>,
}

pub struct Workers {
    settings: WriterSettings,
    queues: Vec<Option<mpsc::Sender<Job>>>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    /// The session the command opened first: the first worker's.
    first: Option<Session>,
    done_sender: mpsc::UnboundedSender<Done>,
    done: mpsc::UnboundedReceiver<Done>,
    /// Submitted lines not yet done, by sequence: their line and record.
    in_flight: BTreeMap<u64, (u64, Option<Uuid>)>,
    next_for_new: usize,
}

impl Workers {
    pub fn new(settings: WriterSettings, first: Session, jobs: usize) -> Workers {
        let (done_sender, done) = mpsc::unbounded_channel();
        Workers {
            settings,
            queues: (0..jobs.max(1)).map(|_| None).collect(),
            handles: Vec::new(),
            first: Some(first),
            done_sender,
            done,
            in_flight: BTreeMap::new(),
            next_for_new: 0,
        }
    }

    /// Queues a line; waits while every queue is full.
    pub async fn submit(&mut self, sequence: u64, line: u64, checked: SaveLine) {
        let count = self.queues.len();
        // The same record, the same connection: its lines keep their order.
        let worker = match checked.id() {
            Some(id) => (id.as_u128() % count as u128) as usize,
            None => {
                self.next_for_new = (self.next_for_new + 1) % count;
                self.next_for_new
            }
        };
        let queue = self.queues[worker].get_or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_PER_WORKER);
            let session = self.first.take();
            let settings = self.settings.clone();
            let done = self.done_sender.clone();
            self.handles
                .push(tokio::spawn(work(settings, session, receiver, done)));
            sender
        });
        let id = checked.id();
        let job = Job {
            sequence,
            line,
            checked,
        };
        self.in_flight.insert(sequence, (line, id));
        if queue.send(job).await.is_err() {
            // The writer is gone (it panicked): the line still gets its report.
            let _ = self.done_sender.send(Done {
                sequence,
                line,
                id,
                result: Err(error::unexpected("the writer for this line stopped")),
            });
        }
        // Let the writers send what they have before the next line is read.
        tokio::task::yield_now().await;
    }

    /// A finished line, if one is ready.
    pub fn try_done(&mut self) -> Option<Done> {
        let done = self.done.try_recv().ok()?;
        self.in_flight.remove(&done.sequence);
        Some(done)
    }

    /// The next finished line, waiting for it; None when nothing is in flight.
    pub async fn next_done(&mut self) -> Option<Done> {
        if self.in_flight.is_empty() {
            return None;
        }
        let done = self.done.recv().await?;
        self.in_flight.remove(&done.sequence);
        Some(done)
    }

    /// True when the reader should wait for a line to finish before reading more.
    pub fn saturated(&self) -> bool {
        self.in_flight.len() >= self.queues.len() * QUEUE_PER_WORKER
    }

    /// Closes the queues; the writers finish what they hold and close their connections.
    /// A signal beyond the `seen` ones aborts them instead: their connections close, the
    /// server rolls back each line in flight, and each is reported as not written.
    pub async fn finish(mut self, signals: &Signals, seen: u32) -> Vec<Done> {
        self.queues.clear();
        let mut rest = Vec::new();
        loop {
            tokio::select! {
                done = self.next_done() => match done {
                    Some(done) => rest.push(done),
                    None => break,
                },
                () = signals.beyond(seen) => {
                    for handle in &self.handles {
                        handle.abort();
                    }
                    for (sequence, (line, id)) in std::mem::take(&mut self.in_flight) {
                        rest.push(Done {
                            sequence,
                            line,
                            id,
                            result: Err(error::interrupted(
                                "interrupted again while this line was being written: it \
                                 was rolled back",
                            )),
                        });
                    }
                    break;
                }
            }
        }
        for handle in self.handles {
            let _ = handle.await;
        }
        if let Some(first) = self.first.take() {
            first.close().await;
        }
        rest
    }
}

/// One writer: its own session, one line at a time, each in its own transaction. A
/// writer that cannot connect fails each of its lines with that error, kind included.
async fn work(
    settings: WriterSettings,
    session: Option<Session>,
    mut jobs: mpsc::Receiver<Job>,
    done: mpsc::UnboundedSender<Done>,
) {
    let mut session = match session {
        Some(session) => Ok(session),
        None => Session::open(&settings.connect)
            .await
            .map_err(|failure| (classify(&failure).0, format!("{failure:#}"))),
    };
    while let Some(first) = jobs.recv().await {
        // What is already queued goes with it; new records together, in one COPY.
        let mut queued = vec![first];
        while queued.len() < COPY_CHUNK
            && let Ok(next) = jobs.try_recv()
        {
            queued.push(next);
        }
        let (creates, updates): (Vec<Job>, Vec<Job>) = queued
            .into_iter()
            .partition(|job| matches!(job.checked, SaveLine::Create { .. }));
        for job in updates {
            write_alone(&settings, &mut session, job, &done).await;
        }
        if creates.len() > 1
            && let Ok(open) = &mut session
        {
            let creates = match copy_creates(&settings, open, creates, &done).await {
                Ok(()) => continue,
                Err(creates) => creates,
            };
            for job in creates {
                write_alone(&settings, &mut session, job, &done).await;
            }
        } else {
            for job in creates {
                write_alone(&settings, &mut session, job, &done).await;
            }
        }
    }
    if let Ok(session) = session {
        session.close().await;
    }
}

/// New records in one COPY and one transaction, each reported as written. When the
/// server refuses the lot for something a line holds (a constraint, a value), the jobs
/// come back to be written alone; a failure of the connection is every line's.
async fn copy_creates(
    settings: &WriterSettings,
    session: &mut Session,
    creates: Vec<Job>,
    done: &mpsc::UnboundedSender<Done>,
) -> Result<(), Vec<Job>> {
    let batch_note = settings.note.as_deref();
    let records: Vec<(&NewRecord, Option<&str>)> = creates
        .iter()
        .filter_map(|job| match &job.checked {
            SaveLine::Create { record, note, .. } => Some((
                record.as_ref(),
                note.as_deref().or(batch_note).or(Some(summary::CREATED)),
            )),
            SaveLine::Update { .. } => None,
        })
        .collect();
    let user = settings.user.as_str();
    let copied = session
        .write(async |transaction| copy::create_many(transaction, user, &records).await)
        .await;
    drop(records);
    match copied {
        Ok(written) => {
            for (job, written) in creates.into_iter().zip(written) {
                let _ = done.send(Done {
                    sequence: job.sequence,
                    line: job.line,
                    id: None,
                    result: Ok(written),
                });
            }
            Ok(())
        }
        Err(failure) => match classify(&failure).0 {
            ErrorKind::Database | ErrorKind::Unexpected => {
                let message = format!("{failure:#}");
                let kind = classify(&failure).0;
                for job in creates {
                    let _ = done.send(Done {
                        sequence: job.sequence,
                        line: job.line,
                        id: None,
                        result: Err(CliError::new(kind, message.clone()).into()),
                    });
                }
                Ok(())
            }
            _ => Err(creates),
        },
    }
}

/// One line in its own transaction, reported.
async fn write_alone(
    settings: &WriterSettings,
    session: &mut Result<Session, (ErrorKind, String)>,
    job: Job,
    done: &mpsc::UnboundedSender<Done>,
) {
    let id = job.checked.id();
    let result = match session {
        Ok(session) => {
            let (user, note) = (&settings.user, settings.note.as_deref());
            session
                .write(async |transaction| write_line(transaction, user, job.checked, note).await)
                .await
        }
        Err((kind, message)) => Err(CliError::new(*kind, message.clone()).into()),
    };
    let _ = done.send(Done {
        sequence: job.sequence,
        line: job.line,
        id,
        result,
    });
}

/// One line's write, inside `transaction`. The line's values move into the statement.
pub async fn write_line(
    transaction: &mut Transaction<'_>,
    user: &str,
    line: SaveLine,
    batch_note: Option<&str>,
) -> Result<Written> {
    match line {
        SaveLine::Update {
            id,
            changes,
            mut options,
        } => {
            options.note = options.note.or(batch_note.map(str::to_string));
            writes::update_lean(transaction, user, id, changes, &options).await
        }
        SaveLine::Create { record, note, .. } => {
            let note = note.as_deref().or(batch_note);
            writes::create(transaction, user, &record, note, None).await
        }
    }
}
