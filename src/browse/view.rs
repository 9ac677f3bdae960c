//! Drawing: the header (who, where), the breadcrumb, the list or the open record's view,
//! the status line with the keys that matter here, and any popup. Only draws.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Clear, Paragraph, Row as TableRow, Table, TableState, Tabs,
};

use crate::browse::app::{App, Tab};
use crate::browse::keys::HELP;
use crate::browse::rows::{Row, clip, wrap};
use crate::output::terminal::safe;
use crate::output::time::ago;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// The rows above and below a view: header, breadcrumb, tabs or column names, two
/// status lines.
pub const CHROME_ROWS: u16 = 5;

pub fn draw(frame: &mut Frame, app: &App) {
    let [header, crumbs, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, app, header);
    draw_crumbs(frame, app, crumbs);
    match &app.open {
        Some(_) => draw_record(frame, app, body),
        None => draw_list(frame, app, body),
    }
    draw_status(frame, app, status, keys);
    if app.help {
        draw_help(frame, app);
    }
    if let Some(confirm) = &app.confirm {
        let text = [Row::plain(Style::new(), &confirm.question)];
        popup(frame, "Confirm", &text, 72, app.scope.theme.warning());
    }
    if let Some(error) = &app.error {
        let text = [Row::plain(Style::new(), error)];
        popup(
            frame,
            "Error (any key closes)",
            &text,
            72,
            app.scope.theme.removed(),
        );
    }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.scope.theme;
    let who = match &app.scope.user {
        Some(user) => format!("user {}", safe(user)),
        None => "all users".to_string(),
    };
    let mut spans = vec![Span::styled(" resumectl browse ", theme.heading())];
    if app.scope.read_only {
        spans.push(Span::styled("│ READ-ONLY ", theme.warning()));
    }
    spans.push(Span::styled(
        format!("│ {who} │ {} ", safe(&app.scope.database)),
        theme.dim(),
    ));
    frame.render_widget(Line::from(spans), area);
}

