//! Text on PDF pages, laid out by hand: lines at a running height, text measured with the
//! font's own advances so amounts line up on the right and long text wraps, and a new page
//! when the current one is full. Enough for an invoice; not a general layout engine.

use std::sync::{Arc, LazyLock};

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size as FontSize};

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE`): Latin, Greek, Cyrillic
/// and the currency signs an invoice needs, embedded (subset) in every PDF.
static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

struct Face {
    font: Font,
    data: &'static [u8],
}

static FACES: LazyLock<Option<(Face, Face)>> = LazyLock::new(|| {
    let face = |data: &'static [u8]| {
        let font = Font::new(Arc::new(data.to_vec()).into(), 0)?;
        Some(Face { font, data })
    };
    Some((face(REGULAR)?, face(BOLD)?))
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Paper sizes in points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts could not be read")]
    Fonts,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

fn faces() -> Result<&'static (Face, Face), PdfError> {
    FACES.as_ref().ok_or(PdfError::Fonts)
}

fn face(weight: Weight) -> Result<&'static Face, PdfError> {
    let (regular, bold) = faces()?;
    Ok(match weight {
        Weight::Regular => regular,
        Weight::Bold => bold,
    })
}

/// How wide `text` is at `size` points in `weight`.
pub fn width(text: &str, size: f32, weight: Weight) -> f32 {
    let Ok(face) = face(weight) else {
        return 0.0;
    };
    let Ok(font) = skrifa::FontRef::new(face.data) else {
        return 0.0;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(FontSize::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            let glyph = charmap.map(c).unwrap_or_default();
            metrics.advance_width(glyph).unwrap_or(0.0)
        })
        .sum()
}

/// `text` broken into lines no wider than `max`: at spaces where it can, inside a word when
/// one word is wider than the line. Line breaks in the text are kept.
pub fn wrap(text: &str, size: f32, weight: Weight, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, weight) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line is cut where it fills it.
            let mut rest = word.to_string();
            while width(&rest, size, weight) > max {
                let mut cut = String::new();
                for c in rest.chars() {
                    if width(&format!("{cut}{c}"), size, weight) > max && !cut.is_empty() {
                        break;
                    }
                    cut.push(c);
                }
                rest = rest[cut.len()..].to_string();
                lines.push(cut);
            }
            line = rest;
        }
        lines.push(line);
    }
    lines
}

/// A document being written page by page, top to bottom.
pub struct Pages {
    document: Document,
    paper: Paper,
    /// Drawing commands of the page being filled, replayed when it is closed (krilla's pages
    /// borrow the document, so each page is drawn in one go).
    current: Vec<Draw>,
    pub y: f32,
    pages: usize,
}

enum Draw {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        gray: bool,
        text: String,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
    Image {
        image: Image,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

pub const MARGIN: f32 = 50.0;

impl Pages {
    pub fn new(paper: Paper) -> Self {
        Self {
            document: Document::new(),
            paper,
            current: Vec::new(),
            y: MARGIN,
            pages: 0,
        }
    }

    pub fn width(&self) -> f32 {
        self.paper.size().0
    }

    /// The right edge of the writing area.
    pub fn right(&self) -> f32 {
        self.width() - MARGIN
    }

    /// Starts a new page when fewer than `needed` points are left on this one.
    pub fn room_for(&mut self, needed: f32) -> Result<(), PdfError> {
        if self.y + needed > self.paper.size().1 - MARGIN {
            self.close_page()?;
            self.y = MARGIN;
        }
        Ok(())
    }

    pub fn text(&mut self, x: f32, size: f32, weight: Weight, text: &str) {
        self.text_at(x, self.y, size, weight, false, text);
    }

    pub fn gray_text(&mut self, x: f32, size: f32, text: &str) {
        self.text_at(x, self.y, size, Weight::Regular, true, text);
    }

    /// Text that ends at `right`.
    pub fn text_right(&mut self, right: f32, size: f32, weight: Weight, text: &str) {
        let x = right - width(text, size, weight);
        self.text_at(x, self.y, size, weight, false, text);
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, weight: Weight, gray: bool, text: &str) {
        if !text.is_empty() {
            self.current.push(Draw::Text {
                x,
                y,
                size,
                weight,
                gray,
                text: text.to_string(),
            });
        }
    }

    pub fn rule(&mut self, x1: f32, x2: f32) {
        self.current.push(Draw::Rule { x1, x2, y: self.y });
    }

    /// An image fitted into a `max_w` × `max_h` box at the top-left `x`, current height.
    /// Returns the height it takes.
    pub fn image(&mut self, image: Image, x: f32, max_w: f32, max_h: f32) -> f32 {
        let (w, h) = image.size();
        let (w, h) = (w.max(1) as f32, h.max(1) as f32);
        let scale = (max_w / w).min(max_h / h);
        let (w, h) = (w * scale, h * scale);
        self.current.push(Draw::Image {
            image,
            x,
            y: self.y,
            w,
            h,
        });
        h
    }

    fn close_page(&mut self) -> Result<(), PdfError> {
        let (width, height) = self.paper.size();
        let settings =
            PageSettings::from_wh(width, height).ok_or(PdfError::Write("page size".into()))?;
        let draws = std::mem::take(&mut self.current);
        let mut page = self.document.start_page_with(settings);
        let mut surface = page.surface();
        for draw in draws {
            match draw {
                Draw::Text {
                    x,
                    y,
                    size,
                    weight,
                    gray,
                    text,
                } => {
                    let shade = if gray { 100 } else { 20 };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(shade, shade, shade).into(),
                        ..Fill::default()
                    }));
                    surface.draw_text(
                        Point::from_xy(x, y),
                        face(weight)?.font.clone(),
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Draw::Rule { x1, x2, y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(x1, y);
                    path.line_to(x2, y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(200, 200, 200).into(),
                            width: 0.75,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
                Draw::Image { image, x, y, w, h } => {
                    surface.push_transform(&krilla::geom::Transform::from_translate(x, y));
                    if let Some(size) = Size::from_wh(w, h) {
                        surface.draw_image(image, size);
                    }
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
        self.pages += 1;
        Ok(())
    }

    pub fn finish(mut self, title: &str) -> Result<Vec<u8>, PdfError> {
        if !self.current.is_empty() || self.pages == 0 {
            self.close_page()?;
        }
        self.document.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_string())
                .creator("PayTrack".to_string()),
        );
        self.document
            .finish()
            .map_err(|err| PdfError::Write(format!("{err:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider_and_bold_wider_still() {
        let narrow = width("iiii", 10.0, Weight::Regular);
        let wide = width("MMMM", 10.0, Weight::Regular);
        assert!(narrow > 0.0 && wide > narrow * 2.0);
        assert!(width("MMMM", 10.0, Weight::Bold) > wide);
        assert!((width("MMMM", 20.0, Weight::Regular) - 2.0 * wide).abs() < 0.01);
    }

    #[test]
    fn text_wraps_at_spaces_keeps_line_breaks_and_cuts_only_overlong_words() {
        let lines = wrap("one two three four\nfive", 10.0, Weight::Regular, 60.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("five"));
        assert!(
            lines
                .iter()
                .all(|l| width(l, 10.0, Weight::Regular) <= 60.0)
        );
        let long = "x".repeat(200);
        let cut = wrap(&long, 10.0, Weight::Regular, 100.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
        assert!(wrap("", 10.0, Weight::Regular, 100.0).is_empty());
    }

    #[test]
    fn a_full_page_moves_on_to_the_next() {
        let mut pages = Pages::new(Paper::A4);
        for _ in 0..200 {
            pages.room_for(13.0).unwrap();
            pages.text(MARGIN, 10.0, Weight::Regular, "ligne é");
            pages.y += 13.0;
        }
        assert!(
            pages.pages >= 3,
            "200 lines of 13 pt fill more than two A4 pages"
        );
        let pdf = pages.finish("Test").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_same_pages_are_the_same_bytes_so_a_retried_email_is_the_same_request() {
        let write = || {
            let mut pages = Pages::new(Paper::Letter);
            pages.text(MARGIN, 12.0, Weight::Bold, "Facture n° 7 — Łódź");
            pages.text_right(pages.right(), 10.0, Weight::Regular, "€1,200.00");
            pages.finish("Invoice 7").unwrap()
        };
        assert_eq!(write(), write());
    }
}
