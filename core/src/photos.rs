//! Report photos: from what a phone camera wrote to what is sent and shown.
//!
//! A photo is checked by its content (JPEG, PNG or WebP), its EXIF orientation
//! and GPS position are read, then it is turned upright, shrunk so its long
//! edge is at most [`LONG_EDGE`] pixels and written again as a JPEG that
//! carries no metadata at all: the camera's EXIF (GPS, device, owner) never
//! leaves the phone inside the picture. A [`THUMB_EDGE`] thumbnail comes with it.
//!
//! Phone photos are large (12 MP and more) and the phone is slow, so JPEGs are
//! shrunk while they are decoded: libjpeg-turbo (through the `mozjpeg` crate)
//! can skip most of the inverse DCT and decode at 1/2, 1/4 or 1/8 scale, which
//! saves most of the time and never holds the full-size frame in memory. The
//! rest of the way is a Lanczos resize (`fast_image_resize`). PNG and WebP are
//! rarer from cameras and are decoded in full with the `image` crate.

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use mozjpeg::{ColorSpace, Compress, Decompress, Marker};

use mycity_protocol::media::{is_iso_media, sniff_image, ImageType};

use crate::error::{Error, Result};
use crate::pack::LatLon;

/// Largest photo file accepted, in bytes (40 MB): far above any phone camera's
/// JPEG, and it bounds what a picked file can cost before it is even decoded.
pub const MAX_INPUT_BYTES: usize = 40 * 1024 * 1024;

/// Largest picture accepted, in pixels (50 megapixels). Checked from the file's
/// header before decoding, because a small file can claim a huge picture
/// (a "decompression bomb") and decoding it would exhaust the phone's memory.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Longest edge of the processed photo, in pixels; smaller photos keep their size.
pub const LONG_EDGE: u32 = 1600;

/// Longest edge of the thumbnail, in pixels.
pub const THUMB_EDGE: u32 = 320;

/// JPEG quality of the processed photo and its thumbnail (libjpeg scale, 1–100).
pub const QUALITY: u8 = 80;

/// A photo ready to be stored and sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The photo as a baseline JPEG, upright, long edge ≤ [`LONG_EDGE`], no metadata.
    pub jpeg: Vec<u8>,
    /// The thumbnail as a JPEG, upright, long edge ≤ [`THUMB_EDGE`], no metadata.
    pub thumbnail: Vec<u8>,
    /// Width of [`Processed::jpeg`] in pixels.
    pub width: u32,
    /// Height of [`Processed::jpeg`] in pixels.
    pub height: u32,
    /// Where the photo was taken, from its EXIF GPS tags, when they were present
    /// and valid. Offered to the reporter as the report's place; it is not in
    /// the processed JPEG.
    pub gps: Option<LatLon>,
}

