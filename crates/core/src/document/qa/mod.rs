//! The quality figures of `qa_metrics`, measured from the document (shared/docs/qa.md is
//! the contract: other implementations must get the same numbers), and the claims of its
//! own `qa` section checked against them. Pure.

mod coverage;
mod duplicates;
mod format;
mod readability;
mod similarity;
mod syllables;

/// The document's own date form, for the importers and exporters that read or write it.
pub(crate) use format::{MONTHS, month as document_month};

use serde_json::{Value, json};

use crate::model::qa::{Claim, QaReport};

/// How far the document's claimed keyword coverage may be from the measured one.
const CLAIM_TOLERANCE: f64 = 10.0;

/// Measures `document` (a valid structured_output). `source` names it in the report.
pub fn measure(document: &Value, source: String) -> QaReport {
    let resume_text = document["tailored_resume_text"]["ats_plain_text"]
        .as_str()
        .unwrap_or_default();
    let bullets = bullets(document);
    let mut prose = Vec::with_capacity(bullets.len() + 1);
    if let Some(summary) = document["resume_json"]["summary"].as_str() {
        prose.push(Item::summary(summary));
    }
    prose.extend(bullets.iter().copied());
    let coverage = coverage::measure(document, resume_text);
    let format_compliance = format::measure(document, resume_text);
    let claims = claims(document, coverage.value, format_compliance.checks[0].passed);
    QaReport {
        id: None,
        source,
        coverage,
        readability: readability::measure(&prose),
        duplicates: duplicates::measure(&bullets),
        format_compliance,
        claims,
        shortfalls: Vec::new(),
        written_version: None,
        unchanged: None,
    }
}

impl QaReport {
    /// The four figures as `qa_metrics` keeps them.
    pub fn metrics(&self) -> Value {
        json!({
            "coverage": self.coverage.value,
            "readability": self.readability.value,
            "duplicates": self.duplicates.value,
            "format_compliance": self.format_compliance.value,
        })
    }
}

/// Where the document's `qa` section says otherwise than what was measured.
fn claims(document: &Value, coverage: u32, dates_pass: bool) -> Vec<Claim> {
    let mut claims = Vec::new();
    let claimed = &document["qa"]["scores"]["keyword_coverage_0_to_100"];
    if let Some(number) = claimed.as_f64()
        && (number - f64::from(coverage)).abs() > CLAIM_TOLERANCE
    {
        claims.push(Claim {
            path: "/qa/scores/keyword_coverage_0_to_100",
            claimed: claimed.clone(),
            measured: json!(coverage),
            why: format!(
                "differs from the measured coverage by more than {CLAIM_TOLERANCE} points"
            ),
        });
    }
    if document["qa"]["format_checks"]["date_format_consistent"] == json!(true) && !dates_pass {
        claims.push(Claim {
            path: "/qa/format_checks/date_format_consistent",
            claimed: json!(true),
            measured: json!(false),
            why: "the dates check fails (see format_compliance)".into(),
        });
    }
    claims
}

/// Half up, to an integer: `floor(x + 0.5)`.
fn round(value: f64) -> u32 {
    (value + 0.5).floor().max(0.0) as u32
}

fn items(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    items(value).iter().filter_map(Value::as_str)
}

/// The summary or a bullet: its text, borrowed from the document (a large document is
/// not copied for each figure), and where it stands, made into a JSON pointer only for
/// the few items the evidence names.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// (job, bullet) of `resume_json.experience`; None for the summary.
    bullet: Option<(usize, usize)>,
    pub text: &'a str,
}

impl<'a> Item<'a> {
    pub fn summary(text: &'a str) -> Item<'a> {
        Item { bullet: None, text }
    }

    pub fn bullet(job: usize, index: usize, text: &'a str) -> Item<'a> {
        Item {
            bullet: Some((job, index)),
            text,
        }
    }

    /// Bullets of one job, from plain texts (for the measures' tests).
    #[cfg(test)]
    pub fn bullets(texts: &[&'a str]) -> Vec<Item<'a>> {
        texts
            .iter()
            .enumerate()
            .map(|(index, text)| Item::bullet(0, index, text))
            .collect()
    }

    /// Its JSON pointer.
    pub fn path(&self) -> String {
        match self.bullet {
            None => "/resume_json/summary".to_string(),
            Some((job, index)) => format!("/resume_json/experience/{job}/bullets/{index}"),
        }
    }
}

/// Every bullet of `resume_json.experience`, in document order.
fn bullets(document: &Value) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (job, experience) in items(&document["resume_json"]["experience"])
        .iter()
        .enumerate()
    {
        for (index, bullet) in items(&experience["bullets"]).iter().enumerate() {
            if let Some(text) = bullet.as_str() {
                out.push(Item::bullet(job, index, text));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::example;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(round(62.5), 63);
        assert_eq!(round(62.4999), 62);
        assert_eq!(round(0.5), 1);
    }

    #[test]
    fn claims_that_disagree_are_named_with_both_values() {
        let mut document = example();
        document["qa"]["scores"]["keyword_coverage_0_to_100"] = json!(100);
        document["analysis"]["must_have_skills"] = json!(["Cobol", "Fortran"]);
        document["resume_json"]["experience"][0]["start_date"] = json!("2021");
        document["qa"]["format_checks"]["date_format_consistent"] = json!(true);
        let report = measure(&document, "doc".into());
        let paths: Vec<&str> = report.claims.iter().map(|claim| claim.path).collect();
        assert_eq!(
            paths,
            vec![
                "/qa/scores/keyword_coverage_0_to_100",
                "/qa/format_checks/date_format_consistent"
            ]
        );
        assert_eq!(report.claims[0].claimed, json!(100));
    }

    #[test]
    fn the_example_measures_as_its_metrics() {
        let report = measure(&example(), "example".into());
        let metrics = report.metrics();
        assert_eq!(metrics["format_compliance"], 100);
        assert_eq!(metrics["duplicates"], 0);
        assert!(metrics["coverage"].as_u64().unwrap() <= 100);
    }
}
