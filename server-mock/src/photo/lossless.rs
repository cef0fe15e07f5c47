//! The fast path for the common upload, an upright phone JPEG: its marker
//! segments are copied without the ones that carry metadata, the compressed
//! picture is kept bit for bit, and libjpeg-turbo decodes the result at 1/8
//! scale to check it is whole. A full decode and re-encode of a 2 MP photo
//! costs about 30 ms of CPU; this costs about one.
//!
//! Kept: SOI, DQT, SOF0/1/2 (Huffman baseline, extended, progressive), DHT,
//! DRI, SOS with its entropy-coded data, EOI, Adobe APP14 (it says how the
//! colour channels are coded, so dropping it could change the colours) and
//! a fresh JFIF APP0 when the input had one (same reason, without the
//! thumbnail a JFIF extension may carry).
//!
//! Dropped: APP1 (EXIF with GPS and camera serial, XMP), every other APPn
//! including the ICC profile (APP2), COM, and anything after EOI (MPF
//! secondary pictures, HDR gain maps, depth maps appended by phones).
//! The ICC profile is dropped on purpose: the re-encode path drops it too, so
//! both paths store the same kind of file; its header names the device's maker
//! and model and its creation date (a fingerprint no report needs); and a
//! Display P3 photo shown as sRGB is only slightly duller, which does not
//! matter for a pothole.
//!
//! Anything unusual (arithmetic coding, lossless or hierarchical JPEG, a
//! height given later by DNL, bytes between segments, an EXIF orientation
//! other than 1, a decoder warning) is left to the full re-encode path, which
//! decodes what it can and refuses the rest. What is cut short or declares
//! more pixels than allowed is refused here, before any decoder runs.

use std::panic::{self, AssertUnwindSafe};

// libjpeg's errors and warnings reach Rust by unwinding out of the C code (see
// `decodes`): built with `panic = "abort"`, a damaged upload would stop the server.
#[cfg(panic = "abort")]
compile_error!("the server's JPEG check needs panic = \"unwind\"");

/// What the fast path made of an upload.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The JPEG without its metadata, checked to decode.
    Stripped(Vec<u8>),
    /// Not for this path (see the module notes): re-encode it.
    ReEncode,
    /// The file ends before its picture does.
    Truncated(&'static str),
    /// The frame header declares `w`×`h` pixels, over the limits.
    TooLarge(u32, u32),
}

/// Rewrites `input` without metadata if it is an upright JPEG of a kind this
/// path handles, then decodes the result at 1/8 scale.
pub fn strip(input: &[u8], max_side: u32, max_pixels: u64) -> Outcome {
    match rewrite(input, max_side, max_pixels) {
        Ok(out) if decodes(&out) => Outcome::Stripped(out),
        Ok(_) => Outcome::ReEncode,
        Err(o) => o,
    }
}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DHT: u8 = 0xC4;
const DRI: u8 = 0xDD;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;
const APP15: u8 = 0xEF;
const COM: u8 = 0xFE;

/// A JFIF APP0 without thumbnail: version 1.01, aspect ratio 1:1.
const JFIF: [u8; 18] = [0xFF, APP0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];

fn rewrite(input: &[u8], max_side: u32, max_pixels: u64) -> Result<Vec<u8>, Outcome> {
    if input.get(..2) != Some(&[0xFF, SOI][..]) {
        return Err(Outcome::ReEncode);
    }
    let mut out = Vec::with_capacity(input.len());
    out.extend([0xFF, SOI]);
    let mut at = 2;
    let mut frame = false;
    let mut scans = 0;
    loop {
        // Fill bytes (0xFF) may pad before a marker; any other byte here is junk.
        match input.get(at) {
            None => return Err(Outcome::Truncated("no end of image marker")),
            Some(0xFF) => {}
            Some(_) => return Err(Outcome::ReEncode),
        }
        while input.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = input.get(at) else {
            return Err(Outcome::Truncated("file ends inside a marker"));
        };
        at += 1;
        if marker == EOI {
            if scans == 0 {
                return Err(Outcome::ReEncode);
            }
            out.extend([0xFF, EOI]);
            return Ok(out);
        }
        let Some(len) = input.get(at..at + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else {
            return Err(Outcome::Truncated("file ends inside a segment length"));
        };
        if len < 2 {
            return Err(Outcome::ReEncode);
        }
        let Some(body) = input.get(at + 2..at + len) else {
            return Err(Outcome::Truncated("file ends inside a segment"));
        };
        let segment = &input[at - 2..at + len];
        at += len;
        match marker {
            // Huffman-coded baseline, extended sequential, progressive.
            0xC0..=0xC2 => {
                if frame {
                    return Err(Outcome::ReEncode);
                }
                frame = true;
                let (h, w) = match body {
                    [_, h0, h1, w0, w1, ..] => {
                        (u32::from(u16::from_be_bytes([*h0, *h1])), u32::from(u16::from_be_bytes([*w0, *w1])))
                    }
                    _ => return Err(Outcome::ReEncode),
                };
                // Before any decoder sees the file: a frame header is 19 bytes
                // whatever pixel count it declares.
                if w > max_side || h > max_side || u64::from(w) * u64::from(h) > max_pixels {
                    return Err(Outcome::TooLarge(w, h));
                }
                if w == 0 || h == 0 {
                    // A height of 0 means a DNL marker gives it later: rare, left to the slow path.
                    return Err(Outcome::ReEncode);
                }
                out.extend(segment);
            }
            DQT | DHT | DRI => out.extend(segment),
            SOS => {
                if !frame {
                    return Err(Outcome::ReEncode);
                }
                scans += 1;
                out.extend(segment);
                let data = entropy_len(&input[at..]).ok_or(Outcome::Truncated("file ends inside the picture data"))?;
                out.extend(&input[at..at + data]);
                at += data;
            }
            APP0 if body.starts_with(b"JFIF\0") => out.extend(JFIF),
            APP1 if body.starts_with(b"Exif\0\0") => {
                if !matches!(exif_orientation(&body[6..]), Some(1) | None) || exif_unreadable(&body[6..]) {
                    return Err(Outcome::ReEncode);
                }
            }
            APP14 if body.starts_with(b"Adobe") => out.extend(segment),
            APP0..=APP15 | COM => {}
            // Arithmetic coding, lossless, hierarchical, DNL, extensions.
            _ => return Err(Outcome::ReEncode),
        }
    }
}

/// Length of the entropy-coded data starting at `data`: up to the first marker
/// that is not a stuffed zero (FF 00) or a restart marker (FF D0–D7).
fn entropy_len(data: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += data.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match *data.get(i + 1)? {
            0x00 | 0xD0..=0xD7 => i += 2,
            // Fill bytes before the marker belong to it.
            _ => return Some(i),
        }
    }
}

