//! What each key does, in each place: a popup first, then the filter being typed, then
//! the open record's view, then the list.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::browse::app::{App, Confirm, Open, Tab};
use crate::browse::work::Request;

/// The keys, for `?` (and the README): (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓  k j", "move in the list (arrows scroll a view)"),
    ("PgUp PgDn  g G", "a page up or down, the top, the end"),
    (
        "/",
        "filter by title and text; Enter keeps it, Esc clears it",
    ),
    (
        "Enter",
        "open the record; in History, diff the version against the current",
    ),
    ("Tab  Shift-Tab", "the next or previous view of a record"),
    ("v h a o j", "Resume, History, QA, Exports, JSON"),
    ("x", "Resume: show what the document's ui excludes, marked"),
    ("e", "edit the document in $EDITOR"),
    ("r", "History: restore the selected version"),
    ("D", "delete the record (to the trash)"),
    ("R", "reload"),
    ("q  Esc", "back, then quit"),
    ("Ctrl-C", "quit"),
    ("?", "these keys"),
];

pub fn key(app: &mut App, key: KeyEvent) -> Vec<Request> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        app.quit = true;
        return Vec::new();
    }
    if app.error.is_some() {
        app.error = None;
        return Vec::new();
    }
    if app.help {
        app.help = false;
        return Vec::new();
    }
    if let Some(confirm) = app.confirm.take() {
        return match key.code {
            KeyCode::Char('y') => start(app, confirm),
            _ => {
                app.status = "cancelled: nothing was changed".to_string();
                Vec::new()
            }
        };
    }
    if app.list.typing && app.open.is_none() {
        return filter_key(app, key);
    }
    if key.code == KeyCode::Char('?') {
        app.help = true;
        return Vec::new();
    }
    match app.open.is_some() {
        true => record_key(app, key),
        false => list_key(app, key),
    }
}

/// Starts a confirmed write (a read-only console never gets here).
fn start(app: &mut App, confirm: Confirm) -> Vec<Request> {
    app.busy += 1;
    app.status = String::new();
    vec![confirm.request]
}

/// Asks before a write, or says why it will not happen.
fn ask(app: &mut App, confirm: Confirm) {
    if app.scope.read_only {
        app.status = "read-only: started with --read-only, nothing can be changed".to_string();
        return;
    }
    app.confirm = Some(confirm);
}

fn filter_key(app: &mut App, key: KeyEvent) -> Vec<Request> {
    let list = &mut app.list;
    match key.code {
        KeyCode::Enter => list.typing = false,
        KeyCode::Esc => {
            list.typing = false;
            if !list.filter.is_empty() {
                list.filter.clear();
                return refilter(app);
            }
        }
        KeyCode::Backspace => {
            list.filter.pop();
            list.dirty_since = Some(std::time::Instant::now());
        }
        KeyCode::Char(c) if !c.is_control() && list.filter.chars().count() < 200 => {
            list.filter.push(c);
            list.dirty_since = Some(std::time::Instant::now());
        }
        _ => {}
    }
    Vec::new()
}

/// The list from its first page, for the filter as it now is.
pub fn refilter(app: &mut App) -> Vec<Request> {
    app.list.rows.clear();
    app.list.selected = 0;
    app.list.next = None;
    app.list.loaded = false;
    vec![app.first_page()]
}

