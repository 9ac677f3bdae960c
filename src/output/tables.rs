//! The tables people read: a listing, a history, a migration report, a batch's counts,
//! and a diff as lines. Every cell goes through `terminal::safe`.

use std::io::Write;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

use crate::output::{terminal, time};
use resumectl_core::model::reports::{
    DiffReport, ListedRecord, MigrationReport, PendingMigration, SearchIndexing, VersionSummary,
};
use resumectl_core::model::stream::BatchSummary;
use resumectl_core::model::trash::TrashEntry;
use resumectl_core::ops::trash::Shelf;

pub fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // A pty that reports no width (some CI runners, `script`) would get a table squeezed
    // to one character a column.
    if table.width() == Some(0) {
        table.set_width(80);
    }
    table
}

/// Adds a row of data: each cell as a person may safely see it on a terminal.
pub fn add_row(table: &mut Table, cells: Vec<String>) {
    table.add_row(
        cells
            .iter()
            .map(|cell| terminal::safe(cell).into_owned())
            .collect::<Vec<_>>(),
    );
}

pub fn list_table(records: &[ListedRecord], all_users: bool) -> Table {
    let mut table = new_table();
    let mut header = vec!["id"];
    if all_users {
        header.push("user");
    }
    header.extend([
        "title",
        "match score",
        "keyword coverage",
        "version",
        "updated",
    ]);
    table.set_header(header);
    // Ids are copied from here: never wrapped, whatever the terminal's width.
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    for record in records {
        let mut row = vec![record.id.to_string()];
        if all_users {
            row.push(record.user_id.clone().unwrap_or_default());
        }
        row.extend([
            record.title.clone().unwrap_or_default(),
            record
                .match_score
                .map(|score| score.to_string())
                .unwrap_or_default(),
            record
                .keyword_coverage
                .as_ref()
                .map(|value| value.to_string())
                .unwrap_or_default(),
            record.version.to_string(),
            record.updated_at.map(time::ago).unwrap_or_default(),
        ]);
        add_row(&mut table, row);
    }
    table
}

pub fn batch_table(summary: &BatchSummary) -> Table {
    let mut table = new_table();
    table.set_header(vec!["lines", "count"]);
    let mut rows = vec![
        ("read", summary.read),
        ("written", summary.written),
        ("  created", summary.created),
        ("  updated", summary.updated),
        ("unchanged (nothing to write)", summary.unchanged),
        ("skipped (invalid)", summary.skipped),
        ("failed (refused by the database)", summary.failed),
    ];
    if summary.atomic {
        rows.push(("rolled back (--atomic)", summary.rolled_back));
    }
    for (label, count) in rows {
        add_row(&mut table, vec![label.to_string(), count.to_string()]);
    }
    table
}

/// The migrations, then one line for the schema checks: their rows only for those that
/// fail, or all of them when `verbose`.
pub fn migration_table(report: &MigrationReport, verbose: bool) -> String {
    let mut migrations = new_table();
    migrations.set_header(vec!["version", "description", "state", "applied at"]);
    for migration in &report.migrations {
        add_row(
            &mut migrations,
            vec![
                migration.version.to_string(),
                migration.description.clone(),
                migration.state.to_string(),
                migration.applied_at.map(time::ago).unwrap_or_default(),
            ],
        );
    }
    let passing = report
        .checks
        .iter()
        .filter(|check| check.problem.is_none())
        .count();
    let mut out = format!(
        "{migrations}\n{passing} of {} schema checks pass\nlist --search: {}",
        report.checks.len(),
        terminal::safe(&search_words(&report.search))
    );
    let shown: Vec<_> = report
        .checks
        .iter()
        .filter(|check| verbose || check.problem.is_some())
        .collect();
    if !shown.is_empty() {
        let mut checks = new_table();
        checks.set_header(vec!["schema check", "ok"]);
        for check in shown {
            add_row(
                &mut checks,
                vec![
                    check.name.clone(),
                    match &check.problem {
                        None => "yes".to_string(),
                        Some(problem) => problem.to_uppercase(),
                    },
                ],
            );
        }
        out.push_str(&format!("\n{checks}"));
    }
    let verdict = if report.up_to_date {
        "up to date"
    } else {
        "NOT up to date"
    };
    format!("{out}\n{verdict}")
}

