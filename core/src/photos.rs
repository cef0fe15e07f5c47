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
//! skips most of the inverse DCT and decodes at 1/2, 1/4 or 1/8 scale, which
//! saves most of the time. The rest of the way is a Lanczos3 resize
//! (`fast_image_resize`), and the encoder is libjpeg-turbo's own baseline.
//!
//! Decoding is the one step that cannot be split (the entropy decoder reads
//! the file in order), so it gets a thread to itself: bands of decoded rows go
//! to a second thread that shrinks them and feeds the encoder and the
//! thumbnail while the decoder goes on with the next band. No full-size frame
//! is ever held, which also spares the page faults of large buffers. A turned
//! photo (EXIF orientation, as most phone photos held upright are) can only be
//! encoded once its last row is in; its two halves are then encoded at once,
//! one per thread, and joined with a restart marker. PNG and WebP are rarer
//! from cameras and are decoded in full with the `image` crate.

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

// Typed images (RGB only) rather than the dynamic `Image`: the dynamic one
// dispatches on the pixel type at run time and so links every pixel type's
// SIMD code, 3 MB of the desktop binary; photos here are only ever RGB.
use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::U8x3;
use fast_image_resize::{Filter, FilterType, ResizeAlg, ResizeOptions, Resizer};
use mozjpeg::decompress::DecompressStarted;
use mozjpeg::{ColorSpace, Compress, Decompress, Marker};

use mycity_protocol::media::{is_iso_media, sniff_image, ImageType};

use crate::error::{Error, Problem, Result};
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

/// JPEG quality of the processed photo and its thumbnail (libjpeg scale,
/// 1–100), for photos of ordinary detail.
pub const QUALITY: u8 = 80;

/// Largest processed photo, in bytes. Photos come out at 130–250 KB, and at
/// ~500 KB when very detailed (foliage, gravel, sensor noise: ImageMagick's
/// own output at the same quality is as large); a picture that is mostly
/// noise (a night shot at high ISO) would reach 1 MB, and only those are
/// written again at a lower quality to fit. Detailed photos keep
/// [`QUALITY`]: every quality that would bring them under 400 KB measured
/// 0.90–0.92 SSIM against ImageMagick's picture, a visible loss of the
/// detail the report is about.
pub const MAX_OUTPUT_BYTES: usize = 800 * 1024;

/// Lowest quality a photo is written at to stay under [`MAX_OUTPUT_BYTES`].
const MIN_QUALITY: u8 = 50;

/// The quality to try after an encoding at `quality` gave `bytes`: each step
/// down saves ~3 % at these qualities (measured), aim 5 % under the cap.
fn lower_quality(quality: u8, bytes: usize) -> u8 {
    let over = bytes as f64 / (MAX_OUTPUT_BYTES as f64 * 0.95);
    let steps = (over.ln() / 0.03).ceil().max(2.0) as u8;
    quality.saturating_sub(steps).max(MIN_QUALITY)
}

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
/// cut short) is refused with [`Error::Invalid`], whose problem says why.
pub fn process(input: &[u8]) -> Result<Processed> {
    match check_input(input, "photos")? {
        ImageType::Jpeg => process_jpeg(input),
        format => {
            let (frame, meta) = decode_other(input, format)?;
            process_frame(&frame, &meta)
        }
    }
}

/// Checks a picture file as a picker or a camera gave it, before any pixel
/// is decoded, and says which format it is: the one gate every reader of
/// pictures (report photos, QR codes) passes, so all refuse the same files
/// with the same problems (`photo-empty`, `photo-too-large`, `photo-heic`,
/// `photo-not-image`), reported against `field`.
pub fn check_input(input: &[u8], field: &'static str) -> Result<ImageType> {
    // The technical detail (logs, the CLI) names what the caller reads.
    let noun = if field == "photos" { "photo" } else { "picture" };
    if input.is_empty() {
        return Err(Problem::new("photo-empty", "the picture is empty").field(field).into());
    }
    if input.len() > MAX_INPUT_BYTES {
        let mb = input.len() as f64 / (1024.0 * 1024.0);
        let max = MAX_INPUT_BYTES / (1024 * 1024);
        return Err(Problem::new("photo-too-large", format!("picture too large: {mb:.1} MB, at most {max} MB"))
            .field(field)
            .arg("mb", format!("{mb:.0}"))
            .arg("max", max)
            .into());
    }
    // Recognised by content, never by name or MIME type, which a picker may get wrong.
    match sniff_image(input) {
        Some(format) => Ok(format),
        // iPhones shoot HEIC; the system picker usually hands over a JPEG, but
        // a file copied as is deserves a clearer word than "not a photo".
        None if is_iso_media(input) => {
            Err(Problem::new("photo-heic", "unsupported picture format (HEIC/AVIF): expected JPEG, PNG or WebP")
                .field(field)
                .into())
        }
        None => Err(Problem::new("photo-not-image", format!("not a {noun}: expected JPEG, PNG or WebP"))
            .field(field)
            .into()),
    }
}

