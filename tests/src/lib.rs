//! Shared helpers for MyCity's cross-crate tests: a reference server on
//! loopback and a core opened in a temporary directory.

use std::net::SocketAddr;

pub mod dev_idp;
pub mod fake_idp;
pub mod fault_proxy;

pub use mycity_core::{Config, MyCity};
pub use mycity_server::{Config as ServerConfig, Running};

/// A seeded reference server on a free loopback port. Its rate limits are
/// off: these tests send hundreds of reports from one device on purpose (the
/// abuse suite checks the limits with [`server_with`]).
pub async fn server() -> Running {
    server_with(ServerConfig { limits: mycity_server::Limits::unlimited(), ..ServerConfig::default() }).await
}

/// A reference server with this configuration on a free loopback port.
pub async fn server_with(config: ServerConfig) -> Running {
    mycity_server::serve(loopback(), config).await.expect("server starts")
}

/// `127.0.0.1:0`.
pub fn loopback() -> SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

/// A core in a fresh temporary directory, talking to `server_url`.
pub fn core(server_url: Option<String>) -> (tempfile::TempDir, MyCity) {
    let dir = tempfile::tempdir().expect("tempdir");
    let core =
        MyCity::open(Config { data_dir: dir.path().to_owned(), server_url, ..Default::default() }).expect("core opens");
    (dir, core)
}

/// A core whose store lives in `dir` (kept across reopenings, unlike
/// [`core`]'s temporary one), set to Đà Nẵng: the store the crash, kill and
/// disk tests open, kill and reopen.
pub fn open_store(dir: &std::path::Path, server_url: Option<String>) -> MyCity {
    let core = MyCity::open(Config { data_dir: dir.to_owned(), server_url, ..Default::default() }).expect("core opens");
    core.set_city("da-nang").expect("bundled city");
    core
}

/// A pothole report in the centre of Đà Nẵng with its required answers,
/// described as `description`, with a photo of `photo_bytes` bytes if any.
pub fn pothole(description: impl Into<String>, photo_bytes: Option<usize>, seed: u8) -> mycity_core::Draft {
    use mycity_core::{
        reports::{PlaceSource, Placed},
        Answer, LatLon,
    };
    let mut answers = std::collections::BTreeMap::new();
    answers.insert("size".to_owned(), Answer::One("small".into()));
    answers.insert("traffic_blocked".to_owned(), Answer::One("no".into()));
    mycity_core::Draft {
        service_code: "pothole".into(),
        description: description.into(),
        place: Some(Placed { position: LatLon { lat: 16.0612, lon: 108.2272 }, source: PlaceSource::Map }),
        answers,
        photos: photo_bytes.map(|n| vec![photo(&vec![seed; n])]).unwrap_or_default(),
        ..Default::default()
    }
}

/// `PRAGMA integrity_check` of the store in `dir` ("ok" when whole).
pub fn integrity(dir: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(dir.join("mycity.sqlite")).expect("store opens");
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check")
}

/// A bundled pack in wire form, as JSON to edit.
pub fn bundled_pack(slug: &str) -> serde_json::Value {
    let wire = mycity_core::pack::bundled::wire(slug).expect("bundled").expect("combines");
    serde_json::from_str(&wire).expect("json")
}

/// Publishes a pack through the staff endpoint.
pub async fn publish(base: &str, slug: &str, body: String) -> reqwest::Response {
    reqwest::Client::new()
        .put(format!("{base}/admin/cities/{slug}/pack"))
        .header("X-Admin-Key", "demo-admin")
        .body(body)
        .send()
        .await
        .expect("request")
}

/// A staff listing (`/admin/...`, header `X-Admin-Key`) as JSON rows.
pub async fn staff_list(url: &str) -> Vec<serde_json::Value> {
    reqwest::Client::new()
        .get(url)
        .header("X-Admin-Key", "demo-admin")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("a JSON list")
}

/// The code of the seeded Hà Giang demo dossier with sequence number `seq`
/// (the seed's secrets: 1 → 2468, 4 → 9753, 5 → 1122).
pub async fn demo_dossier(base: &str, seq: u32) -> String {
    let suffix = format!("-{seq:04}");
    staff_list(&format!("{base}/admin/dossiers?city=ha-giang"))
        .await
        .iter()
        .filter_map(|d| d["code"].as_str())
        .find(|c| c.ends_with(&suffix))
        .expect("a seeded demo dossier")
        .to_owned()
}

/// A stand-in for a prepared photo: a small real JPEG (the server decodes
/// every upload) whose pixels come from `bytes`, padded after its end marker
/// to the length of `bytes` so uploads keep the size a test asks for. No GPS.
pub fn photo(bytes: &[u8]) -> mycity_core::photos::Processed {
    let seed = bytes.iter().fold(bytes.len() as u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(*b)));
    let mut jpeg = jpeg(32, 24, seed);
    jpeg.extend(bytes);
    mycity_core::photos::Processed { jpeg, thumbnail: vec![], width: 1600, height: 1200, gps: None }
}

/// A real `w`×`h` JPEG whose pixels depend on `seed`.
pub fn jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = x.wrapping_mul(7).wrapping_add(y.wrapping_mul(13)).wrapping_add(seed);
        image::Rgb([v as u8, (v >> 3) as u8, (seed >> 8) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).expect("encode test JPEG");
    out
}

/// `jpeg` with an EXIF block carrying a camera serial and a GPS position in Hà Giang,
/// as a phone writes it: what the server must never serve back.
pub fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h, 7);
    let tiff = exif_tiff();
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((tiff.len() + 8) as u16).to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(&tiff);
    out.extend(&plain[2..]);
    out
}

/// Marker strings inside [`jpeg_with_gps`]'s EXIF, to look for in served bytes.
pub const EXIF_SERIAL: &str = "SN-MYCITY-0042";

#[path = "../../core/src/exif_fixture.rs"]
#[allow(dead_code)]
mod exif_fixture;

fn exif_tiff() -> Vec<u8> {
    use exif_fixture::{ifd_len, rationals, write_ifd, Entry};
    let mut serial = EXIF_SERIAL.as_bytes().to_vec();
    serial.push(0);
    // Make, then the GPS IFD pointer (its offset filled in below).
    let mut ifd0: Vec<Entry> = vec![(0x010F, 2, serial.len() as u32, serial), (0x8825, 4, 1, vec![0; 4])];
    let at = (8 + ifd_len(&ifd0)) as u32;
    ifd0[1].3 = at.to_le_bytes().to_vec();
    let gps: Vec<Entry> = vec![
        (0x0001, 2, 2, vec![b'N', 0]),
        (0x0002, 5, 3, rationals(&[(22, 1), (49, 1), (252, 10)])),
        (0x0003, 2, 2, vec![b'E', 0]),
        (0x0004, 5, 3, rationals(&[(104, 1), (58, 1), (48, 1)])),
    ];
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    write_ifd(&mut out, &ifd0);
    write_ifd(&mut out, &gps);
    out
}

/// True when `jpeg` has an APP1 (EXIF/XMP) or comment segment before its
/// first scan, or the EXIF serial anywhere.
pub fn has_metadata(jpeg: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        if marker == 0xE1 || marker == 0xFE {
            return true;
        }
        if marker == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    jpeg.windows(EXIF_SERIAL.len()).any(|w| w == EXIF_SERIAL.as_bytes())
}
