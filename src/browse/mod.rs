//! `resumectl browse`: the support console. A full-screen terminal UI over the same `ops`
//! the commands call: the state and what a message does to it (`app`, `keys`), drawing
//! (`view`, `pages`, `rows`), the database work off the UI's path (`work`), and the
//! terminal, put back on every path (`screen`).

pub mod app;
pub mod json;
pub mod keys;
pub mod pages;
pub mod rows;
mod screen;
pub mod tab;
pub mod view;
pub mod work;

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{Event, EventStream, KeyCode};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use app::{App, DEBOUNCE, Scope};
use resumectl_core::error::CliError;
use resumectl_core::interrupt::{Signal, Signals};
use resumectl_core::ops::{ConnectOptions, Session};
use rows::Theme;
use screen::Screen;
use work::{Reply, Request, Worker};

/// What the console needs from the command line.
pub struct Setup {
    pub options: ConnectOptions,
    /// None: --all-users.
    pub user: Option<String>,
    pub read_only: bool,
    pub editor: String,
    pub colour: bool,
    /// The database, as shown in the header (no password).
    pub database: String,
    pub secrets: Vec<String>,
    /// RESUMECTL_TIMINGS: say how long key presses took to redraw, at the end.
    pub timings: bool,
}

/// How often the spinner turns and a typed filter is checked for sending.
const TICK: Duration = Duration::from_millis(80);

/// Runs the console until it is quit (exit 0) or a signal ends it (its exit code).
pub async fn run(setup: Setup) -> Result<()> {
    let signals = Signals::catch()?;
    let (requests, waiting) = mpsc::unbounded_channel();
    let (answer, mut replies) = mpsc::unbounded_channel();
    let work = start_work(&setup, waiting, answer).await?;
    let mut app = App::new(Scope {
        user: setup.user.clone(),
        read_only: setup.read_only,
        database: setup.database.clone(),
        theme: Theme {
            colour: setup.colour,
        },
    });
    let mut screen = Screen::enter()?;
    let size = screen.terminal.size()?;
    resize(&mut app, size.width, size.height);
    let _ = requests.send(app.first_page());
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut redraws = Redraws::default();
    let mut ended = None;
    let mut dirty = true;
    while !app.quit {
        if dirty {
            screen.terminal.draw(|frame| view::draw(frame, &app))?;
            redraws.drawn();
            dirty = false;
        }
        let asked = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => {
                    redraws.pressed(key.code);
                    dirty = true;
                    keys::key(&mut app, key)
                }
                Some(Ok(Event::Resize(width, height))) => {
                    resize(&mut app, width, height);
                    dirty = true;
                    Vec::new()
                }
                Some(Ok(_)) => Vec::new(),
                Some(Err(error)) => return Err(error.into()),
                None => break,
            },
            reply = replies.recv() => match reply {
                Some(reply) => {
                    dirty = true;
                    app.receive(reply)
                }
                None => anyhow::bail!("the console's database work stopped"),
            },
            _ = tick.tick() => {
                dirty |= app.busy > 0;
                app.spinner += 1;
                match app.list.dirty_since {
                    Some(since) if since.elapsed() >= DEBOUNCE => {
                        dirty = true;
                        keys::refilter(&mut app)
                    }
                    _ => Vec::new(),
                }
            }
            signal = signals.wait() => {
                ended = Some(signal);
                break;
            }
        };
        for request in asked {
            match request {
                Request::Edit { .. } => {
                    // The editor gets the terminal: no key is read meanwhile, and keys
                    // typed before it started are dropped, not acted on after it.
                    drop(events);
                    while crossterm::event::poll(Duration::ZERO)? {
                        let _ = crossterm::event::read()?;
                    }
                    screen.suspend();
                    let _ = requests.send(request);
                    wait_for_edit(&mut app, &mut replies, &requests).await;
                    if signals.received() == Some(Signal::Interrupt) {
                        // A Ctrl-C typed in the editor was meant for it.
                        signals.forget();
                    }
                    screen.resume()?;
                    events = EventStream::new();
                    dirty = true;
                }
                request => {
                    let _ = requests.send(request);
                }
            }
        }
    }
    drop(screen);
    drop(requests);
    // The session closes once the work in hand is done (a statement runs under the
    // statement timeout); a signal does not wait for it.
    if ended.is_none() {
        let _ = tokio::time::timeout(Duration::from_secs(2), work).await;
    }
    if setup.timings {
        crate::output::terminal::to_stderr(&redraws.report());
    }
    match ended {
        Some(signal) => Err(CliError::new(
            signal.kind(),
            format!("browse stopped by {}", signal.name()),
        )
        .into()),
        None => Ok(()),
    }
}

