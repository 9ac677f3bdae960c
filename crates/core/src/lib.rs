//! resumectl-core: everything resumectl does to the records of `optimized_resumes`,
//! without a terminal or a command line. The binary (the workspace root) parses flags,
//! resolves settings and renders output; this crate takes typed requests and returns
//! model types.
//!
//! The layers, each using only those below it:
//! - `ops`: the operations, a session and a typed request in, model types out
//! - `db` (every SQL statement), `document` (parsing, validation, qa, diff), `export`
//!   (renderers), `input` (files, stdin, NDJSON lines)
//! - `model` (plain types), `error` (the kinds and their exit codes), `interrupt` (the
//!   signals a batch and the editor answer), `secrets`, `timings`, `memory`

pub(crate) mod db;
pub mod document;
pub mod error;
pub mod export;
pub mod import;
pub mod input;
pub mod interrupt;
pub mod memory;
pub mod model;
pub mod ops;
pub mod secrets;
pub mod timings;
