//! The outputs that come a page at a time (`list`, `history`): the page, then a note
//! naming where the next one starts (a cursor, a version), when there is one.

use std::io::Write;

use anyhow::Result;

use crate::output::shell::Shell;
use crate::output::{Format, tables};
use resumectl_core::model::reports::{HistoryPage, Listing};

pub fn write_list(
    listing: &Listing,
    format: Format,
    shell: &Shell,
    out: &mut impl Write,
) -> Result<()> {
    if listing.all_users {
        shell.note("listing the records of every user (--all-users)");
    }
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &listing.records)?;
            writeln!(out)?;
        }
        Format::Table => writeln!(
            out,
            "{}",
            tables::list_table(&listing.records, listing.all_users)
        )?,
    }
    if let Some(cursor) = &listing.next {
        let count = listing.records.len();
        let offset = listing
            .next_offset
            .map(|next| format!(" (or --offset {next})"))
            .unwrap_or_default();
        shell.note(&format!(
            "showing {count} record{}; the next page: --after {}{offset}",
            if count == 1 { "" } else { "s" },
            cursor.token(),
        ));
    }
    Ok(())
}

pub fn write_history(
    page: &HistoryPage,
    format: Format,
    shell: &Shell,
    out: &mut impl Write,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &page.versions)?;
            writeln!(out)?;
        }
        Format::Table => writeln!(out, "{}", tables::history_table(&page.versions))?,
    }
    if let (Some(older), Some(last)) = (page.older, page.versions.last()) {
        shell.note(&format!(
            "showing versions {older} to {}; older ones: --before {older}",
            last.version
        ));
    }
    Ok(())
}