/// Starts the database work on a thread of its own (with a runtime of its own), so that
/// no query, parse or measurement ever holds up a key. Connected before the screen is
/// taken: a refused connection is the usual error, with its exit code. The returned
/// handle ends once the session is closed.
async fn start_work(
    setup: &Setup,
    waiting: mpsc::UnboundedReceiver<Request>,
    answer: mpsc::UnboundedSender<Reply>,
) -> Result<tokio::sync::oneshot::Receiver<()>> {
    let (ready, connected) = tokio::sync::oneshot::channel::<Result<()>>();
    let (closed, done) = tokio::sync::oneshot::channel();
    let options = setup.options.clone();
    let (user, editor, secrets) = (
        setup.user.clone(),
        setup.editor.clone(),
        setup.secrets.clone(),
    );
    std::thread::Builder::new()
        .name("browse-work".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready.send(Err(error.into()));
                    return;
                }
            };
            runtime.block_on(async move {
                match Session::open(&options).await {
                    Ok(session) => {
                        let _ = ready.send(Ok(()));
                        let worker = Worker {
                            session,
                            user,
                            editor,
                            secrets,
                        };
                        worker.serve(waiting, answer).await;
                    }
                    Err(error) => {
                        let _ = ready.send(Err(error));
                    }
                }
            });
            let _ = closed.send(());
        })?;
    connected
        .await
        .map_err(|_| anyhow::anyhow!("the console's database work did not start"))??;
    Ok(done)
}

fn resize(app: &mut App, width: u16, height: u16) {
    app.width = width;
    app.page_rows = usize::from(height.saturating_sub(view::CHROME_ROWS)).max(1);
    app.rewrap();
}

/// Waits for the edit's reply, taking the others as they come.
async fn wait_for_edit(
    app: &mut App,
    replies: &mut mpsc::UnboundedReceiver<Reply>,
    requests: &mpsc::UnboundedSender<Request>,
) {
    while let Some(reply) = replies.recv().await {
        let edited = matches!(reply, Reply::Written { edit: true, .. });
        for request in app.receive(reply) {
            let _ = requests.send(request);
        }
        if edited {
            return;
        }
    }
}

/// How long each key took to show (RESUMECTL_TIMINGS=1): from the key read to the frame
/// written.
#[derive(Default)]
struct Redraws {
    pressed: Option<(Instant, KeyCode)>,
    took: Vec<(Duration, KeyCode)>,
}

impl Redraws {
    fn pressed(&mut self, key: KeyCode) {
        self.pressed = Some((Instant::now(), key));
    }

    fn drawn(&mut self) {
        if let Some((pressed, key)) = self.pressed.take() {
            self.took.push((pressed.elapsed(), key));
        }
    }

    fn report(&mut self) -> String {
        self.took.sort_by_key(|(took, _)| *took);
        let ms = |duration: Duration| format!("{:.2}", duration.as_secs_f64() * 1000.0);
        match (self.took.get(self.took.len() / 2), self.took.last()) {
            (Some((median, _)), Some((max, key))) => format!(
                "browse: {} keys redrawn, median {} ms, max {} ms ({key})",
                self.took.len(),
                ms(*median),
                ms(*max)
            ),
            _ => "browse: no keys pressed".to_string(),
        }
    }
}
