//! Keyword coverage (qa.md): the job's terms found in the ATS text, each as a whole
//! phrase between word boundaries, its inner whitespace matching any whitespace.

use serde_json::Value;

use crate::model::qa::Coverage;

/// The lists of `analysis` whose strings are the terms (nice-to-have skills do not count).
const TERM_LISTS: [&str; 5] = [
    "must_have_skills",
    "screening_keywords",
    "tooling",
    "domain_keywords",
    "compliance_or_regulatory",
];

pub fn measure(document: &Value, resume_text: &str) -> Coverage {
    let text = resume_text.to_lowercase();
    let mut seen = Vec::new();
    let (mut found, mut missing) = (Vec::new(), Vec::new());
    for list in TERM_LISTS {
        for term in super::strings(&document["analysis"][list]) {
            let term = term.trim();
            let key = term.to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            if occurs(&text, &key) {
                found.push(term.to_string());
            } else {
                missing.push(term.to_string());
            }
            seen.push(key);
        }
    }
    let terms = found.len() + missing.len();
    let value = match terms {
        0 => 100,
        _ => super::round(100.0 * found.len() as f64 / terms as f64),
    };
    Coverage {
        value,
        found,
        missing,
    }
}

/// A boundary: the text's start or end, or a character that is neither a letter nor a
/// digit.
fn is_boundary(character: Option<char>) -> bool {
    character.is_none_or(|character| !character.is_alphanumeric())
}

/// Whether `term` (lower case) occurs in `text` (lower case) between boundaries, any run
/// of whitespace inside the term matching any run of whitespace in the text.
fn occurs(text: &str, term: &str) -> bool {
    let words: Vec<&str> = term.split_whitespace().collect();
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    text.match_indices(first).any(|(start, _)| {
        if !is_boundary(text[..start].chars().next_back()) {
            return false;
        }
        let mut at = start + first.len();
        for word in rest {
            let gap = text[at..]
                .char_indices()
                .find(|(_, character)| !character.is_whitespace())
                .map_or(text.len() - at, |(index, _)| index);
            if gap == 0 || !text[at + gap..].starts_with(word) {
                return false;
            }
            at += gap + word.len();
        }
        is_boundary(text[at..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn coverage(terms: Value, text: &str) -> Coverage {
        measure(&json!({ "analysis": { "must_have_skills": terms } }), text)
    }

    #[test]
    fn a_term_is_found_between_word_boundaries_only() {
        assert!(occurs("postgresql and sql", "sql"));
        assert!(!occurs("postgresql", "sql"));
        assert!(!occurs("sqlite", "sql"));
        assert!(occurs("(sql)", "sql"));
        assert!(occurs("sql", "sql"));
        assert!(occurs("know c++ well", "c++"));
    }

    #[test]
    fn whitespace_inside_a_term_matches_any_whitespace() {
        assert!(occurs("ran a/b  testing daily", "a/b testing"));
        assert!(occurs("ran a/b\ntesting", "a/b testing"));
        assert!(!occurs("ran a/btesting", "a/b testing"));
        assert!(!occurs("a/b testings", "a/b testing"));
    }

    #[test]
    fn terms_are_trimmed_compared_without_case_and_counted_once() {
        let found = coverage(
            json!([" Python ", "python", "", "KYC", "Kafka"]),
            "PYTHON and kyc",
        );
        assert_eq!(found.found, vec!["Python", "KYC"]);
        assert_eq!(found.missing, vec!["Kafka"]);
        assert_eq!(found.value, 67);
    }

    #[test]
    fn no_terms_is_full_coverage() {
        assert_eq!(coverage(json!([]), "anything").value, 100);
        assert_eq!(measure(&json!({}), "").value, 100);
    }

    #[test]
    fn nice_to_have_skills_do_not_count() {
        let document = json!({"analysis": {"nice_to_have_skills": ["Rust"], "tooling": ["Go"]}});
        let found = measure(&document, "rust");
        assert_eq!((found.value, found.missing.len()), (0, 1));
    }
}
