//! What the commands that read and write whole records report: a listing, a history, a
//! diff, an export, a migration. Plain data, serialised as the JSON output.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// One line of `resumectl list`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ListedRecord {
    pub id: Uuid,
    /// Shown only when the listing crossed users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub title: Option<String>,
    pub match_score: Option<i32>,
    /// qa.scores.keyword_coverage_0_to_100 of the current document.
    pub keyword_coverage: Option<Value>,
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
    /// Where this record stands in the listing's order: a listing continues after
    /// it.
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// Where a page ended: the last record's place in the order (updated_at descending,
/// NULLs last, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub updated_at: Option<DateTime<Utc>>,
    pub id: Uuid,
}

impl ListCursor {
    pub fn of(record: &ListedRecord) -> ListCursor {
        ListCursor {
            updated_at: record.updated_at,
            id: record.id,
        }
    }

    /// As a person passes it back: "2026-12-02T16:13:55.754038Z/<id>" ("none/<id>" for
    /// a record without updated_at). Exact to the microsecond, as PostgreSQL keeps it.
    pub fn token(&self) -> String {
        let at = match self.updated_at {
            Some(at) => at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            None => "none".into(),
        };
        format!("{at}/{}", self.id)
    }

    /// The cursor `token` wrote; None for anything else.
    pub fn parse(text: &str) -> Option<ListCursor> {
        let (at, id) = text.trim().split_once('/')?;
        let updated_at = match at {
            "none" => None,
            at => Some(DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc)),
        };
        Some(ListCursor {
            updated_at,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// A page of `resumectl list`, and what a person should know about it.
#[derive(Debug, Clone)]
pub struct Listing {
    pub records: Vec<ListedRecord>,
    /// The listing crossed users: show whose each record is.
    pub all_users: bool,
    /// The page was full: the offset of the next one.
    pub next_offset: Option<i64>,
    /// The page was full: where the next one starts (keyset paging).
    pub next: Option<ListCursor>,
}

/// A page of `resumectl history`: versions oldest first, and the version the older ones
/// come before, when there are more.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub versions: Vec<VersionSummary>,
    pub older: Option<i64>,
}

/// One line of `resumectl history`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VersionSummary {
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Who wrote it (None: written before resumectl recorded it, or by another program).
    pub actor: Option<String>,
    /// What it changed, in plain words ("summary edited; skills: 3 added").
    pub changes_summary: Option<String>,
    pub match_score: Option<i32>,
    /// qa.scores.keyword_coverage_0_to_100 of that version's document.
    pub keyword_coverage: Option<Value>,
    pub document_bytes: Option<i32>,
}

impl VersionSummary {
    /// The note, unless it only says again what the summary opens with: the notes written
    /// when none is given ("created", "restored version 3", "imported from jsonresume").
    pub fn own_note(&self) -> Option<&str> {
        let note = self.note.as_deref()?;
        let summary = self.changes_summary.as_deref().unwrap_or_default();
        let event = summary.split(": ").next().unwrap_or_default();
        let restored = (
            note.strip_prefix("restored "),
            event.strip_prefix("restored from "),
        );
        let repeated = note == event || matches!(restored, (Some(a), Some(b)) if a == b);
        (!repeated).then_some(note)
    }
}

/// One change between two versions of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathChange {
    /// "added", "removed" or "changed".
    pub op: &'static str,
    /// RFC 6901 JSON pointer; "" is the whole document.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// What changed in structured_output between two versions.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub id: Uuid,
    pub from: i64,
    pub to: i64,
    pub changes: Vec<PathChange>,
}

/// The formats `export` writes (their descriptions for people: the binary's `values.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Txt,
    Md,
    Html,
    Docx,
    Pdf,
    /// A page of the PDF as an image (a preview, a thumbnail).
    Png,
    Jsonresume,
}

impl ExportFormat {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Txt => "txt",
            ExportFormat::Md => "md",
            ExportFormat::Html => "html",
            ExportFormat::Docx => "docx",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Png => "png",
            ExportFormat::Jsonresume => "json",
        }
    }

    /// The format's name, as the command line takes it.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonresume => "jsonresume",
            other => other.extension(),
        }
    }

    pub fn is_binary(self) -> bool {
        matches!(
            self,
            ExportFormat::Docx | ExportFormat::Pdf | ExportFormat::Png
        )
    }

    /// Typeset by a template (a theme, design options, a language apply).
    pub fn is_typeset(self) -> bool {
        matches!(self, ExportFormat::Pdf | ExportFormat::Png)
    }

    /// Laid out from `resume_json` with headings and dates of resumectl's own, which a
    /// language writes (txt is the document's text, a JSON Resume its data).
    pub fn is_laid_out(self) -> bool {
        self.is_typeset()
            || matches!(
                self,
                ExportFormat::Md | ExportFormat::Html | ExportFormat::Docx
            )
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What `export` did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub id: Uuid,
    pub format: ExportFormat,
    pub version: i64,
    /// None when written to stdout.
    pub path: Option<PathBuf>,
    pub bytes: u64,
    pub sha256: String,
    /// True when the file from an earlier export of the same version was kept (with
    /// an upload: the object already in the store, and the local file when one was named).
    pub reused: bool,
    /// With an upload: the object's URL, in the store's scheme, as recorded in
    /// export_formats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// With an upload: until when the web application may hand out `url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// When asked for: a time-limited https URL for sharing; not stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presigned_url: Option<String>,
    /// What the user should know about the file (a PDF's characters no font has, the
    /// template's warnings); also said on stderr.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// False when the record moved on while it was exported: the file shows an older
    /// version and is not noted in export_formats.
    #[serde(skip)]
    pub noted: bool,
}

