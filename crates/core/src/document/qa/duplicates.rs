//! Duplicates (qa.md): bullets whose normal form (lower case, every run of characters
//! that are neither letters nor digits one space) equals an earlier bullet's; bullets
//! that are nearly alike (word-set Jaccard >= 0.8) are warned about, not counted.

use std::collections::BTreeSet;

use crate::model::qa::{Duplicate, Duplicates, NearDuplicate};

/// How alike two bullets' word sets must be to be named as near-duplicates.
const NEAR: f64 = 0.8;

/// `bullets`: (JSON pointer, text), in document order.
pub fn measure(bullets: &[(String, String)]) -> Duplicates {
    let forms: Vec<String> = bullets.iter().map(|(_, text)| normal_form(text)).collect();
    let words: Vec<BTreeSet<&str>> = forms
        .iter()
        .map(|form| form.split(' ').filter(|word| !word.is_empty()).collect())
        .collect();
    let mut duplicates = Vec::new();
    let mut near_duplicates = Vec::new();
    for (index, (path, text)) in bullets.iter().enumerate() {
        if let Some(first) = forms[..index].iter().position(|form| *form == forms[index]) {
            duplicates.push(Duplicate {
                path: path.clone(),
                first: bullets[first].0.clone(),
                text: text.clone(),
            });
            continue;
        }
        for earlier in 0..index {
            let similarity = jaccard(&words[earlier], &words[index]);
            if similarity >= NEAR && forms[earlier] != forms[index] {
                near_duplicates.push(NearDuplicate {
                    path: path.clone(),
                    similar_to: bullets[earlier].0.clone(),
                    similarity: (similarity * 100.0).round() / 100.0,
                });
            }
        }
    }
    Duplicates {
        value: duplicates.len() as u32,
        duplicates,
        near_duplicates,
    }
}

pub fn normal_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for character in text.chars() {
        if character.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(character.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bullets(items: &[&str]) -> Vec<(String, String)> {
        items
            .iter()
            .enumerate()
            .map(|(index, text)| (format!("/b/{index}"), text.to_string()))
            .collect()
    }

    #[test]
    fn the_normal_form_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            normal_form("  Built   the ETL -- pipeline!! "),
            "built the etl pipeline"
        );
        assert_eq!(normal_form("Ärger, naïve"), "ärger naïve");
    }

    #[test]
    fn a_repeated_bullet_counts_once_each_time_with_its_first_place() {
        let found = measure(&bullets(&["Built X.", "built x", "Other", "BUILT  X!"]));
        assert_eq!(found.value, 2);
        assert_eq!(found.duplicates[0].path, "/b/1");
        assert_eq!(found.duplicates[0].first, "/b/0");
        assert_eq!(found.duplicates[1].first, "/b/0");
    }

    #[test]
    fn near_duplicates_are_warned_about_not_counted() {
        let found = measure(&bullets(&[
            "led the migration of the data model to postgresql",
            "led the migration of the data model to postgresql fast",
        ]));
        assert_eq!(found.value, 0);
        assert_eq!(found.near_duplicates.len(), 1);
        assert!(found.near_duplicates[0].similarity >= 0.8);
    }
}
