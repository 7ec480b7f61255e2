//! A published Market Position Statement as a PDF, built with printpdf: the same sections
//! and tables as the web page, in reading order, on A4 pages with the built-in Helvetica
//! (no font files to ship). The PDF carries the statement's title in its metadata. Text
//! outside plain ASCII is spelt out ("£" as "GBP", curly quotes as straight ones) because
//! the built-in fonts cannot show it.

use entity::mps_documents;
use printpdf::{BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference};

use crate::domain::dates::format_date;
use crate::domain::market::mps::{Figures, SECTIONS, figures_of, narrative_of};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
/// Characters per line at 10 pt across the text width (Helvetica averages about half an em).
const BODY_CHARS: usize = 96;

/// ASCII that the built-in fonts show everywhere.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '£' => out.push_str("GBP "),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '–' | '—' => out.push('-'),
            '…' => out.push_str("..."),
            '\t' => out.push(' '),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// Splits text into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

struct Writer {
    doc: PdfDocumentReference,
    layer: printpdf::PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: f32,
}

impl Writer {
    fn new(title: &str) -> Result<Self, printpdf::Error> {
        let (doc, page, layer) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "Text");
        let regular = doc.add_builtin_font(BuiltinFont::Helvetica)?;
        let bold = doc.add_builtin_font(BuiltinFont::HelveticaBold)?;
        let layer = doc.get_page(page).get_layer(layer);
        Ok(Self {
            doc,
            layer,
            regular,
            bold,
            y: PAGE_H - MARGIN,
        })
    }

    fn space(&mut self, mm: f32) {
        if self.y - mm < MARGIN {
            let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "Text");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = PAGE_H - MARGIN;
        } else {
            self.y -= mm;
        }
    }

    fn line(&mut self, text: &str, size: f32, bold: bool) {
        let step = size * 0.3528 * 1.4;
        self.space(step);
        let font = if bold { &self.bold } else { &self.regular };
        self.layer
            .use_text(plain(text), size, Mm(MARGIN), Mm(self.y), font);
    }

    fn heading(&mut self, text: &str, size: f32) {
        self.space(4.0);
        for l in wrap(&plain(text), (BODY_CHARS as f32 * 10.0 / size) as usize) {
            self.line(&l, size, true);
        }
    }

    fn paragraph(&mut self, text: &str) {
        for l in wrap(&plain(text), BODY_CHARS) {
            self.line(&l, 10.0, false);
        }
        self.space(2.0);
    }

    /// A table as aligned text rows: header in bold, then one line per row.
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r.get(i).map_or(0, String::len))
                    .chain(std::iter::once(header[i].len()))
                    .max()
                    .unwrap_or(0)
                    .min(36)
            })
            .collect();
        let render = |cells: Vec<String>| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    let c: String = plain(c).chars().take(*w).collect();
                    format!("{c:<w$}")
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        self.line(
            &render(header.iter().map(|h| (*h).to_owned()).collect()),
            8.0,
            true,
        );
        for r in rows {
            self.line(&render(r.clone()), 8.0, false);
        }
        self.space(3.0);
    }
}

fn pounds(p: i64) -> String {
    crate::domain::listings::content::format_pounds(p)
}