/// Processes a photo as a phone or a file picker gave it: checks it, turns it
/// upright, shrinks it and writes it again as a metadata-free JPEG with a thumbnail.
///
/// Anything that is not a readable JPEG, PNG or WebP photo within
/// [`MAX_INPUT_BYTES`] and [`MAX_PIXELS`] (empty, another format, damaged or
/// cut short) is refused with [`Error::InvalidInput`], whose text says why.
pub fn process(input: &[u8]) -> Result<Processed> {
    if input.is_empty() {
        return Err(invalid("the photo is empty"));
    }
    if input.len() > MAX_INPUT_BYTES {
        return Err(invalid(format!(
            "photo too large: {:.1} MB, at most {} MB",
            input.len() as f64 / (1024.0 * 1024.0),
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    // Recognised by content, never by name or MIME type, which a picker may get wrong.
    let (frame, meta) = match sniff_image(input) {
        Some(ImageType::Jpeg) => decode_jpeg(input)?,
        Some(format @ (ImageType::Png | ImageType::WebP)) => decode_other(input, format)?,
        // iPhones shoot HEIC; the system picker usually hands over a JPEG, but
        // a file copied as is deserves a clearer word than "not a photo".
        None if is_iso_media(input) => {
            return Err(invalid("unsupported photo format (HEIC/AVIF): expected JPEG, PNG or WebP"))
        }
        None => return Err(invalid("not a photo: expected JPEG, PNG or WebP")),
    };

    // Resize before turning upright: both orders give the same picture, and
    // the encoder turns the smaller frame strip by strip as it reads it.
    let (w, h) = fit(meta.width, meta.height, LONG_EDGE);
    let frame = resize(frame, w, h)?;
    let jpeg = encode_jpeg(&frame, meta.orientation)?;

    let (tw, th) = fit(frame.width, frame.height, THUMB_EDGE);
    let thumb = resize_ref(&frame, tw, th)?;
    let thumbnail = encode_jpeg(thumb.as_ref().unwrap_or(&frame), meta.orientation)?;

    let up = Upright::new(&frame, meta.orientation);
    Ok(Processed { jpeg, thumbnail, width: up.width, height: up.height, gps: meta.gps })
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidInput(msg.into())
}

/// Packed 8-bit RGB pixels, row by row.
#[derive(Debug)]
struct Frame {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

/// What is known of a photo before its pixels are decoded.
#[derive(Debug)]
struct Meta {
    /// Full size as stored in the file, before any orientation.
    width: u32,
    height: u32,
    /// EXIF orientation, 1–8 (1 when absent or invalid).
    orientation: u8,
    gps: Option<LatLon>,
}

fn check_size(width: u64, height: u64) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(invalid("damaged photo: it has no pixels"));
    }
    let pixels = width * height;
    if pixels > MAX_PIXELS {
        return Err(invalid(format!(
            "picture too large: {width}×{height} is {:.0} megapixels, at most {} megapixels",
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// Size of the frame that fits in `edge`×`edge`, keeping the aspect ratio and
/// never enlarging. Rounds like ImageMagick's `-resize 1600x1600`, so
/// 4000×3000 gives 1600×1200.
fn fit(width: u32, height: u32, edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= edge {
        return (width, height);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    (scale(width), scale(height))
}

// ---- JPEG, through libjpeg-turbo ----

/// Runs libjpeg work whose errors unwind. The `mozjpeg` crate reports libjpeg's
/// fatal errors by unwinding out of the C code (libjpeg cannot return an error
/// any other way), so a damaged file becomes an `Err` here instead of a crash.
/// This relies on the default `panic = "unwind"`.
fn libjpeg<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("unknown error");
            let detail = detail.strip_prefix("libjpeg fatal error: ").unwrap_or(detail);
            Err(invalid(format!("{what}: {detail}")))
        }
    }
}

fn damaged(e: impl std::fmt::Display) -> Error {
    invalid(format!("damaged JPEG photo: {e}"))
}

/// Decodes a JPEG at the smallest DCT scale (8/8, 4/8, 2/8 or 1/8) whose long
/// edge is still at least [`LONG_EDGE`], so the resize that follows only ever
/// shrinks and keeps its quality.
fn decode_jpeg(input: &[u8]) -> Result<(Frame, Meta)> {
    libjpeg("damaged JPEG photo", || {
        // APP1 is kept so EXIF is read from libjpeg's own parse of the header.
        let mut d = Decompress::builder().with_markers(&[Marker::APP(1)]).from_mem(input).map_err(damaged)?;
        let (width, height) = (d.width() as u32, d.height() as u32);
        check_size(width.into(), height.into())?;
        let (orientation, gps) = d
            .markers()
            .find_map(|m| m.data.strip_prefix(b"Exif\0\0").map(<[u8]>::to_vec))
            .and_then(|tiff| exif::Reader::new().continue_on_error(true).read_raw(tiff).or_else(partial).ok())
            .map_or((1, None), |e| read_exif(&e));

        if matches!(d.color_space(), ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK) {
            // libjpeg cannot turn CMYK into RGB; cameras and phones never write it.
            return Err(invalid("unsupported JPEG: CMYK colours (print files are not photos)"));
        }
        d.scale(dct_scale(width.max(height)));
        let mut d = d.rgb().map_err(damaged)?;
        let (sw, sh) = (d.width() as u32, d.height() as u32);
        let rgb: Vec<u8> = d.read_scanlines().map_err(damaged)?;
        let rest = d.finish_into_inner().map_err(damaged)?;
        // A file cut short decodes "successfully": the crate feeds libjpeg a fake
        // end marker and the missing rows come out grey. A real end marker was
        // read when bytes follow it, or when the file ends with it.
        if rest.is_empty() && !input.ends_with(&[0xFF, 0xD9]) {
            return Err(invalid("damaged JPEG photo: the file is cut short"));
        }
        Ok((Frame { width: sw, height: sh, rgb }, Meta { width, height, orientation, gps }))
    })
}

/// Numerator over 8 of the DCT scale used to decode a picture whose long edge is `long`.
fn dct_scale(long: u32) -> u8 {
    [1u8, 2, 4]
        .into_iter()
        // libjpeg rounds scaled sizes up.
        .find(|&n| (u64::from(long) * u64::from(n)).div_ceil(8) >= u64::from(LONG_EDGE))
        .unwrap_or(8)
}

/// Encodes a baseline JPEG with libjpeg-turbo's defaults at [`QUALITY`]
/// (4:2:0 chroma, optimised Huffman tables), turned upright on the way.
/// Nothing but the JFIF header and the pixels is written: no EXIF, no ICC
/// profile, no comment.
fn encode_jpeg(stored: &Frame, orientation: u8) -> Result<Vec<u8>> {
    // Rows handed to libjpeg at a time when turning: a strip reads a narrow band
    // of columns, which stays in cache, and no turned copy of the frame is made.
    const STRIP: usize = 16;
    let up = Upright::new(stored, orientation);
    libjpeg("could not encode the photo", || {
        let fail = |e: std::io::Error| invalid(format!("could not encode the photo: {e}"));
        let mut c = Compress::new(ColorSpace::JCS_RGB);
        // mozjpeg's own defaults (progressive, trellis quantisation) save ~10 %
        // of bytes but cost several times the encoding time on a phone.
        c.set_fastest_defaults();
        c.set_size(up.width as usize, up.height as usize);
        c.set_quality(f32::from(QUALITY));
        // A second pass over the coefficients for ~8 % fewer bytes to upload.
        c.set_optimize_coding(true);
        let mut c = c.start_compress(Vec::with_capacity(stored.rgb.len() / 8)).map_err(fail)?;
        if (2..=8).contains(&orientation) {
            let row = up.width as usize * 3;
            let mut strip = vec![0u8; STRIP * row];
            for y0 in (0..up.height as usize).step_by(STRIP) {
                let n = STRIP.min(up.height as usize - y0) * row;
                up.rows(stored, y0, &mut strip[..n]);
                c.write_scanlines(&strip[..n]).map_err(fail)?;
            }
        } else {
            c.write_scanlines(&stored.rgb).map_err(fail)?;
        }
        c.finish().map_err(fail)
    })
}

// ---- PNG and WebP, through the image crate ----

fn decode_other(input: &[u8], format: ImageType) -> Result<(Frame, Meta)> {
    let image_format = match format {
        ImageType::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::WebP,
    };
    let name = if format == ImageType::Png { "PNG" } else { "WebP" };
    let bad = |e: image::ImageError| invalid(format!("damaged {name} photo: {e}"));
    let reader = || image::ImageReader::with_format(Cursor::new(input), image_format);

    let (width, height) = reader().into_dimensions().map_err(bad)?;
    check_size(width.into(), height.into())?;
    let (orientation, gps) = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut Cursor::new(input))
        .or_else(partial)
        .map_or((1, None), |e| read_exif(&e));

    let mut r = reader();
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    r.limits(limits);
    let img = r.decode().map_err(bad)?;
    let (width, height) = (img.width(), img.height());
    let rgb = if img.color().has_alpha() { flatten(&img.into_rgba8()) } else { img.into_rgb8().into_raw() };
    Ok((Frame { width, height, rgb }, Meta { width, height, orientation, gps }))
}

/// Lays transparent pixels over white: JPEG has no alpha, and the colour
/// under a transparent pixel is often black or garbage.
fn flatten(rgba: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for p in rgba.chunks_exact(4) {
        let a = u32::from(p[3]);
        for &c in &p[..3] {
            out.push(((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

// ---- EXIF ----

/// Keeps what a damaged EXIF block still yields (a broken maker note must not
/// cost the orientation).
fn partial(e: exif::Error) -> std::result::Result<exif::Exif, exif::Error> {
    e.distill_partial_result(|_| {})
}

fn read_exif(e: &exif::Exif) -> (u8, Option<LatLon>) {
    use exif::{In, Tag};
    let orientation = e
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u8);
    (orientation, gps(e))
}

/// The EXIF position as signed decimal degrees (north and east positive), or
/// `None` when a part is missing or out of range.
fn gps(e: &exif::Exif) -> Option<LatLon> {
    use exif::{In, Tag, Value};
    let ascii = |tag| match &e.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(v) => v.first()?.first().map(u8::to_ascii_uppercase),
        _ => None,
    };
    // 'V' is a receiver's "void" fix: the numbers are stale or made up.
    if ascii(Tag::GPSStatus) == Some(b'V') {
        return None;
    }
    let coord = |tag, ref_tag, pos: u8, neg: u8, max: f64| -> Option<f64> {
        let Value::Rational(parts) = &e.get_field(tag, In::PRIMARY)?.value else { return None };
        if parts.is_empty() || parts.len() > 3 || parts.iter().any(|r| r.denom == 0) {
            return None;
        }
        let [deg, min, sec] = [0, 1, 2].map(|i| parts.get(i).map_or(0.0, |r| r.to_f64()));
        if min > 60.0 || sec > 60.0 {
            return None;
        }
        let value = deg + min / 60.0 + sec / 3600.0;
        let sign = match ascii(ref_tag)? {
            r if r == pos => 1.0,
            r if r == neg => -1.0,
            _ => return None,
        };
        (value <= max).then_some(sign * value)
    };
    let lat = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'N', b'S', 90.0)?;
    let lon = coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'E', b'W', 180.0)?;
    // Cameras without a fix sometimes write zeros; no report is at 0°, 0°.
    if lat == 0.0 && lon == 0.0 {
        return None;
    }
    Some(LatLon { lat, lon })
}

// ---- pixels ----

fn resize_options() -> ResizeOptions {
    // Lanczos3 is ImageMagick's choice when shrinking photos: sharp, no ringing to speak of.
    ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
}

/// The frame resized to `width`×`height`, or `None` when it already has that size.
fn resize_ref(src: &Frame, width: u32, height: u32) -> Result<Option<Frame>> {
    if (src.width, src.height) == (width, height) {
        return Ok(None);
    }
    let resize_err = |e: &dyn std::fmt::Display| invalid(format!("could not resize the photo: {e}"));
    let view = ImageRef::new(src.width, src.height, &src.rgb, PixelType::U8x3).map_err(|e| resize_err(&e))?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    Resizer::new().resize(&view, &mut dst, &resize_options()).map_err(|e| resize_err(&e))?;
    Ok(Some(Frame { width, height, rgb: dst.into_vec() }))
}

fn resize(src: Frame, width: u32, height: u32) -> Result<Frame> {
    Ok(resize_ref(&src, width, height)?.unwrap_or(src))
}

/// A stored frame as it is meant to be seen under an EXIF orientation
/// (1 = as stored; 2–4 mirror or turn half-way; 5–8 also swap width and
/// height). The pixel seen at (x, y) is stored at index
/// `start + x·step_x + y·step_y`.
struct Upright {
    width: u32,
    height: u32,
    start: isize,
    step_x: isize,
    step_y: isize,
}

impl Upright {
    fn new(stored: &Frame, orientation: u8) -> Self {
        let (w, h) = (stored.width as isize, stored.height as isize);
        let (start, step_x, step_y) = match orientation {
            2 => (w - 1, -1, w),       // mirrored left-right
            3 => (w * h - 1, -1, -w),  // turned 180°
            4 => ((h - 1) * w, 1, -w), // mirrored top-bottom
            5 => (0, w, 1),            // transposed
            6 => ((h - 1) * w, -w, 1), // turned 90° clockwise
            7 => (w * h - 1, -w, -1),  // transversed
            8 => (w - 1, w, -1),       // turned 90° anticlockwise
            _ => (0, 1, w),            // as stored
        };
        let (width, height) =
            if (5..=8).contains(&orientation) { (stored.height, stored.width) } else { (stored.width, stored.height) };
        Upright { width, height, start, step_x, step_y }
    }

    /// Copies the seen rows from `y0` on into `out` (whole rows).
    fn rows(&self, stored: &Frame, y0: usize, out: &mut [u8]) {
        for (r, row) in out.chunks_exact_mut(self.width as usize * 3).enumerate() {
            let mut i = self.start + (y0 + r) as isize * self.step_y;
            for px in row.chunks_exact_mut(3) {
                let at = i as usize * 3;
                px.copy_from_slice(&stored.rgb[at..at + 3]);
                i += self.step_x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `w`×`h` whose pixels are `f(x, y)`.
    fn jpeg(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let f = &f;
        let rgb = (0..h).flat_map(|y| (0..w).flat_map(move |x| f(x, y))).collect::<Vec<u8>>();
        encode_jpeg(&Frame { width: w, height: h, rgb }, 1).unwrap()
    }

    fn gradient(w: u32, h: u32) -> Vec<u8> {
        jpeg(w, h, |x, y| [(x * 255 / w) as u8, (y * 255 / h) as u8, ((x + y) % 256) as u8])
    }

    /// Decodes a JPEG in full: width, height, RGB.
    fn decode(data: &[u8]) -> (u32, u32, Vec<u8>) {
        let d = Decompress::new_mem(data).unwrap();
        let mut d = d.rgb().unwrap();
        let (w, h) = (d.width() as u32, d.height() as u32);
        let rgb: Vec<u8> = d.read_scanlines().unwrap();
        d.finish().unwrap();
        (w, h, rgb)
    }

    /// A GPS position as EXIF writes it: reference letter and degrees, minutes,
    /// seconds as (numerator, denominator).
    type Coord = (u8, [(u32, u32); 3]);

    use crate::exif_fixture::{ifd_len, rationals, write_ifd, Entry};

    /// An EXIF block (TIFF structure) with the given orientation, camera make and position.
    fn exif(orientation: Option<u16>, make: Option<&str>, gps: Option<(Coord, Coord)>) -> Vec<u8> {
        let mut ifd0: Vec<Entry> = Vec::new();
        if let Some(m) = make {
            let mut v = m.as_bytes().to_vec();
            v.push(0);
            ifd0.push((0x010F, 2, v.len() as u32, v));
        }
        if let Some(o) = orientation {
            ifd0.push((0x0112, 3, 1, o.to_le_bytes().to_vec()));
        }
        let gps_ifd: Option<Vec<Entry>> = gps.map(|((lat_ref, lat), (lon_ref, lon))| {
            vec![
                (0x0001, 2, 2, vec![lat_ref, 0]),
                (0x0002, 5, 3, rationals(&lat)),
                (0x0003, 2, 2, vec![lon_ref, 0]),
                (0x0004, 5, 3, rationals(&lon)),
            ]
        });
        if gps_ifd.is_some() {
            ifd0.push((0x8825, 4, 1, vec![0; 4]));
            let at = (8 + ifd_len(&ifd0)) as u32;
            ifd0.last_mut().unwrap().3 = at.to_le_bytes().to_vec();
        }
        let mut out = b"II*\0".to_vec();
        out.extend(8u32.to_le_bytes());
        write_ifd(&mut out, &ifd0);
        if let Some(g) = gps_ifd {
            write_ifd(&mut out, &g);
        }
        out
    }

    /// The JPEG with an EXIF APP1 segment right after its start marker.
    fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((tiff.len() + 8) as u16).to_be_bytes());
        out.extend(b"Exif\0\0");
        out.extend(tiff);
        out.extend(&jpeg[2..]);
        out
    }

    const HA_GIANG: (Coord, Coord) = ((b'N', [(22, 1), (49, 1), (252, 10)]), (b'E', [(104, 1), (58, 1), (48, 1)]));

    /// The markers of a JPEG's header, up to its first scan.
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 2;
        while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
            let m = jpeg[i + 1];
            out.push(m);
            if m == 0xDA {
                break;
            }
            i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        }
        out
    }

    fn is_invalid(r: Result<Processed>) -> String {
        match r {
            Err(Error::InvalidInput(m)) => m,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn all_eight_orientations_come_out_upright() {
        // Stored picture, 64×32, one colour per quadrant.
        const RED: [u8; 3] = [220, 30, 30];
        const GREEN: [u8; 3] = [30, 200, 30];
        const BLUE: [u8; 3] = [30, 30, 220];
        const WHITE: [u8; 3] = [240, 240, 240];
        let stored = jpeg(64, 32, |x, y| match (x < 32, y < 16) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        });
        let nearest = |p: &[u8]| {
            [RED, GREEN, BLUE, WHITE]
                .into_iter()
                .min_by_key(|c| c.iter().zip(p).map(|(a, b)| (i32::from(*a) - i32::from(*b)).pow(2)).sum::<i32>())
                .unwrap()
        };
        // What the viewer sees in the top-left, top-right and bottom-left corners.
        let expected = [
            (1, [RED, GREEN, BLUE]),
            (2, [GREEN, RED, WHITE]),
            (3, [WHITE, BLUE, GREEN]),
            (4, [BLUE, WHITE, RED]),
            (5, [RED, BLUE, GREEN]),
            (6, [BLUE, RED, WHITE]),
            (7, [WHITE, GREEN, BLUE]),
            (8, [GREEN, WHITE, RED]),
        ];
        for (o, [tl, tr, bl]) in expected {
            let p = process(&with_exif(&stored, &exif(Some(o), None, None))).unwrap();
            let want = if o >= 5 { (32, 64) } else { (64, 32) };
            assert_eq!((p.width, p.height), want, "orientation {o}");
            let (w, h, rgb) = decode(&p.jpeg);
            assert_eq!((w, h), want);
            let at = |x: u32, y: u32| nearest(&rgb[((y * w + x) * 3) as usize..][..3]);
            assert_eq!([at(w / 4, h / 4), at(3 * w / 4, h / 4), at(w / 4, 3 * h / 4)], [tl, tr, bl], "orientation {o}");
            let (tw, th, _) = decode(&p.thumbnail);
            assert_eq!((tw, th), want, "thumbnail, orientation {o}");
        }
    }

    #[test]
    fn invalid_orientation_is_ignored() {
        let stored = gradient(40, 20);
        for o in [0, 9, 300] {
            let p = process(&with_exif(&stored, &exif(Some(o), None, None))).unwrap();
            assert_eq!((p.width, p.height), (40, 20));
        }
    }

    #[test]
    fn gps_position_is_read_as_signed_degrees() {
        let stored = gradient(40, 20);
        let p = process(&with_exif(&stored, &exif(Some(1), None, Some(HA_GIANG)))).unwrap();
        let at = p.gps.expect("a position");
        assert!((at.lat - (22.0 + 49.0 / 60.0 + 25.2 / 3600.0)).abs() < 1e-9, "{at:?}");
        assert!((at.lon - (104.0 + 58.0 / 60.0 + 48.0 / 3600.0)).abs() < 1e-9, "{at:?}");

        let south_west = ((b'S', [(33, 1), (52, 1), (0, 1)]), (b'W', [(151, 1), (12, 1), (36, 1)]));
        let p = process(&with_exif(&stored, &exif(None, None, Some(south_west)))).unwrap();
        let at = p.gps.unwrap();
        assert!((at.lat + (33.0 + 52.0 / 60.0)).abs() < 1e-9 && (at.lon + (151.0 + 12.6 / 60.0)).abs() < 1e-9);

        assert_eq!(process(&stored).unwrap().gps, None);
    }

    #[test]
    fn invalid_gps_is_ignored() {
        let stored = gradient(40, 20);
        let east = (b'E', [(104, 1), (58, 1), (48, 1)]);
        for lat in [
            (b'N', [(22, 0), (49, 1), (0, 1)]), // zero denominator
            (b'N', [(95, 1), (0, 1), (0, 1)]),  // beyond the pole
            (b'N', [(22, 1), (75, 1), (0, 1)]), // 75 minutes
            (b'X', [(22, 1), (49, 1), (0, 1)]), // no such hemisphere
        ] {
            let p = process(&with_exif(&stored, &exif(None, None, Some((lat, east))))).unwrap();
            assert_eq!(p.gps, None, "{lat:?}");
        }
        let zero = (b'N', [(0, 1), (0, 1), (0, 1)]);
        let p =
            process(&with_exif(&stored, &exif(None, None, Some((zero, (b'E', [(0, 1), (0, 1), (0, 1)])))))).unwrap();
        assert_eq!(p.gps, None);
        // A broken EXIF block costs the metadata, not the photo.
        let p = process(&with_exif(&stored, b"II*\0\xff\xff\xff\xff")).unwrap();
        assert_eq!((p.width, p.height, p.gps), (40, 20, None));
    }

    #[test]
    fn no_metadata_leaves_the_phone() {
        let tiff = exif(Some(6), Some("SecretPhone X1"), Some(HA_GIANG));
        let p = process(&with_exif(&gradient(300, 200), &tiff)).unwrap();
        assert!(p.gps.is_some(), "read before stripping");
        let gps_bytes = rationals(&HA_GIANG.0 .1);
        for out in [&p.jpeg, &p.thumbnail] {
            // Only the JFIF header (APP0), tables, frame and scan: no APP1..APP15, no comment.
            let m = markers(out);
            assert!(m.iter().all(|&m| m == 0xE0 || !(0xE1..=0xEF).contains(&m) && m != 0xFE), "{m:x?}");
            let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
            assert!(!has(b"Exif") && !has(b"SecretPhone") && !has(&gps_bytes) && !has(b"II*\0"));
        }
    }

    #[test]
    fn long_edge_is_at_most_1600_and_thumbnail_at_most_320() {
        // 3400 px decodes at 4/8 (1700 px), then is resized.
        let p = process(&gradient(3400, 1200)).unwrap();
        assert_eq!((p.width, p.height), (1600, 565));
        assert_eq!(decode(&p.jpeg).0, 1600);
        let (tw, th, _) = decode(&p.thumbnail);
        assert_eq!((tw, th), (320, 113));

        // Turned: 6 swaps the edges.
        let p = process(&with_exif(&gradient(2000, 1500), &exif(Some(6), None, None))).unwrap();
        assert_eq!((p.width, p.height), (1200, 1600));
        assert_eq!(decode(&p.thumbnail).0, 240);
    }

    #[test]
    fn small_photos_are_never_enlarged() {
        let p = process(&gradient(800, 600)).unwrap();
        assert_eq!((p.width, p.height), (800, 600));
        assert_eq!(decode(&p.thumbnail).0, 320);
        let p = process(&gradient(200, 100)).unwrap();
        assert_eq!((p.width, p.height), (200, 100));
        assert_eq!(decode(&p.thumbnail).0, 200);
    }

    #[test]
    fn dct_scale_and_fit() {
        assert_eq!(dct_scale(1600), 8);
        assert_eq!(dct_scale(3199), 4);
        assert_eq!(dct_scale(4000), 4);
        assert_eq!(dct_scale(8000), 2);
        assert_eq!(dct_scale(16000), 1);
        assert_eq!(dct_scale(12000), 2);
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(60000, 1, 1600), (1600, 1));
        assert_eq!(fit(1000, 700, 1600), (1000, 700));
    }

    #[test]
    fn progressive_and_grey_jpegs_are_read() {
        let (w, h) = (2000u32, 1000u32);
        let rgb = (0..w * h).flat_map(|i| [(i % 251) as u8, (i % 241) as u8, 90]).collect::<Vec<u8>>();
        // mozjpeg's default settings write progressive JPEGs.
        let mut c = Compress::new(ColorSpace::JCS_RGB);
        c.set_size(w as usize, h as usize);
        let mut c = c.start_compress(Vec::new()).unwrap();
        c.write_scanlines(&rgb).unwrap();
        let progressive = c.finish().unwrap();
        let p = process(&progressive).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));

        let mut c = Compress::new(ColorSpace::JCS_GRAYSCALE);
        c.set_size(64, 48);
        let mut c = c.start_compress(Vec::new()).unwrap();
        c.write_scanlines(&[128; 64 * 48]).unwrap();
        let p = process(&c.finish().unwrap()).unwrap();
        let (_, _, px) = decode(&p.jpeg);
        assert!(px.iter().all(|&v| v.abs_diff(128) <= 2));
    }

    #[test]
    fn png_and_webp_are_read() {
        // Left half transparent: laid over white.
        let png_img =
            image::RgbaImage::from_fn(50, 40, |x, _| image::Rgba(if x < 25 { [0, 0, 0, 0] } else { [200, 0, 0, 255] }));
        let mut png = Vec::new();
        png_img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let p = process(&png).unwrap();
        assert_eq!((p.width, p.height), (50, 40));
        let (_, _, px) = decode(&p.jpeg);
        assert!(px[..3].iter().all(|&v| v > 240), "{:?}", &px[..3]);

        let webp_img = image::RgbImage::from_fn(30, 20, |x, y| image::Rgb([x as u8 * 8, y as u8 * 12, 100]));
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .encode(webp_img.as_raw(), 30, 20, image::ExtendedColorType::Rgb8)
            .unwrap();
        let p = process(&webp).unwrap();
        assert_eq!((p.width, p.height), (30, 20));
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn bad_input_is_refused_clearly() {
        assert!(is_invalid(process(b"")).contains("empty"));
        assert!(is_invalid(process(b"hello, this is not a photo")).contains("not a photo"));
        assert!(is_invalid(process(b"GIF89a\x01\x00\x01\x00")).contains("expected JPEG, PNG or WebP"));
        assert!(is_invalid(process(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic")).contains("HEIC"));
        let mut big = vec![0u8; MAX_INPUT_BYTES + 1];
        big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert!(is_invalid(process(&big)).contains("too large"));

        let good = gradient(300, 200);
        for cut in [3, 20, good.len() / 2, good.len() - 2] {
            is_invalid(process(&good[..cut]));
        }
        assert!(is_invalid(process(&good[..good.len() / 2])).contains("cut short"));
        let mut junk = good[..4].to_vec();
        junk.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        is_invalid(process(&junk));
        is_invalid(process(b"RIFF\0\0\0\0WEBPVP8 "));
        is_invalid(process(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"));

        // A small file claiming 10000×10000 pixels: refused from its header.
        let mut bomb = good.clone();
        let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline frame header");
        bomb[sof + 5..sof + 9].copy_from_slice(&[0x27, 0x10, 0x27, 0x10]);
        assert!(is_invalid(process(&bomb)).contains("megapixels"));

        let mut png = Vec::new();
        image::RgbImage::new(4, 4).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        png[16..24].copy_from_slice(&[0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20]); // 20000×20000
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(is_invalid(process(&png)).contains("megapixels"));
    }
}
