//! What each view of a record shows, as rows: the resume as a person reads it, its
//! history, a diff, the QA figures, the exports and the JSON. Built once when the data
//! arrives (and again only when a toggle changes them), never while drawing.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::browse::rows::{Row, Theme, cell_width, clip};
use crate::output::Format;
use crate::output::qa::QaStream;
use crate::output::terminal::safe;
use crate::output::time::ago;
use resumectl_core::export::layout::Resume;
use resumectl_core::model::qa::QaReport;
use resumectl_core::model::reports::{DiffReport, VersionSummary};

/// The resume as the exports lay it out: name, headline, contact, then the sections
/// with their dates and bullets. `excluded`: what the `ui` leaves out too, marked.
pub fn resume(document: &Value, excluded: bool, theme: Theme) -> Vec<Row> {
    let resume = match excluded {
        true => Resume::with_excluded(document),
        false => Resume::from_document(document),
    };
    let out_of = |section: &str| resume.excluded.contains(&section);
    let mark = |section: &str| match out_of(section) {
        true => theme.excluded(),
        false => theme.normal(),
    };
    let note = |row: Row, section: &str| match out_of(section) {
        true => row.with(theme.warning(), "  [excluded by ui]"),
        false => row,
    };
    let mut rows = vec![Row::plain(theme.strong(), &resume.name)];
    if let Some(headline) = &resume.headline {
        rows.push(note(
            Row::plain(mark("target_title"), headline),
            "target_title",
        ));
    }
    if !resume.contact.is_empty() {
        let row = Row::plain(mark("contact_information"), &resume.contact.join(" · "));
        rows.push(note(row, "contact_information"));
    }
    let section = |rows: &mut Vec<Row>, title: &str, key: &str| {
        rows.push(Row::new());
        rows.push(note(Row::plain(theme.heading(), title), key));
    };
    if let Some(summary) = &resume.summary {
        section(&mut rows, "SUMMARY", "professional_summary");
        for paragraph in summary.lines() {
            rows.push(Row::plain(mark("professional_summary"), paragraph));
        }
    }
    if !resume.experience.is_empty() {
        section(&mut rows, "EXPERIENCE", "work_experience");
        for job in &resume.experience {
            let style = match job.excluded || out_of("work_experience") {
                true => theme.excluded(),
                false => theme.normal(),
            };
            let place = [job.company.as_str(), job.location.as_str()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let mut heading = Row::plain(style.patch(theme.strong()), &job.title);
            if !place.is_empty() {
                heading = heading.with(style, &format!(" — {place}"));
            }
            if !job.dates.is_empty() {
                heading = heading.with(style.patch(theme.dim()), &format!("  ({})", job.dates));
            }
            if job.excluded {
                heading = heading.with(theme.warning(), "  [excluded by ui]");
            }
            rows.push(heading);
            for bullet in &job.bullets {
                rows.push(Row::plain(style, &format!("  • {bullet}")));
            }
        }
    }
    if !resume.skills.is_empty() {
        section(&mut rows, "SKILLS", "skills");
        for group in &resume.skills {
            let row = Row::plain(mark("skills").patch(theme.strong()), &group.group)
                .with(mark("skills"), &format!(": {}", group.items.join(", ")));
            rows.push(row);
        }
    }
    if !resume.education.is_empty() {
        section(&mut rows, "EDUCATION", "education");
        for item in &resume.education {
            let line = joined(&[&item.degree, &item.institution, &item.notes], " — ");
            rows.push(Row::plain(mark("education"), &line));
        }
    }
    if !resume.certifications.is_empty() {
        section(&mut rows, "CERTIFICATIONS", "certifications");
        for item in &resume.certifications {
            let line = joined(&[&item.name, &item.issuer], " — ");
            rows.push(Row::plain(mark("certifications"), &line));
        }
    }
    if !resume.extras.is_empty() {
        section(&mut rows, "EXTRAS", "interests_or_extras");
        for extra in &resume.extras {
            let line = joined(&[&extra.label, &extra.value], ": ");
            rows.push(Row::plain(mark("interests_or_extras"), &line));
        }
    }
    let hidden = Resume::with_excluded(document).excluded.len();
    rows.push(Row::new());
    rows.push(Row::plain(
        theme.dim(),
        &match (excluded, hidden) {
            (_, 0) => "the ui includes every section".to_string(),
            (false, n) => format!("{n} section(s) excluded by the ui are hidden: x shows them"),
            (true, n) => {
                format!("{n} section(s) excluded by the ui are shown, marked: x hides them")
            }
        },
    ));
    rows
}

fn joined(parts: &[&String], separator: &str) -> String {
    parts
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| part.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The versions, newest first: version, when, actor, then what changed and the note,
/// each column as wide as its widest value (the actor at most 24 cells). `selected` is
/// highlighted.
pub fn history(versions: &[VersionSummary], selected: usize, theme: Theme) -> Vec<Row> {
    let when: Vec<String> = versions
        .iter()
        .rev()
        .map(|version| ago(version.created_at))
        .collect();
    let actor: Vec<String> = versions
        .iter()
        .rev()
        .map(|version| clip(&safe(version.actor.as_deref().unwrap_or("—")), 24))
        .collect();
    let width = |column: &[String], title: &str| {
        column
            .iter()
            .map(|text| cell_width(text))
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (when_width, actor_width) = (width(&when, "when"), width(&actor, "actor"));
    let line = |version: &str, when: &str, actor: &str, changes: &str| {
        let pad = |text: &str, width: usize| {
            format!(
                "{text}{}",
                " ".repeat(width.saturating_sub(cell_width(text)))
            )
        };
        format!(
            "{version:>7}  {}  {}  {changes}",
            pad(when, when_width),
            pad(actor, actor_width)
        )
    };
    let mut rows = vec![
        Row::plain(
            theme.strong(),
            &line("version", "when", "actor", "changes — note"),
        )
        .single(),
    ];
    for (index, version) in versions.iter().rev().enumerate() {
        let changes = match (&version.changes_summary, version.own_note()) {
            (Some(summary), Some(note)) => format!("{summary} — {note}"),
            (Some(text), None) => text.clone(),
            (None, Some(text)) => text.to_owned(),
            (None, None) => String::new(),
        };
        let text = line(
            &version.version.to_string(),
            &when[index],
            &actor[index],
            &safe(&changes),
        );
        let style = match index == selected {
            true => theme.selected(),
            false => theme.normal(),
        };
        rows.push(Row::plain(style, &text).single());
    }
    rows
}

/// What changed from one version to another, one path at a time: the old value above
/// the new one, as `git show` reads.
pub fn diff(report: &DiffReport, theme: Theme) -> Vec<Row> {
    let mut rows = vec![Row::plain(
        theme.strong(),
        &format!(
            "version {} → version {}: {} change(s)",
            report.from,
            report.to,
            report.changes.len()
        ),
    )];
    if report.changes.is_empty() {
        rows.push(Row::plain(
            theme.dim(),
            "structured_output is the same in both (another column changed)",
        ));
    }
    for change in &report.changes {
        rows.push(Row::new());
        let path = if change.path.is_empty() {
            "(the whole document)"
        } else {
            &change.path
        };
        rows.push(Row::plain(
            theme.heading(),
            &format!("{} {path}", change.op),
        ));
        if let Some(old) = &change.old {
            rows.push(Row::plain(theme.removed(), &format!("  - {old}")));
        }
        if let Some(new) = &change.new {
            rows.push(Row::plain(theme.added(), &format!("  + {new}")));
        }
    }
    rows
}

/// The four figures with their evidence, as `qa` prints them, then the claims the
/// document's own `qa` section makes.
pub fn qa(report: &QaReport, document: &Value, theme: Theme) -> Vec<Row> {
    let mut text = Vec::new();
    let printed = QaStream::new(Format::Table, &mut text, false).report(report);
    let mut rows: Vec<Row> = match printed {
        Ok(()) => String::from_utf8_lossy(&text)
            .lines()
            .map(|line| Row::plain(theme.normal(), line))
            .collect(),
        Err(error) => vec![Row::plain(theme.warning(), &error.to_string())],
    };
    rows.push(Row::plain(
        theme.heading(),
        "claims of the document's qa section",
    ));
    let mut claims = Vec::new();
    leaves("/qa", &document["qa"], &mut claims);
    if claims.is_empty() {
        rows.push(Row::plain(theme.dim(), "  (none)"));
    }
    for (path, value) in claims {
        let disagrees = report.claims.iter().any(|claim| claim.path == path);
        let style = match disagrees {
            true => theme.warning(),
            false => theme.normal(),
        };
        let tail = if disagrees {
            "  (disagrees with what was measured)"
        } else {
            ""
        };
        rows.push(Row::plain(style, &format!("  {path} = {value}{tail}")));
    }
    rows
}

/// The scalar values under `value`, by JSON pointer (at most 200: a claim is a figure).
fn leaves(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    if out.len() >= 200 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                leaves(&format!("{path}/{key}"), item, out);
            }
        }
        Value::Array(items) if items.iter().all(|item| !item.is_object()) => {
            out.push((path.to_string(), value.to_string()));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                leaves(&format!("{path}/{index}"), item, out);
            }
        }
        Value::Null => {}
        scalar => out.push((path.to_string(), scalar.to_string())),
    }
}

