//! The console drawn on ratatui's TestBackend (`views`) and driven by keys (`keys`) at 80×24 and 120×40, each view, with
//! hostile text: control characters, right-to-left text, wide CJK characters and a
//! 10,000-character line. The screen's text is what is asserted.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use uuid::Uuid;

use super::app::{App, Scope};
use super::rows::Theme;
use super::work::{Loaded, Reply, Request};
use super::{keys, resize, view};

mod keys_tests;
mod views;
use resumectl_core::document::qa;
use resumectl_core::model::record::Record;
use resumectl_core::model::reports::{DiffReport, ListedRecord, PathChange, VersionSummary};

pub(super) const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
pub(super) const HOSTILE_TITLE: &str = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J title";
pub(super) const RTL: &str = "مهندس برمجيات \u{202e}reversed";
pub(super) const CJK: &str = "软件工程师简历软件工程师简历软件工程师简历软件工程师简历";

pub(super) fn example() -> Value {
    serde_json::from_str(include_str!("../../../examples/structured_output.json")).unwrap()
}

pub(super) fn app(colour: bool, user: Option<&str>) -> App {
    App::new(Scope {
        user: user.map(str::to_string),
        read_only: false,
        database: "localhost:5432/resumes as support".into(),
        theme: Theme { colour },
    })
}

pub(super) fn listed(title: &str, version: i64) -> ListedRecord {
    ListedRecord {
        id: Uuid::new_v4(),
        user_id: None,
        title: Some(title.to_string()),
        match_score: Some(80),
        keyword_coverage: Some(json!(88)),
        version,
        updated_at: Some(Utc::now()),
        cursor: None,
    }
}

/// An app whose list holds hostile titles, as the first page delivered them.
pub(super) fn listed_app(colour: bool) -> App {
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

pub(super) fn record(document: &Value) -> Record {
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
pub(super) fn opened_app(document: Value) -> App {
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
            changes_summary: Some(format!("summary edited {version}")),
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

pub(super) fn hostile_document() -> Value {
    let mut document = example();
    document["resume_json"]["name"] = json!(format!("Ada {RTL} \u{1b}[2J"));
    document["resume_json"]["summary"] = json!(format!("{CJK} {} END", "word ".repeat(2_000)));
    document
}

pub(super) fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The screen at `width` × `height`, one string a row.
pub(super) fn screen(app: &mut App, width: u16, height: u16) -> Vec<String> {
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

pub(super) fn shows(lines: &[String], text: &str) -> bool {
    lines.iter().any(|line| line.contains(text))
}

pub(super) fn no_controls(lines: &[String]) {
    for line in lines {
        assert!(
            !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "a control reached the screen: {line:?}"
        );
    }
}
