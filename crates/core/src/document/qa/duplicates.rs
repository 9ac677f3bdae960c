//! Duplicates (qa.md): bullets whose normal form (lower case, every run of characters
//! that are neither letters nor digits one space) equals an earlier bullet's; bullets
//! that are nearly alike (word-set Jaccard >= 0.8) are warned about, not counted.

use std::collections::HashMap;

use super::{Item, similarity};
use crate::model::qa::{Duplicate, Duplicates, NearDuplicate};

/// How many duplicates, and how many near-duplicate pairs, the evidence lists: 5,000
/// alike bullets make 12.5 million pairs, which no one reads (their totals are given).
const EVIDENCE: usize = 100;

/// `bullets`: in document order.
pub fn measure(bullets: &[Item]) -> Duplicates {
    let forms: Vec<String> = bullets
        .iter()
        .map(|bullet| normal_form(bullet.text))
        .collect();
    let first = first_occurrences(&forms);
    let mut value = 0u32;
    let mut duplicates = Vec::new();
    for (index, bullet) in bullets.iter().enumerate() {
        if first[index] == index {
            continue;
        }
        value += 1;
        if duplicates.len() < EVIDENCE {
            duplicates.push(Duplicate {
                path: bullet.path(),
                first: bullets[first[index]].path(),
                text: bullet.text.to_string(),
            });
        }
    }
    let near = similarity::near_pairs(&forms, &first, EVIDENCE);
    let near_duplicates = near
        .listed
        .into_iter()
        .map(|(later, earlier, similarity)| NearDuplicate {
            path: bullets[later].path(),
            similar_to: bullets[earlier].path(),
            similarity,
        })
        .collect();
    Duplicates {
        value,
        duplicates,
        near_duplicates,
        near_duplicates_total: near.total,
    }
}

/// For each bullet, the first bullet with the same normal form (itself when none is
/// earlier).
pub fn first_occurrences(forms: &[String]) -> Vec<usize> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(forms.len());
    forms
        .iter()
        .enumerate()
        .map(|(index, form)| *seen.entry(form.as_str()).or_insert(index))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let found = measure(&Item::bullets(&[
            "Built X.",
            "built x",
            "Other",
            "BUILT  X!",
        ]));
        assert_eq!(found.value, 2);
        assert_eq!(
            found.duplicates[0].path,
            "/resume_json/experience/0/bullets/1"
        );
        assert_eq!(
            found.duplicates[0].first,
            "/resume_json/experience/0/bullets/0"
        );
        assert_eq!(
            found.duplicates[1].first,
            "/resume_json/experience/0/bullets/0"
        );
    }

    #[test]
    fn near_duplicates_are_warned_about_not_counted() {
        let found = measure(&Item::bullets(&[
            "led the migration of the data model to postgresql",
            "led the migration of the data model to postgresql fast",
        ]));
        assert_eq!(found.value, 0);
        assert_eq!(found.near_duplicates.len(), 1);
        assert!(found.near_duplicates[0].similarity >= 0.8);
    }
}
