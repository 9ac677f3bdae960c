//! The terminal while the console runs: raw mode and the alternate screen, put back on
//! every path (a return, an error, a panic, a signal), and handed to the editor and back.

use std::io::{Stdout, stdout};
use std::sync::Once;

use anyhow::Result;
use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Backend = CrosstermBackend<Stdout>;

/// The console's terminal. Dropping it puts the terminal back.
pub struct Screen {
    pub terminal: Terminal<Backend>,
}

impl Screen {
    pub fn enter() -> Result<Screen> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            // The terminal is put back before the panic is reported, or the report would
            // land on the alternate screen and vanish with it.
            let report = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                put_back();
                report(info);
            }));
        });
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        let mut screen = Screen { terminal };
        screen.resume()?;
        Ok(screen)
    }

    /// Gives the terminal back (to the editor): the normal screen, cooked mode, a cursor.
    pub fn suspend(&mut self) {
        put_back();
    }

    /// Takes the terminal again and redraws everything.
    pub fn resume(&mut self) -> Result<()> {
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
        // The screen is blank: so is the frame ratatui compares the next one with, and the
        // next draw writes every cell. (Terminal::clear would ask the terminal where its
        // cursor is, which not every terminal answers.)
        self.terminal
            .draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))?;
        Ok(())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        put_back();
    }
}

/// Raw mode off, the alternate screen left, the cursor shown: safe to call twice.
fn put_back() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}
