//! Aligning a golden's ordered children (or a JSON array's items) with a
//! response's before they are compared, so that one missing, extra or moved
//! child is one difference and its neighbours meet their true counterparts.
//!
//! Children are aligned by identity (a name and the values the golden pins:
//! a link's `Rel` and `Type`), never by their whole content: a child whose
//! identity agrees is paired and then compared. The alignment is Myers'
//! shortest edit script, O((N+M)·D) for D edits, with D capped (see
//! [`edit_cap`]): a response that differs from its golden in more places than
//! that is aligned by a linear walk that looks a few children ahead instead
//! (see [`windowed`]), and the comparison says so. Inside a run of edits (a golden child replaced by another), the
//! children are then paired by name and how many pinned values they share, by
//! a small dynamic program whose size the cap bounds as well.

/// One step of an alignment of golden children (`i`) with response children (`j`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Golden child `i` and response child `j` are taken to be the same child.
    Pair(usize, usize),
    /// Golden child `i` has no counterpart.
    Missing(usize),
    /// Response child `j` has no counterpart.
    Unexpected(usize),
}

/// An alignment, in document order.
pub(crate) struct Alignment {
    pub steps: Vec<Step>,
    /// The lists differed in more places than the cap allows: the middle was
    /// aligned by [`windowed`], not by the shortest script.
    pub by_position: bool,
}

/// How much comparing of identities an alignment may do, in all: beyond it
/// (a hostile response unlike its golden everywhere) children go by position.
const WORK: usize = 4_000_000;
/// The most edits an alignment looks for, whatever the lists' size: the trace
/// Myers keeps to recover the script grows as D².
const MAX_EDITS: usize = 512;

/// The most edits aligning lists of `n` and `m` children looks for: enough
/// for a handful of differences in any list, and (N+M)·D stays within [`WORK`].
pub(crate) fn edit_cap(n: usize, m: usize) -> usize {
    (WORK / (n + m + 1)).clamp(16, MAX_EDITS)
}

/// Aligns `n` golden children with `m` response children; `same(i, j)` says
/// whether they have the same identity.
pub(crate) fn align(n: usize, m: usize, mut same: impl FnMut(usize, usize) -> bool) -> Alignment {
    // A common head and tail cost one look each: most lists differ in one place.
    let mut head = 0;
    while head < n && head < m && same(head, head) {
        head += 1;
    }
    let mut tail = 0;
    while tail < n - head && tail < m - head && same(n - 1 - tail, m - 1 - tail) {
        tail += 1;
    }
    let (gn, gm) = (n - head - tail, m - head - tail);
    let mut steps: Vec<Step> = (0..head).map(|i| Step::Pair(i, i)).collect();
    // With one side empty, the script is plain: no search, whatever its length.
    let middle = if gn == 0 || gm == 0 {
        let missing = (0..gn).map(Step::Missing);
        Some(missing.chain((0..gm).map(Step::Unexpected)).collect())
    } else {
        myers(gn, gm, edit_cap(n, m), |i, j| same(head + i, head + j))
    };
    let by_position = middle.is_none();
    match middle {
        Some(middle) => steps.extend(middle.into_iter().map(|s| match s {
            Step::Pair(i, j) => Step::Pair(head + i, head + j),
            Step::Missing(i) => Step::Missing(head + i),
            Step::Unexpected(j) => Step::Unexpected(head + j),
        })),
        None => steps.extend(
            windowed(gn, gm, |i, j| same(head + i, head + j))
                .into_iter()
                .map(|s| match s {
                    Step::Pair(i, j) => Step::Pair(head + i, head + j),
                    Step::Missing(i) => Step::Missing(head + i),
                    Step::Unexpected(j) => Step::Unexpected(head + j),
                }),
        ),
    }
    steps.extend((0..tail).map(|k| Step::Pair(n - tail + k, m - tail + k)));
    Alignment { steps, by_position }
}

/// How far [`windowed`] looks ahead for a child's counterpart.
const WINDOW: usize = 32;

/// The fallback past the cap: both lists walked together; where the
/// children differ, the nearest counterpart within [`WINDOW`] children on
/// either side is taken (what lies between is missing or unexpected), else
/// the two are paired where they stand. Not the shortest script, but linear
/// (O((N+M)·WINDOW)), and a list with a child missing every few children
/// still aligns.
fn windowed(n: usize, m: usize, mut same: impl FnMut(usize, usize) -> bool) -> Vec<Step> {
    let mut steps = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if same(i, j) {
            steps.push(Step::Pair(i, j));
            (i, j) = (i + 1, j + 1);
            continue;
        }
        let skip = (1..=WINDOW).find_map(|k| {
            if j + k < m && same(i, j + k) {
                Some((0, k))
            } else if i + k < n && same(i + k, j) {
                Some((k, 0))
            } else {
                None
            }
        });
        match skip {
            Some((di, dj)) => {
                steps.extend((i..i + di).map(Step::Missing));
                steps.extend((j..j + dj).map(Step::Unexpected));
                (i, j) = (i + di, j + dj);
            }
            None => {
                steps.push(Step::Pair(i, j));
                (i, j) = (i + 1, j + 1);
            }
        }
    }
    steps.extend((i..n).map(Step::Missing));
    steps.extend((j..m).map(Step::Unexpected));
    steps
}

