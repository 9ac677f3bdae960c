//! Each view drawn at 80×24 and 120×40, with hostile text.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::*;
use crate::browse::app::Tab;

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
            assert!(shows(&lines, "Records (4) › "), "the breadcrumb");
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
fn the_readme_lists_every_key_as_the_help_does() {
    let readme = include_str!("../../../README.md");
    for (keys, what) in crate::browse::keys::HELP {
        let row = format!("| `{keys}` | {what} |");
        assert!(readme.contains(&row), "README.md lacks the row: {row}");
    }
}
