//! Report video clips (issue 14): recognising an MP4/MOV clip by its content,
//! reading what the checks need (duration, codec, size, place) and removing
//! what identifies the person who filmed it, without re-encoding.
//!
//! The phone (the core) and the reference server both use this module: the
//! phone to check and strip a clip before queueing it, the server to check
//! again that what arrived carries no location.
//!
//! The boxes are walked here rather than with an MP4 crate. `mp4-atom` and
//! `mp4` rewrite a file by decoding it into their typed model and encoding it
//! again, which reads `mdat` (tens of MB) into memory, needs every box to be
//! one they know (QuickTime files from iPhones carry several they do not),
//! and leaves the chunk offsets (`stco`/`co64`) to the caller anyway. Removing
//! boxes only needs their sizes: kept boxes are copied byte for byte, the
//! containers on the way are given their new sizes, and the chunk offsets are
//! moved by what was removed before the media data.

/// Largest clip accepted, in bytes (60 MB as recorded).
pub const MAX_CLIP_BYTES: u64 = 60 * 1024 * 1024;

/// Longest clip accepted, in milliseconds (30 s).
pub const MAX_CLIP_MS: u64 = 30_000;

/// What a camera stopped at its 30 s limit may write beyond it (a few frames
/// of audio priming or the last video frame's duration), so such a clip is
/// not refused for being 30.03 s long.
pub const CLIP_SLACK_MS: u64 = 100;

/// How deep containers may nest before the file is called damaged: real
/// clips need 6 levels (`moov/trak/mdia/minf/stbl/stsd`), and the bound keeps
/// a crafted file from recursing without end.
const MAX_DEPTH: usize = 12;

/// The container a clip came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// ISO base media (`.mp4`), what Android phones write.
    Mp4,
    /// QuickTime (`.mov`, `ftyp` brand `qt  `), what iPhones write.
    QuickTime,
}

impl Container {
    /// The MIME type to store and serve it under.
    pub fn mime(self) -> &'static str {
        match self {
            Container::Mp4 => "video/mp4",
            Container::QuickTime => "video/quicktime",
        }
    }
}

/// The video codecs taken: what phones record, and what every phone plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoCodec {
    /// H.264 / AVC (`avc1`, `avc3`).
    H264,
    /// H.265 / HEVC (`hvc1`, `hev1`).
    Hevc,
}

/// What a clip is, read from its boxes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipInfo {
    /// MP4 or QuickTime.
    pub container: Container,
    /// The video track's codec.
    pub codec: VideoCodec,
    /// Length, from the movie header (`mvhd`), in milliseconds.
    pub duration_ms: u64,
    /// Size of the file, in bytes.
    pub bytes: u64,
    /// Where it was filmed (latitude, longitude), from `©xyz` or Apple's
    /// `com.apple.quicktime.location.ISO6709`, when present and valid.
    pub gps: Option<(f64, f64)>,
}

/// Why a clip is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipFlaw {
    /// No bytes at all.
    Empty,
    /// Larger than [`MAX_CLIP_BYTES`].
    TooLarge {
        /// Its size in bytes.
        bytes: u64,
    },
    /// Not an MP4 or MOV file (no `ftyp`, or a picture's brand such as HEIC).
    NotVideo,
    /// The boxes do not hold together (cut short, sizes that overrun, no
    /// movie header); says which part.
    Damaged(&'static str),
    /// No video track.
    NoVideo,
    /// The video track is in another codec (its sample entry's four letters).
    Codec(String),
    /// Longer than [`MAX_CLIP_MS`] (plus [`CLIP_SLACK_MS`]).
    TooLong {
        /// Its length in milliseconds.
        duration_ms: u64,
    },
}

impl std::fmt::Display for ClipFlaw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClipFlaw::Empty => f.write_str("the clip is empty"),
            ClipFlaw::TooLarge { bytes } => write!(f, "clip too large: {bytes} bytes, at most {MAX_CLIP_BYTES}"),
            ClipFlaw::NotVideo => f.write_str("not a video clip: expected MP4 or MOV"),
            ClipFlaw::Damaged(what) => write!(f, "damaged clip: {what}"),
            ClipFlaw::NoVideo => f.write_str("the clip has no video track"),
            ClipFlaw::Codec(c) => write!(f, "unsupported video codec {c:?}: expected H.264 or HEVC"),
            ClipFlaw::TooLong { duration_ms } => {
                write!(f, "clip too long: {duration_ms} ms, at most {MAX_CLIP_MS} ms")
            }
        }
    }
}

