//! `resumectl export ID --to txt|md|html|docx|pdf|jsonresume`: the saved document as a
//! file, noted in export_formats and reused while the version it shows is unchanged.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use crate::values::{self, ExportFormatArg, PaperArg};
use crate::values::{MAX_TIMEOUT_SECONDS, parse_duration};
use resumectl_core::error;
use resumectl_core::export::locale::{self, Locale};
use resumectl_core::export::pdf::design::{Design, Set};
use resumectl_core::export::pdf::fonts::{self, FontSources};
use resumectl_core::export::pdf::themes::{self, Theme};
use resumectl_core::export::pdf::{self, Paper, Png};
use resumectl_core::model::reports::ExportFormat;
use resumectl_core::ops;
use resumectl_core::ops::export::{Destination, ExportRequest, Exported, UploadRequest, UploadUrl};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl export ID --to pdf                  # ./<file_name_suggestion>.pdf\n  \
    resumectl export ID --to pdf --paper letter --template brand/resume.typ\n  \
    resumectl export ID --to docx --cover-note    # the cover note as a letter\n  \
    resumectl export ID --to html -o resume.html\n  \
    resumectl export ID --to md -o - | less\n  \
    resumectl export ID --to pdf --upload s3://exports/resumes --presign 1h\n  \
    resumectl export ID --to pdf --template brand/resume.typ --watch   # until Ctrl-C\n\n\
    The record's export_formats.resumectl_exports.<format> notes the file, the version it \
    shows, its SHA-256 and when it was made; exporting the same version to the same file \
    again reuses it. An existing file is replaced only when it still holds this record's \
    export (else --force), keeping its permissions; a read-only file is refused; devices \
    and FIFOs (-o /dev/stdout) are written through; a symlink's target is written.\n\n\
    --upload records the web application's keys in export_formats (pdf_url, docx_url, ..., \
    generated_at, expires_at) beside resumectl_exports.<format>_upload, and uploads nothing \
    while that object is unexpired and still in the store (a HEAD request). S3 settings: \
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, \
    AWS_ENDPOINT_URL (an http:// endpoint only when given there), or AWS_PROFILE in ~/.aws. \
    A failed upload exits 7 and records nothing; an upload the record moved on from exits 6 \
    and names the URL.")]
pub struct ExportArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// The format to write
    #[arg(long, value_name = "FORMAT", value_parser = values::parser::<ExportFormatArg, ExportFormat>())]
    pub to: ExportFormat,

    /// Where to write it; '-' for stdout [default: the document's file_name_suggestion,
    /// with the format's extension, in the current directory]
    #[arg(short, long, value_name = "FILE|-")]
    pub output: Option<String>,

    /// Write the file again even when the version it shows is unchanged, or replace a
    /// file that is not this record's export
    #[arg(long)]
    pub force: bool,

    /// The document's cover note as a one-page letter, instead of the resume
    #[arg(long)]
    pub cover_note: bool,

    /// With --to pdf, png or html (printed): the paper size [default: a4, or the
    /// design's paper]
    #[arg(long, value_name = "SIZE", value_parser = values::parser::<PaperArg, Paper>())]
    pub paper: Option<Paper>,

    /// With --to pdf: your own Typst template (start from a theme's file in templates/);
    /// it may read files in its own folder, nothing else
    #[arg(long, value_name = "FILE.typ")]
    pub template: Option<PathBuf>,

    /// With --to pdf, png or html: a built-in theme (`resumectl themes` lists them); the
    /// HTML takes its colours and kind of type [default: classic]
    #[arg(long, value_name = "NAME", conflicts_with = "template", value_parser = theme_parser())]
    pub theme: Option<&'static Theme>,

    /// With --to pdf, png or html: change the theme's look, KEY=VALUE, repeatable (over the config
    /// file's [design] table): accent=#rrggbb, font=FAMILY (Libertinus Serif, DejaVu Sans),
    /// font-size=PT, margin=18mm|2cm|0.75in, line-spacing=FACTOR, paper=a4|letter
    #[arg(long, value_name = "KEY=VALUE")]
    pub design: Vec<String>,

    /// With --to md, html, docx, pdf or png: the language of the headings, "Present" and
    /// month names (en, de, fr, es, pt, it, nl, pl) [default: the language the document
    /// names, else en]. The document's own text is never translated
    #[arg(long, value_name = "TAG", value_parser = parse_locale)]
    pub locale: Option<&'static Locale>,

    /// With --to png: the page to render, from 1 [default: 1]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=999))]
    pub page: Option<u32>,

    /// With --to png: pixels per inch, 36 to 600 [default: 144]
    #[arg(long, value_name = "DPI", value_parser = clap::value_parser!(u32).range(36..=600))]
    pub dpi: Option<u32>,

    /// With --to pdf or png: a folder of fonts (searched recursively), for text the
    /// embedded ones lack (Chinese, Japanese, Korean, Devanagari, emoji, ...) and for
    /// families a template names; repeatable, or several joined with ':'
    #[arg(
        long,
        value_name = "DIR",
        env = "RESUMECTL_FONT_PATH",
        value_delimiter = ':',
        value_parser = parse_font_folder
    )]
    pub font_path: Vec<PathBuf>,

    /// With --to pdf or png: never use the system's fonts (those of the folders fontconfig
    /// names), only the embedded ones and --font-path: the same PDF on every machine
    #[arg(long)]
    pub ignore_system_fonts: bool,

    /// Export again whenever the template's folder changes or the record gets a new
    /// version, one line per export, until Ctrl-C (exit 0); an error is said and the watch
    /// goes on
    #[arg(long)]
    pub watch: bool,

    /// With --to pdf: seconds typesetting may take before it is stopped (exit 5); 0 for
    /// no limit. Its memory is capped at 1 GiB whatever this says
    #[arg(
        long,
        value_name = "SECONDS",
        env = "RESUMECTL_RENDER_TIMEOUT",
        default_value_t = DEFAULT_RENDER_TIMEOUT_SECONDS,
        value_parser = clap::value_parser!(u64).range(0..=MAX_TIMEOUT_SECONDS)
    )]
    pub render_timeout: u64,

    /// Put the file where the web application serves it from: s3://bucket/prefix (Amazon
    /// S3 or an S3-compatible store, credentials as every AWS tool takes them) or
    /// file:///dir; the key is prefix/ID/VERSION/FILE. With -o FILE, also written locally
    #[arg(long, value_name = "URL")]
    pub upload: Option<String>,

    /// With --upload: how long the web application may hand out the stored URL
    /// (export_formats.expires_at), e.g. 24h, 7d, 90m; at most 10y
    #[arg(long, value_name = "DURATION", requires = "upload", default_value = "24h",
          value_parser = parse_ttl)]
    pub ttl: Duration,

    /// With an s3:// --upload: also print a time-limited https URL for sharing, valid for
    /// DURATION (1s to 7d); it is not stored
    #[arg(long, value_name = "DURATION", requires = "upload", value_parser = parse_duration)]
    pub presign: Option<Duration>,
}

