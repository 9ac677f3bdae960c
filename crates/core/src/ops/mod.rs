//! The operations: each takes a session (or what it needs to open one) and a typed
//! request, and returns model types. Nothing here prints or parses a command line.

pub mod batch;
pub mod edit;
pub mod erase;
pub mod export;
pub mod history;
pub mod list;
pub mod migrate;
pub mod prune;
pub mod qa;
pub mod records;
pub mod save;
pub mod trash;
pub mod validate;

// What a caller needs of the database layer to call the operations: how to connect, the
// session they run on, and the commit count a signal watches. Everything else in `db`
// stays inside the core.
pub use crate::db::listing::ListFilter;
pub use crate::db::session::{Commits, ConnectOptions, Session, with_session};
pub use crate::db::target::Target;
