//! Dates from other resume formats ("2013-12-01", "2013-12", "2013", "Mar 2021",
//! "03/2021") as the document writes them: "Dec 2013", "Present" for an open end.

use crate::document::qa::MONTHS;

/// Whether a year alone may stay one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Year {
    /// The document wants "MMM YYYY" (a job's dates, which qa.md checks): a year alone is
    /// its January, noted.
    Month,
    /// A year alone stays one (education, an award).
    Kept,
}

/// `text` as the document writes it ("Dec 2013"), and what to note when that changed it:
/// a year alone made a month, or a text that is no date this reads (kept as written).
/// An empty text stays empty.
pub fn to_document(text: &str, year: Year) -> (String, Option<String>) {
    let text = text.trim();
    if text.is_empty() {
        return (String::new(), None);
    }
    match parse(text) {
        Some(date) if date.month.is_none() && year == Year::Kept => (date.year.to_string(), None),
        Some(date) if date.month.is_none() => (
            date.document(),
            Some(format!(
                "\"{text}\" has no month: written as {}",
                date.document()
            )),
        ),
        Some(date) => (date.document(), None),
        None => (
            text.to_string(),
            Some(format!(
                "\"{text}\" is not a date this reads; kept as written"
            )),
        ),
    }
}

/// A date read: its year, and its month when the input had one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    /// 1 to 12.
    pub month: Option<u32>,
}

impl Date {
    /// As the document writes it: "Dec 2013"; a year alone as January of it (the document
    /// has no year-only form: the caller notes it).
    pub fn document(self) -> String {
        let month = self.month.unwrap_or(1);
        format!("{} {}", MONTHS[month as usize - 1], self.year)
    }

    /// The order of dates, a year alone counted as its January.
    pub fn key(self) -> (i32, u32) {
        (self.year, self.month.unwrap_or(1))
    }
}

/// Reads "2013-12-01", "2013-12", "2013", "Mar 2021", "March 2021", "03/2021" and
/// "Mar 1, 2021"; None for anything else (an empty text included).
pub fn parse(text: &str) -> Option<Date> {
    let text = text.trim();
    let year = |text: &str| {
        text.trim()
            .parse::<i32>()
            .ok()
            .filter(|year| (1000..=2999).contains(year) && text.trim().len() == 4)
    };
    let month_number = |text: &str| {
        text.parse::<u32>()
            .ok()
            .filter(|month| (1..=12).contains(month))
    };
    if let Some(year) = year(text) {
        return Some(Date { year, month: None });
    }
    // ISO: 2013-12 or 2013-12-01.
    let mut parts = text.split('-');
    if let (Some(first), Some(second)) = (parts.next(), parts.next())
        && let (Some(year), Some(month)) = (year(first), month_number(second))
    {
        let day_ok = match parts.next() {
            None => true,
            Some(day) => day.parse::<u32>().is_ok_and(|day| (1..=31).contains(&day)),
        };
        if day_ok && parts.next().is_none() {
            return Some(Date {
                year,
                month: Some(month),
            });
        }
        return None;
    }
    if let Some((month, rest)) = text.split_once('/') {
        return Some(Date {
            year: year(rest)?,
            month: Some(month_number(month)?),
        });
    }
    // "Mar 2021", "March 2021", "Mar 1, 2021".
    let (name, rest) = text.split_once(' ')?;
    let name = name.trim_end_matches('.').to_lowercase();
    let month = MONTHS
        .iter()
        .position(|known| name.len() >= 3 && name.starts_with(&known.to_lowercase()))?;
    let rest = rest.trim();
    let year_text = match rest.split_once(',') {
        Some((day, year)) if day.trim().parse::<u32>().is_ok() => year,
        Some(_) => return None,
        None => rest,
    };
    Some(Date {
        year: year(year_text)?,
        month: Some(month as u32 + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_to_the_month() {
        for (text, written) in [
            ("2013-12-01", "Dec 2013"),
            ("2013-12", "Dec 2013"),
            ("Mar 2021", "Mar 2021"),
            ("March 2021", "Mar 2021"),
            ("03/2021", "Mar 2021"),
            ("Sep 14, 2019", "Sep 2019"),
            ("2013", "Jan 2013"),
        ] {
            assert_eq!(
                parse(text).map(Date::document).as_deref(),
                Some(written),
                "{text}"
            );
        }
        assert_eq!(parse("2013").unwrap().month, None);
    }

    #[test]
    fn other_text_is_not_a_date() {
        for text in [
            "",
            "soon",
            "2013-13",
            "2013-12-40",
            "13/2021",
            "Smarch 2021",
            "20133",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
