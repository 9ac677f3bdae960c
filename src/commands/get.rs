//! `resumectl get ID [--field NAME]`: print a record, or one column in a form `save`
//! accepts back.

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::records::{self, Record};
use crate::db::versions;
use crate::output::{FieldValue, Output};

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The record id (a UUID)
    pub id: String,

    /// Print only this column: JSON columns as JSON, text columns raw
    #[arg(long, value_enum, value_name = "NAME")]
    pub field: Option<Field>,

    /// Print the record as it was at version N (see `resumectl history ID`)
    #[arg(long, value_name = "N")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Field {
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

pub async fn run(args: &GetArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    let mut connection = context.connect().await?;
    let record = match args.version {
        Some(version) => versions::fetch(&mut connection, user, id, version).await?,
        None => records::fetch(&mut connection, user, id).await?,
    };
    db::close(connection).await;
    Ok(match args.field {
        None => Output::Record(Box::new(record)),
        Some(field) => Output::Field(field_value(record, field)),
    })
}

fn field_value(record: Record, field: Field) -> FieldValue {
    let json_list = |list: Option<Vec<String>>| {
        FieldValue::Json(list.map(|items| serde_json::to_string(&items).expect("strings")))
    };
    let timestamp = |at: Option<chrono::DateTime<chrono::Utc>>| {
        FieldValue::Text(at.map(|at| at.to_rfc3339()).unwrap_or_default())
    };
    match field {
        Field::Id => FieldValue::Text(record.id.to_string()),
        Field::UserId => FieldValue::Text(record.user_id),
        Field::Title => FieldValue::Text(record.title),
        Field::Version => FieldValue::Json(Some(record.version.to_string())),
        Field::OriginalResumeId => FieldValue::Text(record.original_resume_id.to_string()),
        Field::JobAnalysisId => FieldValue::Text(record.job_analysis_id.to_string()),
        Field::MatchScore => FieldValue::Json(record.match_score.map(|score| score.to_string())),
        Field::OptimizedContent => FieldValue::Text(record.optimized_content),
        Field::OptimizationSummary => FieldValue::Json(record.optimization_summary),
        Field::ImprovementsMade => json_list(record.improvements_made),
        Field::KeywordsAdded => json_list(record.keywords_added),
        Field::SkillsHighlighted => json_list(record.skills_highlighted),
        Field::StructuredOutput => FieldValue::Json(record.structured_output),
        Field::QaMetrics => FieldValue::Json(record.qa_metrics),
        Field::ExportFormats => FieldValue::Json(record.export_formats),
        Field::CreatedAt => timestamp(record.created_at),
        Field::UpdatedAt => timestamp(record.updated_at),
    }
}