/// Long enough for any resume (the built-in template takes well under a second), short
/// enough that a runaway template does not look like a hang.
const DEFAULT_RENDER_TIMEOUT_SECONDS: u64 = 30;

/// The longest --ttl: an expiry ten years ahead is "never" for a shared link, and it keeps
/// expires_at a four-digit year (RFC 3339 has no room for year 12027).
const MAX_TTL: Duration = Duration::from_secs(10 * 31_557_600);

/// A --ttl: a duration (as for --presign) of at most MAX_TTL ("10y", as humantime counts
/// a year), refused by the parser, before anything is read or uploaded.
fn parse_ttl(text: &str) -> std::result::Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration > MAX_TTL {
        return Err("at most 10y (about 3652d) is allowed".into());
    }
    Ok(duration)
}

/// S3 signs a URL for at most seven days.
const MAX_PRESIGN: Duration = Duration::from_secs(7 * 24 * 3600);

pub async fn run(args: &ExportArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let request = request(args, context)?;
    if args.to.is_typeset() {
        // Its start-up overlaps with connecting and reading the record.
        pdf::start_renderer();
    }
    let exported = context
        .session(async |session| ops::export::export(session, user, request).await)
        .await?;
    let warnings = match &exported {
        Exported::Bytes { warnings, .. } => warnings,
        Exported::Written(report) => &report.warnings,
    };
    say_warnings(context, warnings);
    Ok(match exported {
        Exported::Bytes { bytes, .. } => Output::Bytes(bytes),
        Exported::Written(report) => Output::Exported(report),
    })
}

/// A PDF's warnings on stderr, and what to do about characters no font has.
pub fn say_warnings(context: &Context<'_>, warnings: &[String]) {
    for warning in warnings {
        context.shell.warn(warning);
    }
    if warnings
        .iter()
        .any(|warning| warning.starts_with(fonts::NO_GLYPH))
    {
        context.shell.warn(
            "they are drawn as empty boxes: install a font that has them, or give \
             --font-path DIR (RESUMECTL_FONT_PATH)",
        );
    }
}

