//! Resolves the settings once: flag > environment > `.env` in the working directory >
//! config file; and redacts database URLs for every message that mentions one.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use crate::cli::{Format, GlobalArgs, MAX_TIMEOUT_SECONDS};
use crate::error::not_configured;

pub const DEFAULT_MAX_INPUT_SIZE: u64 = 16 << 20;
pub const DEFAULT_CONNECT_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_STATEMENT_TIMEOUT_SECONDS: u64 = 30;

/// Everything a command needs to know about its environment, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    database_url: Option<Sourced>,
    migration_database_url: Option<Sourced>,
    user: Option<Sourced>,
    pub format: Format,
    /// Prompts may be shown: stdin and stderr are terminals, no --no-input, no CI=true.
    pub interactive: bool,
    /// --no-input was given: nothing may wait for a person (an editor included).
    pub no_input: bool,
    pub connect_timeout: Duration,
    /// None: no limit.
    pub statement_timeout: Option<Duration>,
    pub max_input_size: u64,
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

/// The config file's keys. Unknown keys are refused so that a typo does not go unseen.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    database_url: Option<String>,
    migration_database_url: Option<String>,
    user: Option<String>,
    connect_timeout: Option<u64>,
    statement_timeout: Option<u64>,
    max_input_size: Option<toml::Value>,
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
    pub fn database_url_source(&self) -> &str {
        self.database_url
            .as_ref()
            .map_or("nowhere", |url| url.source.as_str())
    }

    /// Strings that must never reach any output: passwords inside the configured URL.
    pub fn secrets(&self) -> Vec<String> {
        [&self.database_url, &self.migration_database_url]
            .into_iter()
            .flatten()
            .flat_map(|url| url_secrets(&url.value))
            .collect()
    }
}

/// The output format, decided before anything else so that even configuration errors
/// come out in the right shape.
pub fn resolve_format(flag: Option<Format>) -> Format {
    flag.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    })
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
pub fn resolve(args: &GlobalArgs, strict: bool) -> Result<Settings> {
    match resolve_from(args, true) {
        Err(error) if !strict => {
            crate::output::notice(&format!(
                "left out the .env and config files: {error:#} (this command needs no \
                 configuration)"
            ));
            resolve_from(args, false)
        }
        resolved => resolved,
    }
}

/// `files`: read `./.env` and the config file too (else flags and environment only).
fn resolve_from(args: &GlobalArgs, files: bool) -> Result<Settings> {
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
            (Some(text), _) => crate::cli::parse_size(text).map_err(|message| {
                not_configured(format!("RESUMECTL_MAX_INPUT_SIZE in .env: {message}"))
            })?,
            (None, Some(value)) => config_size(value).map_err(|message| {
                not_configured(format!("max_input_size in {file_label}: {message}"))
            })?,
            (None, None) => DEFAULT_MAX_INPUT_SIZE,
        },
    };

    Ok(Settings {
        database_url,
        migration_database_url,
        user,
        format: resolve_format(args.format),
        no_input: args.no_input,
        interactive: !args.no_input
            && !ci_requested()
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal(),
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

fn read_dotenv(path: &Path) -> Result<HashMap<String, String>> {
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|error| not_configured(format!("cannot read {}: {error}", path.display())))?;
    // Editors on some systems start a file with a byte-order mark; it is not part of the
    // first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let entries = dotenvy::from_read_iter(text.as_bytes());
    let mut values = HashMap::new();
    for entry in entries {
        // dotenvy's message names the line; it never includes other lines' values.
        let (key, value) = entry.map_err(|error| {
            not_configured(format!(
                "{}: {}",
                path.display(),
                redact_dotenv_error(&error)
            ))
        })?;
        values.insert(key, value);
    }
    Ok(values)
}

fn redact_dotenv_error(error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(_, index) => {
            format!("cannot parse the line at character {index}")
        }
        other => other.to_string(),
    }
}

fn default_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("resumectl").join("config.toml"))
}

fn read_config_file(path: &Path, explicit: bool) -> Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default());
        }
        Err(error) => {
            return Err(not_configured(format!(
                "cannot read the config file {}: {error}",
                path.display()
            )));
        }
    };
    toml::from_str(&text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start].matches('\n').count() + 1);
        let place = line.map_or(String::new(), |line| format!(" line {line}"));
        not_configured(format!(
            "the config file {}{place}: {}",
            path.display(),
            error.message()
        ))
    })
}

fn config_size(value: &toml::Value) -> Result<u64, String> {
    match value {
        toml::Value::Integer(bytes) => crate::cli::parse_size(&bytes.to_string()),
        toml::Value::String(text) => crate::cli::parse_size(text),
        _ => Err("expected a size such as \"16MiB\" or a number of bytes".into()),
    }
}

