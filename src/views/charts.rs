//! Charts drawn as SVG on the server: each has a title and a description for screen
//! readers, and every page that shows one also shows the same numbers as a table.

use maud::{Markup, html};

/// Light to dark; text is dark on the first three and white on the rest (contrast ≥ 4.5:1).
const SHADES: [&str; 6] = [
    "#f3f2f1", "#d2e2f1", "#9cc0e3", "#4c85c9", "#1d70b8", "#003078",
];

/// Which shade a value takes on a scale up to `max`.
pub fn shade_of(value: f64, max: f64) -> usize {
    if value <= 0.0 || max <= 0.0 {
        0
    } else {
        1 + ((value / max) * 4.999).floor().clamp(0.0, 4.0) as usize
    }
}

/// A grid of rows × columns, each cell shaded by its value and labelled with it.
pub fn heat_map(
    id: &str,
    title: &str,
    description: &str,
    rows: &[String],
    columns: &[String],
    value: impl Fn(usize, usize) -> f64,
) -> Markup {
    const LABEL: f64 = 320.0;
    const CELL_W: f64 = 64.0;
    const CELL_H: f64 = 36.0;
    const HEAD: f64 = 40.0;
    let width = LABEL + CELL_W * columns.len() as f64;
    let height = HEAD + CELL_H * rows.len() as f64;
    let max = (0..rows.len())
        .flat_map(|r| (0..columns.len()).map(move |c| (r, c)))
        .map(|(r, c)| value(r, c))
        .fold(0.0_f64, f64::max);
    html! {
        // Focusable so keyboard users can scroll a chart wider than a phone.
        div class="kith-chart" tabindex="0" role="region" aria-labelledby={ (id) "-title" } {
            svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(height)
                viewBox={ "0 0 " (width) " " (height) } aria-labelledby={ (id) "-title " (id) "-desc" } {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (description) }
                @for (c, name) in columns.iter().enumerate() {
                    text x=(LABEL + CELL_W * c as f64 + CELL_W / 2.0) y=(HEAD - 12.0) text-anchor="middle" font-size="15" font-family="arial, sans-serif" fill="#0b0c0c" { (name) }
                }
                @for (r, name) in rows.iter().enumerate() {
                    @let y = HEAD + CELL_H * r as f64;
                    text x=(LABEL - 8.0) y=(y + CELL_H / 2.0 + 5.0) text-anchor="end" font-size="15" font-family="arial, sans-serif" fill="#0b0c0c" { (name) }
                    @for c in 0..columns.len() {
                        @let v = value(r, c);
                        @let shade = shade_of(v, max);
                        rect x=(LABEL + CELL_W * c as f64) y=(y) width=(CELL_W - 2.0) height=(CELL_H - 2.0) fill=(SHADES[shade]) {}
                        text x=(LABEL + CELL_W * c as f64 + CELL_W / 2.0 - 1.0) y=(y + CELL_H / 2.0 + 5.0) text-anchor="middle" font-size="14" font-family="arial, sans-serif"
                            fill=(if shade >= 3 { "#ffffff" } else { "#0b0c0c" }) { (format!("{v:.1}")) }
                    }
                }
            }
        }
    }
}

/// Horizontal bars, one per (label, value).
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[(String, u64)]) -> Markup {
    const LABEL: f64 = 200.0;
    const BAR_MAX: f64 = 320.0;
    const ROW: f64 = 34.0;
    let width = LABEL + BAR_MAX + 60.0;
    let height = ROW * bars.len() as f64 + 8.0;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    html! {
        // Focusable so keyboard users can scroll a chart wider than a phone.
        div class="kith-chart" tabindex="0" role="region" aria-labelledby={ (id) "-title" } {
            svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(height)
                viewBox={ "0 0 " (width) " " (height) } aria-labelledby={ (id) "-title " (id) "-desc" } {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (description) }
                @for (i, (label, v)) in bars.iter().enumerate() {
                    @let y = ROW * i as f64 + 4.0;
                    @let w = (*v as f64 / max * BAR_MAX).max(if *v > 0 { 2.0 } else { 0.0 });
                    text x=(LABEL - 8.0) y=(y + 20.0) text-anchor="end" font-size="15" font-family="arial, sans-serif" fill="#0b0c0c" { (label) }
                    rect x=(LABEL) y=(y) width=(w) height=(ROW - 8.0) fill="#1d70b8" {}
                    text x=(LABEL + w + 6.0) y=(y + 20.0) font-size="15" font-family="arial, sans-serif" fill="#0b0c0c" { (v) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_run_from_none_to_the_maximum() {
        assert_eq!(shade_of(0.0, 10.0), 0);
        assert_eq!(shade_of(0.1, 10.0), 1);
        assert_eq!(shade_of(10.0, 10.0), 5);
        assert_eq!(shade_of(5.0, 0.0), 0);
    }
}
