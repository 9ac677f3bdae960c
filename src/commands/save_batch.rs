//! `resumectl save --ndjson [FILE|-]`: a batch load, one save body a line, each line's
//! report on stdout as it is known, in input order.

use std::io::Write;

use anyhow::Result;

use crate::commands::Context;
use crate::commands::save::SaveArgs;
use crate::output::Output;
use crate::output::stream::Stream;
use resumectl_core::error;
use resumectl_core::input::Source;
use resumectl_core::input::lines::LineReader;
use resumectl_core::ops::batch::{self, BatchRequest};

pub async fn run(args: &SaveArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    let user = context.user()?;
    let given_elsewhere = args.new
        || args.title.is_some()
        || args.qa_metrics.is_some()
        || args.export_formats.is_some()
        || args.optimized_content.is_some()
        || args.match_score.is_some()
        || !args.clear.is_empty()
        || args.write.if_version.is_some()
        || args.original_resume_id.is_some()
        || args.job_analysis_id.is_some();
    if given_elsewhere {
        return Err(error::usage(
            "save --ndjson takes its fields from each line: only FILE, --atomic and --note \
             go on the command line",
        ));
    }
    let file = match (&args.id, &args.file) {
        (Some(_), Some(_)) => {
            return Err(error::usage(
                "save --ndjson takes one input, FILE or '-' (ids go in the lines)",
            ));
        }
        (first, None) => first.clone(),
        (None, second) => second.clone(),
    };
    let source = context.source(file.as_deref(), "NDJSON input")?;
    let reader = source.open()?;
    let total_bytes = match &source {
        Source::File(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
        Source::Stdin => None,
    };
    let settings = context.settings;
    let connect = context.connect_options()?;
    let show_progress = context.shell.terminal().stderr && !settings.no_input;
    let mut stream = Stream::new(context.shell.format(), out, total_bytes, show_progress)
        .for_batch(args.atomic)?;
    let request = BatchRequest {
        user: user.to_string(),
        note: args.write.note.clone(),
        atomic: args.atomic,
        jobs: usize::from(args.jobs),
        source: source.label(),
    };
    let lines = LineReader::spawn(reader, settings.max_input_size);
    let loaded = batch::load(&connect, request, lines, &mut stream).await;
    stream.finish();
    let mut summary = loaded?;
    summary.output_lost_after = stream.output_lost();
    if let Some(after_line) = summary.output_lost_after {
        context.shell.note(&format!(
            "stdout failed after the report of line {after_line}; the batch went on to the \
             end: {} written ({} created, {} updated), {} skipped, {} failed{}",
            summary.written,
            summary.created,
            summary.updated,
            summary.skipped,
            summary.failed,
            if summary.rolled_back > 0 {
                format!(", {} rolled back", summary.rolled_back)
            } else {
                String::new()
            }
        ));
    }
    Ok(Output::Batch(summary))
}
