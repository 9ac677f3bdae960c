//! The similarity join against the naive all-pairs comparison it replaces: the same pairs,
//! the same figures, the same order, on random, similar and degenerate inputs.

use std::collections::BTreeSet;

use super::*;
use crate::document::qa::duplicates::{first_occurrences, normal_form};

/// The comparison qa used before the join: every bullet that is not a repeat against
/// every earlier bullet.
fn naive(forms: &[String], first: &[usize]) -> NearPairs {
    let words: Vec<BTreeSet<&str>> = forms
        .iter()
        .map(|form| form.split(' ').filter(|word| !word.is_empty()).collect())
        .collect();
    let mut found = NearPairs::default();
    for index in 0..forms.len() {
        if first[index] != index {
            continue;
        }
        for earlier in 0..index {
            let union = words[earlier].union(&words[index]).count();
            if union == 0 {
                continue;
            }
            let shared = words[earlier].intersection(&words[index]).count();
            let similarity = shared as f64 / union as f64;
            if similarity >= NEAR && forms[earlier] != forms[index] {
                found.total += 1;
                found
                    .listed
                    .push((index, earlier, (similarity * 100.0).round() / 100.0));
            }
        }
    }
    found
}

/// A seeded xorshift: the same inputs every run.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

/// Returns how many pairs there were, to show the inputs were not trivially pairless.
fn assert_same_as_naive(texts: &[String]) -> u64 {
    let forms: Vec<String> = texts.iter().map(|text| normal_form(text)).collect();
    let first = first_occurrences(&forms);
    let expected = naive(&forms, &first);
    let joined = near_pairs(&forms, &first, usize::MAX);
    assert_eq!(joined.total, expected.total);
    assert_eq!(joined.listed, expected.listed);
    // Capped: the first pairs in the same order, the same total.
    let capped = near_pairs(&forms, &first, 7);
    assert_eq!(capped.total, expected.total);
    let head: Vec<Pair> = expected.listed.iter().take(7).copied().collect();
    assert_eq!(capped.listed, head);
    expected.total
}

#[test]
fn the_join_finds_the_naive_pairs_on_random_bullets() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut pairs = 0;
    for round in 0..200 {
        // Small vocabularies make near-duplicates common; larger ones make them rare.
        let vocabulary = 3 + random.below(if round % 2 == 0 { 12 } else { 200 });
        let count = random.below(120);
        let texts: Vec<String> = (0..count)
            .map(|_| {
                let length = random.below(14);
                (0..length)
                    .map(|_| format!("w{}", random.below(vocabulary)))
                    .collect::<Vec<_>>()
                    .join(if random.below(3) == 0 { ", " } else { " " })
            })
            .collect();
        pairs += assert_same_as_naive(&texts);
    }
    assert!(pairs > 1000, "{pairs}");
}

#[test]
fn the_join_finds_the_naive_pairs_on_similar_bullets() {
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut pairs = 0;
    for _ in 0..50 {
        let base: Vec<String> = (0..5 + random.below(20))
            .map(|word| format!("base{word}"))
            .collect();
        let texts: Vec<String> = (0..random.below(150))
            .map(|_| {
                // A variant of one sentence: a few words dropped, changed, added,
                // repeated or moved; sometimes the sentence exactly, or in capitals.
                let mut words = base.clone();
                for _ in 0..random.below(4) {
                    let at = random.below(words.len());
                    match random.below(5) {
                        0 => {
                            words.remove(at);
                        }
                        1 => words[at] = format!("other{}", random.below(6)),
                        2 => words.push(format!("extra{}", random.below(6))),
                        3 => words.push(words[at].clone()),
                        _ => {
                            let other = random.below(words.len());
                            words.swap(at, other);
                        }
                    }
                }
                let text = words.join(" ");
                if random.below(4) == 0 {
                    text.to_uppercase()
                } else {
                    text
                }
            })
            .collect();
        pairs += assert_same_as_naive(&texts);
    }
    assert!(pairs > 10_000, "{pairs}");
}

#[test]
fn the_join_agrees_on_degenerate_bullets() {
    let texts: Vec<String> = [
        "",
        "",
        "!!",
        "a",
        "a",
        "A.",
        "a b",
        "b a",
        "a a b",
        "b",
        "a b c d e",
        "a b c d",
        "e d c b a",
        "a b c d e f",
        "",
        "a",
    ]
    .iter()
    .map(|text| text.to_string())
    .collect();
    assert!(assert_same_as_naive(&texts) > 0);
}

#[test]
fn mutually_similar_bullets_are_counted_not_all_listed() {
    // 300 bullets, each the same twenty words and one of its own: every pair is near.
    let texts: Vec<String> = (0..300)
        .map(|index| {
            format!(
                "{} own{index}",
                (0..20)
                    .map(|w| format!("w{w}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();
    let forms: Vec<String> = texts.iter().map(|text| normal_form(text)).collect();
    let first = first_occurrences(&forms);
    let found = near_pairs(&forms, &first, 100);
    assert_eq!(found.total, 300 * 299 / 2);
    assert_eq!(found.listed.len(), 100);
    assert_eq!(found.listed[0], (1, 0, 0.91));
}