/// Checks a picture's size, read from its header before decoding, against
/// `max` pixels: a small file can claim a huge picture (a "decompression
/// bomb"), and decoding it would exhaust a phone's memory.
pub fn check_pixels(width: u64, height: u64, max: u64, field: &'static str) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Problem::new("photo-damaged", "damaged picture: it has no pixels").field(field).into());
    }
    let pixels = width * height;
    if pixels > max {
        let (mp, max) = (pixels as f64 / 1e6, max / 1_000_000);
        return Err(Problem::new(
            "photo-too-many-pixels",
            format!("picture too large: {width}×{height} is {mp:.0} megapixels, at most {max} megapixels"),
        )
        .field(field)
        .arg("mp", format!("{mp:.0}"))
        .arg("max", max)
        .into());
    }
    Ok(())
}

/// A photo problem; every one concerns the report's photos field.
fn invalid(code: &'static str, detail: impl Into<String>) -> Error {
    Problem::new(code, detail).field("photos").into()
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
    check_pixels(width, height, MAX_PIXELS, "photos")
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
        Err(payload) => Err(invalid("photo-damaged", format!("{what}: {}", panic_text(payload.as_ref())))),
    }
}

/// libjpeg's message out of an unwind payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown error");
    detail.strip_prefix("libjpeg fatal error: ").unwrap_or(detail).to_owned()
}

fn damaged(e: impl std::fmt::Display) -> Error {
    invalid("photo-damaged", format!("damaged JPEG photo: {e}"))
}

/// Decoded rows handed from the decoder to the shrinking thread at a time, in
/// bytes (rounded to whole rows). Big enough that the per-call set-up of the
/// resize (its filter weights for every output column, a few tenths of a
/// millisecond) is paid a dozen times per photo rather than hundreds, small
/// enough that a band is still in cache when the other thread reads it.
const BAND_BYTES: usize = 768 * 1024;

/// Smallest band: below this, setting up each resize costs more than the
/// rows take to decode.
const MIN_BAND_ROWS: usize = 32;

/// Band buffers: one being decoded, one being shrunk, one waiting. They go
/// round, so nothing is allocated for bands after the first three.
const BANDS: usize = 3;

/// Decodes a JPEG at the DCT scale [`dct_scale`] picks, and shrinks, turns
/// and encodes it on a second thread while the decoder goes on (see the
/// module notes).
fn process_jpeg(input: &[u8]) -> Result<Processed> {
    let (d, meta) = libjpeg("damaged JPEG photo", || start_jpeg(input))?;
    let src = (d.width() as u32, d.height() as u32);
    let dst = fit(meta.width, meta.height, LONG_EDGE);
    let orientation = meta.orientation;
    let band_rows = (BAND_BYTES / (src.0 as usize * 3)).max(MIN_BAND_ROWS);
    let band_bytes = band_rows.min(src.1 as usize) * src.0 as usize * 3;
    let (out, decoded) = thread::scope(|s| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(BANDS);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        let worker = thread::Builder::new().name("photo".into()).spawn_scoped(s, move || {
            libjpeg("could not encode the photo", || {
                // While the decoder fills its first band, this thread, idle
                // until then, pays the page faults of the other bands'
                // buffers, which would otherwise hold the decoder up.
                for _ in 1..BANDS {
                    let _ = empty_tx.send(vec![1; band_bytes]);
                }
                let mut out = Output::new(src, dst, orientation)?;
                for band in full_rx {
                    out.push(&band)?;
                    // The decoder may be done and gone: the buffer is then simply dropped.
                    let _ = empty_tx.send(band);
                }
                out.finish()
            })
        });
        let Ok(worker) = worker else {
            // No second thread to be had: the same work, one band after the other.
            return (libjpeg("damaged JPEG photo", || one_thread(d, input, band_rows, dst, orientation)), Ok(()));
        };
        let decoded = libjpeg("damaged JPEG photo", || {
            read_bands(d, input, band_rows, &mut |band, more| {
                if full_tx.send(band).is_err() {
                    return Ok(None);
                }
                Ok(if more { empty_rx.recv().ok() } else { Some(Vec::new()) })
            })
        });
        drop(full_tx);
        let out = worker.join().unwrap_or_else(|p| {
            Err(invalid("photo-encode", format!("could not encode the photo: {}", panic_text(p.as_ref()))))
        });
        (out, decoded)
    });
    // A damaged file explains a failed encoding, not the other way round.
    decoded?;
    let (jpeg, thumbnail, width, height) = out?;
    Ok(Processed { jpeg, thumbnail, width, height, gps: meta.gps })
}

/// The work of [`process_jpeg`] on this thread alone, band after band.
fn one_thread(
    d: DecompressStarted<&[u8]>,
    input: &[u8],
    band_rows: usize,
    dst: (u32, u32),
    orientation: u8,
) -> Result<(Vec<u8>, Vec<u8>, u32, u32)> {
    let mut out = Output::new((d.width() as u32, d.height() as u32), dst, orientation)?;
    read_bands(d, input, band_rows, &mut |band, _| {
        out.push(&band)?;
        Ok(Some(band))
    })?;
    out.finish()
}

/// Reads the header and EXIF, chooses the scale and starts the decoder.
fn start_jpeg(input: &[u8]) -> Result<(DecompressStarted<&[u8]>, Meta)> {
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
        return Err(invalid("photo-cmyk", "unsupported JPEG: CMYK colours (print files are not photos)"));
    }
    d.scale(dct_scale(width.max(height)));
    Ok((d.rgb().map_err(damaged)?, Meta { width, height, orientation, gps }))
}

