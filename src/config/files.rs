//! The two files settings come from besides flags and the environment: `./.env` and the
//! config file (TOML). Each refusal names the file and the line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use resumectl_core::error::not_configured;

/// The config file's keys. Unknown keys are refused so that a typo does not go unseen.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub database_url: Option<String>,
    pub migration_database_url: Option<String>,
    pub user: Option<String>,
    pub actor: Option<String>,
    pub connect_timeout: Option<u64>,
    pub statement_timeout: Option<u64>,
    pub max_input_size: Option<toml::Value>,
    /// `[design]`: the PDF themes' design options (`export --design` overrides each).
    pub design: Option<std::collections::BTreeMap<String, toml::Value>>,
}

/// The most a settings file may hold: far more than any real one, little enough that a
/// `.env` linked to `/dev/zero` (it can come with any cloned repository) is refused
/// instead of read until memory runs out.
const MAX_SETTINGS_FILE: u64 = 1024 * 1024;

/// A settings file's text: None when there is none. Anything but a regular file (a FIFO
/// would block the command, and completion with it, for ever; a device never ends) is
/// refused before it is opened, and so is a file over `MAX_SETTINGS_FILE`.
fn read_settings_file(path: &Path, what: &str) -> Result<Option<String>> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(not_configured(format!(
                "cannot read {what} {}: {error}",
                path.display()
            )));
        }
    };
    if !metadata.is_file() {
        return Err(not_configured(format!(
            "{what} {} is not a regular file ({}): refused",
            path.display(),
            file_kind(&metadata.file_type())
        )));
    }
    let file = std::fs::File::open(path).map_err(|error| {
        not_configured(format!("cannot read {what} {}: {error}", path.display()))
    })?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_SETTINGS_FILE + 1),
        &mut bytes,
    )
    .map_err(|error| not_configured(format!("cannot read {what} {}: {error}", path.display())))?;
    if bytes.len() as u64 > MAX_SETTINGS_FILE {
        return Err(not_configured(format!(
            "{what} {} is larger than {} KiB: refused",
            path.display(),
            MAX_SETTINGS_FILE / 1024
        )));
    }
    String::from_utf8(bytes).map(Some).map_err(|error| {
        not_configured(format!(
            "{what} {} is not UTF-8 (byte {})",
            path.display(),
            error.utf8_error().valid_up_to()
        ))
    })
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

pub fn read_dotenv(path: &Path) -> Result<HashMap<String, String>> {
    let Some(text) = read_settings_file(path, "the .env file")? else {
        return Ok(HashMap::new());
    };
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
    let text = match read_settings_file(path, "the config file")? {
        Some(text) => text,
        None if !explicit => return Ok(ConfigFile::default()),
        None => {
            return Err(not_configured(format!(
                "cannot read the config file {}: it does not exist",
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
        toml::Value::Integer(bytes) => crate::values::parse_size(&bytes.to_string()),
        toml::Value::String(text) => crate::values::parse_size(text),
        _ => Err("expected a size such as \"16MiB\" or a number of bytes".into()),
    }
}
