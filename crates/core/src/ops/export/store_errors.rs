//! An object store's failures in the user's words: the S3 error code a server sent,
//! explained, and the cause under a transport error. Nothing here echoes the request (a
//! signature's string to sign holds request details).

/// The error and every source under it, as one text (the server's reply is in there).
pub(super) fn error_chain(failure: &(dyn std::error::Error + 'static)) -> String {
    let mut text = failure.to_string();
    let mut source = failure.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The innermost cause: "Connection refused (os error 111)", "operation timed out".
fn root_cause(failure: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = failure.source()?;
    while let Some(deeper) = cause.source() {
        cause = deeper;
    }
    Some(cause.to_string())
}

/// What happened to a request that brought no S3 error code: the store answered with an
/// HTTP status (said as such, never as "no answer"), or the connection failed (and why).
pub(super) fn what_happened(failure: &(dyn std::error::Error + 'static)) -> String {
    let text = error_chain(failure);
    if let Some(status) = answered_status(&text) {
        return format!("the store answered {status}, which is not an S3 reply");
    }
    let mut level = Some(failure);
    while let Some(error) = level {
        if let Some(http) = error.downcast_ref::<object_store::client::HttpError>() {
            use object_store::client::HttpErrorKind;
            let cause = root_cause(http).unwrap_or_else(|| http.to_string());
            return match http.kind() {
                HttpErrorKind::Connect => format!("could not connect ({cause})"),
                HttpErrorKind::Timeout => format!("no answer in time ({cause})"),
                _ => format!("the connection failed ({cause})"),
            };
        }
        level = error.source();
    }
    match root_cause(failure) {
        Some(cause) => format!("it failed ({cause})"),
        None => "it failed".to_string(),
    }
}

/// "404 Not Found" from object_store's "...non-2xx status code: 404 Not Found: <body>".
fn answered_status(text: &str) -> Option<&str> {
    let start = text.find("status code: ")? + "status code: ".len();
    let status = text[start..].split(':').next()?.trim();
    status
        .starts_with(|c: char| c.is_ascii_digit())
        .then_some(status)
}

/// The text of `<tag>...</tag>` in an S3 error reply.
fn xml_text<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let start = text.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = start + text[start..].find(&format!("</{tag}>"))?;
    Some(&text[start..end])
}

/// The S3 error code (`<Code>NoSuchBucket</Code>`), when the server sent one.
pub(super) fn s3_code(text: &str) -> Option<String> {
    let code = xml_text(text, "Code")?;
    code.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.')
        .then(|| code.to_string())
}

/// What an S3 error code means for the user.
pub(super) fn explain(code: &str, text: &str) -> String {
    match code {
        "NoSuchBucket" => "no such bucket".into(),
        "InvalidAccessKeyId" | "NotSignedUp" => {
            "the store does not know the access key id (AWS_ACCESS_KEY_ID, or the profile's)".into()
        }
        "SignatureDoesNotMatch" => {
            "the credentials were refused: the request's signature did not match (check the \
             secret access key)"
                .into()
        }
        "AccessDenied" | "AllAccessDisabled" => {
            "access denied: these credentials may not write there".into()
        }
        "ExpiredToken" | "TokenRefreshRequired" => {
            "the session token has expired (AWS_SESSION_TOKEN)".into()
        }
        "InvalidToken" => "the session token is not valid (AWS_SESSION_TOKEN)".into(),
        "AuthorizationHeaderMalformed"
        | "PermanentRedirect"
        | "IllegalLocationConstraintException" => {
            let hint = xml_text(text, "Region")
                .map(|region| format!(" (the bucket is in {region}: set AWS_REGION)"))
                .unwrap_or_else(|| " (check AWS_REGION)".into());
            format!("{code}: the bucket is in another region{hint}")
        }
        other => match xml_text(text, "Message") {
            // The server's message, without anything that could echo the request.
            Some(message) if !message.contains("StringToSign") => format!("{other}: {message}"),
            _ => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_error_codes_are_said_in_our_words() {
        let reply = "Client error with status 403 Forbidden: <?xml version=\"1.0\"?><Error>\
                     <Code>SignatureDoesNotMatch</Code><Message>no</Message>\
                     <StringToSign>AWS4-HMAC-SHA256 secret-ish</StringToSign></Error>";
        let code = s3_code(reply).unwrap();
        assert_eq!(code, "SignatureDoesNotMatch");
        let said = explain(&code, reply);
        assert!(said.contains("signature did not match"), "{said}");
        assert!(!said.contains("StringToSign"));
        let other = "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>";
        assert_eq!(explain("SlowDown", other), "SlowDown: Reduce your rate");
        assert_eq!(s3_code("<Code>not a code</Code>"), None);
        assert_eq!(s3_code("no reply"), None);
        let answered = "Error performing GET http://x in 2ms - Server returned non-2xx status \
                        code: 404 Not Found: ";
        assert_eq!(answered_status(answered), Some("404 Not Found"));
        assert_eq!(answered_status("error sending request"), None);
    }
}
