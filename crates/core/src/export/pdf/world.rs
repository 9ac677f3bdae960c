//! The Typst world a template is compiled in: the template itself, the data as two
//! virtual files, the fonts (`fonts`: the embedded ones, others only when the text needs
//! them), and (for a user's template) the files of its own folder. Nothing else: no
//! package is downloaded, no other file is read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue, Smart};
use typst::layout::{PageElem, Paper};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;

/// The data a template gets, as inputs and as files.
pub struct Data<'a> {
    /// The resume as laid out (JSON): `sys.inputs.resume`, `/resume.json`.
    pub resume: &'a str,
    /// The whole structured_output (JSON): `sys.inputs.document`, `/document.json`.
    pub document: &'a str,
    /// Typst's paper name: "a4" or "us-letter".
    pub paper: &'static str,
    /// The design options (JSON): `sys.inputs.design`.
    pub design: &'a str,
    /// The headings and today's date in the export's language (JSON):
    /// `sys.inputs.labels`.
    pub labels: &'a str,
}

pub struct ResumeWorld {
    library: LazyHash<Library>,
    fonts: FontStore,
    main: Source,
    /// How messages name the template: its path, or "the built-in template".
    main_name: String,
    data_files: Vec<(FileId, Bytes)>,
    /// The template's folder (canonical); None for the built-in template.
    root: Option<PathBuf>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    now: chrono::DateTime<chrono::Utc>,
}

/// A file of the folder `root` (canonical), as the World reads it for a template: never
/// outside the folder (a symlink out is refused too), never a directory. Export reads the
/// same way to tell whether a file a template read has changed since.
pub fn read_confined(root: &Path, vpath: &VirtualPath) -> FileResult<Bytes> {
    let path = vpath.realize(root)?;
    let real = path
        .canonicalize()
        .map_err(|error| FileError::from_io(error, &path))?;
    if !real.starts_with(root) {
        return Err(FileError::AccessDenied);
    }
    if real.is_dir() {
        return Err(FileError::IsDirectory);
    }
    std::fs::read(&real)
        .map(Bytes::new)
        .map_err(|error| FileError::from_io(error, &path))
}

fn project_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|error| format!("{path}: {error}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ResumeWorld {
    pub fn new(
        template: &str,
        template_name: &str,
        root: Option<&Path>,
        data: &Data<'_>,
        fonts: FontStore,
    ) -> Result<Self, String> {
        let size = match data.paper {
            "us-letter" => Paper::US_LETTER,
            _ => Paper::A4,
        };
        let mut inputs = Dict::new();
        inputs.insert("resume".into(), data.resume.into_value());
        inputs.insert("document".into(), data.document.into_value());
        inputs.insert("paper".into(), data.paper.into_value());
        inputs.insert("design".into(), data.design.into_value());
        inputs.insert("labels".into(), data.labels.into_value());
        let mut library = Library::builder().with_inputs(inputs).build();
        // The default page size; a template's own `set page(paper: ...)` overrides it.
        library
            .styles
            .set(PageElem::width, Smart::Custom(size.width().into()));
        library
            .styles
            .set(PageElem::height, Smart::Custom(size.height().into()));
        let root = root
            .map(|root| {
                root.canonicalize()
                    .map_err(|error| format!("{}: {error}", root.display()))
            })
            .transpose()?;
        let file = Path::new(template_name)
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("template.typ");
        let main = Source::new(project_id(&format!("/{file}"))?, template.to_owned());
        let data_files = vec![
            (
                project_id("/resume.json")?,
                Bytes::from_string(data.resume.to_owned()),
            ),
            (
                project_id("/document.json")?,
                Bytes::from_string(data.document.to_owned()),
            ),
        ];
        Ok(ResumeWorld {
            library: LazyHash::new(library),
            fonts,
            main,
            main_name: template_name.to_owned(),
            data_files,
            root,
            files: Mutex::default(),
            now: chrono::Utc::now(),
        })
    }

    /// A file of the template's folder, never outside it.
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::NotFound(spec.clone())));
        }
        let Some(root) = &self.root else {
            return Err(FileError::NotFound(id.vpath().get_with_slash().into()));
        };
        read_confined(root, id.vpath())
    }

    /// Every file of the template's folder it asked for, by its path in the folder
    /// (`logo.png`), with what it got: the bytes, or None when the read failed. What the
    /// PDF depends on besides the template's own text and the data.
    pub fn reads(&self) -> Vec<(String, Option<Bytes>)> {
        let files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut reads: Vec<(String, Option<Bytes>)> = files
            .iter()
            .filter(|(id, _)| matches!(id.root(), VirtualRoot::Project))
            .map(|(id, read)| {
                (
                    id.vpath().get_without_slash().to_string(),
                    read.as_ref().ok().cloned(),
                )
            })
            .collect();
        reads.sort_by(|a, b| a.0.cmp(&b.0));
        reads
    }

    fn name(&self, id: FileId) -> String {
        if id == self.main.id() {
            return self.main_name.clone();
        }
        id.vpath().get_without_slash().to_string()
    }

    /// "file:line:column" of a diagnostic, when it has a place.
    fn locate(&self, span: DiagSpan) -> Option<String> {
        let id = span.id()?;
        let range = self.range(span)?;
        let lines = match span.get() {
            DiagSpanKind::Number { .. } => self.source(id).ok()?.lines().clone(),
            _ => self.file(id).ok()?.lines().ok()?,
        };
        let (line, column) = lines.byte_to_line_column(range.start)?;
        Some(format!("{}:{}:{}", self.name(id), line + 1, column + 1))
    }

    /// Typst's diagnostics, one after another: "file:line:column: error: message; ...".
    pub fn describe(&self, diagnostics: &[SourceDiagnostic]) -> String {
        self.describe_each(diagnostics, true).join("; ")
    }

    /// Each of Typst's diagnostics: "file:line:column: warning: message (hint: ...)",
    /// without "warning: " when not `severity`.
    pub fn describe_each(&self, diagnostics: &[SourceDiagnostic], severity: bool) -> Vec<String> {
        diagnostics
            .iter()
            .map(|diagnostic| {
                let severity = match (severity, diagnostic.severity) {
                    (false, _) => "",
                    (true, Severity::Error) => "error: ",
                    (true, Severity::Warning) => "warning: ",
                };
                let mut line = match self.locate(diagnostic.span) {
                    Some(place) => format!("{place}: {severity}{}", diagnostic.message),
                    None => format!("{severity}{}", diagnostic.message),
                };
                // Hints about typst's own command line (--root) do not apply here.
                for hint in diagnostic
                    .hints
                    .iter()
                    .filter(|hint| !hint.v.contains("--root"))
                {
                    line.push_str(&format!(" (hint: {})", hint.v));
                }
                line
            })
            .collect()
    }
}

impl World for ResumeWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes)?;
        Ok(Source::new(
            id,
            text.strip_prefix('\u{feff}').unwrap_or(text).to_owned(),
        ))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((_, bytes)) = self.data_files.iter().find(|(file, _)| *file == id) {
            return Ok(bytes.clone());
        }
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(id)
            .or_insert_with(|| self.load(id))
            .clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        let date = match offset {
            None => self.now.with_timezone(&chrono::Local).date_naive(),
            Some(offset) => {
                (self.now + chrono::TimeDelta::try_seconds(offset.seconds() as i64)?).date_naive()
            }
        };
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
    }
}
