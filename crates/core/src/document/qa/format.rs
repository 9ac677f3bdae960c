//! Format compliance (qa.md): eight checks of the dates, the order of the jobs, the
//! contact details, lengths, the sections and the plain text; each failure named by its
//! JSON path and why.

use serde_json::Value;

use crate::error::Problem;
use crate::model::qa::{Check, FormatCompliance};

/// The longest bullet that passes, in characters.
const MAX_BULLET_CHARS: usize = 220;

/// The sections whose heading the ATS text must show when the ui includes them.
const HEADINGS: [(&str, &str); 4] = [
    ("professional_summary", "SUMMARY"),
    ("work_experience", "EXPERIENCE"),
    ("education", "EDUCATION"),
    ("skills", "SKILLS"),
];

/// The English month abbreviations of the document's dates (`MMM YYYY`).
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn measure(document: &Value, resume_text: &str) -> FormatCompliance {
    let resume = &document["resume_json"];
    let jobs = super::items(&resume["experience"]);
    let job_path = |index: usize, key: &str| format!("/resume_json/experience/{index}/{key}");
    let mut checks = Vec::new();
    let mut check = |name: &'static str, failures: Vec<Problem>| {
        checks.push(Check {
            name,
            passed: failures.is_empty(),
            failures,
        });
    };

    // 1. dates
    let mut failures = Vec::new();
    for (index, job) in jobs.iter().enumerate() {
        for (key, present_allowed) in [("start_date", false), ("end_date", true)] {
            let text = job[key].as_str().unwrap_or_default();
            if month(text).is_none() && !(present_allowed && text == "Present") {
                let expected = if present_allowed {
                    "\"MMM YYYY\" or \"Present\""
                } else {
                    "\"MMM YYYY\""
                };
                failures.push(Problem::at(
                    job_path(index, key),
                    format!("{text:?} is not {expected}"),
                ));
            }
        }
    }
    check("dates", failures);

    // 2. chronology
    let mut failures = Vec::new();
    let mut previous_start: Option<(usize, u32)> = None;
    for (index, job) in jobs.iter().enumerate() {
        let start = month(job["start_date"].as_str().unwrap_or_default());
        let end = match job["end_date"].as_str().unwrap_or_default() {
            "Present" => Some(u32::MAX),
            text => month(text),
        };
        let (Some(start), Some(end)) = (start, end) else {
            failures.push(Problem::at(
                job_path(index, "start_date"),
                "a malformed date: no order",
            ));
            continue;
        };
        if end < start {
            failures.push(Problem::at(
                job_path(index, "end_date"),
                "ends before it starts",
            ));
        }
        if let Some((earlier, earlier_start)) = previous_start
            && start > earlier_start
        {
            failures.push(Problem::at(
                job_path(index, "start_date"),
                format!("starts after the job before it (/resume_json/experience/{earlier}): newest first"),
            ));
        }
        previous_start = Some((index, start));
    }
    check("chronology", failures);

    // 3. contact
    let mut failures = Vec::new();
    let email = resume["contact"]["email"].as_str().unwrap_or_default();
    if !email.contains('@') {
        failures.push(Problem::at("/resume_json/contact/email", "has no @"));
    }
    let phone = resume["contact"]["phone"].as_str().unwrap_or_default();
    if phone.chars().filter(char::is_ascii_digit).count() < 7 {
        failures.push(Problem::at(
            "/resume_json/contact/phone",
            "holds fewer than 7 digits",
        ));
    }
    check("contact", failures);

    // 4. summary length
    let mut failures = Vec::new();
    let hint = document["ui"]["professional_summary"]["char_limit_hint"]
        .as_f64()
        .unwrap_or(0.0);
    let summary = resume["summary"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .count();
    if hint > 0.0 && summary as f64 > hint {
        failures.push(Problem::at(
            "/resume_json/summary",
            format!("{summary} characters, over the char_limit_hint of {hint}"),
        ));
    }
    check("summary_length", failures);

    // 5. bullet length
    let mut failures = Vec::new();
    for bullet in super::bullets(document) {
        let length = bullet.text.chars().count();
        if length > MAX_BULLET_CHARS {
            failures.push(Problem::at(
                bullet.path(),
                format!("{length} characters, over {MAX_BULLET_CHARS}"),
            ));
        }
    }
    check("bullet_length", failures);

    // 6. sections
    let mut failures = Vec::new();
    for (section, heading) in HEADINGS {
        let included = document["ui"][section]["include"]
            .as_bool()
            .unwrap_or(false);
        let shown = resume_text
            .lines()
            .any(|line| line.trim().to_uppercase() == heading);
        if included && !shown {
            failures.push(Problem::at(
                "/tailored_resume_text/ats_plain_text",
                format!("no {heading} heading line, although ui.{section} is included"),
            ));
        }
    }
    check("sections", failures);

    // 7. plain text
    let mut failures = Vec::new();
    if resume_text.contains('\t') {
        failures.push(Problem::at(
            "/tailored_resume_text/ats_plain_text",
            "holds a tab",
        ));
    }
    if resume_text
        .chars()
        .any(|c| ('\u{2500}'..='\u{257f}').contains(&c))
    {
        failures.push(Problem::at(
            "/tailored_resume_text/ats_plain_text",
            "holds a box-drawing character (a table or a frame)",
        ));
    }
    check("plain_text", failures);

    // 8. contact in text
    let mut failures = Vec::new();
    if email.is_empty() || !resume_text.to_lowercase().contains(&email.to_lowercase()) {
        failures.push(Problem::at(
            "/tailored_resume_text/ats_plain_text",
            "does not show the contact email",
        ));
    }
    check("contact_in_text", failures);

    let passed = checks.iter().filter(|check| check.passed).count() as u32;
    FormatCompliance {
        value: super::round(100.0 * f64::from(passed) / checks.len() as f64),
        passed,
        checks,
    }
}