/// A band of decoded rows goes to `hand`, with whether more follow; `hand`
/// gives back the buffer for the next band, or `None` when the rows are not
/// wanted any more (the shrinking thread failed, and says why).
type Hand<'a> = dyn FnMut(Vec<u8>, bool) -> Result<Option<Vec<u8>>> + 'a;

/// Decodes every row, a band at a time, and checks that the file was whole.
fn read_bands(mut d: DecompressStarted<&[u8]>, input: &[u8], band_rows: usize, hand: &mut Hand<'_>) -> Result<()> {
    let row = d.width() * 3;
    let mut left = d.height();
    let mut band = Vec::new();
    while left > 0 {
        // Smaller bands towards the end: what the shrinking thread still has
        // to do once the last row is decoded is one band's worth.
        let n = if left > 2 * band_rows {
            band_rows
        } else {
            let half = (left / 2).max(MIN_BAND_ROWS).min(left);
            if left - half < MIN_BAND_ROWS {
                left
            } else {
                half
            }
        };
        band.resize(n * row, 0);
        d.read_scanlines_into(&mut band[..]).map_err(damaged)?;
        left -= n;
        match hand(band, left > 0)? {
            Some(next) => band = next,
            None => return Ok(()),
        }
    }
    let rest = d.finish_into_inner().map_err(damaged)?;
    // A file cut short decodes "successfully": the crate feeds libjpeg a fake
    // end marker and the missing rows come out grey. A real end marker was
    // read when bytes follow it, or when the file ends with it.
    if rest.is_empty() && !input.ends_with(&[0xFF, 0xD9]) {
        return Err(invalid("photo-damaged", "damaged JPEG photo: the file is cut short"));
    }
    Ok(())
}

/// Numerator over 8 of the DCT scale used to decode a picture whose long edge
/// is `long`: the smallest of 1/8, 2/8, 4/8 and 8/8 that still gives at least
/// [`LONG_EDGE`] pixels, so the resize that follows only ever shrinks and
/// keeps its quality. libjpeg-turbo can decode at any M/8, but only these four
/// have SIMD inverse DCTs: 3/8 of a 24 MP photo decodes ~14 % slower than 4/8
/// of it, 5/8 of a 3000 px photo ~30 % slower than all of it, and the decoder
/// is the one step that nothing runs beside.
fn dct_scale(long: u32) -> u8 {
    [1u8, 2, 4]
        .into_iter()
        // libjpeg rounds scaled sizes up.
        .find(|&n| (u64::from(long) * u64::from(n)).div_ceil(8) >= u64::from(LONG_EDGE))
        .unwrap_or(8)
}

/// A JPEG encoder set for speed: libjpeg-turbo's own defaults at [`QUALITY`]
/// (baseline, 4:2:0 chroma, standard Huffman tables). mozjpeg's defaults
/// (progressive, trellis quantisation) save ~10 % of bytes but cost several
/// times the encoding time on a phone. Optimised Huffman tables save ~8 % on
/// a typical photo (~2 % on a very detailed one), but they hold every
/// coefficient of the photo for a second pass after its last row, which then
/// waits on it, and the halves of a turned photo ([`encode_in_halves`]) could
/// not share them. Nothing but the JFIF header and the pixels is written: no
/// EXIF, no ICC profile, no comment. The rows it is given are RGB.
fn encoder(width: u32, height: u32, quality: u8) -> Result<mozjpeg::compress::CompressStarted<Vec<u8>>> {
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    c.set_fastest_defaults();
    c.set_size(width as usize, height as usize);
    c.set_quality(f32::from(quality));
    c.set_optimize_coding(false);
    c.start_compress(Vec::with_capacity(width as usize * height as usize / 8)).map_err(encode_failed)
}

fn encode_failed(e: std::io::Error) -> Error {
    invalid("photo-encode", format!("could not encode the photo: {e}"))
}

/// Encodes a stored RGB frame, turned upright on the way.
fn encode_turned(width: u32, height: u32, px: &[u8], orientation: u8) -> Result<Vec<u8>> {
    // Rows handed to libjpeg at a time: a strip reads a narrow band of
    // columns, which stays in cache, and no turned copy of the frame is made.
    const STRIP: usize = 16;
    let up = Upright::new(width, height, orientation);
    let mut c = encoder(up.width, up.height, QUALITY)?;
    let row = up.width as usize * 3;
    let mut strip = vec![0u8; STRIP * row];
    for y0 in (0..up.height as usize).step_by(STRIP) {
        let n = STRIP.min(up.height as usize - y0) * row;
        up.rows(px, y0, &mut strip[..n]);
        c.write_scanlines(&strip[..n]).map_err(encode_failed)?;
    }
    c.finish().map_err(encode_failed)
}

/// Encodes an upright RGB frame as it is.
fn encode_rows(width: u32, height: u32, rgb: &[u8], quality: u8) -> Result<Vec<u8>> {
    let mut c = encoder(width, height, quality)?;
    c.write_scanlines(rgb).map_err(encode_failed)?;
    c.finish().map_err(encode_failed)
}

/// Height of the encoder's MCU (4:2:0), in pixels: pieces of a JPEG can only
/// meet on a row of MCUs.
const MCU: u32 = 16;

