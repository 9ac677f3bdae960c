//! Resolves the settings once: flag > environment > `.env` in the working directory >
//! config file; and redacts database URLs for every message that mentions one.

pub mod args;
pub mod aws;
pub mod files;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use files::{ConfigFile, config_size, default_config_path, read_config_file, read_dotenv};
use resumectl_core::secrets::url_secrets;

use crate::output::shell::Shell;
use crate::values::MAX_TIMEOUT_SECONDS;
pub use args::GlobalArgs;
use resumectl_core::error::not_configured;

pub const DEFAULT_MAX_INPUT_SIZE: u64 = 16 << 20;
pub const DEFAULT_CONNECT_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_STATEMENT_TIMEOUT_SECONDS: u64 = 30;

/// Everything a command needs to know about its environment, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    database_url: Option<Sourced>,
    migration_database_url: Option<Sourced>,
    user: Option<Sourced>,
    /// Prompts may be shown: stdin and stderr are terminals, no --no-input, no CI=true.
    pub interactive: bool,
    /// The editor `edit` opens: $VISUAL, else $EDITOR; None when neither is set.
    pub editor: Option<String>,
    /// Who makes the changes: recorded with every version written.
    pub actor: String,
    /// --no-input was given: nothing may wait for a person (an editor included).
    pub no_input: bool,
    pub connect_timeout: Duration,
    /// None: no limit.
    pub statement_timeout: Option<Duration>,
    pub max_input_size: u64,
    /// The config file's [design] table, each value as text (checked where it is used),
    /// and the file's name for messages.
    pub design: Vec<(String, String)>,
    pub design_file: String,
}

/// A value and where it came from, so that messages can say which setting to fix.
#[derive(Clone)]
struct Sourced {
    value: String,
    source: String,
}

impl std::fmt::Debug for Sourced {
    // Never show the value: it may be a URL with a password in it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<set from {}>", self.source)
    }
}

const HOW_TO_SET_USER: &str = "set it with --user ID, the RESUMECTL_USER environment variable, \
     RESUMECTL_USER in ./.env, or `user = \"...\"` in the config file";
const HOW_TO_SET_URL: &str = "set it with --database-url URL, the DATABASE_URL environment \
     variable, DATABASE_URL in ./.env, or `database_url = \"...\"` in the config file";

impl Settings {
    pub fn user(&self) -> Result<&str> {
        match &self.user {
            Some(user) if !user.value.trim().is_empty() => Ok(&user.value),
            Some(user) => Err(not_configured(format!(
                "the user id from {} is empty; {HOW_TO_SET_USER}",
                user.source
            ))),
            None => Err(not_configured(format!(
                "no user id configured: {HOW_TO_SET_USER}"
            ))),
        }
    }

    pub fn database_url(&self) -> Result<&str> {
        match &self.database_url {
            Some(url) if !url.value.trim().is_empty() => Ok(&url.value),
            _ => Err(not_configured(format!(
                "no database URL configured: {HOW_TO_SET_URL}"
            ))),
        }
    }

    /// The direct URL for migrations, and where it came from, when one is configured.
    pub fn migration_database_url(&self) -> Option<(&str, &str)> {
        self.migration_database_url
            .as_ref()
            .filter(|url| !url.value.trim().is_empty())
            .map(|url| (url.value.as_str(), url.source.as_str()))
    }

    /// Where the database URL came from (for messages), e.g. "DATABASE_URL".
    /// Whether the user id was given with --user (a command to run later must repeat it).
    pub fn user_from_flag(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|user| user.source == "--user")
    }

    pub fn database_url_source(&self) -> &str {
        self.database_url
            .as_ref()
            .map_or("nowhere", |url| url.source.as_str())
    }

    /// Strings that must never reach any output: passwords inside the configured URL,
    /// and the S3 secret and session token the environment holds.
    pub fn secrets(&self) -> Vec<String> {
        [&self.database_url, &self.migration_database_url]
            .into_iter()
            .flatten()
            .flat_map(|url| url_secrets(&url.value))
            .chain(aws::environment_secrets())
            .collect()
    }
}

/// The longest actor name kept with a version, in characters.
const MAX_ACTOR_CHARS: usize = 200;

