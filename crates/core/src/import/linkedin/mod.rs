//! A LinkedIn data export ("Get a copy of your data": a ZIP of CSV files) as a `Draft`.
//! Columns are found by the names in each file's header row, as LinkedIn writes them;
//! a value in a column with no place in the document becomes a note.

use std::io::{Cursor, Read};

use anyhow::Result;
use csv::StringRecord;

mod mapper;

use mapper::Mapper;

use super::Draft;
use crate::error::{self, CliError, ErrorKind, Hint, Problem};
use crate::input::human_size;

/// The list markers a description's line may start with (then a space), dropped.
const BULLET_MARKERS: [&str; 6] = ["-", "*", "•", "–", "·", "▪"];

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
    let too_large = |what: String| {
        anyhow::Error::from(
            CliError::new(
                ErrorKind::InvalidInput,
                format!(
                    "{label}: {what}, past the input limit of {}",
                    human_size(max_size)
                ),
            )
            .with_hint(Hint::InputLimit),
        )
    };
    if declared > max_size {
        return Err(too_large(format!("its files unpack to {declared} bytes")));
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
            .take(max_size.saturating_sub(unpacked).saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|io| refuse(format!("{name} cannot be unpacked: {io}")))?;
        unpacked += bytes.len() as u64;
        if unpacked > max_size {
            // The archive said less than this: it lied about its sizes.
            return Err(too_large(format!(
                "{name} unpacks to more than the archive said"
            )));
        }
        files.push(Csv::parse(wanted, &name, &bytes).map_err(|csv| refuse(csv.to_string()))?);
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
pub(super) struct Csv {
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
            let why = match csv.kind() {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
                _ => csv.to_string(),
            };
            anyhow::anyhow!("{name}{line}: not a readable CSV file ({why})")
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
