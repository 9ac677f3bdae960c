//! The connections a batch writes through, a transaction a line. The server has more than
//! one core and a line is mostly server work (two inserts, a GIN index), so lines are
//! written on up to `--jobs` connections at once. Lines for the same record always go to
//! the same connection, so they are applied in their order.

use std::time::Duration;

use anyhow::Result;
use sqlx::postgres::PgConnection;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::db::records::{self, Change, NewRecord, Written};
use crate::db::versions::WriteOptions;
use crate::db::{self, Target};
use crate::document::save_line::SaveLine;
use crate::error;

/// Lines queued per connection before the reader waits: enough to keep each busy, few
/// enough that memory does not grow with the input.
const QUEUE_PER_WORKER: usize = 4;

/// What every writer needs to know.
#[derive(Clone)]
pub struct WriterSettings {
    pub target: Target,
    pub connect_timeout: Duration,
    pub statement_timeout: Option<Duration>,
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
    /// The connection the command opened first: the first worker's.
    first: Option<PgConnection>,
    done_sender: mpsc::UnboundedSender<Done>,
    done: mpsc::UnboundedReceiver<Done>,
    in_flight: usize,
    next_for_new: usize,
}

impl Workers {
    pub fn new(settings: WriterSettings, first: PgConnection, jobs: usize) -> Workers {
        let (done_sender, done) = mpsc::unbounded_channel();
        Workers {
            settings,
            queues: (0..jobs.max(1)).map(|_| None).collect(),
            handles: Vec::new(),
            first: Some(first),
            done_sender,
            done,
            in_flight: 0,
            next_for_new: 0,
        }
    }

    /// Queues a line; waits while every queue is full.
    pub async fn submit(&mut self, sequence: u64, line: u64, checked: SaveLine) {
        let count = self.queues.len();
        // The same record, the same connection: its lines keep their order.
        let worker = match checked.id {
            Some(id) => (id.as_u128() % count as u128) as usize,
            None => {
                self.next_for_new = (self.next_for_new + 1) % count;
                self.next_for_new
            }
        };
        let queue = self.queues[worker].get_or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_PER_WORKER);
            let connection = self.first.take();
            let settings = self.settings.clone();
            let done = self.done_sender.clone();
            self.handles
                .push(tokio::spawn(work(settings, connection, receiver, done)));
            sender
        });
        let job = Job {
            sequence,
            line,
            checked,
        };
        if queue.send(job).await.is_ok() {
            self.in_flight += 1;
        }
        // Let the writers send what they have before the next line is read.
        tokio::task::yield_now().await;
    }

    /// A finished line, if one is ready.
    pub fn try_done(&mut self) -> Option<Done> {
        let done = self.done.try_recv().ok()?;
        self.in_flight -= 1;
        Some(done)
    }

    /// The next finished line, waiting for it; None when nothing is in flight.
    pub async fn next_done(&mut self) -> Option<Done> {
        if self.in_flight == 0 {
            return None;
        }
        let done = self.done.recv().await?;
        self.in_flight -= 1;
        Some(done)
    }

    /// True when the reader should wait for a line to finish before reading more.
    pub fn saturated(&self) -> bool {
        self.in_flight >= self.queues.len() * QUEUE_PER_WORKER
    }

    /// Closes the queues; the writers finish what they hold and close their connections.
    pub async fn finish(mut self) -> Vec<Done> {
        self.queues.clear();
        let mut rest = Vec::new();
        while let Some(done) = self.next_done().await {
            rest.push(done);
        }
        for handle in self.handles {
            let _ = handle.await;
        }
        if let Some(first) = self.first.take() {
            db::close(first).await;
        }
        rest
    }
}

/// One writer: its own connection, one line at a time, each in its own transaction.
async fn work(
    settings: WriterSettings,
    connection: Option<PgConnection>,
    mut jobs: mpsc::Receiver<Job>,
    done: mpsc::UnboundedSender<Done>,
) {
    let mut connection = match connection {
        Some(connection) => Ok(connection),
        None => settings
            .target
            .connect(settings.connect_timeout, None)
            .await
            .map_err(|failure| format!("{failure:#}")),
    };
    while let Some(job) = jobs.recv().await {
        let id = job.checked.id;
        let result = match &mut connection {
            Ok(connection) => write_in_transaction(connection, &settings, job.checked).await,
            Err(message) => Err(error::database(message.clone())),
        };
        let _ = done.send(Done {
            sequence: job.sequence,
            line: job.line,
            id,
            result,
        });
    }
    if let Ok(connection) = connection {
        db::close(connection).await;
    }
}

async fn write_in_transaction(
    connection: &mut PgConnection,
    settings: &WriterSettings,
    checked: SaveLine,
) -> Result<Written> {
    let mut transaction = db::begin(connection, settings.statement_timeout).await?;
    let written = write_line(
        &mut transaction,
        &settings.user,
        checked,
        settings.note.as_deref(),
    )
    .await?;
    db::commit(transaction).await?;
    Ok(written)
}

/// One line's write, inside `transaction`. The line's values move into the statement.
pub async fn write_line(
    transaction: &mut PgConnection,
    user: &str,
    line: SaveLine,
    batch_note: Option<&str>,
) -> Result<Written> {
    let note = line.note.as_deref().or(batch_note);
    match line.id {
        Some(id) => {
            let options = WriteOptions {
                if_version: line.if_version,
                note: note.map(str::to_string),
            };
            records::update_lean(transaction, user, id, line.changes, &options).await
        }
        None => {
            let changes = line.changes;
            let set = |change: Change<String>| match change {
                Change::Set(text) => Some(text),
                _ => None,
            };
            let new = NewRecord {
                id: Uuid::new_v4(),
                original_resume_id: line.original_resume_id.unwrap_or_else(Uuid::new_v4),
                job_analysis_id: line.job_analysis_id.unwrap_or_else(Uuid::new_v4),
                title: changes.title.unwrap_or_default(),
                optimized_content: changes.optimized_content.unwrap_or_default(),
                match_score: match changes.match_score {
                    Change::Set(score) => Some(score),
                    _ => None,
                },
                structured_output: set(changes.structured_output),
                qa_metrics: set(changes.qa_metrics),
                export_formats: set(changes.export_formats),
            };
            records::create_lean(transaction, user, &new, note.or(Some("created"))).await
        }
    }
}
