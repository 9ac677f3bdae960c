//! Every note and warning goes through here (cargo's `Shell`): one line on stderr, shown
//! safely on a terminal, never a panic when stderr is full or closed. The shell knows the
//! output format (a note in JSON mode is a JSON line), whether colour is wanted, and which
//! streams are terminals: decided once, in `Shell::decide`.

use std::io::IsTerminal;

use crate::output::terminal;
use crate::values::Format;

/// Which of the standard streams are terminals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Terminal {
    pub fn detect() -> Terminal {
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
        }
    }
}

/// The one place that writes remarks for people (neither data nor errors), and that
/// knows how the output is shown.
#[derive(Debug, Clone, Copy)]
pub struct Shell {
    format: Format,
    terminal: Terminal,
    colour: bool,
}

impl Shell {
    /// The format asked for (flag or RESUMECTL_FORMAT), else a table on a terminal and
    /// JSON elsewhere; `jq`: a filter reads JSON, so JSON whatever was asked. Colour only
    /// on a terminal, and never with NO_COLOR set.
    pub fn decide(asked: Option<Format>, jq: bool) -> Shell {
        let terminal = Terminal::detect();
        let format = match (jq, asked) {
            (true, _) => Format::Json,
            (false, Some(format)) => format,
            (false, None) if terminal.stdout => Format::Table,
            (false, None) => Format::Json,
        };
        Shell {
            format,
            terminal,
            colour: terminal.stdout && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    pub fn terminal(&self) -> Terminal {
        self.terminal
    }

    /// Colour on stdout.
    pub fn colour(&self) -> bool {
        self.colour
    }

    /// A remark (a listing that crossed users, a page that has more after it): `note: …`,
    /// or `{"note": "…"}` in JSON mode.
    pub fn note(&self, message: &str) {
        self.remark("note", message);
    }

    /// Something the user should act on, though the command did its work (a PDF with
    /// characters no font has): `warning: …`, or `{"warning": "…"}` in JSON mode.
    pub fn warn(&self, message: &str) {
        self.remark("warning", message);
    }

    fn remark(&self, kind: &str, message: &str) {
        let line = match self.format {
            Format::Json => serde_json::json!({ kind: message }).to_string(),
            Format::Table => format!("{kind}: {}", terminal::safe(message)),
        };
        terminal::to_stderr(&line);
    }
}
