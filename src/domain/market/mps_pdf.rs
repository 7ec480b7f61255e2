//! A Market Position Statement as a PDF a council would print: the same sections, tables
//! and charts as the web page, in the same words and figures (money with pence), set by
//! `typeset` as a tagged PDF with the statement's title and language in its metadata.
//! Drafts get one too, marked as drafts, so the commissioner checks it before publishing.

use entity::mps_documents;

use crate::domain::dates::format_date;
use crate::domain::listings::content::{format_pounds, format_pounds_and_pence};
use crate::domain::market::export::RATING_LABELS;
use crate::domain::market::mps::{Figures, SECTIONS, area_label, figures_of, narrative_of};
use crate::typeset::{self, Block, Chart, Column, Table};

fn area(district: &str) -> String {
    area_label(district).to_owned()
}

fn table(caption: Option<&str>, columns: Vec<Column>, rows: Vec<Vec<String>>) -> Block {
    Block::Table(Table {
        caption: caption.map(str::to_owned),
        columns,
        rows,
    })
}

fn h2(text: &str) -> Block {
    Block::Heading(2, text.to_owned())
}

fn supply(f: &Figures, out: &mut Vec<Block>) {
    out.push(h2("The services available"));
    out.push(Block::Paragraph(format!(
        "{} published services (a service offering several types of support is counted under each).",
        f.total_services()
    )));
    out.push(table(
        Some("Services by type of support and postcode district"),
        vec![
            Column::text("Type of support"),
            Column::text("District"),
            Column::number("Services"),
            Column::number("Providers"),
            Column::number("Taking new clients"),
        ],
        f.supply
            .iter()
            .map(|s| {
                vec![
                    s.category.clone(),
                    area(&s.district),
                    s.services.to_string(),
                    s.providers.to_string(),
                    s.accepting.to_string(),
                ]
            })
            .collect(),
    ));
    if !f.prices.is_empty() {
        out.push(table(
            Some("Prices per unit: lower quarter, middle and upper quarter"),
            vec![
                Column::text("Per"),
                Column::number("Services"),
                Column::number("Lower quarter"),
                Column::number("Middle"),
                Column::number("Upper quarter"),
            ],
            f.prices
                .iter()
                .map(|p| {
                    vec![
                        p.unit.clone(),
                        p.count.to_string(),
                        format_pounds_and_pence(p.lower_quartile),
                        format_pounds_and_pence(p.median),
                        format_pounds_and_pence(p.upper_quartile),
                    ]
                })
                .collect(),
        ));
    }
    out.push(table(
        Some("Services first published and withdrawn, by month (all areas and types of support)"),
        vec![
            Column::text("Month"),
            Column::number("New"),
            Column::number("Withdrawn"),
        ],
        f.flows
            .iter()
            .map(|m| {
                vec![
                    m.month.format("%B %Y").to_string(),
                    m.new.to_string(),
                    m.withdrawn.to_string(),
                ]
            })
            .collect(),
    ));
    out.push(table(
        Some("Providers by kind"),
        vec![Column::text("Kind"), Column::number("Providers")],
        f.kinds
            .iter()
            .map(|(k, n)| vec![k.clone(), n.to_string()])
            .collect(),
    ));
    if !f.languages.is_empty() {
        out.push(table(
            Some("Languages offered"),
            vec![Column::text("Language"), Column::number("Services")],
            f.languages
                .iter()
                .map(|(l, n)| vec![l.clone(), n.to_string()])
                .collect(),
        ));
    }
}