/// One box: its type, where it starts, how long its header is and its total length.
#[derive(Debug, Clone, Copy)]
struct Bx {
    typ: [u8; 4],
    start: usize,
    header: usize,
    len: usize,
}

impl Bx {
    fn payload<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        // In range by construction (`boxes` checked start + len ≤ end).
        &bytes[self.start + self.header..self.start + self.len]
    }
}

/// The boxes laid end to end in `bytes[from..to]`; a box that overruns the
/// range, or a header cut short, is damage.
fn boxes(bytes: &[u8], from: usize, to: usize) -> Result<Vec<Bx>, ClipFlaw> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let head = bytes.get(at..at + 8).filter(|_| at + 8 <= to).ok_or(ClipFlaw::Damaged("box header cut short"))?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
        let typ = [head[4], head[5], head[6], head[7]];
        let (header, len) = match size32 {
            // Size 0: the box runs to the end of its range (the last box of a file).
            0 => (8, (to - at) as u64),
            1 => {
                let large = bytes
                    .get(at + 8..at + 16)
                    .filter(|_| at + 16 <= to)
                    .ok_or(ClipFlaw::Damaged("box header cut short"))?;
                let mut b = [0u8; 8];
                b.copy_from_slice(large);
                (16, u64::from_be_bytes(b))
            }
            n => (8, n),
        };
        if len < header as u64 || len > (to - at) as u64 {
            return Err(ClipFlaw::Damaged("a box runs past its end"));
        }
        let len = len as usize;
        out.push(Bx { typ, start: at, header, len });
        at += len;
    }
    Ok(out)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_be_bytes(a))
}

/// Brands that say "video" in an `ftyp`; HEIC/AVIF photos carry `mif1`,
/// `heic`, `avif` instead and are not clips.
const VIDEO_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"MSNV",
    b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"hvc1", b"dash",
];
const IMAGE_BRANDS: &[&[u8; 4]] = &[b"mif1", b"msf1", b"heic", b"heix", b"avif", b"avis", b"heim", b"heis"];

/// What container `bytes` are, by their `ftyp` box, if a video clip.
pub fn sniff_clip(bytes: &[u8]) -> Option<Container> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = be32(bytes, 0)? as usize;
    let ftyp = bytes.get(8..size.max(16).min(bytes.len()))?;
    let major = ftyp.get(0..4)?;
    if IMAGE_BRANDS.iter().any(|b| &b[..] == major) {
        return None;
    }
    // Major brand, then the compatible ones after the 4-byte minor version.
    let brands = std::iter::once(major).chain(ftyp.get(8..).unwrap_or(&[]).chunks_exact(4));
    let mut video = false;
    for b in brands {
        if b == b"qt  " && major == b"qt  " {
            return Some(Container::QuickTime);
        }
        video |= VIDEO_BRANDS.iter().any(|v| &v[..] == b);
    }
    video.then_some(Container::Mp4)
}

/// Reads a clip's facts and checks them against the limits: size, container,
/// a video track in H.264 or HEVC, duration. The boxes are checked all the way
/// down to the sample tables, so a clip cut short is refused here.
pub fn inspect(bytes: &[u8]) -> Result<ClipInfo, ClipFlaw> {
    if bytes.is_empty() {
        return Err(ClipFlaw::Empty);
    }
    if bytes.len() as u64 > MAX_CLIP_BYTES {
        return Err(ClipFlaw::TooLarge { bytes: bytes.len() as u64 });
    }
    let container = sniff_clip(bytes).ok_or(ClipFlaw::NotVideo)?;
    let top = boxes(bytes, 0, bytes.len())?;
    let mut moovs = top.iter().filter(|b| &b.typ == b"moov");
    let moov = moovs.next().ok_or(ClipFlaw::Damaged("no movie box (moov)"))?;
    if moovs.next().is_some() {
        return Err(ClipFlaw::Damaged("two movie boxes"));
    }
    let kids = children(bytes, moov)?;
    let mvhd = kids.iter().find(|b| &b.typ == b"mvhd").ok_or(ClipFlaw::Damaged("no movie header (mvhd)"))?;
    let duration_ms = mvhd_duration_ms(mvhd.payload(bytes))?;
    let mut codec = None;
    for trak in kids.iter().filter(|b| &b.typ == b"trak") {
        if let Some(c) = video_codec(bytes, trak)? {
            codec = Some(c);
            break;
        }
    }
    let codec = match codec {
        None => return Err(ClipFlaw::NoVideo),
        Some(c) if matches!(&c, b"avc1" | b"avc3") => VideoCodec::H264,
        Some(c) if matches!(&c, b"hvc1" | b"hev1") => VideoCodec::Hevc,
        Some(c) => return Err(ClipFlaw::Codec(String::from_utf8_lossy(&c).into_owned())),
    };
    if duration_ms > MAX_CLIP_MS + CLIP_SLACK_MS {
        return Err(ClipFlaw::TooLong { duration_ms });
    }
    let gps = read_gps(bytes, &kids);
    Ok(ClipInfo { container, codec, duration_ms, bytes: bytes.len() as u64, gps })
}