pub fn history_table(versions: &[VersionSummary]) -> Table {
    let mut table = new_table();
    // Below 110 columns the changes need the room: the figures are left out (JSON and a
    // wider terminal have them).
    let figures = table.width().is_none_or(|width| width >= 110);
    let mut header = vec!["version", "when", "actor", "changes", "note"];
    if figures {
        header.extend(["match\nscore", "keyword\ncoverage", "bytes"]);
    }
    table.set_header(header);
    // The numbers keep their width (their headers are set on two lines), and the changes
    // get at least a third of the terminal: they are what a reader came for.
    let numbers: &[usize] = if figures { &[0, 5, 6, 7] } else { &[0] };
    for &index in numbers {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    if let Some(column) = table.column_mut(3) {
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Percentage(35)));
    }
    for version in versions {
        let mut row = vec![
            version.version.to_string(),
            time::ago(version.created_at),
            version.actor.clone().unwrap_or_else(|| "unknown".into()),
            version.changes_summary.clone().unwrap_or_default(),
            version.own_note().unwrap_or_default().to_owned(),
        ];
        if figures {
            row.extend([
                version
                    .match_score
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                version
                    .keyword_coverage
                    .as_ref()
                    .map(|value| value.to_string())
                    .unwrap_or_default(),
                version
                    .document_bytes
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
            ]);
        }
        add_row(&mut table, row);
    }
    table
}

pub fn write_diff(report: &DiffReport, out: &mut impl Write) -> Result<()> {
    writeln!(
        out,
        "record {}: version {} -> {}",
        report.id, report.from, report.to
    )?;
    if report.changes.is_empty() {
        writeln!(out, "no changes in structured_output")?;
    }
    // Values print as JSON, whose strings escape every control character.
    let short = |value: &Option<serde_json::Value>| {
        let text = value.as_ref().map(|v| v.to_string()).unwrap_or_default();
        if text.chars().count() > 100 {
            format!("{}...", text.chars().take(100).collect::<String>())
        } else {
            text
        }
    };
    for change in &report.changes {
        let path = terminal::safe(if change.path.is_empty() {
            "/"
        } else {
            &change.path
        });
        match change.op {
            "added" => writeln!(out, "+ {path}: {}", short(&change.new))?,
            "removed" => writeln!(out, "- {path}: {}", short(&change.old))?,
            _ => writeln!(
                out,
                "~ {path}: {} -> {}",
                short(&change.old),
                short(&change.new)
            )?,
        }
    }
    Ok(())
}

pub fn trash_table(entries: &[TrashEntry], all_users: bool, shelf: Shelf) -> Table {
    let mut table = new_table();
    let mut header = vec!["id", "title", "version", "deleted", "actor"];
    match shelf {
        Shelf::Trashed => {}
        Shelf::Undeleted => header.extend(["undeleted", "undeleted by"]),
        Shelf::Purged => header.extend(["removed", "removed by"]),
    }
    if all_users {
        header.push("user");
    }
    table.set_header(header);
    for entry in entries {
        let mut row = vec![
            entry.id.to_string(),
            entry.title.clone().unwrap_or_default(),
            entry.version.map(|v| v.to_string()).unwrap_or_default(),
            time::ago(entry.deleted_at),
            entry.actor.clone().unwrap_or_else(|| "unknown".into()),
        ];
        let (at, by) = match shelf {
            Shelf::Trashed => (None, None),
            Shelf::Undeleted => (entry.undeleted_at, Some(&entry.undeleted_by)),
            Shelf::Purged => (entry.purged_at, Some(&entry.purged_by)),
        };
        if let Some(by) = by {
            row.push(at.map(time::ago).unwrap_or_default());
            row.push(by.clone().unwrap_or_else(|| "unknown".into()));
        }
        if all_users {
            row.push(entry.user_id.clone());
        }
        add_row(&mut table, row);
    }
    table
}

/// The SQL `migrate` would run, as a script a person (or psql) can read.
pub fn write_plan(pending: &[PendingMigration], out: &mut impl Write) -> Result<()> {
    if pending.is_empty() {
        writeln!(out, "-- nothing to apply: the database is up to date")?;
    }
    for migration in pending {
        let how = if migration.in_transaction {
            "in a transaction of its own"
        } else {
            "without a transaction"
        };
        writeln!(
            out,
            "-- migration {}: {} ({how})\n{}\n",
            migration.version,
            migration.description,
            migration.sql.trim_end()
        )?;
    }
    Ok(())
}

/// How a listing's text search is served, in words.
pub fn search_words(search: &SearchIndexing) -> String {
    let scan = "a scan of the records";
    match search {
        SearchIndexing::Indexed => {
            "trigram indexes (pg_trgm) on title and optimized_content".into()
        }
        SearchIndexing::IndexesMissing => format!(
            "{scan}: pg_trgm is installed but its indexes are missing (run `resumectl migrate`)"
        ),
        SearchIndexing::NotInstalled => format!(
            "{scan}: pg_trgm is not installed (`resumectl migrate` creates it where this role may)"
        ),
        SearchIndexing::Unavailable => format!("{scan}: this server has no pg_trgm"),
        SearchIndexing::NotCreated(reason) => format!(
            "{scan}: pg_trgm could not be created ({reason}); a role with CREATE on the \
             database can run CREATE EXTENSION pg_trgm, then `resumectl migrate` again"
        ),
        SearchIndexing::NotBuilt(reason) => format!(
            "{scan}: a trigram index could not be built ({reason}); the next `resumectl \
             migrate` tries again"
        ),
    }
}
