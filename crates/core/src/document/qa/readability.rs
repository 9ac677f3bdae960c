//! Readability (qa.md): Flesch Reading Ease of the prose (the summary, then each
//! bullet, each one sentence), syllables counted from the en-US Knuth-Liang hyphenation
//! patterns (as LibreOffice and Pyphen ship them: `syllables.rs`).

use super::Item;
use crate::model::qa::{Readability, Sentence};

/// How many of the longest sentences the evidence names.
const LONGEST: usize = 3;

/// `prose`: the summary and each bullet, in order.
pub fn measure(prose: &[Item]) -> Readability {
    let (mut words, mut sentences, mut syllables) = (0u64, 0u64, 0u64);
    // The longest so far, longest first, the earlier of two equally long ones first: only
    // these are kept (a copy of every sentence would double a large document).
    let mut longest: Vec<(u64, Item)> = Vec::with_capacity(LONGEST + 1);
    for item in prose {
        let counted: Vec<&str> = item.text.split_whitespace().filter_map(word).collect();
        if counted.is_empty() {
            continue;
        }
        sentences += 1;
        words += counted.len() as u64;
        syllables += counted
            .iter()
            .map(|word| super::syllables::count(word))
            .sum::<u64>();
        let length = counted.len() as u64;
        let place = longest.partition_point(|&(kept, _)| kept >= length);
        if place < LONGEST {
            longest.insert(place, (length, *item));
            longest.truncate(LONGEST);
        }
    }
    let score = if words == 0 {
        0.0
    } else {
        206.835
            - 1.015 * (words as f64 / sentences as f64)
            - 84.6 * (syllables as f64 / words as f64)
    };
    Readability {
        value: super::round(score.clamp(0.0, 100.0)),
        words,
        sentences,
        syllables,
        score: (score * 100.0).round() / 100.0,
        longest_sentences: longest
            .into_iter()
            .map(|(words, item)| Sentence {
                path: item.path(),
                words,
                text: item.text.to_string(),
            })
            .collect(),
    }
}

/// A token that holds at least one letter, with its leading and trailing punctuation
/// stripped; None for anything else ("—", "40").
fn word(token: &str) -> Option<&str> {
    if !token.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(token.trim_matches(|character: char| !character.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_sentences_are_named_longest_first_earlier_first() {
        let measured = measure(&Item::bullets(&[
            "a b", "a b c", "a", "c d e", "x y z w", "p q",
        ]));
        let named: Vec<(u64, &str)> = measured
            .longest_sentences
            .iter()
            .map(|sentence| (sentence.words, sentence.path.as_str()))
            .collect();
        assert_eq!(
            named,
            vec![
                (4, "/resume_json/experience/0/bullets/4"),
                (3, "/resume_json/experience/0/bullets/1"),
                (3, "/resume_json/experience/0/bullets/3"),
            ]
        );
    }

    #[test]
    fn words_hold_a_letter_and_lose_their_punctuation() {
        assert_eq!(word("(Python),"), Some("Python"));
        assert_eq!(word("40M"), Some("40M"));
        assert_eq!(word("40"), None);
        assert_eq!(word("—"), None);
    }

    #[test]
    fn each_item_is_one_sentence_and_the_score_is_flesch() {
        let measured = measure(&Item::bullets(&["The cat sat.", "", "A dog ran far away"]));
        assert_eq!((measured.words, measured.sentences), (8, 2));
        let expected = 206.835 - 1.015 * 4.0 - 84.6 * (measured.syllables as f64 / 8.0);
        assert_eq!(
            measured.value,
            super::super::round(expected.clamp(0.0, 100.0))
        );
        assert_eq!(
            measured.longest_sentences[0].path,
            "/resume_json/experience/0/bullets/2"
        );
    }

    #[test]
    fn no_prose_scores_zero_and_the_score_is_clamped() {
        assert_eq!(measure(&[]).value, 0);
        let hard = measure(&Item::bullets(&[&"incomprehensibilities ".repeat(60)]));
        assert_eq!(hard.value, 0);
        assert!(hard.score < 0.0);
    }
}
