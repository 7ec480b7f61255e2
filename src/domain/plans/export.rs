//! A support plan as CSV for spreadsheets: one row per line with its weekly or one-off cost,
//! then the totals and the budget. Text a person wrote is made safe for spreadsheets.

use crate::domain::listings::content::PriceUnit;
use crate::domain::plans::budget::format_quantity;
use crate::domain::plans::support_plans::{PlanView, line_of};

/// Stops a spreadsheet treating text as a formula ("=…", "+…", "-…", "@…").
pub fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Pence as pounds with two decimals, no symbol: 1850 → "18.50", -2275 → "-22.75".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

pub fn plan_csv(view: &PlanView) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Service",
        "Unit",
        "Price per unit (£)",
        "Quantity",
        "How often",
        "Cost (£)",
    ])?;
    for item in &view.items {
        let unit = PriceUnit::parse(&item.unit).map_or("item", PriceUnit::as_str);
        w.write_record([
            spreadsheet_safe(&item.description),
            unit.to_owned(),
            pounds(item.unit_price_pence),
            format_quantity(item.quantity_hundredths),
            if item.one_off { "once" } else { "each week" }.to_owned(),
            pounds(line_of(item).cost_pence()),
        ])?;
    }
    let t = &view.totals;
    let mut summary = vec![
        ("Total each week", Some(t.weekly_pence)),
        ("One-off costs", Some(t.one_off_pence)),
        (
            "Total for a year (52 weeks + one-off costs)",
            Some(t.annual_pence),
        ),
        ("Weekly budget", t.weekly_budget_pence),
        ("Budget for a year", t.annual_budget_pence),
        ("Left each week", t.weekly_left_pence),
        ("Left for the year", t.annual_left_pence),
    ];
    summary.retain(|(_, v)| v.is_some());
    for (label, value) in summary {
        w.write_record([label, "", "", "", "", &pounds(value.unwrap_or_default())])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_pounds_keep_their_sign() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("Home help"), "Home help");
        assert_eq!(pounds(-2275), "-22.75");
        assert_eq!(pounds(5), "0.05");
    }
}
