//! The console's state, and what a message does to it. `update` changes the state and
//! says which work to start; it never draws and never waits (the Elm shape of
//! docs/console.md).

use std::time::{Duration, Instant};

use serde_json::Value;
use uuid::Uuid;

use ratatui::text::Line;

use crate::browse::rows::{self, Row, Theme};
pub use crate::browse::tab::{Confirm, Tab};
use crate::browse::work::{Loaded, Reply, Request};
use crate::browse::{json, pages};
use resumectl_core::model::reports::{DiffReport, ListCursor, ListedRecord, VersionSummary};

/// How many records a page holds: the first screen needs one page.
pub const PAGE: i64 = 100;
/// Load the next page when the cursor comes this close to the end of what is loaded.
const AHEAD: usize = 20;
/// A filter is sent this long after the last key typed.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Who browses, and how.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The configured user (None with --all-users: every user's records).
    pub user: Option<String>,
    pub read_only: bool,
    /// Where: the database, its password redacted.
    pub database: String,
    pub theme: Theme,
}

/// The list of records.
#[derive(Debug, Default)]
pub struct List {
    pub rows: Vec<ListedRecord>,
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    /// Where the next page starts; None once the last page came.
    pub next: Option<ListCursor>,
    /// A page is on its way.
    pub loading: bool,
    /// Pages of an older filter are dropped when they arrive.
    pub generation: u64,
    /// The filter text, and whether keys are typed into it.
    pub filter: String,
    pub typing: bool,
    /// When the filter last changed and was not yet sent.
    pub dirty_since: Option<Instant>,
    /// The first page arrived (an empty list is then "no records", not "loading").
    pub loaded: bool,
}

/// An open record and its views.
#[derive(Debug)]
pub struct Open {
    pub id: Uuid,
    /// Whose it is: actions run as its owner (with --all-users, not the configured user).
    pub owner: String,
    pub title: String,
    pub tab: Tab,
    pub loaded: Option<Loaded>,
    pub history: Option<Vec<VersionSummary>>,
    /// The selected version in History, counted from the newest.
    pub version_selected: usize,
    pub diff: Option<DiffReport>,
    pub show_excluded: bool,
    /// Each view's scroll, in screen rows.
    pub scroll: [usize; 5],
    /// The rows of the view on screen, rebuilt when its data or toggles change, and
    /// the screen lines they wrap to at the current width.
    pub rows: Vec<Row>,
    pub lines: Vec<Line<'static>>,
}

impl Open {
    pub fn slot(&self) -> usize {
        Tab::ALL
            .iter()
            .position(|tab| *tab == self.tab)
            .unwrap_or(0)
    }
}

/// The whole state of the console.
#[derive(Debug)]
pub struct App {
    pub scope: Scope,
    pub list: List,
    pub open: Option<Open>,
    pub help: bool,
    pub confirm: Option<Confirm>,
    /// An error, shown until a key dismisses it.
    pub error: Option<String>,
    /// The last thing done, shown in the status line.
    pub status: String,
    /// Work in flight, and the spinner's frame.
    pub busy: usize,
    pub spinner: usize,
    /// The size of the view area, for paging and wrapping.
    pub page_rows: usize,
    pub width: u16,
    pub quit: bool,
}

impl App {
    pub fn new(scope: Scope) -> App {
        App {
            scope,
            list: List::default(),
            open: None,
            help: false,
            confirm: None,
            error: None,
            status: String::new(),
            busy: 0,
            spinner: 0,
            page_rows: 20,
            width: 80,
            quit: false,
        }
    }

    /// The request for the first page of the current filter.
    pub fn first_page(&mut self) -> Request {
        self.list.generation += 1;
        self.list.loading = true;
        self.list.dirty_since = None;
        self.busy += 1;
        Request::Page {
            generation: self.list.generation,
            search: Some(self.list.filter.clone()).filter(|text| !text.is_empty()),
            after: None,
        }
    }

    /// The next page's request, when the cursor nears the end of what is loaded.
    pub fn more(&mut self) -> Option<Request> {
        let list = &mut self.list;
        if list.loading || list.selected + AHEAD < list.rows.len() {
            return None;
        }
        let after = list.next?;
        list.loading = true;
        self.busy += 1;
        Some(Request::Page {
            generation: list.generation,
            search: Some(list.filter.clone()).filter(|text| !text.is_empty()),
            after: Some(after),
        })
    }

    /// The owner of a listed record: its user with --all-users, else the configured user.
    pub fn owner_of(&self, record: &ListedRecord) -> String {
        match (&record.user_id, &self.scope.user) {
            (Some(owner), _) => owner.clone(),
            (None, Some(user)) => user.clone(),
            (None, None) => String::new(),
        }
    }

