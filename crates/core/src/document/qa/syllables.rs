//! Syllables, as qa.md counts them: a word's hyphenation points plus one, under the en-US
//! Knuth-Liang patterns that LibreOffice and Pyphen ship (`assets/hyphenation/`: TeX's
//! patterns and the TUGboat exception log, BSD-style licence), found the way Pyphen finds
//! them, so that the reference and resumectl count alike.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Pyphen's defaults: no break within 2 characters of either end.
const LEFT: usize = 2;
const RIGHT: usize = 2;

const DICTIONARY: &str = include_str!("../../../../../assets/hyphenation/hyph_en_US.dic");

struct Patterns {
    /// A pattern's letters -> (where its values start, the values).
    table: HashMap<String, (usize, Vec<u8>)>,
    /// The longest pattern, in characters.
    longest: usize,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let mut table = HashMap::new();
        // The first line names the encoding; directives have no digits to use.
        for line in DICTIONARY.lines().skip(1).map(str::trim) {
            if line.is_empty() || line.starts_with(['%', '#']) || line.contains("HYPHENMIN") {
                continue;
            }
            let (mut letters, mut values) = (String::new(), vec![0u8]);
            for character in line.chars() {
                match character.to_digit(10) {
                    Some(digit) => *values.last_mut().expect("one value a gap") = digit as u8,
                    None => {
                        letters.push(character);
                        values.push(0);
                    }
                }
            }
            let Some(start) = values.iter().position(|value| *value > 0) else {
                continue;
            };
            let end = values.iter().rposition(|value| *value > 0).unwrap_or(start) + 1;
            table.insert(letters, (start, values[start..end].to_vec()));
        }
        let longest = table
            .keys()
            .map(|key| key.chars().count())
            .max()
            .unwrap_or(1);
        Patterns { table, longest }
    })
}

/// Where `word` may be hyphenated (character positions), as Pyphen's `positions`.
fn positions(word: &str) -> Vec<usize> {
    let patterns = patterns();
    let dotted: Vec<char> = std::iter::once('.')
        .chain(word.to_lowercase().chars())
        .chain(std::iter::once('.'))
        .collect();
    let mut levels = vec![0u8; dotted.len() + 1];
    let mut key = String::new();
    for start in 0..dotted.len().saturating_sub(1) {
        key.clear();
        for end in start + 1..=(start + patterns.longest).min(dotted.len()) {
            key.push(dotted[end - 1]);
            if let Some((offset, values)) = patterns.table.get(key.as_str()) {
                for (index, value) in values.iter().enumerate() {
                    let level = &mut levels[start + offset + index];
                    *level = (*level).max(*value);
                }
            }
        }
    }
    let length = word.chars().count();
    levels
        .iter()
        .enumerate()
        .filter(|(_, level)| *level % 2 == 1)
        .map(|(index, _)| index - 1)
        .filter(|position| *position >= LEFT && *position + RIGHT <= length)
        .collect()
}

/// The syllables of `word`: its hyphenation points plus one. Remembered: the same words
/// come back in every document of a run.
pub fn count(word: &str) -> u64 {
    static SEEN: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Mutex::default);
    if let Some(known) = seen.lock().ok().and_then(|seen| seen.get(word).copied()) {
        return known;
    }
    let syllables = positions(word).len() as u64 + 1;
    if let Ok(mut seen) = seen.lock()
        && seen.len() < 100_000
    {
        seen.insert(word.to_string(), syllables);
    }
    syllables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_break_where_pyphen_breaks_them() {
        // Pyphen(lang="en_US").inserted(...) for each.
        assert_eq!(positions("pipeline"), vec![4]); // pipe-line
        assert_eq!(positions("processor"), vec![3, 6]); // pro-ces-sor
        assert_eq!(positions("user"), vec![2]); // us-er
        assert_eq!(positions("academic"), vec![3, 6]); // aca-dem-ic
        assert_eq!(positions("extensive"), vec![2, 5]); // ex-ten-sive
        assert_eq!(count("a"), 1);
        assert_eq!(count("data"), 2);
    }
}
