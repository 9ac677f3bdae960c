//! Database URLs in messages: shown with their password replaced, or not at all when they
//! cannot be read safely; and a last scrub of every message for the passwords configured.

/// True when a URL cannot be read safely: it does not parse, or an `@` sits after the
/// first `/` (a password holding `/`, such as `app:4242/s3cret@host`, makes the start of
/// the password read as host:port and the rest as the path). Such a URL is never handed
/// to a library, and no part of it after the scheme is ever printed.
pub fn is_malformed_url(raw: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return url::Url::parse(raw).is_err();
    };
    // Where the authority ends (at '/', '?' or '#'), an '@' must not follow: a password
    // holding one of those three would otherwise be read, in part, as host, path, query
    // or fragment. A query value holding '@' is refused too: percent-encode it.
    let after_authority = rest.find(['/', '?', '#']).map_or("", |end| &rest[end..]);
    after_authority.contains('@') || url::Url::parse(raw).is_err()
}

/// The passwords a URL carries (userinfo, or a `password=` query parameter).
pub fn url_secrets(raw: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if is_malformed_url(raw) {
        // Guess generously: everything between the first ':' of the userinfo and the last
        // '@' before the query, and each piece of it between '/' and ':'.
        if let Some((_, rest)) = raw.split_once("://")
            && let Some((userinfo, _)) = rest.rsplit_once('@')
        {
            let password = userinfo.split_once(':').map_or(userinfo, |(_, p)| p);
            secrets.push(password.to_string());
            secrets.extend(password.split(['/', ':', '?', '#']).map(str::to_string));
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
        for raw in [
            "postgres://app:4242?Zq9sEcReT@db.internal/resumes",
            "postgres://app:4242#Zq9sEcReT@db.internal/resumes",
        ] {
            assert!(is_malformed_url(raw), "{raw}");
            assert_eq!(redact_url(raw), "postgres://<malformed>");
        }
        assert!(!is_malformed_url(
            "postgres://app:p%2Fw@db/resumes?sslmode=require"
        ));
        assert!(!is_malformed_url(
            "postgres:///resumes?host=/run/postgresql"
        ));
    }
}
