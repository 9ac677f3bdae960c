//! One write of a record as a new version, inside the caller's transaction: one statement
//! locks the row, checks the expected version, compares the new state with the stored one,
//! and only when it differs keeps the old state in its version's row and updates the
//! record, handing back the values it replaced. An equal state writes nothing: no version,
//! `updated_at` untouched. The new version's row, with its note and its summary of what
//! changed computed here from those values (`recorded.rs`), goes with the COMMIT: a write
//! takes the round trips it took before it had a summary.

mod recorded;

use anyhow::Result;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgRow, PgTypeInfo, Postgres};
use sqlx::{Arguments, Encode, FromRow, Row, Type};
use uuid::Uuid;

use crate::db::errors::map_error;
use crate::db::records::not_found;
use crate::db::session::Transaction;
use crate::db::writes::Written;
use crate::db::{columns, history};
use crate::document::LARGE_DOCUMENT;
use crate::error::{self, CliError, ErrorKind, Hint};
use crate::model::changes::{Change, RecordChanges, Saved, WriteOptions};
use crate::model::record::Record;

/// What a versioned write gives back.
#[derive(Debug, Clone, Copy)]
pub enum Returning {
    Record,
    /// The record with structured_output left out (the caller has the text it wrote).
    RecordWithoutDocument,
    /// The id and the version only.
    Written,
}

/// The type a column's old and new values are compared as.
#[derive(Debug, Clone, Copy)]
pub enum SqlType {
    Jsonb,
    Text,
    Integer,
}

impl SqlType {
    fn name(self) -> &'static str {
        match self {
            SqlType::Jsonb => "jsonb",
            SqlType::Text => "text",
            SqlType::Integer => "integer",
        }
    }
}

/// JSON text sent as a jsonb parameter: the server parses it once, when it binds it, however
/// often the statement names it (a text parameter cast to jsonb is parsed at each place).
pub struct JsonbText<'a>(pub &'a str);

impl Type<Postgres> for JsonbText<'_> {
    fn type_info() -> PgTypeInfo {
        <serde_json::Value as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for JsonbText<'_> {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        // jsonb's binary form: a version byte (1), then the text.
        buf.push(1);
        buf.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
}

/// A column the write sets, and its new value's SQL: a parameter, NULL, or an expression
/// over the locked record `a` and the joined source `v`.
struct Assignment {
    column: &'static str,
    sql_type: SqlType,
    value: String,
}

/// Builds the refusal when the record is there and at the expected version, but the
/// source a write reads from is not (a restore's version).
type Missing = Box<dyn FnOnce() -> anyhow::Error + Send>;

pub struct VersionedWrite<'a> {
    id: Uuid,
    user: &'a str,
    options: &'a WriteOptions,
    arguments: PgArguments,
    assignments: Vec<Assignment>,
    /// What the write is, said first in its summary ("restored from version 3").
    pub event: Option<String>,
    /// The note when the writer gives none.
    pub default_note: Option<String>,
    /// Joins the row the new state comes from to `a` (a restore's version).
    pub source: String,
    /// The document this write sets, as given: to summarise what it changed, and handed
    /// back as the record's (None when it sets none, or one too large to hold twice).
    document: Option<String>,
    /// It sets a document too large to keep that copy of: its parts are not compared.
    document_not_kept: bool,
    pub missing: Option<Missing>,
}

impl<'a> VersionedWrite<'a> {
    pub fn new(id: Uuid, user: &'a str, options: &'a WriteOptions) -> Self {
        VersionedWrite {
            id,
            user,
            options,
            arguments: PgArguments::default(),
            assignments: Vec::new(),
            event: options.event.clone(),
            default_note: None,
            source: String::new(),
            document: None,
            document_not_kept: false,
            missing: None,
        }
    }

    /// Adds a parameter and returns its placeholder, to be named as often as needed.
    pub fn bind<'t, T: Encode<'t, Postgres> + Type<Postgres>>(
        &mut self,
        value: T,
    ) -> Result<String> {
        self.arguments
            .add(value)
            .map_err(|failure| error::unexpected(format!("encoding a parameter: {failure}")))?;
        Ok(format!("${}", self.arguments.len()))
    }

