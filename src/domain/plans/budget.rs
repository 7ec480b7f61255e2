//! Budget arithmetic for a support plan, in whole pence: what each line costs a week, the
//! weekly and annual totals, and what is left of the budget. No database here, so every sum
//! can be checked against a hand-worked example.

/// Weeks in a budget year, as councils count personal budgets.
pub const WEEKS_PER_YEAR: i64 = 52;
/// Most units a week one line may plan (there are 168 hours in a week).
pub const MAX_QUANTITY_HUNDREDTHS: i64 = 168 * 100;

/// One line of a plan, as the arithmetic sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub unit_price_pence: i64,
    /// Units a week (or in all, for a one-off), in hundredths.
    pub quantity_hundredths: i64,
    pub one_off: bool,
}

impl Line {
    /// Price × quantity, rounded to the nearest penny (halves up).
    pub fn cost_pence(self) -> i64 {
        (self.unit_price_pence * self.quantity_hundredths + 50).div_euclid(100)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub weekly_pence: i64,
    pub one_off_pence: i64,
    /// Weekly × 52 + one-offs.
    pub annual_pence: i64,
    pub weekly_budget_pence: Option<i64>,
    pub annual_budget_pence: Option<i64>,
    /// Budget − weekly spend (negative when over).
    pub weekly_left_pence: Option<i64>,
    /// Annual budget − annual spend (negative when over).
    pub annual_left_pence: Option<i64>,
}

impl Totals {
    pub fn over_budget(&self) -> bool {
        self.weekly_left_pence.is_some_and(|l| l < 0)
            || self.annual_left_pence.is_some_and(|l| l < 0)
    }
}

pub fn totals(lines: &[Line], weekly_budget_pence: Option<i64>) -> Totals {
    let weekly_pence: i64 = lines
        .iter()
        .filter(|l| !l.one_off)
        .map(|l| l.cost_pence())
        .sum();
    let one_off_pence: i64 = lines
        .iter()
        .filter(|l| l.one_off)
        .map(|l| l.cost_pence())
        .sum();
    let annual_pence = weekly_pence * WEEKS_PER_YEAR + one_off_pence;
    let annual_budget_pence = weekly_budget_pence.map(|b| b * WEEKS_PER_YEAR);
    Totals {
        weekly_pence,
        one_off_pence,
        annual_pence,
        weekly_budget_pence,
        annual_budget_pence,
        weekly_left_pence: weekly_budget_pence.map(|b| b - weekly_pence),
        annual_left_pence: annual_budget_pence.map(|b| b - annual_pence),
    }
}

/// "2", "1.5", "0.25", "7.5 hours" → hundredths of a unit, between 0.25 and 168.
pub fn parse_quantity(raw: &str) -> Result<i64, &'static str> {
    const MESSAGE: &str = "Enter how many, as a number like 2 or 1.5";
    let t = raw.trim();
    let number = t
        .split_whitespace()
        .next()
        .ok_or("Enter how many a week, like 2 or 1.5")?;
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() > 4
        || frac.len() > 2
        || !digits(whole)
        || !digits(frac)
        || (whole.is_empty() && frac.is_empty())
    {
        return Err(MESSAGE);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| MESSAGE)?
    };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| MESSAGE)? * 10,
        _ => frac.parse().map_err(|_| MESSAGE)?,
    };
    let hundredths = whole * 100 + frac;
    if hundredths < 25 {
        return Err("Enter at least 0.25");
    }
    if hundredths > MAX_QUANTITY_HUNDREDTHS {
        return Err("Enter 168 or fewer (there are 168 hours in a week)");
    }
    Ok(hundredths)
}

/// 150 → "1.5", 200 → "2", 25 → "0.25".
pub fn format_quantity(hundredths: i64) -> String {
    let whole = hundredths / 100;
    match hundredths % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekly(price: i64, qty: i64) -> Line {
        Line {
            unit_price_pence: price,
            quantity_hundredths: qty,
            one_off: false,
        }
    }

    #[test]
    fn a_hand_worked_weekly_plan() {
        // 7.5 hours of home help at £18.50 = £138.75;
        // 2 day-centre sessions at £32.00 = £64.00;
        // a one-off grab rail at £45.00.
        // Weekly £202.75; a year: 202.75 × 52 + 45 = £10,588.00.
        // Budget £180.00 a week (£9,360.00 a year): £22.75 a week over, £1,228.00 a year over.
        let lines = [
            weekly(1850, 750),
            weekly(3200, 200),
            Line {
                unit_price_pence: 4500,
                quantity_hundredths: 100,
                one_off: true,
            },
        ];
        let t = totals(&lines, Some(18_000));
        assert_eq!(t.weekly_pence, 20_275);
        assert_eq!(t.one_off_pence, 4_500);
        assert_eq!(t.annual_pence, 1_058_800);
        assert_eq!(t.annual_budget_pence, Some(936_000));
        assert_eq!(t.weekly_left_pence, Some(-2_275));
        assert_eq!(t.annual_left_pence, Some(-122_800));
        assert!(t.over_budget());
    }

    #[test]
    fn pennies_round_half_up_and_no_budget_means_no_warning() {
        // 1.25 hours at £17.30 = £21.625 → £21.63.
        assert_eq!(weekly(1730, 125).cost_pence(), 2163);
        let t = totals(&[weekly(1730, 125)], None);
        assert_eq!(t.weekly_left_pence, None);
        assert!(!t.over_budget());
        let t = totals(&[weekly(1000, 100)], Some(1000));
        assert_eq!(t.weekly_left_pence, Some(0));
        assert!(!t.over_budget(), "exactly on budget is not over");
    }

    #[test]
    fn quantities_parse_as_people_write_them() {
        assert_eq!(parse_quantity("2"), Ok(200));
        assert_eq!(parse_quantity("1.5"), Ok(150));
        assert_eq!(parse_quantity(".25"), Ok(25));
        assert_eq!(parse_quantity("7.5 hours"), Ok(750));
        for bad in ["", "two", "-1", "0", "0.1", "169", "1.234", "1e3"] {
            assert!(parse_quantity(bad).is_err(), "{bad}");
        }
        assert_eq!(format_quantity(150), "1.5");
        assert_eq!(format_quantity(25), "0.25");
        assert_eq!(format_quantity(200), "2");
    }
}
