//! Writes laid-out pages with krilla: text shaped in the embedded fonts (one run per font),
//! shapes as vector paths, every item marked as content or artifact, the structure tree,
//! an outline from the headings, a footer on each page, and the metadata. krilla refuses
//! a document that breaks PDF/UA-1, so a mistake here is an error, not a silent PDF.

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TagGroup, TagTree};
use krilla::text::{Font, TextDirection};
use krilla::{Document as Pdf, SerializeSettings};

use super::fonts::{self, FACES, REGULAR};
use super::layout::{self, Colour, GREY, ItemKind, LaidOut, MARGIN, Node, Op, PAGE_H, PAGE_W};
use super::{Document, TypesetError};

fn colour((r, g, b): Colour) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn draw(s: &mut Surface, fonts: &[Font], op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            face,
            text,
            colour: c,
        } => {
            s.set_stroke(None);
            s.set_fill(Some(Fill {
                paint: colour(*c).into(),
                ..Default::default()
            }));
            let mut x = *x;
            for (face, run) in fonts::runs(text, *face) {
                s.draw_text(
                    Point::from_xy(x, *y),
                    fonts[face].clone(),
                    *size,
                    run,
                    false,
                    TextDirection::Auto,
                );
                x += FACES[face].width(run, *size);
            }
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            colour: c,
        } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                s.set_stroke(None);
                s.set_fill(Some(Fill {
                    paint: colour(*c).into(),
                    ..Default::default()
                }));
                s.draw_path(&path);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            colour: c,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y1);
            path.line_to(*x2, *y2);
            if let Some(path) = path.finish() {
                s.set_fill(None);
                s.set_stroke(Some(Stroke {
                    paint: colour(*c).into(),
                    width: *width,
                    ..Default::default()
                }));
                s.draw_path(&path);
            }
        }
    }
}

fn footer(s: &mut Surface, fonts: &[Font], title: &str, page: usize, pages: usize) {
    s.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Footer,
        None,
    )));
    let y = PAGE_H - 44.0;
    draw(
        s,
        fonts,
        &Op::Line {
            x1: MARGIN,
            y1: y,
            x2: PAGE_W - MARGIN,
            y2: y,
            width: 0.5,
            colour: GREY,
        },
    );
    let number = format!("Page {} of {pages}", page + 1);
    let right = PAGE_W - MARGIN - fonts::width(&number, REGULAR, 8.0);
    let title = layout::wrap(
        &fonts::printable(title),
        REGULAR,
        8.0,
        right - MARGIN - 12.0,
    )
    .into_iter()
    .next()
    .unwrap_or_default();
    for (x, text) in [(MARGIN, title), (right, number)] {
        draw(
            s,
            fonts,
            &Op::Text {
                x,
                y: y + 14.0,
                size: 8.0,
                face: REGULAR,
                text,
                colour: layout::BLACK,
            },
        );
    }
    s.end_tagged();
}

fn group(node: &Node, ids: &[Option<Identifier>]) -> Option<TagGroup> {
    let Node::Group(kind, children) = node else {
        return None;
    };
    let mut g = TagGroup::new(kind.clone());
    for child in children {
        match child {
            Node::Content(i) => {
                if let Some(id) = ids.get(*i).cloned().flatten() {
                    g.push(id);
                }
            }
            Node::Group(..) => {
                if let Some(child) = group(child, ids) {
                    g.push(child);
                }
            }
        }
    }
    Some(g)
}

/// The outline: level 2 headings under the level 1 before them, level 3 under level 2.
fn outline(laid: &LaidOut) -> Outline {
    let node = |h: &layout::Heading| {
        OutlineNode::new(
            h.text.clone(),
            XyzDestination::new(h.page, Point::from_xy(0.0, (h.y - 6.0).max(0.0))),
        )
    };
    let mut outline = Outline::new();
    let mut open: Vec<(u16, OutlineNode)> = Vec::new();
    let close = |open: &mut Vec<(u16, OutlineNode)>, outline: &mut Outline, level: u16| {
        while open.last().is_some_and(|(l, _)| *l >= level) {
            if let Some((_, done)) = open.pop() {
                match open.last_mut() {
                    Some((_, parent)) => parent.push_child(done),
                    None => outline.push_child(done),
                }
            }
        }
    };
    for h in &laid.headings {
        close(&mut open, &mut outline, h.level);
        open.push((h.level, node(h)));
    }
    close(&mut open, &mut outline, 0);
    outline
}

pub fn write(document: &Document, laid: &LaidOut) -> Result<Vec<u8>, TypesetError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| TypesetError(format!("{e:?}")))?;
    let mut pdf = Pdf::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..Default::default()
    });
    let fonts: Vec<Font> = FACES
        .iter()
        .map(|f| Font::new(f.bytes.into(), 0))
        .collect::<Option<_>>()
        .ok_or_else(|| TypesetError("a vendored font could not be read".into()))?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| TypesetError("the page size is wrong".into()))?;
    let mut ids: Vec<Option<Identifier>> = vec![None; laid.items.len()];
    for page in 0..laid.pages {
        let mut p = pdf.start_page_with(settings.clone());
        let mut s = p.surface();
        for (i, item) in laid
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.page == page)
        {
            let tag = match item.kind {
                ItemKind::Text => ContentTag::Span(SpanTag::empty()),
                ItemKind::Graphic => ContentTag::Other,
                ItemKind::Artifact(kind) => ContentTag::Artifact(Artifact::new(kind, None)),
            };
            let id = s.start_tagged(tag);
            for op in &item.ops {
                draw(&mut s, &fonts, op);
            }
            s.end_tagged();
            if !matches!(item.kind, ItemKind::Artifact(_)) {
                ids[i] = Some(id);
            }
        }
        footer(&mut s, &fonts, &document.title, page, laid.pages);
        s.finish();
        p.finish();
    }
    let mut tree = TagTree::new();
    for node in &laid.tree {
        if let Some(g) = group(node, &ids) {
            tree.push(g);
        }
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(outline(laid));
    pdf.set_metadata(
        Metadata::new()
            .title(document.title.clone())
            .language(document.language.clone())
            .authors(vec![document.author.clone()])
            .creator("Kith".into()),
    );
    pdf.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => TypesetError(format!(
            "it would not be accessible: {:?}",
            errors.iter().map(|(e, _)| e).collect::<Vec<_>>()
        )),
        other => TypesetError(format!("{other:?}")),
    })
}
