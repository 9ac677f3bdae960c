//! The views of an open record, and the writes that wait for `y`.

use uuid::Uuid;

use crate::browse::work::Request;

/// The views of an open record, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Resume,
    History,
    Qa,
    Exports,
    Json,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Resume, Tab::History, Tab::Qa, Tab::Exports, Tab::Json];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Resume => "Resume",
            Tab::History => "History",
            Tab::Qa => "QA",
            Tab::Exports => "Exports",
            Tab::Json => "JSON",
        }
    }

    pub fn key(self) -> char {
        match self {
            Tab::Resume => 'v',
            Tab::History => 'h',
            Tab::Qa => 'a',
            Tab::Exports => 'o',
            Tab::Json => 'j',
        }
    }

    pub fn step(self, forward: bool) -> Tab {
        let at = Tab::ALL.iter().position(|tab| *tab == self).unwrap_or(0);
        let count = Tab::ALL.len();
        Tab::ALL[if forward {
            (at + 1) % count
        } else {
            (at + count - 1) % count
        }]
    }
}

/// A write waiting for `y`: the question that names what it acts on, and the request it
/// starts once confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub question: String,
    pub request: Request,
}

impl Confirm {
    pub fn delete(id: Uuid, owner: String, title: &str) -> Confirm {
        Confirm {
            question: format!(
                "Move \"{title}\" ({id}) to the trash? y deletes, anything else cancels"
            ),
            request: Request::Delete { id, owner },
        }
    }

    pub fn restore(id: Uuid, owner: String, version: i64, current: i64) -> Confirm {
        Confirm {
            question: format!(
                "Restore version {version} as a new version (the record is at {current})? \
                 y restores, anything else cancels"
            ),
            request: Request::Restore {
                id,
                owner,
                version,
                current,
            },
        }
    }

    pub fn edit(id: Uuid, owner: String) -> Confirm {
        Confirm {
            question: "Edit the document in $EDITOR? y opens it, anything else cancels".into(),
            request: Request::Edit { id, owner },
        }
    }
}
