//! A LinkedIn data export ("Get a copy of your data": a ZIP of CSV files) as a `Draft`.
//! Columns are found by the names in each file's header row, as LinkedIn writes them;
//! a value in a column with no place in the document becomes a note.

use std::io::{Cursor, Read};

use anyhow::Result;
use csv::StringRecord;

use super::{Draft, Job, dates, join_present};
use crate::error::{self, CliError, ErrorKind, Hint, Problem};
use crate::input::human_size;

/// The files read, as LinkedIn names them; the first two must be there.
const PROFILE: &str = "Profile.csv";
const POSITIONS: &str = "Positions.csv";
const OPTIONAL: [&str; 8] = [
    "Education.csv",
    "Skills.csv",
    "Email Addresses.csv",
    "PhoneNumbers.csv",
    "Phone Numbers.csv",
    "Certifications.csv",
    "Languages.csv",
    "Projects.csv",
];

/// Reads the archive `bytes`, refusing one whose files would unpack past `max_size`.
pub fn read(bytes: &[u8], label: &str, max_size: u64) -> Result<(Draft, Vec<Problem>)> {
    let refuse = |message: String| error::invalid(format!("{label}: {message}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|zip| {
        refuse(format!(
            "not a readable ZIP archive ({zip}); a LinkedIn data export is the ZIP LinkedIn \
             sends"
        ))
    })?;
    // What the archive says its files unpack to: a few kilobytes that claim gigabytes are
    // refused before anything is unpacked (and what is unpacked is held to it too).
    let declared: u64 = (0..archive.len())
        .filter_map(|index| archive.by_index_raw(index).ok().map(|file| file.size()))
        .fold(0u64, u64::saturating_add);
    let too_large = |size: u64| {
        anyhow::Error::from(
            CliError::new(
                ErrorKind::InvalidInput,
                format!(
                    "{label}: its files unpack to {size} bytes, past the input limit of {}",
                    human_size(max_size)
                ),
            )
            .with_hint(Hint::InputLimit),
        )
    };
    if declared > max_size {
        return Err(too_large(declared));
    }
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let find = |wanted: &str| {
        names
            .iter()
            .find(|name| {
                let base = name.rsplit('/').next().unwrap_or(name);
                base.eq_ignore_ascii_case(wanted)
            })
            .cloned()
    };
    let (Some(profile), Some(positions)) = (find(PROFILE), find(POSITIONS)) else {
        let missing: Vec<&str> = [PROFILE, POSITIONS]
            .into_iter()
            .filter(|name| find(name).is_none())
            .collect();
        return Err(refuse(format!(
            "not a LinkedIn data export: no {} in it",
            missing.join(" or ")
        )));
    };
    let mut unpacked = 0u64;
    let mut files = Vec::new();
    for (wanted, name) in [(PROFILE, Some(profile)), (POSITIONS, Some(positions))]
        .into_iter()
        .chain(OPTIONAL.iter().map(|wanted| (*wanted, find(wanted))))
    {
        let Some(name) = name else { continue };
        let mut file = archive
            .by_name(&name)
            .map_err(|zip| refuse(format!("{name}: {zip}")))?;
        let mut bytes = Vec::new();
        (&mut file)
            .take(max_size - unpacked + 1)
            .read_to_end(&mut bytes)
            .map_err(|io| refuse(format!("{name} cannot be unpacked: {io}")))?;
        unpacked += bytes.len() as u64;
        if unpacked > max_size {
            return Err(too_large(unpacked));
        }
        files.push(Csv::parse(wanted, &name, &bytes)?);
    }
    let read: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    let unread: Vec<&str> = names
        .iter()
        .filter(|name| !name.ends_with('/') && !read.contains(&name.as_str()))
        .map(String::as_str)
        .collect();
    let mut mapper = Mapper::default();
    for file in &files {
        mapper.map(file);
    }
    if !unread.is_empty() {
        mapper.notes.push(Problem::at(
            label,
            format!(
                "{} other file{} not read (no part of a resume): {}",
                unread.len(),
                if unread.len() == 1 { "" } else { "s" },
                unread.join(", ")
            ),
        ));
    }
    Ok((mapper.draft, mapper.notes))
}

/// One CSV file: its header row and its rows, each with the line it starts on.
struct Csv {
    /// As LinkedIn names it (`Positions.csv`), whatever its case or folder.
    kind: &'static str,
    /// Its name in the archive.
    name: String,
    headers: Vec<String>,
    rows: Vec<(u64, StringRecord)>,
}

impl Csv {
    fn parse(kind: &'static str, name: &str, bytes: &[u8]) -> Result<Csv> {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
        let bad = |csv: csv::Error| {
            let line = csv
                .position()
                .map(|position| format!(":{}", position.line()))
                .unwrap_or_default();
            error::invalid(format!("{name}{line}: not a readable CSV file ({csv})"))
        };
        let headers = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(|header| header.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(bad)?;
            let line = record.position().map_or(0, |position| position.line());
            rows.push((line, record));
        }
        Ok(Csv {
            kind,
            name: name.to_string(),
            headers,
            rows,
        })
    }
}

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
struct Mapper {
    draft: Draft,
    notes: Vec<Problem>,
    languages: Vec<String>,
    /// (start, job) until every position is read, then newest first.
    jobs: Vec<(Option<(i32, u32)>, Job)>,
    /// (address, primary, where) until the file is read.
    emails: Vec<(String, bool, String)>,
}

impl Mapper {
    fn map(&mut self, csv: &Csv) {
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
        let start = self.date(row, "Started On");
        let mut end = self.date(row, "Finished On");
        if end.is_empty() {
            end = "Present".into();
        }
        let bullets = row
            .get("Description")
            .lines()
            .map(|line| {
                line.trim()
                    .trim_start_matches(['-', '*', '•', '–', '·', '▪'])
                    .trim()
                    .to_string()
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
        let start = self.date(row, "Start Date");
        let end = self.date(row, "End Date");
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
        let chosen = emails
            .iter()
            .position(|(_, primary, _)| *primary)
            .unwrap_or(0);
        for (index, (address, _, at)) in emails.into_iter().enumerate() {
            if index == chosen && self.draft.email.is_empty() {
                self.draft.email = address;
            } else {
                self.notes.push(Problem::at(
                    at,
                    format!("{address}: not the primary address; left out"),
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

    /// The date in `column` as the document writes it; one it cannot read is kept as
    /// written, and noted.
    fn date(&mut self, row: &mut Row, column: &str) -> String {
        let text = row.get(column);
        if text.is_empty() {
            return text;
        }
        match dates::parse(&text) {
            Some(date) if date.month.is_some() => date.document(),
            // Education often has a year alone: the document's form needs a month.
            Some(date) if column.contains("Date") => date.year.to_string(),
            Some(date) => {
                self.notes.push(Problem::at(
                    row.at(column),
                    format!("\"{text}\" has no month: written as {}", date.document()),
                ));
                date.document()
            }
            None => {
                self.notes.push(Problem::at(
                    row.at(column),
                    format!("\"{text}\" is not a date this reads; kept as written"),
                ));
                text
            }
        }
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
