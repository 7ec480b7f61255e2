//! Sets blocks on A4 pages: wraps text by its measured width, keeps headings with what
//! follows, breaks tables between rows and repeats their heading row on the next page, and
//! keeps each chart on one page. The result is drawing items per page and the structure
//! tree that says what each item is.

use std::num::NonZeroU16;

use krilla::tagging::{ArtifactType, ListNumbering, TableHeaderScope, Tag, TagKind};

use super::fonts::{self, BOLD, REGULAR};
use super::{Block, Chart, Column, Document, Table};

pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 56.7;
const TOP: f32 = 56.7;
/// Where content stops; the footer sits below.
const BOTTOM: f32 = PAGE_H - 72.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;
const LEADING: f32 = 1.35;
const CELL_PAD: f32 = 4.0;

pub type Colour = (u8, u8, u8);
pub const BLACK: Colour = (11, 12, 12);
pub const GREY: Colour = (177, 180, 182);
/// GOV.UK blue, and its dark shade for the biggest values.
const BLUE: Colour = (29, 112, 184);
const DARK_BLUE: Colour = (0, 48, 120);

#[derive(Clone, Debug)]
pub enum Op {
    /// `y` is the baseline; `face` is the first face tried (regular or bold).
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: usize,
        text: String,
        colour: Colour,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum ItemKind {
    /// Words someone reads: a line of text.
    Text,
    /// A drawing (a chart) that its figure's alternative text stands for.
    Graphic,
    /// Decoration and repetition a screen reader skips: rules, repeated table headings.
    Artifact(ArtifactType),
}

#[derive(Clone, Debug)]
pub struct Item {
    pub page: usize,
    pub kind: ItemKind,
    pub ops: Vec<Op>,
}

/// The structure tree: a tag with children, or one item's content.
#[derive(Clone, Debug)]
pub enum Node {
    Group(TagKind, Vec<Node>),
    Content(usize),
}

#[derive(Clone, Debug)]
pub struct Heading {
    pub level: u16,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

#[derive(Debug, Default)]
pub struct LaidOut {
    pub pages: usize,
    pub items: Vec<Item>,
    pub tree: Vec<Node>,
    pub headings: Vec<Heading>,
}

/// Greedy wrapping by measured width; a word wider than the line is broken between letters.
pub fn wrap(text: &str, face: usize, size: f32, width: f32) -> Vec<String> {
    let space = fonts::width(" ", face, size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut w = fonts::width(word, face, size);
        let mut word = word.to_owned();
        if w > width {
            // Break an over-long word (a URL) into pieces that fit.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if fonts::width(&piece, face, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            word = piece;
            w = fonts::width(&word, face, size);
            line_w = 0.0;
        }
        if !line.is_empty() && line_w + space + w > width {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_w += space;
        }
        line.push_str(&word);
        line_w += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Layouter {
    out: LaidOut,
    page: usize,
    y: f32,
}

impl Layouter {
    fn new_page(&mut self) {
        self.page += 1;
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below (or the page is still empty).
    fn keep(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn item(&mut self, kind: ItemKind, ops: Vec<Op>) -> Node {
        self.out.items.push(Item {
            page: self.page,
            kind,
            ops,
        });
        Node::Content(self.out.items.len() - 1)
    }

    /// One line of text at `x` on the current line, as an item.
    fn line(&mut self, x: f32, text: &str, face: usize, size: f32) -> Node {
        self.keep(size * LEADING);
        let node = self.item(
            ItemKind::Text,
            vec![text_op(x, self.y + size, text, face, size)],
        );
        self.y += size * LEADING;
        node
    }

    fn lines(&mut self, x: f32, text: &str, face: usize, size: f32, width: f32) -> Vec<Node> {
        wrap(text, face, size, width)
            .iter()
            .map(|l| self.line(x, l, face, size))
            .collect()
    }

    fn heading(&mut self, level: u16, text: &str) {
        let size = match level {
            1 => 22.0,
            2 => 16.0,
            _ => 12.5,
        };
        if self.y > TOP {
            self.y += if level <= 2 { 14.0 } else { 8.0 };
        }
        let lines = wrap(text, BOLD, size, WIDTH);
        // A heading never ends a page: keep room for it and three lines of what follows.
        self.keep(lines.len() as f32 * size * LEADING + 3.0 * BODY * LEADING);
        self.out.headings.push(Heading {
            level,
            text: text.to_owned(),
            page: self.page,
            y: self.y,
        });
        let content: Vec<Node> = lines
            .iter()
            .map(|l| self.line(MARGIN, l, BOLD, size))
            .collect();
        let level = NonZeroU16::new(level.clamp(1, 6)).unwrap_or(NonZeroU16::MIN);
        self.out.tree.push(Node::Group(
            Tag::Hn(level, Some(text.to_owned())).into(),
            content,
        ));
        self.y += 4.0;
    }

    fn paragraph(&mut self, text: &str) {
        for para in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            let content = self.lines(MARGIN, para, REGULAR, BODY, WIDTH);
            self.out.tree.push(Node::Group(Tag::P.into(), content));
            self.y += 6.0;
        }
    }

    fn list(&mut self, items: &[String]) {
        let indent = 14.0;
        let mut children = Vec::new();
        for item in items {
            let lines = wrap(item, REGULAR, BODY, WIDTH - indent);
            self.keep(BODY * LEADING);
            let bullet = self.item(
                ItemKind::Text,
                vec![text_op(MARGIN, self.y + BODY, "•", REGULAR, BODY)],
            );
            let body: Vec<Node> = lines
                .iter()
                .map(|l| self.line(MARGIN + indent, l, REGULAR, BODY))
                .collect();
            children.push(Node::Group(
                Tag::LI.into(),
                vec![
                    Node::Group(Tag::Lbl.into(), vec![bullet]),
                    Node::Group(Tag::LBody.into(), body),
                ],
            ));
        }
        self.out
            .tree
            .push(Node::Group(Tag::L(ListNumbering::Disc).into(), children));
        self.y += 6.0;
    }

    fn table(&mut self, t: &Table) {
        let widths = column_widths(t);
        let lefts: Vec<f32> = widths
            .iter()
            .scan(MARGIN, |x, w| {
                let left = *x;
                *x += w;
                Some(left)
            })
            .collect();
        let set_row = |cells: &[String], face: usize| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| wrap(c, face, SMALL, w - 2.0 * CELL_PAD))
                .collect()
        };
        let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let header = set_row(&titles, BOLD);
        let height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * SMALL * LEADING
                + 2.0 * CELL_PAD
        };
        let header_h = height(&header);
        let rows: Vec<Vec<Vec<String>>> = t.rows.iter().map(|r| set_row(r, REGULAR)).collect();
        let caption = t.caption.as_ref().map(|c| wrap(c, BOLD, BODY, WIDTH));
        let caption_h = caption
            .as_ref()
            .map_or(0.0, |c| c.len() as f32 * BODY * LEADING + 2.0);
        // The caption, the heading row and the first row stay together.
        self.keep(caption_h + header_h + rows.first().map_or(0.0, |r| height(r)));
        let mut table = Vec::new();
        if let Some(caption) = caption {
            let content: Vec<Node> = caption
                .iter()
                .map(|l| self.line(MARGIN, l, BOLD, BODY))
                .collect();
            table.push(Node::Group(Tag::Caption.into(), content));
            self.y += 2.0;
        }
        let columns = &t.columns;
        // Draws one row of cells at the current line; `kind` says what each cell's text is.
        let draw_row = |me: &mut Layouter, cells: &[Vec<String>], face: usize, kind: ItemKind| {
            let row_h = height(cells);
            let mut nodes = Vec::new();
            for (i, lines) in cells.iter().enumerate() {
                let mut content = Vec::new();
                for (n, line) in lines.iter().enumerate() {
                    let w = fonts::width(line, face, SMALL);
                    let x = if columns[i].numeric {
                        lefts[i] + widths[i] - CELL_PAD - w
                    } else {
                        lefts[i] + CELL_PAD
                    };
                    let baseline = me.y + CELL_PAD + SMALL + n as f32 * SMALL * LEADING;
                    content.push(me.item(kind, vec![text_op(x, baseline, line, face, SMALL)]));
                }
                nodes.push(content);
            }
            me.y += row_h;
            let rule = if face == BOLD { 1.0 } else { 0.5 };
            me.item(
                ItemKind::Artifact(ArtifactType::Layout),
                vec![Op::Line {
                    x1: MARGIN,
                    y1: me.y,
                    x2: MARGIN + WIDTH,
                    y2: me.y,
                    width: rule,
                    colour: if face == BOLD { BLACK } else { GREY },
                }],
            );
            nodes
        };
        let header_nodes = draw_row(self, &header, BOLD, ItemKind::Text);
        table.push(Node::Group(
            Tag::THead.into(),
            vec![Node::Group(
                Tag::TR.into(),
                header_nodes
                    .into_iter()
                    .map(|c| Node::Group(Tag::TH(TableHeaderScope::Column).into(), c))
                    .collect(),
            )],
        ));
        let mut body = Vec::new();
        for row in &rows {
            if self.y + height(row) > BOTTOM {
                self.new_page();
                // The heading row again, for the eye; the structure has it once.
                draw_row(
                    self,
                    &header,
                    BOLD,
                    ItemKind::Artifact(ArtifactType::PaginationOther),
                );
            }
            let cells = draw_row(self, row, REGULAR, ItemKind::Text);
            body.push(Node::Group(
                Tag::TR.into(),
                cells
                    .into_iter()
                    .map(|c| Node::Group(Tag::TD.into(), c))
                    .collect(),
            ));
        }
        table.push(Node::Group(Tag::TBody.into(), body));
        self.out.tree.push(Node::Group(Tag::Table.into(), table));
        self.y += 12.0;
    }

    fn chart(&mut self, chart: &Chart) {
        let draw = |top: f32| match chart {
            Chart::Bars { title, bars, .. } => bars_ops(title, bars, top),
            Chart::HeatMap {
                title,
                rows,
                columns,
                values,
                ..
            } => heat_map_ops(title, rows, columns, values, top),
        };
        let alt = match chart {
            Chart::Bars { alt, .. } | Chart::HeatMap { alt, .. } => alt.clone(),
        };
        // A chart is one figure: it never breaks across pages.
        let (_, height) = draw(self.y);
        self.keep(height);
        let (ops, height) = draw(self.y);
        let content = self.item(ItemKind::Graphic, ops);
        self.out
            .tree
            .push(Node::Group(Tag::Figure(Some(alt)).into(), vec![content]));
        self.y += height + 12.0;
    }
}

fn text_op(x: f32, y: f32, text: &str, face: usize, size: f32) -> Op {
    Op::Text {
        x,
        y,
        size,
        face,
        text: text.to_owned(),
        colour: BLACK,
    }
}

/// Column widths that fill the page: each column as wide as its heading and widest cell
/// when they all fit; otherwise every column gets at least its narrowest sensible width
/// (its heading's longest word; a number's whole width) and the rest of the line is shared
/// in proportion to what each would still like, so long text wraps and numbers do not.
fn column_widths(t: &Table) -> Vec<f32> {
    let mut natural = Vec::new();
    let mut least = Vec::new();
    for (i, c) in t.columns.iter().enumerate() {
        let column: &Column = c;
        let cells = widest(t.rows.iter().filter_map(|r| r.get(i)), REGULAR, SMALL);
        let heading = fonts::width(&column.title, BOLD, SMALL);
        let word = column
            .title
            .split(' ')
            .map(|w| fonts::width(w, BOLD, SMALL))
            .fold(0.0, f32::max);
        natural.push(heading.max(cells) + 2.0 * CELL_PAD);
        let narrowest = if column.numeric {
            word.max(cells)
        } else {
            word.max(cells.min(90.0))
        };
        least.push(narrowest + 2.0 * CELL_PAD);
    }
    let total: f32 = natural.iter().sum();
    if total <= WIDTH {
        return natural.iter().map(|w| w * WIDTH / total.max(1.0)).collect();
    }
    let floor: f32 = least.iter().sum();
    if floor >= WIDTH {
        return least.iter().map(|w| w * WIDTH / floor).collect();
    }
    let wanting: f32 = natural.iter().zip(&least).map(|(n, l)| n - l).sum();
    natural
        .iter()
        .zip(&least)
        .map(|(n, l)| l + (n - l) / wanting.max(0.01) * (WIDTH - floor))
        .collect()
}

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    let m = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Horizontal bars with their labels and values; returns the drawing and its height.
fn bars_ops(title: &str, bars: &[(String, f64)], top: f32) -> (Vec<Op>, f32) {
    let mut ops = vec![text_op(MARGIN, top + BODY, title, BOLD, BODY)];
    let label_w = widest(bars.iter().map(|(l, _)| l), REGULAR, SMALL).min(WIDTH * 0.45) + 8.0;
    let max = bars
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
    let area = WIDTH - label_w - 40.0;
    let row_h = 18.0;
    let mut y = top + BODY * LEADING + 6.0;
    for (label, value) in bars {
        ops.push(text_op(MARGIN, y + 12.0, label, REGULAR, SMALL));
        let w = if value.is_finite() {
            (value.max(0.0) / max) as f32 * area
        } else {
            0.0
        };
        if w > 0.0 {
            ops.push(Op::Rect {
                x: MARGIN + label_w,
                y: y + 2.0,
                w,
                h: row_h - 5.0,
                colour: BLUE,
            });
        }
        ops.push(text_op(
            MARGIN + label_w + w + 4.0,
            y + 12.0,
            &format!("{value}"),
            REGULAR,
            SMALL,
        ));
        y += row_h;
    }
    ops.push(Op::Line {
        x1: MARGIN + label_w,
        y1: top + BODY * LEADING + 4.0,
        x2: MARGIN + label_w,
        y2: y,
        width: 1.0,
        colour: BLACK,
    });
    (ops, y - top)
}

/// A grid of shaded cells with each value written in; returns the drawing and its height.
fn heat_map_ops(
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<f64>],
    top: f32,
) -> (Vec<Op>, f32) {
    let mut ops = vec![text_op(MARGIN, top + BODY, title, BOLD, BODY)];
    let label_w = widest(rows.iter(), REGULAR, SMALL).min(WIDTH * 0.35) + 8.0;
    let cell_w = (WIDTH - label_w) / columns.len().max(1) as f32;
    let cell_h = 18.0;
    let max = values
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut y = top + BODY * LEADING + 4.0;
    for (c, column) in columns.iter().enumerate() {
        let w = fonts::width(column, BOLD, 8.0);
        let x = MARGIN + label_w + c as f32 * cell_w + (cell_w - w).max(0.0) / 2.0;
        ops.push(text_op(x, y + 10.0, column, BOLD, 8.0));
    }
    y += 14.0;
    for (r, row) in rows.iter().enumerate() {
        let label = wrap(row, REGULAR, 8.0, label_w - 4.0);
        ops.push(text_op(
            MARGIN,
            y + 12.0,
            label.first().map_or("", String::as_str),
            REGULAR,
            8.0,
        ));
        for c in 0..columns.len() {
            let value = values.get(r).and_then(|v| v.get(c)).copied().unwrap_or(0.0);
            let t = (value / max) as f32;
            let x = MARGIN + label_w + c as f32 * cell_w;
            ops.push(Op::Rect {
                x: x + 1.0,
                y: y + 1.0,
                w: cell_w - 2.0,
                h: cell_h - 2.0,
                colour: mix((243, 242, 241), DARK_BLUE, t),
            });
            let text = format!("{value:.1}");
            let w = fonts::width(&text, REGULAR, 8.0);
            ops.push(Op::Text {
                x: x + (cell_w - w) / 2.0,
                y: y + 12.0,
                size: 8.0,
                face: REGULAR,
                text,
                colour: if t > 0.45 { (255, 255, 255) } else { BLACK },
            });
        }
        y += cell_h;
    }
    (ops, y - top)
}

/// The widest of some printable texts at a size.
fn widest<'a>(texts: impl Iterator<Item = &'a String>, face: usize, size: f32) -> f32 {
    texts
        .map(|t| fonts::width(t, face, size))
        .fold(0.0, f32::max)
}

