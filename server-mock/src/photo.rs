//! Uploaded photos are decoded and written again as plain JPEG before they
//! are stored, so what `media_url` serves carries no EXIF, XMP or comments: a
//! third-party client that uploads a phone photo as it came must not publish
//! the reporter's GPS position or camera serial. Anything that does not decode
//! is refused, and the picture's size is checked from its header before any
//! pixel buffer is allocated (a 50,000 × 50,000 PNG is a few hundred bytes).
//!
//! Most uploads are upright phone JPEGs: those take [`lossless`], which drops
//! the metadata segments and keeps the compressed picture as it is (30 times
//! cheaper than decoding and encoding it again, and no quality lost). Turned
//! JPEGs, PNG, WebP and anything unusual are decoded and encoded again.

mod lossless;

use std::io::Cursor;

use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::Error;

/// Widest or tallest picture accepted, in pixels (a 48 MP phone sensor is 8,000 wide).
pub const MAX_SIDE: u32 = 10_000;

/// Most pixels accepted: 50 MP, about 150 MB decoded as RGB.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Quality of the stored JPEG: the app already sends quality 80, so this loses little.
const QUALITY: u8 = 85;

/// Re-encodes run one per core. Without this, 64 uploads at once share 2
/// cores, each takes 30× longer, and all of them miss their clients' timeouts;
/// queued, they finish one after another.
static ENCODERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
});

/// Waits for a free encoder; the slot is given back when dropped.
pub async fn encoder_slot() -> Option<tokio::sync::SemaphorePermit<'static>> {
    ENCODERS.acquire().await.ok()
}

/// The photo as it will be stored and served: a JPEG without metadata, turned
/// upright if its EXIF said so. Refuses (400) what does not decode or is cut
/// short and (413) pictures larger than [`MAX_SIDE`] / [`MAX_PIXELS`].
pub fn sanitize(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    match lossless::strip(bytes, MAX_SIDE, MAX_PIXELS) {
        lossless::Outcome::Stripped(jpeg) => Ok(jpeg),
        lossless::Outcome::ReEncode => re_encode(bytes),
        lossless::Outcome::Truncated(why) => Err(Error::BadRequest(format!("media is not a whole JPEG: {why}"))),
        lossless::Outcome::TooLarge(w, h) => {
            Err(Error::TooLarge(format!("media is {w}×{h} pixels; at most {MAX_SIDE} a side and {MAX_PIXELS} pixels")))
        }
    }
}

/// Decodes the picture (turning it upright) and encodes it again as JPEG.
fn re_encode(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let undecodable = |e: image::ImageError| Error::BadRequest(format!("media is not a readable image: {e}"));
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| undecodable(e.into()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, undecodable))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::TooLarge(format!("media is {w}×{h} pixels; at most {MAX_PIXELS} pixels")));
    }
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| refusal(e, undecodable))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    // JPEG has no alpha and at most 8 bits a channel.
    let rgb = match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let mut out = Vec::with_capacity(bytes.len());
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|e| Error::Internal(format!("re-encoding the photo: {e}")))?;
    Ok(out)
}

/// A limit hit is "too large"; anything else is "not an image".
fn refusal(e: image::ImageError, undecodable: impl Fn(image::ImageError) -> Error) -> Error {
    match e {
        image::ImageError::Limits(l) => Error::TooLarge(format!("media is too large to decode: {l}")),
        other => undecodable(other),
    }
}

