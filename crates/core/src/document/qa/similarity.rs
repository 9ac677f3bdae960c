//! The near-duplicate search of qa.md as an exact similarity join: every pair of bullets
//! whose word sets have a Jaccard similarity >= 0.8 is found (and counted), but only pairs
//! that share a token of their prefixes are ever compared (AllPairs, with PPJoin's
//! positional filter), so a document of dissimilar bullets costs about linear time.
//!
//! Exactness: with tokens ranked rarest first, two sets whose overlap is at least `o`
//! share a token among the first `|x| - o + 1` of each (the prefix lemma). Jaccard >= t
//! needs an overlap of at least `ceil(t * max(|x|, |y|))`, so the prefixes used here,
//! `|x| - ceil(t * |x|) + 1`, are long enough on both sides. The length and positional
//! filters only drop pairs that cannot reach `ceil(t / (1 + t) * (|x| + |y|))`, the
//! overlap Jaccard >= t means exactly. The final test is the same floating-point one as
//! the naive comparison, so both give the same pairs with the same figures.

use std::collections::HashMap;

/// How alike two bullets' word sets must be to be named as near-duplicates.
const NEAR: f64 = 0.8;

/// A candidate dropped by a filter for the rest of one probe.
const PRUNED: u32 = u32::MAX;

/// No bullet (the end of a set's list).
const NONE: u32 = u32::MAX;

/// One near-duplicate pair: the later bullet, the earlier one, their similarity
/// (rounded to two decimals).
pub type Pair = (usize, usize, f64);

/// Every near-duplicate pair counted, and the first `cap` of them (by later bullet, then
/// earlier bullet) listed.
#[derive(Debug, Default, PartialEq)]
pub struct NearPairs {
    pub total: u64,
    pub listed: Vec<Pair>,
}

/// `forms`: each bullet's normal form, in document order; `first[i]`: the first bullet
/// with the same form as bullet `i`. A bullet that repeats an earlier one is a duplicate
/// and is not paired as the later bullet (it may be the earlier one).
pub fn near_pairs(forms: &[String], first: &[usize], cap: usize) -> NearPairs {
    let (sets, set_of) = word_sets(forms, first);
    let mut join = Join::new(sets, forms.len(), cap);
    let mut found = NearPairs::default();
    for (index, &set) in set_of.iter().enumerate() {
        if first[index] == index {
            join.probe(index, set, &mut found);
        }
        join.add(index, set);
    }
    found
}

/// Word sets, in one flat vector (a vector each would cost more than its tokens): set
/// `id` is `tokens[start..start + length]` for `spans[id] = (start, length)`, sorted.
struct Sets {
    tokens: Vec<u32>,
    spans: Vec<(u32, u32)>,
}

impl Sets {
    fn get(&self, id: usize) -> &[u32] {
        let (start, length) = self.spans[id];
        &self.tokens[start as usize..(start + length) as usize]
    }
}

