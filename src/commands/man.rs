//! `resumectl man DIR` (hidden): writes the manual pages, `resumectl.1` and one page a
//! subcommand (`resumectl-get.1`, ...), generated from the command line itself. The
//! pages committed under `man/` come from here (scripts/update-man; a test keeps them in
//! step).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use clap_mangen::Man;

use crate::output::Output;

/// The date on every page: the month of the release, so that the pages stay the same
/// from one build to the next. Change it with the version.
const DATE: &str = "2026-11";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages to (made if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// `command`: the whole command line (cli.rs), whose pages these are.
pub fn run(args: &ManArgs, command: clap::Command) -> Result<Output> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let mut written = String::new();
    for (name, page) in pages(command)? {
        let path = args.dir.join(&name);
        std::fs::write(&path, page).with_context(|| format!("writing {}", path.display()))?;
        written.push_str(&format!("{}\n", path.display()));
    }
    Ok(Output::Raw(written))
}

/// (file name, roff text) of every page.
pub fn pages(command: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = command.disable_help_subcommand(true);
    // Built first: the subcommands then carry their full names ("resumectl-get") and the
    // global options.
    command.build();
    let source = format!("resumectl {}", env!("CARGO_PKG_VERSION"));
    let mut pages = Vec::new();
    let subcommands = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .cloned();
    for page in std::iter::once(command.clone()).chain(subcommands) {
        let man = Man::new(page)
            .date(DATE)
            .source(source.clone())
            .manual("resumectl manual");
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        pages.push((man.get_filename(), roff));
    }
    Ok(pages)
}