/// Encodes an upright RGB frame with two threads: its top and bottom halves
/// are encoded at once as two JPEGs, joined into one by [`splice`] with a
/// restart marker where they meet. A turned photo can only be encoded once
/// its last row is shrunk, while nothing else is left to do: this halves
/// that wait. The picture decodes exactly as from one encode.
fn encode_in_halves(width: u32, height: u32, rgb: &[u8], quality: u8) -> Result<Vec<u8>> {
    let top = (height / 2).div_ceil(MCU) * MCU;
    let interval = width.div_ceil(MCU) * (top / MCU);
    if top == 0 || top >= height || interval > u32::from(u16::MAX) {
        return encode_rows(width, height, rgb, quality);
    }
    let (upper, lower) = rgb.split_at(top as usize * width as usize * 3);
    let (first, second) = thread::scope(|s| {
        let second = thread::Builder::new().name("photo".into()).spawn_scoped(s, || {
            libjpeg("could not encode the photo", || encode_rows(width, height - top, lower, quality))
        });
        let first = encode_rows(width, top, upper, quality);
        let second = match second {
            Ok(t) => t.join().unwrap_or_else(|p| {
                Err(invalid("photo-encode", format!("could not encode the photo: {}", panic_text(p.as_ref()))))
            }),
            // No second thread to be had: one after the other.
            Err(_) => encode_rows(width, height - top, lower, quality),
        };
        (first, second)
    });
    match splice(&first?, &second?, height, interval) {
        Some(jpeg) => Ok(jpeg),
        // Not expected from libjpeg; one encode is always right.
        None => encode_rows(width, height, rgb, quality),
    }
}

/// Joins two baseline JPEGs of the same width and settings, `first` on top
/// of `second`, into one: `first`'s headers with the full `height` and a
/// restart interval of `interval` MCUs (all of `first`'s), its entropy-coded
/// data, the marker RST0, then `second`'s entropy-coded data and end marker.
/// At a restart marker the decoder starts afresh (DC predictions at zero, on
/// a byte boundary), just as `second` was encoded. `None` when either is not
/// laid out as expected or their headers differ but for the height.
fn splice(first: &[u8], second: &[u8], height: u32, interval: u32) -> Option<Vec<u8>> {
    let (sof, sos, data) = layout(first)?;
    if layout(second)? != (sof, sos, data) {
        return None;
    }
    let h = sof + 5; // SOF0: marker, length, precision, then the height
    let same = first.get(..h)? == second.get(..h)? && first.get(h + 2..data)? == second.get(h + 2..data)?;
    if !same || !first.ends_with(&[0xFF, 0xD9]) || !second.ends_with(&[0xFF, 0xD9]) {
        return None;
    }
    let (height, interval) = (u16::try_from(height).ok()?, u16::try_from(interval).ok()?);
    let mut out = Vec::with_capacity(first.len() + second.len());
    out.extend_from_slice(&first[..sos]);
    out[h..h + 2].copy_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&[0xFF, 0xDD, 0, 4]); // DRI
    out.extend_from_slice(&interval.to_be_bytes());
    out.extend_from_slice(&first[sos..first.len() - 2]);
    out.extend_from_slice(&[0xFF, 0xD0]);
    out.extend_from_slice(&second[data..]);
    Some(out)
}

/// Where a baseline JPEG's frame header (SOF0) and scan header (SOS) start,
/// and where its entropy-coded data begins. `None` for anything else,
/// restart markers included.
fn layout(jpeg: &[u8]) -> Option<(usize, usize, usize)> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let (mut i, mut sof) = (2, None);
    loop {
        if *jpeg.get(i)? != 0xFF {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(i + 2)?, *jpeg.get(i + 3)?]));
        match jpeg[i + 1] {
            0xC0 => sof = Some(i),
            0xDA => return Some((sof?, i, i + 2 + len)),
            // Other frame types (progressive, arithmetic…), restart intervals.
            0xC1..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDD => return None,
            _ => {}
        }
        i += 2 + len;
    }
}

/// Encodes an RGB frame as a JPEG, turned upright.
#[cfg(test)]
fn encode_jpeg(stored: &Frame, orientation: u8) -> Result<Vec<u8>> {
    libjpeg("could not encode the photo", || encode_turned(stored.width, stored.height, &stored.rgb, orientation))
}

// ---- PNG and WebP, through the image crate ----

/// Shrinks, turns and encodes a decoded RGB frame, on this thread: PNG and
/// WebP decoders hand over the whole frame at once, there is nothing to overlap.
fn process_frame(frame: &Frame, meta: &Meta) -> Result<Processed> {
    let (w, h) = fit(frame.width, frame.height, LONG_EDGE);
    let (jpeg, thumbnail, width, height) = libjpeg("could not encode the photo", || {
        let mut out = Output::new((frame.width, frame.height), (w, h), meta.orientation)?;
        // In bands, so the half-shrunk rows never make a second full frame.
        let band = (BAND_BYTES / (frame.width as usize * 3)).max(16) * frame.width as usize * 3;
        for rows in frame.rgb.chunks(band) {
            out.push(rows)?;
        }
        out.finish()
    })?;
    Ok(Processed { jpeg, thumbnail, width, height, gps: meta.gps })
}

