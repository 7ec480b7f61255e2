//! Counts in words, for pages, emails and the erasure plan.

/// "1 review", "3 reviews": the number and the word that fits it.
pub fn plural<N>(n: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_many() {
        assert_eq!(plural(1u64, "review", "reviews"), "1 review");
        assert_eq!(plural(0usize, "review", "reviews"), "0 reviews");
        assert_eq!(plural(3i64, "day", "days"), "3 days");
    }
}
