//! What to do about an error, in this command line's words: the one place where the
//! core's hints meet flag names.

use resumectl_core::error::{Hint, Problem};
use resumectl_core::secrets;

/// An error as one line for a person (the console's popup): its message, its hint in
/// these words, and its first problem (with where), with every secret scrubbed.
pub fn one_line(error: &anyhow::Error, secrets: &[String]) -> String {
    let mut message = format!("{error:#}");
    if let Some(hint) = resumectl_core::error::hint(error) {
        message = format!("{message} ({})", hint_text(hint));
    }
    if let Some(problem) = resumectl_core::error::classify(error).1.first() {
        message = format!("{message}: {}: {}", problem.path, problem.message);
    }
    secrets::scrub(&message, secrets)
}

pub fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::Migrate => "is the database migrated? run `resumectl migrate`".into(),
        Hint::StatementTimeout => "it ran longer than the statement timeout: raise \
            --statement-timeout, or 0 for none"
            .into(),
        Hint::ServerDown { waited: false } => {
            "is the server running? `migrate --wait SECONDS` waits for it".into()
        }
        Hint::ServerDown { waited: true } => "gave up after --wait".into(),
        Hint::ConnectTimeout => "--connect-timeout".into(),
        Hint::MigrationUrl => "give the server's direct URL with --migration-database-url or \
            MIGRATION_DATABASE_URL"
            .into(),
        Hint::LockTimeout => "--lock-timeout".into(),
        Hint::MissingReference { column } => match column.as_str() {
            "original_resume_id" => {
                "give --original-resume-id with the id of an existing resume".into()
            }
            "job_analysis_id" => {
                "give --job-analysis-id with the id of an existing job analysis".into()
            }
            "user_id" => "the user id (--user) must exist in the table it refers to".into(),
            other => format!("{other} must refer to an existing row"),
        },
        Hint::ReadAgain { id } => {
            format!("read it again with `resumectl get {id}` and reapply your change")
        }
        Hint::SeeHistory { id } => format!("see `resumectl history {id}`"),
        Hint::RenderTimeout => "a template that needs longer may have it with \
            --render-timeout SECONDS, or 0 for none"
            .into(),
        Hint::InputLimit => "raise it with --max-input-size".into(),
        Hint::Overwrite { elsewhere: false } => "pass --force to replace it".into(),
        Hint::Overwrite { elsewhere: true } => {
            "pass --force to replace it, or -o another file".into()
        }
        Hint::PresignNeedsS3 => "--presign is for s3:// uploads".into(),
        Hint::PresignTemporaryCredentials => "AWS_SESSION_TOKEN is set: use long-term \
            credentials for --presign, or share the object another way"
            .into(),
        Hint::TtlTooFar => "give a shorter --ttl".into(),
        Hint::PlainTextOnly => "--to txt exports its plain text".into(),
        Hint::CoverNote => "--cover-note works with txt, md, html, docx and pdf".into(),
    }
}

/// A problem as it is shown: its hint, if any, worded into its message.
pub fn worded(problem: &Problem) -> Problem {
    match &problem.hint {
        None => problem.clone(),
        Some(hint) => Problem {
            path: problem.path.clone(),
            message: format!("{} ({})", problem.message, hint_text(hint)),
            hint: None,
        },
    }
}

/// `problems` as they are shown, when one of them has a hint (else None: shown as they are).
pub fn worded_all(problems: &[Problem]) -> Option<Vec<Problem>> {
    problems
        .iter()
        .any(|problem| problem.hint.is_some())
        .then(|| problems.iter().map(worded).collect())
}
