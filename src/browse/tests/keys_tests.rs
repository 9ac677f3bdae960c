//! What keys do: views, the filter, paging, writes and read-only.

use crossterm::event::KeyCode;
use serde_json::json;

use super::*;
use crate::browse::app::Tab;

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

#[test]
fn a_write_from_the_list_reads_the_record_again_for_its_row() {
    let mut app = listed_app(true);
    let id = app.list.rows[0].id;
    keys::key(&mut app, press(KeyCode::Char('e')));
    let requests = keys::key(&mut app, press(KeyCode::Char('y')));
    assert_eq!(
        requests,
        [Request::Edit {
            id,
            owner: "alice".into()
        }]
    );
    let asked = app.receive(Reply::Written {
        id,
        edit: true,
        result: Ok("saved as version 4".into()),
    });
    assert_eq!(
        asked,
        [Request::Record {
            id,
            owner: "alice".into()
        }]
    );
    let document = example();
    let mut record = record(&document);
    record.id = id;
    record.version = 4;
    let loaded = Loaded {
        record,
        document: Some(document),
        qa: None,
    };
    app.receive(Reply::Record {
        id,
        result: Ok(Box::new(loaded)),
    });
    assert_eq!(app.list.rows[0].version, 4);
    assert!(app.status.contains("saved as version 4"));
    assert_eq!(app.busy, 0, "the spinner stops once every answer came");
}

#[test]
fn the_selected_version_stays_selected_when_a_write_adds_one() {
    let mut app = opened_app(example());
    keys::key(&mut app, press(KeyCode::Char('h')));
    keys::key(&mut app, press(KeyCode::Down));
    keys::key(&mut app, press(KeyCode::Down));
    let id = app.open.as_ref().unwrap().id;
    let mut versions = app.open.as_ref().unwrap().history.clone().unwrap();
    let mut newer = versions[2].clone();
    newer.version = 3;
    versions.push(newer);
    app.receive(Reply::History {
        id,
        result: Ok(versions),
    });
    let requests = keys::key(&mut app, press(KeyCode::Enter));
    assert!(
        matches!(requests.as_slice(), [Request::Diff { version: 0, .. }]),
        "{requests:?}"
    );
    // A diff that arrives once the person left History is not shown there later.
    keys::key(&mut app, press(KeyCode::Char('v')));
    app.receive(Reply::Diff {
        id,
        result: Ok(DiffReport {
            id,
            from: 0,
            to: 3,
            changes: Vec::new(),
        }),
    });
    assert!(app.open.as_ref().unwrap().diff.is_none());
}
