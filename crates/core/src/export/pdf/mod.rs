//! The resume as a PDF, typeset in process by Typst from a template
//! (`templates/resume.typ`, or a user's own). The data reaches the template as data
//! (`sys.inputs`, virtual files), never pasted into its markup. Typst tags the PDF
//! (structure and reading order for screen readers and ATS parsers). It runs in a child
//! process (`isolation`), bounded in time and memory.

pub mod design;
pub mod fonts;
mod isolation;
pub mod themes;
mod world;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use typst::diag::Warned;
use typst_layout::PagedDocument;

use crate::error::{self, CliError, ErrorKind};
use crate::export::layout::Resume;
use crate::export::locale::{self, Locale};
pub use isolation::{serve_if_asked, start_renderer};
use world::{Data, ResumeWorld};

/// The paper a PDF is laid out on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Typst's name for it (`sys.inputs.paper`).
    fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// A user's template: its text, how to name it, and the folder it may read from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Template {
    pub source: String,
    pub name: String,
    pub folder: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct PdfOptions<'a> {
    pub paper: Paper,
    /// None: the built-in template.
    pub template: Option<&'a Template>,
    /// The built-in theme, when there is no template (None: the default).
    pub theme: Option<&'static themes::Theme>,
    /// What the person changed of the theme's look.
    pub design: design::Design,
    /// A page as a PNG image instead of the PDF.
    pub png: Option<Png>,
    /// How long typesetting may take; None: no deadline.
    pub timeout: Option<Duration>,
    /// Where fonts beyond the embedded ones are found.
    pub fonts: fonts::FontSources,
}

/// Which page of the PDF becomes an image, and how sharp.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Png {
    /// Counted from 1.
    pub page: usize,
    /// Pixels per inch.
    pub dpi: f32,
}

impl Default for Png {
    fn default() -> Png {
        Png {
            page: 1,
            dpi: 144.0,
        }
    }
}

/// A file of the template's folder that the template read, and what it held then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRead {
    /// Its path in the template's folder (`logo.png`).
    pub path: String,
    /// The SHA-256 of what it held; None when it could not be read.
    pub sha256: Option<String>,
}

/// A PDF, the files of the template's folder that went into it, and what the user should
/// know about it (Typst's warnings, characters no font has).
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub reads: Vec<TemplateRead>,
    pub warnings: Vec<String>,
}

/// What typesetting needs, whole: it crosses to the child process that does it. Borrowed
/// on the way out (the document may be megabytes: it is serialised, not copied first).
#[derive(Debug, Serialize, Deserialize)]
struct Job<'a> {
    resume: String,
    #[serde(borrow)]
    document: Cow<'a, str>,
    paper: Paper,
    template: Option<Cow<'a, Template>>,
    /// A built-in theme's name (None: the default).
    theme: Option<String>,
    design: design::Design,
    /// The headings' language (`sys.inputs.labels`).
    locale: String,
    png: Option<Png>,
    fonts: fonts::FontSources,
}

/// Typesets `resume` (with the whole document's text beside it) as a PDF, in a child
/// process under a deadline and a memory cap: a template is code, and Typst cannot be
/// stopped from inside (see `isolation`).
pub async fn render(
    resume: &Resume,
    document: &str,
    options: &PdfOptions<'_>,
    locale: &Locale,
) -> Result<Typeset> {
    let job = Job {
        resume: serde_json::to_string(resume)?,
        document: Cow::Borrowed(document),
        paper: options.paper,
        template: options.template.map(Cow::Borrowed),
        theme: options.theme.map(|theme| theme.name.to_string()),
        design: options.design.clone(),
        locale: locale.tag.clone(),
        png: options.png,
        fonts: options.fonts.clone(),
    };
    let started = std::time::Instant::now();
    let typeset = isolation::typeset_in_child(&job, options.timeout).await;
    crate::timings::record("typeset", started.elapsed());
    typeset
}

/// How a template is named in messages.
fn template_name(template: Option<&Template>) -> &str {
    template.map_or("the built-in theme", |template| template.name.as_str())
}

