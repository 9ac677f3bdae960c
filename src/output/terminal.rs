//! Text meant for a person's terminal: control characters in record data (a title holding
//! `ESC ] 0 ; ...`) are shown escaped, never sent to the terminal to act on. JSON output
//! does not come through here: it stays exact.

use std::borrow::Cow;
use std::io::Write;

/// `text` with every character that could move the cursor, rewrite the screen or reorder
/// what is shown replaced by a visible escape (`\u{1b}`): the C0 and C1 controls and DEL,
/// and the bidirectional overrides. Newlines and tabs stay when `keep_lines`.
pub fn safe_text(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !(keep_lines && matches!(c, '\n' | '\t'));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of data shown to a person: no line breaks either.
pub fn safe(text: &str) -> Cow<'_, str> {
    safe_text(text, false)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes one line to stderr. A full or closed stderr is not worth a panic (as
/// `eprintln!` would): the exit code still says what happened.
pub fn to_stderr(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let title = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2K\rFAKE";
        assert_eq!(safe(title), "Evil\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K\\u{d}FAKE");
        assert_eq!(safe("plain – ünïcode"), "plain – ünïcode");
        assert_eq!(safe("a\u{9b}b\u{202e}c"), "a\\u{9b}b\\u{202e}c");
        assert_eq!(safe_text("two\nlines\tok", true), "two\nlines\tok");
        assert_eq!(safe("two\nlines"), "two\\u{a}lines");
    }
}