    /// A reply from the work: the state it brings, and any work it starts.
    pub fn receive(&mut self, reply: Reply) -> Vec<Request> {
        self.busy = self.busy.saturating_sub(1);
        let mut next = Vec::new();
        match reply {
            Reply::Page { generation, result } if generation == self.list.generation => {
                self.list.loading = false;
                match result {
                    Ok((rows, cursor)) => {
                        self.list.loaded = true;
                        self.list.rows.extend(rows);
                        self.list.next = cursor;
                        next.extend(self.more());
                    }
                    Err(message) => self.error = Some(message),
                }
            }
            Reply::Page { .. } => {}
            Reply::Record { id, result } => {
                // The list shows what was just read (after a write, its new version).
                if let (Ok(loaded), Some(row)) =
                    (&result, self.list.rows.iter_mut().find(|row| row.id == id))
                {
                    row.title = loaded.record.title.clone();
                    row.version = loaded.record.version;
                    row.updated_at = loaded.record.updated_at;
                }
                if let Some(open) = self.open.as_mut().filter(|open| open.id == id) {
                    match result {
                        Ok(loaded) => {
                            open.title = loaded.record.title.clone().unwrap_or_default();
                            open.loaded = Some(*loaded);
                        }
                        Err(message) => self.error = Some(message),
                    }
                }
            }
            Reply::History { id, result } => {
                if let Some(open) = self.open.as_mut().filter(|open| open.id == id) {
                    match result {
                        Ok(versions) => {
                            // The same version stays selected when a write added one.
                            let selected = open.history.as_ref().and_then(|old| {
                                old.iter()
                                    .rev()
                                    .nth(open.version_selected)
                                    .map(|v| v.version)
                            });
                            open.version_selected = selected
                                .and_then(|selected| {
                                    versions.iter().rev().position(|v| v.version == selected)
                                })
                                .unwrap_or(0);
                            open.history = Some(versions);
                        }
                        Err(message) => self.error = Some(message),
                    }
                }
            }
            Reply::Diff { id, result } => {
                // Only where it was asked for: History, still open on that record.
                if let Some(open) = self
                    .open
                    .as_mut()
                    .filter(|open| open.id == id && open.tab == Tab::History)
                {
                    match result {
                        Ok(report) => {
                            open.diff = Some(report);
                            open.scroll[1] = 0;
                        }
                        Err(message) => self.error = Some(message),
                    }
                }
            }
            Reply::Deleted { id, result } => match result {
                Ok(()) => {
                    self.list.rows.retain(|row| row.id != id);
                    self.list.selected = self
                        .list
                        .selected
                        .min(self.list.rows.len().saturating_sub(1));
                    if self.open.as_ref().is_some_and(|open| open.id == id) {
                        self.open = None;
                    }
                    self.status = format!("moved to the trash: resumectl undelete {id}");
                }
                Err(message) => self.error = Some(message),
            },
            Reply::Written { id, result, .. } => match result {
                Ok(done) => {
                    self.status = done;
                    next.extend(self.reload(id));
                }
                Err(message) => {
                    self.error = Some(message);
                    next.extend(self.reload(id));
                }
            },
        }
        self.rebuild();
        next
    }

    /// Reads record `id` again (after a write): with its history when it is open, else
    /// for its row in the list.
    pub fn reload(&mut self, id: Uuid) -> Vec<Request> {
        let Some(open) = self.open.as_mut().filter(|open| open.id == id) else {
            let Some(row) = self.list.rows.iter().find(|row| row.id == id) else {
                return Vec::new();
            };
            let owner = self.owner_of(row);
            self.busy += 1;
            return vec![Request::Record { id, owner }];
        };
        open.diff = None;
        let owner = open.owner.clone();
        self.busy += 2;
        vec![
            Request::Record {
                id,
                owner: owner.clone(),
            },
            Request::History { id, owner },
        ]
    }

    /// Rebuilds the rows of the view on screen from its data.
    pub fn rebuild(&mut self) {
        let theme = self.scope.theme;
        let Some(open) = self.open.as_mut() else {
            self.clamp();
            return;
        };
        let document = open
            .loaded
            .as_ref()
            .and_then(|loaded| loaded.document.as_ref());
        let none = |what: &str| vec![Row::plain(theme.dim(), what)];
        open.rows = match (open.tab, &open.loaded) {
            (_, None) => none("loading…"),
            (Tab::History, _) => match (&open.diff, &open.history) {
                (Some(report), _) => pages::diff(report, theme),
                (None, Some(versions)) => pages::history(versions, open.version_selected, theme),
                (None, None) => none("loading…"),
            },
            (Tab::Exports, Some(loaded)) => {
                pages::exports(loaded.record.export_formats.as_deref(), theme)
            }
            (_, Some(_)) if document.is_none() => {
                none("this record has no structured_output (NULL)")
            }
            (Tab::Resume, _) => {
                pages::resume(document.unwrap_or(&Value::Null), open.show_excluded, theme)
            }
            (Tab::Json, _) => json::json(document.unwrap_or(&Value::Null), theme),
            (Tab::Qa, Some(loaded)) => match &loaded.qa {
                Some(report) => pages::qa(report, document.unwrap_or(&Value::Null), theme),
                None => none("no QA figures: the document could not be measured"),
            },
        };
        self.rewrap();
    }

    /// Wraps the open view's rows to the width of the screen (after a resize).
    pub fn rewrap(&mut self) {
        let width = self.width;
        if let Some(open) = self.open.as_mut() {
            open.lines = rows::wrap(&open.rows, width);
        }
        self.clamp();
    }

    /// Keeps the scroll of the open view, and the list's cursor, on screen.
    pub fn clamp(&mut self) {
        let page = self.page_rows.max(1);
        if let Some(open) = self.open.as_mut() {
            let slot = open.slot();
            let last = open.lines.len().saturating_sub(page);
            open.scroll[slot] = open.scroll[slot].min(last);
        }
        let list = &mut self.list;
        list.selected = list.selected.min(list.rows.len().saturating_sub(1));
        if list.selected < list.offset {
            list.offset = list.selected;
        } else if list.selected >= list.offset + page {
            list.offset = list.selected + 1 - page;
        }
    }
}
