//! How an error is said: one line on stderr (a line per problem when there are several),
//! or one JSON object, passwords scrubbed; and the exit code it means.

use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

use crate::hints::hint_text;
use crate::output::terminal;
use crate::values::Format;
use resumectl_core::error::{ErrorKind, Problem, classify};
use resumectl_core::secrets;

/// One report on stderr (a line per problem when there are several), or one JSON object.
pub fn report(error: &anyhow::Error, format: Format, secrets: &[String]) -> ExitCode {
    let (kind, problems) = classify(error);
    let mut message = format!("{error:#}");
    if let Some(hint) = resumectl_core::error::hint(error) {
        message = format!("{message} ({})", hint_text(hint));
    }
    let message = secrets::scrub(&message, secrets);
    let problems: Vec<Problem> = problems
        .iter()
        .map(crate::hints::worded)
        .map(|problem| Problem {
            path: secrets::scrub(&problem.path, secrets),
            message: secrets::scrub(&problem.message, secrets),
            hint: None,
        })
        .collect();
    write_report(kind, &message, &problems, format);
    kind.exit()
}

/// Never panics: a full or closed stderr loses the message, not the exit code.
pub fn write_report(kind: ErrorKind, message: &str, problems: &[Problem], format: Format) {
    match format {
        Format::Json => {
            let mut body = serde_json::json!({ "kind": kind.name(), "message": message });
            if !problems.is_empty() {
                body["problems"] = serde_json::to_value(problems).unwrap_or_default();
            }
            terminal::to_stderr(&serde_json::json!({ "error": body }).to_string());
        }
        Format::Table => {
            let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
            let mut stderr = anstream::stderr();
            let _ = writeln!(stderr, "{style}error{style:#}: {}", terminal::safe(message));
            if problems.len() > 1 {
                let label = message.split(": ").next().unwrap_or_default();
                for problem in problems {
                    let line = format!("{label}: {problem}");
                    let _ = writeln!(stderr, "  {}", terminal::safe(&line));
                }
            }
        }
    }
}