fn list_key(app: &mut App, key: KeyEvent) -> Vec<Request> {
    let page = app.page_rows.max(1);
    let count = app.list.rows.len();
    let list = &mut app.list;
    match key.code {
        KeyCode::Char('q') => app.quit = true,
        KeyCode::Esc if !list.filter.is_empty() => {
            list.filter.clear();
            return refilter(app);
        }
        KeyCode::Esc => app.quit = true,
        KeyCode::Char('/') => list.typing = true,
        KeyCode::Down | KeyCode::Char('j') => {
            list.selected = (list.selected + 1).min(count.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') => list.selected = list.selected.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => {
            list.selected = (list.selected + page).min(count.saturating_sub(1))
        }
        KeyCode::PageUp => list.selected = list.selected.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => list.selected = 0,
        KeyCode::End | KeyCode::Char('G') => list.selected = count.saturating_sub(1),
        KeyCode::Char('R') => return refilter(app),
        KeyCode::Enter => return open(app),
        KeyCode::Char('e' | 'D') => {
            if let Some(row) = app.list.rows.get(app.list.selected) {
                let (id, owner) = (row.id, app.owner_of(row));
                let title = row.title.clone().unwrap_or_default();
                let confirm = match key.code {
                    KeyCode::Char('e') => Confirm::edit(id, owner),
                    _ => Confirm::delete(id, owner, &title),
                };
                ask(app, confirm);
            }
        }
        _ => {}
    }
    app.clamp();
    app.more().into_iter().collect()
}

/// Opens the selected record on its Resume view.
fn open(app: &mut App) -> Vec<Request> {
    let Some(row) = app.list.rows.get(app.list.selected) else {
        return Vec::new();
    };
    let owner = app.owner_of(row);
    app.open = Some(Open {
        id: row.id,
        owner: owner.clone(),
        title: row.title.clone().unwrap_or_default(),
        tab: Tab::Resume,
        loaded: None,
        history: None,
        version_selected: 0,
        diff: None,
        show_excluded: false,
        scroll: [0; 5],
        rows: Vec::new(),
        lines: Vec::new(),
    });
    let id = row.id;
    app.busy += 2;
    app.rebuild();
    vec![
        Request::Record {
            id,
            owner: owner.clone(),
        },
        Request::History { id, owner },
    ]
}

fn record_key(app: &mut App, key: KeyEvent) -> Vec<Request> {
    let page = app.page_rows.max(1);
    let Some(open) = app.open.as_mut() else {
        return Vec::new();
    };
    let slot = open.slot();
    // What the rows are built from: when it changes, they are built again.
    let shown = |open: &Open| {
        (
            open.tab,
            open.show_excluded,
            open.version_selected,
            open.diff.is_some(),
        )
    };
    let before = shown(open);
    let in_history = open.tab == Tab::History && open.diff.is_none();
    let versions = open.history.as_ref().map_or(0, Vec::len);
    let mut requests = Vec::new();
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') if open.diff.is_some() => open.diff = None,
        KeyCode::Esc | KeyCode::Char('q') => {
            app.open = None;
            return Vec::new();
        }
        KeyCode::Tab => open.tab = open.tab.step(true),
        KeyCode::BackTab => open.tab = open.tab.step(false),
        KeyCode::Char(c) if Tab::ALL.iter().any(|tab| tab.key() == c) => {
            open.tab = Tab::ALL
                .into_iter()
                .find(|tab| tab.key() == c)
                .unwrap_or(Tab::Resume);
        }
        KeyCode::Char('x') if open.tab == Tab::Resume => {
            open.show_excluded = !open.show_excluded;
        }
        KeyCode::Down if in_history => {
            open.version_selected = (open.version_selected + 1).min(versions.saturating_sub(1));
            keep_visible(open, page);
        }
        KeyCode::Up if in_history => {
            open.version_selected = open.version_selected.saturating_sub(1);
            keep_visible(open, page);
        }
        KeyCode::Enter if in_history => {
            if let Some(history) = &open.history
                && let Some(version) = history.iter().rev().nth(open.version_selected)
            {
                app.busy += 1;
                requests.push(Request::Diff {
                    id: open.id,
                    owner: open.owner.clone(),
                    version: version.version,
                });
            }
        }
        KeyCode::Down => open.scroll[slot] += 1,
        KeyCode::Up => open.scroll[slot] = open.scroll[slot].saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => open.scroll[slot] += page,
        KeyCode::PageUp => open.scroll[slot] = open.scroll[slot].saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => open.scroll[slot] = 0,
        KeyCode::End | KeyCode::Char('G') => open.scroll[slot] = usize::MAX / 2,
        KeyCode::Char('R') => {
            let id = open.id;
            return app.reload(id);
        }
        KeyCode::Char('e') => {
            let confirm = Confirm::edit(open.id, open.owner.clone());
            ask(app, confirm);
        }
        KeyCode::Char('D') => {
            let confirm = Confirm::delete(open.id, open.owner.clone(), &open.title);
            ask(app, confirm);
        }
        KeyCode::Char('r') => restore(app),
        _ => {}
    }
    if let Some(open) = app.open.as_mut()
        && open.tab != before.0
    {
        // Leaving History closes its diff: Esc then goes back to the list.
        open.diff = None;
    }
    match app.open.as_ref().map(shown) {
        Some(after) if after != before => app.rebuild(),
        _ => app.clamp(),
    }
    requests
}

/// In History, the selected version stays on screen (the header row counts).
fn keep_visible(open: &mut Open, page: usize) {
    let row = open.version_selected + 1;
    let scroll = &mut open.scroll[1];
    if row <= *scroll {
        // The header row shows with the first version.
        *scroll = row - 1;
    } else if row >= *scroll + page {
        *scroll = row + 1 - page;
    }
}

/// `r`: restore the version selected in History.
fn restore(app: &mut App) {
    if app.scope.read_only {
        app.status = "read-only: started with --read-only, nothing can be changed".to_string();
        return;
    }
    let Some(open) = app.open.as_ref() else {
        return;
    };
    let selected = open.history.as_ref().and_then(|history| {
        history
            .iter()
            .rev()
            .nth(open.version_selected)
            .map(|version| version.version)
    });
    let current = open.loaded.as_ref().map(|loaded| loaded.record.version);
    match (open.tab, selected, current) {
        (Tab::History, Some(version), Some(current)) if version == current => {
            app.status = format!("version {version} is the current version");
        }
        (Tab::History, Some(version), Some(current)) => {
            let confirm = Confirm::restore(open.id, open.owner.clone(), version, current);
            ask(app, confirm);
        }
        _ => app.status = "r restores a version: open History (h) and select one".to_string(),
    }
}