/// True when a URL cannot be read safely: it does not parse, or an `@` sits after the
/// first `/` (a password holding `/`, such as `app:4242/s3cret@host`, makes the start of
/// the password read as host:port and the rest as the path). Such a URL is never handed
/// to a library, and no part of it after the scheme is ever printed.
pub fn is_malformed_url(raw: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return url::Url::parse(raw).is_err();
    };
    let before_query = rest.split(['?', '#']).next().unwrap_or_default();
    let path = before_query.split_once('/').map_or("", |(_, path)| path);
    path.contains('@') || url::Url::parse(raw).is_err()
}

/// The passwords a URL carries (userinfo, or a `password=` query parameter).
fn url_secrets(raw: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if is_malformed_url(raw) {
        // Guess generously: everything between the first ':' of the userinfo and the last
        // '@' before the query, and each piece of it between '/' and ':'.
        if let Some((_, rest)) = raw.split_once("://") {
            let before_query = rest.split(['?', '#']).next().unwrap_or_default();
            if let Some((userinfo, _)) = before_query.rsplit_once('@') {
                let password = userinfo.split_once(':').map_or(userinfo, |(_, p)| p);
                secrets.push(password.to_string());
                secrets.extend(password.split(['/', ':']).map(str::to_string));
            }
        }
    } else if let Ok(url) = url::Url::parse(raw) {
        if let Some(password) = url.password() {
            secrets.push(password.to_string());
            if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
                secrets.push(decoded.into_owned());
            }
        }
        for (key, value) in url.query_pairs() {
            if key.eq_ignore_ascii_case("password") && !value.is_empty() {
                secrets.push(value.into_owned());
            }
        }
    }
    secrets.retain(|secret| !secret.is_empty());
    secrets
}

/// A URL fit to print: the password (and any password parameter) replaced by `***`; of a
/// malformed URL, only its scheme.
pub fn redact_url(raw: &str) -> String {
    if is_malformed_url(raw) {
        return match raw.split_once("://") {
            Some((scheme, _)) if scheme.chars().all(|c| c.is_ascii_alphanumeric()) => {
                format!("{scheme}://<malformed>")
            }
            _ => "<malformed URL>".to_string(),
        };
    }
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(key, value)| {
                    let value = if key.eq_ignore_ascii_case("password") {
                        "***".to_string()
                    } else {
                        value.into_owned()
                    };
                    (key.into_owned(), value)
                })
                .collect();
            if !pairs.is_empty() {
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        }
        Err(_) => "<unparseable database URL>".to_string(),
    }
}

/// Replaces every secret in a message by `***`: the last line of defence for text that
/// came from a library.
pub fn scrub(message: &str, secrets: &[String]) -> String {
    let mut out = message.to_string();
    for secret in secrets {
        if secret.len() >= 3 {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_password_in_userinfo_and_query() {
        let shown = redact_url(
            "postgres://app:s3cret@db.example:5433/resumes?password=s3cret&sslmode=require",
        );
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.example:5433"), "{shown}");
        assert!(shown.contains("sslmode=require"), "{shown}");
    }

    #[test]
    fn secrets_include_percent_decoded_password() {
        let secrets = url_secrets("postgres://app:p%40ss@localhost/db");
        assert!(secrets.contains(&"p@ss".to_string()), "{secrets:?}");
        assert_eq!(scrub("failed for p@ss", &secrets), "failed for ***");
    }

    #[test]
    fn unparseable_url_is_not_echoed() {
        assert_eq!(
            redact_url("postgres://a:b@host:notaport/x"),
            "postgres://<malformed>"
        );
        assert!(url_secrets("postgres://a:hunter2@host:notaport/x").contains(&"hunter2".into()));
    }

    #[test]
    fn a_password_with_a_slash_makes_the_url_malformed_and_none_of_it_is_shown() {
        let raw = "postgres://app:4242/Zq9+sEcReT@db.internal/resumes";
        assert!(is_malformed_url(raw));
        assert_eq!(redact_url(raw), "postgres://<malformed>");
        let secrets = url_secrets(raw);
        let scrubbed = scrub(
            "could not connect to app:4242/Zq9+sEcReT@db.internal",
            &secrets,
        );
        assert!(!scrubbed.contains("Zq9"), "{scrubbed}");
        assert!(!scrubbed.contains("4242"), "{scrubbed}");
        assert!(!is_malformed_url(
            "postgres://app:p%2Fw@db/resumes?sslmode=require"
        ));
        assert!(!is_malformed_url(
            "postgres:///resumes?host=/run/postgresql"
        ));
    }
}
