//! Uploaded photos are decoded and written again as plain JPEG before they
//! are stored, so what `media_url` serves carries no EXIF, XMP or comments: a
//! third-party client that uploads a phone photo as it came must not publish
//! the reporter's GPS position or camera serial. Anything that does not decode
//! is refused, and the picture's size is checked from its header before any
//! pixel buffer is allocated (a 50,000 × 50,000 PNG is a few hundred bytes).

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
/// upright if its EXIF said so. Refuses (400) what does not decode and (413)
/// pictures larger than [`MAX_SIDE`] / [`MAX_PIXELS`].
pub fn sanitize(bytes: &[u8]) -> Result<Vec<u8>, Error> {
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

    #[test]
    fn garbage_is_refused() {
        for bad in [&b""[..], b"\xFF\xD8\xFF\xE0garbage", b"\x89PNG\r\n\x1a\nxx", b"hello"] {
            assert!(matches!(sanitize(bad), Err(Error::BadRequest(_))), "{bad:?}");
        }
    }
}
