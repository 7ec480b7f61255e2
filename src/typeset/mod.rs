//! Accessible PDFs from a few kinds of block: headings, paragraphs, lists, tables and
//! charts, set on A4 in embedded fonts that cover every script people type, and tagged for
//! screen readers (PDF/UA-1: a structure tree, real table headers, charts as figures with
//! alternative text, an outline, and the title and language in the metadata).
//!
//! Layout runs first and gives pages of drawing items plus the structure tree
//! (`layout`); `emit` then writes them with krilla, which checks PDF/UA-1 as it goes.

mod emit;
pub mod fonts;
mod layout;

/// One thing on the page, in reading order.
#[derive(Clone, Debug)]
pub enum Block {
    /// Level 1 is the document's title; 2 and 3 are sections and subsections.
    Heading(u16, String),
    /// A paragraph; line breaks in the text start new paragraphs.
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    Table(Table),
    Chart(Chart),
}

#[derive(Clone, Debug)]
pub struct Column {
    pub title: String,
    /// Numbers and money are set right-aligned, like the web page's tables.
    pub numeric: bool,
}

impl Column {
    pub fn text(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            numeric: false,
        }
    }

    pub fn number(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            numeric: true,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Clone, Debug)]
pub enum Chart {
    /// Horizontal bars, one per label.
    Bars {
        title: String,
        alt: String,
        bars: Vec<(String, f64)>,
    },
    /// Shaded cells: `rows` × `columns`, darker for bigger values, each with its number.
    HeatMap {
        title: String,
        alt: String,
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<f64>>,
    },
}

#[derive(Clone, Debug)]
pub struct Document {
    pub title: String,
    /// BCP 47, like "en-GB".
    pub language: String,
    pub author: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, thiserror::Error)]
#[error("The PDF could not be made: {0}")]
pub struct TypesetError(pub String);

/// The document as PDF bytes.
pub fn render(document: &Document) -> Result<Vec<u8>, TypesetError> {
    let laid_out = layout::lay_out(document);
    emit::write(document, &laid_out)
}
