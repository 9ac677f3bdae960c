//! A LinkedIn export's rows mapped into a `Draft`, column by column as LinkedIn names
//! them; a value in a column with no place in the document becomes a note.

use csv::StringRecord;

use super::{BULLET_MARKERS, Csv, POSITIONS, PROFILE};
use crate::error::Problem;
use crate::import::dates::{self, Year};
use crate::import::{Draft, Job, join_present};

/// A row, read by column name; what is read is marked, the rest noted at the end.
struct Row<'a> {
    csv: &'a Csv,
    line: u64,
    record: &'a StringRecord,
    used: Vec<usize>,
}

impl Row<'_> {
    fn get(&mut self, column: &str) -> String {
        let Some(index) = self
            .csv
            .headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(column))
        else {
            return String::new();
        };
        self.used.push(index);
        self.record
            .get(index)
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    fn at(&self, column: &str) -> String {
        format!("{}:{}: {column}", self.csv.name, self.line)
    }

    /// A note for each value in a column that was not read.
    fn unread(self, notes: &mut Vec<Problem>) {
        for (index, value) in self.record.iter().enumerate() {
            if self.used.contains(&index) || value.trim().is_empty() {
                continue;
            }
            let column = self
                .csv
                .headers
                .get(index)
                .map_or("(no header)", String::as_str);
            notes.push(Problem::at(
                self.at(column),
                "has no place in the document; left out",
            ));
        }
    }
}

#[derive(Default)]
pub(super) struct Mapper {
    pub(super) draft: Draft,
    pub(super) notes: Vec<Problem>,
    languages: Vec<String>,
    /// (start, job) until every position is read, then newest first.
    jobs: Vec<(Option<(i32, u32)>, Job)>,
    /// (address, primary, where) until the file is read.
    emails: Vec<(String, bool, String)>,
}

impl Mapper {
    pub(super) fn map(&mut self, csv: &Csv) {
        for (line, record) in &csv.rows {
            let mut row = Row {
                csv,
                line: *line,
                record,
                used: Vec::new(),
            };
            match csv.kind {
                PROFILE => self.profile(&mut row),
                POSITIONS => self.position(&mut row),
                "Education.csv" => self.education(&mut row),
                "Skills.csv" => {
                    let name = row.get("Name");
                    self.draft.add_skills("Skills", [name]);
                }
                "Email Addresses.csv" => self.email(&mut row),
                "PhoneNumbers.csv" | "Phone Numbers.csv" => self.phone(&mut row),
                "Certifications.csv" => {
                    let certification = (row.get("Name"), row.get("Authority"));
                    self.draft.certifications.push(certification);
                }
                "Languages.csv" => {
                    let (name, proficiency) = (row.get("Name"), row.get("Proficiency"));
                    self.languages.push(match proficiency.is_empty() {
                        true => name,
                        false => format!("{name} ({proficiency})"),
                    });
                }
                "Projects.csv" => {
                    let (title, description) = (row.get("Title"), row.get("Description"));
                    let label = if title.is_empty() {
                        "Project".into()
                    } else {
                        title
                    };
                    self.draft
                        .extras
                        .push((label, description.replace('\n', " ")));
                }
                _ => {}
            }
            row.unread(&mut self.notes);
        }
        if csv.kind == POSITIONS {
            // LinkedIn's order is not the resume's: newest first, undated last.
            let mut jobs = std::mem::take(&mut self.jobs);
            jobs.sort_by_key(|(start, _)| (start.is_none(), std::cmp::Reverse(*start)));
            self.draft.jobs = jobs.into_iter().map(|(_, job)| job).collect();
        }
        if csv.kind == "Email Addresses.csv" {
            self.choose_email();
        }
        if csv.kind == "Languages.csv" && !self.languages.is_empty() {
            let languages = std::mem::take(&mut self.languages).join(", ");
            self.draft.extras.push(("Languages".into(), languages));
        }
    }

    fn profile(&mut self, row: &mut Row) {
        if !self.draft.name.is_empty() {
            return;
        }
        let (first, last) = (row.get("First Name"), row.get("Last Name"));
        self.draft.name = join_present(&[&first, &last], " ");
        self.draft.first_name = Some(first);
        self.draft.last_name = Some(last);
        self.draft.headline = row.get("Headline");
        self.draft.summary = row.get("Summary");
        self.draft.location = row.get("Geo Location");
        let websites = row.get("Websites");
        for url in websites_of(&websites) {
            if self.draft.url.is_empty() {
                self.draft.url = url;
            } else {
                self.draft.extras.push(("Website".into(), url));
            }
        }
        let twitter = row.get("Twitter Handles");
        let handles = twitter.trim_matches(['[', ']']).trim();
        if !handles.is_empty() {
            self.draft
                .extras
                .push(("Twitter".into(), handles.to_string()));
        }
    }

