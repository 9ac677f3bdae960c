//! The database: where it is (`target`), a command's connection (`session`), and every SQL
//! statement (`records`, `writes`, `history`, `listing`, `migrate`). Nothing here prints or
//! names a command-line flag: errors carry a `Hint` the command line words.

pub mod columns;
pub mod copy;
pub mod erase;
pub mod errors;
pub mod history;
pub mod listing;
pub mod migrate;
pub mod prune;
pub mod records;
pub mod session;
pub mod target;
pub mod trash;
pub mod versioned;
pub mod writes;