/// Decodes a PNG or WebP after `check` has passed its header's width and
/// height, and never past them: a file whose pixels claim more than its
/// header is refused instead of decoded. `what` names the file in the
/// damaged-file detail ("photo" for reports, "picture" for QR codes). Shared
/// by report photos and the QR reader so both refuse the same files.
pub(crate) fn decode_other_limited(
    input: &[u8],
    format: ImageType,
    what: &str,
    check: impl FnOnce(u32, u32) -> Result<()>,
) -> Result<image::DynamicImage> {
    let (image_format, name) = match format {
        ImageType::Png => (image::ImageFormat::Png, "PNG"),
        _ => (image::ImageFormat::WebP, "WebP"),
    };
    let bad = |e: image::ImageError| invalid("photo-damaged", format!("damaged {name} {what}: {e}"));
    let reader = || image::ImageReader::with_format(Cursor::new(input), image_format);
    let (width, height) = reader().into_dimensions().map_err(bad)?;
    check(width, height)?;
    let mut r = reader();
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    r.limits(limits);
    r.decode().map_err(bad)
}

fn decode_other(input: &[u8], format: ImageType) -> Result<(Frame, Meta)> {
    let img = decode_other_limited(input, format, "photo", |w, h| check_size(w.into(), h.into()))?;
    let (orientation, gps) = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut Cursor::new(input))
        .or_else(partial)
        .map_or((1, None), |e| read_exif(&e));
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
    let lanczos3 = Filter::new("Lanczos3", lanczos3, 3.0).map_or(FilterType::Lanczos3, FilterType::Custom);
    ResizeOptions::new().resize_alg(ResizeAlg::Convolution(lanczos3))
}

/// The Lanczos3 kernel, sinc(x)·sinc(x/3), with one sine instead of two
/// (sin 3a = 3 sin a − 4 sin³ a): the resize works its weights out again on
/// every call, and a band-by-band shrink calls it a few dozen times a photo.
fn lanczos3(x: f64) -> f64 {
    if x == 0.0 {
        return 1.0;
    }
    if !(-3.0..3.0).contains(&x) {
        return 0.0;
    }
    let a = std::f64::consts::PI * x / 3.0;
    let s = a.sin();
    s * s * (3.0 - 4.0 * s * s) / (3.0 * a * a)
}

fn resize_failed(e: impl std::fmt::Display) -> Error {
    invalid("photo-encode", format!("could not resize the photo: {e}"))
}

/// A Lanczos3 shrink of an RGB picture that arrives a band of
/// rows at a time, so rows can be shrunk while later ones are still being
/// decoded. It gives the picture a resize of the whole frame at once gives:
/// rows are shrunk across as they come, and an output row is made only when
/// every source row its filter reaches is there; rows no output row still
/// reaches are dropped, so only a band's worth is ever held.
struct Shrinker {
    src: (u32, u32),
    dst: (u32, u32),
    resizer: Resizer,
    /// Source rows `first..`, already shrunk across (`dst.0` pixels wide).
    window: Vec<u8>,
    first: u32,
    /// Source rows pushed so far.
    received: u32,
    /// Output rows made so far.
    done: u32,
    /// The output rows made by the last push.
    strip: Vec<u8>,
}

impl Shrinker {
    fn new(src: (u32, u32), dst: (u32, u32)) -> Self {
        Shrinker {
            src,
            dst,
            resizer: Resizer::new(),
            window: Vec::new(),
            first: 0,
            received: 0,
            done: 0,
            strip: Vec::new(),
        }
    }

    /// Source rows per output row, and how far from its centre the filter reaches, in source rows.
    fn reach(&self) -> (f64, f64) {
        let scale = f64::from(self.src.1) / f64::from(self.dst.1);
        (scale, 3.0 * scale.max(1.0))
    }

    /// Where output row `y` starts, in source rows. Multiplied before dividing,
    /// so the last row ends exactly on the source's last row.
    fn src_y(&self, y: u32) -> f64 {
        f64::from(y) * f64::from(self.src.1) / f64::from(self.dst.1)
    }

    fn all_done(&self) -> bool {
        self.done == self.dst.1
    }

