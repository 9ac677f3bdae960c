//! The console drawn on ratatui's TestBackend at 80×24 and 120×40, each view, with
//! hostile text: control characters, right-to-left text, wide CJK characters and a
//! 10,000-character line. The screen's text is what is asserted.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use serde_json::{Value, json};
use uuid::Uuid;

use super::app::{App, Scope, Tab};
use super::rows::Theme;
use super::work::{Loaded, Reply, Request};
use super::{keys, resize, view};
use resumectl_core::document::qa;
use resumectl_core::model::record::Record;
use resumectl_core::model::reports::{DiffReport, ListedRecord, PathChange, VersionSummary};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const HOSTILE_TITLE: &str = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J title";
const RTL: &str = "مهندس برمجيات \u{202e}reversed";
const CJK: &str = "软件工程师简历软件工程师简历软件工程师简历软件工程师简历";

fn example() -> Value {
    serde_json::from_str(include_str!("../../examples/structured_output.json")).unwrap()
}

fn app(colour: bool, user: Option<&str>) -> App {
    App::new(Scope {
        user: user.map(str::to_string),
        read_only: false,
        database: "localhost:5432/resumes as support".into(),
        theme: Theme { colour },
    })
}

fn listed(title: &str, version: i64) -> ListedRecord {
    ListedRecord {
        id: Uuid::new_v4(),
        user_id: None,
        title: Some(title.to_string()),
        match_score: Some(80),
        keyword_coverage: Some(json!(88)),
        version,
        updated_at: Some(Utc::now()),
    }
}

/// An app whose list holds hostile titles, as the first page delivered them.
fn listed_app(colour: bool) -> App {
    let mut app = app(colour, Some("alice"));
    let request = app.first_page();
    let Request::Page { generation, .. } = request else {
        panic!()
    };
    let long = "L".repeat(10_000);
    let rows = vec![
        listed(HOSTILE_TITLE, 3),
        listed(RTL, 1),
        listed(CJK, 2),
        listed(&long, 4),
    ];
    app.receive(Reply::Page {
        generation,
        result: Ok((rows, None)),
    });
    app
}

fn record(document: &Value) -> Record {
    Record {
        id: Uuid::new_v4(),
        user_id: "alice".into(),
        title: Some(CJK.into()),
        version: 2,
        original_resume_id: None,
        job_analysis_id: None,
        match_score: Some(80),
        optimized_content: None,
        optimization_summary: None,
        improvements_made: None,
        keywords_added: None,
        skills_highlighted: None,
        structured_output: Some(document.to_string()),
        qa_metrics: None,
        export_formats: Some(
            json!({"pdf_url": "https://files.example/a.pdf", "expires_at": "2020-01-01T00:00:00Z"})
                .to_string(),
        ),
        created_at: None,
        updated_at: Some(Utc::now()),
    }
}

/// A listed app with its first record opened and loaded: a document with hostile text.
fn opened_app(document: Value) -> App {
    let mut app = listed_app(true);
    resize(&mut app, 80, 24);
    let requests = keys::key(&mut app, press(KeyCode::Enter));
    let id = app.open.as_ref().unwrap().id;
    assert!(requests.contains(&Request::Record {
        id,
        owner: "alice".into()
    }));
    let mut record = record(&document);
    record.id = id;
    let mut report = qa::measure(&document, "t".into());
    report.id = Some(id);
    let loaded = Loaded {
        record,
        document: Some(document),
        qa: Some(report),
    };
    app.receive(Reply::Record {
        id,
        result: Ok(Box::new(loaded)),
    });
    let versions = (0..3)
        .map(|version| VersionSummary {
            version,
            created_at: Utc::now(),
            note: Some(format!("note {version}\u{1b}[31m")),
            actor: Some(format!("agent{version}@desk")),
            match_score: None,
            keyword_coverage: None,
            document_bytes: None,
        })
        .collect();
    app.receive(Reply::History {
        id,
        result: Ok(versions),
    });
    app
}

fn hostile_document() -> Value {
    let mut document = example();
    document["resume_json"]["name"] = json!(format!("Ada {RTL} \u{1b}[2J"));
    document["resume_json"]["summary"] = json!(format!("{CJK} {} END", "word ".repeat(2_000)));
    document
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The screen at `width` × `height`, one string a row.
fn screen(app: &mut App, width: u16, height: u16) -> Vec<String> {
    resize(app, width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    // A wide character's second cell is not a character of its own.
    (0..height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += (unicode_width::UnicodeWidthStr::width(symbol) as u16).max(1);
            }
            line
        })
        .collect()
}

fn shows(lines: &[String], text: &str) -> bool {
    lines.iter().any(|line| line.contains(text))
}

fn no_controls(lines: &[String]) {
    for line in lines {
        assert!(
            !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "a control reached the screen: {line:?}"
        );
    }
}

