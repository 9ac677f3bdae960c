//! The operations: each takes a session (or what it needs to open one) and a typed
//! request, and returns model types. Nothing here prints or parses a command line.

pub mod batch;
pub mod edit;
pub mod export;
pub mod history;
pub mod list;
pub mod migrate;
pub mod qa;
pub mod records;
pub mod save;
pub mod validate;