fn children(bytes: &[u8], b: &Bx) -> Result<Vec<Bx>, ClipFlaw> {
    boxes(bytes, b.start + b.header, b.start + b.len)
}

fn mvhd_duration_ms(p: &[u8]) -> Result<u64, ClipFlaw> {
    let bad = ClipFlaw::Damaged("movie header cut short");
    let (timescale, duration) = match p.first() {
        Some(1) => (be32(p, 20).ok_or(bad.clone())?, be64(p, 24).ok_or(bad)?),
        Some(_) => (be32(p, 12).ok_or(bad.clone())?, be32(p, 16).ok_or(bad)? as u64),
        None => return Err(bad),
    };
    if timescale == 0 {
        return Err(ClipFlaw::Damaged("movie header with no time scale"));
    }
    // All ones means "unknown length": a clip whose length cannot be told is refused.
    if duration == u64::MAX || duration == u32::MAX as u64 {
        return Err(ClipFlaw::Damaged("movie of unknown length"));
    }
    Ok((duration as u128 * 1000 / timescale as u128).min(u64::MAX as u128) as u64)
}

/// The sample entry type of `trak` when it is a video track (`hdlr` `vide`).
fn video_codec(bytes: &[u8], trak: &Bx) -> Result<Option<[u8; 4]>, ClipFlaw> {
    let Some(mdia) = children(bytes, trak)?.into_iter().find(|b| &b.typ == b"mdia") else {
        return Ok(None);
    };
    let mdia_kids = children(bytes, &mdia)?;
    let is_video = mdia_kids
        .iter()
        .find(|b| &b.typ == b"hdlr")
        .and_then(|h| h.payload(bytes).get(8..12))
        .is_some_and(|t| t == b"vide");
    if !is_video {
        return Ok(None);
    }
    let path: [&[u8; 4]; 3] = [b"minf", b"stbl", b"stsd"];
    let mut cur = mdia;
    for name in path {
        cur = children(bytes, &cur)?
            .into_iter()
            .find(|b| &b.typ == name)
            .ok_or(ClipFlaw::Damaged("video track without sample description"))?;
    }
    // stsd: version/flags (4), entry count (4), then sample entries as boxes.
    let stsd = cur.payload(bytes);
    let entry = stsd.get(8..16).ok_or(ClipFlaw::Damaged("empty sample description"))?;
    Ok(Some([entry[4], entry[5], entry[6], entry[7]]))
}

/// The `meta` box's children start after a 4-byte version/flags in MP4, but
/// right away in QuickTime (Apple's `meta` starts with its `hdlr`).
fn meta_children(bytes: &[u8], meta: &Bx) -> Result<Vec<Bx>, ClipFlaw> {
    let p = meta.payload(bytes);
    let skip = if p.get(4..8) == Some(b"hdlr") { 0 } else { 4 };
    let from = (meta.start + meta.header + skip).min(meta.start + meta.len);
    boxes(bytes, from, meta.start + meta.len)
}

/// The place a clip was filmed, from `moov/udta/©xyz` (Android, older iPhones)
/// or `moov/meta` keys `com.apple.quicktime.location.ISO6709` (iPhones).
/// Any damage in these optional boxes just means "no place".
fn read_gps(bytes: &[u8], moov_kids: &[Bx]) -> Option<(f64, f64)> {
    for b in moov_kids {
        if &b.typ == b"udta" {
            for u in children(bytes, b).ok()? {
                if u.typ == *b"\xA9xyz" {
                    // QuickTime text: length (2), language (2), then the text.
                    let p = u.payload(bytes);
                    let n = u16::from_be_bytes([*p.first()?, *p.get(1)?]) as usize;
                    if let Some(pos) = p.get(4..4 + n).and_then(parse_iso6709) {
                        return Some(pos);
                    }
                }
            }
        }
        if &b.typ == b"meta" {
            if let Some(pos) = apple_location(bytes, b) {
                return Some(pos);
            }
        }
    }
    None
}

