//! QR codes: reading every code in a photo, and drawing codes to print.
//!
//! One module serves the dossier receipts (a photo of the paper the one-stop
//! office handed out) and the tourism site posters (a photo of a sign at a
//! relic): [`decode`] takes the bytes of an image file as a picker or a
//! camera gave them and returns the text of every QR code in it; [`svg`] and
//! [`png`] draw a code for a receipt or a poster. What the texts mean is for
//! the caller to judge.
//!
//! The reader is rxing's port of zxing-cpp's QR detector, chosen by
//! measurement (`cargo bench -p mycity-core --bench qr`, docs/BENCHMARKS.md
//! "QR codes") over rqrr and zbar on camera-like photos: tilted, in
//! perspective, blurred, small, compressed, on a busy background. It is pure
//! Rust, so it builds wherever the core does.
//!
//! Photos are read grey and small: a QR code needs no colour, and a module
//! of a code that fills a tenth of a 12 MP photo is still a few pixels wide
//! at [`SCAN_EDGE`]. JPEGs are decoded by libjpeg-turbo straight at 1/2, 1/4
//! or 1/8 scale and only their luma plane, then made black and white once
//! (`threshold`) for both of the detector's looks, which is most of the speed.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use mozjpeg::{ColorSpace, Decompress};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource};

use mycity_protocol::media::ImageType;

use crate::error::{Error, Problem, Result};
use crate::photos;

mod threshold;

/// Largest picture read, in pixels (30 megapixels). Phone cameras write
/// 12–24 MP photos unless a "full resolution" mode is chosen; a 40 MP picture
/// is refused before decoding rather than risking a phone's memory on it.
pub const MAX_PIXELS: u64 = 30_000_000;

/// Largest long edge, in pixels, codes are looked for at: a bigger PNG,
/// WebP or camera frame is shrunk to it first. The detector's time grows
/// with the pixels, and its hit rate no longer does past this size on phone
/// photos (measured by the bench).
pub const SCAN_EDGE: u32 = 1000;

/// Smallest long edge a JPEG is decoded at: the smallest power-of-two scale
/// (1/8, 1/4, 1/2 or full) that reaches it, so 640–1,280 px. libjpeg-turbo
/// has vector code for those scales' inverse DCT only; the 3/8…7/8 ones it
/// does in plain C, which cost a fifth of a camera photo's time in the bench.
pub const JPEG_EDGE: u32 = 640;

/// Every QR code found in an image file (JPEG, PNG or WebP), as text, each
/// text once, top to bottom then left to right. An image with no code gives
/// an empty list.
///
/// A file that is not a readable picture, or a picture over [`MAX_PIXELS`]
/// or [`photos::MAX_INPUT_BYTES`], is refused with [`Error::Invalid`] and the same
/// problems a report photo gets (`photo-not-image`, `photo-too-many-pixels`…).
pub fn decode(image: &[u8]) -> Result<Vec<String>> {
    let gray = match photos::check_input(image, "image")? {
        // Shrunk only past SCAN_EDGE + 20 %: a resize costs time and blurs
        // modules that the scaled inverse DCT kept (fewer reads, measured).
        ImageType::Jpeg => shrink(jpeg_gray(image, JPEG_EDGE)?, SCAN_EDGE + SCAN_EDGE / 5)?,
        format => shrink(other_gray(image, format)?, SCAN_EDGE)?,
    };
    Ok(find(gray))
}

/// Every QR code in a grey picture already in memory (a camera frame's luma
/// plane, `width` × `height` bytes, row by row with no padding), as
/// [`decode`] gives them. A picture larger than [`SCAN_EDGE`] is shrunk
/// first; a buffer too short for its size gives no codes.
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Vec<String> {
    let Some(needed) = (width as usize).checked_mul(height as usize) else { return Vec::new() };
    if width == 0 || height == 0 || luma.len() < needed {
        return Vec::new();
    }
    match shrink(Gray { width, height, px: luma[..needed].to_vec() }, SCAN_EDGE) {
        Ok(gray) => find(gray),
        Err(_) => Vec::new(),
    }
}

/// An 8-bit grey picture, row by row.
#[derive(Debug, Clone)]
struct Gray {
    width: u32,
    height: u32,
    px: Vec<u8>,
}

/// The codes rxing finds in `gray`, each text once, in reading order.
fn find(gray: Gray) -> Vec<String> {
    let mut found = read(gray);
    found.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut seen = HashSet::new();
    found.into_iter().map(|(_, text)| text).filter(|t| seen.insert(t.clone())).collect()
}

