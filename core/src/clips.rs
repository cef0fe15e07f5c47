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
    /// A frame of it as a small JPEG, when the platform could decode one
    /// ([`crate::MyCity::set_clip_poster`]); screens draw a neutral frame otherwise.
    pub poster: Option<Vec<u8>>,
}

/// Prepares the clip at `source` and writes the stripped copy into `dir`
/// (created owner-only), under a fresh name: the picker's file may vanish
/// (a content URI's cache, a deleted recording) before the report is sent.
pub fn store_prepared(source: &Path, dir: &Path) -> Result<StoredClip> {
    keep(prepare_file(source)?, dir)
}

/// [`store_prepared`] for a clip handed over as bytes (a web view's file
/// input), checked for size first.
pub fn store_prepared_bytes(input: &[u8], dir: &Path) -> Result<StoredClip> {
    if input.len() as u64 > MAX_CLIP_BYTES {
        return Err(problem(ClipFlaw::TooLarge { bytes: input.len() as u64 }));
    }
    keep(prepare(input)?, dir)
}

fn keep(c: PreparedClip, dir: &Path) -> Result<StoredClip> {
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
        poster: None,
    })
}

/// Deletes the files in `dir` that no queued report holds (`kept`): clips of
/// drafts never sent (a draft lives in memory, so one left when the app
/// closed is gone for good) and half-written `.part` files. Run when the core
/// opens, before any draft of this run exists. Returns how many went.
pub fn sweep(dir: &Path, kept: &std::collections::HashSet<std::path::PathBuf>) -> Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut gone = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() && !kept.contains(&path) {
            match std::fs::remove_file(&path) {
                Ok(()) => gone += 1,
                Err(e) => tracing::warn!(path = %path.display(), "abandoned clip not removed: {e}"),
            }
        }
    }
    Ok(gone)
}

impl crate::MyCity {
    /// The directory the core keeps clips in.
    fn clips_dir(&self) -> std::path::PathBuf {
        self.data_dir().join("clips")
    }

    /// Prepares a video clip as a camera or picker left it at `path` (MP4/MOV,
    /// H.264/HEVC, ≤ 30 s, ≤ 60 MB): checks it, reads its place, strips what
    /// identifies its author (`udta`, `meta`) without re-encoding and keeps the
    /// stripped copy under `<data dir>/clips/`. Refusals are
    /// [`crate::Error::Invalid`] with a `clip-…` problem. A file path rather
    /// than bytes: a phone shell hands over a file, and 60 MB need not cross
    /// the bindings. Blocking (reads and writes the clip); async callers use
    /// [`crate::MyCity::prepare_clip_async`].
    pub fn prepare_clip(&self, path: &Path) -> Result<StoredClip> {
        store_prepared(path, &self.clips_dir())
    }

    /// [`crate::MyCity::prepare_clip`] on a blocking thread.
    pub async fn prepare_clip_async(&self, path: std::path::PathBuf) -> Result<StoredClip> {
        let dir = self.clips_dir();
        tokio::task::spawn_blocking(move || store_prepared(&path, &dir)).await.map_err(stopped)?
    }

    /// [`crate::MyCity::prepare_clip`] for bytes a web view's file input gave,
    /// on a blocking thread.
    pub async fn prepare_clip_bytes(&self, input: Vec<u8>) -> Result<StoredClip> {
        let dir = self.clips_dir();
        tokio::task::spawn_blocking(move || store_prepared_bytes(&input, &dir)).await.map_err(stopped)?
    }

    /// Gives a draft's clip its poster: a frame the platform's own decoder
    /// drew (a web view's `<video>`, Android's `MediaMetadataRetriever`,
    /// iOS's `AVAssetImageGenerator`), as JPEG, PNG or WebP. It is checked
    /// and shrunk like a photo and stored as a metadata-free thumbnail; a
    /// frame that is no picture is refused and the clip keeps its neutral one.
    pub fn set_clip_poster(&self, draft: &mut crate::Draft, frame: &[u8]) -> Result<()> {
        let thumb = crate::photos::process(frame)?.thumbnail;
        match draft.clip.as_mut() {
            Some(c) => {
                c.poster = Some(thumb);
                Ok(())
            }
            None => Err(Problem::new("clip-empty", "no clip to give a poster to").field(FIELD).into()),
        }
    }

    /// Takes the clip off a draft and deletes its kept copy.
    pub fn remove_clip(&self, draft: &mut crate::Draft) {
        if let Some(c) = draft.clip.take() {
            if let Err(e) = std::fs::remove_file(&c.path) {
                tracing::warn!(path = %c.path.display(), "removed clip not deleted: {e}");
            }
        }
    }

    /// Deletes kept clips no queued report holds (see [`sweep`]).
    pub(crate) fn sweep_clips(&self) -> Result<usize> {
        let kept = self.inner.store.read(crate::reports::store::clip_paths)?;
        sweep(&self.clips_dir(), &kept)
    }
}

fn stopped(e: tokio::task::JoinError) -> crate::Error {
    Problem::new("clip-damaged", format!("clip preparation stopped: {e}")).field(FIELD).into()
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

    #[test]
    fn clips_no_report_holds_are_swept_and_held_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let clips = dir.path().join("clips");
        assert_eq!(sweep(&clips, &Default::default()).unwrap(), 0, "no directory yet");
        let held = store_prepared_bytes(&clip(&Spec::default()), &clips).unwrap();
        let lost = store_prepared_bytes(&clip(&Spec::default()), &clips).unwrap();
        std::fs::write(clips.join("x.part"), b"half").unwrap();
        let kept = [held.path.clone()].into_iter().collect();
        assert_eq!(sweep(&clips, &kept).unwrap(), 2);
        assert!(held.path.exists());
        assert!(!lost.path.exists());
    }

    #[test]
    fn a_poster_frame_is_kept_as_a_thumbnail_and_a_non_picture_refused() {
        let dir = tempfile::tempdir().unwrap();
        let core =
            crate::MyCity::open(crate::Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        let mut draft = crate::Draft::new("pothole");
        let frame = {
            let img = image::RgbImage::from_fn(320, 240, |x, _| image::Rgb([(x % 256) as u8, 80, 80]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        let e = core.set_clip_poster(&mut draft, &frame).unwrap_err();
        assert_eq!(e.problem().unwrap().code, "clip-empty", "no clip yet");
        let clip = store_prepared_bytes(&clip(&Spec::default()), &dir.path().join("clips")).unwrap();
        core.set_clip(&mut draft, clip).unwrap();
        core.set_clip_poster(&mut draft, &frame).unwrap();
        let poster = draft.clip.as_ref().and_then(|c| c.poster.clone()).unwrap();
        assert_eq!(&poster[..2], b"\xff\xd8", "a JPEG");
        let e = core.set_clip_poster(&mut draft, b"not a frame").unwrap_err();
        assert!(e.problem().unwrap().code.starts_with("photo-"), "{e}");
        assert!(draft.clip.as_ref().unwrap().poster.is_some(), "the good poster stays");
    }

    #[test]
    fn bytes_too_large_are_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![0u8; MAX_CLIP_BYTES as usize + 1];
        let e = store_prepared_bytes(&big, dir.path()).unwrap_err();
        assert_eq!(e.problem().unwrap().code, "clip-too-large");
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
