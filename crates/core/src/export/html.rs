//! The resume as one self-contained HTML page: inline style, no script, no external
//! resource (a Content-Security-Policy forbids loading any), every text escaped by maud.

use maud::{DOCTYPE, Markup, html};

use crate::export::layout::Resume;

const STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:46rem;\
    margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}\
    h1{margin-bottom:.2rem}h2{border-bottom:1px solid #999;margin-top:1.6rem;\
    font-size:1.15rem;text-transform:uppercase;letter-spacing:.05em}\
    h3{margin:.9rem 0 .1rem;font-size:1rem}.contact,.meta{color:#555}\
    .headline{font-weight:bold}ul{margin-top:.3rem}";

pub fn render(resume: &Resume) -> String {
    page(resume).into_string()
}

fn page(resume: &Resume) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (resume.name) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (resume.name) }
                    @if !resume.contact.is_empty() {
                        p.contact { (resume.contact.join(" | ")) }
                    }
                    @if let Some(headline) = &resume.headline {
                        p.headline { (headline) }
                    }
                }
                @if let Some(note) = &resume.cover_note {
                    section {
                        p { strong { (note.subject) } }
                        @for paragraph in note.body.split("\n\n") { p { (paragraph.trim()) } }
                    }
                }
                @if let Some(summary) = &resume.summary {
                    section { h2 { "Summary" } p { (summary) } }
                }
                @if !resume.experience.is_empty() {
                    section {
                        h2 { "Experience" }
                        @for job in &resume.experience {
                            h3 { (job.title) ", " (job.company) }
                            p.meta { (job.location) @if !job.location.is_empty() && !job.dates.is_empty() { " | " } (job.dates) }
                            @if !job.bullets.is_empty() {
                                ul { @for bullet in &job.bullets { li { (bullet) } } }
                            }
                        }
                    }
                }
                @if !resume.skills.is_empty() {
                    section {
                        h2 { "Skills" }
                        ul { @for skill in &resume.skills {
                            li { strong { (skill.group) ": " } (skill.items.join(", ")) }
                        } }
                    }
                }
                @if !resume.education.is_empty() {
                    section {
                        h2 { "Education" }
                        ul { @for item in &resume.education {
                            li {
                                strong { (item.degree) } ", " (item.institution)
                                @if !item.notes.is_empty() { " (" (item.notes) ")" }
                            }
                        } }
                    }
                }
                @if !resume.certifications.is_empty() {
                    section {
                        h2 { "Certifications" }
                        ul { @for item in &resume.certifications {
                            li { (item.name) ", " (item.issuer) }
                        } }
                    }
                }
                @if !resume.extras.is_empty() {
                    section {
                        h2 { "Additional information" }
                        ul { @for extra in &resume.extras {
                            li { strong { (extra.label) ": " } (extra.value) }
                        } }
                    }
                }
            }
        }
    }
}
