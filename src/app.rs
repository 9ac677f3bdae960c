//! What every invocation goes through: parse, configure, run, render; every failure
//! becomes one stderr report (its hint worded by the command line) and its documented
//! exit code. Stdout that fails is told apart: a reader that went away is a quiet exit 0,
//! a full disk is exit 9.

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::Cli;
use crate::commands::Context;
use crate::config;
use crate::output::errors::{report, write_report};
use crate::output::jq::{self, JqWriter};
use crate::output::shell::Shell;
use crate::output::timings::Timings;
use crate::output::{self, terminal};
use crate::values::Format;
use resumectl_core::error::ErrorKind;
use resumectl_core::ops::Commits;

pub fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // The PDF renderer is this program run again: it typesets and exits here.
    resumectl_core::export::pdf::serve_if_asked();
    // Asked once, here: the core only says each phase's time; the tally listens to it
    // (from every thread) when RESUMECTL_TIMINGS=1, and nothing listens otherwise.
    let timings = std::env::var("RESUMECTL_TIMINGS")
        .is_ok_and(|value| value == "1")
        .then(Timings::install);
    // sqlx builds its TLS configuration from the process-wide provider; with none
    // installed, rustls guesses, and panics when it cannot (sslmode=verify-ca).
    let _ = rustls::crypto::ring::default_provider().install_default();
    // A shell asking for completions gets them and nothing else (the record-id completer
    // may connect, over TLS too: after the provider above).
    crate::commands::completions::answer_if_asked(crate::cli::command);
    // A panic is a bug: the hook has said so in one line; the exit code is the documented
    // "unexpected" (1), not Rust's 101.
    let code = std::panic::catch_unwind(run).unwrap_or_else(|_| ErrorKind::Unexpected.exit());
    if let Some(timings) = &timings {
        terminal::to_stderr(&timings.report(started));
    }
    resumectl_core::memory::exiting();
    code
}

fn run() -> ExitCode {
    // Until the command line is read, the format asked for by flag or environment.
    install_panic_hook(requested_format());
    let cli = match crate::cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    // The format, colour and terminals, decided once: --jq prints JSON whatever --format
    // says. A filter that does not compile prints nothing: its error is said as any other
    // usage error would be.
    let shell = Shell::decide(cli.global.format, cli.global.jq.is_some());
    let format = shell.format();
    let jq = match cli.global.jq.as_deref().map(jq::compile).transpose() {
        Ok(filter) => filter,
        Err(problem) => {
            let unfiltered = Shell::decide(cli.global.format, false).format();
            write_report(
                ErrorKind::Usage,
                &format!("--jq: {problem}"),
                &[],
                unfiltered,
            );
            return ErrorKind::Usage.exit();
        }
    };
    install_panic_hook(format);
    // Only the tests set this: the one way to show the hook at work on a build without a
    // known panic left in it.
    if let Some(text) = std::env::var_os("RESUMECTL_TEST_PANIC") {
        panic!("{}", text.to_string_lossy());
    }
    let needs_configuration = cli.command.needs_configuration();
    let settings = match resumectl_core::timings::time("configure", || {
        config::resolve(&cli.global, needs_configuration, &shell)
    }) {
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
    let mut stdout = WatchedWriter::new(match jq {
        Some(filter) => {
            let escape = shell.terminal().stdout;
            Stdout::Filtered(JqWriter::new(std::io::stdout().lock(), filter, escape))
        }
        None => Stdout::Plain(std::io::stdout().lock()),
    });
    let context = Context {
        settings: &settings,
        shell,
        commits: Commits::default(),
    };
    let output = match runtime.block_on(crate::run(&cli.command, &context, &mut stdout)) {
        Ok(output) => output,
        // A command that reports as it reads (validate) stops when stdout fails.
        Err(_) if stdout.failure.is_some() => return stdout_failed(&stdout, format),
        Err(error) => return report(&error, format, &secrets),
    };
    let rendered = resumectl_core::timings::time("render", || {
        output::render(&output, format, &context.shell, &mut stdout)
    });
    // The command's own outcome comes first: a batch with bad lines exits 5 even when
    // nobody read its report.
    if let Some(failure) = output.failure(format) {
        return report(&failure.into(), format, &secrets);
    }
    match rendered {
        Ok(()) if stdout.failure.is_none() => ExitCode::SUCCESS,
        Ok(()) => stdout_failed(&stdout, format),
        Err(_) if stdout.failure.is_some() => stdout_failed(&stdout, format),
        Err(error) => report(&error, format, &secrets),
    }
}

/// Stdout as it is, or through the --jq filter.
enum Stdout<'a> {
    Plain(std::io::StdoutLock<'a>),
    Filtered(JqWriter<std::io::StdoutLock<'a>>),
}

impl Stdout<'_> {
    /// What the --jq filter failed on, if it did.
    fn filter_failure(&self) -> Option<&str> {
        match self {
            Stdout::Plain(_) => None,
            Stdout::Filtered(writer) => writer.failure.as_deref(),
        }
    }
}

impl Write for Stdout<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Stdout::Plain(out) => out.write(bytes),
            Stdout::Filtered(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stdout::Plain(out) => out.flush(),
            Stdout::Filtered(out) => out.flush(),
        }
    }
}

/// Stdout, remembering the first error writing it met: serde_json and comfy-table wrap
/// I/O errors in their own, and whether the reader went away or the disk is full decides
/// the exit code.
struct WatchedWriter<W: Write> {
    inner: W,
    failure: Option<std::io::Error>,
}

impl<W: Write> WatchedWriter<W> {
    fn new(inner: W) -> Self {
        WatchedWriter {
            inner,
            failure: None,
        }
    }

    fn watch<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(error) = &result
            && self.failure.is_none()
        {
            self.failure = Some(std::io::Error::new(error.kind(), error.to_string()));
        }
        result
    }
}

impl<W: Write> Write for WatchedWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(bytes);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// Writing stdout failed after the command did its work (a write stays committed). A
/// reader that went away (`resumectl get ID | head -1`) had all it wanted: exit 0. Any
/// other failure (a full disk) is said, with its own exit code.
fn stdout_failed(stdout: &WatchedWriter<Stdout>, format: Format) -> ExitCode {
    if let Some(problem) = stdout.inner.filter_failure() {
        let message = format!("--jq: {problem} (the command ran: anything it wrote stays written)");
        write_report(ErrorKind::Usage, &message, &[], format);
        return ErrorKind::Usage.exit();
    }
    match &stdout.failure {
        Some(io) if io.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Some(io) => {
            let message = format!(
                "writing stdout failed: {io} (anything the command wrote to the database \
                 stays written)"
            );
            write_report(ErrorKind::Output, &message, &[], format);
            ErrorKind::Output.exit()
        }
        None => ExitCode::SUCCESS,
    }
}

/// A panic anywhere is said as one report in the output format, kind "unexpected": never
/// its own text (it may quote a document or a setting) nor a backtrace. Where it happened
/// is said only for this crate's own files (a path that helps a bug report, and no home
/// directory). The completer sets a silent hook of its own before this one is installed.
fn install_panic_hook(format: Format) {
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .filter(|location| {
                let file = location.file();
                file.starts_with("src/") || file.starts_with("crates/core/src/")
            })
            .map(|location| format!(" at {}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let message = format!(
            "resumectl stopped on an internal error{place} (a bug: please report it, with the \
             command that caused it); anything already committed stays committed"
        );
        write_report(ErrorKind::Unexpected, &message, &[], format);
    }));
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
    Shell::decide(flag.or(from_env), false).format()
}