/// Codes and where they are: (row, column) of their first corner. A quick
/// look first, with the finder-pattern search scanning every few rows; only
/// when it finds nothing a thorough one, every row, on the same black and
/// white picture (most photos of a receipt or a poster read at the first).
fn read(gray: Gray) -> Vec<((f32, f32), String)> {
    // rxing's errors are "nothing found" or a damaged code; any panic in a
    // detector fed a hostile picture must not cross the API either.
    panic::catch_unwind(AssertUnwindSafe(|| {
        let Some(black) =
            Luma8LuminanceSource::new(gray.px, gray.width, gray.height).ok().and_then(threshold::LocalThreshold::new)
        else {
            return Vec::new();
        };
        let mut bitmap = BinaryBitmap::new(black);
        let mut hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            TryHarder: Some(false),
            ..DecodeHints::default()
        };
        let found = QrReader.decode_multiple_with_hints(&mut bitmap, &hints).unwrap_or_default();
        if !found.is_empty() {
            return found;
        }
        hints.TryHarder = Some(true);
        QrReader.decode_multiple_with_hints(&mut bitmap, &hints).unwrap_or_default()
    }))
    .unwrap_or_default()
    .into_iter()
    .map(|r| {
        let at = r.getPoints().first().map_or((0.0, 0.0), |p| (p.y, p.x));
        (at, r.getText().to_owned())
    })
    .collect()
}

// ---- reading pictures ----

/// A picture problem: the same codes, and so the same messages, as a report photo's.
fn invalid(code: &'static str, detail: impl Into<String>) -> Error {
    Problem::new(code, detail).field("image").into()
}

fn check_size(width: u32, height: u32) -> Result<()> {
    photos::check_pixels(width.into(), height.into(), MAX_PIXELS, "image")
}

/// A JPEG's luma plane, decoded at the smallest power-of-two DCT scale (1/8,
/// 1/4, 1/2 or full) that keeps its long edge at `edge` or more. libjpeg
/// reports damage by unwinding out of C (see `photos`), caught here.
fn jpeg_gray(input: &[u8], edge: u32) -> Result<Gray> {
    let damaged = |e: &dyn std::fmt::Display| invalid("photo-damaged", format!("damaged JPEG picture: {e}"));
    let run = || -> Result<Gray> {
        let mut d = Decompress::builder().from_mem(input).map_err(|e| damaged(&e))?;
        let (w, h) = (d.width() as u32, d.height() as u32);
        check_size(w, h)?;
        if matches!(d.color_space(), ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK) {
            return Err(invalid("photo-cmyk", "unsupported JPEG: CMYK colours"));
        }
        let long = u64::from(w.max(h));
        let n = [1u8, 2, 4].into_iter().find(|&n| (long * u64::from(n)).div_ceil(8) >= u64::from(edge)).unwrap_or(8);
        d.scale(n);
        // Code edges need no exact DCT; the fast one only applies unscaled.
        d.dct_method(mozjpeg::DctMethod::IntegerFast);
        // Grey output from a colour JPEG skips the chroma planes' inverse DCT.
        let mut d = d.grayscale().map_err(|e| damaged(&e))?;
        let (width, height) = (d.width() as u32, d.height() as u32);
        let px: Vec<u8> = d.read_scanlines().map_err(|e| damaged(&e))?;
        // A file cut short still gives its rows (grey): a partial code may
        // read, and one that does not is simply not found.
        let _ = d.finish();
        if px.len() != width as usize * height as usize {
            return Err(invalid("photo-damaged", "damaged JPEG picture: rows are missing"));
        }
        Ok(Gray { width, height, px })
    };
    match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(p) => {
            let detail = p.downcast_ref::<String>().map(String::as_str).or_else(|| p.downcast_ref::<&str>().copied());
            Err(damaged(&detail.unwrap_or("unknown error")))
        }
    }
}

/// A PNG or WebP, decoded in full by the `image` crate and made grey; with
/// transparency, transparent pixels count as white paper.
fn other_gray(input: &[u8], format: ImageType) -> Result<Gray> {
    let img = crate::photos::decode_other_limited(input, format, "picture", check_size)?;
    let (width, height) = (img.width(), img.height());
    let px = if img.color().has_alpha() {
        img.into_luma_alpha8()
            .into_raw()
            .chunks_exact(2)
            .map(|p| ((u32::from(p[0]) * u32::from(p[1]) + 255 * (255 - u32::from(p[1])) + 127) / 255) as u8)
            .collect()
    } else {
        img.into_luma8().into_raw()
    };
    Ok(Gray { width, height, px })
}

