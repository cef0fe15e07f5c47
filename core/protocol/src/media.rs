//! Recognising a photo by its first bytes, never by its name or MIME type
//! (a picker or a client may get those wrong, or lie).

/// The photo formats MyCity takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// JPEG, what phone cameras write.
    Jpeg,
    /// PNG, mostly screenshots.
    Png,
    /// WebP.
    WebP,
}

impl ImageType {
    /// The MIME type to store and serve it under.
    pub fn mime(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::WebP => "image/webp",
        }
    }
}

/// What `bytes` are, if a photo MyCity takes.
pub fn sniff_image(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageType::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageType::WebP)
    } else {
        None
    }
}

/// True for an ISO base media file (HEIC/AVIF photos from iPhones, or video),
/// so the refusal can name the format instead of saying "not a photo".
pub fn is_iso_media(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_recognised_by_content() {
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageType::Jpeg));
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some(ImageType::Png));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageType::WebP));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff_image(b"GIF89a"), None);
        assert_eq!(sniff_image(b"<svg"), None);
        assert_eq!(sniff_image(&[]), None);
        assert!(is_iso_media(b"\0\0\0\x18ftypheic"));
        assert!(!is_iso_media(b"\0\0"));
    }
}
