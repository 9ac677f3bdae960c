//! `resumectl list`: find records by title, plain text or document contents, newest first.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::output::Output;
use resumectl_core::document::strict_json;
use resumectl_core::error;
use resumectl_core::model::reports::ListCursor;
use resumectl_core::ops;
use resumectl_core::ops::ListFilter;

/// The most rows one page may ask for; a bigger export is a job for `get` per id.
const MAX_LIMIT: i64 = 10_000;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl list --search acme\n  \
    resumectl list --contains '{\"analysis\":{\"seniority\":\"Senior\"}}'\n  \
    resumectl list --contains '{\"analysis\":{\"must_have_skills\":[\"Kafka\"]}}' --all-users\n  \
    resumectl list --limit 100 --jq '.[].id'\n  \
    resumectl list --limit 100 --after \"$(resumectl list --limit 100 --jq '.[-1].cursor')\"")]
pub struct ListArgs {
    /// Case-insensitive text to find in the title or the plain-text resume
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Only records whose structured_output contains this JSON object (PostgreSQL's @>:
    /// nested keys must match, arrays must include the given items)
    #[arg(long, value_name = "JSON")]
    pub contains: Option<String>,

    /// Every user's records, with a user column (for support staff; says so on stderr)
    #[arg(long)]
    pub all_users: bool,

    /// At most N records
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(i64).range(1..=MAX_LIMIT))]
    pub limit: i64,

    /// Skip the first N records (the next page: --offset of the previous plus its --limit)
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(i64).range(0..))]
    pub offset: i64,

    /// Continue after this record: the `cursor` of a listed record, or the one the note
    /// names (a page at the cost of the first, however deep)
    #[arg(long, value_name = "CURSOR", conflicts_with = "offset")]
    pub after: Option<String>,

    /// Only records whose stored qa_metrics coverage is below N (as `qa --write` keeps it)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=100))]
    pub below_coverage: Option<i64>,

    /// Only records whose stored readability is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=100))]
    pub below_readability: Option<i64>,

    /// Only records whose stored format compliance is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=100))]
    pub below_format_compliance: Option<i64>,

    /// Only records with more than N stored duplicates
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub above_duplicates: Option<i64>,

    /// Print the plan PostgreSQL chooses for this listing instead of the records
    #[arg(long)]
    pub explain: bool,
}

pub async fn run(args: &ListArgs, context: &Context<'_>) -> Result<Output> {
    let user = if args.all_users {
        None
    } else {
        Some(context.user()?.to_string())
    };
    let contains = args.contains.as_deref().map(check_contains).transpose()?;
    if let Some(search) = &args.search
        && search.contains('\0')
    {
        return Err(error::invalid("--search contains a NUL character"));
    }
    let filter = ListFilter {
        user,
        search: args.search.clone().filter(|text| !text.is_empty()),
        contains,
        figures: [
            ("coverage", args.below_coverage, true),
            ("readability", args.below_readability, true),
            ("format_compliance", args.below_format_compliance, true),
            ("duplicates", args.above_duplicates, false),
        ]
        .into_iter()
        .filter_map(|(key, bound, below)| Some((key, bound?, below)))
        .collect(),
        limit: args.limit,
        offset: args.offset,
        after: args.after.as_deref().map(parse_cursor).transpose()?,
    };
    if args.explain {
        let plan = context
            .session(async |session| ops::list::explain(session, &filter).await)
            .await?;
        return Ok(Output::Raw(plan.join("\n") + "\n"));
    }
    let listing = context
        .session(async |session| ops::list::list(session, &filter).await)
        .await?;
    Ok(Output::List(listing))
}

/// A cursor as `list` printed it.
fn parse_cursor(text: &str) -> Result<ListCursor> {
    ListCursor::parse(text).ok_or_else(|| {
        error::usage(format!(
            "--after '{}' is not a cursor `list` printed (a listed record's \"cursor\", \
             such as 2026-12-02T16:13:55.754038Z/<id>)",
            text.escape_debug()
        ))
    })
}

/// `--contains` must be strict JSON and an object: a document is an object, so anything
/// else would match nothing, silently.
fn check_contains(text: &str) -> Result<String> {
    let (value, _) = strict_json::parse_strict(text.as_bytes())
        .map_err(|problem| error::invalid(format!("--contains: {problem}")))?;
    if !value.is_object() {
        return Err(error::invalid(format!(
            "--contains must be a JSON object such as '{{\"analysis\":{{\"seniority\":\"Senior\"}}}}', \
             found {}",
            resumectl_core::document::json_type_name(&value)
        )));
    }
    Ok(text.to_string())
}
