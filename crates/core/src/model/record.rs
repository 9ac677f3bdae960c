//! A row of `optimized_resumes`: its columns, listed once. Every column the web
//! application may leave NULL is an `Option` (real tables have nullable ids, titles,
//! summaries, scores, arrays and timestamps). Adding a column means a field and a
//! `Column` here, one migration, and its select expression in `db/columns.rs`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One record. JSON columns are kept as the text PostgreSQL gave: they are printed, not
/// inspected, and their numbers keep every digit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Record {
    pub id: Uuid,
    pub user_id: String,
    pub title: Option<String>,
    /// Advanced by every write; a write's expected version is compared against it.
    pub version: i64,
    pub original_resume_id: Option<Uuid>,
    pub job_analysis_id: Option<Uuid>,
    pub match_score: Option<i32>,
    pub optimized_content: Option<String>,
    pub optimization_summary: Option<String>,
    pub improvements_made: Option<Vec<String>>,
    pub keywords_added: Option<Vec<String>>,
    pub skills_highlighted: Option<Vec<String>>,
    pub structured_output: Option<String>,
    pub qa_metrics: Option<String>,
    pub export_formats: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The columns, in the order a record is shown (JSON keys, table rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    UserId,
    Title,
    Version,
    OriginalResumeId,
    JobAnalysisId,
    MatchScore,
    OptimizedContent,
    OptimizationSummary,
    ImprovementsMade,
    KeywordsAdded,
    SkillsHighlighted,
    StructuredOutput,
    QaMetrics,
    ExportFormats,
    CreatedAt,
    UpdatedAt,
}

/// One column's value, in the form `save` accepts back.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON text (a JSON column as stored, a number, an array of strings); None is NULL.
    Json(Option<String>),
    /// Text shown byte for byte; None is NULL.
    Text(Option<String>),
}

impl Column {
    pub const ALL: [Column; 17] = [
        Column::Id,
        Column::UserId,
        Column::Title,
        Column::Version,
        Column::OriginalResumeId,
        Column::JobAnalysisId,
        Column::MatchScore,
        Column::OptimizedContent,
        Column::OptimizationSummary,
        Column::ImprovementsMade,
        Column::KeywordsAdded,
        Column::SkillsHighlighted,
        Column::StructuredOutput,
        Column::QaMetrics,
        Column::ExportFormats,
        Column::CreatedAt,
        Column::UpdatedAt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::UserId => "user_id",
            Column::Title => "title",
            Column::Version => "version",
            Column::OriginalResumeId => "original_resume_id",
            Column::JobAnalysisId => "job_analysis_id",
            Column::MatchScore => "match_score",
            Column::OptimizedContent => "optimized_content",
            Column::OptimizationSummary => "optimization_summary",
            Column::ImprovementsMade => "improvements_made",
            Column::KeywordsAdded => "keywords_added",
            Column::SkillsHighlighted => "skills_highlighted",
            Column::StructuredOutput => "structured_output",
            Column::QaMetrics => "qa_metrics",
            Column::ExportFormats => "export_formats",
            Column::CreatedAt => "created_at",
            Column::UpdatedAt => "updated_at",
        }
    }
}

impl Record {
    /// The text of a JSON column (None when NULL); None for the other columns. Borrowed:
    /// a document may be 10 MB.
    pub fn json_text(&self, column: Column) -> Option<Option<&str>> {
        match column {
            Column::OptimizationSummary => Some(self.optimization_summary.as_deref()),
            Column::StructuredOutput => Some(self.structured_output.as_deref()),
            Column::QaMetrics => Some(self.qa_metrics.as_deref()),
            Column::ExportFormats => Some(self.export_formats.as_deref()),
            _ => None,
        }
    }

    /// The value of one column.
    pub fn value(&self, column: Column) -> Value {
        let uuid = |id: Option<Uuid>| Value::Text(id.map(|id| id.to_string()));
        let list = |items: &Option<Vec<String>>| {
            Value::Json(
                items
                    .as_ref()
                    .map(|items| serde_json::to_string(items).expect("a list of strings is JSON")),
            )
        };
        let time = |at: Option<DateTime<Utc>>| Value::Text(at.map(rfc3339));
        match column {
            Column::Id => Value::Text(Some(self.id.to_string())),
            Column::UserId => Value::Text(Some(self.user_id.clone())),
            Column::Title => Value::Text(self.title.clone()),
            Column::Version => Value::Json(Some(self.version.to_string())),
            Column::OriginalResumeId => uuid(self.original_resume_id),
            Column::JobAnalysisId => uuid(self.job_analysis_id),
            Column::MatchScore => Value::Json(self.match_score.map(|score| score.to_string())),
            Column::OptimizedContent => Value::Text(self.optimized_content.clone()),
            Column::OptimizationSummary => Value::Json(self.optimization_summary.clone()),
            Column::ImprovementsMade => list(&self.improvements_made),
            Column::KeywordsAdded => list(&self.keywords_added),
            Column::SkillsHighlighted => list(&self.skills_highlighted),
            Column::StructuredOutput => Value::Json(self.structured_output.clone()),
            Column::QaMetrics => Value::Json(self.qa_metrics.clone()),
            Column::ExportFormats => Value::Json(self.export_formats.clone()),
            Column::CreatedAt => time(self.created_at),
            Column::UpdatedAt => time(self.updated_at),
        }
    }
}

/// A time as every output shows it: RFC 3339 in UTC, `Z`, fractions only when present.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
