//! One save, whether it came from the command line's flags or from a line of a batch: what
//! was given, and the rules both share (the match_score range, "nothing to save", a new
//! record's defaults), applied here once. Each caller says a refusal in its own terms.

use uuid::Uuid;

use crate::error::Problem;
use crate::model::changes::{Change, DocumentDefaults, NewRecord, RecordChanges, WriteOptions};

/// The range of `match_score`.
pub const MATCH_SCORES: std::ops::RangeInclusive<i64> = 0..=100;

/// What one save was given, every field already read and its document validated.
#[derive(Debug, Clone, Default)]
pub struct SaveRequest {
    /// The record to change; None creates one.
    pub id: Option<Uuid>,
    /// Every field but match_score, whose range is checked here.
    pub changes: RecordChanges,
    pub match_score: Change<i64>,
    /// A new record's title and plain text, when they are not given.
    pub defaults: DocumentDefaults,
    /// A new record's references (new UUIDs when not given).
    pub original_resume_id: Option<Uuid>,
    pub job_analysis_id: Option<Uuid>,
    pub options: WriteOptions,
}

/// A save that passed the rules: a record to create, or the changes to one.
#[derive(Debug, Clone)]
pub enum Save {
    Create {
        record: Box<NewRecord>,
        note: Option<String>,
        /// What the write is, for the first version's summary (None: "created").
        event: Option<String>,
    },
    Update {
        id: Uuid,
        changes: RecordChanges,
        options: WriteOptions,
    },
}

impl Save {
    /// The record it updates; None for a new one.
    pub fn id(&self) -> Option<Uuid> {
        match self {
            Save::Create { .. } => None,
            Save::Update { id, .. } => Some(*id),
        }
    }
}

/// Why a save was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// An update that changes nothing.
    NothingToSave,
    /// Located as in a save body: `/match_score`, `/title`,
    /// `/structured_output/analysis/job_title`.
    Problems(Vec<Problem>),
}

/// What is wrong with a match_score, located at `/match_score`; None when it is in range.
pub fn match_score_problem(score: i64) -> Option<Problem> {
    (!MATCH_SCORES.contains(&score)).then(|| {
        Problem::at(
            "/match_score",
            format!(
                "{score} is out of range: expected {} to {}",
                MATCH_SCORES.start(),
                MATCH_SCORES.end()
            ),
        )
    })
}

impl SaveRequest {
    /// Applies the rules: match_score within `MATCH_SCORES`; an update changes something;
    /// a new record gets its defaults (`NewRecord::from_changes`).
    pub fn check(self) -> Result<Save, Refusal> {
        let mut changes = self.changes;
        changes.match_score = match self.match_score {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(score) => match match_score_problem(score) {
                None => Change::Set(score as i32),
                Some(problem) => return Err(Refusal::Problems(vec![problem])),
            },
        };
        match self.id {
            Some(_) if changes.is_empty() => Err(Refusal::NothingToSave),
            Some(id) => Ok(Save::Update {
                id,
                changes,
                options: self.options,
            }),
            None => {
                let record = NewRecord::from_changes(
                    changes,
                    self.defaults,
                    self.original_resume_id,
                    self.job_analysis_id,
                )
                .map_err(Refusal::Problems)?;
                Ok(Save::Create {
                    record: Box::new(record),
                    note: self.options.note,
                    event: self.options.event,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(match_score: Change<i64>) -> SaveRequest {
        SaveRequest {
            id: Some(Uuid::nil()),
            match_score,
            ..SaveRequest::default()
        }
    }

    #[test]
    fn match_score_is_kept_within_its_range() {
        assert!(matches!(
            update(Change::Set(100)).check(),
            Ok(Save::Update { .. })
        ));
        for score in [101, -1, i64::from(i32::MAX) + 1] {
            let Err(Refusal::Problems(problems)) = update(Change::Set(score)).check() else {
                panic!("{score} was accepted");
            };
            assert_eq!(problems[0].path, "/match_score");
        }
    }

    #[test]
    fn an_update_must_change_something() {
        assert_eq!(
            update(Change::Keep).check().unwrap_err(),
            Refusal::NothingToSave
        );
        assert!(update(Change::Clear).check().is_ok());
    }
}
