//! Where S3 credentials and the endpoint come from, as every AWS tool takes them: the
//! environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
//! AWS_ENDPOINT_URL), else the profile (AWS_PROFILE, default "default") in
//! ~/.aws/credentials and ~/.aws/config. Read only when an upload needs them.

use std::path::PathBuf;

use anyhow::Result;
use configparser::ini::{Ini, IniDefault};

use resumectl_core::error::not_configured;
pub use resumectl_core::model::aws::AwsSettings;

/// The secret and token the environment holds, whether or not an upload reads them: no
/// message may print them.
pub fn environment_secrets() -> Vec<String> {
    ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
        .into_iter()
        .filter_map(env)
        .filter(|secret| secret.len() >= 4)
        .collect()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// One of the two ~/.aws files (or where AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE
/// point), parsed; None when it is not there.
fn aws_file(variable: &str, name: &str) -> Result<Option<Ini>> {
    let path = env(variable)
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".aws").join(name)));
    let Some(path) = path.filter(|path| path.exists()) else {
        return Ok(None);
    };
    let mut defaults = IniDefault::default();
    defaults.case_sensitive = true;
    defaults.multiline = true;
    defaults.enable_inline_comments = false;
    defaults.delimiters = vec!['='];
    let mut ini = Ini::new_from_defaults(defaults);
    // The parser's messages name the file and the line, never a value.
    ini.load(&path)
        .map_err(|why| not_configured(format!("{}: {why}", path.display())))?;
    Ok(Some(ini))
}

/// The S3 settings from the environment and the profile.
pub fn resolve() -> Result<AwsSettings> {
    let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
    let config_section = if profile == "default" {
        profile.clone()
    } else {
        format!("profile {profile}")
    };
    let credentials = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")?;
    let config = aws_file("AWS_CONFIG_FILE", "config")?;
    let from_config = |key: &str| {
        config
            .as_ref()
            .and_then(|ini| ini.get(&config_section, key))
    };
    let from_files = |key: &str| {
        credentials
            .as_ref()
            .and_then(|ini| ini.get(&profile, key))
            .or_else(|| from_config(key))
    };
    let (access_key_id, secret_access_key, session_token, source) =
        match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(key), Some(secret)) => (
                key,
                secret,
                env("AWS_SESSION_TOKEN"),
                "AWS_ACCESS_KEY_ID".into(),
            ),
            (None, None) => match (
                from_files("aws_access_key_id"),
                from_files("aws_secret_access_key"),
            ) {
                (Some(key), Some(secret)) => (
                    key,
                    secret,
                    from_files("aws_session_token"),
                    format!("the AWS profile {profile:?}"),
                ),
                _ => {
                    return Err(not_configured(format!(
                        "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a \
                     profile {profile:?} in ~/.aws/credentials (AWS_PROFILE picks another)"
                    )));
                }
            },
            _ => {
                return Err(not_configured(
                    "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither",
                ));
            }
        };
    let region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| from_config("region"))
        .unwrap_or_else(|| "us-east-1".into());
    let endpoint = match env("AWS_ENDPOINT_URL_S3")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(|| from_config("endpoint_url"))
    {
        None => None,
        Some(text) => {
            let url = url::Url::parse(&text)
                .map_err(|why| not_configured(format!("the S3 endpoint is not a URL: {why}")))?;
            let plain = url.username().is_empty() && url.password().is_none();
            if !matches!(url.scheme(), "http" | "https") || !plain {
                return Err(not_configured(
                    "the S3 endpoint must be an http:// or https:// URL without user info",
                ));
            }
            Some(url)
        }
    };
    Ok(AwsSettings::new(
        access_key_id,
        secret_access_key,
        session_token,
        region,
        endpoint,
        source,
    ))
}