/// An actor name as given: at most `MAX_ACTOR_CHARS` characters, not blank, no control
/// characters (it is shown in tables and sent in SQL), else a usage error naming where
/// it came from.
fn checked_actor(name: String, source: &str) -> Result<String> {
    let chars = name.chars().count();
    let control = name.chars().find(|c| c.is_control());
    let problem = if name.trim().is_empty() {
        Some("is empty".to_string())
    } else if chars > MAX_ACTOR_CHARS {
        Some(format!(
            "is {chars} characters long; at most {MAX_ACTOR_CHARS} are kept"
        ))
    } else {
        control.map(|c| format!("contains a control character ({})", c.escape_unicode()))
    };
    match problem {
        Some(problem) => Err(resumectl_core::error::usage(format!(
            "the actor from {source} {problem}"
        ))),
        None => Ok(name),
    }
}

/// `<OS user>@<host>` when no actor is configured, with what of it can be found.
fn default_actor() -> String {
    let user = whoami::username().unwrap_or_else(|_| "unknown".into());
    match whoami::hostname() {
        Ok(host) => format!("{user}@{host}"),
        Err(_) => user,
    }
}

pub fn ci_requested() -> bool {
    std::env::var("CI").is_ok_and(|value| {
        let value = value.trim().to_ascii_lowercase();
        !value.is_empty() && value != "false" && value != "0"
    })
}

/// The settings for a command. With `strict` false (commands that need no
/// configuration), an unreadable `.env` or config file is named in a note and left out,
/// rather than stopping the command.
pub fn resolve(args: &GlobalArgs, strict: bool, shell: &Shell) -> Result<Settings> {
    match resolve_from(args, true, shell) {
        Err(error) if !strict => {
            shell.note(&format!(
                "left out the .env and config files: {error:#} (this command needs no \
                 configuration)"
            ));
            resolve_from(args, false, shell)
        }
        resolved => resolved,
    }
}

/// The settings as `resolve` finds them, without a note on stderr: for shell completion,
/// which must print nothing. None when they cannot be read at all.
pub fn resolve_silently(args: &GlobalArgs) -> Option<Settings> {
    let shell = Shell::decide(None, false);
    resolve_from(args, true, &shell)
        .or_else(|_| resolve_from(args, false, &shell))
        .ok()
}

