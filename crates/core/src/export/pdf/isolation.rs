//! Typesetting in a child process, bounded in time and memory. A template is code: a loop
//! may run for ever, `range(1000000000)` asks for gigabytes, and Typst has no way to stop
//! a compilation from inside. So resumectl runs itself again as the renderer (marked by
//! `CHILD_VAR`), hands it the job on stdin, caps its address space (`RLIMIT_AS`), and
//! kills it at the deadline, or when resumectl itself is stopped (Ctrl-C drops the
//! future that owns the child, and `kill_on_drop` ends it).
//!
//! The child answers on stdout: one JSON line (the files the template read, or the error
//! as a kind and a message), then the PDF's bytes.

use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::process::Child;

use super::{Job, TemplateRead, Typeset, template_name};
use crate::error::{CliError, ErrorKind, Hint};

/// Set in the child's environment to the parent's process id: "you are the renderer".
const CHILD_VAR: &str = "RESUMECTL_INTERNAL_PDF_RENDERER";

/// The address space a render may use. The built-in template peaks at about 120 MiB of
/// address space (measured with `/proc/PID/status` VmPeak); a resume that needs eight
/// times that is a template that runs away, not a long resume.
pub const MEMORY_LIMIT: u64 = 1 << 30;

/// The child's first line.
#[derive(Debug, Serialize, Deserialize)]
enum Answer {
    /// The PDF's bytes follow.
    Typeset {
        reads: Vec<TemplateRead>,
        warnings: Vec<String>,
    },
    Failed {
        kind: String,
        message: String,
    },
}

/// A renderer started ahead of its job (`start_renderer`), waiting for it.
static READY: Mutex<Option<Child>> = Mutex::new(None);

/// Starts the renderer now, for the next render to use: its start-up and the fonts it
/// loads overlap with connecting and reading the record, instead of following them.
/// Unused, it ends with resumectl (its parent-death signal, or the end of its stdin).
pub fn start_renderer() {
    if let Ok(child) = spawn() {
        *READY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(child);
    }
}

/// Runs the job in a child process (the one started ahead, if any); past `timeout`
/// (None: no deadline) or the memory limit it is stopped, and the error says which bound
/// it crossed.
pub(super) async fn typeset_in_child(job: &Job<'_>, timeout: Option<Duration>) -> Result<Typeset> {
    let name = template_name(job.template.as_deref());
    let input = serde_json::to_vec(job)?;
    let ready = READY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    let mut child = match ready {
        Some(child) => child,
        None => spawn()?,
    };
    let mut stdin = child.stdin.take().context("the PDF renderer's stdin")?;
    let run = async move {
        // A child that ended early closed its stdin: its exit status says why.
        let _ = stdin.write_all(&input).await;
        drop(stdin);
        child.wait_with_output().await
    };
    let output = match timeout {
        None => run.await,
        // Dropping `run` drops the child, which kills it.
        Some(timeout) => tokio::time::timeout(timeout, run).await.map_err(|_| {
            CliError::new(
                ErrorKind::InvalidInput,
                format!(
                    "typesetting the PDF with {name} took longer than the render timeout \
                     of {} s: it was stopped, and nothing was written",
                    timeout.as_secs()
                ),
            )
            .with_hint(Hint::RenderTimeout)
        })?,
    }
    .context("waiting for the PDF renderer")?;
    if output.status.success()
        && let Some(newline) = output.stdout.iter().position(|byte| *byte == b'\n')
        && let Ok(answer) = serde_json::from_slice::<Answer>(&output.stdout[..newline])
    {
        return match answer {
            Answer::Typeset { reads, warnings } => Ok(Typeset {
                pdf: output.stdout[newline + 1..].to_vec(),
                reads,
                warnings,
            }),
            Answer::Failed { kind, message } => {
                let kind = ErrorKind::ALL
                    .into_iter()
                    .find(|known| known.name() == kind)
                    .unwrap_or(ErrorKind::Unexpected);
                Err(CliError::new(kind, message).into())
            }
        };
    }
    Err(crashed(name, &output))
}