/// A decompression bomb for tests: a valid PNG that claims `w`×`h` pixels
/// in a few dozen bytes (a real one would compress gigabytes of zeros).
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    // An empty stored zlib block: the start of image data the header promised.
    chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 128, 200]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn png_with_alpha_becomes_a_jpeg() {
        let out = sanitize(&png(40, 30)).unwrap();
        assert!(out.starts_with(&[0xFF, 0xD8]));
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (40, 30));
    }

    #[test]
    fn bombs_are_refused_before_decoding() {
        let e = sanitize(&png_bomb(50_000, 50_000)).unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
        let e = sanitize(&png_bomb(9_000, 9_000)).unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
    }

    /// A small camera-like JPEG, then the same with the metadata a phone
    /// writes: EXIF with GPS and a camera serial, XMP, an ICC profile, IPTC,
    /// a comment, and a second picture after the end (as MPF gain maps are).
    fn phone_jpeg(orientation: u16) -> (Vec<u8>, Vec<u8>) {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, ((x + y) * 2) as u8]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 80).encode_image(&img).unwrap();
        fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
            let mut s = vec![0xFF, marker];
            s.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            s.extend(body);
            s
        }
        let mut exif = b"Exif\0\0II\x2a\0\x08\0\0\0".to_vec();
        // IFD0: orientation, then the GPS position and serial as plain text
        // further on (what matters here is that the bytes go).
        exif.extend([1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        exif.extend(orientation.to_le_bytes());
        exif.extend([0, 0, 0, 0, 0, 0]);
        exif.extend(b"GPS 16.0612N 108.2272E BodySerialNumber CAM-SN-998877");
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>16,3.67N</exif:GPSLatitude></x:xmpmeta>";
        let mut with = plain[..2].to_vec();
        with.extend(segment(0xE1, &exif));
        with.extend(segment(0xE1, xmp));
        with.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01appl Apple iPhone 15 Pro"));
        with.extend(segment(0xED, b"Photoshop 3.0\0 IPTC By-line: Nguyen Van A"));
        with.extend(segment(0xFE, b"reporter phone 0901234567"));
        with.extend(&plain[2..]);
        with.extend(&plain);
        (plain, with)
    }

    const SECRETS: [&str; 7] = ["GPS", "CAM-SN", "GPSLatitude", "xmpmeta", "Apple iPhone", "Nguyen", "0901234567"];

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn upright_jpeg_loses_its_metadata_and_keeps_its_pixels() {
        let (plain, with) = phone_jpeg(1);
        assert!(SECRETS.iter().all(|s| contains(&with, s)));
        let out = sanitize(&with).unwrap();
        for s in SECRETS {
            assert!(!contains(&out, s), "{s} left in the stored photo");
        }
        // The lossless path: the compressed picture is the input's, byte for byte,
        // and only one picture is left.
        let lossless::Outcome::Stripped(direct) = lossless::strip(&with, MAX_SIDE, MAX_PIXELS) else { panic!() };
        assert_eq!(direct, out);
        assert!(out.len() < plain.len() + 32, "{} vs {}", out.len(), plain.len());
        assert_eq!(out.iter().filter(|&&b| b == 0xD9).count(), plain.iter().filter(|&&b| b == 0xD9).count());
        let a = image::load_from_memory(&with).unwrap().to_rgb8();
        let b = image::load_from_memory(&out).unwrap().to_rgb8();
        assert_eq!(a.dimensions(), b.dimensions());
        assert!(a.as_raw() == b.as_raw(), "pixels changed");
    }

    #[test]
    fn turned_jpeg_is_re_encoded_upright_without_metadata() {
        let (_, with) = phone_jpeg(6);
        assert_eq!(lossless::strip(&with, MAX_SIDE, MAX_PIXELS), lossless::Outcome::ReEncode);
        let out = sanitize(&with).unwrap();
        for s in SECRETS {
            assert!(!contains(&out, s), "{s} left in the stored photo");
        }
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (48, 64), "turned upright");
    }

    #[test]
    fn truncated_jpeg_is_refused() {
        let (plain, with) = phone_jpeg(1);
        let first_end = with.len() - plain.len();
        for cut in [3, 20, 200, first_end / 2, first_end - 2, first_end - 1] {
            let e = sanitize(&with[..cut]).unwrap_err();
            assert!(matches!(e, Error::BadRequest(_)), "cut at {cut}: {e:?}");
        }
    }

    #[test]
    fn corrupt_picture_data_goes_to_the_decoder_that_can_judge_it() {
        let (plain, _) = phone_jpeg(1);
        // A restart marker in the middle of the picture data of a file that
        // has no restart interval: libjpeg warns (corrupt data) and papers over
        // it, so the lossless path does not vouch for it.
        let sos = plain.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let at = (sos + 30..).find(|&i| plain[i - 1] != 0xFF && plain[i] != 0xFF && plain[i + 1] != 0xFF).unwrap();
        let mut bad = plain.clone();
        bad[at..at + 2].copy_from_slice(&[0xFF, 0xD5]);
        assert_eq!(lossless::strip(&bad, MAX_SIDE, MAX_PIXELS), lossless::Outcome::ReEncode);
    }

    #[test]
    fn frame_header_bomb_is_refused_before_any_decoder_allocates() {
        // SOI, a frame header declaring 60,000 × 60,000, tables, a scan, EOI:
        // a few dozen bytes that would need 10 GB decoded.
        let (plain, _) = phone_jpeg(1);
        let sof = plain.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        for (w, h) in [(60_000u16, 60_000u16), (9_000, 9_000), (10_001, 10)] {
            let mut bomb = plain.clone();
            bomb[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
            bomb[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
            alloc_peak::reset();
            let e = sanitize(&bomb).unwrap_err();
            let peak = alloc_peak::get();
            assert!(matches!(e, Error::TooLarge(_)), "{w}×{h}: {e:?}");
            assert!(peak <= bomb.len() + 4096, "{w}×{h}: largest allocation {peak} bytes");
        }
    }

    /// The largest single allocation made on this thread since `reset`.
    mod alloc_peak {
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            // A const initialiser with no destructor: safe to touch from the allocator.
            static PEAK: Cell<usize> = const { Cell::new(0) };
        }

        struct Peak;

        // SAFETY: every call is passed on to the system allocator unchanged.
        unsafe impl GlobalAlloc for Peak {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                let _ = PEAK.try_with(|p| p.set(p.get().max(layout.size())));
                unsafe { System.alloc(layout) }
            }
            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                unsafe { System.dealloc(ptr, layout) }
            }
            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                let _ = PEAK.try_with(|p| p.set(p.get().max(new_size)));
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }

        #[global_allocator]
        static GLOBAL: Peak = Peak;

        pub fn reset() {
            PEAK.with(|p| p.set(0));
        }

        pub fn get() -> usize {
            PEAK.with(Cell::get)
        }
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [&b""[..], b"\xFF\xD8\xFF\xE0garbage", b"\x89PNG\r\n\x1a\nxx", b"hello"] {
            assert!(matches!(sanitize(bad), Err(Error::BadRequest(_))), "{bad:?}");
        }
    }
}
