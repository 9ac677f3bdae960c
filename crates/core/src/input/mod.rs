//! Reading inputs (a file, or stdin for `-`) under the size limit, and turning a
//! document's problems into one located error. NDJSON is read a line at a time by
//! `lines`.

pub mod lines;

use std::io::{BufReader, Read};
use std::path::PathBuf;

use anyhow::Result;

use crate::document::{self, CheckedDocument, DocumentKind};
use crate::error::{self, CliError, ErrorKind, Hint, Problem};

/// An opened input, buffered: what is in its buffer has been read without waiting.
pub type Input = BufReader<Box<dyn Read + Send>>;

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// `-` is stdin; so is an absent argument, but only when stdin is not a terminal
    /// (reading a terminal would wait for typing that a script never does).
    pub fn from_arg(arg: Option<&str>, what: &str, stdin_is_terminal: bool) -> Result<Source> {
        match arg {
            Some("-") => Ok(Source::Stdin),
            Some(path) => Ok(Source::File(PathBuf::from(path))),
            None if stdin_is_terminal => Err(error::usage(format!(
                "no {what} given: pass a FILE, or '-' and pipe it to stdin"
            ))),
            None => Ok(Source::Stdin),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// The whole input, refused when larger than `limit` bytes.
    pub fn read(&self, limit: u64) -> Result<Vec<u8>> {
        self.read_within(limit)?.ok_or_else(|| {
            anyhow::Error::from(
                CliError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "{} is larger than the input limit of {}",
                        self.label(),
                        human_size(limit)
                    ),
                )
                .with_hint(Hint::InputLimit),
            )
        })
    }

    /// The whole input, or None when it is larger than `limit` bytes: for an input under
    /// a limit of its own, which its caller names.
    pub fn read_within(&self, limit: u64) -> Result<Option<Vec<u8>>> {
        let started = std::time::Instant::now();
        let mut bytes = Vec::new();
        let read = match self {
            Source::Stdin => std::io::stdin()
                .lock()
                .take(limit + 1)
                .read_to_end(&mut bytes),
            Source::File(path) => std::fs::File::open(path).and_then(|file| {
                // Sized to the file (when it fits the limit), so a large document is not
                // held in a buffer grown by doubling.
                let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
                bytes.reserve_exact(size.min(limit + 1) as usize);
                file.take(limit + 1).read_to_end(&mut bytes)
            }),
        };
        read.map_err(|io| {
            error::invalid(format!(
                "cannot read {}: {}",
                self.label(),
                describe_io(&io)
            ))
        })?;
        crate::timings::record("read input", started.elapsed());
        Ok((bytes.len() as u64 <= limit).then_some(bytes))
    }

    /// A buffered reader over the input, for inputs read a line at a time.
    pub fn open(&self) -> Result<Input> {
        match self {
            Source::Stdin => Ok(BufReader::with_capacity(
                1 << 16,
                Box::new(std::io::stdin()),
            )),
            Source::File(path) => std::fs::File::open(path)
                .map(|file| {
                    BufReader::with_capacity(1 << 16, Box::new(file) as Box<dyn Read + Send>)
                })
                .map_err(|io| {
                    error::invalid(format!(
                        "cannot read {}: {}",
                        self.label(),
                        describe_io(&io)
                    ))
                }),
        }
    }

    /// Reads, parses strictly and validates one document.
    pub fn read_document(&self, kind: DocumentKind, limit: u64) -> Result<CheckedDocument> {
        let bytes = self.read(limit)?;
        document::check_owned(kind, bytes)
            .map_err(|problems| problems_error(&self.label(), kind.column(), problems).into())
    }

    /// Reads a text input (such as optimized_content) as UTF-8 without a NUL, and not
    /// blank: an empty file would blank the record's text without a word.
    pub fn read_text(&self, limit: u64) -> Result<String> {
        let bytes = self.read(limit)?;
        let text = String::from_utf8(bytes).map_err(|utf8| {
            error::invalid(format!(
                "{}: invalid UTF-8 at byte {}",
                self.label(),
                utf8.utf8_error().valid_up_to()
            ))
        })?;
        if let Some(offset) = text.find('\0') {
            return Err(error::invalid(format!(
                "{}: NUL byte at byte {offset}: PostgreSQL cannot store NUL in text",
                self.label()
            )));
        }
        if text.trim().is_empty() {
            return Err(error::invalid(format!(
                "{} is empty: a record's plain-text resume cannot be blank; nothing was \
                 written",
                self.label()
            )));
        }
        Ok(text)
    }
}

/// Refuses two inputs that both want stdin.
pub fn at_most_one_stdin(sources: &[&Source]) -> Result<()> {
    if sources
        .iter()
        .filter(|source| ***source == Source::Stdin)
        .count()
        > 1
    {
        return Err(error::usage("only one input can be read from stdin ('-')"));
    }
    Ok(())
}

/// One error for a document's problems: the message names the file and, when there is
/// one problem, the problem itself; every problem is kept for the report.
pub fn problems_error(label: &str, column: &str, problems: Vec<Problem>) -> CliError {
    let message = match problems.as_slice() {
        [one] => format!("{label}: {one}"),
        many => format!("{label}: {} problems in {column}", many.len()),
    };
    CliError::new(ErrorKind::InvalidInput, message).with_problems(problems)
}

pub fn describe_io(io: &std::io::Error) -> String {
    match io.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => io.to_string(),
    }
}

pub fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}