/// Typesets in this process (the child's side of `render`), with the embedded fonts
/// already loaded.
fn typeset(job: &Job<'_>, embedded: typst_kit::fonts::FontStore) -> Result<Typeset> {
    let labels = locale::find(&job.locale)
        .unwrap_or_else(locale::english)
        .labels();
    let data = Data {
        resume: &job.resume,
        document: &job.document,
        paper: job.paper.typst_name(),
        design: &job.design.json(),
        labels: &labels,
    };
    let theme = job
        .theme
        .as_deref()
        .and_then(themes::find)
        .unwrap_or(themes::DEFAULT);
    let (source, folder) = match &job.template {
        Some(template) => (template.source.as_str(), Some(template.folder.as_path())),
        None => (theme.source, None),
    };
    let name = template_name(job.template.as_deref());
    // The text that may be set: a user's template may show anything of the document.
    let mut text = vec![job.resume.as_str(), labels.as_str(), source];
    if job.template.is_some() {
        text.push(&job.document);
    }
    let fonts = fonts::more(embedded, &job.fonts, &text);
    let world = ResumeWorld::new(source, name, folder, &data, fonts).map_err(error::invalid)?;
    let failed = |diagnostics: &[typst::diag::SourceDiagnostic]| -> anyhow::Error {
        let message = format!("typesetting the PDF: {}", world.describe(diagnostics));
        // The data cannot break a template: an error in the built-in one is a bug.
        let kind = if job.template.is_some() {
            ErrorKind::InvalidInput
        } else {
            ErrorKind::Unexpected
        };
        CliError::new(kind, message).into()
    };
    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|errors| failed(&errors))?;
    let mut warnings = world.describe_each(&warnings, false);
    warnings.extend(fonts::warnings(&fonts::missing(&document), &job.document));
    if let Some(png) = job.png {
        let pages = document.pages();
        let page = pages.get(png.page.wrapping_sub(1)).ok_or_else(|| {
            error::invalid(format!(
                "page {} was asked for, and the resume has {} page{}",
                png.page,
                pages.len(),
                if pages.len() == 1 { "" } else { "s" }
            ))
        })?;
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(png.dpi) / 72.0),
            ..typst_render::RenderOptions::default()
        };
        let pixmap = typst_render::render(page, &options);
        let (width, height) = (pixmap.width(), pixmap.height());
        let image = encode_png(pixmap.take_demultiplied(), width, height, png.dpi)
            .map_err(|error| anyhow::anyhow!("encoding the PNG: {error}"))?;
        return Ok(Typeset {
            pdf: image,
            reads: reads(&world),
            warnings,
        });
    }
    let options = typst_pdf::PdfOptions {
        tagged: true,
        ..typst_pdf::PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| failed(&errors))?;
    Ok(Typeset {
        pdf,
        reads: reads(&world),
        warnings,
    })
}

/// RGBA pixels as a PNG that says its resolution: RGB when every pixel is opaque (a page
/// is, unless a template made it transparent), at zlib level 3, which writes the same
/// size as the default level 6 in about half its time (BENCHMARKS.md, "Themes").
fn encode_png(
    rgba: Vec<u8>,
    width: u32,
    height: u32,
    dpi: f32,
) -> Result<Vec<u8>, png::EncodingError> {
    let opaque = rgba.chunks_exact(4).all(|pixel| pixel[3] == 255);
    let (pixels, colour) = if opaque {
        let rgb = rgba
            .chunks_exact(4)
            .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
            .collect();
        (rgb, png::ColorType::Rgb)
    } else {
        (rgba, png::ColorType::Rgba)
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(3));
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The files of the template's folder the template read, and what they held.
fn reads(world: &ResumeWorld) -> Vec<TemplateRead> {
    world
        .reads()
        .into_iter()
        .map(|(path, bytes)| TemplateRead {
            path,
            sha256: bytes.map(|bytes| crate::export::hex_digest(&bytes)),
        })
        .collect()
}

/// What a file of `folder` holds now, read as the template's World reads it: to tell
/// whether a file an earlier PDF was made from has changed since.
pub fn read_again(folder: &Path, path: &str) -> TemplateRead {
    let bytes = folder.canonicalize().ok().and_then(|root| {
        let vpath = typst::syntax::VirtualPath::new(format!("/{path}")).ok()?;
        world::read_confined(&root, &vpath).ok()
    });
    TemplateRead {
        path: path.to_owned(),
        sha256: bytes.map(|bytes| crate::export::hex_digest(&bytes)),
    }
}