/// `gray` with its long edge brought down to `edge` (an area average, which
/// also smooths sensor noise), or as it is when already that small.
fn shrink(gray: Gray, edge: u32) -> Result<Gray> {
    let long = gray.width.max(gray.height);
    if long <= edge {
        return Ok(gray);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    let (w, h) = (scale(gray.width), scale(gray.height));
    let failed = |e: &dyn std::fmt::Display| invalid("photo-encode", format!("could not shrink the picture: {e}"));
    let src = ImageRef::new(gray.width, gray.height, &gray.px, PixelType::U8).map_err(|e| failed(&e))?;
    let mut dst = Image::new(w, h, PixelType::U8);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box));
    Resizer::new().resize(&src, &mut dst, &options).map_err(|e| failed(&e))?;
    Ok(Gray { width: w, height: h, px: dst.into_vec() })
}

// ---- drawing codes ----

/// Modules of blank margin around a drawn code: the quiet zone the QR
/// standard asks for, without which readers miss codes printed near other ink.
pub const QUIET_ZONE: u32 = 4;

/// A QR code's modules, ready to be drawn in any way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modules {
    /// Modules per side, without the quiet zone.
    pub width: u32,
    /// Whether each module is dark, row by row.
    pub dark: Vec<bool>,
}

/// The QR code for `text` (error correction level M: up to 15 % of the code
/// can be torn or stained), the smallest version it fits.
///
/// A text too long for any QR code is refused with the problem `qr-too-long`.
pub fn modules(text: &str) -> Result<Modules> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        Error::from(
            Problem::new("qr-too-long", format!("cannot make a QR code of {} bytes: {e}", text.len()))
                .field("text")
                .arg("bytes", text.len()),
        )
    })?;
    let width = code.width() as u32;
    Ok(Modules { width, dark: code.into_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect() })
}

impl Modules {
    /// Whether the module at column `x`, row `y` is dark (outside is light).
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.width && self.dark[(y * self.width + x) as usize]
    }

    /// The dark modules as one SVG path, one unit per module, the code's
    /// top-left module at (0, 0), for drawing the code inside a larger SVG
    /// (a poster) with a `transform`.
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                // A run of dark modules as one rectangle keeps the path short.
                d.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            }
        }
        d
    }
}

/// The QR code for `text` as a standalone SVG document, black on white with
/// its quiet zone, `module_px` pixels per module (it scales without loss;
/// this sets its nominal size).
pub fn svg(text: &str, module_px: u32) -> Result<String> {
    let m = modules(text)?;
    let side = m.width + 2 * QUIET_ZONE;
    let px = side * module_px.max(1);
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path transform=\"translate({QUIET_ZONE} {QUIET_ZONE})\" fill=\"#000\" d=\"{}\"/></svg>",
        m.svg_path()
    ))
}

/// Largest module size [`png`] draws, in pixels: a code of the largest
/// version is then ~8,000 pixels on a side, well past any print.
pub const MAX_MODULE_PX: u32 = 40;

