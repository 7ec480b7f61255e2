//! Dates typed as day, month and year (the GOV.UK date input pattern), and times as people
//! in the UK read them: stored and sent over APIs in UTC, shown in Europe/London (GMT in
//! winter, BST in summer).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

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

/// The day it is in the UK at `at`.
pub fn uk_date(at: &DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// "27 March 2026 at 9:05am", in UK time (GOV.UK style: 12-hour clock, "midday" and
/// "midnight" for those two times).
pub fn format_time(at: &DateTime<Utc>) -> String {
    let local = at.with_timezone(&London);
    let clock = match local.format("%H:%M").to_string().as_str() {
        "12:00" => "midday".to_owned(),
        "00:00" => "midnight".to_owned(),
        _ => local.format("%-I:%M%P").to_string(),
    };
    format!("{} at {clock}", local.format("%-d %B %Y"))
}

/// The moment a UK day starts (midnight, GMT or BST), as UTC.
pub fn uk_day_start(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    London
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// A UTC time's UK date in words ("27 March 2026").
pub fn format_uk_date(at: &DateTime<Utc>) -> String {
    format_date(&uk_date(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_uk_time() {
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 23, 30, 0).unwrap();
        assert_eq!(format_time(&summer), "2 July 2026 at 12:30am");
        assert_eq!(
            uk_date(&summer),
            NaiveDate::from_ymd_opt(2026, 7, 2).unwrap()
        );
        let winter = Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 0).unwrap();
        assert_eq!(format_time(&winter), "1 December 2026 at 9:05am");
        let noon_bst = Utc.with_ymd_and_hms(2026, 6, 1, 11, 0, 0).unwrap();
        assert_eq!(format_time(&noon_bst), "1 June 2026 at midday");
        // The clocks go forward at 01:00 UTC on the last Sunday of March.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(format_time(&before), "29 March 2026 at 12:59am");
        assert_eq!(format_time(&after), "29 March 2026 at 2:00am");
        let july = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap();
        assert_eq!(
            uk_day_start(july),
            Utc.with_ymd_and_hms(2026, 7, 1, 23, 0, 0).unwrap()
        );
    }

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