/// `files`: read `./.env` and the config file too (else flags and environment only).
fn resolve_from(args: &GlobalArgs, files: bool, shell: &Shell) -> Result<Settings> {
    let dotenv = if files {
        read_dotenv(Path::new(".env"))?
    } else {
        HashMap::new()
    };
    let config_path = args
        .config
        .clone()
        .filter(|_| files)
        .map(|path| (path, true))
        .or_else(|| {
            dotenv
                .get("RESUMECTL_CONFIG")
                .map(|path| (PathBuf::from(path), true))
        })
        .or_else(|| {
            default_config_path()
                .filter(|_| files)
                .map(|path| (path, false))
        });
    let (file, file_label) = match &config_path {
        Some((path, explicit)) => (
            read_config_file(path, *explicit)?,
            path.display().to_string(),
        ),
        None => (ConfigFile::default(), String::new()),
    };

    let pick = |from_clap: &Option<String>, names: (&str, &str), file_value: &Option<String>| {
        pick_source(
            from_clap.as_deref(),
            names,
            &dotenv,
            file_value.as_deref(),
            &file_label,
        )
    };
    let database_url = pick(
        &args.database_url,
        ("--database-url", "DATABASE_URL"),
        &file.database_url,
    );
    let migration_database_url = pick(
        &args.migration_database_url,
        ("--migration-database-url", "MIGRATION_DATABASE_URL"),
        &file.migration_database_url,
    );
    let user = pick(&args.user, ("--user", "RESUMECTL_USER"), &file.user);
    let actor = match pick(&args.actor, ("--actor", "RESUMECTL_ACTOR"), &file.actor) {
        Some(given) => checked_actor(given.value, &given.source)?,
        None => default_actor(),
    };
    // The same bounds as the flags: a value past them would overflow, or fail only after
    // connecting.
    let seconds = |flag: Option<u64>,
                   (env_name, file_key): (&str, &str),
                   file_value: Option<u64>,
                   (lowest, default): (u64, u64)| {
        let (value, place) = match (flag, dotenv.get(env_name)) {
            (Some(seconds), _) => return Ok(seconds),
            (None, Some(text)) => (
                text.trim().parse::<u64>().map_err(|_| {
                    not_configured(format!(
                        "{env_name} in .env is not a number of seconds: '{}'",
                        text.escape_debug()
                    ))
                })?,
                format!("{env_name} in .env"),
            ),
            (None, None) => match file_value {
                Some(value) => (value, format!("{file_key} in {file_label}")),
                None => return Ok(default),
            },
        };
        if (lowest..=MAX_TIMEOUT_SECONDS).contains(&value) {
            Ok(value)
        } else {
            Err(not_configured(format!(
                "{place}: {value} is out of range: give {lowest} to {MAX_TIMEOUT_SECONDS} seconds"
            )))
        }
    };
    let statement_timeout = seconds(
        args.statement_timeout,
        ("RESUMECTL_STATEMENT_TIMEOUT", "statement_timeout"),
        file.statement_timeout,
        (0, DEFAULT_STATEMENT_TIMEOUT_SECONDS),
    )?;
    let connect_timeout = seconds(
        args.connect_timeout,
        ("RESUMECTL_CONNECT_TIMEOUT", "connect_timeout"),
        file.connect_timeout,
        (1, DEFAULT_CONNECT_TIMEOUT_SECONDS),
    )?;
    let max_input_size = match args.max_input_size {
        Some(size) => size,
        None => match (dotenv.get("RESUMECTL_MAX_INPUT_SIZE"), &file.max_input_size) {
            (Some(text), _) => crate::values::parse_size(text).map_err(|message| {
                not_configured(format!("RESUMECTL_MAX_INPUT_SIZE in .env: {message}"))
            })?,
            (None, Some(value)) => config_size(value).map_err(|message| {
                not_configured(format!("max_input_size in {file_label}: {message}"))
            })?,
            (None, None) => DEFAULT_MAX_INPUT_SIZE,
        },
    };

    let design = file
        .design
        .iter()
        .flatten()
        .map(|(key, value)| {
            let text = match value {
                toml::Value::String(text) => text.clone(),
                toml::Value::Integer(number) => number.to_string(),
                toml::Value::Float(number) => number.to_string(),
                _ => {
                    return Err(not_configured(format!(
                        "design.{key} in {file_label}: give a string or a number"
                    )));
                }
            };
            Ok((key.clone(), text))
        })
        .collect::<Result<Vec<_>>>()?;

    let terminal = shell.terminal();
    Ok(Settings {
        design,
        design_file: file_label.clone(),
        database_url,
        migration_database_url,
        user,
        actor,
        no_input: args.no_input,
        interactive: !args.no_input && !ci_requested() && terminal.stdin && terminal.stderr,
        editor: ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.trim().is_empty()),
        connect_timeout: Duration::from_secs(connect_timeout),
        statement_timeout: (statement_timeout > 0).then(|| Duration::from_secs(statement_timeout)),
        max_input_size,
    })
}

/// Flag and environment arrive together from clap (it reads the environment itself);
/// tell them apart only for the message, by checking whether the variable is set.
fn pick_source(
    from_clap: Option<&str>,
    (flag, env_name): (&str, &str),
    dotenv: &HashMap<String, String>,
    file_value: Option<&str>,
    file_label: &str,
) -> Option<Sourced> {
    if let Some(value) = from_clap {
        let source = if std::env::var(env_name).is_ok_and(|env| env == value) {
            env_name.to_string()
        } else {
            flag.to_string()
        };
        return Some(Sourced {
            value: value.to_string(),
            source,
        });
    }
    if let Some(value) = dotenv.get(env_name) {
        return Some(Sourced {
            value: value.clone(),
            source: format!("{env_name} in ./.env"),
        });
    }
    file_value.map(|value| Sourced {
        value: value.to_string(),
        source: format!("the config file {file_label}"),
    })
}
