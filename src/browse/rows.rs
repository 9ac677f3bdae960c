//! Text as the console shows it: made safe (a control character is shown escaped, never
//! sent to the terminal), styled in pieces, and wrapped to the width of the screen by
//! display width (a CJK character takes two cells), so that scrolling moves by screen
//! rows and a 10,000-character line can be read to its end.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::output::terminal;

/// One logical line: its pieces, each with a style.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub pieces: Vec<(Style, String)>,
    /// One screen row whatever its length, cut with … (a table's row), not wrapped.
    pub single: bool,
    /// Where continuation rows start (a column of text), instead of under the indent.
    pub hang: Option<usize>,
}

impl Row {
    pub fn new() -> Row {
        Row::default()
    }

    /// A row of one piece.
    pub fn plain(style: Style, text: &str) -> Row {
        Row::new().with(style, text)
    }

    /// Adds `text`, made safe to show: controls escaped, tabs as spaces.
    pub fn with(mut self, style: Style, text: &str) -> Row {
        let text = text.replace('\t', "    ");
        self.pieces
            .push((style, terminal::safe(&text).into_owned()));
        self
    }

    /// Continuation rows start `cells` in.
    pub fn hanging(mut self, cells: usize) -> Row {
        self.hang = Some(cells);
        self
    }

    /// This row cut to the screen's width instead of wrapped.
    pub fn single(mut self) -> Row {
        self.single = true;
        self
    }

    pub fn text(&self) -> String {
        self.pieces.iter().map(|(_, text)| text.as_str()).collect()
    }
}

/// `rows` as screen rows of at most `width` cells: long rows break at a space where one
/// is near, else anywhere; continuation rows keep the first row's indent.
pub fn wrap(rows: &[Row], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(8));
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        match row.single {
            true => out.push(clip_row(row, width)),
            false => wrap_row(row, width, &mut out),
        }
    }
    out
}

fn wrap_row(row: &Row, width: usize, out: &mut Vec<Line<'static>>) {
    // Continuation rows start under the text: after the indent, and after a bullet.
    let text = row.text();
    let spaces = text.chars().take_while(|c| *c == ' ').count();
    let marker = ["• ", "- ", "+ "]
        .iter()
        .find(|marker| text[spaces..].starts_with(**marker))
        .map_or(0, |_| 2);
    let indent = row.hang.unwrap_or(spaces + marker).min(width / 2);
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    // Cells of each char, so that a break can be taken back to the last space.
    for (style, text) in &row.pieces {
        let mut piece = String::new();
        for c in text.chars() {
            let cells = c.width().unwrap_or(0);
            if used + cells > width {
                // Break at the last space of this piece when it is not too far back.
                let fits = |at: usize| {
                    at > indent
                        && piece.len() - at < 24
                        && indent + cell_width(&piece[at + 1..]) + cells <= width
                };
                let carry = match piece.rfind(' ') {
                    Some(at) if fits(at) => piece.split_off(at + 1),
                    _ => String::new(),
                };
                if !piece.is_empty() {
                    line.push(Span::styled(std::mem::take(&mut piece), *style));
                }
                out.push(Line::from(std::mem::take(&mut line)));
                piece = " ".repeat(indent);
                piece.push_str(carry.trim_start());
                used = cell_width(&piece);
            }
            piece.push(c);
            used += cells;
        }
        if !piece.is_empty() {
            line.push(Span::styled(piece, *style));
        }
    }
    out.push(Line::from(line));
}

fn clip_row(row: &Row, width: usize) -> Line<'static> {
    let mut left = width;
    let mut spans = Vec::new();
    for (style, text) in &row.pieces {
        if left == 0 {
            break;
        }
        let shown = clip(text, left);
        left -= cell_width(&shown).min(left);
        spans.push(Span::styled(shown, *style));
    }
    if cell_width(&row.text()) > width
        && let Some(last) = spans.last_mut()
        && !last.content.ends_with('…')
    {
        // The cut fell between two pieces: the last cell says so.
        let mut text = last.content.to_string();
        text.pop();
        text.push('…');
        last.content = text.into();
    }
    Line::from(spans)
}

pub fn cell_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `text` cut to `cells` display cells, with … when it was longer.
pub fn clip(text: &str, cells: usize) -> String {
    if cell_width(text) <= cells {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let width = c.width().unwrap_or(0);
        if used + width + 1 > cells {
            break;
        }
        out.push(c);
        used += width;
    }
    out.push('…');
    out
}

/// The styles of the console: colours, or (NO_COLOR, a dumb terminal) only bold, dim,
/// underline and reverse video.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    fn tint(&self, color: Color) -> Style {
        match self.colour {
            true => Style::new().fg(color),
            false => Style::new(),
        }
    }
    pub fn normal(&self) -> Style {
        Style::new()
    }
    pub fn heading(&self) -> Style {
        self.tint(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    /// What the document's `ui` excludes, shown with `x`.
    pub fn excluded(&self) -> Style {
        self.tint(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn added(&self) -> Style {
        self.tint(Color::Green)
    }
    pub fn removed(&self) -> Style {
        self.tint(Color::Red)
    }
    pub fn warning(&self) -> Style {
        self.tint(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.tint(Color::Cyan)
    }
    pub fn string(&self) -> Style {
        self.tint(Color::Green)
    }
    pub fn number(&self) -> Style {
        self.tint(Color::Yellow)
    }
    pub fn literal(&self) -> Style {
        self.tint(Color::Magenta)
    }
    pub fn border(&self) -> Style {
        self.tint(Color::DarkGray)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                line.spans
                    .iter()
                    .map(|span| span.content.as_ref())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn long_rows_wrap_by_display_width_with_their_indent() {
        let row = Row::plain(Style::new(), &format!("  {}", "x".repeat(30)));
        let lines = wrap(&[row], 10);
        assert!(lines.iter().all(|line| line.width() <= 10));
        assert!(texts(&lines)[1].starts_with("  x"));
        let wide = Row::plain(Style::new(), &"漢".repeat(9));
        let lines = wrap(&[wide], 10);
        assert_eq!(texts(&lines), ["漢漢漢漢漢", "漢漢漢漢"]);
    }

    #[test]
    fn words_break_at_spaces() {
        let row = Row::plain(Style::new(), "alpha beta gamma delta");
        assert_eq!(texts(&wrap(&[row], 12)), ["alpha beta ", "gamma delta"]);
    }

    #[test]
    fn controls_are_shown_escaped() {
        let row = Row::plain(Style::new(), "a\u{1b}[2Jb\u{202e}c\td");
        assert_eq!(row.text(), "a\\u{1b}[2Jb\\u{202e}c    d");
    }

    #[test]
    fn single_rows_are_cut_not_wrapped() {
        let row = Row::plain(Style::new(), "version 3").with(Style::new(), &" note".repeat(30));
        let lines = wrap(&[row.single()], 20);
        assert_eq!(texts(&lines), ["version 3 note note…"]);
    }

    #[test]
    fn clipping_counts_cells() {
        assert_eq!(clip("漢字漢字", 5), "漢字…");
        assert_eq!(clip("short", 5), "short");
    }
}
