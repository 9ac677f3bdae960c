//! `--jq EXPR`: every JSON value a command prints goes through a jq filter, evaluated in
//! process with the jaq crates, as gh does. A string result is printed raw; anything else
//! as compact JSON, one result per line.

use std::io::{self, Write};

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, compile, data};
use jaq_json::Val;
use serde_json::value::RawValue;

type Data = data::JustLut<Val>;

/// A compiled filter.
pub struct Filter(jaq_core::Filter<Data>);

/// Compiles `code`, or says what is wrong with it and where (`1:3: expected ...`).
pub fn compile(code: &str) -> Result<Filter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs::<Data>()
        .chain(jaq_std::funs::<Data>())
        .chain(jaq_json::funs::<Data>());
    let arena = Arena::default();
    let modules = Loader::new(defs)
        .load(&arena, File { code, path: () })
        .map_err(|errors| load_errors(code, &errors))?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map(Filter)
        .map_err(|errors| compile_errors(code, &errors))
}

/// Runs the filter on one JSON value (its text), handing each result (its line, newline
/// included) to `emit` as soon as it is made: a filter with endless results
/// (`repeat(1)`, `range(1e12)`) runs in bounded memory, and stops at the first failed
/// write (`| head -1`). The first runtime error stops it, as in jq.
pub fn run(
    filter: &Filter,
    json: &[u8],
    mut emit: impl FnMut(&[u8]) -> io::Result<()>,
) -> Result<(), Failure> {
    let input = jaq_json::read::parse_single(json)
        .map_err(|error| Failure::Filter(format!("the output is not JSON: {error}")))?;
    let context = Ctx::<Data>::new(&filter.0.lut, Vars::new([]));
    let mut line = Vec::new();
    for item in filter.0.id.run((context, input)) {
        line.clear();
        match item {
            Ok(Val::TStr(text)) => line.extend_from_slice(&text),
            Ok(value) => write!(line, "{value}").map_err(Failure::Io)?,
            Err(exception) => {
                let message = match exception.get_err() {
                    Ok(error) => match error.into_val() {
                        Val::TStr(text) => String::from_utf8_lossy(&text).into_owned(),
                        value => value.to_string(),
                    },
                    Err(_) => "the filter halted".to_string(),
                };
                return Err(Failure::Filter(message));
            }
        }
        line.push(b'\n');
        emit(&line).map_err(Failure::Io)?;
    }
    Ok(())
}

/// Why a filter run stopped.
#[derive(Debug)]
pub enum Failure {
    /// The filter failed on the value (`cannot index string with "x"`).
    Filter(String),
    /// Writing the result failed.
    Io(io::Error),
}

/// Stdout with a filter in front: each JSON value written (one a line, or pretty-printed
/// over many) is filtered once it is complete.
pub struct JqWriter<W: Write> {
    inner: W,
    filter: Filter,
    pending: Vec<u8>,
    /// Strings print raw: on a terminal, with control characters escaped.
    escape: bool,
    /// The first failure of the filter itself: the command reports it (exit 2).
    pub failure: Option<String>,
}

impl<W: Write> JqWriter<W> {
    pub fn new(inner: W, filter: Filter, escape: bool) -> Self {
        JqWriter {
            inner,
            filter,
            pending: Vec::new(),
            escape,
            failure: None,
        }
    }

    /// Filters every complete value held; `at_end`: what is left must be whole.
    fn drain(&mut self, at_end: bool) -> io::Result<()> {
        if self.failure.is_some() {
            self.pending.clear();
            return Ok(());
        }
        let mut pending = std::mem::take(&mut self.pending);
        let mut values = serde_json::Deserializer::from_slice(&pending).into_iter::<&RawValue>();
        let mut consumed = 0;
        let result = loop {
            match values.next() {
                None => {
                    consumed = pending.len();
                    break Ok(());
                }
                Some(Ok(value)) => {
                    consumed = values.byte_offset();
                    if let Err(error) = self.filter_value(value.get().as_bytes()) {
                        break Err(error);
                    }
                }
                Some(Err(error)) if error.is_eof() && !at_end => break Ok(()),
                Some(Err(error)) => {
                    break Err(self.fail(format!(
                        "this command's output is not JSON, so it cannot be filtered ({error})"
                    )));
                }
            }
        };
        pending.drain(..consumed);
        self.pending = pending;
        result
    }

    fn filter_value(&mut self, json: &[u8]) -> io::Result<()> {
        let (inner, escape) = (&mut self.inner, self.escape);
        // Results before a failure are printed, as jq prints them.
        let outcome = run(&self.filter, json, |result| {
            if escape {
                let text = String::from_utf8_lossy(result);
                inner.write_all(crate::output::terminal::safe_text(&text, true).as_bytes())
            } else {
                inner.write_all(result)
            }
        });
        match outcome {
            Ok(()) => Ok(()),
            Err(Failure::Io(error)) => Err(error),
            Err(Failure::Filter(message)) => Err(self.fail(message)),
        }
    }