    pub fn assign(&mut self, column: &'static str, sql_type: SqlType, value: String) {
        self.assignments.push(Assignment {
            column,
            sql_type,
            value,
        });
    }

    /// Sets what `changes` changes. Each value is encoded (and freed) here: a 10 MB
    /// document is not held twice on the way.
    pub fn assign_changes(&mut self, changes: RecordChanges) -> Result<()> {
        if let Some(title) = changes.title {
            let value = self.bind(title)?;
            self.assign("title", SqlType::Text, value);
        }
        if let Some(content) = changes.optimized_content {
            let value = self.bind(content)?;
            self.assign("optimized_content", SqlType::Text, value);
        }
        match changes.match_score {
            Change::Keep => {}
            Change::Set(score) => {
                let value = self.bind(score)?;
                self.assign("match_score", SqlType::Integer, value);
            }
            Change::Clear => self.assign("match_score", SqlType::Integer, "NULL".into()),
        }
        for (column, change) in [
            ("structured_output", changes.structured_output),
            ("qa_metrics", changes.qa_metrics),
            ("export_formats", changes.export_formats),
        ] {
            match change {
                Change::Keep => {}
                Change::Set(text) => {
                    let value = self.bind(JsonbText(&text))?;
                    self.assign(column, SqlType::Jsonb, value);
                    if column == "structured_output" {
                        match text.len() <= LARGE_DOCUMENT {
                            true => self.document = Some(text),
                            false => self.document_not_kept = true,
                        }
                    }
                }
                Change::Clear => self.assign(column, SqlType::Jsonb, "NULL".into()),
            }
        }
        Ok(())
    }

    /// Runs the write and returns the record as it now is.
    pub async fn saved(
        self,
        transaction: &mut Transaction<'_>,
        returning: Returning,
    ) -> Result<Saved> {
        let (row, sent) = self.run(transaction, returning).await?;
        let read = |error| map_error(error, "reading the written record");
        let mut record = Record::from_row(&row).map_err(read)?;
        if matches!(returning, Returning::RecordWithoutDocument) {
            record.structured_output = sent;
        }
        Ok(Saved {
            record,
            unchanged: row.try_get("unchanged").map_err(read)?,
        })
    }

    /// Runs the write and returns its id, version and whether it changed anything.
    pub async fn written(self, transaction: &mut Transaction<'_>) -> Result<Written> {
        let (row, _) = self.run(transaction, Returning::Written).await?;
        Written::from_row(&row).map_err(|error| map_error(error, "reading the written record"))
    }

