//! Compare: the pairs of a protocol and how closely codes relate.
//!
//! A [`Pair`] is ordered by construction (lower code first), so only one page per unordered pair
//! can ever be named. [`Relevance`] ranks, once per protocol, every code's neighbours; related
//! links and the order of a code's comparisons are read from it in constant time per page, so
//! page count, not neighbour search, sets the cost of a build. Not for: sentences (see `prose`).

use std::collections::HashSet;

use crate::catalog::{CodeId, Protocol};

/// Two different codes of one protocol, lower first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    low: CodeId,
    high: CodeId,
}

impl Pair {
    /// The pair of `x` and `y` in canonical order; `None` when they are the same code.
    pub fn new(x: CodeId, y: CodeId) -> Option<Pair> {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => Some(Pair { low: x, high: y }),
            std::cmp::Ordering::Greater => Some(Pair { low: y, high: x }),
            std::cmp::Ordering::Equal => None,
        }
    }

    pub fn low(self) -> CodeId {
        self.low
    }

    pub fn high(self) -> CodeId {
        self.high
    }

    pub fn contains(self, id: CodeId) -> bool {
        self.low == id || self.high == id
    }

    /// The URL segment: `211-vs-503`.
    pub fn slug(self, protocol: &Protocol) -> String {
        let (low, high) = (protocol.code(self.low), protocol.code(self.high));
        [low.slug.as_str(), "-vs-", &high.slug].concat()
    }
}

/// Every unordered pair of a protocol with `n` codes, in order.
pub fn all_pairs(n: usize) -> impl Iterator<Item = Pair> + Clone {
    (0..n).flat_map(move |i| {
        ((i + 1)..n).map(move |j| Pair {
            low: CodeId(i),
            high: CodeId(j),
        })
    })
}

/// The `k`-th pair of [`all_pairs`]`(n)`, computed rather than looked up, so that a site's pages
/// can be numbered without holding a list of its pairs.
pub fn pair_at(n: usize, k: usize) -> Pair {
    // Row `i` holds the pairs (i, i+1..n) and starts at i(2n − i − 1)/2.
    let start = |i: usize| i * (2 * n - i - 1) / 2;
    let (mut lo, mut hi) = (0, n.saturating_sub(1));
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if start(mid) <= k { lo = mid } else { hi = mid }
    }
    let i = if hi > lo && start(hi) <= k { hi } else { lo };
    let j = i + 1 + (k - start(i));
    Pair {
        low: CodeId(i),
        high: CodeId(j),
    }
}

/// How many related comparisons a comparison page links to.
pub const RELATED_LINKS: usize = 6;

/// How many comparisons a code page shows before the rest, which it folds away by class: enough
/// to hold what a reader most likely came for without the page running to many phone screens.
pub const SHOWN_COMPARISONS: usize = 8;

/// Every code's neighbours, closest first, computed once per protocol.
pub struct Relevance {
    neighbours: Vec<Vec<CodeId>>,
    scores: Vec<u32>,
    n: usize,
}

impl Relevance {
    /// Over the codes that are compared pair by pair; a range page has no neighbours.
    pub fn new(protocol: &Protocol) -> Relevance {
        let n = protocol.paired;
        let mut scores = vec![0; n * n];
        for x in protocol.paired_ids() {
            for y in protocol.paired_ids().filter(|&y| y > x) {
                let s = closeness(protocol, x, y);
                scores[x.0 * n + y.0] = s;
                scores[y.0 * n + x.0] = s;
            }
        }
        let neighbours = protocol
            .paired_ids()
            .map(|x| {
                let mut others: Vec<CodeId> = protocol.paired_ids().filter(|&y| y != x).collect();
                others.sort_by_key(|&y| (std::cmp::Reverse(scores[x.0 * n + y.0]), y));
                others
            })
            .collect();
        Relevance {
            neighbours,
            scores,
            n,
        }
    }

    pub fn score(&self, x: CodeId, y: CodeId) -> u32 {
        self.scores[x.0 * self.n + y.0]
    }