fn figures(w: &mut Writer, f: &Figures) {
    w.heading("The services available", 14.0);
    w.paragraph(&format!("{} published services.", f.total_services()));
    let rows: Vec<Vec<String>> = f
        .supply
        .iter()
        .map(|s| {
            vec![
                s.category.clone(),
                s.district.clone(),
                s.services.to_string(),
                s.providers.to_string(),
                s.accepting.to_string(),
            ]
        })
        .collect();
    w.table(
        &[
            "Type of support",
            "District",
            "Services",
            "Providers",
            "Taking new clients",
        ],
        &rows,
    );
    let prices: Vec<Vec<String>> = f
        .prices
        .iter()
        .map(|p| {
            vec![
                p.unit.clone(),
                p.count.to_string(),
                pounds(p.lower_quartile),
                pounds(p.median),
                pounds(p.upper_quartile),
            ]
        })
        .collect();
    w.table(
        &[
            "Per",
            "Services",
            "Lower quarter",
            "Middle",
            "Upper quarter",
        ],
        &prices,
    );
    let flows: Vec<Vec<String>> = f
        .flows
        .iter()
        .map(|m| {
            vec![
                m.month.format("%B %Y").to_string(),
                m.new.to_string(),
                m.withdrawn.to_string(),
            ]
        })
        .collect();
    w.table(&["Month", "New services", "Withdrawn"], &flows);
    let languages: Vec<Vec<String>> = f
        .languages
        .iter()
        .map(|(l, n)| vec![l.clone(), n.to_string()])
        .collect();
    w.table(&["Language", "Services"], &languages);
    w.heading("Quality", 14.0);
    let ratings: Vec<Vec<String>> = crate::domain::market::export::RATING_LABELS
        .iter()
        .map(|(l, i)| vec![(*l).to_owned(), f.ratings[*i].to_string()])
        .collect();
    w.table(&["Rating", "Services"], &ratings);
    w.heading("What people look for", 14.0);
    w.paragraph(&format!(
        "{} searches, of which {} found nothing; {} enquiries to providers.",
        f.total_searches(),
        f.total_zero_results(),
        f.total_enquiries()
    ));
    let demand: Vec<Vec<String>> = f
        .demand
        .iter()
        .map(|d| {
            vec![
                d.category.clone(),
                d.district.clone(),
                d.searches.to_string(),
                d.zero_results.to_string(),
                d.enquiries.to_string(),
                d.arranged.to_string(),
                d.unmet.to_string(),
                d.reply_hours_text(),
            ]
        })
        .collect();
    w.table(
        &[
            "Type of support",
            "District",
            "Searches",
            "Found nothing",
            "Enquiries",
            "Arranged",
            "Not met",
            "Hours to reply",
        ],
        &demand,
    );
    w.heading("Where the gaps are", 14.0);
    w.paragraph("Searches and enquiries in the period per published service, plus one: the higher, the more people look for each service there is.");
    let gaps: Vec<Vec<String>> = f
        .gaps
        .iter()
        .map(|g| {
            vec![
                g.category.clone(),
                g.district.clone(),
                g.services.to_string(),
                g.searches.to_string(),
                g.zero_results.to_string(),
                g.enquiries.to_string(),
                format!("{:.1}", g.index),
            ]
        })
        .collect();
    w.table(
        &[
            "Type of support",
            "District",
            "Services",
            "Searches",
            "Found nothing",
            "Enquiries",
            "Demand per service",
        ],
        &gaps,
    );
    w.heading("Grants awarded", 14.0);
    if f.grants.is_empty() {
        w.paragraph("No innovation-fund grants were awarded in this period.");
    } else {
        let grants: Vec<Vec<String>> = f
            .grants
            .iter()
            .map(|g| vec![g.round.clone(), g.recipient.clone(), pounds(g.amount_pence)])
            .collect();
        w.table(&["Round", "Recipient", "Amount"], &grants);
    }
}

/// The statement as PDF bytes.
pub fn render(m: &mps_documents::Model) -> Result<Vec<u8>, printpdf::Error> {
    let narrative = narrative_of(m);
    let text = |key: &str| narrative.get(key).cloned().unwrap_or_default();
    let mut w = Writer::new(&plain(&m.title))?;
    w.heading(&m.title, 20.0);
    w.paragraph(&format!(
        "Market Position Statement, version {}. Covers {} to {}.{}",
        m.version,
        format_date(&m.period_from),
        format_date(&m.period_to),
        m.published_at
            .map(|at| format!(" Published {}.", format_date(&at.date_naive())))
            .unwrap_or_default()
    ));
    let [vision, people, intentions, support, messages, involved] = SECTIONS;
    for (key, heading, _) in [vision, people] {
        w.heading(heading, 14.0);
        w.paragraph(&text(key));
    }
    figures(&mut w, &figures_of(m));
    for (key, heading, _) in [intentions, support, messages, involved] {
        w.heading(heading, 14.0);
        w.paragraph(&text(key));
    }
    w.doc.save_to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_made_plain_and_wrapped() {
        assert_eq!(plain("£18.50 – “good” …"), "GBP 18.50 - \"good\" ...");
        assert_eq!(plain("Zoë"), "Zo?");
        let lines = wrap("one two three four five", 9);
        assert_eq!(lines, vec!["one two", "three", "four five"]);
    }
}