    /// Takes the next source rows (whole rows; rows past the picture's
    /// height are ignored) and hands every output row they complete to `emit`.
    fn push(&mut self, rows: &[u8], emit: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        let ((sw, sh), (dw, dh)) = (self.src, self.dst);
        let (src_row, dst_row) = (sw as usize * 3, dw as usize * 3);
        let n = ((rows.len() / src_row) as u32).min(sh - self.received);
        if n == 0 {
            return Ok(());
        }
        let rows = &rows[..n as usize * src_row];
        self.received += n;
        if (sw, sh) == (dw, dh) {
            self.done += n;
            return emit(rows);
        }

        // Across, straight into the window.
        let at = self.window.len();
        self.window.resize(at + n as usize * dst_row, 0);
        if sw == dw {
            self.window[at..].copy_from_slice(rows);
        } else {
            let src = TypedImageRef::<U8x3>::from_buffer(sw, n, rows).map_err(resize_failed)?;
            let mut dst = TypedImage::<U8x3>::from_buffer(dw, n, &mut self.window[at..]).map_err(resize_failed)?;
            self.resizer.resize_typed(&src, &mut dst, &resize_options()).map_err(resize_failed)?;
        }

        // Down, for the output rows whose every source row is in.
        let (scale, radius) = self.reach();
        let end = if self.received == sh {
            dh
        } else {
            // Row y reaches source rows below ceil((y + 0.5)·scale + radius); one row to spare.
            let last = ((f64::from(self.received) - radius - 1.0) / scale - 0.5).floor();
            if last < 0.0 {
                0
            } else {
                (last as u32 + 1).min(dh)
            }
        };
        if end <= self.done {
            return Ok(());
        }
        let held = (self.window.len() / dst_row) as u32;
        let top = self.src_y(self.done) - f64::from(self.first);
        let height = (self.src_y(end) - self.src_y(self.done)).min(f64::from(held) - top);
        let count = end - self.done;
        self.strip.resize(count as usize * dst_row, 0);
        let src = TypedImageRef::<U8x3>::from_buffer(dw, held, &self.window).map_err(resize_failed)?;
        let mut dst = TypedImage::<U8x3>::from_buffer(dw, count, &mut self.strip).map_err(resize_failed)?;
        let options = resize_options().crop(0.0, top, f64::from(dw), height);
        self.resizer.resize_typed(&src, &mut dst, &options).map_err(resize_failed)?;
        self.done = end;
        emit(&self.strip)?;

        // Forget the rows no output row to come reaches (one row to spare).
        let keep = ((f64::from(self.done) + 0.5) * scale - radius).floor() - 1.0;
        let keep = if keep <= f64::from(self.first) { self.first } else { (keep as u32).min(self.first + held) };
        if keep > self.first {
            self.window.drain(..(keep - self.first) as usize * dst_row);
            self.first = keep;
        }
        Ok(())
    }
}

/// Output rows handed to the thumbnail's shrink at a time: each call of the
/// resize works out its filter weights again for every output column, so the
/// thumbnail takes a few large batches rather than every strip, except near
/// the end, where what is left to do after the last row counts.
const THUMB_BATCH: usize = 300;

/// Everything after decoding, fed a band of stored rows at a time: the shrink
/// to [`LONG_EDGE`], the turn upright, the encoding, and the thumbnail.
struct Output {
    turn: Upright,
    shrink: Shrinker,
    thumb: Shrinker,
    /// Photos stored upright are encoded as their rows are shrunk.
    encoder: Option<mozjpeg::compress::CompressStarted<Vec<u8>>>,
    /// Turned ones are turned as their rows are shrunk, into this frame, and
    /// encoded at the end: their first upright row needs the last shrunk row
    /// or column.
    upright: Vec<u8>,
    /// Shrunk rows the thumbnail has not taken yet.
    pending: Vec<u8>,
    thumb_frame: Vec<u8>,
}

impl Output {
    /// For a stored picture of `src` pixels shrunk to `dst`.
    fn new(src: (u32, u32), dst: (u32, u32), orientation: u8) -> Result<Self> {
        let turn = Upright::new(dst.0, dst.1, orientation);
        let thumb = fit(dst.0, dst.1, THUMB_EDGE);
        let pixels = |(w, h): (u32, u32)| w as usize * h as usize * 3;
        let (encoder, upright) = if turn.is_identity() {
            (Some(encoder(dst.0, dst.1, QUALITY)?), Vec::new())
        } else {
            (None, vec![0; pixels(dst)])
        };
        Ok(Output {
            turn,
            shrink: Shrinker::new(src, dst),
            thumb: Shrinker::new(dst, thumb),
            encoder,
            upright,
            pending: Vec::new(),
            thumb_frame: Vec::with_capacity(pixels(thumb)),
        })
    }

    /// Takes the next stored rows.
    fn push(&mut self, rows: &[u8]) -> Result<()> {
        let Output { turn, shrink, thumb, encoder, upright, pending, thumb_frame } = self;
        let mut y = shrink.done;
        shrink.push(rows, &mut |fitted| {
            match encoder.as_mut() {
                Some(c) => c.write_scanlines(fitted).map_err(encode_failed)?,
                None => turn.place(y, fitted, upright),
            }
            y += (fitted.len() / (turn.stored.0 as usize * 3)) as u32;
            pending.extend_from_slice(fitted);
            Ok(())
        })?;
        let (w, h) = shrink.dst;
        if pending.len() >= THUMB_BATCH * w as usize * 3 || h - shrink.done < THUMB_BATCH as u32 {
            thumb.push(pending, &mut |t| {
                thumb_frame.extend_from_slice(t);
                Ok(())
            })?;
            pending.clear();
        }
        Ok(())
    }

    /// The photo and its thumbnail as JPEGs, and the photo's upright size.
    fn finish(self) -> Result<(Vec<u8>, Vec<u8>, u32, u32)> {
        if !self.shrink.all_done() || !self.thumb.all_done() {
            return Err(invalid("photo-damaged", "damaged photo: rows are missing"));
        }
        let (w, h) = (self.turn.width, self.turn.height);
        let jpeg = match self.encoder {
            Some(c) => c.finish().map_err(encode_failed)?,
            None => encode_in_halves(w, h, &self.upright, QUALITY)?,
        };
        let jpeg = within_ceiling(jpeg)?;
        let (tw, th) = self.thumb.dst;
        let thumbnail = encode_turned(tw, th, &self.thumb_frame, self.turn.orientation)?;
        Ok((jpeg, thumbnail, self.turn.width, self.turn.height))
    }
}