/// Myers' greedy shortest edit script, or `None` past `max_edits` edits.
fn myers(
    n: usize,
    m: usize,
    max_edits: usize,
    mut same: impl FnMut(usize, usize) -> bool,
) -> Option<Vec<Step>> {
    let offset = max_edits as isize + 1;
    let at = |k: isize| (k + offset) as usize;
    let mut v = vec![0usize; 2 * max_edits + 3];
    // v as it was after each number of edits, for walking the script back.
    let mut trace: Vec<Vec<usize>> = Vec::new();
    for d in 0..=max_edits as isize {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && same(x, y) {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x == n && y == m {
                trace.push(v.clone());
                return Some(backtrack(&trace, n, m, offset));
            }
        }
        trace.push(v.clone());
    }
    None
}

/// The edit script the trace of [`myers`] found, from its end back to its start.
fn backtrack(trace: &[Vec<usize>], n: usize, m: usize, offset: isize) -> Vec<Step> {
    let at = |k: isize| (k + offset) as usize;
    let mut steps = Vec::new();
    let (mut x, mut y) = (n as isize, m as isize);
    for d in (1..trace.len() as isize).rev() {
        let before = &trace[d as usize - 1];
        let k = x - y;
        let down = k == -d || (k != d && before[at(k - 1)] < before[at(k + 1)]);
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = before[at(prev_k)] as isize;
        let prev_y = prev_x - prev_k;
        let (mid_x, mid_y) = if down {
            (prev_x, prev_y + 1)
        } else {
            (prev_x + 1, prev_y)
        };
        while x > mid_x && y > mid_y {
            x -= 1;
            y -= 1;
            steps.push(Step::Pair(x as usize, y as usize));
        }
        steps.push(if down {
            Step::Unexpected(prev_y as usize)
        } else {
            Step::Missing(prev_x as usize)
        });
        (x, y) = (prev_x, prev_y);
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        steps.push(Step::Pair(x as usize, y as usize));
    }
    steps.reverse();
    steps
}

/// The most cells the pairing of one run of edits fills; past it, a run is
/// paired in order by `score` alone (each golden child with the next response
/// child it scores with).
const GAP_CELLS: usize = 1 << 16;

/// Within each run of edits, golden and response children that `score` says
/// can be one another (`Some(weight)`: same name, `weight` more the more
/// pinned values they share) are paired, keeping their order and the most
/// weight; the rest stay missing or unexpected.
pub(crate) fn pair_runs(
    steps: Vec<Step>,
    mut score: impl FnMut(usize, usize) -> Option<u32>,
) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    let mut run_missing = Vec::new();
    let mut run_unexpected = Vec::new();
    let mut flush = |missing: &mut Vec<usize>, unexpected: &mut Vec<usize>, out: &mut Vec<Step>| {
        if !missing.is_empty() && !unexpected.is_empty() {
            out.extend(pair_run(missing, unexpected, &mut score));
        } else {
            out.extend(missing.iter().map(|&i| Step::Missing(i)));
            out.extend(unexpected.iter().map(|&j| Step::Unexpected(j)));
        }
        missing.clear();
        unexpected.clear();
    };
    for step in steps {
        match step {
            Step::Missing(i) => run_missing.push(i),
            Step::Unexpected(j) => run_unexpected.push(j),
            Step::Pair(..) => {
                flush(&mut run_missing, &mut run_unexpected, &mut out);
                out.push(step);
            }
        }
    }
    flush(&mut run_missing, &mut run_unexpected, &mut out);
    out
}