fn apple_location(bytes: &[u8], meta: &Bx) -> Option<(f64, f64)> {
    let kids = meta_children(bytes, meta).ok()?;
    let keys = kids.iter().find(|b| &b.typ == b"keys")?.payload(bytes);
    // keys: version/flags (4), count (4), then (size, namespace, name) entries.
    let count = be32(keys, 4)?;
    let mut at = 8;
    let mut index = None;
    for i in 1..=count {
        let size = be32(keys, at)? as usize;
        let name = keys.get(at + 8..at.checked_add(size)?)?;
        if name == b"com.apple.quicktime.location.ISO6709" {
            index = Some(i);
            break;
        }
        at = at.checked_add(size.max(8))?;
    }
    let index = index?.to_be_bytes();
    let ilst = kids.iter().find(|b| &b.typ == b"ilst")?;
    let item = children(bytes, ilst).ok()?.into_iter().find(|b| b.typ == index)?;
    let data = children(bytes, &item).ok()?.into_iter().find(|b| &b.typ == b"data")?;
    // data: type (4), locale (4), then the value.
    parse_iso6709(data.payload(bytes).get(8..)?)
}

/// Reads an ISO 6709 position in decimal degrees (`+16.0612+108.2272+012.3/`),
/// the form cameras write; other forms and out-of-range values give `None`.
pub fn parse_iso6709(text: &[u8]) -> Option<(f64, f64)> {
    let s = std::str::from_utf8(text).ok()?.trim_end_matches(['\0', '/']);
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if (c == '+' || c == '-') && i > start {
            parts.push(&s[start..i]);
            start = i;
        }
    }
    parts.push(&s[start..]);
    let (lat, lon) = (parts.first()?, parts.get(1)?);
    if !lat.starts_with(['+', '-']) || !lon.starts_with(['+', '-']) {
        return None;
    }
    let lat: f64 = lat.parse().ok()?;
    let lon: f64 = lon.parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && lat.is_finite() && lon.is_finite())
        .then_some((lat, lon))
}

/// Boxes removed wherever they are met: user data (`udta`: `©xyz` place,
/// maker, model, software) and metadata (`meta`: Apple's location, make,
/// model, creation software).
fn is_identifying(typ: &[u8; 4]) -> bool {
    typ == b"udta" || typ == b"meta"
}

/// Containers walked into when stripping; every other box is copied as is.
fn is_container(typ: &[u8; 4]) -> bool {
    matches!(typ, b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"edts" | b"dinf" | b"mvex")
}

/// The XMP `uuid` box some editors add at the top level (it can carry a place too).
const XMP_UUID: [u8; 16] =
    [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC];

fn is_xmp(bytes: &[u8], b: &Bx) -> bool {
    &b.typ == b"uuid" && b.payload(bytes).get(..16) == Some(&XMP_UUID[..])
}

/// A clip with what identifies its author removed, and its facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Stripped {
    /// The clip without `udta`, `meta` and XMP boxes; same media bytes.
    pub bytes: Vec<u8>,
    /// What the clip is (read before stripping, so `gps` is the original place;
    /// `bytes` is the size as recorded).
    pub info: ClipInfo,
}

