//! The resume as one self-contained HTML page: inline style, no script, no external
//! resource (a Content-Security-Policy forbids loading any), every text escaped by maud.
//! It follows the PDF theme's colours and kind of type, and the design options, where a
//! page can: the fonts are the reader's own (nothing is loaded), named first when they
//! are the ones the PDF embeds.

use maud::{DOCTYPE, Markup, html};

use crate::export::layout::Resume;
use crate::export::locale::Locale;
use crate::export::pdf::Paper;
use crate::export::pdf::design::Design;
use crate::export::pdf::themes::{self, Theme};

/// The page's style for `theme` (None: the default) with `design` over it; printed on
/// `paper`.
pub fn style(theme: Option<&Theme>, design: &Design, paper: Paper) -> String {
    let look = theme.unwrap_or(themes::DEFAULT).html;
    let accent = design.accent.as_deref().or(look.accent);
    let sans = match design.font.as_deref() {
        Some(font) => font == "DejaVu Sans",
        None => look.sans,
    };
    let family = if sans {
        "'DejaVu Sans',Verdana,Arial,sans-serif"
    } else {
        "'Libertinus Serif',Georgia,'Times New Roman',serif"
    };
    let spacing = if look.compact { 1.3 } else { 1.45 } * design.line_spacing.unwrap_or(1.0);
    let size = design
        .font_size
        .map(|points| format!("font-size:{points}pt;"))
        .unwrap_or_default();
    let gap = if look.compact { ".9rem" } else { "1.6rem" };
    let rule = accent.unwrap_or("#999");
    let heading = accent
        .map(|accent| format!("color:{accent};"))
        .unwrap_or_default();
    let mut css = format!(
        "body{{font-family:{family};{size}max-width:46rem;margin:2rem auto;padding:0 1rem;\
         color:#222;line-height:{spacing}}}\
         h1{{margin-bottom:.2rem;{heading}}}h2{{border-bottom:1px solid {rule};\
         margin-top:{gap};font-size:1.15rem;text-transform:uppercase;letter-spacing:.05em;\
         {heading}}}h3{{margin:.9rem 0 .1rem;font-size:1rem}}.contact,.meta{{color:#555}}\
         .headline{{font-weight:bold}}ul{{margin-top:.3rem}}"
    );
    if look.band {
        let band = accent.unwrap_or("#23395d");
        css.push_str(&format!(
            "header{{background:{band};color:#fff;padding:1rem 1.2rem;border-radius:2px}}\
             header h1{{color:#fff;margin-top:0}}header .contact{{color:#e6e6e6}}"
        ));
    }
    let page = match paper {
        Paper::A4 => "A4",
        Paper::Letter => "letter",
    };
    let margin = design.margin.unwrap_or(18.0);
    css.push_str(&format!(
        "@media print{{@page{{size:{page};margin:{margin}mm}}body{{margin:0;max-width:none}}}}"
    ));
    css
}

/// The page, its headings in `words`' language (and so its `lang`).
pub fn render(resume: &Resume, style: &str, words: &Locale) -> String {
    page(resume, style, words).into_string()
}

fn page(resume: &Resume, style: &str, words: &Locale) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(words.tag) {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (resume.name) }
                style { (maud::PreEscaped(style)) }
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
                    section { h2 { (words.summary) } p { (summary) } }
                }
                @if !resume.experience.is_empty() {
                    section {
                        h2 { (words.experience) }
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
                        h2 { (words.skills) }
                        ul { @for skill in &resume.skills {
                            li { strong { (skill.group) ": " } (skill.items.join(", ")) }
                        } }
                    }
                }
                @if !resume.education.is_empty() {
                    section {
                        h2 { (words.education) }
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
                        h2 { (words.certifications) }
                        ul { @for item in &resume.certifications {
                            li { (item.name) ", " (item.issuer) }
                        } }
                    }
                }
                @if !resume.extras.is_empty() {
                    section {
                        h2 { (words.extras) }
                        ul { @for extra in &resume.extras {
                            li { strong { (extra.label) ": " } (extra.value) }
                        } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_follows_the_theme_and_the_design_over_it() {
        let default = style(None, &Design::default(), Paper::A4);
        assert!(
            default.contains("font-family:'Libertinus Serif'"),
            "{default}"
        );
        assert!(!default.contains("header{"), "{default}");
        let modern = style(themes::find("modern"), &Design::default(), Paper::Letter);
        assert!(modern.contains("font-family:'DejaVu Sans'"), "{modern}");
        assert!(
            modern.contains("h2{border-bottom:1px solid #0b6e8a"),
            "{modern}"
        );
        assert!(modern.contains("size:letter"), "{modern}");
        let mut design = Design::default();
        design.set("accent", "#8a1c7c").unwrap();
        design.set("font", "Libertinus Serif").unwrap();
        design.set("font-size", "11").unwrap();
        let banner = style(themes::find("banner"), &design, Paper::A4);
        assert!(banner.contains("header{background:#8a1c7c"), "{banner}");
        assert!(banner.contains("font-size:11pt"), "{banner}");
        let modern = style(themes::find("modern"), &design, Paper::A4);
        assert!(
            modern.contains("font-family:'Libertinus Serif'"),
            "{modern}"
        );
    }
}
