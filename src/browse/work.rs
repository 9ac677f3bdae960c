//! The console's database work: one task that owns the session and answers requests in
//! order, each through the same `ops` the commands call, under the statement timeout.
//! Replies go back over a channel; the keys never wait for them.

use anyhow::Result;
use serde_json::Value;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::hints;
use resumectl_core::document::{parse_stored, qa};
use resumectl_core::model::changes::WriteOptions;
use resumectl_core::model::qa::QaReport;
use resumectl_core::model::record::Record;
use resumectl_core::model::reports::{DiffReport, ListCursor, ListedRecord, VersionSummary};
use resumectl_core::ops::edit::Edited;
use resumectl_core::ops::export::objects::Stores;
use resumectl_core::ops::{self, ListFilter, Session};

use super::app::PAGE;

/// The newest versions the History tab lists (`history --before` reaches the older ones).
const HISTORY_SHOWN: i64 = 500;

/// What the console asks of the database.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Page {
        generation: u64,
        search: Option<String>,
        after: Option<ListCursor>,
    },
    Record {
        id: Uuid,
        owner: String,
    },
    History {
        id: Uuid,
        owner: String,
    },
    /// `version` against the current version.
    Diff {
        id: Uuid,
        owner: String,
        version: i64,
    },
    Delete {
        id: Uuid,
        owner: String,
    },
    /// Conflict-safe: only while the record is still at `current`.
    Restore {
        id: Uuid,
        owner: String,
        version: i64,
        current: i64,
    },
    /// Runs the editor: the console gives it the terminal first.
    Edit {
        id: Uuid,
        owner: String,
    },
}

/// A record as the views need it: the row, its document parsed, its QA measured.
#[derive(Debug)]
pub struct Loaded {
    pub record: Record,
    pub document: Option<Value>,
    pub qa: Option<QaReport>,
}

/// What came back. Errors are their one-line message (a password never in it).
#[derive(Debug)]
pub enum Reply {
    Page {
        generation: u64,
        result: Result<(Vec<ListedRecord>, Option<ListCursor>), String>,
    },
    Record {
        id: Uuid,
        result: Result<Box<Loaded>, String>,
    },
    History {
        id: Uuid,
        result: Result<Vec<VersionSummary>, String>,
    },
    Diff {
        id: Uuid,
        result: Result<DiffReport, String>,
    },
    Deleted {
        id: Uuid,
        result: Result<(), String>,
    },
    /// A write that made a new version (restore, edit), and what to say of it.
    Written {
        id: Uuid,
        edit: bool,
        result: Result<String, String>,
    },
}

fn generation(request: &Request) -> Option<u64> {
    match request {
        Request::Page { generation, .. } => Some(*generation),
        _ => None,
    }
}

/// How the work reaches the database and who it acts as.
pub struct Worker {
    pub session: Session,
    /// The configured user (None: every user's records are listed).
    pub user: Option<String>,
    pub editor: String,
    /// Scrubbed from every message shown.
    pub secrets: Vec<String>,
}

impl Worker {
    /// Answers each request until the console hangs up, then closes the session.
    pub async fn serve(
        mut self,
        mut requests: mpsc::UnboundedReceiver<Request>,
        replies: mpsc::UnboundedSender<Reply>,
    ) {
        let mut queued = std::collections::VecDeque::new();
        loop {
            if queued.is_empty() {
                match requests.recv().await {
                    Some(request) => queued.push_back(request),
                    None => break,
                }
            }
            while let Ok(request) = requests.try_recv() {
                queued.push_back(request);
            }
            let Some(request) = queued.pop_front() else {
                continue;
            };
            // A page of a filter typed over since is not read: its answer is empty (and
            // dropped by the console, as every page of an older filter is).
            let newest = queued.iter().filter_map(generation).max();
            let reply = match (generation(&request), newest) {
                (Some(old), Some(newest)) if old < newest => Reply::Page {
                    generation: old,
                    result: Ok((Vec::new(), None)),
                },
                _ => self.answer(request).await,
            };
            if replies.send(reply).is_err() {
                break;
            }
        }
        self.session.close().await;
    }

    async fn answer(&mut self, request: Request) -> Reply {
        let secrets = self.secrets.clone();
        let message = |error: anyhow::Error| hints::one_line(&error, &secrets);
        let session = &mut self.session;
        match request {
            Request::Page {
                generation,
                search,
                after,
            } => {
                let filter = ListFilter {
                    user: self.user.clone(),
                    search,
                    limit: PAGE,
                    after,
                    ..ListFilter::default()
                };
                let result = ops::list::list(session, &filter)
                    .await
                    .map(|listing| (listing.records, listing.next));
                Reply::Page {
                    generation,
                    result: result.map_err(message),
                }
            }
            Request::Record { id, owner } => {
                let result = ops::records::get(session, &owner, id, None)
                    .await
                    .map(|record| {
                        let document = record
                            .structured_output
                            .as_deref()
                            .and_then(|text| parse_stored(text).ok());
                        let qa = document.as_ref().map(|document| {
                            let mut report =
                                qa::measure(document, record.title.clone().unwrap_or_default());
                            report.id = Some(id);
                            report
                        });
                        Box::new(Loaded {
                            record,
                            document,
                            qa,
                        })
                    });
                Reply::Record {
                    id,
                    result: result.map_err(message),
                }
            }
            Request::History { id, owner } => {
                let result = ops::history::list(session, &owner, id, None, HISTORY_SHOWN)
                    .await
                    .map(|page| page.versions);
                Reply::History {
                    id,
                    result: result.map_err(message),
                }
            }
            Request::Diff { id, owner, version } => {
                let result = ops::history::diff(session, &owner, id, Some(version), None).await;
                Reply::Diff {
                    id,
                    result: result.map_err(message),
                }
            }
            Request::Delete { id, owner } => {
                let mut stores = Stores::new(crate::config::aws::resolve);
                let result =
                    ops::records::delete(session, &owner, &[id], false, &mut stores, |_| Ok(true))
                        .await;
                Reply::Deleted {
                    id,
                    result: result.map(drop).map_err(message),
                }
            }
            Request::Restore {
                id,
                owner,
                version,
                current,
            } => {
                let options = WriteOptions {
                    if_version: Some(current),
                    note: Some(format!("restored version {version}")),
                    ..WriteOptions::default()
                };
                let result = ops::history::restore(session, &owner, id, version, &options)
                    .await
                    .map(|saved| match saved.unchanged {
                        true => format!(
                            "version {version} is the current state already: nothing written"
                        ),
                        false => format!(
                            "restored version {version} as version {}",
                            saved.record.version
                        ),
                    });
                Reply::Written {
                    id,
                    edit: false,
                    result: result.map_err(message),
                }
            }
            Request::Edit { id, owner } => {
                let result = ops::edit::edit(session, &owner, id, &self.editor, "edited".into())
                    .await
                    .map(|edited| match edited {
                        Edited::Saved(record) => format!("saved as version {}", record.version),
                        Edited::Unchanged(reason) => format!("not saved: {reason}"),
                    });
                Reply::Written {
                    id,
                    edit: true,
                    result: result.map_err(message),
                }
            }
        }
    }
}