/// Checks a clip ([`inspect`]) and rewrites it without its identifying
/// boxes: every `udta` and `meta` (movie and track level, and at the top),
/// and a top-level XMP box. Media data is copied untouched; the chunk offsets
/// in `stco`/`co64` are moved by the bytes removed before the data they
/// point at, so a clip whose `moov` comes first ("faststart") still plays.
pub fn strip(bytes: &[u8]) -> Result<Stripped, ClipFlaw> {
    let info = inspect(bytes)?;
    let top = boxes(bytes, 0, bytes.len())?;
    // Rebuild moov first: its new size decides where everything after it goes.
    let mut moov_out = Vec::new();
    let mut tables = Vec::new();
    let mut new_start = Vec::with_capacity(top.len());
    let mut at = 0usize;
    for b in &top {
        if is_identifying(&b.typ) || is_xmp(bytes, b) {
            new_start.push(None);
        } else if &b.typ == b"moov" {
            rebuild(bytes, b, &mut moov_out, &mut tables, 0)?;
            new_start.push(Some(at));
            at += moov_out.len();
        } else {
            new_start.push(Some(at));
            at += b.len;
        }
    }
    // Move every chunk offset into the box it pointed into, wherever that box now is.
    for &(pos, wide, count) in &tables {
        for i in 0..count {
            let at = pos + i * if wide { 8 } else { 4 };
            let old = if wide { be64(&moov_out, at) } else { be32(&moov_out, at).map(u64::from) }
                .ok_or(ClipFlaw::Damaged("chunk offset table cut short"))?;
            let k = top.partition_point(|b| (b.start as u64) <= old);
            let (b, start) = k
                .checked_sub(1)
                .and_then(|k| Some((top[k], new_start[k]?)))
                .filter(|(b, _)| &b.typ != b"moov" && old < (b.start + b.len) as u64)
                .ok_or(ClipFlaw::Damaged("chunk offset outside the media data"))?;
            // Boxes only move towards the start, so the new offset fits where the old one did.
            let new = old - (b.start - start) as u64;
            if wide {
                moov_out[at..at + 8].copy_from_slice(&new.to_be_bytes());
            } else {
                moov_out[at..at + 4].copy_from_slice(&(new as u32).to_be_bytes());
            }
        }
    }
    let mut out = Vec::with_capacity(at);
    for (b, start) in top.iter().zip(&new_start) {
        if start.is_none() {
            continue;
        }
        if &b.typ == b"moov" {
            out.extend_from_slice(&moov_out);
        } else {
            out.extend_from_slice(&bytes[b.start..b.start + b.len]);
        }
    }
    // A place hidden where the rewrite does not reach (a box whose name was
    // damaged, a vendor box) must not leave the phone: such a clip is refused.
    if identifying_box(&out)?.is_some() {
        return Err(ClipFlaw::Damaged("a place is left in a box that cannot be removed"));
    }
    Ok(Stripped { bytes: out, info })
}

/// Writes container `b` into `out` without its identifying children, noting
/// where each chunk offset table's entries landed: (position, 64-bit, count).
fn rebuild(
    bytes: &[u8],
    b: &Bx,
    out: &mut Vec<u8>,
    tables: &mut Vec<(usize, bool, usize)>,
    depth: usize,
) -> Result<(), ClipFlaw> {
    if depth > MAX_DEPTH {
        return Err(ClipFlaw::Damaged("boxes nested too deep"));
    }
    let head = out.len();
    // Size written once the children are in; an 8-byte header unless it needs 64 bits.
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&b.typ);
    for c in children(bytes, b)? {
        if is_identifying(&c.typ) {
            continue;
        }
        if is_container(&c.typ) {
            rebuild(bytes, &c, out, tables, depth + 1)?;
            continue;
        }
        let pos = out.len();
        out.extend_from_slice(&bytes[c.start..c.start + c.len]);
        let wide = &c.typ == b"co64";
        if wide || &c.typ == b"stco" {
            let p = c.payload(bytes);
            let count = be32(p, 4).ok_or(ClipFlaw::Damaged("chunk offset table cut short"))? as usize;
            let need = count.checked_mul(if wide { 8 } else { 4 }).and_then(|n| n.checked_add(8));
            if need.is_none_or(|n| n > p.len()) {
                return Err(ClipFlaw::Damaged("chunk offset table cut short"));
            }
            tables.push((pos + c.header + 8, wide, count));
        }
    }
    let len = out.len() - head;
    if len > u32::MAX as usize {
        // Cannot happen under MAX_CLIP_BYTES; refuse rather than write a wrong size.
        return Err(ClipFlaw::Damaged("movie box too large"));
    }
    out[head..head + 4].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(())
}

/// The first identifying box left in a clip (`udta`, `meta`, XMP, or a
/// `©xyz` anywhere outside the media data), for a server checking what it
/// was sent; `None` when the clip is clean. Damage is reported as such.
pub fn identifying_box(bytes: &[u8]) -> Result<Option<&'static str>, ClipFlaw> {
    let top = boxes(bytes, 0, bytes.len())?;
    for b in &top {
        if &b.typ == b"udta" {
            return Ok(Some("udta"));
        }
        if &b.typ == b"meta" {
            return Ok(Some("meta"));
        }
        if is_xmp(bytes, b) {
            return Ok(Some("xmp"));
        }
        if &b.typ == b"moov" {
            if let Some(found) = find_in(bytes, b, 0)? {
                return Ok(Some(found));
            }
            // A place can hide in a box not walked into (a sample entry's
            // extension, a vendor box): the movie box is small, scan it whole.
            if b.payload(bytes).windows(4).any(|w| w == b"\xA9xyz") {
                return Ok(Some("©xyz"));
            }
        }
    }
    Ok(None)
}