/// The word set of each distinct form, its tokens ranked rarest first (the global order
/// the prefix filter needs; any fixed order is exact, the rarest first compares least),
/// and each bullet's set, forms with the same word set sharing one.
fn word_sets(forms: &[String], first: &[usize]) -> (Sets, Vec<u32>) {
    let mut token_ids: HashMap<&str, u32> = HashMap::new();
    let mut sets = Sets {
        tokens: Vec::new(),
        spans: Vec::new(),
    };
    let mut set_of: Vec<u32> = Vec::with_capacity(forms.len());
    for (index, form) in forms.iter().enumerate() {
        if first[index] != index {
            set_of.push(set_of[first[index]]);
            continue;
        }
        let start = sets.tokens.len();
        let words = form.split(' ').filter(|word| !word.is_empty());
        sets.tokens.extend(words.map(|word| {
            let next = token_ids.len() as u32;
            *token_ids.entry(word).or_insert(next)
        }));
        set_of.push(sets.spans.len() as u32);
        sets.spans
            .push((start as u32, (sets.tokens.len() - start) as u32));
    }
    let mut frequency = vec![0u32; token_ids.len()];
    drop(token_ids);
    for &token in &sets.tokens {
        frequency[token as usize] += 1;
    }
    let mut order: Vec<u32> = (0..frequency.len() as u32).collect();
    order.sort_unstable_by_key(|&token| (frequency[token as usize], token));
    let mut rank = vec![0u32; order.len()];
    for (position, &token) in order.iter().enumerate() {
        rank[token as usize] = position as u32;
    }
    for token in &mut sets.tokens {
        *token = rank[*token as usize];
    }
    // Each form's words as a set: ranked, sorted, repeats dropped, packed in place.
    let mut kept = 0usize;
    for span in &mut sets.spans {
        let (start, length) = (span.0 as usize, span.1 as usize);
        let words = &mut sets.tokens[start..start + length];
        words.sort_unstable();
        let mut unique = 0;
        for at in 0..length {
            if unique == 0 || words[at] != words[unique - 1] {
                words[unique] = words[at];
                unique += 1;
            }
        }
        sets.tokens.copy_within(start..start + unique, kept);
        *span = (kept as u32, unique as u32);
        kept += unique;
    }
    sets.tokens.truncate(kept);
    // Forms with the same word set ("a b", "b a") share the first one's.
    let mut by_content: Vec<u32> = (0..sets.spans.len() as u32).collect();
    by_content.sort_unstable_by(|&a, &b| {
        let (a_set, b_set) = (sets.get(a as usize), sets.get(b as usize));
        a_set.cmp(b_set).then(a.cmp(&b))
    });
    let mut same: Vec<u32> = (0..sets.spans.len() as u32).collect();
    for pair in by_content.windows(2) {
        let (before, id) = (pair[0] as usize, pair[1] as usize);
        if sets.get(before) == sets.get(id) {
            same[id] = same[before];
        }
    }
    for set in &mut set_of {
        *set = same[*set as usize];
    }
    (sets, set_of)
}

/// The sets seen so far, indexed by their prefixes, with how many bullets before the
/// current one have each set.
struct Join {
    sets: Sets,
    /// Token rank -> (set, the token's position in it), for the prefix of every set seen.
    index: Vec<Vec<(u32, u32)>>,
    /// Bullets seen so far with each set.
    count: Vec<u64>,
    /// Each set's bullets in order, as a list threaded through `next` (a vector a set
    /// would cost more than the sets): the first and the last of each set's, and for each
    /// bullet the next one with its set.
    first_of: Vec<u32>,
    last_of: Vec<u32>,
    next: Vec<u32>,
    cap: usize,
    /// Per set, during one probe: the prefix tokens shared so far, or PRUNED.
    overlap: Vec<u32>,
    /// Per set: the probe that last touched it (bullet index + 1; 0 is never).
    touched: Vec<usize>,
    candidates: Vec<u32>,
}

impl Join {
    fn new(sets: Sets, bullets: usize, cap: usize) -> Join {
        let tokens = sets.tokens.iter().max().map_or(0, |&top| top as usize + 1);
        let count = sets.spans.len();
        Join {
            sets,
            index: vec![Vec::new(); tokens],
            count: vec![0; count],
            first_of: vec![NONE; count],
            last_of: vec![NONE; count],
            next: vec![NONE; bullets],
            cap,
            overlap: vec![0; count],
            touched: vec![0; count],
            candidates: Vec::new(),
        }
    }

    /// Bullet `index` (with `set`) is now an earlier bullet for the ones after it.
    fn add(&mut self, index: usize, set: u32) {
        let id = set as usize;
        // A bullet with no word is near nothing: its empty set is never indexed.
        if self.count[id] == 0 && !self.sets.get(id).is_empty() {
            let tokens = self.sets.get(id);
            for (position, &token) in tokens[..prefix(tokens.len())].iter().enumerate() {
                self.index[token as usize].push((set, position as u32));
            }
        }
        if self.count[id] == 0 {
            self.first_of[id] = index as u32;
        } else {
            self.next[self.last_of[id] as usize] = index as u32;
        }
        self.last_of[id] = index as u32;
        self.count[id] += 1;
    }

