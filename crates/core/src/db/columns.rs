//! How each record column is read: the one select list, built from `Column::ALL`. The
//! casts make the web application's variants read alike (user_id and title as TEXT or
//! VARCHAR(n), timestamps with or without time zone, JSON columns as their text).

use crate::model::record::Column;

/// The expression that reads `column` of the record `r`, as `Record`'s field.
fn record_expression(column: Column) -> String {
    let name = column.name();
    match column {
        Column::UserId | Column::Title | Column::OptimizedContent => {
            format!("r.{name}::text AS {name}")
        }
        Column::OptimizationSummary
        | Column::StructuredOutput
        | Column::QaMetrics
        | Column::ExportFormats => format!("r.{name}::text AS {name}"),
        Column::CreatedAt | Column::UpdatedAt => format!("r.{name}::timestamptz AS {name}"),
        _ => format!("r.{name}"),
    }
}

/// The select list for a `Record` from `optimized_resumes r`.
pub fn record_select() -> String {
    select(record_expression)
}

/// The select list for a `Record` as it was at a version `v` of `optimized_resume_versions`:
/// the record's identity, the version's contents.
pub fn version_select() -> String {
    select(|column| {
        let name = column.name();
        match column {
            Column::StructuredOutput | Column::QaMetrics | Column::ExportFormats => {
                format!("v.{name}::text AS {name}")
            }
            Column::MatchScore => format!("v.{name}"),
            Column::Version => "v.version".to_string(),
            Column::OptimizedContent => {
                format!("coalesce(v.{name}, r.{name})::text AS {name}")
            }
            Column::UpdatedAt => format!("v.created_at AS {name}"),
            _ => record_expression(column),
        }
    })
}

/// The select list for a `Record` with structured_output left out (NULL): for a write
/// whose caller already has the document it wrote.
pub fn record_select_without_document() -> String {
    select(|column| match column {
        Column::StructuredOutput => "NULL::text AS structured_output".to_string(),
        _ => record_expression(column),
    })
}

/// The record's columns by name, from the relation `alias` (a statement's own CTE).
pub fn record_names(alias: &str) -> String {
    select(|column| format!("{alias}.{}", column.name()))
}

fn select(expression: impl Fn(Column) -> String) -> String {
    Column::ALL
        .into_iter()
        .map(expression)
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
            record_select_without_document(),
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