    fn position(&mut self, row: &mut Row) {
        let start = self.date(row, "Started On", Year::Month);
        let mut end = self.date(row, "Finished On", Year::Month);
        if end.is_empty() && !start.is_empty() {
            end = "Present".into();
        }
        let bullets = row
            .get("Description")
            .lines()
            .map(|line| {
                // One list marker and its space: "-40% latency" keeps its minus.
                let line = line.trim();
                let unmarked = BULLET_MARKERS.iter().find_map(|marker| {
                    line.strip_prefix(marker)
                        .filter(|rest| rest.starts_with(char::is_whitespace))
                });
                unmarked.unwrap_or(line).trim().to_string()
            })
            .filter(|line| !line.is_empty())
            .collect();
        let key = dates::parse(&start).map(dates::Date::key);
        self.jobs.push((
            key,
            Job {
                company: row.get("Company Name"),
                title: row.get("Title"),
                location: row.get("Location"),
                start,
                end,
                bullets,
            },
        ));
    }

    fn education(&mut self, row: &mut Row) {
        let start = self.date(row, "Start Date", Year::Kept);
        let end = self.date(row, "End Date", Year::Kept);
        let notes = join_present(
            &[
                &join_present(&[&start, &end], " – "),
                &row.get("Notes").replace('\n', " "),
                &row.get("Activities").replace('\n', " "),
            ],
            "; ",
        );
        self.draft.education.push(serde_json::json!({
            "degree": row.get("Degree Name"),
            "institution": row.get("School Name"),
            "notes": notes,
            "start_date": start,
            "end_date": end,
        }));
    }

    fn email(&mut self, row: &mut Row) {
        let address = row.get("Email Address");
        let primary = row.get("Primary").eq_ignore_ascii_case("yes");
        // Said by the file, not the person: no note.
        row.get("Confirmed");
        row.get("Updated On");
        if !address.is_empty() {
            self.emails
                .push((address, primary, row.at("Email Address")));
        }
    }

    /// The primary address wins (else the first); the others are noted.
    fn choose_email(&mut self) {
        let emails = std::mem::take(&mut self.emails);
        let primary = emails.iter().position(|(_, primary, _)| *primary);
        let primary_marked = primary.is_some();
        let chosen = primary.unwrap_or(0);
        for (index, (address, _, at)) in emails.into_iter().enumerate() {
            if index == chosen && self.draft.email.is_empty() {
                self.draft.email = address;
            } else {
                self.notes.push(Problem::at(
                    at,
                    match primary_marked {
                        true => format!("{address}: not the primary address; left out"),
                        false => format!(
                            "{address}: no address is marked primary, and the first is kept; \
                             left out"
                        ),
                    },
                ));
            }
        }
    }

    fn phone(&mut self, row: &mut Row) {
        let number = row.get("Number");
        let extension = row.get("Extension");
        row.get("Type");
        let phone = match extension.is_empty() {
            true => number,
            false => format!("{number} ext. {extension}"),
        };
        if self.draft.phone.is_empty() {
            self.draft.phone = phone;
        } else if !number_is_empty(&phone) {
            self.notes.push(Problem::at(
                row.at("Number"),
                format!("{phone}: one phone number is kept, the first; left out"),
            ));
        }
    }

    /// The date in `column` as the document writes it (`dates::to_document`), noted
    /// where that changed it.
    fn date(&mut self, row: &mut Row, column: &str, year: Year) -> String {
        let (date, note) = dates::to_document(&row.get(column), year);
        if let Some(note) = note {
            self.notes.push(Problem::at(row.at(column), note));
        }
        date
    }
}

fn number_is_empty(phone: &str) -> bool {
    !phone.chars().any(|c| c.is_ascii_digit())
}

/// The addresses in LinkedIn's "Websites" column: "[PORTFOLIO:https://a.example,
/// OTHER:https://b.example]", or plain addresses.
fn websites_of(text: &str) -> Vec<String> {
    text.trim_matches(['[', ']'])
        .split(',')
        .map(|part| {
            let part = part.trim();
            match part.split_once(':') {
                Some((kind, rest))
                    if !kind.is_empty()
                        && kind.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                        && !rest.starts_with("//") =>
                {
                    rest.trim().to_string()
                }
                _ => part.to_string(),
            }
        })
        .filter(|url| !url.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::linkedin::{Csv, POSITIONS};

    #[test]
    fn websites_lose_their_kind() {
        assert_eq!(
            websites_of("[PORTFOLIO:https://a.example,COMPANY:https://b.example]"),
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(websites_of("https://c.example"), ["https://c.example"]);
        assert!(websites_of("").is_empty());
    }

    #[test]
    fn quoting_a_bom_and_lines_inside_a_value_are_read() {
        let csv = Csv::parse(
            POSITIONS,
            "Positions.csv",
            b"\xEF\xBB\xBFCompany Name,Title,Description,Location,Started On,Finished On\n\
              \"Acme, Inc.\",Engineer,\"- Built \"\"X\"\"\n- Ran Y\",Berlin,Mar 2021,\n",
        )
        .unwrap();
        let mut mapper = Mapper::default();
        mapper.map(&csv);
        let job = &mapper.draft.jobs[0];
        assert_eq!(job.company, "Acme, Inc.");
        assert_eq!(job.bullets, ["Built \"X\"", "Ran Y"]);
        assert_eq!(
            (job.start.as_str(), job.end.as_str()),
            ("Mar 2021", "Present")
        );
        assert!(mapper.notes.is_empty(), "{:?}", mapper.notes);
    }
}
