//! JSON pointers (RFC 6901): how every problem names its place in a document.

/// One path segment as a pointer writes it: `~` as `~0`, `/` as `~1`.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The pointer of a path; `/` for the whole document.
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    if segments.is_empty() {
        return "/".to_string();
    }
    segments
        .iter()
        .map(|segment| format!("/{}", escape(segment.as_ref())))
        .collect()
}

/// `child` (a pointer inside a value) as a pointer inside `parent`'s key `key`.
pub fn within(key: &str, child: &str) -> String {
    match child {
        "" => String::new(),
        "/" => format!("/{}", escape(key)),
        child => format!("/{}{child}", escape(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_escape_tilde_and_slash() {
        assert_eq!(pointer(&["a/b", "c~d"]), "/a~1b/c~0d");
        assert_eq!(pointer::<&str>(&[]), "/");
        assert_eq!(within("qa_metrics", "/coverage"), "/qa_metrics/coverage");
        assert_eq!(within("a/b", "/"), "/a~1b");
    }
}
