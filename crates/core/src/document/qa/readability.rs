//! Readability (qa.md): Flesch Reading Ease of the prose (the summary, then each
//! bullet, each one sentence), syllables counted from the en-US Knuth-Liang hyphenation
//! patterns (as LibreOffice and Pyphen ship them: `syllables.rs`).

use crate::model::qa::{Readability, Sentence};

/// How many of the longest sentences the evidence names.
const LONGEST: usize = 3;

/// `prose`: (JSON pointer, text) of the summary and each bullet, in order.
pub fn measure(prose: &[(String, String)]) -> Readability {
    let (mut words, mut sentences, mut syllables) = (0u64, 0u64, 0u64);
    let mut measured = Vec::new();
    for (path, text) in prose {
        let counted: Vec<&str> = text.split_whitespace().filter_map(word).collect();
        if counted.is_empty() {
            continue;
        }
        sentences += 1;
        words += counted.len() as u64;
        syllables += counted
            .iter()
            .map(|word| super::syllables::count(word))
            .sum::<u64>();
        measured.push(Sentence {
            path: path.clone(),
            words: counted.len() as u64,
            text: text.clone(),
        });
    }
    let score = if words == 0 {
        0.0
    } else {
        206.835
            - 1.015 * (words as f64 / sentences as f64)
            - 84.6 * (syllables as f64 / words as f64)
    };
    // Longest first; the earlier of two equally long ones first.
    measured.sort_by_key(|sentence| std::cmp::Reverse(sentence.words));
    measured.truncate(LONGEST);
    Readability {
        value: super::round(score.clamp(0.0, 100.0)),
        words,
        sentences,
        syllables,
        score: (score * 100.0).round() / 100.0,
        longest_sentences: measured,
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

    fn prose(items: &[&str]) -> Vec<(String, String)> {
        items
            .iter()
            .enumerate()
            .map(|(index, text)| (format!("/{index}"), text.to_string()))
            .collect()
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
        let measured = measure(&prose(&["The cat sat.", "", "A dog ran far away"]));
        assert_eq!((measured.words, measured.sentences), (8, 2));
        let expected = 206.835 - 1.015 * 4.0 - 84.6 * (measured.syllables as f64 / 8.0);
        assert_eq!(
            measured.value,
            super::super::round(expected.clamp(0.0, 100.0))
        );
        assert_eq!(measured.longest_sentences[0].path, "/2");
    }

    #[test]
    fn no_prose_scores_zero_and_the_score_is_clamped() {
        assert_eq!(measure(&[]).value, 0);
        let hard = measure(&prose(&[&"incomprehensibilities ".repeat(60)]));
        assert_eq!(hard.value, 0);
        assert!(hard.score < 0.0);
    }
}
