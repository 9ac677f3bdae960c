//! A refused statement, said in terms of what went wrong: the input's fault (exit 5), a
//! schema that is not migrated, a timeout, a row another table needed. What to do about it
//! is a `Hint`, worded by the command line.

use sqlx::postgres::PgDatabaseError;

use crate::error::{self, CliError, ErrorKind, Hint};

/// Maps a statement's failure to an error kind: constraint and data errors are the
/// input's fault (exit 5); a missing table or column means the database is not migrated
/// (exit 7).
pub fn map_error(error: sqlx::Error, doing: &str) -> anyhow::Error {
    let Some(database) = error.as_database_error() else {
        return error::database(format!("{doing}: {error}"));
    };
    let code = database
        .code()
        .map(|code| code.into_owned())
        .unwrap_or_default();
    let detail = database
        .try_downcast_ref::<PgDatabaseError>()
        .and_then(|pg| pg.detail().map(str::to_string));
    let constraint = database.constraint().map(str::to_string);
    let mut message = format!("{doing}: {}", database.message());
    if let Some(constraint) = &constraint {
        message.push_str(&format!(" (constraint {constraint})"));
    }
    if let Some(detail) = &detail {
        message.push_str(&format!(": {detail}"));
    }
    let (kind, hint) = match code.as_str() {
        // foreign_key_violation: "Key (original_resume_id)=(...) is not present in table".
        "23503" => (
            ErrorKind::InvalidInput,
            detail
                .as_deref()
                .and_then(referencing_column)
                .map(|column| Hint::MissingReference { column }),
        ),
        code if code.starts_with("23") || code.starts_with("22") => (ErrorKind::InvalidInput, None),
        "42P01" | "42703" => (ErrorKind::Database, Some(Hint::Migrate)),
        "57014" => (ErrorKind::Database, Some(Hint::StatementTimeout)),
        _ => (ErrorKind::Database, None),
    };
    let refused = CliError::new(kind, message);
    match hint {
        Some(hint) => refused.with_hint(hint),
        None => refused,
    }
    .into()
}

/// The column of a foreign-key violation's detail: `Key (original_resume_id)=(...) ...`.
fn referencing_column(detail: &str) -> Option<String> {
    let inside = detail.strip_prefix("Key (")?;
    let (columns, _) = inside.split_once(")=(")?;
    // One column: a composite key has no single option to give.
    (!columns.contains(',')).then(|| columns.trim_matches('"').to_string())
}

/// A refused insert said in the user's terms: a user id longer than the column holds is
/// named with the column's limit, not left as the driver's "value too long".
pub fn creation_error(error: sqlx::Error, user: &str) -> anyhow::Error {
    let too_long = error
        .as_database_error()
        .filter(|database| database.code().as_deref() == Some("22001"))
        .map(|database| database.message().to_string());
    // "value too long for type character varying(255)"
    let limit = too_long.as_deref().and_then(|message| {
        let digits = message.rsplit_once('(')?.1.trim_end_matches(')');
        digits.parse::<usize>().ok()
    });
    match limit {
        Some(limit) if user.chars().count() > limit => error::invalid(format!(
            "the user id '{}...' is {} characters long; optimized_resumes.user_id holds at \
             most {limit}: nothing was written",
            user.chars().take(20).collect::<String>().escape_debug(),
            user.chars().count()
        )),
        _ => map_error(error, "creating the record"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_of_a_foreign_key_violation_is_read_from_its_detail() {
        assert_eq!(
            referencing_column(
                "Key (original_resume_id)=(0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33) is not \
                 present in table \"resumes\"."
            )
            .as_deref(),
            Some("original_resume_id")
        );
        assert_eq!(referencing_column("Key (a, b)=(1, 2) is not present"), None);
    }
}
