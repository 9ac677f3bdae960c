//! What `migrate status` checks: every migration applied, and every column (with a type
//! resumectl can use), index and key the statements rely on. The same column checks let
//! `migrate` refuse tables it could not fix.

use anyhow::Result;
use sqlx::postgres::PgConnection;

use super::{MIGRATOR, applied_versions};
use crate::db::errors::map_error;
use crate::error;
use crate::model::reports::{MigrationReport, MigrationState, SchemaCheck};

/// A column resumectl reads or writes: its table, its name, and the types it works with
/// (as information_schema names them). The web application's tables differ: user_id may be
/// TEXT or VARCHAR(n), timestamps may have no time zone.
struct ExpectedColumn {
    table: &'static str,
    name: &'static str,
    types: &'static [&'static str],
}

const fn column(
    table: &'static str,
    name: &'static str,
    types: &'static [&'static str],
) -> ExpectedColumn {
    ExpectedColumn { table, name, types }
}

const RECORDS: &str = "optimized_resumes";
const HISTORY: &str = "optimized_resume_versions";
const TEXT: &[&str] = &["character varying", "text"];
const JSONB: &[&str] = &["jsonb"];
const UUID: &[&str] = &["uuid"];
const TIMESTAMP: &[&str] = &["timestamp with time zone", "timestamp without time zone"];

const EXPECTED_COLUMNS: &[ExpectedColumn] = &[
    column(RECORDS, "id", UUID),
    column(RECORDS, "user_id", TEXT),
    column(RECORDS, "original_resume_id", UUID),
    column(RECORDS, "job_analysis_id", UUID),
    column(RECORDS, "title", TEXT),
    column(RECORDS, "optimized_content", TEXT),
    column(RECORDS, "optimization_summary", &["jsonb", "json"]),
    column(RECORDS, "match_score", &["integer"]),
    column(RECORDS, "improvements_made", &["ARRAY"]),
    column(RECORDS, "keywords_added", &["ARRAY"]),
    column(RECORDS, "skills_highlighted", &["ARRAY"]),
    column(RECORDS, "structured_output", JSONB),
    column(RECORDS, "qa_metrics", JSONB),
    column(RECORDS, "export_formats", JSONB),
    column(RECORDS, "created_at", TIMESTAMP),
    column(RECORDS, "updated_at", TIMESTAMP),
    column(RECORDS, "version", &["bigint"]),
    column(HISTORY, "resume_id", UUID),
    column(HISTORY, "version", &["bigint"]),
    column(HISTORY, "structured_output", JSONB),
    column(HISTORY, "qa_metrics", JSONB),
    column(HISTORY, "export_formats", JSONB),
    column(HISTORY, "optimized_content", TEXT),
    column(HISTORY, "match_score", &["integer"]),
    column(HISTORY, "note", TEXT),
    column(HISTORY, "actor", TEXT),
    column(HISTORY, "changes_summary", TEXT),
    column(HISTORY, "created_at", TIMESTAMP),
];

/// (column, access method) of the indexes the queries depend on.
const EXPECTED_INDEXES: &[(&str, &str)] = &[
    ("user_id", "btree"),
    ("structured_output", "gin"),
    ("qa_metrics", "gin"),
];

/// (table, column, type) of every column of the two tables, in the current schema.
async fn existing_columns(connection: &mut PgConnection) -> Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text \
         FROM information_schema.columns \
         WHERE table_name IN ('optimized_resumes', 'optimized_resume_versions') \
           AND table_schema = current_schema()",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the tables' columns"))
}

/// One check a column: there with a type resumectl works with, missing, or incompatible.
fn column_checks(existing: &[(String, String, String)]) -> Vec<SchemaCheck> {
    EXPECTED_COLUMNS
        .iter()
        .map(|expected| {
            let found = existing
                .iter()
                .find(|(table, name, _)| table == expected.table && name == expected.name)
                .map(|(_, _, found)| found.clone());
            let problem = match &found {
                None => Some("missing".to_string()),
                Some(found) if expected.types.contains(&found.as_str()) => None,
                Some(found) => Some(format!("incompatible type {found}")),
            };
            SchemaCheck {
                name: format!(
                    "column {}.{} ({})",
                    expected.table,
                    expected.name,
                    expected.types.join(" or ")
                ),
                ok: problem.is_none(),
                problem,
            }
        })
        .collect()
}

