//! `resumectl browse` on a real pseudo-terminal (portable-pty), its output fed to a
//! terminal emulator (vt100) so that a test reads the screen a person would see, types
//! keys, resizes the window and checks how the terminal was left.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{TestEnv, USER, bin_path};

/// How long a screen may take to show what a test waits for (a loaded CI machine).
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Console {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, for checks on how it left the terminal.
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl TestEnv {
    /// `resumectl ARGS` on a `cols` × `rows` terminal, with `env` besides the test's own.
    pub fn console(
        &self,
        args: &[&str],
        (cols, rows): (u16, u16),
        env: &[(&str, &str)],
    ) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut command = CommandBuilder::new(bin_path());
        command.args(args);
        command.env_clear();
        command.cwd(self.dir.path());
        let path = std::env::var("PATH").unwrap_or_default();
        for (name, value) in [
            ("PATH", path.as_str()),
            ("TERM", "xterm-256color"),
            ("LANG", "C.UTF-8"),
            ("DATABASE_URL", self.url.as_str()),
            ("RESUMECTL_USER", USER),
        ] {
            command.env(name, value);
        }
        command.env("HOME", self.dir.path());
        command.env("XDG_CONFIG_HOME", self.dir.path());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair
            .slave
            .spawn_command(command)
            .expect("start resumectl on the pty");
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().expect("the pty's reader");
        let (into_screen, into_bytes) = (screen.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(read) = reader.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                into_screen.lock().unwrap().process(&buffer[..read]);
                into_bytes
                    .lock()
                    .unwrap()
                    .extend_from_slice(&buffer[..read]);
            }
        });
        let writer = pair.master.take_writer().expect("the pty's writer");
        Console {
            master: pair.master,
            writer,
            child,
            screen,
            bytes,
        }
    }
}

impl Console {
    /// The screen's text, a line a row.
    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |screen| screen.contains(text))
    }

    /// Waits until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("no {text}"), |screen| !screen.contains(text))
    }

    /// Waits until `done` holds of the screen (`what` names it in the failure).
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if start.elapsed() > PATIENCE {
                panic!("the screen never showed {what:?}; it shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `keys` (bytes as a terminal sends them: "\r" is Enter, "\x1b" Esc).
    pub fn keys(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("type into the pty");
        self.writer.flush().expect("flush the pty");
        // A lone Esc is told from an escape sequence by the pause after it.
        std::thread::sleep(Duration::from_millis(if keys == "\x1b" { 150 } else { 60 }));
    }

    /// The window changes size (SIGWINCH), as the emulator's screen does.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's pid")
    }

    /// Waits for the program to end; its exit code.
    pub fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                // The reader thread gets what was written last.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("resumectl did not exit; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the program wrote to the terminal so far.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    /// Whether the program ever switched to the alternate screen.
    pub fn entered(&self) -> bool {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).contains("\x1b[?1049h")
    }

    /// How the program left the terminal: the normal screen, the cursor shown.
    pub fn left_restored(&self) -> bool {
        let screen = self.screen.lock().unwrap();
        let bytes = self.bytes.lock().unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let entered = text.rfind("\x1b[?1049h");
        let left = text.rfind("\x1b[?1049l");
        !screen.screen().alternate_screen()
            && !screen.screen().hide_cursor()
            && matches!((entered, left), (Some(entered), Some(left)) if left > entered)
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