    /// Counts (and lists, while under the cap) every earlier bullet near bullet `index`.
    fn probe(&mut self, index: usize, set: u32, found: &mut NearPairs) {
        let probe = self.sets.get(set as usize);
        let size = probe.len();
        if size == 0 {
            return;
        }
        self.candidates.clear();
        for (position, &token) in probe[..prefix(size)].iter().enumerate() {
            for &(other, other_position) in &self.index[token as usize] {
                let id = other as usize;
                let other_size = self.sets.get(id).len();
                if self.touched[id] != index + 1 {
                    self.touched[id] = index + 1;
                    // The length filter: |x| and |y| within a ratio of 0.8.
                    if 5 * size.min(other_size) < 4 * size.max(other_size) {
                        self.overlap[id] = PRUNED;
                        continue;
                    }
                    self.overlap[id] = 0;
                    self.candidates.push(other);
                } else if self.overlap[id] == PRUNED {
                    continue;
                }
                // The positional filter: what is shared so far, this token, and at most
                // what follows in the shorter remainder must reach the needed overlap.
                let rest = (size - position - 1).min(other_size - other_position as usize - 1);
                if (self.overlap[id] as usize + 1 + rest) >= needed_overlap(size, other_size) {
                    self.overlap[id] += 1;
                } else {
                    self.overlap[id] = PRUNED;
                }
            }
        }
        let listing = found.listed.len() < self.cap;
        let mut near: Vec<(usize, f64)> = Vec::new();
        for &other in &self.candidates {
            let id = other as usize;
            if self.overlap[id] == PRUNED {
                continue;
            }
            let Some(similarity) = similarity(probe, self.sets.get(id)) else {
                continue;
            };
            found.total += self.count[id];
            if listing {
                let rounded = (similarity * 100.0).round() / 100.0;
                let mut at = self.first_of[id];
                // No more than the evidence has room for from one set.
                for _ in 0..self.cap.min(self.count[id] as usize) {
                    near.push((at as usize, rounded));
                    at = self.next[at as usize];
                }
            }
        }
        if listing {
            near.sort_unstable_by_key(|&(earlier, _)| earlier);
            let room = self.cap - found.listed.len();
            found.listed.extend(
                near.into_iter()
                    .take(room)
                    .map(|(earlier, similarity)| (index, earlier, similarity)),
            );
        }
    }
}

/// How many of a set's first tokens go into the index and are probed:
/// `|x| - ceil(0.8 * |x|) + 1`.
fn prefix(size: usize) -> usize {
    size - (4 * size).div_ceil(5) + 1
}

/// The overlap Jaccard >= 0.8 needs: `i / (x + y - i) >= 4/5` is `i >= 4 (x + y) / 9`.
fn needed_overlap(size: usize, other_size: usize) -> usize {
    (4 * (size + other_size)).div_ceil(9)
}

/// The Jaccard similarity of two sorted sets when it is >= 0.8, computed as the naive
/// comparison does. The merge stops as soon as what is shared plus what is left of the
/// shorter remainder cannot reach `needed_overlap`: most candidates fail within a few
/// tokens.
fn similarity(a: &[u32], b: &[u32]) -> Option<f64> {
    let needed = needed_overlap(a.len(), b.len());
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        if shared + (a.len() - i).min(b.len() - j) < needed {
            return None;
        }
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let similarity = shared as f64 / (a.len() + b.len() - shared) as f64;
    (similarity >= NEAR).then_some(similarity)
}

#[cfg(test)]
#[path = "similarity_tests.rs"]
mod tests;