/// Refuses to migrate over tables that the migrations would not fix: a column there with
/// a type resumectl cannot use, or a history table that is someone else's (the
/// migration's CREATE TABLE IF NOT EXISTS would leave it as it is, and every write would
/// then fail). Nothing is changed.
pub(super) async fn refuse_foreign_tables(connection: &mut PgConnection) -> Result<()> {
    let existing = existing_columns(connection).await?;
    let history_exists = existing.iter().any(|(table, _, _)| table == HISTORY);
    let refused: Vec<String> = column_checks(&existing)
        .into_iter()
        .zip(EXPECTED_COLUMNS)
        .filter_map(|(check, expected)| {
            let problem = check.problem?;
            let fixed_by_migrating =
                problem == "missing" && (expected.table == RECORDS || !history_exists);
            (!fixed_by_migrating)
                .then(|| format!("{}.{}: {problem}", expected.table, expected.name))
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    let hint = if refused.iter().any(|line| line.starts_with(HISTORY)) {
        format!(
            "; a table named {HISTORY} that is not resumectl's history is in the way: \
             rename it (ALTER TABLE {HISTORY} RENAME TO ...) and migrate again"
        )
    } else {
        String::new()
    };
    Err(error::database(format!(
        "the existing tables cannot be used as they are ({}): nothing was migrated{hint}",
        refused.join(", ")
    )))
}

pub async fn status(connection: &mut PgConnection) -> Result<MigrationReport> {
    let applied = applied_versions(connection).await?;
    let mut migrations = Vec::new();
    for migration in MIGRATOR.iter() {
        let found = applied
            .iter()
            .find(|(version, _, _)| *version == migration.version);
        let state = match found {
            None => "pending",
            Some((_, checksum, _)) if checksum.as_slice() != &*migration.checksum => "changed",
            Some(_) => "applied",
        };
        migrations.push(MigrationState {
            version: migration.version,
            description: migration.description.to_string(),
            state,
            applied_at: found.and_then(|(_, _, at)| *at),
        });
    }

    let mut checks = column_checks(&existing_columns(connection).await?);

    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.attname::text, am.amname::text \
         FROM pg_index i \
         JOIN pg_class ix ON ix.oid = i.indexrelid \
         JOIN pg_am am ON am.oid = ix.relam \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
         WHERE i.indrelid = to_regclass('optimized_resumes') AND i.indpred IS NULL \
           AND i.indisvalid",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the table's indexes"))?;
    for (column, method) in EXPECTED_INDEXES {
        let ok = indexes
            .iter()
            .any(|(found_column, found_method)| found_column == column && found_method == method);
        checks.push(SchemaCheck {
            name: format!("{method} index on optimized_resumes.{column}"),
            ok,
            problem: (!ok).then(|| "missing".to_string()),
        });
    }

    // Every history row is written with ON CONFLICT (resume_id, version) or relies on it
    // being unique.
    let history_key: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_index i \
             WHERE i.indrelid = to_regclass('optimized_resume_versions') AND i.indisunique \
               AND i.indpred IS NULL \
               AND (SELECT array_agg(a.attname::text ORDER BY a.attname) \
                    FROM pg_attribute a \
                    WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) \
                   = ARRAY['resume_id', 'version'])",
    )
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the history table's keys"))?;
    checks.push(SchemaCheck {
        name: "unique key on optimized_resume_versions (resume_id, version)".into(),
        ok: history_key,
        problem: (!history_key).then(|| "missing".to_string()),
    });

    let up_to_date = migrations
        .iter()
        .all(|migration| migration.state == "applied")
        && checks.iter().all(|check| check.ok);
    Ok(MigrationReport {
        migrations,
        applied_now: Vec::new(),
        checks,
        up_to_date,
        search: super::search::describe(connection).await?,
    })
}