    fn fail(&mut self, message: String) -> io::Error {
        let error = io::Error::other(format!("--jq: {message}"));
        self.failure = Some(message);
        error
    }
}

impl<W: Write> Write for JqWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        if memchr::memchr(b'\n', bytes).is_some() {
            self.drain(false)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

/// 1-based line:column of `part`, a slice of `code`.
fn position(code: &str, part: &str) -> String {
    let offset = (part.as_ptr() as usize)
        .wrapping_sub(code.as_ptr() as usize)
        .min(code.len());
    let before = code.get(..offset).unwrap_or(code);
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
    format!("{line}:{column}")
}

fn found(rest: &str) -> String {
    rest.chars()
        .next()
        .map_or("the end of the expression".into(), |c| format!("`{c}`"))
}

fn load_errors(code: &str, errors: &load::Errors<&str, ()>) -> String {
    let mut out = Vec::new();
    for (_, error) in errors {
        match error {
            load::Error::Io(errors) => out.extend(
                errors
                    .iter()
                    .map(|(path, error)| format!("cannot load {path}: {error}")),
            ),
            load::Error::Lex(errors) => out.extend(errors.iter().map(|(expected, rest)| {
                format!(
                    "{}: expected {}, found {}",
                    position(code, rest),
                    expected.as_str(),
                    found(rest)
                )
            })),
            load::Error::Parse(errors) => out.extend(errors.iter().map(|(expected, token)| {
                let shown = if token.is_empty() {
                    "the end of the expression".to_string()
                } else {
                    format!("`{token}`")
                };
                format!(
                    "{}: expected {}, found {shown}",
                    position(code, token),
                    expected.as_str()
                )
            })),
        }
    }
    out.join("; ")
}

fn compile_errors(code: &str, errors: &compile::Errors<&str, ()>) -> String {
    let mut out = Vec::new();
    for (_, errors) in errors {
        for (name, undefined) in errors {
            let what = match undefined {
                compile::Undefined::Filter(arity) => format!("undefined filter {name}/{arity}"),
                other => format!("undefined {} {name}", other.as_str()),
            };
            out.push(format!("{}: {what}", position(code, name)));
        }
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(code: &str, input: &str) -> Result<String, String> {
        let filter = compile(code)?;
        let mut out = Vec::new();
        match run(&filter, input.as_bytes(), |line| {
            out.extend_from_slice(line);
            Ok(())
        }) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(Failure::Filter(message)) => Err(message),
            Err(Failure::Io(error)) => panic!("{error}"),
        }
    }

    #[test]
    fn strings_are_raw_and_everything_else_compact_json_a_line_each() {
        let input = r#"{"title": "Data \"Eng\"", "tags": ["a", "b"], "n": 1.50}"#;
        assert_eq!(filtered(".title", input).unwrap(), "Data \"Eng\"\n");
        assert_eq!(filtered(".tags", input).unwrap(), "[\"a\",\"b\"]\n");
        assert_eq!(filtered(".tags[]", input).unwrap(), "a\nb\n");
        assert_eq!(filtered(".n", input).unwrap(), "1.50\n");
        assert_eq!(filtered("empty", input).unwrap(), "");
    }

    #[test]
    fn bad_expressions_are_named_with_their_place() {
        let problem = compile(".[").err().unwrap();
        assert!(problem.starts_with("1:"), "{problem}");
        let problem = compile("nosuchfilter").err().unwrap();
        assert_eq!(problem, "1:1: undefined filter nosuchfilter/0");
    }

    #[test]
    fn the_first_runtime_error_stops_the_filter() {
        let problem = filtered(r#"1, error("stop here"), 2"#, "null").unwrap_err();
        assert_eq!(problem, "stop here");
        assert!(
            filtered(".a", "\"text\"")
                .unwrap_err()
                .contains("cannot index")
        );
    }

    #[test]
    fn values_split_over_writes_and_lines_are_filtered_whole() {
        let mut writer = JqWriter::new(Vec::new(), compile(".id").unwrap(), false);
        writer.write_all(b"{\"id\": 1}\n{\"id\"").unwrap();
        writer.write_all(b": 2}\n{\n  \"id\":\n").unwrap();
        writer.write_all(b"  3\n}\n[1").unwrap();
        assert_eq!(writer.inner, b"1\n2\n3\n");
        assert!(writer.flush().is_err(), "the output ends inside a value");
    }

    #[test]
    fn text_that_is_not_json_is_refused_and_strings_escaped_on_a_terminal() {
        let mut writer = JqWriter::new(Vec::new(), compile(".").unwrap(), false);
        assert!(writer.write_all(b"Data engineer\n").is_err());
        assert!(writer.failure.unwrap().contains("not JSON"));
        let mut writer = JqWriter::new(Vec::new(), compile(".t").unwrap(), true);
        writer.write_all(b"{\"t\": \"a\\u001b]0;x\"}\n").unwrap();
        assert_eq!(writer.inner, b"a\\u{1b}]0;x\n");
    }
}
