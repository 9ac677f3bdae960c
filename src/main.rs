//! The resumectl binary: parse, run, render; every failure becomes one stderr report and
//! its documented exit code.

use std::io::Write;
use std::process::ExitCode;

use anstream::eprintln;
use anstyle::{AnsiColor, Style};
use clap::Parser;

use resumectl::cli::{Cli, Format};
use resumectl::config;
use resumectl::error::{ErrorKind, Problem, classify, is_broken_pipe};
use resumectl::output;

/// Parsing a document allocates a node for every value and frees them all again:
/// mimalloc does that several times faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    resumectl::memory::configure();
    let code = run();
    resumectl::timings::report(started);
    code
}

fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let format = config::resolve_format(cli.global.format);
    let settings = match resumectl::timings::time("configure", || config::resolve(&cli.global)) {
        Ok(settings) => settings,
        Err(error) => return report(&error, format, &[]),
    };
    let secrets = settings.secrets();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return report(&error.into(), format, &secrets),
    };
    let mut stdout = std::io::stdout().lock();
    let result = runtime.block_on(resumectl::run(&cli.command, &settings, &mut stdout));
    let rendered = result.and_then(|output| {
        resumectl::timings::time("render", || output::render(&output, format, &mut stdout))?;
        Ok(output)
    });
    match rendered {
        Ok(output) => match output.failure(format) {
            Some(failure) => report(&failure.into(), format, &secrets),
            None => ExitCode::SUCCESS,
        },
        // `resumectl get ID | head -1`: the reader has all it wants.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => report(&error, format, &secrets),
    }
}

/// One report on stderr (a line per problem when there are several), or one JSON object.
fn report(error: &anyhow::Error, format: Format, secrets: &[String]) -> ExitCode {
    let (kind, problems) = classify(error);
    let message = config::scrub(&format!("{error:#}"), secrets);
    let problems: Vec<Problem> = problems
        .iter()
        .map(|problem| Problem {
            path: problem.path.clone(),
            message: config::scrub(&problem.message, secrets),
        })
        .collect();
    write_report(kind, &message, &problems, format);
    kind.exit()
}

fn write_report(kind: ErrorKind, message: &str, problems: &[Problem], format: Format) {
    match format {
        Format::Json => {
            let mut body = serde_json::json!({ "kind": kind.name(), "message": message });
            if !problems.is_empty() {
                body["problems"] = serde_json::to_value(problems).unwrap_or_default();
            }
            let line = serde_json::json!({ "error": body }).to_string();
            let _ = writeln!(std::io::stderr(), "{line}");
        }
        Format::Table => {
            let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
            eprintln!("{style}error{style:#}: {message}");
            if problems.len() > 1 {
                let label = message.split(": ").next().unwrap_or_default();
                for problem in problems {
                    eprintln!("  {label}: {problem}");
                }
            }
        }
    }
}

/// clap's own errors keep clap's text and exit 2, but follow --format like every other.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as ClapKind;
    let wants_json = requested_format() == Format::Json;
    match error.kind() {
        ClapKind::DisplayHelp | ClapKind::DisplayVersion => error.exit(),
        _ if wants_json => {
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string();
            write_report(ErrorKind::Usage, &first, &[], Format::Json);
            ErrorKind::Usage.exit()
        }
        _ => error.exit(),
    }
}

/// The format asked for on a command line clap could not parse.
fn requested_format() -> Format {
    let args: Vec<String> = std::env::args().collect();
    let mut flag = None;
    for (index, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--format=") {
            Some(value) => Some(value.to_string()),
            None if arg == "--format" => args.get(index + 1).cloned(),
            None => None,
        };
        match value.as_deref() {
            Some("json") => flag = Some(Format::Json),
            Some("table") => flag = Some(Format::Table),
            _ => {}
        }
    }
    let from_env = match std::env::var("RESUMECTL_FORMAT").as_deref() {
        Ok("json") => Some(Format::Json),
        Ok("table") => Some(Format::Table),
        _ => None,
    };
    config::resolve_format(flag.or(from_env))
}
