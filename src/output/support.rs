//! What the support tasks print: delete and the trash, erase, and the prune of expired
//! exports.

use std::io::Write;

use anyhow::Result;
use resumectl_core::error::{CliError, ErrorKind};
use resumectl_core::model::erase::UserData;

use crate::output::{Format, Output, tables, terminal};

/// One value as one line of JSON.
fn json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Renders a support task's output.
pub fn render(output: &Output, format: Format, out: &mut impl Write) -> Result<()> {
    match (output, format) {
        (Output::Deleted { ids, permanent }, Format::Json) => json(
            out,
            &serde_json::json!({ "deleted": ids, "permanent": permanent }),
        )?,
        (Output::Deleted { ids, permanent }, Format::Table) => {
            let how = if *permanent {
                "deleted"
            } else {
                "moved to the trash"
            };
            for id in ids {
                writeln!(out, "{how} {id}")?;
            }
        }
        (Output::Trash { entries, .. }, Format::Json) => json(out, entries)?,
        (
            Output::Trash {
                entries,
                all_users,
                shelf,
            },
            Format::Table,
        ) => {
            let table = tables::trash_table(entries, *all_users, *shelf);
            writeln!(out, "{table}")?;
        }
        (Output::ErasePlan(plan), Format::Json) => {
            json(out, &serde_json::json!({ "dry_run": true, "plan": plan }))?
        }
        (Output::Erased(receipt), Format::Json) => json(out, receipt)?,
        (Output::EraseCheck(left), Format::Json) => json(
            out,
            &serde_json::json!({ "erased": left.is_empty(), "left": left }),
        )?,
        (Output::ErasePlan(data) | Output::EraseCheck(data), Format::Table) => {
            write_user_data(out, data)?;
        }
        (Output::Erased(receipt), Format::Table) => {
            writeln!(out, "erased at  {}", receipt.erased_at.to_rfc3339())?;
            writeln!(
                out,
                "actor      {}",
                receipt.actor.as_deref().unwrap_or("unknown")
            )?;
            write_user_data(out, &receipt.erased)?;
        }
        (Output::Pruned { records, summary }, Format::Json) => {
            for record in records {
                serde_json::to_writer(&mut *out, record)?;
                writeln!(out)?;
            }
            serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": summary }))?;
            writeln!(out)?;
        }
        (Output::Pruned { records, summary }, Format::Table) => {
            for record in records {
                for object in &record.objects {
                    writeln!(
                        out,
                        "{:<11} {}  {}  (expired {})",
                        record.status,
                        record.id,
                        terminal::safe(&object.url),
                        object.expires_at
                    )?;
                }
                if let Some(error) = &record.error {
                    writeln!(out, "  {}", terminal::safe(error))?;
                }
            }
            writeln!(
                out,
                "{} objects of {} records {}{}{}",
                summary.objects,
                summary.records,
                if summary.dry_run {
                    "would be pruned"
                } else {
                    "pruned"
                },
                if summary.failed > 0 {
                    format!("; {} records failed (left untouched)", summary.failed)
                } else {
                    String::new()
                },
                match summary.history_objects {
                    0 => String::new(),
                    n => format!("; {n} objects of earlier versions"),
                }
            )?;
        }
        (Output::Purged(ids), Format::Json) => json(out, &serde_json::json!({ "purged": ids }))?,
        (Output::Purged(ids), Format::Table) => {
            for id in ids {
                writeln!(out, "purged {id}")?;
            }
            if ids.is_empty() {
                writeln!(out, "nothing to purge")?;
            }
        }
        (Output::LedgerCheck(resurfaced), Format::Json) => json(
            out,
            &serde_json::json!({ "erasures_hold": resurfaced.is_empty(), "resurfaced": resurfaced }),
        )?,
        (Output::LedgerCheck(resurfaced), Format::Table) => {
            if resurfaced.is_empty() {
                writeln!(out, "every erasure in the ledger holds")?;
            }
            for user in resurfaced {
                writeln!(
                    out,
                    "user sha256 {} (erased {}): {} records, {} in the trash",
                    user.user_sha256,
                    user.erased_at.to_rfc3339(),
                    user.records,
                    user.trashed
                )?;
            }
        }
        _ => unreachable!("not a support task's output"),
    }
    Ok(())
}

/// The error a support task ends with although it printed its output: data left after
/// an erasure (exit 8), a store that failed a prune (exit 7).
pub fn failure(output: &Output) -> Option<CliError> {
    match output {
        Output::EraseCheck(left) => resumectl_core::ops::erase::not_erased(left),
        Output::LedgerCheck(resurfaced) if !resurfaced.is_empty() => Some(CliError::new(
            ErrorKind::BelowTheBar,
            format!(
                "{} erased users have data here again (a backup from before their erasure?): \
                 erase them again, with their ids",
                resurfaced.len()
            ),
        )),
        Output::Pruned { summary, .. } if summary.failed + summary.history_failed > 0 => {
            Some(CliError::new(
                ErrorKind::Database,
                format!(
                    "the store failed for {} of {} records (left untouched) and {} objects \
                     of earlier versions; run the prune again",
                    summary.failed, summary.records, summary.history_failed
                ),
            ))
        }
        _ => None,
    }
}

/// A user's data as lines: the counts, then each object.
fn write_user_data(out: &mut impl Write, data: &UserData) -> Result<()> {
    writeln!(out, "user sha256 {}", data.user_sha256)?;
    writeln!(out, "records    {}", data.records)?;
    writeln!(out, "versions   {}", data.versions)?;
    writeln!(out, "trashed    {}", data.trashed)?;
    writeln!(out, "objects    {}", data.objects.len())?;
    for url in &data.objects {
        writeln!(out, "  {}", terminal::safe(url))?;
    }
    Ok(())
}