/// One run of edits paired: the heaviest order-keeping pairing (a weighted
/// LCS), in document order of the response.
fn pair_run(
    missing: &[usize],
    unexpected: &[usize],
    score: &mut impl FnMut(usize, usize) -> Option<u32>,
) -> Vec<Step> {
    let (p, q) = (missing.len(), unexpected.len());
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    if p * q > GAP_CELLS {
        let mut next = 0;
        for &i in missing {
            if let Some(b) = (next..q).find(|&b| score(i, unexpected[b]).is_some()) {
                pairs.push((i, unexpected[b]));
                next = b + 1;
            }
        }
    } else {
        // best[a][b]: the most weight pairing missing[a..] with unexpected[b..].
        let mut best = vec![0u64; (p + 1) * (q + 1)];
        let cell = |a: usize, b: usize| a * (q + 1) + b;
        let mut weights = vec![None; p * q];
        for a in (0..p).rev() {
            for b in (0..q).rev() {
                weights[a * q + b] = score(missing[a], unexpected[b]);
                let paired = weights[a * q + b].map(|w| best[cell(a + 1, b + 1)] + u64::from(w));
                let skip = best[cell(a + 1, b)].max(best[cell(a, b + 1)]);
                best[cell(a, b)] = paired.map_or(skip, |w| w.max(skip));
            }
        }
        let (mut a, mut b) = (0, 0);
        while a < p && b < q {
            let paired = weights[a * q + b].map(|w| best[cell(a + 1, b + 1)] + u64::from(w));
            if paired == Some(best[cell(a, b)]) {
                pairs.push((missing[a], unexpected[b]));
                (a, b) = (a + 1, b + 1);
            } else if best[cell(a + 1, b)] == best[cell(a, b)] {
                a += 1;
            } else {
                b += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(p + q);
    let (mut a, mut b) = (0, 0);
    for (i, j) in pairs {
        while missing[a] != i {
            out.push(Step::Missing(missing[a]));
            a += 1;
        }
        while unexpected[b] != j {
            out.push(Step::Unexpected(unexpected[b]));
            b += 1;
        }
        out.push(Step::Pair(i, j));
        (a, b) = (a + 1, b + 1);
    }
    out.extend(missing[a..].iter().map(|&i| Step::Missing(i)));
    out.extend(unexpected[b..].iter().map(|&j| Step::Unexpected(j)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(a: &str, b: &str) -> (Vec<Step>, bool) {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let found = align(a.len(), b.len(), |i, j| a[i] == b[j]);
        (found.steps, found.by_position)
    }

    /// Every golden and every response index once, pairs equal and in order.
    fn check(a: &str, b: &str, steps: &[Step]) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let (mut i, mut j, mut edits) = (0, 0, 0);
        for s in steps {
            match *s {
                Step::Pair(x, y) => {
                    assert_eq!((x, y), (i, j));
                    assert_eq!(a[x], b[y]);
                    (i, j) = (i + 1, j + 1);
                }
                Step::Missing(x) => {
                    assert_eq!(x, i);
                    i += 1;
                    edits += 1;
                }
                Step::Unexpected(y) => {
                    assert_eq!(y, j);
                    j += 1;
                    edits += 1;
                }
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
        edits
    }

    #[test]
    fn the_shortest_script_is_found() {
        for (a, b, d) in [
            ("abcdefg", "abcefg", 1),
            ("abc", "xabc", 1),
            ("abcabba", "cbabac", 5),
            ("", "abc", 3),
            ("abc", "", 3),
            ("abc", "abc", 0),
            ("ab", "ba", 2),
        ] {
            let (steps, by_position) = script(a, b);
            assert!(!by_position);
            assert_eq!(check(a, b, &steps), d, "{a} {b} {steps:?}");
        }
    }

    #[test]
    fn past_the_cap_the_middle_goes_by_position() {
        let a: String = "a".repeat(300);
        let b: String = "b".repeat(300);
        let wrapped_a = format!("x{a}y");
        let wrapped_b = format!("x{b}y");
        let (steps, by_position) = script(&wrapped_a, &wrapped_b);
        assert!(
            by_position,
            "600 edits are past the cap of {}",
            edit_cap(302, 302)
        );
        assert_eq!(steps.len(), 302);
        assert_eq!(steps[1], Step::Pair(1, 1));
    }

    /// The number of edits of a shortest script, by the textbook table.
    fn edit_distance(a: &[u8], b: &[u8]) -> usize {
        let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        a.len() + b.len() - 2 * lcs[0][0]
    }

    proptest::proptest! {
        #[test]
        fn myers_finds_a_shortest_script(a in "[abc]{0,12}", b in "[abc]{0,12}") {
            let (steps, by_position) = script(&a, &b);
            proptest::prop_assert!(!by_position);
            proptest::prop_assert_eq!(check(&a, &b, &steps), edit_distance(a.as_bytes(), b.as_bytes()));
        }
    }

    #[test]
    fn a_run_of_edits_pairs_namesakes_by_weight_in_order() {
        // Golden 0 and 1 were removed; response 5 replaces golden 1 (it shares more).
        let steps = vec![Step::Missing(0), Step::Missing(1), Step::Unexpected(5)];
        let paired = pair_runs(steps, |i, _| Some(if i == 1 { 3 } else { 1 }));
        assert_eq!(paired, [Step::Missing(0), Step::Pair(1, 5)]);
        let steps = vec![Step::Missing(0), Step::Unexpected(0)];
        assert_eq!(
            pair_runs(steps.clone(), |_, _| None),
            steps,
            "nothing in common: missing and unexpected"
        );
    }
}
