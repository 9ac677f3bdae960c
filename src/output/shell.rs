//! Every note and warning goes through here (cargo's `Shell`): one line on stderr, shown
//! safely on a terminal, never a panic when stderr is full or closed.

use crate::output::terminal;

/// The one place that writes remarks for people: neither data nor errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shell;

impl Shell {
    /// A remark (a listing that crossed users, a page that has more after it).
    pub fn note(&self, message: &str) {
        terminal::to_stderr(&format!("note: {}", terminal::safe(message)));
    }
}