/// `jpeg` itself when it is within [`MAX_OUTPUT_BYTES`]; else its picture
/// written again at lower qualities until it fits or the floor is reached.
/// Only noise-like pictures get here, so the photo is decoded from its own
/// first encoding rather than every photo keeping its frame for this.
fn within_ceiling(jpeg: Vec<u8>) -> Result<Vec<u8>> {
    if jpeg.len() <= MAX_OUTPUT_BYTES {
        return Ok(jpeg);
    }
    let (w, h, rgb) = {
        let mut d = Decompress::new_mem(&jpeg).map_err(encode_failed)?.rgb().map_err(encode_failed)?;
        let (w, h) = (d.width() as u32, d.height() as u32);
        let rgb: Vec<u8> = d.read_scanlines().map_err(encode_failed)?;
        (w, h, rgb)
    };
    let (mut out, mut quality) = (jpeg, QUALITY);
    while out.len() > MAX_OUTPUT_BYTES && quality > MIN_QUALITY {
        quality = lower_quality(quality, out.len());
        out = encode_in_halves(w, h, &rgb, quality)?;
    }
    Ok(out)
}

/// A stored frame as it is meant to be seen under an EXIF orientation
/// (1 = as stored; 2–4 mirror or turn half-way; 5–8 also swap width and
/// height). The pixel seen at (x, y) is stored at index
/// `start + x·step_x + y·step_y`.
struct Upright {
    orientation: u8,
    /// Stored width and height.
    stored: (u32, u32),
    /// Seen width and height.
    width: u32,
    height: u32,
    start: isize,
    step_x: isize,
    step_y: isize,
}

impl Upright {
    fn new(width: u32, height: u32, orientation: u8) -> Self {
        let orientation = if (2..=8).contains(&orientation) { orientation } else { 1 };
        let (w, h) = (width as isize, height as isize);
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
        let (sw, sh) = if orientation >= 5 { (height, width) } else { (width, height) };
        Upright { orientation, stored: (width, height), width: sw, height: sh, start, step_x, step_y }
    }

    fn is_identity(&self) -> bool {
        self.orientation == 1
    }

    /// Index of the seen pixel that is stored at (x, y).
    fn seen_at(&self, x: usize, y: usize) -> usize {
        let (w, h) = (self.stored.0 as usize, self.stored.1 as usize);
        let (sx, sy) = match self.orientation {
            2 => (w - 1 - x, y),
            3 => (w - 1 - x, h - 1 - y),
            4 => (x, h - 1 - y),
            5 => (y, x),
            6 => (h - 1 - y, x),
            7 => (h - 1 - y, w - 1 - x),
            8 => (y, w - 1 - x),
            _ => (x, y),
        };
        sy * self.width as usize + sx
    }

    /// Copies the stored rows from `y0` on (whole rows) to where they are
    /// seen in `seen`, the whole upright frame.
    fn place(&self, y0: u32, rows: &[u8], seen: &mut [u8]) {
        // Blocks of columns, so that the rows of a turned photo, which land in
        // columns, write to the same few cache lines for a while.
        const BLOCK: usize = 64;
        let row = self.stored.0 as usize * 3;
        let n = rows.len() / row;
        for x0 in (0..self.stored.0 as usize).step_by(BLOCK) {
            let x1 = (x0 + BLOCK).min(self.stored.0 as usize);
            for r in 0..n {
                let y = y0 as usize + r;
                let first = self.seen_at(x0, y) as isize;
                let step = if x1 - x0 > 1 { self.seen_at(x0 + 1, y) as isize - first } else { 0 };
                let mut at = first;
                for px in rows[r * row + x0 * 3..r * row + x1 * 3].chunks_exact(3) {
                    let i = at as usize * 3;
                    seen[i..i + 3].copy_from_slice(px);
                    at += step;
                }
            }
        }
    }

