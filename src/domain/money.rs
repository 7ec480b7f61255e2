//! Sums of money typed by people: "£1,500", "1500", "1500.5" → pence.

/// The most any amount on a form may be: £10 million.
const MAX_PENCE: i64 = 1_000_000_000;

/// "£1,500.5" → 150050: an amount in pounds with at most two places of pence, written with
/// or without a £ sign, commas and spaces; `None` when it is not one. Zero is an amount;
/// callers set their own limits and messages.
pub fn pence_of(raw: &str) -> Option<i64> {
    let t = raw.trim().trim_start_matches('£').replace([',', ' '], "");
    let (pounds, pence) = t.split_once('.').unwrap_or((t.as_str(), "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if pounds.len() > 12 || pence.len() > 2 || !digits(pounds) || !digits(pence) {
        return None;
    }
    let pence: i64 = format!("{pence:0<2}").parse().ok()?;
    Some(pounds.parse::<i64>().ok()? * 100 + pence)
}

/// Parses an amount in pounds; `what` names it in messages ("the maximum award").
pub fn parse_amount(raw: &str, what: &str) -> Result<i64, String> {
    if raw.trim().is_empty() {
        return Err(format!("Enter {what}"));
    }
    match pence_of(raw) {
        None => Err(format!("Enter {what} in pounds, like 1500 or 1,500.50")),
        Some(0) => Err(format!("Enter {what} above £0")),
        Some(total) if total > MAX_PENCE => Err(format!("Enter {what} of £10,000,000 or less")),
        Some(total) => Ok(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_pounds_become_pence() {
        assert_eq!(parse_amount("£1,500", "x"), Ok(150_000));
        assert_eq!(pence_of("£1 500.5"), Some(150_050));
        assert_eq!(pence_of("0.05"), Some(5));
        for bad in ["", "1.505", "-3", "1e5", "£", "1.2.3", "9999999999999"] {
            assert_eq!(pence_of(bad), None, "{bad}");
        }
        assert_eq!(parse_amount(" 1500.5 ", "x"), Ok(150_050));
        assert_eq!(parse_amount("0.99", "x"), Ok(99));
        assert!(
            parse_amount("", "the pot")
                .unwrap_err()
                .contains("Enter the pot")
        );
        for bad in ["-5", "1.234", "12e3", "£", "0", "99999999999"] {
            assert!(parse_amount(bad, "x").is_err(), "{bad}");
        }
    }
}
