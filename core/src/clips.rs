//! Report video clips (issue 14): a short clip checked and stripped on the
//! phone before it is queued.
//!
//! A clip is recognised by its content (MP4 or MOV, H.264 or HEVC), its length
//! read from the movie header and its size from the file, so a clip too long
//! or too large is refused with a clear message before anything is stored or
//! sent. Its place (`©xyz`, or Apple's ISO 6709 key) is read to propose the
//! report's place, then every `udta` and `meta` box (place, maker, model) is
//! removed by rewriting the container without re-encoding
//! ([`mycity_protocol::clip::strip`]). No decoder is linked, so the
//! thumbnail is a neutral placeholder the screen draws ([`PreparedClip::poster`]
//! is `None`).

use std::path::Path;

use mycity_protocol::clip::{self, ClipFlaw, Container, VideoCodec};

use crate::error::{Problem, Result};
use crate::pack::LatLon;

pub use mycity_protocol::clip::{MAX_CLIP_BYTES, MAX_CLIP_MS};

/// The form field clip problems concern.
const FIELD: &str = "clip";

/// A clip ready to be stored and sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedClip {
    /// The clip without identifying boxes; media untouched.
    pub bytes: Vec<u8>,
    /// MP4 or QuickTime; [`Container::mime`] gives the type to send it as.
    pub container: Container,
    /// H.264 or HEVC.
    pub codec: VideoCodec,
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// Size as recorded, in bytes (before stripping).
    pub recorded_bytes: u64,
    /// Where it was filmed, when the clip said so: offered as the report's place.
    pub gps: Option<LatLon>,
    /// A poster frame as JPEG, when a decoder is at hand; none is linked yet,
    /// so screens draw a neutral placeholder.
    pub poster: Option<Vec<u8>>,
}

/// Checks a clip as a camera or a picker gave it and strips what identifies
/// its author. Anything too long, too large, in another format or codec, or
/// damaged is refused with [`crate::Error::Invalid`], whose problem says why.
pub fn prepare(input: &[u8]) -> Result<PreparedClip> {
    let s = clip::strip(input).map_err(problem)?;
    Ok(PreparedClip {
        bytes: s.bytes,
        container: s.info.container,
        codec: s.info.codec,
        duration_ms: s.info.duration_ms,
        recorded_bytes: s.info.bytes,
        gps: s.info.gps.map(|(lat, lon)| LatLon { lat, lon }),
        poster: None,
    })
}

/// [`prepare`] on a file (what a phone's picker hands over): its size is
/// checked before it is read, so a 2 GB film is refused without loading it.
pub fn prepare_file(path: &Path) -> Result<PreparedClip> {
    let len = std::fs::metadata(path)?.len();
    if len > MAX_CLIP_BYTES {
        return Err(problem(ClipFlaw::TooLarge { bytes: len }));
    }
    prepare(&std::fs::read(path)?)
}

/// A clip checked, stripped and kept in the data directory, ready to join a
/// report: what [`crate::MyCity::prepare_clip`] gives a screen.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredClip {
    /// The stripped clip's file, under `<data dir>/clips/`.
    pub path: std::path::PathBuf,
    /// `video/mp4` or `video/quicktime`.
    pub mime: &'static str,
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// Size as recorded, in bytes.
    pub recorded_bytes: u64,
    /// Size as it will be sent (stripped), in bytes.
    pub bytes: u64,
    /// Where it was filmed, when the clip said so.
    pub gps: Option<LatLon>,
}

/// Prepares the clip at `source` and writes the stripped copy into `dir`
/// (created owner-only), under a fresh name: the picker's file may vanish
/// (a content URI's cache, a deleted recording) before the report is sent.
pub fn store_prepared(source: &Path, dir: &Path) -> Result<StoredClip> {
    let c = prepare_file(source)?;
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let ext = if c.container == Container::QuickTime { "mov" } else { "mp4" };
    let path = dir.join(format!("{}.{ext}", uuid::Uuid::new_v4()));
    // Written beside, then renamed: a crash never leaves half a clip under the final name.
    let part = path.with_extension("part");
    std::fs::write(&part, &c.bytes)?;
    std::fs::rename(&part, &path)?;
    Ok(StoredClip {
        path,
        mime: c.container.mime(),
        duration_ms: c.duration_ms,
        recorded_bytes: c.recorded_bytes,
        bytes: c.bytes.len() as u64,
        gps: c.gps,
    })
}

