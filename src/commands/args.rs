//! The argument blocks that several commands share.

use clap::Args;
use clap_complete::ArgValueCandidates;
use uuid::Uuid;

use crate::commands::complete;
use crate::values::parse_id;
use resumectl_core::model::changes::WriteOptions;

/// The record a command works on.
#[derive(Debug, Clone, Args)]
pub struct RecordIdArg {
    /// The record id (a UUID)
    #[arg(value_name = "ID", add = ArgValueCandidates::new(complete::record_ids))]
    pub id: String,
}

impl RecordIdArg {
    pub fn id(&self) -> anyhow::Result<Uuid> {
        parse_id(&self.id)
    }
}

/// Conflict detection and change notes, shared by every command that writes a version.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Write only if the record is still at version N; otherwise write nothing and exit 6
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub if_version: Option<i64>,

    /// A change note stored with the new version
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

impl WriteArgs {
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            if_version: self.if_version,
            note: self.note.clone(),
            event: None,
        }
    }
}
