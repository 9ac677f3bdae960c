//! `resumectl import`: a resume from a JSON Resume file or a LinkedIn data export, made
//! into a structured_output and saved as `save` saves one (a new record, or with --id a
//! new version), with a note for every input field that found no place in it.

use anyhow::Result;
use clap::{Args, ValueEnum};
use clap_complete::ArgValueCandidates;

use crate::commands::args::WriteArgs;
use crate::commands::save::{self, inputs::check, inputs::check_title};
use crate::commands::{Context, complete};
use crate::output::Output;
use crate::values::parse_id;
use resumectl_core::document::{self, DocumentKind};
use resumectl_core::error;
use resumectl_core::import::{self, ImportFormat};
use resumectl_core::input::problems_error;
use resumectl_core::model::changes::{Change, RecordChanges, TITLE_MAX_CHARS};
use resumectl_core::model::record::Value;
use resumectl_core::model::save::SaveRequest;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl import resume.json --from jsonresume\n  \
    resumectl import Basic_LinkedInDataExport.zip --from linkedin --title 'Jane Doe, 2026'\n  \
    resumectl import resume.json --from jsonresume --id ID --if-version 3 --note 'new job'\n  \
    resumectl import resume.json --from jsonresume --dry-run > document.json\n\n\
    Prints the record as `save --new` does, with \"notes\": every input field that found no\n\
    place in the document. A file the format's rules refuse exits 5 and writes nothing.")]
pub struct ImportArgs {
    /// The resume: a JSON Resume file, or a LinkedIn data export's ZIP; '-' for stdin
    /// [default: stdin when it is not a terminal]
    #[arg(value_name = "FILE|-")]
    pub file: Option<String>,

    /// What the file is [default: from its name: .json is jsonresume, .zip linkedin]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<ImportFrom>,

    /// The record's title [default: "<name> – <headline>" from the resume]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Write a new version of this record instead of creating one
    #[arg(long, value_name = "ID", add = ArgValueCandidates::new(complete::record_ids))]
    pub id: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,

    /// Print the structured_output it makes, and its notes on stderr; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFrom {
    /// A JSON Resume (jsonresume.org schema 1.x)
    Jsonresume,
    /// LinkedIn's "Get a copy of your data" ZIP
    Linkedin,
}

impl ImportFrom {
    fn format(self) -> ImportFormat {
        match self {
            ImportFrom::Jsonresume => ImportFormat::JsonResume,
            ImportFrom::Linkedin => ImportFormat::LinkedIn,
        }
    }
}

pub async fn run(args: &ImportArgs, context: &Context<'_>) -> Result<Output> {
    let id = args.id.as_deref().map(parse_id).transpose()?;
    if id.is_none() && args.write.if_version.is_some() {
        return Err(error::usage(
            "--if-version needs --id: a new record has no version to check",
        ));
    }
    let format = match (args.from, args.file.as_deref()) {
        (Some(from), _) => from.format(),
        (None, Some(file)) if file.to_lowercase().ends_with(".json") => ImportFormat::JsonResume,
        (None, Some(file)) if file.to_lowercase().ends_with(".zip") => ImportFormat::LinkedIn,
        _ => {
            return Err(error::usage(
                "say what the file is: --from jsonresume or --from linkedin",
            ));
        }
    };
    let title = args.title.as_deref().map(check_title).transpose()?;
    let user = if args.dry_run {
        None
    } else {
        Some(context.user()?)
    };
    let source = context.source(args.file.as_deref(), "resume to import")?;
    let limit = context.settings.max_input_size;
    let bytes = source.read(limit)?;
    let label = source.label();
    let imported = import::import(format, &bytes, &label, limit)?;
    drop(bytes);
    // The same validation as save's: what is written is what `validate` passes.
    let checked = document::check(DocumentKind::StructuredOutput, imported.text.as_bytes())
        .map_err(|problems| {
            let made = format!("{label} (the structured_output made from it)");
            problems_error(&made, "structured_output", problems)
        })?;
    if args.dry_run {
        for note in &imported.notes {
            context.shell.note(&note.to_string());
        }
        return Ok(Output::Field(Value::Json(Some(imported.text))));
    }
    let Some(user) = user else {
        unreachable!("a user is read unless --dry-run")
    };
    let title = match (title, &imported.title, id) {
        (Some(title), _, _) => Some(title),
        (None, Some(made), None) => Some(made.chars().take(TITLE_MAX_CHARS).collect()),
        (None, None, None) => {
            return Err(error::usage(format!(
                "{label} has no name or headline to title the record: give --title"
            )));
        }
        // An update keeps the record's title unless one is given.
        (None, _, Some(_)) => None,
    };
    let mut options = args.write.options();
    options.event = Some(format!("imported from {}", format.name()));
    options.note = Some(match &options.note {
        Some(note) => format!("imported from {}: {note}", format.name()),
        None => format!("imported from {}", format.name()),
    });
    let request = SaveRequest {
        id,
        changes: RecordChanges {
            title,
            // The record's plain text follows the document it now holds.
            optimized_content: checked.defaults.ats_plain_text.clone(),
            structured_output: Change::Set(checked.text),
            ..RecordChanges::default()
        },
        defaults: checked.defaults,
        options,
        ..SaveRequest::default()
    };
    let saved = save::write(check(request)?, user, context).await?;
    Ok(Output::Imported {
        saved: Box::new(saved),
        notes: imported.notes,
    })
}
