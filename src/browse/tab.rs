//! The views of an open record, and the writes that wait for `y`.

use uuid::Uuid;

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

/// A write waiting for `y`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Delete {
        id: Uuid,
        owner: String,
        title: String,
    },
    Restore {
        id: Uuid,
        owner: String,
        version: i64,
        current: i64,
    },
    Edit {
        id: Uuid,
        owner: String,
    },
}

impl Action {
    pub fn question(&self) -> String {
        match self {
            Action::Delete { id, title, .. } => {
                format!("Move \"{title}\" ({id}) to the trash? y deletes, anything else cancels")
            }
            Action::Restore {
                version, current, ..
            } => format!(
                "Restore version {version} as a new version (the record is at {current})? \
                 y restores, anything else cancels"
            ),
            Action::Edit { .. } => {
                "Edit the document in $EDITOR? y opens it, anything else cancels".to_string()
            }
        }
    }
}