#[test]
fn the_list_shows_hostile_titles_escaped_and_clipped_at_both_sizes() {
    for (width, height) in SIZES {
        let mut app = listed_app(true);
        let lines = screen(&mut app, width, height);
        no_controls(&lines);
        assert!(shows(&lines, "user alice"), "{lines:#?}");
        assert!(shows(&lines, "Evil\\u{1b}]0;PWNED"), "{lines:#?}");
        assert!(shows(&lines, "مهندس"));
        assert!(shows(&lines, "软件工程师"));
        assert!(shows(&lines, "Records (4)"));
        assert!(shows(&lines, "Title") && shows(&lines, "QA cov"));
        assert!(
            lines
                .iter()
                .all(|line| unicode_width::UnicodeWidthStr::width(line.as_str())
                    <= usize::from(width))
        );
    }
}

#[test]
fn every_view_of_a_record_draws_at_both_sizes() {
    for (width, height) in SIZES {
        let mut app = opened_app(hostile_document());
        let mut seen = Vec::new();
        for (key, tab, expected) in [
            ('v', Tab::Resume, "SUMMARY"),
            ('h', Tab::History, "agent2@desk"),
            ('a', Tab::Qa, "coverage"),
            ('o', Tab::Exports, "expired"),
            ('j', Tab::Json, "\"analysis\": {"),
        ] {
            keys::key(&mut app, press(KeyCode::Char(key)));
            assert_eq!(app.open.as_ref().unwrap().tab, tab);
            let lines = screen(&mut app, width, height);
            no_controls(&lines);
            assert!(
                shows(&lines, expected),
                "{tab:?} at {width}x{height}: {lines:#?}"
            );
            assert!(shows(&lines, "Records › "), "the breadcrumb");
            seen.push(lines);
        }
        assert!(
            shows(&seen[0], "Ada مهندس"),
            "the name, RTL kept: {:#?}",
            seen[0]
        );
        assert!(
            shows(&seen[1], "note 2\\u{1b}[31m"),
            "a note's escape shown escaped"
        );
    }
}

#[test]
fn tab_cycles_the_views_both_ways() {
    let mut app = opened_app(example());
    keys::key(&mut app, press(KeyCode::Tab));
    assert_eq!(app.open.as_ref().unwrap().tab, Tab::History);
    keys::key(&mut app, press(KeyCode::BackTab));
    keys::key(&mut app, press(KeyCode::BackTab));
    assert_eq!(app.open.as_ref().unwrap().tab, Tab::Json);
}

#[test]
fn a_ten_thousand_character_line_wraps_and_scrolls_to_its_end() {
    let mut app = opened_app(hostile_document());
    assert!(!shows(&screen(&mut app, 80, 24), "END"));
    // Scrolled screen by screen, the summary's last word comes into view.
    let mut found = false;
    for _ in 0..200 {
        keys::key(&mut app, press(KeyCode::PageDown));
        if shows(&screen(&mut app, 80, 24), "END") {
            found = true;
            break;
        }
    }
    assert!(found, "the end of the long line was never shown");
}

#[test]
fn excluded_sections_are_hidden_until_x_then_marked() {
    let mut app = opened_app(example());
    let lines = screen(&mut app, 120, 40);
    assert!(!shows(&lines, "[excluded by ui]"));
    assert!(shows(&lines, "x shows them"));
    keys::key(&mut app, press(KeyCode::Char('x')));
    let all = (0..4).flat_map(|_| {
        let lines = screen(&mut app, 120, 40);
        keys::key(&mut app, press(KeyCode::PageDown));
        lines
    });
    assert!(
        all.into_iter()
            .any(|line| line.contains("EXTRAS  [excluded by ui]"))
    );
}

#[test]
fn history_enter_asks_for_a_diff_and_the_diff_reads_old_above_new() {
    let mut app = opened_app(example());
    keys::key(&mut app, press(KeyCode::Char('h')));
    keys::key(&mut app, press(KeyCode::Down));
    let requests = keys::key(&mut app, press(KeyCode::Enter));
    let id = app.open.as_ref().unwrap().id;
    assert_eq!(
        requests,
        [Request::Diff {
            id,
            owner: "alice".into(),
            version: 1
        }]
    );
    let report = DiffReport {
        id,
        from: 1,
        to: 2,
        changes: vec![PathChange {
            op: "changed",
            path: "/resume_json/headline".into(),
            old: Some(json!("Engineer")),
            new: Some(json!("Staff \u{1b}[5m engineer")),
        }],
    };
    app.receive(Reply::Diff {
        id,
        result: Ok(report),
    });
    for (width, height) in SIZES {
        let lines = screen(&mut app, width, height);
        no_controls(&lines);
        let at = |text: &str| lines.iter().position(|line| line.contains(text)).unwrap();
        assert!(at("changed /resume_json/headline") < at("- \"Engineer\""));
        assert!(at("- \"Engineer\"") < at("+ \"Staff"));
        assert!(shows(&lines, "diff 1 → 2"));
    }
    keys::key(&mut app, press(KeyCode::Esc));
    assert!(
        app.open.as_ref().unwrap().diff.is_none(),
        "Esc goes back to History"
    );
}

