//! `resumectl qa ID... | --document FILE | --all`: the four quality figures measured from
//! the document, with their evidence, one JSON line a document; `--write` keeps them in
//! qa_metrics; thresholds for CI (exit 8 below the bar).

use std::io::Write;

use anyhow::Result;
use clap::{ArgGroup, Args};
use clap_complete::ArgValueCandidates;

use crate::commands::args::WriteArgs;
use crate::commands::{Context, complete};
use crate::output::Output;
use crate::output::qa::QaStream;
use crate::values::parse_id;
use resumectl_core::error;
use resumectl_core::model::changes::WriteOptions;
use resumectl_core::ops;
use resumectl_core::ops::qa::{QaRequest, Thresholds};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["ids", "document", "all"])))]
#[command(after_help = "Examples:\n  \
    resumectl qa ID                                 # the figures and their evidence\n  \
    resumectl qa --document resume.json --min-coverage 70   # in CI, offline; exit 8 below\n  \
    resumectl qa --all --write --note 'measured'    # every record: qa_metrics kept\n  \
    resumectl qa --all --all-users | jq 'select(.coverage.value < 60) | .id'\n\n\
    The definitions are the contract in shared/docs/qa.md: coverage of the job's terms in \
    the ATS text, Flesch readability of the summary and bullets, repeated bullets, and \
    eight format checks.")]
pub struct QaArgs {
    /// Records to measure (UUIDs)
    #[arg(value_name = "ID", add = ArgValueCandidates::new(complete::record_ids))]
    pub ids: Vec<String>,

    /// Measure a document from a FILE (or '-'), offline: no database, no user
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["ids", "all", "write"])]
    pub document: Option<String>,

    /// Every record of the user that has a document, one line each, then a summary
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,

    /// With --all: every user's records (for support staff; says so on stderr)
    #[arg(long, requires = "all")]
    pub all_users: bool,

    /// Merge the four figures into each record's qa_metrics, as a new version (other keys
    /// stay)
    #[arg(long)]
    pub write: bool,

    #[command(flatten)]
    pub write_args: WriteArgs,

    /// Exit 8 when keyword coverage is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_coverage: Option<u32>,

    /// Exit 8 when readability is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_readability: Option<u32>,

    /// Exit 8 when there are more than N duplicate bullets
    #[arg(long, value_name = "N")]
    pub max_duplicates: Option<u32>,

    /// Exit 8 when format compliance is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_format_compliance: Option<u32>,
}

pub async fn run(args: &QaArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    let thresholds = Thresholds {
        min_coverage: args.min_coverage,
        min_readability: args.min_readability,
        max_duplicates: args.max_duplicates,
        min_format_compliance: args.min_format_compliance,
    };
    let shell = context.shell;
    let mut stream = QaStream::new(shell.format(), out, shell.colour());
    if let Some(document) = &args.document {
        let source = context.source(Some(document), "document")?;
        let report =
            ops::qa::measure_document(&source, context.settings.max_input_size, thresholds)?;
        stream.report(&report)?;
        return Ok(Output::Qa(stream.summary_of_one(&report)));
    }
    if !args.write && (args.write_args.if_version.is_some() || args.write_args.note.is_some()) {
        return Err(error::usage("--if-version and --note go with --write"));
    }
    let ids = args
        .ids
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<Vec<_>>>()?;
    if args.write_args.if_version.is_some() && (args.all || ids.len() != 1) {
        return Err(error::usage("--if-version needs exactly one record ID"));
    }
    let options = WriteOptions {
        event: None,
        if_version: args.write_args.if_version,
        note: Some(
            args.write_args
                .note
                .clone()
                .unwrap_or_else(|| "quality figures measured".into()),
        ),
    };
    let request = QaRequest {
        thresholds,
        write: args.write.then_some(&options),
    };
    let mut report = |line: &_| stream.line(line);
    let summary = if args.all {
        let user = if args.all_users {
            context
                .shell
                .note("measuring the records of every user (--all-users)");
            None
        } else {
            Some(context.user()?)
        };
        context
            .session(async |session| {
                ops::qa::measure_all(session, user, &request, &mut report).await
            })
            .await?
    } else {
        let user = context.user()?;
        context
            .session(async |session| {
                ops::qa::check_ids(session, user, &ids).await?;
                ops::qa::measure_records(session, user, &ids, &request, &mut report).await
            })
            .await?
    };
    Ok(Output::Qa(stream.finish(summary, args.all)))
}