/// export_formats: the web application's links and resumectl's notes, with expiry.
pub fn exports(export_formats: Option<&str>, theme: Theme) -> Vec<Row> {
    let value: Value = match export_formats.map(resumectl_core::document::parse_stored) {
        None => {
            return vec![Row::plain(
                theme.dim(),
                "no exports recorded (export_formats is NULL)",
            )];
        }
        Some(Err(error)) => return vec![Row::plain(theme.warning(), &error.to_string())],
        Some(Ok(value)) => value,
    };
    let mut rows = Vec::new();
    let links: Vec<(&String, &Value)> = value
        .as_object()
        .map(|map| {
            map.iter()
                .filter(|(key, _)| key.ends_with("_url"))
                .collect()
        })
        .unwrap_or_default();
    if !links.is_empty() {
        rows.push(Row::plain(theme.heading(), "web application links"));
        for (key, url) in links {
            rows.push(Row::plain(theme.strong(), &format!("  {key}")));
            rows.push(Row::plain(
                theme.normal(),
                &format!("    {}", url.as_str().unwrap_or("")),
            ));
        }
        for key in ["generated_at", "expires_at"] {
            if let Some(at) = value[key].as_str() {
                rows.push(when(theme, &format!("  {key}"), at, key == "expires_at"));
            }
        }
    }
    if let Some(notes) = value["resumectl_exports"].as_object() {
        rows.push(Row::new());
        rows.push(Row::plain(theme.heading(), "exports made by resumectl"));
        for (key, note) in notes {
            let place = note["url"].as_str().or(note["file"].as_str()).unwrap_or("");
            rows.push(Row::plain(
                theme.strong(),
                &format!(
                    "  {key}  (version {}, {} bytes)",
                    note["version"], note["bytes"]
                ),
            ));
            rows.push(Row::plain(theme.normal(), &format!("    {place}")));
            if let Some(at) = note["generated_at"].as_str() {
                rows.push(when(theme, "    generated", at, false));
            }
            if let Some(at) = note["expires_at"].as_str() {
                rows.push(when(theme, "    expires", at, true));
            }
        }
    }
    if rows.is_empty() {
        rows.push(Row::plain(theme.dim(), "no exports recorded"));
    }
    rows
}

/// A time from export_formats, with how long ago (or, for an expiry, whether it passed).
fn when(theme: Theme, label: &str, at: &str, expiry: bool) -> Row {
    let parsed = DateTime::parse_from_rfc3339(at).map(|at| at.with_timezone(&Utc));
    let (style, tail) = match parsed {
        Ok(at) if expiry && at <= Utc::now() => (theme.warning(), "expired".to_string()),
        Ok(at) if expiry => (
            theme.normal(),
            format!(
                "in {}",
                humantime::format_duration(std::time::Duration::from_secs(
                    (at - Utc::now()).num_seconds().max(0) as u64
                ))
            ),
        ),
        Ok(at) => (theme.normal(), ago(at)),
        Err(_) => (theme.warning(), "not a time".to_string()),
    };
    Row::plain(style, &format!("{label}: {at} ({tail})"))
}