/// The EXIF orientation (tag 0x0112 in IFD0), if the TIFF structure says one.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..4)? {
        [b'M', b'M', 0, 42] => true,
        [b'I', b'I', 42, 0] => false,
        _ => return None,
    };
    let u16_at = |i: usize| {
        tiff.get(i..i + 2)
            .map(|b| if big { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) })
    };
    let u32_at = |i: usize| {
        tiff.get(i..i + 4).map(|b| {
            let b = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count).map(|n| ifd + 2 + 12 * n).find(|&e| u16_at(e) == Some(0x0112)).and_then(|e| u16_at(e + 8))
}

/// An EXIF block whose header is not TIFF: its orientation cannot be known,
/// so the slow path (which reads EXIF its own way) decides.
fn exif_unreadable(tiff: &[u8]) -> bool {
    !matches!(tiff.get(..4), Some([b'M', b'M', 0, 42]) | Some([b'I', b'I', 42, 0]))
}

/// True when libjpeg-turbo decodes `jpeg` at 1/8 scale without an error or a
/// warning (a warning is how it reports corrupt data it papered over).
fn decodes(jpeg: &[u8]) -> bool {
    let run = || -> std::io::Result<()> {
        let mut d = mozjpeg::Decompress::builder().with_err(strict_errors()).from_mem(jpeg)?;
        d.scale(1);
        let space = d.color_space();
        let mut started = d.to_colorspace(space)?;
        let _pixels: Vec<u8> = started.read_scanlines()?;
        started.finish()
    };
    // libjpeg reports fatal errors (and, here, warnings) by unwinding out of
    // the C code; `resume_unwind` skips the panic hook, so nothing is logged.
    matches!(panic::catch_unwind(AssertUnwindSafe(run)), Ok(Ok(())))
}

/// libjpeg's standard error manager, with warnings made as fatal as errors.
fn strict_errors() -> mozjpeg_sys::jpeg_error_mgr {
    // SAFETY: an all-zero `jpeg_error_mgr` is valid (null pointers, `None`
    // callbacks, zero counters), and `jpeg_std_error` only fills in the
    // fields of the struct it is given, keeping no pointer to it.
    let mut err: mozjpeg_sys::jpeg_error_mgr = unsafe { std::mem::zeroed() };
    unsafe { mozjpeg_sys::jpeg_std_error(&mut err) };
    err.error_exit = Some(fatal as unsafe extern "C-unwind" fn(&mut mozjpeg_sys::jpeg_common_struct));
    err.emit_message =
        Some(message as unsafe extern "C-unwind" fn(&mut mozjpeg_sys::jpeg_common_struct, std::os::raw::c_int));
    err
}

extern "C-unwind" fn fatal(_: &mut mozjpeg_sys::jpeg_common_struct) {
    panic::resume_unwind(Box::new("libjpeg error"));
}

extern "C-unwind" fn message(_: &mut mozjpeg_sys::jpeg_common_struct, level: std::os::raw::c_int) {
    // Level -1 is a warning ("corrupt JPEG data", "premature end of data");
    // levels 0 and up are trace messages.
    if level < 0 {
        panic::resume_unwind(Box::new("libjpeg warning"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_data_ends_at_the_first_real_marker() {
        assert_eq!(entropy_len(&[1, 2, 0xFF, 0x00, 3, 0xFF, 0xD3, 4, 0xFF, 0xD9]), Some(8));
        assert_eq!(entropy_len(&[1, 0xFF, 0xFF, 0xD9]), Some(1));
        assert_eq!(entropy_len(&[1, 2, 0xFF, 0x00]), None);
        assert_eq!(entropy_len(&[1, 2, 0xFF]), None);
    }

    #[test]
    fn orientation_is_read_in_both_byte_orders() {
        let ii = [b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0];
        assert_eq!(exif_orientation(&ii), Some(6));
        let mm = [b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0];
        assert_eq!(exif_orientation(&mm), Some(1));
        assert_eq!(exif_orientation(&ii[..12]), None);
        assert_eq!(exif_orientation(b"junk"), None);
    }
}