/// What the flags ask for, checked: a usage error (exit 2) before anything is read.
pub fn request(args: &ExportArgs, context: &Context<'_>) -> Result<ExportRequest> {
    let id = args.record.id()?;
    let destination = match args.output.as_deref() {
        Some("") => {
            return Err(error::usage(
                "-o needs a file name (or '-' for stdout); leave it out for the suggested name",
            ));
        }
        Some("-") if args.to.is_binary() && context.shell.terminal().stdout => {
            return Err(error::usage(format!(
                "a {} is binary: write it to a file (-o FILE), or pipe stdout elsewhere",
                args.to
            )));
        }
        Some("-") if args.watch => {
            return Err(error::usage(
                "--watch writes the file again at each change: give -o FILE, or leave -o out \
                 for the suggested name",
            ));
        }
        Some("-") => Destination::Stdout,
        Some(path) => Destination::File(Some(PathBuf::from(path))),
        None => Destination::File(None),
    };
    if args.to != ExportFormat::Png && (args.page.is_some() || args.dpi.is_some()) {
        return Err(error::usage("--page and --dpi are for --to png"));
    }
    let html = args.to == ExportFormat::Html;
    if args.locale.is_some() && !args.to.is_laid_out() {
        return Err(error::usage(
            "--locale is for the laid-out formats: md, html, docx, pdf and png",
        ));
    }
    if !args.to.is_typeset()
        && (args.template.is_some()
            || args.ignore_system_fonts
            || (!html && (args.theme.is_some() || args.paper.is_some() || !args.design.is_empty())))
    {
        return Err(error::usage(
            "--template and --ignore-system-fonts are for --to pdf and png; --theme, \
             --design and --paper for pdf, png and html",
        ));
    }
    let (design, paper) = design(args, context)?;
    let upload = match &args.upload {
        None => None,
        Some(url) => {
            let url = UploadUrl::parse(url).context("--upload")?;
            if matches!(destination, Destination::Stdout) {
                return Err(error::usage(
                    "--upload prints its report on stdout: give -o FILE for a local copy, not \
                     -o -",
                ));
            }
            if let Some(presign) = args.presign {
                if !matches!(url, UploadUrl::S3 { .. }) {
                    return Err(error::usage("--presign is for s3:// uploads"));
                }
                if presign > MAX_PRESIGN {
                    return Err(error::usage("--presign: S3 signs a URL for at most 7d"));
                }
            }
            Some(UploadRequest {
                url,
                ttl: args.ttl,
                presign: args.presign,
                credentials: crate::config::aws::resolve,
            })
        }
    };
    Ok(ExportRequest {
        id,
        format: args.to,
        destination,
        force: args.force,
        cover_note: args.cover_note,
        paper,
        template: args.template.clone(),
        theme: args.theme,
        design,
        locale: args.locale,
        png: Some(Png {
            page: args.page.unwrap_or(1) as usize,
            dpi: args.dpi.unwrap_or(144) as f32,
        }),
        render_timeout: (args.render_timeout > 0).then(|| Duration::from_secs(args.render_timeout)),
        fonts: FontSources {
            paths: args.font_path.clone(),
            system: !args.ignore_system_fonts,
        },
        upload,
    })
}

/// `--theme NAME`: one of the built-in themes (clap lists them when the name is unknown).
fn theme_parser() -> impl clap::builder::TypedValueParser<Value = &'static Theme> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(themes::names())
        .map(|name: String| themes::find(&name).unwrap_or(themes::DEFAULT))
}

/// The design options: the config file's [design] table, then each --design in order
/// (a later one wins), and the paper: --paper, else the design's, else A4. A bad key or
/// value exits 2, naming it and where it was given.
fn design(args: &ExportArgs, context: &Context<'_>) -> Result<(Design, Paper)> {
    let mut design = Design::default();
    let mut paper = None;
    let from_file = context.settings.design.iter().map(|(key, value)| {
        let place = format!("design.{key} in {}", context.settings.design_file);
        (key.clone(), value.clone(), place)
    });
    let from_flags = args.design.iter().map(|given| {
        let (key, value) = given.split_once('=').unwrap_or((given.as_str(), ""));
        (
            key.trim().to_string(),
            value.to_string(),
            format!("--design {given}"),
        )
    });
    for (key, value, place) in from_file.chain(from_flags) {
        match design.set(&key, &value) {
            Ok(Set::Design) => {}
            Ok(Set::Paper(given)) => paper = Some(given),
            Err(problem) => return Err(error::usage(format!("{place}: {problem}"))),
        }
    }
    Ok((design, args.paper.or(paper).unwrap_or_default()))
}

/// `--font-path DIR`: a folder that is there (a font file is not a folder of fonts).
fn parse_font_folder(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match std::fs::metadata(&path) {
        Ok(metadata) if metadata.is_dir() => Ok(path),
        Ok(_) => Err("not a folder (give the folder that holds the fonts)".into()),
        Err(error) => Err(format!("no such folder ({error})")),
    }
}

/// `--locale TAG`: a language of assets/locales.toml ("de", or "de-AT" for the same).
fn parse_locale(tag: &str) -> Result<&'static Locale, String> {
    locale::find(tag).ok_or_else(|| {
        format!(
            "no such language: {tag:?}; one of {}",
            locale::tags().join(", ")
        )
    })
}