#[test]
fn writes_ask_first_and_read_only_refuses_them() {
    let mut app = opened_app(example());
    keys::key(&mut app, press(KeyCode::Char('D')));
    assert!(shows(&screen(&mut app, 80, 24), "to the trash? y deletes"));
    assert!(keys::key(&mut app, press(KeyCode::Char('n'))).is_empty());
    assert!(app.status.contains("cancelled"));
    keys::key(&mut app, press(KeyCode::Char('D')));
    let requests = keys::key(&mut app, press(KeyCode::Char('y')));
    assert!(matches!(requests.as_slice(), [Request::Delete { .. }]));
    app.scope.read_only = true;
    for key in ['D', 'e', 'r'] {
        keys::key(&mut app, press(KeyCode::Char('h')));
        assert!(keys::key(&mut app, press(KeyCode::Char(key))).is_empty());
        assert!(app.confirm.is_none());
        assert!(app.status.contains("read-only"), "{key}: {}", app.status);
    }
    assert!(shows(&screen(&mut app, 80, 24), "READ-ONLY"));
}

#[test]
fn the_filter_is_typed_kept_and_cleared() {
    let mut app = listed_app(true);
    keys::key(&mut app, press(KeyCode::Char('/')));
    for c in "evil".chars() {
        keys::key(&mut app, press(KeyCode::Char(c)));
    }
    assert_eq!(app.list.filter, "evil");
    assert!(app.list.dirty_since.is_some(), "sent after a pause");
    assert!(shows(&screen(&mut app, 80, 24), "/evil"));
    keys::key(&mut app, press(KeyCode::Enter));
    assert!(!app.list.typing && app.list.filter == "evil");
    let requests = keys::key(&mut app, press(KeyCode::Esc));
    assert!(matches!(
        requests.as_slice(),
        [Request::Page { search: None, .. }]
    ));
    assert!(app.list.filter.is_empty());
}

#[test]
fn help_error_and_empty_states_draw() {
    let mut app = listed_app(true);
    keys::key(&mut app, press(KeyCode::Char('?')));
    let lines = screen(&mut app, 80, 24);
    assert!(shows(&lines, "Keys (any key closes)") && shows(&lines, "Ctrl-C"));
    keys::key(&mut app, press(KeyCode::Char('z')));
    assert!(!app.help);
    app.error = Some("record changed meanwhile \u{1b}[2J (exit 6)".into());
    let lines = screen(&mut app, 80, 24);
    no_controls(&lines);
    assert!(shows(&lines, "Error (any key closes)"));
    let mut empty = app_with_no_records();
    assert!(shows(&screen(&mut empty, 80, 24), "no records"));
}

fn app_with_no_records() -> App {
    let mut app = app(false, None);
    let Request::Page { generation, .. } = app.first_page() else {
        panic!()
    };
    app.receive(Reply::Page {
        generation,
        result: Ok((Vec::new(), None)),
    });
    app
}

#[test]
fn no_color_draws_without_colours() {
    let mut app = listed_app(false);
    resize(&mut app, 80, 24);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| view::draw(frame, &app)).unwrap();
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| cell.fg == Color::Reset && cell.bg == Color::Reset)
    );
    let mut coloured = listed_app(true);
    resize(&mut coloured, 80, 24);
    terminal.draw(|frame| view::draw(frame, &coloured)).unwrap();
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|cell| cell.fg != Color::Reset)
    );
}

#[test]
fn all_users_shows_a_user_column_and_acts_as_the_owner() {
    let mut app = app(true, None);
    let Request::Page { generation, .. } = app.first_page() else {
        panic!()
    };
    let mut row = listed("Bob's resume", 1);
    row.user_id = Some("bob".into());
    app.receive(Reply::Page {
        generation,
        result: Ok((vec![row], None)),
    });
    let lines = screen(&mut app, 120, 40);
    assert!(shows(&lines, "User") && shows(&lines, "bob") && shows(&lines, "all users"));
    let requests = keys::key(&mut app, press(KeyCode::Enter));
    assert!(requests.iter().all(|request| matches!(request, Request::Record { owner, .. } | Request::History { owner, .. } if owner == "bob")));
}

#[test]
fn scrolling_the_list_asks_for_the_next_page_by_cursor() {
    let mut app = app(true, Some("alice"));
    resize(&mut app, 80, 24);
    let Request::Page { generation, .. } = app.first_page() else {
        panic!()
    };
    let rows: Vec<ListedRecord> = (0..100).map(|n| listed(&format!("r{n}"), 1)).collect();
    let last = rows.last().unwrap().id;
    let cursor = resumectl_core::model::reports::ListCursor {
        updated_at: rows[99].updated_at,
        id: last,
    };
    assert!(
        app.receive(Reply::Page {
            generation,
            result: Ok((rows, Some(cursor)))
        })
        .is_empty()
    );
    let mut asked = Vec::new();
    for _ in 0..90 {
        asked.extend(keys::key(&mut app, press(KeyCode::Down)));
    }
    assert_eq!(asked.len(), 1, "one page asked for: {asked:?}");
    assert!(matches!(&asked[0], Request::Page { after: Some(after), .. } if after.id == last));
    let lines = screen(&mut app, 80, 24);
    assert!(shows(&lines, "r90"), "the cursor's row is on screen");
    assert!(shows(&lines, "Records (100+)"));
}