/// The problem a screen shows for a refused clip.
fn problem(flaw: ClipFlaw) -> crate::Error {
    let detail = flaw.to_string();
    let p = match flaw {
        ClipFlaw::Empty => Problem::new("clip-empty", detail),
        ClipFlaw::TooLarge { bytes } => {
            let mb = bytes as f64 / (1024.0 * 1024.0);
            Problem::new("clip-too-large", detail)
                .arg("mb", format!("{mb:.0}"))
                .arg("max", MAX_CLIP_BYTES / (1024 * 1024))
        }
        ClipFlaw::NotVideo => Problem::new("clip-not-video", detail),
        ClipFlaw::Damaged(_) => Problem::new("clip-damaged", detail),
        ClipFlaw::NoVideo => Problem::new("clip-no-video", detail),
        ClipFlaw::Codec(c) => Problem::new("clip-codec", detail).arg("codec", c.trim()),
        ClipFlaw::TooLong { duration_ms } => Problem::new("clip-too-long", detail)
            // Whole seconds, rounded up: a 30.4 s clip "is 31 s", never "30 s, at most 30".
            .arg("seconds", duration_ms.div_ceil(1000))
            .arg("max", MAX_CLIP_MS / 1000),
    };
    p.field(FIELD).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mycity_protocol::clip::fixture::{clip, Spec};

    #[test]
    fn a_clip_is_prepared_with_its_place_and_without_its_metadata() {
        let c = prepare(&clip(&Spec::default())).unwrap();
        assert_eq!(c.gps, Some(LatLon { lat: 16.0612, lon: 108.2272 }));
        assert_eq!(c.duration_ms, 12_000);
        assert_eq!(clip::identifying_box(&c.bytes).unwrap(), None);
        assert!(c.poster.is_none());
    }

    #[test]
    fn refusals_carry_their_problem() {
        let code = |bytes: &[u8]| prepare(bytes).unwrap_err().problem().unwrap().code;
        assert_eq!(code(&[]), "clip-empty");
        assert_eq!(code(b"GIF89a....."), "clip-not-video");
        assert_eq!(code(&clip(&Spec { codec: *b"vp09", ..Spec::default() })), "clip-codec");
        let long = prepare(&clip(&Spec { duration_ms: 45_200, ..Spec::default() })).unwrap_err();
        let p = long.problem().unwrap();
        assert_eq!((p.code, p.get("seconds"), p.get("max")), ("clip-too-long", Some("46"), Some("30")));
        assert_eq!(p.field.as_deref(), Some("clip"));
        let c = clip(&Spec::default());
        assert_eq!(code(&c[..c.len() / 2]), "clip-damaged");
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.mp4");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_CLIP_BYTES + 1).unwrap();
        let e = prepare_file(&path).unwrap_err();
        assert_eq!(e.problem().unwrap().code, "clip-too-large");
    }

    #[test]
    fn a_prepared_clip_is_kept_stripped_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("VID_0001.mp4");
        std::fs::write(&src, clip(&Spec::default())).unwrap();
        let kept = store_prepared(&src, &dir.path().join("clips")).unwrap();
        assert!(kept.path.starts_with(dir.path().join("clips")));
        let bytes = std::fs::read(&kept.path).unwrap();
        assert_eq!(bytes.len() as u64, kept.bytes);
        assert!(kept.bytes < kept.recorded_bytes);
        assert_eq!(clip::identifying_box(&bytes).unwrap(), None);
        assert_eq!((kept.mime, kept.duration_ms), ("video/mp4", 12_000));
        assert!(kept.gps.is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(512))]
        /// Stripping a clip with bytes changed anywhere (sizes, counts, offsets)
        /// never panics; it gives a clean clip or a problem.
        #[test]
        fn mutated_clips_never_panic(
            flips in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 1..8),
            cut in 0usize..4096,
            moov_first in proptest::bool::ANY,
        ) {
            let mut c = clip(&Spec { media_bytes: 1024, moov_first, apple_location: Some("+1+2/".into()), ..Spec::default() });
            for (at, v) in flips {
                let n = c.len();
                c[at % n] = v;
            }
            let keep = c.len().saturating_sub(cut % 64);
            c.truncate(keep);
            if let Ok(p) = prepare(&c) {
                proptest::prop_assert_eq!(clip::identifying_box(&p.bytes).ok(), Some(None));
            }
        }
    }
}