/// One embedded migration and where the database stands with it.
#[derive(Debug, Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    /// "applied", "pending", or "changed" (applied, but the embedded file differs).
    pub state: &'static str,
    pub applied_at: Option<DateTime<Utc>>,
}

/// One thing resumectl relies on in the schema.
#[derive(Debug, Serialize)]
pub struct SchemaCheck {
    pub name: String,
    pub ok: bool,
    /// What is wrong: "missing", or "incompatible type ...".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A migration `migrate` would apply (a dry run lists them).
#[derive(Debug, Serialize)]
pub struct PendingMigration {
    pub version: i64,
    pub description: String,
    /// Applied in a transaction of its own (all of it or none).
    pub in_transaction: bool,
    pub sql: String,
}

#[derive(Debug, Serialize)]
pub struct MigrationReport {
    pub migrations: Vec<MigrationState>,
    /// Versions this run applied (empty for `migrate status`, or when up to date).
    pub applied_now: Vec<i64>,
    pub checks: Vec<SchemaCheck>,
    pub up_to_date: bool,
    /// How a listing's text search is served: trigram indexes, or a scan and why.
    pub search: SearchIndexing,
}

/// How a listing's text search is served. JSON: `"search": {"indexed": bool, "state":
/// "indexed" | "indexes_missing" | "not_installed" | "unavailable" | "not_created" |
/// "not_built", "reason": the server's message, when it gave one}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchIndexing {
    /// Trigram indexes (pg_trgm) on title and optimized_content.
    Indexed,
    /// pg_trgm is installed, the indexes are not (yet) built.
    IndexesMissing,
    /// pg_trgm is not installed; the server has it.
    NotInstalled,
    /// The server has no pg_trgm.
    Unavailable,
    /// pg_trgm could not be created: the server's reason.
    NotCreated(String),
    /// An index could not be built: the server's reason.
    NotBuilt(String),
}

impl SearchIndexing {
    pub fn indexed(&self) -> bool {
        *self == SearchIndexing::Indexed
    }

    pub fn state(&self) -> &'static str {
        match self {
            SearchIndexing::Indexed => "indexed",
            SearchIndexing::IndexesMissing => "indexes_missing",
            SearchIndexing::NotInstalled => "not_installed",
            SearchIndexing::Unavailable => "unavailable",
            SearchIndexing::NotCreated(_) => "not_created",
            SearchIndexing::NotBuilt(_) => "not_built",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            SearchIndexing::NotCreated(reason) | SearchIndexing::NotBuilt(reason) => Some(reason),
            _ => None,
        }
    }
}

impl Serialize for SearchIndexing {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("indexed", &self.indexed())?;
        map.serialize_entry("state", self.state())?;
        if let Some(reason) = self.reason() {
            map.serialize_entry("reason", reason)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_exactly() {
        let at = DateTime::parse_from_rfc3339("2026-12-02T16:13:55.754038Z")
            .unwrap()
            .with_timezone(&Utc);
        for updated_at in [Some(at), None] {
            let cursor = ListCursor {
                updated_at,
                id: Uuid::new_v4(),
            };
            assert_eq!(ListCursor::parse(&cursor.token()), Some(cursor));
        }
        assert!(ListCursor::parse("yesterday/x").is_none());
        assert!(ListCursor::parse("2026-12-02").is_none());
    }

    fn own_note(note: &str, summary: &str) -> Option<String> {
        let version = VersionSummary {
            version: 2,
            created_at: chrono::Utc::now(),
            note: Some(note.into()),
            actor: None,
            changes_summary: Some(summary.into()),
            match_score: None,
            keyword_coverage: None,
            document_bytes: None,
        };
        version.own_note().map(str::to_owned)
    }

    #[test]
    fn a_note_that_repeats_the_summary_is_left_out() {
        assert_eq!(own_note("created", "created"), None);
        assert_eq!(
            own_note(
                "restored version 3",
                "restored from version 3: skills: 2 removed"
            ),
            None
        );
        assert_eq!(
            own_note("imported from jsonresume", "imported from jsonresume"),
            None
        );
        assert_eq!(
            own_note("restored version 3", "restored from version 2"),
            Some("restored version 3".into())
        );
        assert_eq!(
            own_note("tightened summary", "summary edited"),
            Some("tightened summary".into())
        );
    }
}
