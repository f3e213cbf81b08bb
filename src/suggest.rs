//! "Did you mean": the known name closest to a mistyped one.

/// The candidate closest to `word` by edit distance, when it is close enough to
/// be a typo (at most a third of the word's length; a change of case counts as none).
pub(crate) fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or nothing.
pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Edit distance counting a swap of two neighbours as one edit (the commonest
/// typo), case-insensitive.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[..width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_near_names() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("tokne", "token"), 1);
        assert_eq!(distance("abc", ""), 3);
        // A letter too many, or too few, is one edit each way.
        assert_eq!(distance("ab", "a"), 1);
        assert_eq!(distance("a", "ab"), 1);
        assert_eq!(distance("kitten", "kit"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Token", "token"), 0);
        let names = ["session_id", "token", "session_href"];
        assert_eq!(closest("sesion_id", names), Some("session_id"));
        assert_eq!(closest("tokne", names), Some("token"));
        assert_eq!(closest("password", names), None);
        // Ten letters allow three edits; two are close enough.
        assert_eq!(closest("sesson_hrf", names), Some("session_href"));
        assert_eq!(closest("ab", ["abcd"]), None);
        assert_eq!(did_you_mean("tokn", names), "; did you mean `token`?");
        assert_eq!(did_you_mean("zzzzzz", names), "");
    }
}
