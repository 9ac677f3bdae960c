//! What a write does: the fields one save changes, and a new record with its defaults.
//! A save that creates and a batch line without an id both make their record here, the one way.

use uuid::Uuid;

use crate::error::Problem;

/// What a write does to one nullable column.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }

    /// The new value, when one is set.
    pub fn into_set(self) -> Option<T> {
        match self {
            Change::Set(value) => Some(value),
            _ => None,
        }
    }
}

/// The fields one save may change. JSON values are validated text, cast to jsonb by
/// PostgreSQL itself, so the stored value is exactly the one given.
#[derive(Debug, Clone, Default)]
pub struct RecordChanges {
    pub title: Option<String>,
    pub optimized_content: Option<String>,
    pub match_score: Change<i32>,
    pub structured_output: Change<String>,
    pub qa_metrics: Change<String>,
    pub export_formats: Change<String>,
}

impl RecordChanges {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.optimized_content.is_none()
            && self.match_score.is_keep()
            && self.structured_output.is_keep()
            && self.qa_metrics.is_keep()
            && self.export_formats.is_keep()
    }
}

/// What a write is made against and what it says about itself.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write only if the record is still at this version (else a conflict).
    pub if_version: Option<i64>,
    /// Stored with the new version: what the person writing says about it.
    pub note: Option<String>,
    /// What the write is, said first in the version's summary ("imported from jsonresume").
    pub event: Option<String>,
}

/// A record as a write left it, and whether the write changed nothing (then nothing was
/// written: no new version, `updated_at` as it was).
#[derive(Debug, Clone)]
pub struct Saved {
    pub record: crate::model::record::Record,
    pub unchanged: bool,
}

/// What a new record's defaults are taken from: the document's job title and plain-text
/// resume (read when the document was checked).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentDefaults {
    pub job_title: Option<String>,
    pub ats_plain_text: Option<String>,
}

/// A record to create.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub id: Uuid,
    pub original_resume_id: Uuid,
    pub job_analysis_id: Uuid,
    pub title: String,
    pub optimized_content: String,
    pub match_score: Option<i32>,
    pub structured_output: Option<String>,
    pub qa_metrics: Option<String>,
    pub export_formats: Option<String>,
}

/// The longest title the table's VARCHAR(255) holds, in characters.
pub const TITLE_MAX_CHARS: usize = 255;

/// What is wrong with a record title, if anything.
pub fn title_problem(title: &str) -> Option<String> {
    let chars = title.chars().count();
    if title.trim().is_empty() {
        Some("the title is empty".into())
    } else if chars > TITLE_MAX_CHARS {
        Some(format!(
            "the title is {chars} characters long; the table holds at most {TITLE_MAX_CHARS}"
        ))
    } else if title.contains('\0') {
        Some("the title contains a NUL character".into())
    } else {
        None
    }
}

impl NewRecord {
    /// A new record from the fields given. Defaults: the title is the document's job
    /// title, the plain-text resume its ATS text, and the two ids new UUIDs. Problems are
    /// located as in a save body (`/title`, `/structured_output/analysis/job_title`).
    pub fn from_changes(
        changes: RecordChanges,
        defaults: DocumentDefaults,
        original_resume_id: Option<Uuid>,
        job_analysis_id: Option<Uuid>,
    ) -> Result<NewRecord, Vec<Problem>> {
        let mut problems = Vec::new();
        let title = match changes.title {
            Some(title) => Some(title),
            None => match defaults.job_title {
                Some(job_title) => {
                    let title: String = job_title.chars().take(TITLE_MAX_CHARS).collect();
                    match title_problem(&title) {
                        None => Some(title),
                        Some(problem) => {
                            problems.push(Problem::at(
                                "/structured_output/analysis/job_title",
                                format!(
                                    "cannot be the new record's title ({problem}): give a title"
                                ),
                            ));
                            None
                        }
                    }
                }
                None => {
                    problems.push(Problem::at(
                        "/title",
                        "a new record needs a title or a structured_output to take it from",
                    ));
                    None
                }
            },
        };
        let optimized_content = changes.optimized_content.or(defaults.ats_plain_text);
        if optimized_content.is_none() && problems.is_empty() {
            problems.push(Problem::at(
                "/optimized_content",
                "a new record needs a structured_output or an optimized_content",
            ));
        }
        match (title, optimized_content) {
            (Some(title), Some(optimized_content)) if problems.is_empty() => Ok(NewRecord {
                id: Uuid::new_v4(),
                original_resume_id: original_resume_id.unwrap_or_else(Uuid::new_v4),
                job_analysis_id: job_analysis_id.unwrap_or_else(Uuid::new_v4),
                title,
                optimized_content,
                match_score: changes.match_score.into_set(),
                structured_output: changes.structured_output.into_set(),
                qa_metrics: changes.qa_metrics.into_set(),
                export_formats: changes.export_formats.into_set(),
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_document() -> RecordChanges {
        RecordChanges {
            structured_output: Change::Set("{}".into()),
            ..RecordChanges::default()
        }
    }

    #[test]
    fn a_new_record_takes_its_title_and_text_from_the_document() {
        let defaults = DocumentDefaults {
            job_title: Some("Data Engineer".into()),
            ats_plain_text: Some("JANE DOE".into()),
        };
        let new = NewRecord::from_changes(with_document(), defaults, None, None).unwrap();
        assert_eq!(new.title, "Data Engineer");
        assert_eq!(new.optimized_content, "JANE DOE");
        assert_ne!(new.original_resume_id, new.job_analysis_id);
    }

    #[test]
    fn a_blank_job_title_is_refused_where_it_is() {
        let defaults = DocumentDefaults {
            job_title: Some("  ".into()),
            ats_plain_text: Some("text".into()),
        };
        let problems = NewRecord::from_changes(with_document(), defaults, None, None)
            .expect_err("a blank title");
        assert_eq!(problems[0].path, "/structured_output/analysis/job_title");
    }

    #[test]
    fn nothing_to_make_a_record_from_is_refused() {
        let problems = NewRecord::from_changes(
            RecordChanges::default(),
            DocumentDefaults::default(),
            None,
            None,
        )
        .expect_err("no title, no text");
        assert_eq!(problems[0].path, "/title");
    }
}