/// The QR code for `text` as a greyscale PNG, black on white with its quiet
/// zone, `module_px` pixels per module (1 to [`MAX_MODULE_PX`], clamped).
pub fn png(text: &str, module_px: u32) -> Result<Vec<u8>> {
    let m = modules(text)?;
    let scale = module_px.clamp(1, MAX_MODULE_PX);
    let side = (m.width + 2 * QUIET_ZONE) * scale;
    let mut px = vec![255u8; side as usize * side as usize];
    for (i, row) in px.chunks_exact_mut(side as usize).enumerate() {
        let y = (i as u32 / scale).wrapping_sub(QUIET_ZONE);
        for (j, p) in row.iter_mut().enumerate() {
            let x = (j as u32 / scale).wrapping_sub(QUIET_ZONE);
            if m.is_dark(x, y) {
                *p = 0;
            }
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&px, side, side, image::ExtendedColorType::L8)
        .map_err(|e| Error::Io(format!("could not write the QR code's PNG: {e}")))?;
    Ok(out)
}

use image::ImageEncoder as _;

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOADS: [&str; 4] = [
        "mycity://site/ha-giang/lung-cu-flag-tower",
        "mycity://dossier/000.00.00.H17-261123-0001?s=1234",
        "Bộ phận một cửa UBND tỉnh Hà Giang — hồ sơ đã tiếp nhận, hẹn trả kết quả ngày 28/11",
        "https://mycity.example/site/da-nang/cau-rong",
    ];

    #[test]
    fn generated_codes_read_back() {
        for text in PAYLOADS {
            assert_eq!(decode(&png(text, 6).unwrap()).unwrap(), [text], "{text}");
        }
    }

    #[test]
    fn svg_has_the_same_modules() {
        let m = modules(PAYLOADS[0]).unwrap();
        let svg = svg(PAYLOADS[0], 8).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(&m.svg_path()));
        let side = (m.width + 2 * QUIET_ZONE) * 8;
        assert!(svg.contains(&format!("width=\"{side}\"")));
        // Every dark module is in exactly one rectangle of the path.
        let area: u32 = m
            .svg_path()
            .split('M')
            .filter(|s| !s.is_empty())
            .map(|s| s.split('h').nth(1).unwrap().split('v').next().unwrap().parse::<u32>().unwrap())
            .sum();
        assert_eq!(area as usize, m.dark.iter().filter(|&&d| d).count());
    }

    /// A white page of `w`×`h` with the PNGs of `codes` pasted at the given places.
    fn page(w: u32, h: u32, codes: &[(&str, u32, u32)]) -> Gray {
        let mut px = vec![255u8; (w * h) as usize];
        for &(text, x0, y0) in codes {
            let m = modules(text).unwrap();
            let s = 4;
            for y in 0..m.width * s {
                for x in 0..m.width * s {
                    if m.is_dark(x / s, y / s) {
                        px[((y0 + y) * w + x0 + x) as usize] = 0;
                    }
                }
            }
        }
        Gray { width: w, height: h, px }
    }

    fn encode_png(g: &Gray) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&g.px, g.width, g.height, image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    #[test]
    fn several_codes_in_one_picture_read_in_order() {
        let g = page(900, 700, &[(PAYLOADS[1], 480, 60), (PAYLOADS[0], 40, 40), (PAYLOADS[3], 200, 400)]);
        assert_eq!(decode(&encode_png(&g)).unwrap(), [PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]]);
        assert_eq!(decode_luma(g.width, g.height, &g.px), [PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]]);
    }

    #[test]
    fn a_picture_without_a_code_reads_nothing() {
        let noise = Gray {
            width: 640,
            height: 480,
            px: (0..640 * 480u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect(),
        };
        assert!(decode(&encode_png(&noise)).unwrap().is_empty());
        assert!(decode(&encode_png(&page(300, 200, &[]))).unwrap().is_empty());
        assert!(decode_luma(10, 10, &[0; 5]).is_empty(), "a short buffer");
        assert!(decode_luma(0, 0, &[]).is_empty());
    }

    fn problem(r: Result<Vec<String>>) -> String {
        match r {
            Err(Error::Invalid(p)) => p.code.to_string(),
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn what_is_not_a_readable_picture_is_refused() {
        assert_eq!(problem(decode(b"")), "photo-empty");
        assert_eq!(problem(decode(b"GIF89a not a picture at all")), "photo-not-image");
        assert_eq!(problem(decode(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])), "photo-damaged");
        assert_eq!(problem(decode(b"\x89PNG\r\n\x1a\nbroken")), "photo-damaged");
        let mut cut = png(PAYLOADS[0], 4).unwrap();
        cut.truncate(cut.len() / 2);
        assert_eq!(problem(decode(&cut)), "photo-damaged");
    }

    #[test]
    fn a_40_megapixel_picture_is_refused_before_decoding() {
        // A small JPEG whose frame header claims 8000×5000: refused from the
        // header alone, before 40 MB of pixels are decoded.
        let mut c = mozjpeg::Compress::new(ColorSpace::JCS_GRAYSCALE);
        c.set_size(16, 16);
        let mut c = c.start_compress(Vec::new()).unwrap();
        c.write_scanlines(&[255u8; 256]).unwrap();
        let mut jpeg = c.finish().unwrap();
        let sof = jpeg.windows(2).position(|w| w[0] == 0xFF && matches!(w[1], 0xC0 | 0xC2)).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x13, 0x88, 0x1F, 0x40]);
        assert_eq!(problem(decode(&jpeg)), "photo-too-many-pixels");
    }

    #[test]
    fn a_text_too_long_for_any_code_is_refused() {
        let long = "Hà Giang ".repeat(500);
        match png(&long, 4) {
            Err(Error::Invalid(p)) => assert_eq!(p.code, "qr-too-long"),
            other => panic!("{other:?}"),
        }
    }
}