    /// Copies the seen rows from `y0` on into `out` (whole rows) from the
    /// stored pixels `px`.
    fn rows(&self, px: &[u8], y0: usize, out: &mut [u8]) {
        for (r, row) in out.chunks_exact_mut(self.width as usize * 3).enumerate() {
            let mut i = self.start + (y0 + r) as isize * self.step_y;
            for p in row.chunks_exact_mut(3) {
                let at = i as usize * 3;
                p.copy_from_slice(&px[at..at + 3]);
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
            Err(Error::Invalid(p)) => p.detail,
            other => panic!("expected Invalid, got {other:?}"),
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
        assert_eq!(dct_scale(6000), 4);
        assert_eq!(dct_scale(3000), 8);
    }

    #[test]
    fn each_try_steps_down_enough_and_never_below_the_floor() {
        let cap = MAX_OUTPUT_BYTES;
        assert!(lower_quality(80, cap + 1) <= 78, "at least two steps");
        assert!(lower_quality(80, cap * 3 / 2) <= 66, "a photo half again too big drops ~15");
        assert_eq!(lower_quality(55, cap * 4), MIN_QUALITY);
    }

    #[test]
    fn a_photo_over_the_cap_is_written_again_smaller() {
        // Pure noise is the worst case: ~1 MB at quality 80.
        let mut x = 0x9e37_79b9u32;
        let rgb: Vec<u8> = (0..2000 * 1500 * 3)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        let png = {
            let img = image::RgbImage::from_raw(2000, 1500, rgb).unwrap();
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
            out
        };
        let p = process(&png).unwrap();
        assert_eq!((p.width, p.height), (1600, 1200));
        assert!(p.jpeg.len() <= MAX_OUTPUT_BYTES, "{} bytes", p.jpeg.len());
    }

    #[test]
    fn one_thread_gives_the_same_photo() {
        // What runs when no second thread can be had.
        let stored = with_exif(&gradient(2400, 1800), &exif(Some(6), None, None));
        let p = process(&stored).unwrap();
        let (d, meta) = start_jpeg(&stored).unwrap();
        let dst = fit(meta.width, meta.height, LONG_EDGE);
        let (jpeg, thumbnail, w, h) = one_thread(d, &stored, 100, dst, meta.orientation).unwrap();
        assert_eq!((jpeg, thumbnail, w, h), (p.jpeg, p.thumbnail, p.width, p.height));
    }

    #[test]
    fn halves_encoded_at_once_decode_as_one_encode() {
        for (w, h) in [(1200u32, 1600u32), (333, 250), (64, 40), (17, 16)] {
            let rgb: Vec<u8> = (0..w * h)
                .flat_map(|i| {
                    let (x, y) = (i % w, i / w);
                    [(x * 7 + y) as u8, (y * 5) as u8 ^ (x as u8), ((x * y) % 251) as u8]
                })
                .collect();
            let one = encode_rows(w, h, &rgb, QUALITY).unwrap();
            let halves = encode_in_halves(w, h, &rgb, QUALITY).unwrap();
            assert_eq!(decode(&halves), decode(&one), "{w}×{h}");
            let markers = markers(&halves);
            assert_eq!(markers.contains(&0xDD), h > 2 * MCU, "{w}×{h}: {markers:x?}");
        }
    }

    #[test]
    fn one_sine_lanczos3_is_lanczos3() {
        let sinc = |x: f64| if x == 0.0 { 1.0 } else { (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x) };
        for i in -4000..=4000 {
            let x = f64::from(i) / 1000.0;
            let want = if x.abs() < 3.0 { sinc(x) * sinc(x / 3.0) } else { 0.0 };
            assert!((lanczos3(x) - want).abs() < 1e-12, "{x}: {} vs {want}", lanczos3(x));
        }
    }

    #[test]
    fn shrinking_band_by_band_gives_the_whole_frame_resize() {
        let (sw, sh) = (701u32, 533u32);
        let src: Vec<u8> = (0..sw * sh * 3).map(|i| ((i.wrapping_mul(7919) % 251) ^ (i / 2103)) as u8).collect();
        // The reference: the whole frame at once, through the library's dynamic API.
        use fast_image_resize::{images::Image, images::ImageRef, PixelType};
        let view = ImageRef::new(sw, sh, &src, PixelType::U8x3).unwrap();
        // Both ways, down only, across only.
        for (dw, dh) in [(300u32, 228u32), (701, 228), (300, 533)] {
            let mut whole = Image::new(dw, dh, PixelType::U8x3);
            Resizer::new().resize(&view, &mut whole, &resize_options()).unwrap();
            for band in [1usize, 7, 64, 200, 533] {
                let mut s = Shrinker::new((sw, sh), (dw, dh));
                let mut out = Vec::new();
                for rows in src.chunks(band * sw as usize * 3) {
                    s.push(rows, &mut |r| {
                        out.extend_from_slice(r);
                        Ok(())
                    })
                    .unwrap();
                }
                assert!(s.all_done(), "{dw}×{dh}, band {band}");
                assert_eq!(out.len(), whole.buffer().len(), "{dw}×{dh}, band {band}");
                let worst = out.iter().zip(whole.buffer()).map(|(a, b)| a.abs_diff(*b)).max();
                assert!(worst <= Some(1), "{dw}×{dh}, band {band}: off by {worst:?}");
                let held = s.window.len() / (dw as usize * 3);
                assert!(held <= band + 12, "{dw}×{dh}, band {band}: holds {held} rows");
            }
        }
    }

    #[test]
    fn large_photos_go_through_in_many_bands() {
        // 3000×2000 decodes at 8/8 in ~87-row bands.
        const RED: [u8; 3] = [220, 30, 30];
        const BLUE: [u8; 3] = [30, 30, 220];
        let stored = jpeg(3000, 2000, |x, _| if x < 1500 { RED } else { BLUE });
        let near = |p: &[u8], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 40);
        for o in [1, 6] {
            let p = process(&with_exif(&stored, &exif(Some(o), None, None))).unwrap();
            let (w, h, rgb) = decode(&p.jpeg);
            assert_eq!((w, h), if o == 1 { (1600, 1067) } else { (1067, 1600) });
            let at = |x: u32, y: u32| &rgb[((y * w + x) * 3) as usize..][..3];
            // Turned clockwise, the left (red) half is on top.
            let (first, second) =
                if o == 1 { (at(10, h / 2), at(w - 10, h / 2)) } else { (at(w / 2, 10), at(w / 2, h - 10)) };
            assert!(near(first, RED) && near(second, BLUE), "orientation {o}: {first:?} {second:?}");
            assert_eq!(decode(&p.thumbnail).0.max(decode(&p.thumbnail).1), 320);
        }
        assert!(is_invalid(process(&stored[..stored.len() * 2 / 3])).contains("cut short"));
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