/// The renderer: resumectl itself, in a child process, waiting for its job on stdin.
fn spawn() -> Result<Child> {
    tokio::process::Command::new(own_executable()?)
        .env(CHILD_VAR, std::process::id().to_string())
        // mimalloc reserves address space 1 GiB at a time, which the cap would count
        // whole; in steps of 16 MiB the cap measures what the render uses.
        .env("MIMALLOC_ARENA_RESERVE", "16MiB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group: a Ctrl-C at the terminal reaches resumectl alone, which
        // stops the render itself and reports it the way every command is stopped.
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .context("starting the PDF renderer (resumectl itself, in a child process)")
}

/// Why a child that gave no answer ended: out of memory is the template's doing (exit 5);
/// anything else is a bug.
fn crashed(name: &str, output: &std::process::Output) -> anyhow::Error {
    use std::os::unix::process::ExitStatusExt;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Rust aborts on a failed allocation ("memory allocation of N bytes failed"); a
    // thread or a mapping that does not fit says ENOMEM; the kernel's OOM killer, SIGKILL
    // (resumectl only kills the child at the deadline, and then does not look here).
    let out_of_memory = stderr.contains("memory allocation of")
        || stderr.contains("Cannot allocate memory")
        || stderr.contains("out of memory")
        || output.status.signal() == Some(libc::SIGKILL);
    if out_of_memory {
        return CliError::new(
            ErrorKind::InvalidInput,
            format!(
                "typesetting the PDF with {name} needed more than the {} MiB of memory a \
                 render may use: it was stopped, and nothing was written",
                MEMORY_LIMIT >> 20
            ),
        )
        .into();
    }
    let last_words = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no message");
    CliError::new(
        ErrorKind::Unexpected,
        format!(
            "the PDF renderer stopped unexpectedly ({}): {last_words}",
            output.status
        ),
    )
    .into()
}

/// This very program: /proc/self/exe on Linux, which still runs it when the file was
/// replaced by an upgrade meanwhile.
fn own_executable() -> Result<std::path::PathBuf> {
    if cfg!(target_os = "linux") {
        return Ok("/proc/self/exe".into());
    }
    std::env::current_exe().context("finding resumectl's own executable")
}

/// In the child: typesets the job on stdin and exits; does nothing in any other process.
/// Runs first thing in `main`, before the command line is parsed.
pub fn serve_if_asked() {
    let Some(parent) = std::env::var_os(CHILD_VAR) else {
        return;
    };
    // SAFETY: plain system calls on this process, with no pointers but a local struct.
    unsafe {
        // Ends with its parent, whatever ends the parent (even SIGKILL).
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if parent.to_str() != Some(libc::getppid().to_string().as_str()) {
            // Not started by resumectl (or the parent is gone already): nothing to do.
            std::process::exit(1);
        }
        let limit = libc::rlimit {
            rlim_cur: MEMORY_LIMIT,
            rlim_max: MEMORY_LIMIT,
        };
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
    // What every render needs, loaded while the parent still reads the record.
    let fonts = super::fonts::embedded();
    let mut input = Vec::new();
    let answer = match std::io::stdin().read_to_end(&mut input) {
        Ok(_) => match serde_json::from_slice::<Job>(&input) {
            Ok(job) => super::typeset(&job, fonts),
            Err(error) => Err(anyhow::anyhow!("the renderer's job: {error}")),
        },
        Err(error) => Err(anyhow::anyhow!("reading the renderer's job: {error}")),
    };
    drop(input);
    let (answer, pdf) = match answer {
        Ok(typeset) => (
            Answer::Typeset {
                reads: typeset.reads,
                warnings: typeset.warnings,
            },
            typeset.pdf,
        ),
        Err(error) => {
            let (kind, _) = crate::error::classify(&error);
            let answer = Answer::Failed {
                kind: kind.name().to_string(),
                message: format!("{error:#}"),
            };
            (answer, Vec::new())
        }
    };
    let mut stdout = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut stdout, &answer)
        .map_err(std::io::Error::from)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.write_all(&pdf))
        .and_then(|()| stdout.flush());
    std::process::exit(if written.is_ok() { 0 } else { 1 });
}
