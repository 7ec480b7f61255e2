//! Sums of money typed by people: "£1,500", "1500", "1500.5" → pence.

/// The most any amount on a form may be: £10 million.
const MAX_PENCE: i64 = 1_000_000_000;

/// Parses an amount in pounds; `what` names it in messages ("the maximum award").
pub fn parse_amount(raw: &str, what: &str) -> Result<i64, String> {
    let message = || format!("Enter {what} in pounds, like 1500 or 1,500.50");
    let t = raw.trim().trim_start_matches('£').replace([',', ' '], "");
    if t.is_empty() {
        return Err(format!("Enter {what}"));
    }
    let (pounds, pence) = t.split_once('.').unwrap_or((t.as_str(), "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if pounds.len() > 9 || pence.len() > 2 || !digits(pounds) || !digits(pence) {
        return Err(message());
    }
    let pence_value: i64 = pence.parse().map_err(|_| message())?;
    let pence_value = if pence.len() == 1 {
        pence_value * 10
    } else {
        pence_value
    };
    let total = pounds.parse::<i64>().map_err(|_| message())? * 100 + pence_value;
    if total == 0 {
        return Err(format!("Enter {what} above £0"));
    }
    if total > MAX_PENCE {
        return Err(format!("Enter {what} of £10,000,000 or less"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_pounds_become_pence() {
        assert_eq!(parse_amount("£1,500", "x"), Ok(150_000));
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
