//! A user's Typst template for a PDF export: its text, under a size limit of its
//! own, and the folder it may read from.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error;
use crate::export::pdf::Template;
use crate::input::{Source, human_size};

/// The largest template read. It is code, not data: what it shows beyond that belongs in
/// files beside it, which it reads with no limit but the renderer's memory. A limit of
/// its own, not the input limit: that one is for documents.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// A user's template, read with its folder (the only place it may read from).
pub(super) fn read_template(path: &Path) -> Result<Template> {
    let cannot = |why: String| error::invalid(format!("the template {}: {why}", path.display()));
    let folder = std::path::absolute(path)
        .map_err(|io| cannot(io.to_string()))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let bytes = Source::File(path.to_path_buf())
        .read_within(MAX_TEMPLATE_BYTES)?
        .ok_or_else(|| {
            cannot(format!(
                "it is larger than the {} a template may be (a fixed limit: put large data \
                 in files beside it, which it may read)",
                human_size(MAX_TEMPLATE_BYTES)
            ))
        })?;
    let source = String::from_utf8(bytes).map_err(|_| cannot("it is not UTF-8 text".into()))?;
    Ok(Template {
        source,
        name: path.display().to_string(),
        folder,
    })
}
