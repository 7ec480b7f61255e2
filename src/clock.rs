//! The time, from one place. The service reads the system clock; a test that needs a
//! particular day fixes it. Handlers take `state.clock`; the domain takes `today` or `now`
//! as arguments, so it never reads a clock of its own.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that always says `at` (tests).
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self { fixed: Some(at) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Today in the UK: the council's dates (deadlines, review dates, expiry) are whole
    /// days as people there count them (a deadline "the end of 31 March" ends at midnight
    /// BST, not an hour later).
    pub fn today(&self) -> NaiveDate {
        crate::domain::dates::uk_date(&self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_fixed_clock_keeps_its_day() {
        let at = Utc.with_ymd_and_hms(2026, 3, 31, 22, 59, 59).single();
        let clock = Clock::fixed(at.expect("valid time"));
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2026, 3, 31).expect("date")
        );
        // Midnight BST is 23:00 UTC: the UK is already on the next day.
        let later = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 31, 23, 0, 0).unwrap());
        assert_eq!(
            later.today(),
            NaiveDate::from_ymd_opt(2026, 4, 1).expect("date")
        );
        assert_eq!(clock.now(), clock.now());
    }
}
