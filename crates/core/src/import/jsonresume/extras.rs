//! The parts of a JSON Resume the document has no section for (languages, projects,
//! awards, volunteering, interests), each made an extra: "label: value".

use super::{Reader, Year};
use crate::import::{Draft, join_present};

impl Reader<'_> {
    /// Languages, projects, awards, volunteering and interests: the document has no
    /// section of theirs, so each is an extra ("label: value").
    pub(super) fn extras(&mut self, draft: &mut Draft) {
        let mut languages = Vec::new();
        for index in 0..self.count("/languages") {
            let at = format!("/languages/{index}");
            let language = self.text(&format!("{at}/language"));
            let fluency = self.text(&format!("{at}/fluency"));
            languages.push(match fluency.is_empty() {
                true => language,
                false => format!("{language} ({fluency})"),
            });
        }
        if !languages.is_empty() {
            draft
                .extras
                .push(("Languages".into(), languages.join(", ")));
        }
        for index in 0..self.count("/projects") {
            let at = format!("/projects/{index}");
            let name = self.text(&format!("{at}/name"));
            let mut parts = vec![self.text(&format!("{at}/description"))];
            parts.extend(self.strings(&format!("{at}/highlights")));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let label = if name.is_empty() { "Project" } else { &name };
            draft
                .extras
                .push((label.to_string(), join_present(&parts, "; ")));
        }
        for index in 0..self.count("/awards") {
            let at = format!("/awards/{index}");
            let title = self.text(&format!("{at}/title"));
            let awarder = self.text(&format!("{at}/awarder"));
            let date = self.date(&format!("{at}/date"), Year::Kept);
            let summary = self.text(&format!("{at}/summary"));
            let award = join_present(&[&title, &awarder, &date], ", ");
            draft
                .extras
                .push(("Award".into(), join_present(&[&award, &summary], ": ")));
        }
        for index in 0..self.count("/volunteer") {
            let at = format!("/volunteer/{index}");
            let role = join_present(
                &[
                    &self.text(&format!("{at}/position")),
                    &self.text(&format!("{at}/organization")),
                ],
                ", ",
            );
            let (_, _, shown) = self.span(&at, "Present", Year::Kept);
            let mut parts = vec![self.text(&format!("{at}/summary"))];
            parts.extend(self.strings(&format!("{at}/highlights")));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let head = match shown.is_empty() {
                true => role,
                false => format!("{role} ({shown})"),
            };
            draft.extras.push((
                "Volunteer".into(),
                join_present(&[&head, &join_present(&parts, "; ")], ": "),
            ));
        }
        for index in 0..self.count("/interests") {
            let at = format!("/interests/{index}");
            let name = self.text(&format!("{at}/name"));
            let keywords = self.strings(&format!("{at}/keywords")).join(", ");
            let label = if name.is_empty() { "Interests" } else { &name };
            draft.extras.push((label.to_string(), keywords));
        }
        draft
            .extras
            .retain(|(label, value)| !label.is_empty() || !value.is_empty());
    }
}
