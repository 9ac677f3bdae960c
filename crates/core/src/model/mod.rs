//! Plain types: a record and its columns, the changes a write makes, and every report a
//! command returns. No I/O: every layer above may use them, and they use none of it.

pub mod aws;
pub mod changes;
pub mod erase;
pub mod prune;
pub mod qa;
pub mod record;
pub mod reports;
pub mod save;
pub mod stream;
pub mod trash;