/// The block with every text people typed made printable (`fonts::printable`), once, so
/// the layout measures and draws the same characters. A paragraph keeps its line breaks.
fn printable(block: &Block) -> Block {
    let all = |texts: &[String]| {
        texts
            .iter()
            .map(|t| fonts::printable(t))
            .collect::<Vec<_>>()
    };
    match block {
        Block::Heading(level, text) => Block::Heading(*level, fonts::printable(text)),
        Block::Paragraph(text) => Block::Paragraph(
            text.split('\n')
                .map(fonts::printable)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Block::List(items) => Block::List(all(items)),
        Block::Table(t) => Block::Table(Table {
            caption: t.caption.as_deref().map(fonts::printable),
            columns: t
                .columns
                .iter()
                .map(|c| Column {
                    title: fonts::printable(&c.title),
                    numeric: c.numeric,
                })
                .collect(),
            rows: t.rows.iter().map(|r| all(r)).collect(),
        }),
        Block::Chart(Chart::Bars { title, alt, bars }) => Block::Chart(Chart::Bars {
            title: fonts::printable(title),
            alt: alt.clone(),
            bars: bars
                .iter()
                .map(|(l, v)| (fonts::printable(l), *v))
                .collect(),
        }),
        Block::Chart(Chart::HeatMap {
            title,
            alt,
            rows,
            columns,
            values,
        }) => Block::Chart(Chart::HeatMap {
            title: fonts::printable(title),
            alt: alt.clone(),
            rows: all(rows),
            columns: all(columns),
            values: values.clone(),
        }),
    }
}

pub fn lay_out(document: &Document) -> LaidOut {
    let mut l = Layouter {
        out: LaidOut::default(),
        page: 0,
        y: TOP,
    };
    for block in document.blocks.iter().map(printable) {
        match &block {
            Block::Heading(level, text) => l.heading(*level, text),
            Block::Paragraph(text) => l.paragraph(text),
            Block::List(items) => l.list(items),
            Block::Table(t) => l.table(t),
            Block::Chart(c) => l.chart(c),
        }
    }
    l.out.pages = l.page + 1;
    l.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_within_the_width_and_keep_every_word() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = wrap(text, REGULAR, 10.0, 80.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(fonts::width(line, REGULAR, 10.0) <= 80.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
        let long = wrap(
            "https://example.org/a/very/long/path/that/cannot/fit",
            REGULAR,
            10.0,
            60.0,
        );
        assert!(long.len() > 1 && long.concat().ends_with("fit"));
    }

    #[test]
    fn a_long_table_repeats_its_heading_row_on_each_new_page() {
        let table = Table {
            caption: Some("Prices".into()),
            columns: vec![Column::text("Per"), Column::number("Middle")],
            rows: (0..120)
                .map(|i| vec![format!("row {i}"), format!("£{i}.50")])
                .collect(),
        };
        let laid = lay_out(&Document {
            title: "t".into(),
            language: "en-GB".into(),
            author: "a".into(),
            blocks: vec![Block::Table(table)],
        });
        assert!(laid.pages >= 2);
        let repeated = laid
            .items
            .iter()
            .filter(|i| {
                matches!(i.kind, ItemKind::Artifact(ArtifactType::PaginationOther))
                    && i.ops
                        .iter()
                        .any(|o| matches!(o, Op::Text { text, .. } if text == "Middle"))
            })
            .map(|i| i.page)
            .collect::<Vec<_>>();
        assert_eq!(repeated, (1..laid.pages).collect::<Vec<_>>());
        // Money is right-aligned: every amount ends at the same x.
        let ends: Vec<f32> = laid
            .items
            .iter()
            .flat_map(|i| &i.ops)
            .filter_map(|o| match o {
                Op::Text {
                    x,
                    text,
                    size,
                    face,
                    ..
                } if text.starts_with('£') => Some(x + fonts::width(text, *face, *size)),
                _ => None,
            })
            .collect();
        assert!(ends.windows(2).all(|w| (w[0] - w[1]).abs() < 0.01));
    }
}
