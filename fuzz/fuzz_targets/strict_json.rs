//! The strict JSON parser against serde_json on every input libFuzzer makes up: the same
//! accept or refuse, and the same value when both accept, apart from what the strict
//! parser refuses on purpose (`src/document/strict_json/differential.rs` says what).
#![no_main]

// The parser's own files, compiled as they are in resumectl, with what they use at the
// paths they use it by (`crate::error::Problem`, `crate::document::pointer`).
mod error {
    /// resumectl's `error::Problem` (src/error.rs; that module needs sqlx and more): the
    /// one item of it the parser uses.
    #[derive(Debug)]
    pub struct Problem {
        pub path: String,
        pub message: String,
    }
}

#[path = "../../crates/core/src/document/pointer.rs"]
#[allow(dead_code)]
pub mod pointer;

#[path = "../../crates/core/src/document/strict_json/mod.rs"]
mod strict_json;

mod document {
    pub use super::pointer;
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| strict_json::differential::check(data));
