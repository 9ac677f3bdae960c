//! The resume as Markdown (CommonMark): every text escaped so that it reads as text,
//! never as markup.

use std::fmt::Write;

use crate::export::layout::{CoverNote, Resume};
use crate::export::locale::Locale;

/// The resume, its headings in `words`' language.
pub fn render(resume: &Resume, words: &Locale) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_resume(resume, words, &mut out);
    out
}

/// The cover note as plain text: name, contact, subject, body.
pub fn cover_note_text(resume: &Resume) -> String {
    let mut out = format!("{}\n", resume.name);
    if !resume.contact.is_empty() {
        out.push_str(&format!("{}\n", resume.contact.join(" | ")));
    }
    if let Some(CoverNote { subject, body }) = &resume.cover_note {
        out.push_str(&format!("\n{subject}\n\n{body}\n"));
    }
    out
}

fn write_resume(resume: &Resume, words: &Locale, out: &mut String) -> std::fmt::Result {
    writeln!(out, "# {}\n", escape(&resume.name))?;
    if !resume.contact.is_empty() {
        let contact: Vec<String> = resume.contact.iter().map(|item| escape(item)).collect();
        writeln!(out, "{}\n", contact.join(" | "))?;
    }
    if let Some(note) = &resume.cover_note {
        writeln!(out, "**{}**\n", escape(&note.subject))?;
        for paragraph in note.body.split("\n\n") {
            writeln!(out, "{}\n", escape(paragraph.trim()))?;
        }
        return Ok(());
    }
    if let Some(headline) = &resume.headline {
        writeln!(out, "**{}**\n", escape(headline))?;
    }
    if let Some(summary) = &resume.summary {
        writeln!(out, "## {}\n\n{}\n", words.summary, escape(summary))?;
    }
    if !resume.experience.is_empty() {
        writeln!(out, "## {}\n", words.experience)?;
        for job in &resume.experience {
            writeln!(
                out,
                "### {}, {}\n",
                escape(&job.title),
                escape(&job.company)
            )?;
            let place: Vec<String> = [&job.location, &job.dates]
                .into_iter()
                .filter(|part| !part.is_empty())
                .map(|part| escape(part))
                .collect();
            if !place.is_empty() {
                writeln!(out, "*{}*\n", place.join(" | "))?;
            }
            for bullet in &job.bullets {
                writeln!(out, "- {}", escape(bullet))?;
            }
            writeln!(out)?;
        }
    }
    if !resume.skills.is_empty() {
        writeln!(out, "## {}\n", words.skills)?;
        for skill in &resume.skills {
            let items: Vec<String> = skill.items.iter().map(|item| escape(item)).collect();
            writeln!(out, "- **{}:** {}", escape(&skill.group), items.join(", "))?;
        }
        writeln!(out)?;
    }
    if !resume.education.is_empty() {
        writeln!(out, "## {}\n", words.education)?;
        for item in &resume.education {
            let mut line = format!(
                "- **{}**, {}",
                escape(&item.degree),
                escape(&item.institution)
            );
            if !item.notes.is_empty() {
                line.push_str(&format!(" ({})", escape(&item.notes)));
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out)?;
    }
    if !resume.certifications.is_empty() {
        writeln!(out, "## {}\n", words.certifications)?;
        for item in &resume.certifications {
            writeln!(out, "- {}, {}", escape(&item.name), escape(&item.issuer))?;
        }
        writeln!(out)?;
    }
    if !resume.extras.is_empty() {
        writeln!(out, "## {}\n", words.extras)?;
        for extra in &resume.extras {
            writeln!(
                out,
                "- **{}:** {}",
                escape(&extra.label),
                escape(&extra.value)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Backslash-escapes what CommonMark would read as markup (any ASCII punctuation may be
/// escaped); line breaks inside a value become spaces so that a value stays one block.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(character);
            }
            _ => out.push(character),
        }
    }
    // At the start of a block, "- ", "+ ", "=" and "1." would begin a list or a heading.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    if let Some(end) = out.find(|c: char| !c.is_ascii_digit())
        && end > 0
        && matches!(out[end..].chars().next(), Some('.'))
    {
        out.insert(end, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped() {
        assert_eq!(escape("*bold* [x](y) <b>"), r"\*bold\* \[x\](y) \<b\>");
        assert_eq!(escape("- not a list, +49 a-b"), r"\- not a list, +49 a-b");
        assert_eq!(escape("1. first"), r"1\. first");
        assert_eq!(escape("two\nlines"), "two lines");
    }
}
