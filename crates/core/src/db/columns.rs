//! How each record column is read: the one select list, built from `Column::ALL`. The
//! casts make the web application's variants read alike (user_id and title as TEXT or
//! VARCHAR(n), timestamps with or without time zone, JSON columns as their text).

use crate::model::record::Column;

/// The expression that reads `column`, found at `at` (`r.title`), as `Record`'s field.
fn read_as_field(column: Column, at: &str) -> String {
    match column {
        Column::UserId
        | Column::Title
        | Column::OptimizedContent
        | Column::OptimizationSummary
        | Column::StructuredOutput
        | Column::QaMetrics
        | Column::ExportFormats => format!("{at}::text"),
        Column::CreatedAt | Column::UpdatedAt => format!("{at}::timestamptz"),
        _ => at.to_string(),
    }
}

/// The expression that reads `column` of the record `r`, as `Record`'s field.
fn record_expression(column: Column) -> String {
    read_as_field(column, &format!("r.{}", column.name()))
}

/// The select list for a `Record` from `optimized_resumes r`.
pub fn record_select() -> String {
    select(record_expression)
}

/// A `Record`'s columns, each as (expression, name), each column found where `at` says
/// (`r.title`, or a CTE's `l.kept_title`), with structured_output left out (NULL) unless
/// `document`: for a write whose caller already has the document it wrote.
pub fn record_columns(document: bool, at: impl Fn(&str) -> String) -> Vec<(String, &'static str)> {
    Column::ALL
        .into_iter()
        .map(|column| match column {
            Column::StructuredOutput if !document => ("NULL::text".to_string(), column.name()),
            _ => (read_as_field(column, &at(column.name())), column.name()),
        })
        .collect()
}

/// The select list for a `Record` as it was at a version `v` of `optimized_resume_versions`:
/// the record's identity, the version's contents.
pub fn version_select() -> String {
    select(|column| {
        let name = column.name();
        match column {
            Column::StructuredOutput | Column::QaMetrics | Column::ExportFormats => {
                format!("v.{name}::text")
            }
            Column::MatchScore => format!("v.{name}"),
            Column::Version => "v.version".to_string(),
            Column::OptimizedContent => format!("coalesce(v.{name}, r.{name})::text"),
            Column::UpdatedAt => "v.created_at".to_string(),
            _ => record_expression(column),
        }
    })
}

/// Each column named as `Record`'s field.
fn select(expression: impl Fn(Column) -> String) -> String {
    Column::ALL
        .into_iter()
        .map(|column| format!("{} AS {}", expression(column), column.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_read_once_under_its_own_name() {
        for list in [
            record_select(),
            version_select(),
            record_columns(false, |name| format!("r.{name}"))
                .into_iter()
                .map(|(expression, name)| format!("{expression} AS {name}"))
                .collect::<Vec<_>>()
                .join(", "),
        ] {
            for column in Column::ALL {
                let name = column.name();
                let reads = list
                    .split(", ")
                    .filter(|part| {
                        part == &format!("r.{name}")
                            || part.ends_with(&format!(" AS {name}"))
                            || part == &format!("v.{name}")
                    })
                    .count();
                assert_eq!(reads, 1, "{name} in {list}");
            }
        }
    }
}
