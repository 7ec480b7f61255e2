//! The fonts PDFs are set in (vendored in `static/fonts`, with their licences): Liberation
//! Sans, metric-compatible with Arial, and openly licensed fallbacks for the scripts and
//! emoji it lacks. Text is split into runs that one font can draw, and measured exactly as
//! it will be shaped, so lines wrap and numbers right-align where they land.

use std::sync::LazyLock;

use skrifa::MetadataProvider as _;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// One font file: its bytes (for krilla), its character map and its shaper.
pub struct Face {
    pub bytes: &'static [u8],
    charmap: skrifa::charmap::Charmap<'static>,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        let charmap = skrifa::FontRef::new(bytes).ok()?.charmap();
        let shaper = rustybuzz::Face::from_slice(bytes, 0)?;
        Some(Face {
            bytes,
            charmap,
            shaper,
        })
    }

    pub fn has(&self, c: char) -> bool {
        self.charmap.map(c).is_some()
    }

    /// The width of `text` at `size` points, shaped as the PDF will draw it (kerning,
    /// ligatures, joined Arabic letters).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / self.shaper.units_per_em() as f32 * size
    }
}

/// Bold faces only exist for Latin; other scripts print regular inside bold text.
pub const REGULAR: usize = 0;
pub const BOLD: usize = 1;

static FILES: [&[u8]; 9] = [
    include_bytes!("../../static/fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../static/fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../static/fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../../static/fonts/NotoSansBengali-Regular.ttf"),
    include_bytes!("../../static/fonts/NotoSansGurmukhi-Regular.ttf"),
    include_bytes!("../../static/fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("../../static/fonts/NotoSansGujarati-Regular.ttf"),
    // Emoji before Chinese, so symbols both have (☺) print as emoji.
    include_bytes!("../../static/fonts/NotoEmoji-Regular.ttf"),
    include_bytes!("../../static/fonts/NotoSansCJKsc-Regular-Subset.otf"),
];

/// Every face, in fallback order after the first (regular or bold) one.
pub static FACES: LazyLock<Vec<Face>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|bytes| Face::load(bytes).expect("the vendored fonts are TrueType or OpenType"))
        .collect()
});

/// What prints for a character no font has (the Chinese font has it).
pub const MISSING: char = '□';

fn neutral(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE0F}')
}

fn mark(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// The text with control and invisible format characters dropped (a byte-order mark, a
/// direction mark: no glyph may stand for them in an accessible PDF; the joiners that shape
/// scripts and emoji stay) and characters no face has replaced by [`MISSING`], so a PDF is
/// never refused for a character someone typed.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .filter(|c| {
            c.general_category() != GeneralCategory::Format || matches!(c, '\u{200C}' | '\u{200D}')
        })
        .map(|c| {
            if c.is_whitespace() {
                ' '
            } else if FACES.iter().any(|f| f.has(c)) {
                c
            } else {
                MISSING
            }
        })
        .collect()
}

/// Splits printable text into (face index, run) pairs one face can draw. Letters take the
/// first face that has them (starting from `first`: regular or bold); combining marks stay
/// with their letter; spaces and punctuation join their neighbours' face when both sides
/// agree, so "سہارا ہے" shapes as one right-to-left run.
pub fn runs(text: &str, first: usize) -> Vec<(usize, &str)> {
    let faces = &*FACES;
    let order: Vec<usize> = std::iter::once(first)
        .chain((BOLD + 1..faces.len()).filter(|i| *i != first))
        .collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut chosen: Vec<Option<usize>> = Vec::with_capacity(chars.len());
    for (k, &(_, c)) in chars.iter().enumerate() {
        let previous = k.checked_sub(1).and_then(|p| chosen[p]);
        chosen.push(if neutral(c) {
            None
        } else if mark(c) && previous.is_some_and(|f| faces[f].has(c)) {
            previous
        } else {
            Some(
                order
                    .iter()
                    .copied()
                    .find(|f| faces[*f].has(c))
                    .unwrap_or(first),
            )
        });
    }
    for k in 0..chars.len() {
        if chosen[k].is_some() {
            continue;
        }
        let before = chosen[..k].iter().rev().flatten().next().copied();
        let after = chosen[k + 1..].iter().flatten().next().copied();
        let c = chars[k].1;
        chosen[k] = Some(match (before, after) {
            (Some(b), Some(a)) if a == b && faces[a].has(c) => a,
            _ if faces[first].has(c) => first,
            (Some(b), _) => b,
            (None, Some(a)) => a,
            (None, None) => first,
        });
    }
    let mut out: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for k in 1..=chars.len() {
        if k == chars.len() || chosen[k] != chosen[k - 1] {
            let end = chars.get(k).map_or(text.len(), |(i, _)| *i);
            if start < end {
                out.push((chosen[k - 1].unwrap_or(first), &text[start..end]));
            }
            start = end;
        }
    }
    out
}

/// The width of printable text set from `first` with fallbacks.
pub fn width(text: &str, first: usize, size: f32) -> f32 {
    runs(text, first)
        .into_iter()
        .map(|(face, run)| FACES[face].width(run, size))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_finds_a_face_and_nothing_is_left_unprintable() {
        let text = printable("Łódź £965.50 سہارا ہے সহায়তা ਪੰਜਾਬੀ नमस्ते ગુજરાતી 中醫 😀 ₺\u{7}");
        assert!(text.ends_with(MISSING), "₺ is in no face: {text}");
        assert!(!text.contains('\u{7}'));
        let runs = runs(&text, REGULAR);
        let faces: Vec<usize> = runs.iter().map(|(f, _)| *f).collect();
        assert_eq!(runs[0], (REGULAR, "Łódź £965.50 "));
        assert!(runs.iter().any(|(_, r)| *r == "سہارا ہے"), "{runs:?}");
        for face in 2..FACES.len() {
            assert!(faces.contains(&face), "face {face} used: {runs:?}");
        }
        for (face, run) in &runs {
            assert!(
                run.chars().all(|c| FACES[*face].has(c)),
                "{run:?} in face {face}"
            );
        }
    }

    #[test]
    fn invisible_format_characters_are_dropped_and_joiners_kept() {
        assert_eq!(printable("a\u{FEFF}b\u{200E}c\u{2066}d"), "abcd");
        assert_eq!(printable("👩\u{200D}💻"), "👩\u{200D}💻");
    }

    #[test]
    fn widths_grow_with_the_text_and_bold_is_wider() {
        assert!(width("£965.50", REGULAR, 10.0) > width("£5.50", REGULAR, 10.0));
        assert!(width("Market", BOLD, 10.0) > width("Market", REGULAR, 10.0));
        assert_eq!(width("", REGULAR, 10.0), 0.0);
    }
}
