//! Printable posters for a site: its QR code, its name in Vietnamese and
//! English, a line of description and the QR id, as SVG (any text) and PNG
//! (the text folded to ASCII in a built-in 5×7 font, so no font files are
//! needed on the device).

use qrcode::{Color, EcLevel, QrCode};

use super::site;
use crate::{text, Place, Problem, Result};

/// A poster in both forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Poster {
    /// The QR payload printed.
    pub payload: String,
    /// SVG document.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// The QR modules of `payload` (true = dark), `width` per side.
pub fn modules(payload: &str) -> Result<(Vec<bool>, usize)> {
    // Level Q survives a scuffed or partly shaded outdoor plate.
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::Q)
        .map_err(|e| Problem::new("site-qr-too-long", format!("cannot encode the site code: {e}")))?;
    let w = code.width();
    Ok((code.to_colors().into_iter().map(|c| c == Color::Dark).collect(), w))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// Renders the poster of `place` in `city`.
pub fn render(city: &str, place: &Place) -> Result<Poster> {
    let payload = site::payload(city, &place.id);
    let (dark, w) = modules(&payload)?;
    let quiet = 4;
    let module = 10;
    let side = (w + 2 * quiet) * module;
    let (width, height) = (side.max(600), side + 260);
    let x0 = (width - side) / 2;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=""##
    );
    for y in 0..w {
        for x in 0..w {
            if dark[y * w + x] {
                svg.push_str(&format!(
                    "M{} {}h{module}v{module}h-{module}z",
                    x0 + (x + quiet) * module,
                    (y + quiet) * module
                ));
            }
        }
    }
    let text_line = |y: usize, size: usize, weight: &str, t: &str| {
        format!(
            r##"<text x="{}" y="{y}" font-family="sans-serif" font-size="{size}" font-weight="{weight}" text-anchor="middle">{}</text>"##,
            width / 2,
            esc(t)
        )
    };
    svg.push_str("\"/>");
    svg.push_str(&text_line(side + 40, 34, "bold", &place.name.vi));
    svg.push_str(&text_line(side + 84, 26, "normal", &place.name.en));
    svg.push_str(&text_line(side + 130, 18, "normal", &short(&place.description.vi, 70)));
    svg.push_str(&text_line(side + 160, 18, "normal", &short(&place.description.en, 70)));
    svg.push_str(&text_line(
        side + 210,
        16,
        "normal",
        &format!("{} · {}", place.qr_id.as_deref().unwrap_or(&place.id), site::web_link(city, &place.id)),
    ));
    svg.push_str("</svg>");
    let png = png(&dark, w, place)?;
    Ok(Poster { payload, svg, png })
}

/// 5×7 glyphs, one byte per row (low five bits, left = bit 4).
fn glyph(c: char) -> [u8; 7] {
    match c {
        'A' => [14, 17, 17, 31, 17, 17, 17],
        'B' => [30, 17, 17, 30, 17, 17, 30],
        'C' => [14, 17, 16, 16, 16, 17, 14],
        'D' => [30, 17, 17, 17, 17, 17, 30],
        'E' => [31, 16, 16, 30, 16, 16, 31],
        'F' => [31, 16, 16, 30, 16, 16, 16],
        'G' => [14, 17, 16, 23, 17, 17, 15],
        'H' => [17, 17, 17, 31, 17, 17, 17],
        'I' => [14, 4, 4, 4, 4, 4, 14],
        'J' => [7, 2, 2, 2, 2, 18, 12],
        'K' => [17, 18, 20, 24, 20, 18, 17],
        'L' => [16, 16, 16, 16, 16, 16, 31],
        'M' => [17, 27, 21, 21, 17, 17, 17],
        'N' => [17, 17, 25, 21, 19, 17, 17],
        'O' => [14, 17, 17, 17, 17, 17, 14],
        'P' => [30, 17, 17, 30, 16, 16, 16],
        'Q' => [14, 17, 17, 17, 21, 18, 13],
        'R' => [30, 17, 17, 30, 20, 18, 17],
        'S' => [15, 16, 16, 14, 1, 1, 30],
        'T' => [31, 4, 4, 4, 4, 4, 4],
        'U' => [17, 17, 17, 17, 17, 17, 14],
        'V' => [17, 17, 17, 17, 17, 10, 4],
        'W' => [17, 17, 17, 21, 21, 21, 10],
        'X' => [17, 17, 10, 4, 10, 17, 17],
        'Y' => [17, 17, 10, 4, 4, 4, 4],
        'Z' => [31, 1, 2, 4, 8, 16, 31],
        '0' => [14, 17, 19, 21, 25, 17, 14],
        '1' => [4, 12, 4, 4, 4, 4, 14],
        '2' => [14, 17, 1, 2, 4, 8, 31],
        '3' => [31, 2, 4, 2, 1, 17, 14],
        '4' => [2, 6, 10, 18, 31, 2, 2],
        '5' => [31, 16, 30, 1, 1, 17, 14],
        '6' => [6, 8, 16, 30, 17, 17, 14],
        '7' => [31, 1, 2, 4, 8, 8, 8],
        '8' => [14, 17, 17, 14, 17, 17, 14],
        '9' => [14, 17, 17, 15, 1, 2, 12],
        '-' => [0, 0, 0, 31, 0, 0, 0],
        '.' => [0, 0, 0, 0, 0, 12, 12],
        '/' => [0, 1, 2, 4, 8, 16, 0],
        ':' => [0, 12, 12, 0, 12, 12, 0],
        '(' => [2, 4, 8, 8, 8, 4, 2],
        ')' => [8, 4, 2, 2, 2, 4, 8],
        ',' => [0, 0, 0, 0, 12, 4, 8],
        _ => [0; 7],
    }
}

