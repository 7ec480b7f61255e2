//! Dates typed as day, month and year (the GOV.UK date input pattern).

use chrono::NaiveDate;

use crate::domain::validation::{FieldErrors, FormFields};

/// Empty day, month and year mean "no date"; anything else must be a real date.
pub fn parse_date(
    day: &str,
    month: &str,
    year: &str,
    label: &str,
) -> Result<Option<NaiveDate>, String> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    if d.is_empty() || m.is_empty() || y.is_empty() {
        return Err(format!("{label} must include a day, month and year"));
    }
    let parsed = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>());
    let (Ok(d), Ok(m), Ok(y)) = parsed else {
        return Err(format!("{label} must be a real date, like 27 3 2026"));
    };
    if !(1900..=2200).contains(&y) {
        return Err(format!("{label} must be a real date, like 27 3 2026"));
    }
    NaiveDate::from_ymd_opt(y, m, d)
        .map(Some)
        .ok_or_else(|| format!("{label} must be a real date, like 27 3 2026"))
}

/// A date a form must have, from its `{name}-day`, `-month` and `-year` fields. A missing
/// date is "Enter the …" (from `label`, "The … date"), a bad one says why; both go under
/// `name`.
pub fn required_date(
    e: &mut FieldErrors,
    f: &FormFields,
    name: &'static str,
    label: &str,
) -> Option<NaiveDate> {
    match parse_date(
        &f.one(&format!("{name}-day")),
        &f.one(&format!("{name}-month")),
        &f.one(&format!("{name}-year")),
        label,
    ) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            e.add(name, format!("Enter {}", label.to_lowercase()));
            None
        }
        Err(message) => {
            e.add(name, message);
            None
        }
    }
}

pub fn format_date(date: &NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_only() {
        assert_eq!(parse_date("", " ", "", "Expiry date"), Ok(None));
        assert_eq!(
            parse_date("29", "2", "2028", "X"),
            Ok(NaiveDate::from_ymd_opt(2028, 2, 29))
        );
        assert!(parse_date("29", "2", "2027", "X").is_err());
        assert!(parse_date("0", "0", "0000", "X").is_err());
        assert!(
            parse_date("1", "", "2027", "X")
                .expect_err("partial")
                .contains("day, month and year")
        );
        assert!(parse_date("1", "1", "99999999999", "X").is_err());
        assert!(parse_date("-1", "1", "2027", "X").is_err());
    }
}