    /// The code's comparisons, most relevant first.
    pub fn comparisons_of(&self, id: CodeId) -> impl Iterator<Item = Pair> + '_ {
        self.neighbours
            .get(id.0)
            .into_iter()
            .flatten()
            .filter_map(move |&y| Pair::new(id, y))
    }

    /// A code's comparisons as its page lists them: first every pair with a hand-written note,
    /// then the closest up to [`SHOWN_COMPARISONS`] (the codes authors name as confused with it
    /// rank highest); then the rest, most relevant first. Each pair appears once.
    pub fn shown_first(&self, protocol: &Protocol, id: CodeId) -> (Vec<Pair>, Vec<Pair>) {
        let chosen = |pair: &Pair| protocol.notes.contains_key(&(pair.low, pair.high));
        let (mut first, mut rest): (Vec<Pair>, Vec<Pair>) =
            self.comparisons_of(id).partition(chosen);
        let fill = SHOWN_COMPARISONS
            .saturating_sub(first.len())
            .min(rest.len());
        first.extend(rest.drain(..fill));
        first.sort_by_key(|p| {
            let other = if p.low == id { p.high } else { p.low };
            (std::cmp::Reverse(self.score(id, other)), *p)
        });
        (first, rest)
    }

    /// Comparisons a reader of `pair` is likely to want next: the pair with one code swapped
    /// for a close sibling of it. Half keep each code where the protocol has enough codes, so a
    /// reader can follow either side.
    pub fn related(&self, pair: Pair) -> Vec<Pair> {
        let (a, b) = (pair.low, pair.high);
        // Keep `kept`, replace `swapped` by its closest neighbours.
        let swaps = |kept: CodeId, swapped: CodeId| {
            self.neighbours[swapped.0]
                .iter()
                .filter(move |&&c| c != kept)
                .filter_map(move |&c| Pair::new(kept, c).map(|p| (self.score(swapped, c), p)))
        };
        let half = RELATED_LINKS / 2;
        let mut chosen: Vec<(u32, Pair)> = swaps(b, a)
            .take(half)
            .chain(swaps(a, b).take(half))
            .collect();
        // A protocol too small for three on one side fills up from the other.
        if chosen.len() < RELATED_LINKS {
            let seen: HashSet<Pair> = chosen.iter().map(|&(_, p)| p).collect();
            let more: Vec<_> = swaps(b, a)
                .chain(swaps(a, b))
                .filter(|(_, p)| !seen.contains(p))
                .take(RELATED_LINKS - chosen.len())
                .collect();
            chosen.extend(more);
        }
        chosen.sort_by_key(|&(score, p)| (std::cmp::Reverse(score), p));
        chosen.dedup_by_key(|(_, p)| *p);
        chosen.into_iter().map(|(_, p)| p).collect()
    }
}

/// How closely two codes relate, for ranking; higher is closer, and it is symmetric.
/// Authors' `confused_with` lists weigh most, then class, group, shared items of the protocol's
/// list facts (what the codes answer counts most) and numeric nearness.
pub fn closeness(protocol: &Protocol, x: CodeId, y: CodeId) -> u32 {
    let (cx, cy) = (protocol.code(x), protocol.code(y));
    let mut score = 0;
    let listed = |from: &crate::catalog::Code, to: CodeId| from.confused_with.contains(&to);
    score += 40 * (listed(cx, y) as u32 + listed(cy, x) as u32);
    if cx.class.is_some() && cx.class == cy.class {
        score += 20;
    }
    if cx.group.is_some() && cx.group == cy.group {
        score += 12;
    }
    if cx.origin == cy.origin && cx.origin == crate::catalog::Origin::Local {
        score += 10;
    }
    for (field, fact) in protocol.facts.iter().enumerate() {
        let Some(list) = fact.list() else { continue };
        let shared = protocol.shared_items(x, y, field).len() as u32;
        score += if list.trigger {
            2 * shared.min(6)
        } else {
            shared.min(3)
        };
    }
    score += 5u32.saturating_sub(distance(&cx.order.numbers, &cy.order.numbers) / 10);
    score
}

/// How far apart two codes' numbers are: by the last number when all before it agree.
fn distance(x: &[u64], y: &[u64]) -> u32 {
    match (x.split_last(), y.split_last()) {
        (Some((lx, rx)), Some((ly, ry))) if rx == ry => {
            lx.abs_diff(*ly).min(u32::MAX as u64) as u32
        }
        _ => u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_can_be_numbered() {
        for n in [2, 3, 7, 64] {
            for (k, pair) in all_pairs(n).enumerate() {
                assert_eq!(pair_at(n, k), pair, "n = {n}, k = {k}");
            }
        }
    }

    #[test]
    fn pairs_are_canonical_and_complete() {
        let pairs: Vec<Pair> = all_pairs(5).collect();
        assert_eq!(pairs.len(), 10);
        assert!(pairs.iter().all(|p| p.low() < p.high()));
        assert_eq!(
            Pair::new(CodeId(3), CodeId(1)),
            Pair::new(CodeId(1), CodeId(3))
        );
        assert_eq!(Pair::new(CodeId(2), CodeId(2)), None);
        let unique: HashSet<_> = pairs.iter().collect();
        assert_eq!(unique.len(), 10);
    }
}
