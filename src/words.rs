//! Counts as a reader says them: "1 trial", "2 trials".

/// `n` and the noun, plural when `n` is not 1 (the nouns counted here take `s`).
pub(crate) fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::counted(1, "trial"), "1 trial");
        assert_eq!(super::counted(0, "trial"), "0 trials");
        assert_eq!(super::counted(2, "golden"), "2 goldens");
    }
}
