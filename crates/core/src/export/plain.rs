//! The plain-text resume an applicant tracking system parses (`tailored_resume_text.
//! ats_plain_text`), laid out as the optimizer lays it out: the name in capitals, one
//! contact line, upper-case headings qa.md's section check reads, "- " bullets, no tabs.

use std::fmt::Write;

use crate::export::layout::{Resume, join_present};
use crate::export::locale;

/// `resume` as plain text, under English headings.
pub fn ats_text(resume: &Resume) -> String {
    let words = locale::english();
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(&mut out, &resume.name.to_uppercase());
    if !resume.contact.is_empty() {
        line(&mut out, &resume.contact.join(" | "));
    }
    if let Some(headline) = &resume.headline {
        out.push('\n');
        line(&mut out, &headline.to_uppercase());
    }
    let heading = |out: &mut String, title: &str| {
        let _ = write!(out, "\n{}\n", title.to_uppercase());
    };
    if let Some(summary) = &resume.summary {
        heading(&mut out, &words.summary);
        line(&mut out, summary);
    }
    if !resume.skills.is_empty() {
        heading(&mut out, &words.skills);
        for group in &resume.skills {
            let items = group.items.join(", ");
            // A group called "Skills" (a LinkedIn export's) needs no label under SKILLS.
            if group.group.eq_ignore_ascii_case(&words.skills) {
                line(&mut out, &items);
            } else {
                line(&mut out, &format!("{}: {items}", group.group));
            }
        }
    }
    if !resume.experience.is_empty() {
        heading(&mut out, &words.experience);
        for (index, job) in resume.experience.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            let place = join_present(&[&job.title, &job.company, &job.location], ", ");
            let dates = join_present(&[&job.start, &job.end], " - ");
            match dates.is_empty() {
                true => line(&mut out, &place),
                false => line(&mut out, &format!("{place} ({dates})")),
            }
            for bullet in &job.bullets {
                line(&mut out, &format!("- {bullet}"));
            }
        }
    }
    if !resume.education.is_empty() {
        heading(&mut out, &words.education);
        for item in &resume.education {
            line(
                &mut out,
                &join_present(&[&item.degree, &item.institution], ", "),
            );
            if !item.notes.is_empty() {
                line(&mut out, &item.notes);
            }
        }
    }
    if !resume.certifications.is_empty() {
        heading(&mut out, &words.certifications);
        for item in &resume.certifications {
            line(&mut out, &join_present(&[&item.name, &item.issuer], ", "));
        }
    }
    if !resume.extras.is_empty() {
        heading(&mut out, &words.extras);
        for extra in &resume.extras {
            match (extra.label.is_empty(), extra.value.is_empty()) {
                (false, false) => line(&mut out, &format!("{}: {}", extra.label, extra.value)),
                _ => line(&mut out, &format!("{}{}", extra.label, extra.value)),
            }
        }
    }
    // A tab would fail qa.md's plain-text check: the text is a resume, not a table.
    out.replace('\t', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::example;

    #[test]
    fn the_example_reads_as_the_optimizer_writes_it() {
        let text = ats_text(&Resume::from_document(&example()));
        assert!(text.starts_with(
            "JANE DOE\nBerlin, Germany | jane.doe@example.com | +49 30 1234567 | \
             linkedin.com/in/janedoe\n\nSENIOR DATA ENGINEER, PAYMENTS\n\nSUMMARY\n"
        ));
        assert!(text.contains(
            "\nEXPERIENCE\nSenior Data Engineer, Northwind Pay, Berlin (Mar 2021 - Present)\n\
             - Built a streaming"
        ));
        assert!(text.contains("\nEDUCATION\nM.Sc. Computer Science, Technical University"));
        assert!(text.contains("\nSKILLS\nDomain: Payments, KYC/AML, Fraud detection\n"));
        assert!(!text.contains('\t'));
    }
}