    /// Runs the write; the row it returns has the columns `returning` names,
    /// `unchanged`, and what the write replaced. Also hands back the document it sent,
    /// when it kept it (one of up to `LARGE_DOCUMENT`). The record as it is when nothing was
    /// written comes from the locked row (`kept_` columns): a second read of it, a UNION
    /// of the two, took half a millisecond more to plan.
    async fn run(
        mut self,
        transaction: &mut Transaction<'_>,
        returning: Returning,
    ) -> Result<(PgRow, Option<String>)> {
        // The record's columns as read from `at` a column's name.
        let record = |at: &dyn Fn(&str) -> String| match returning {
            Returning::Record => columns::record_columns(true, at),
            Returning::RecordWithoutDocument => columns::record_columns(false, at),
            Returning::Written => vec![(at("id"), "id"), (at("version"), "version")],
        };
        let joined = |items: Vec<String>| items.join(", ");
        let written = joined(
            record(&|name| format!("r.{name}"))
                .into_iter()
                .map(|(expression, name)| format!("{expression} AS {name}"))
                .collect(),
        );
        // The locked row carries the columns as stored (`kept_title`): read as the record's
        // fields (casts, documents as text) only when nothing was written.
        let from_locked = record(&|name| format!("l.kept_{name}"));
        let kept = joined(
            from_locked
                .iter()
                .filter(|(expression, name)| expression.contains(&format!("l.kept_{name}")))
                .map(|(_, name)| format!("r.{name} AS kept_{name}"))
                .collect(),
        );
        let chosen = joined(
            from_locked
                .into_iter()
                .map(|(expression, name)| {
                    format!(
                        "CASE WHEN w.history_id IS NULL THEN {expression} ELSE w.{name} END \
                         AS {name}"
                    )
                })
                .collect(),
        );
        let id = self.bind(self.id)?;
        let user = self.bind(self.user)?;
        let expected = self.bind(self.options.if_version)?;
        let source = &self.source;
        let sets: String = self
            .assignments
            .iter()
            .map(|set| format!(", {} = {}", set.column, set.value))
            .collect();
        // The stored state and the new one compared as their stored bytes (jsonb's binary
        // form): a document re-serialised but equal is the same, 1.0 for 1 is not.
        let (stored, proposed): (Vec<String>, Vec<String>) = self
            .assignments
            .iter()
            .map(|set| {
                let cast = set.sql_type.name();
                (
                    format!("r.{}::{cast}", set.column),
                    format!("({})::{cast}", set.value),
                )
            })
            .unzip();
        let replaced = recorded::replaced_columns(&self.assignments);
        // `found`: the write went ahead, or would have and had nothing to change (the
        // expected version, and a restore's version there).
        let sql = format!(
            "WITH locked AS (SELECT {locked}, {kept} FROM optimized_resumes r \
                 WHERE r.id = {id} AND r.user_id = {user} FOR UPDATE), \
             allowed AS (SELECT * FROM locked l \
                 WHERE {expected}::bigint IS NULL OR l.version = {expected}), \
             written AS (UPDATE optimized_resumes r SET updated_at = now(), \
                 version = r.version + 1{sets} \
                 FROM allowed a{source} \
                 WHERE r.id = a.id AND NOT record_image_eq(row({stored}), row({proposed})) \
                 RETURNING {written}, r.id AS history_id, {replaced}), \
             {superseded} \
             SELECT l.version AS current_version, \
                 w.history_id IS NOT NULL OR EXISTS (SELECT FROM allowed a{source}) AS found, \
                 w.history_id IS NULL AS unchanged, {chosen}, {replaced_names} \
             FROM locked l LEFT JOIN written w ON true",
            locked = history::LOCKED_STATE,
            stored = stored.join(", "),
            proposed = proposed.join(", "),
            superseded = history::superseded_cte("allowed a JOIN written w ON w.history_id = a.id"),
            replaced_names = recorded::replaced_names(),
        );
        // A version row still waiting for the COMMIT goes first: this statement may
        // supersede it (a batch writing one record twice in one transaction).
        transaction.send_waiting_for(self.id).await?;
        let arguments = std::mem::take(&mut self.arguments);
        let row = sqlx::query_with(sqlx::AssertSqlSafe(sql), arguments)
            .persistent(false)
            .fetch_optional(&mut **transaction)
            .await
            .map_err(|error| map_error(error, "writing the record"))?
            .ok_or_else(|| not_found(self.id))?;
        let found: bool = row
            .try_get("found")
            .map_err(|error| map_error(error, "reading the written record"))?;
        if found {
            let unchanged: bool = row
                .try_get("unchanged")
                .map_err(|error| map_error(error, "reading the written record"))?;
            if !unchanged {
                self.record(transaction, &row)?;
            }
            return Ok((row, self.document.take()));
        }
        let current: i64 = row
            .try_get("current_version")
            .map_err(|error| map_error(error, "reading the record's version"))?;
        match self.options.if_version {
            Some(expected) if expected != current => Err(CliError::new(
                ErrorKind::Conflict,
                format!(
                    "record {} is at version {current}, not {expected}: it changed since \
                     you read it, so nothing was written",
                    self.id
                ),
            )
            .with_hint(Hint::ReadAgain { id: self.id })
            .into()),
            _ => Err(match self.missing.take() {
                Some(missing) => missing(),
                None => not_found(self.id),
            }),
        }
    }
}
