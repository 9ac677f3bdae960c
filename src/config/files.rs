//! The two files settings come from besides flags and the environment: `./.env` and the
//! config file (TOML). Each refusal names the file and the line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::error::not_configured;

/// The config file's keys. Unknown keys are refused so that a typo does not go unseen.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub database_url: Option<String>,
    pub migration_database_url: Option<String>,
    pub user: Option<String>,
    pub connect_timeout: Option<u64>,
    pub statement_timeout: Option<u64>,
    pub max_input_size: Option<toml::Value>,
}

pub fn read_dotenv(path: &Path) -> Result<HashMap<String, String>> {
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

pub fn default_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("resumectl").join("config.toml"))
}

pub fn read_config_file(path: &Path, explicit: bool) -> Result<ConfigFile> {
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

pub fn config_size(value: &toml::Value) -> Result<u64, String> {
    match value {
        toml::Value::Integer(bytes) => crate::cli::parse_size(&bytes.to_string()),
        toml::Value::String(text) => crate::cli::parse_size(text),
        _ => Err("expected a size such as \"16MiB\" or a number of bytes".into()),
    }
}