fn find_in(bytes: &[u8], b: &Bx, depth: usize) -> Result<Option<&'static str>, ClipFlaw> {
    if depth > MAX_DEPTH {
        return Err(ClipFlaw::Damaged("boxes nested too deep"));
    }
    for c in children(bytes, b)? {
        if &c.typ == b"udta" {
            return Ok(Some("udta"));
        }
        if &c.typ == b"meta" {
            return Ok(Some("meta"));
        }
        if is_container(&c.typ) {
            if let Some(f) = find_in(bytes, &c, depth + 1)? {
                return Ok(Some(f));
            }
        }
    }
    Ok(None)
}

pub mod fixture {
    //! Generated clips for tests and benchmarks: a valid box tree (one H.264
    //! or HEVC video track, a movie header, a sample table whose chunk
    //! offsets point into `mdat`) with a fake media payload. No encoder is
    //! needed, and the stripping's offset fixing can be checked byte for byte.

    /// How to build a test clip.
    #[derive(Debug, Clone)]
    pub struct Spec {
        /// Movie length in milliseconds (time scale 1000).
        pub duration_ms: u32,
        /// Sample entry type (`avc1`, `hvc1`, `vp09`…).
        pub codec: [u8; 4],
        /// `ftyp` major brand (`isom`, `qt  `).
        pub brand: [u8; 4],
        /// Size of the fake media data, in bytes.
        pub media_bytes: usize,
        /// Number of chunks the media data is split into (each gets a `stco` entry).
        pub chunks: usize,
        /// `moov` before `mdat` ("faststart") when true.
        pub moov_first: bool,
        /// Chunk offsets as `co64` instead of `stco`.
        pub co64: bool,
        /// `©xyz` text in `moov/udta`, with maker and model.
        pub xyz: Option<String>,
        /// Apple `moov/meta` with a location key.
        pub apple_location: Option<String>,
        /// A track-level `udta` too.
        pub track_udta: bool,
    }

    impl Default for Spec {
        fn default() -> Self {
            Spec {
                duration_ms: 12_000,
                codec: *b"avc1",
                brand: *b"isom",
                media_bytes: 64 * 1024,
                chunks: 8,
                moov_first: true,
                co64: false,
                xyz: Some("+16.0612+108.2272+010.000/".into()),
                apple_location: None,
                track_udta: true,
            }
        }
    }

    fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(typ);
        v.extend_from_slice(payload);
        v
    }

    fn full(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0, 0, 0, 0];
        p.extend_from_slice(payload);
        bx(typ, &p)
    }

    /// The media byte at `i`: a pattern that lets a test tell which byte
    /// ended where (and is not all zeros, like real media).
    pub fn media_byte(i: usize) -> u8 {
        (i.wrapping_mul(31) ^ (i >> 8)) as u8
    }

    fn moov(spec: &Spec, mdat_payload_at: usize) -> Vec<u8> {
        let mut mvhd = Vec::new();
        mvhd.extend_from_slice(&[0; 8]); // creation, modification
        mvhd.extend_from_slice(&1000u32.to_be_bytes());
        mvhd.extend_from_slice(&spec.duration_ms.to_be_bytes());
        mvhd.extend_from_slice(&[0x00, 0x01, 0, 0, 0x01, 0]); // rate, volume
        mvhd.extend_from_slice(&[0; 10 + 36 + 24]);
        mvhd.extend_from_slice(&2u32.to_be_bytes());
        let chunk = spec.media_bytes / spec.chunks.max(1);
        let mut offsets = Vec::new();
        offsets.extend_from_slice(&(spec.chunks as u32).to_be_bytes());
        for i in 0..spec.chunks {
            let off = mdat_payload_at + i * chunk;
            if spec.co64 {
                offsets.extend_from_slice(&(off as u64).to_be_bytes());
            } else {
                offsets.extend_from_slice(&(off as u32).to_be_bytes());
            }
        }
        let mut entry = vec![0; 6];
        entry.extend_from_slice(&1u16.to_be_bytes());
        entry.extend_from_slice(&[0; 70]);
        let mut stsd = 1u32.to_be_bytes().to_vec();
        stsd.extend_from_slice(&bx(&spec.codec, &entry));
        let stbl =
            bx(b"stbl", &[full(b"stsd", &stsd), full(if spec.co64 { b"co64" } else { b"stco" }, &offsets)].concat());
        let minf = bx(b"minf", &stbl);
        let mut hdlr = vec![0; 4];
        hdlr.extend_from_slice(b"vide");
        hdlr.extend_from_slice(&[0; 13]);
        let mdia = bx(b"mdia", &[full(b"hdlr", &hdlr), minf].concat());
        let mut trak = mdia;
        if spec.track_udta {
            trak.extend_from_slice(&bx(b"udta", &bx(b"name", b"Pixel 8 camera")));
        }
        let mut kids = full(b"mvhd", &mvhd);
        kids.extend_from_slice(&bx(b"trak", &trak));
        if let Some(xyz) = &spec.xyz {
            let mut t = (xyz.len() as u16).to_be_bytes().to_vec();
            t.extend_from_slice(&[0x15, 0xC7]);
            t.extend_from_slice(xyz.as_bytes());
            let mut udta = bx(b"\xA9xyz", &t);
            udta.extend_from_slice(&bx(b"\xA9mak", b"\0\x06\x15\xC7Google"));
            udta.extend_from_slice(&bx(b"\xA9mod", b"\0\x07\x15\xC7Pixel 8"));
            kids.extend_from_slice(&bx(b"udta", &udta));
        }
        if let Some(loc) = &spec.apple_location {
            let mut hdlr = vec![0; 4];
            hdlr.extend_from_slice(b"mdta");
            hdlr.extend_from_slice(&[0; 13]);
            let key = b"com.apple.quicktime.location.ISO6709";
            let mut keys = 1u32.to_be_bytes().to_vec();
            keys.extend_from_slice(&((key.len() + 8) as u32).to_be_bytes());
            keys.extend_from_slice(b"mdta");
            keys.extend_from_slice(key);
            let mut data = 1u32.to_be_bytes().to_vec();
            data.extend_from_slice(&[0; 4]);
            data.extend_from_slice(loc.as_bytes());
            let item = bx(&1u32.to_be_bytes(), &bx(b"data", &data));
            let meta = bx(b"meta", &[full(b"hdlr", &hdlr), full(b"keys", &keys), bx(b"ilst", &item)].concat());
            kids.extend_from_slice(&meta);
        }
        bx(b"moov", &kids)
    }

    /// Builds the clip `spec` describes.
    pub fn clip(spec: &Spec) -> Vec<u8> {
        let mut ftyp = spec.brand.to_vec();
        ftyp.extend_from_slice(&[0, 0, 2, 0]);
        ftyp.extend_from_slice(if &spec.brand == b"qt  " { b"qt  " } else { b"isommp42" });
        let ftyp = bx(b"ftyp", &ftyp);
        let media: Vec<u8> = (0..spec.media_bytes).map(media_byte).collect();
        let mdat = bx(b"mdat", &media);
        if spec.moov_first {
            let size = moov(spec, 0).len();
            let moov = moov(spec, ftyp.len() + size + 8);
            [ftyp, moov, mdat].concat()
        } else {
            let moov = moov(spec, ftyp.len() + 8);
            [ftyp, mdat, moov].concat()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{clip, media_byte, Spec};
    use super::*;

    /// The media bytes each chunk offset points at, for every table in the clip.
    fn chunk_heads(bytes: &[u8]) -> Vec<u8> {
        let top = boxes(bytes, 0, bytes.len()).unwrap();
        let moov = top.iter().find(|b| &b.typ == b"moov").unwrap();
        let mut out = Vec::new();
        let mut stack = vec![*moov];
        while let Some(b) = stack.pop() {
            for c in children(bytes, &b).unwrap() {
                if is_container(&c.typ) {
                    stack.push(c);
                } else if &c.typ == b"stco" || &c.typ == b"co64" {
                    let p = c.payload(bytes);
                    let n = be32(p, 4).unwrap() as usize;
                    for i in 0..n {
                        let off = if &c.typ == b"co64" {
                            be64(p, 8 + i * 8).unwrap()
                        } else {
                            be32(p, 8 + i * 4).unwrap() as u64
                        };
                        out.extend_from_slice(&bytes[off as usize..off as usize + 4]);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn a_clip_is_read_and_its_place_found() {
        let info = inspect(&clip(&Spec::default())).unwrap();
        assert_eq!(info.container, Container::Mp4);
        assert_eq!(info.codec, VideoCodec::H264);
        assert_eq!(info.duration_ms, 12_000);
        assert_eq!(info.gps, Some((16.0612, 108.2272)));
        let mov = clip(&Spec {
            brand: *b"qt  ",
            codec: *b"hvc1",
            xyz: None,
            apple_location: Some("+21.0285+105.8542+012.000/".into()),
            ..Spec::default()
        });
        let info = inspect(&mov).unwrap();
        assert_eq!((info.container, info.codec), (Container::QuickTime, VideoCodec::Hevc));
        assert_eq!(info.gps, Some((21.0285, 105.8542)));
    }

    #[test]
    fn what_is_not_a_short_h264_or_hevc_clip_is_refused() {
        assert_eq!(inspect(&[]), Err(ClipFlaw::Empty));
        assert_eq!(inspect(b"\xFF\xD8\xFF\xE0 a jpeg"), Err(ClipFlaw::NotVideo));
        assert_eq!(inspect(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Err(ClipFlaw::NotVideo));
        let long = clip(&Spec { duration_ms: 31_000, ..Spec::default() });
        assert_eq!(inspect(&long), Err(ClipFlaw::TooLong { duration_ms: 31_000 }));
        assert!(inspect(&clip(&Spec { duration_ms: 30_050, ..Spec::default() })).is_ok(), "within the slack");
        let vp9 = clip(&Spec { codec: *b"vp09", ..Spec::default() });
        assert_eq!(inspect(&vp9), Err(ClipFlaw::Codec("vp09".into())));
        let ok = clip(&Spec::default());
        assert!(matches!(inspect(&ok[..ok.len() - 10]), Err(ClipFlaw::Damaged(_))), "cut short");
        let big = vec![0u8; MAX_CLIP_BYTES as usize + 1];
        assert!(matches!(inspect(&big), Err(ClipFlaw::TooLarge { .. })));
    }

    #[test]
    fn stripping_removes_identifying_boxes_and_keeps_media_in_both_orders() {
        for moov_first in [true, false] {
            for co64 in [false, true] {
                let spec =
                    Spec { moov_first, co64, apple_location: Some("+21.0285+105.8542/".into()), ..Spec::default() };
                let original = clip(&spec);
                assert_eq!(identifying_box(&original).unwrap(), Some("udta"));
                let s = strip(&original).unwrap();
                assert_eq!(s.info.gps, Some((16.0612, 108.2272)));
                assert!(s.bytes.len() < original.len());
                assert_eq!(identifying_box(&s.bytes).unwrap(), None, "moov_first={moov_first} co64={co64}");
                assert!(!s.bytes.windows(4).any(|w| w == b"\xA9xyz" || w == b"\xA9mak"));
                // Every chunk offset still points at the same media byte.
                assert_eq!(chunk_heads(&s.bytes), chunk_heads(&original));
                let chunk = spec.media_bytes / spec.chunks;
                let want: Vec<u8> =
                    (0..spec.chunks).flat_map(|c| (0..4).map(move |i| media_byte(c * chunk + i))).collect();
                assert_eq!(chunk_heads(&s.bytes), want);
                let again = inspect(&s.bytes).unwrap();
                assert_eq!((again.gps, again.duration_ms), (None, 12_000));
                // Stripping a clean clip changes nothing.
                assert_eq!(strip(&s.bytes).unwrap().bytes, s.bytes);
            }
        }
    }

    #[test]
    fn iso6709_positions() {
        assert_eq!(parse_iso6709(b"+16.0612+108.2272/"), Some((16.0612, 108.2272)));
        assert_eq!(parse_iso6709(b"-33.8688+151.2093+025.000/"), Some((-33.8688, 151.2093)));
        assert_eq!(parse_iso6709(b"+91.0+10.0/"), None);
        assert_eq!(parse_iso6709(b"garbage"), None);
        assert_eq!(parse_iso6709(b""), None);
    }

    #[test]
    fn chunk_offsets_outside_the_media_are_damage() {
        let mut c = clip(&Spec { moov_first: false, xyz: None, track_udta: false, ..Spec::default() });
        // Point the last chunk offset past the end of the file.
        let pos = c.windows(4).position(|w| w == b"stco").unwrap() + 8 + 4 + 7 * 4;
        c[pos..pos + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(strip(&c), Err(ClipFlaw::Damaged(_))));
    }
}