fn quality(f: &Figures, out: &mut Vec<Block>) {
    out.push(h2("Quality"));
    let bars: Vec<(String, u64)> = RATING_LABELS
        .iter()
        .map(|(label, i)| ((*label).to_owned(), f.ratings[*i]))
        .collect();
    out.push(Block::Chart(Chart::Bars {
        title: "Services by quality rating".into(),
        alt: format!(
            "Bar chart: how many published services have each overall rating from their latest quality check. {}. The same numbers are in the table.",
            bars.iter()
                .map(|(l, n)| format!("{l}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        bars: bars.iter().map(|(l, n)| (l.clone(), *n as f64)).collect(),
    }));
    out.push(table(
        None,
        vec![Column::text("Rating"), Column::number("Services")],
        bars.iter()
            .map(|(l, n)| vec![l.clone(), n.to_string()])
            .collect(),
    ));
}

fn demand(f: &Figures, out: &mut Vec<Block>) {
    out.push(h2("What people look for"));
    out.push(Block::Paragraph(format!(
        "{} searches, of which {} found nothing; {} enquiries to providers.",
        f.total_searches(),
        f.total_zero_results(),
        f.total_enquiries()
    )));
    out.push(table(
        Some("Searches and enquiries by type of support and district"),
        vec![
            Column::text("Type of support"),
            Column::text("District"),
            Column::number("Searches"),
            Column::number("Found nothing"),
            Column::number("Enquiries"),
            Column::number("Arranged"),
            Column::number("Not met"),
            Column::number("Average hours to first reply"),
        ],
        f.demand
            .iter()
            .map(|d| {
                vec![
                    d.category.clone(),
                    area(&d.district),
                    d.searches.to_string(),
                    d.zero_results.to_string(),
                    d.enquiries.to_string(),
                    d.arranged.to_string(),
                    d.unmet.to_string(),
                    d.reply_hours_text(),
                ]
            })
            .collect(),
    ));
    if !f.zero_queries.is_empty() {
        out.push(Block::Heading(
            3,
            "Words searched most often that found nothing".into(),
        ));
        out.push(Block::List(
            f.zero_queries
                .iter()
                .map(|(q, n)| format!("“{q}” – {n}"))
                .collect(),
        ));
    }
}

fn gaps(f: &Figures, out: &mut Vec<Block>) {
    out.push(h2("Where the gaps are"));
    out.push(Block::Paragraph("For each type of support and postcode district: searches and enquiries in the period per published service, plus one. The higher the number, the more people are looking for each service there is.".into()));
    let mut categories: Vec<String> = f.gaps.iter().map(|g| g.category.clone()).collect();
    categories.sort();
    categories.dedup();
    categories.truncate(10);
    let mut districts: Vec<String> = f.gaps.iter().map(|g| g.district.clone()).collect();
    districts.sort();
    districts.dedup();
    districts.truncate(10);
    if !categories.is_empty() && !districts.is_empty() {
        let values = categories
            .iter()
            .map(|c| {
                districts
                    .iter()
                    .map(|d| {
                        f.gaps
                            .iter()
                            .find(|g| g.category == *c && g.district == *d)
                            .map_or(0.0, |g| g.index)
                    })
                    .collect()
            })
            .collect();
        out.push(Block::Chart(Chart::HeatMap {
            title: "Demand per service by type of support and district".into(),
            alt: "Heat map of searches and enquiries per published service, plus one, for each type of support (rows) and postcode district (columns); darker is a bigger gap. The same numbers are in the table that follows.".into(),
            rows: categories,
            columns: districts,
            values,
        }));
    }
    out.push(table(
        Some("The biggest gaps"),
        vec![
            Column::text("Type of support"),
            Column::text("District"),
            Column::number("Services"),
            Column::number("Searches"),
            Column::number("Found nothing"),
            Column::number("Enquiries"),
            Column::number("Demand per service"),
        ],
        f.gaps
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
            .collect(),
    ));
}

fn grants(f: &Figures, out: &mut Vec<Block>) {
    out.push(h2("Grants awarded"));
    if f.grants.is_empty() {
        out.push(Block::Paragraph(
            "No innovation-fund grants were awarded in this period.".into(),
        ));
        return;
    }
    out.push(Block::Paragraph(format!(
        "{} grants, {} in all.",
        f.grants.len(),
        format_pounds(f.total_granted())
    )));
    out.push(table(
        None,
        vec![
            Column::text("Round"),
            Column::text("Recipient"),
            Column::number("Amount"),
        ],
        f.grants
            .iter()
            .map(|g| {
                vec![
                    g.round.clone(),
                    g.recipient.clone(),
                    format_pounds_and_pence(g.amount_pence),
                ]
            })
            .collect(),
    ));
}

/// The statement as the document `typeset` sets: the title and its line, the narrative
/// before the figures, the figures, then the rest of the narrative, as on the web page.
pub fn document(m: &mps_documents::Model, council: &str) -> typeset::Document {
    let narrative = narrative_of(m);
    let text = |key: &str| narrative.get(key).cloned().unwrap_or_default();
    let f = figures_of(m);
    let mut blocks = vec![
        Block::Heading(1, m.title.clone()),
        Block::Paragraph(format!(
            "Market Position Statement, version {}. Covers {} to {}.{}",
            m.version,
            format_date(&m.period_from),
            format_date(&m.period_to),
            match m.published_at {
                Some(at) => format!(" Published {}.", crate::domain::dates::format_uk_date(&at)),
                None => " Draft: not yet published.".to_owned(),
            }
        )),
    ];
    let [vision, people, intentions, support, messages, involved] = SECTIONS;
    for (key, heading, _) in [vision, people] {
        blocks.push(h2(heading));
        blocks.push(Block::Paragraph(text(key)));
    }
    supply(&f, &mut blocks);
    quality(&f, &mut blocks);
    demand(&f, &mut blocks);
    gaps(&f, &mut blocks);
    grants(&f, &mut blocks);
    for (key, heading, _) in [intentions, support, messages, involved] {
        blocks.push(h2(heading));
        blocks.push(Block::Paragraph(text(key)));
    }
    let title = if m.published_at.is_some() {
        m.title.clone()
    } else {
        format!("Draft: {}", m.title)
    };
    typeset::Document {
        title,
        language: "en-GB".into(),
        author: council.to_owned(),
        blocks,
    }
}

/// The statement as PDF bytes.
pub fn render(m: &mps_documents::Model, council: &str) -> Result<Vec<u8>, typeset::TypesetError> {
    typeset::render(&document(m, council))
}