fn draw_crumbs(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.scope.theme;
    let count = app.list.rows.len();
    let counted = match (app.list.loaded, app.list.next.is_some()) {
        (true, true) => format!(" ({count}+)"),
        (true, false) => format!(" ({count})"),
        (false, _) => String::new(),
    };
    let mut spans = vec![
        Span::styled(" Records", theme.strong()),
        Span::styled(counted, theme.dim()),
    ];
    if !app.list.filter.is_empty() || app.list.typing {
        let cursor = if app.list.typing { "▏" } else { "" };
        spans.push(Span::styled(
            format!("  /{}{cursor}", safe(&app.list.filter)),
            theme.key(),
        ));
    }
    if let Some(open) = &app.open {
        let mut tail = format!(" › {}", open.tab.title());
        if let Some(diff) = open.diff.as_ref().filter(|_| open.tab == Tab::History) {
            tail.push_str(&format!(" › diff {} → {}", diff.from, diff.to));
        }
        let used: usize = spans.iter().map(Span::width).sum::<usize>() + 3 + tail.len();
        let width = usize::from(area.width).saturating_sub(used).max(8);
        spans.push(Span::raw(" › "));
        spans.push(Span::styled(
            clip(&safe(&open.title), width),
            theme.strong(),
        ));
        spans.push(Span::raw(tail));
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.scope.theme;
    let list = &app.list;
    if list.rows.is_empty() {
        let text = match (list.loaded, list.filter.is_empty()) {
            (false, _) => "loading…".to_string(),
            (true, true) => "no records".to_string(),
            (true, false) => format!(
                "no record matches \"{}\" (Esc clears the filter)",
                safe(&list.filter)
            ),
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim())), area);
        return;
    }
    let all_users = app.scope.user.is_none();
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(16),
        Constraint::Length(6),
    ];
    let mut header = vec!["Id", "Title", "Version", "Updated", "QA cov"];
    if all_users {
        widths.insert(0, Constraint::Length(18));
        header.insert(0, "User");
    }
    let rows = list.rows.iter().map(|record| {
        let mut cells = vec![
            record.id.to_string()[..8].to_string(),
            safe(record.title.as_deref().unwrap_or("(no title)")).into_owned(),
            format!("{:>7}", record.version),
            record.updated_at.map(ago).unwrap_or_else(|| "—".into()),
            // A figure is a number: anything else the document holds there is not shown.
            match record
                .keyword_coverage
                .as_ref()
                .filter(|value| value.is_number())
            {
                Some(value) => format!("{:>6}", clip(&value.to_string(), 6)),
                None => format!("{:>6}", "—"),
            },
        ];
        if all_users {
            cells.insert(
                0,
                safe(record.user_id.as_deref().unwrap_or("")).into_owned(),
            );
        }
        TableRow::new(cells)
    });
    let table = Table::new(rows, widths)
        .header(TableRow::new(header).style(theme.strong()))
        .row_highlight_style(theme.selected())
        .column_spacing(1);
    let mut state = TableState::default()
        .with_offset(list.offset)
        .with_selected(Some(list.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn draw_record(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.scope.theme;
    let Some(open) = &app.open else {
        return;
    };
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let titles = Tab::ALL.map(|tab| format!("{} ({})", tab.title(), tab.key()));
    let selected = Tab::ALL
        .iter()
        .position(|tab| *tab == open.tab)
        .unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(theme.selected())
            .divider("│"),
        tabs,
    );
    let slot = selected;
    let height = usize::from(body.height);
    let start = open.scroll[slot].min(open.lines.len());
    let end = (start + height).min(open.lines.len());
    let visible: Vec<Line> = open.lines[start..end].to_vec();
    frame.render_widget(Paragraph::new(visible), body);
}

fn draw_status(frame: &mut Frame, app: &App, status: Rect, keys: Rect) {
    let theme = app.scope.theme;
    let mut spans = Vec::new();
    if app.busy > 0 {
        spans.push(Span::styled(
            format!(" {} working… ", SPINNER[app.spinner % SPINNER.len()]),
            theme.key(),
        ));
    }
    spans.push(Span::raw(format!(" {}", safe(&app.status))));
    frame.render_widget(Line::from(spans), status);
    let hints = match (&app.open, app.list.typing) {
        (None, true) => "type to filter  Enter keep  Esc clear",
        (None, false) => "Enter open  / filter  e edit  D delete  R reload  ? keys  q quit",
        (Some(open), _) if open.diff.is_some() && open.tab == Tab::History => {
            "↑↓ scroll  Esc back to History  ? keys"
        }
        (Some(open), _) => match open.tab {
            Tab::Resume => "Tab views  x excluded  e edit  D delete  ↑↓ scroll  q back  ? keys",
            Tab::History => "↑↓ select  Enter diff  r restore  Tab views  q back  ? keys",
            _ => "Tab views  ↑↓ PgUp PgDn scroll  e edit  D delete  q back  ? keys",
        },
    };
    let hints = match app.scope.read_only {
        true => hints
            .replace("e edit  ", "")
            .replace("D delete  ", "")
            .replace("r restore  ", ""),
        false => hints.to_string(),
    };
    let width = usize::from(keys.width);
    frame.render_widget(Line::styled(clip(&hints, width), theme.dim()), keys);
}

fn draw_help(frame: &mut Frame, app: &App) {
    let theme = app.scope.theme;
    let mut rows: Vec<Row> = HELP
        .iter()
        .map(|(keys, what)| {
            Row::plain(theme.key(), &format!("{keys:<16}"))
                .with(theme.normal(), what)
                .hanging(16)
        })
        .collect();
    if app.scope.read_only {
        rows.push(Row::plain(
            theme.warning(),
            "read-only: e, r and D do nothing",
        ));
    }
    let title = "Keys (any key closes)";
    popup(frame, title, &rows, 76, theme.border());
}

/// A box over the screen, at most `width` wide and as tall as its rows (wrapped to fit).
fn popup(frame: &mut Frame, title: &str, rows: &[Row], width: u16, border: Style) {
    let width = width.min(frame.area().width);
    let lines = wrap(rows, width.saturating_sub(2));
    let area = centered(frame.area(), width, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} "))
                .border_style(border),
        ),
        area,
    );
}

/// A box of at most `width` × `height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
