//! `resumectl set-qa ID`: set QA metrics from flags (merged into the existing object) or
//! from a file (replacing it).

use anyhow::Result;
use clap::Args;
use serde_json::{Map, Value};

use crate::commands::Context;
use crate::commands::args::{RecordIdArg, WriteArgs};
use crate::output::Output;
use resumectl_core::document::DocumentKind;
use resumectl_core::error;
use resumectl_core::model::changes::{Change, RecordChanges};
use resumectl_core::ops;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl set-qa ID --coverage 88 --readability 92 --duplicates 0\n  \
    resumectl set-qa ID metrics.json")]
pub struct SetQaArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// A whole qa_metrics object from a FILE (or '-'), replacing the stored one
    #[arg(value_name = "FILE|-", conflicts_with_all = ["coverage", "readability", "format_compliance", "duplicates"])]
    pub file: Option<String>,

    /// Keyword coverage, percent (0-100)
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    pub coverage: Option<String>,

    /// Readability, percent (0-100)
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    pub readability: Option<String>,

    /// Format compliance, percent (0-100)
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    pub format_compliance: Option<String>,

    /// Duplicate count (a whole number, 0 or more)
    #[arg(long, value_name = "COUNT", allow_negative_numbers = true)]
    pub duplicates: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,
}

pub async fn run(args: &SetQaArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let merge = metrics_from_flags(args)?;
    let options = args.write.options();
    let saved = if merge.is_empty() {
        let source = context.source(args.file.as_deref(), "qa_metrics")?;
        let text = source
            .read_document(DocumentKind::QaMetrics, context.settings.max_input_size)?
            .text;
        let changes = RecordChanges {
            qa_metrics: Change::Set(text),
            ..RecordChanges::default()
        };
        context
            .session(async |session| ops::save::update(session, user, id, changes, &options).await)
            .await?
    } else {
        let merge = Value::Object(merge).to_string();
        context
            .session(async |session| {
                ops::save::merge_qa_metrics(session, user, id, &merge, &options).await
            })
            .await?
    };
    Ok(Output::Saved(Box::new(saved)))
}

fn metrics_from_flags(args: &SetQaArgs) -> Result<Map<String, Value>> {
    let mut metrics = Map::new();
    for (flag, key, value) in [
        ("--coverage", "coverage", &args.coverage),
        ("--readability", "readability", &args.readability),
        (
            "--format-compliance",
            "format_compliance",
            &args.format_compliance,
        ),
    ] {
        if let Some(text) = value {
            metrics.insert(key.to_string(), parse_percent(flag, text)?);
        }
    }
    if let Some(text) = &args.duplicates {
        let count: u64 = text.trim().parse().map_err(|_| {
            error::invalid(format!(
                "--duplicates '{}' is not a count: expected a whole number, 0 or more",
                text.escape_debug()
            ))
        })?;
        metrics.insert("duplicates".into(), Value::from(count));
    }
    Ok(metrics)
}

/// A percentage as a JSON number: whole numbers stay integers (88, not 88.0).
fn parse_percent(flag: &str, text: &str) -> Result<Value> {
    let number: f64 = text
        .trim()
        .parse()
        .ok()
        .filter(|number: &f64| number.is_finite())
        .ok_or_else(|| {
            error::invalid(format!(
                "{flag} '{}' is not a number from 0 to 100",
                text.escape_debug()
            ))
        })?;
    if !(0.0..=100.0).contains(&number) {
        return Err(error::invalid(format!(
            "{flag} {number} is out of range: expected 0 to 100"
        )));
    }
    Ok(if number.fract() == 0.0 {
        Value::from(number as i64)
    } else {
        Value::from(number)
    })
}