/// Draws `t` folded to upper-case ASCII in the 5×7 font, centred, its top at `cy`
/// (also used for the dossier receipts' PNGs).
pub(crate) fn draw_text(img: &mut image::GrayImage, t: &str, cy: u32, scale: u32) {
    let folded: String = text::fold(t).to_uppercase().chars().take(40).collect();
    let n = folded.chars().count() as u32;
    let tw = n * 6 * scale;
    let x0 = img.width().saturating_sub(tw) / 2;
    for (i, c) in folded.chars().enumerate() {
        let g = glyph(c);
        for (row, bits) in g.iter().enumerate() {
            for col in 0..5u32 {
                if bits & (1 << (4 - col)) != 0 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let (x, y) = (x0 + (i as u32 * 6 + col) * scale + dx, cy + row as u32 * scale + dy);
                            if x < img.width() && y < img.height() {
                                img.put_pixel(x, y, image::Luma([0]));
                            }
                        }
                    }
                }
            }
        }
    }
}

fn png(dark: &[bool], w: usize, place: &Place) -> Result<Vec<u8>> {
    let (quiet, module) = (4u32, 8u32);
    let side = (w as u32 + 2 * quiet) * module;
    let width = side.max(40 * 6 * 3 + 40);
    let mut img = image::GrayImage::from_pixel(width, side + 130, image::Luma([255]));
    let x0 = (width - side) / 2;
    for y in 0..w {
        for x in 0..w {
            if dark[y * w + x] {
                for dy in 0..module {
                    for dx in 0..module {
                        img.put_pixel(
                            x0 + (x as u32 + quiet) * module + dx,
                            (y as u32 + quiet) * module + dy,
                            image::Luma([0]),
                        );
                    }
                }
            }
        }
    }
    draw_text(&mut img, &place.name.vi, side + 10, 3);
    draw_text(&mut img, &place.name.en, side + 45, 2);
    draw_text(&mut img, place.qr_id.as_deref().unwrap_or(&place.id), side + 80, 2);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| crate::Error::Io(format!("poster PNG: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Place {
        let pack = crate::CityPack::parse(&crate::pack::bundled::wire("ha-giang").unwrap().unwrap()).unwrap();
        pack.places.into_iter().find(|p| p.id == "ha-giang-cot-co-lung-cu").unwrap()
    }

    #[test]
    fn poster_holds_the_code_and_both_names() {
        let p = render("ha-giang", &place()).unwrap();
        assert_eq!(p.payload, "mycity://site/ha-giang/ha-giang-cot-co-lung-cu");
        assert!(p.svg.starts_with("<svg") && p.svg.ends_with("</svg>"));
        let pl = place();
        assert!(p.svg.contains(&pl.name.vi) && p.svg.contains(&pl.name.en), "both languages");
        let img = image::load_from_memory(&p.png).unwrap().to_luma8();
        assert!(img.width() >= 200 && img.height() > img.width() / 2);
        // The core's own QR decoder, the one that scans sites, reads the poster back.
        assert_eq!(crate::qr::decode(&p.png).unwrap(), vec![p.payload.clone()]);
    }
}