/// "Mar 2021" as a month count (year * 12 + month), or None when it is not "MMM YYYY"
/// with an English month and a year from 1900 to 2099.
pub(crate) fn month(text: &str) -> Option<u32> {
    let (name, year) = text.split_once(' ')?;
    let number = MONTHS.iter().position(|month| *month == name)? as u32;
    if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let year: u32 = year.parse().ok()?;
    (1900..=2099).contains(&year).then_some(year * 12 + number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::example;
    use serde_json::json;

    fn failing(document: &Value, text: &str) -> Vec<&'static str> {
        measure(document, text)
            .checks
            .into_iter()
            .filter(|check| !check.passed)
            .map(|check| check.name)
            .collect()
    }

    fn text(document: &Value) -> String {
        document["tailored_resume_text"]["ats_plain_text"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_example_passes_every_check() {
        let document = example();
        let measured = measure(&document, &text(&document));
        assert_eq!(
            (measured.value, measured.passed),
            (100, 8),
            "{:?}",
            measured.checks
        );
    }

    #[test]
    fn malformed_and_present_dates() {
        assert_eq!(month("Mar 2021"), Some(2021 * 12 + 2));
        for bad in [
            "March 2021",
            "mar 2021",
            "Mar 21",
            "Mar 1899",
            "Mar 2100",
            "Present",
            "",
        ] {
            assert_eq!(month(bad), None, "{bad}");
        }
        let mut document = example();
        document["resume_json"]["experience"][0]["start_date"] = json!("2021-03");
        assert_eq!(
            failing(&document, &text(&document)),
            vec!["dates", "chronology"]
        );
        let mut document = example();
        document["resume_json"]["experience"][1]["end_date"] = json!("Present");
        assert!(failing(&document, &text(&document)).is_empty());
        document["resume_json"]["experience"][0]["start_date"] = json!("Present");
        assert_eq!(
            failing(&document, &text(&document)),
            vec!["dates", "chronology"]
        );
    }

    #[test]
    fn jobs_are_newest_first_and_equal_starts_pass_in_any_order() {
        let mut document = example();
        let jobs = document["resume_json"]["experience"]
            .as_array_mut()
            .unwrap();
        jobs.swap(0, 1);
        assert_eq!(failing(&document, &text(&document)), vec!["chronology"]);
        let mut document = example();
        document["resume_json"]["experience"][1]["start_date"] = json!("Mar 2021");
        document["resume_json"]["experience"][1]["end_date"] = json!("Present");
        assert!(failing(&document, &text(&document)).is_empty());
        document["resume_json"]["experience"][0]["end_date"] = json!("Jan 2020");
        assert_eq!(failing(&document, &text(&document)), vec!["chronology"]);
    }

    #[test]
    fn a_hint_of_zero_lets_any_summary_pass() {
        let mut document = example();
        document["resume_json"]["summary"] = json!("x".repeat(500));
        assert_eq!(failing(&document, &text(&document)), vec!["summary_length"]);
        document["ui"]["professional_summary"]["char_limit_hint"] = json!(0);
        assert!(failing(&document, &text(&document)).is_empty());
    }

    #[test]
    fn tabs_and_box_drawing_fail_the_plain_text() {
        let document = example();
        let framed = format!("{}\n┌──┐", text(&document));
        assert_eq!(failing(&document, &framed), vec!["plain_text"]);
        let tabbed = text(&document).replace(' ', "\t");
        assert!(failing(&document, &tabbed).contains(&"plain_text"));
    }

    #[test]
    fn contact_sections_and_bullets() {
        let mut document = example();
        document["resume_json"]["contact"]["phone"] = json!("+49 30");
        document["resume_json"]["experience"][0]["bullets"][0] = json!("y".repeat(221));
        let without = text(&document).replace("EDUCATION", "Schooling");
        assert_eq!(
            failing(&document, &without),
            vec!["contact", "bullet_length", "sections"]
        );
        let measured = measure(&document, &without);
        assert_eq!(measured.value, 63);
    }
}
