//! The resume as a Word document (docx-rs escapes every text it is given).

use docx_rs::{Docx, Paragraph, Run, SpecialIndentType};

use crate::export::layout::Resume;
use crate::export::locale::Locale;

/// Sizes in half-points, indents in twentieths of a point: Word's units.
const NAME_SIZE: usize = 36;
const HEADING_SIZE: usize = 26;
const BULLET_INDENT: i32 = 360;

/// The resume, its headings in `words`' language.
pub fn render(resume: &Resume, words: &Locale) -> anyhow::Result<Vec<u8>> {
    let mut document = Docx::new().add_paragraph(
        Paragraph::new().add_run(Run::new().add_text(&resume.name).bold().size(NAME_SIZE)),
    );
    if !resume.contact.is_empty() {
        document = document.add_paragraph(plain(&resume.contact.join(" | ")));
    }
    if let Some(note) = &resume.cover_note {
        document = document
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&note.subject).bold()));
        for paragraph in note.body.split("\n\n") {
            document = document.add_paragraph(plain(paragraph.trim()));
        }
    }
    if let Some(headline) = &resume.headline {
        document =
            document.add_paragraph(Paragraph::new().add_run(Run::new().add_text(headline).bold()));
    }
    if let Some(summary) = &resume.summary {
        document = document
            .add_paragraph(heading(&words.summary))
            .add_paragraph(plain(summary));
    }
    if !resume.experience.is_empty() {
        document = document.add_paragraph(heading(&words.experience));
        for job in &resume.experience {
            document = document.add_paragraph(
                Paragraph::new().add_run(
                    Run::new()
                        .add_text(format!("{}, {}", job.title, job.company))
                        .bold(),
                ),
            );
            let meta: Vec<&str> = [job.location.as_str(), job.dates.as_str()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect();
            if !meta.is_empty() {
                document = document.add_paragraph(plain(&meta.join(" | ")));
            }
            for item in &job.bullets {
                document = document.add_paragraph(bullet(item));
            }
        }
    }
    if !resume.skills.is_empty() {
        document = document.add_paragraph(heading(&words.skills));
        for skill in &resume.skills {
            document = document.add_paragraph(labelled(&skill.group, &skill.items.join(", ")));
        }
    }
    if !resume.education.is_empty() {
        document = document.add_paragraph(heading(&words.education));
        for item in &resume.education {
            let mut line = format!("{}, {}", item.degree, item.institution);
            if !item.notes.is_empty() {
                line.push_str(&format!(" ({})", item.notes));
            }
            document = document.add_paragraph(bullet(&line));
        }
    }
    if !resume.certifications.is_empty() {
        document = document.add_paragraph(heading(&words.certifications));
        for item in &resume.certifications {
            document = document.add_paragraph(bullet(&format!("{}, {}", item.name, item.issuer)));
        }
    }
    if !resume.extras.is_empty() {
        document = document.add_paragraph(heading(&words.extras));
        for extra in &resume.extras {
            document = document.add_paragraph(labelled(&extra.label, &extra.value));
        }
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    document
        .pack(&mut bytes)
        .map_err(|error| anyhow::anyhow!("building the docx: {error}"))?;
    Ok(bytes.into_inner())
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(text.to_uppercase())
            .bold()
            .size(HEADING_SIZE),
    )
}

fn plain(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn labelled(label: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(format!("{label}: ")).bold())
        .add_run(Run::new().add_text(text))
}

fn bullet(text: &str) -> Paragraph {
    Paragraph::new()
        .indent(
            Some(BULLET_INDENT),
            Some(SpecialIndentType::Hanging(BULLET_INDENT)),
            None,
            None,
        )
        .add_run(Run::new().add_text(format!("•\t{text}")))
}
