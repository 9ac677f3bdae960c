//! `resumectl themes`: the built-in PDF themes, for `export --to pdf --theme NAME`.

use anyhow::Result;
use clap::Args;

use crate::output::Output;
use resumectl_core::export::pdf::themes::THEMES;

#[derive(Debug, Args)]
#[command(
    after_help = "Each theme's source is the file named beside it: copy it to start \
    your own (`export --to pdf --template FILE.typ`)."
)]
pub struct ThemesArgs {}

pub fn run(_args: &ThemesArgs) -> Result<Output> {
    Ok(Output::Themes(THEMES.to_vec()))
}
