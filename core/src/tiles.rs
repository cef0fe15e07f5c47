//! Street-map tiles. A city's pack names its tile source (`map: {tiles,
//! attribution, max_zoom}`, XYZ raster); the core fetches tiles through its
//! HTTP client and keeps them in an MBTiles file per city in the data
//! directory, so what was seen once (the centre, at least) works offline.
//! Without a source, or offline with nothing cached, [`MyCity::map_view`]
//! says so and the screens draw the ward outlines instead.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use mycity_protocol::media::{sniff_image, ImageType};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::{pack::BBox, Error, LatLon, MyCity, Result};

/// Zoom the map opens at when it shows a whole city centre.
pub const START_ZOOM: u8 = 15;
/// Largest zoom any source may claim (Web Mercator tiles stop being useful beyond).
pub const MAX_ZOOM: u8 = 22;
/// Below this zoom a tile covers whole provinces: always allowed, never many.
const FREE_ZOOM: u8 = 8;
/// Margin around the city's box inside which tiles are fetched (degrees, ~5 km).
const MARGIN_DEG: f64 = 0.05;
/// Largest tile accepted from a source (a 256 px raster tile is 5–60 KB).
pub const MAX_TILE_BYTES: usize = 512 * 1024;
const DIR: &str = "tiles";

/// Where a city's tiles come from, as its pack names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapSource {
    /// URL template with `{z}`, `{x}`, `{y}`: absolute, or starting with `/`
    /// for a path on the city's server.
    pub tiles: String,
    /// The credit line the source requires on the map.
    pub attribution: String,
    /// Deepest zoom the source serves.
    pub max_zoom: u8,
}

impl MapSource {
    /// The pack's `map` object, if it names a usable source.
    pub fn from_pack(map: &serde_json::Value) -> Option<MapSource> {
        let tiles = map.get("tiles")?.as_str()?.trim().to_owned();
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| tiles.contains(p));
        let located = tiles.starts_with('/') || tiles.starts_with("http://") || tiles.starts_with("https://");
        if !placeholders || !located {
            tracing::warn!(tiles, "pack map source ignored: needs {{z}}, {{x}}, {{y}} and an http(s) URL or /path");
            return None;
        }
        let max_zoom = map.get("max_zoom").and_then(|z| z.as_u64()).unwrap_or(18).clamp(1, MAX_ZOOM as u64) as u8;
        let attribution = map.get("attribution").and_then(|a| a.as_str()).unwrap_or_default().to_owned();
        Some(MapSource { tiles, attribution, max_zoom })
    }

    /// The URL of one tile; a relative template is resolved against `server`
    /// (`None` when it needs a server and there is none).
    pub fn url(&self, server: Option<&str>, z: u8, x: u32, y: u32) -> Option<String> {
        let path =
            self.tiles.replace("{z}", &z.to_string()).replace("{x}", &x.to_string()).replace("{y}", &y.to_string());
        if path.starts_with('/') {
            server.map(|s| format!("{}{path}", s.trim_end_matches('/')))
        } else {
            Some(path)
        }
    }
}

/// What the street map needs to open, when tiles are at hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapView {
    /// Credit line to show on the map.
    pub attribution: String,
    /// Deepest zoom offered.
    pub max_zoom: u8,
    /// Zoom to open at.
    pub zoom: u8,
    /// Where to open.
    pub center: LatLon,
    /// The city's extent (panning stays near it).
    pub bbox: BBox,
}

/// What a pin on the street map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinKind {
    /// An open report someone already sent.
    Report,
    /// One of the city's places.
    Place,
}

/// A pin on the street map besides the report's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapPin {
    /// What it is.
    pub kind: PinKind,
    /// Where.
    pub lat: f64,
    /// Where.
    pub lon: f64,
    /// Its name or description, shown on hover or long press.
    pub label: String,
}

/// How far around the report's place other pins are shown (metres).
pub const PINS_RADIUS_M: f64 = 1500.0;
const PINS_MAX: usize = 30;

/// One tile's bytes and their media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    /// Encoded image.
    pub bytes: Vec<u8>,
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub content_type: &'static str,
}

/// The XYZ tile holding `p` at zoom `z` (Web Mercator, y down from the north).
pub fn tile_of(p: LatLon, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let lat = p.lat.clamp(-85.0511, 85.0511).to_radians();
    let x = ((p.lon + 180.0) / 360.0 * n).floor();
    let y = ((1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    (x.clamp(0.0, n - 1.0) as u32, y.clamp(0.0, n - 1.0) as u32)
}

/// The box a tile covers.
pub fn tile_box(z: u8, x: u32, y: u32) -> BBox {
    let n = f64::from(1u32 << z);
    let lon = |x: f64| x / n * 360.0 - 180.0;
    let lat = |y: f64| (std::f64::consts::PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
    BBox {
        min_lat: lat(f64::from(y) + 1.0),
        min_lon: lon(f64::from(x)),
        max_lat: lat(f64::from(y)),
        max_lon: lon(f64::from(x) + 1.0),
    }
}

/// MBTiles rows count from the south (TMS); XYZ rows from the north.
pub fn tms_row(z: u8, y: u32) -> u32 {
    (1u32 << z) - 1 - y
}

/// True when a tile may be fetched for a city: a valid address, within the
/// source's zooms, and near the city (a city's app has no business pulling
/// the rest of the world from a tile server).
pub fn wanted(source: &MapSource, city: &BBox, z: u8, x: u32, y: u32) -> bool {
    if z > source.max_zoom || x >= (1u32 << z) || y >= (1u32 << z) {
        return false;
    }
    if z < FREE_ZOOM {
        return true;
    }
    let t = tile_box(z, x, y);
    t.max_lat >= city.min_lat - MARGIN_DEG
        && t.min_lat <= city.max_lat + MARGIN_DEG
        && t.max_lon >= city.min_lon - MARGIN_DEG
        && t.min_lon <= city.max_lon + MARGIN_DEG
}

/// The media type of a whole, decodable tile image; `None` refuses it (not an
/// image, truncated, or too big), so a broken reply is never cached or shown.
pub fn check_tile(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() > MAX_TILE_BYTES {
        return None;
    }
    let (format, mime) = match sniff_image(bytes)? {
        ImageType::Png => (image::ImageFormat::Png, "image/png"),
        ImageType::WebP => (image::ImageFormat::WebP, "image/webp"),
        // No JPEG decoder is linked here: a whole JPEG ends with its EOI marker.
        ImageType::Jpeg => return bytes.ends_with(&[0xFF, 0xD9]).then_some("image/jpeg"),
    };
    image::load_from_memory_with_format(bytes, format).ok().map(|_| mime)
}

/// An MBTiles file: the standard SQLite tile container (`metadata`, `tiles`
/// with TMS rows), readable by any MBTiles tool.
pub struct MbTiles {
    conn: Mutex<Connection>,
}

impl MbTiles {
    /// Opens (or creates) the file at `path`.
    pub fn open(path: &Path, name: &str) -> Result<MbTiles> {
        let conn = Connection::open(path)?;
        // A cache: a tile lost in a crash is fetched again, so no fsync per tile.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);
             CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);
             CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);",
        )?;
        conn.execute("INSERT OR IGNORE INTO metadata (name, value) VALUES ('name', ?1), ('format', 'png')", [name])?;
        Ok(MbTiles { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The stored tile at XYZ `z/x/y`, if any and whole.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>> {
        let data: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                (z, x, tms_row(z, y)),
                |r| r.get(0),
            )
            .optional()?;
        // Sniffed only: full checks ran when the tile came in; a seeded file may still hold junk.
        Ok(data.and_then(|bytes| {
            let mime = match sniff_image(&bytes)? {
                ImageType::Png => "image/png",
                ImageType::Jpeg => "image/jpeg",
                ImageType::WebP => "image/webp",
            };
            Some(Tile { bytes, content_type: mime })
        }))
    }

    /// Stores a tile at XYZ `z/x/y` if it is a whole image; returns whether it was kept.
    pub fn put(&self, z: u8, x: u32, y: u32, bytes: &[u8]) -> Result<bool> {
        if check_tile(bytes).is_none() {
            return Ok(false);
        }
        self.conn().execute(
            "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)",
            (z, x, tms_row(z, y), bytes),
        )?;
        Ok(true)
    }

    /// Copies the tiles of another MBTiles file (a pack's pre-seeded centre)
    /// that this one lacks; returns how many were added.
    pub fn import(&self, from: &Path) -> Result<usize> {
        let conn = self.conn();
        conn.execute("ATTACH DATABASE ?1 AS seed", [from.to_string_lossy()])?;
        let added = conn.execute(
            "INSERT OR IGNORE INTO main.tiles (zoom_level, tile_column, tile_row, tile_data)
             SELECT zoom_level, tile_column, tile_row, tile_data FROM seed.tiles",
            [],
        );
        conn.execute("DETACH DATABASE seed", [])?;
        Ok(added?)
    }

    /// How many tiles are stored.
    pub fn count(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT count(*) FROM tiles", [], |r| r.get(0))?)
    }
}

/// The open MBTiles files, one per city, opened on first use.
#[derive(Default)]
pub(crate) struct Caches(Mutex<HashMap<String, Arc<MbTiles>>>);

/// Where city `slug`'s tile cache lives.
pub fn cache_path(data_dir: &Path, slug: &str) -> PathBuf {
    data_dir.join(DIR).join(format!("{slug}.mbtiles"))
}

impl MyCity {
    fn tile_cache(&self, slug: &str) -> Result<Arc<MbTiles>> {
        let mut caches = self.inner.tiles.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = caches.get(slug) {
            return Ok(c.clone());
        }
        let path = cache_path(self.data_dir(), slug);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let cache = Arc::new(MbTiles::open(&path, slug)?);
        caches.insert(slug.to_owned(), cache.clone());
        Ok(cache)
    }

    /// The tile source the current city's pack names, if any.
    pub fn map_source(&self) -> Result<Option<MapSource>> {
        let slug = self.city_slug();
        // Only the `map` object: the rest of `extra` (tours, events) is large
        // and every tile request asks.
        let map: Option<Option<String>> = self.inner.store.read(|c| {
            Ok(c.query_row("SELECT json_extract(extra, '$.map') FROM cities WHERE slug = ?1", [&slug], |r| r.get(0))
                .optional()?)
        })?;
        let map: serde_json::Value = map.flatten().and_then(|m| serde_json::from_str(&m).ok()).unwrap_or_default();
        Ok(MapSource::from_pack(&map))
    }

    /// Tile `z/x/y` of the current city's map: from the cache, else fetched
    /// from the pack's source and cached. `None` when it cannot be had
    /// (offline and not cached, no source, outside the city, a broken reply).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>> {
        let Some(source) = self.map_source()? else { return Ok(None) };
        let city = self.city()?;
        if !wanted(&source, &city.bbox, z, x, y) {
            return Ok(None);
        }
        let cache = self.tile_cache(&city.slug)?;
        if let Some(t) = cache.get(z, x, y)? {
            return Ok(Some(t));
        }
        let api = match self.api_for(&city.slug) {
            Ok(api) => api,
            Err(Error::NoServer) if !source.tiles.starts_with('/') => {
                crate::api::Api::new("http://localhost", crate::api::DEFAULT_TIMEOUT)?
            }
            Err(e) => {
                tracing::debug!(%e, "no server for tiles");
                return Ok(None);
            }
        };
        let Some(url) = source.url(Some(api.base()), z, x, y) else { return Ok(None) };
        let bytes = match api.get_bytes(&url, MAX_TILE_BYTES).await {
            Ok(b) => b,
            Err(e) => {
                tracing::debug!(%e, url, "tile not fetched");
                return Ok(None);
            }
        };
        let Some(content_type) = check_tile(&bytes) else {
            tracing::warn!(url, "tile refused: not a whole image");
            return Ok(None);
        };
        cache.put(z, x, y, &bytes)?;
        Ok(Some(Tile { bytes, content_type }))
    }

    /// Whether the street map can open for the current city, and how: `None`
    /// when the pack names no source or the centre's tile can be neither read
    /// from the cache nor fetched (then the ward map is drawn instead).
    pub async fn map_view(&self) -> Result<Option<MapView>> {
        let Some(source) = self.map_source()? else { return Ok(None) };
        let city = self.city()?;
        let zoom = START_ZOOM.min(source.max_zoom);
        let (x, y) = tile_of(city.center, zoom);
        if self.tile(zoom, x, y).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(MapView {
            attribution: source.attribution,
            max_zoom: source.max_zoom,
            zoom,
            center: city.center,
            bbox: city.bbox,
        }))
    }

    /// Pins for the map around `at`: open reports of `service_code` (when the
    /// server can be reached) and the city's places, nearest first.
    pub async fn map_pins(&self, service_code: Option<&str>, at: LatLon) -> Result<Vec<MapPin>> {
        let lang = self.lang();
        let mut pins: Vec<(f64, MapPin)> = self
            .places_near(at, PINS_RADIUS_M, PINS_MAX)?
            .into_iter()
            .map(|n| {
                let p = n.place;
                (
                    n.distance_m,
                    MapPin { kind: PinKind::Place, lat: p.lat, lon: p.lon, label: p.name.get(lang.code()).to_owned() },
                )
            })
            .collect();
        if let Some(code) = service_code {
            let slug = self.city_slug();
            let open = match self.api_for(&slug) {
                Ok(api) => api.open_requests(&slug, code).await.unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            for r in open.iter().filter(|r| r.current_status().citizen_may_comment()) {
                let (Some(lat), Some(lon)) = (r.lat, r.long) else { continue };
                let d = crate::geo::distance_m(at, LatLon { lat, lon });
                if d <= PINS_RADIUS_M {
                    let label = r.description.clone().unwrap_or_default().chars().take(80).collect();
                    pins.push((d, MapPin { kind: PinKind::Report, lat, lon, label }));
                }
            }
        }
        pins.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(pins.into_iter().take(PINS_MAX).map(|(_, p)| p).collect())
    }

    /// Adds the tiles of a pre-seeded MBTiles file (e.g. one shipped with a
    /// city's pack for its centre) to the current city's cache; returns how
    /// many were new.
    pub fn seed_tiles(&self, mbtiles: &Path) -> Result<usize> {
        self.tile_cache(&self.city_slug())?.import(mbtiles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, w, image::Rgb([200, 220, 240]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn source() -> MapSource {
        MapSource { tiles: "/tiles/{z}/{x}/{y}.png".into(), attribution: "© test".into(), max_zoom: 18 }
    }

    #[test]
    fn tms_rows_count_from_the_south() {
        assert_eq!(tms_row(0, 0), 0);
        assert_eq!(tms_row(1, 0), 1);
        assert_eq!(tms_row(3, 2), 5);
        assert_eq!(tms_row(17, 0), (1 << 17) - 1);
    }

    #[test]
    fn tiles_are_stored_with_tms_rows_and_read_back_by_xyz() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.mbtiles");
        let db = MbTiles::open(&path, "test").unwrap();
        let bytes = png(4);
        assert!(db.put(3, 6, 2, &bytes).unwrap());
        assert_eq!(db.get(3, 6, 2).unwrap().unwrap().bytes, bytes);
        assert!(db.get(3, 6, 5).unwrap().is_none());
        // Any MBTiles reader sees the row flipped.
        let row: u32 = Connection::open(&path)
            .unwrap()
            .query_row("SELECT tile_row FROM tiles WHERE zoom_level = 3 AND tile_column = 6", [], |r| r.get(0))
            .unwrap();
        assert_eq!(row, 5);
    }

    #[test]
    fn corrupt_tiles_are_refused() {
        let whole = png(8);
        assert_eq!(check_tile(&whole), Some("image/png"));
        assert_eq!(check_tile(&whole[..whole.len() / 2]), None, "truncated");
        assert_eq!(check_tile(b"<html>502 Bad Gateway</html>"), None);
        assert_eq!(check_tile(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), None, "JPEG without its end");
        let db = MbTiles::open(&tempfile::tempdir().unwrap().path().join("t.mbtiles"), "t").unwrap();
        assert!(!db.put(1, 0, 0, b"not a tile").unwrap());
        assert_eq!(db.count().unwrap(), 0);
    }

    #[test]
    fn tile_addresses_match_the_slippy_map_scheme() {
        assert_eq!(tile_of(LatLon { lat: 0.0, lon: 0.0 }, 0), (0, 0));
        assert_eq!(tile_of(LatLon { lat: 51.5, lon: -0.12 }, 10), (511, 340));
        let p = LatLon { lat: 16.0612, lon: 108.2272 };
        let (x, y) = tile_of(p, 17);
        let b = tile_box(17, x, y);
        assert!(b.contains(p));
    }

    #[test]
    fn only_tiles_near_the_city_are_wanted() {
        let city = BBox { min_lat: 15.95, min_lon: 108.1, max_lat: 16.2, max_lon: 108.35 };
        let (x, y) = tile_of(LatLon { lat: 16.06, lon: 108.22 }, 15);
        assert!(wanted(&source(), &city, 15, x, y));
        let (x, y) = tile_of(LatLon { lat: 21.0, lon: 105.8 }, 15);
        assert!(!wanted(&source(), &city, 15, x, y), "Hà Nội is not Đà Nẵng");
        assert!(wanted(&source(), &city, 2, 3, 1), "low zooms are few");
        assert!(!wanted(&source(), &city, 19, 0, 0), "deeper than the source");
        assert!(!wanted(&source(), &city, 2, 4, 0), "no such tile");
    }

    #[test]
    fn pack_sources_are_checked_and_urls_resolved() {
        let s =
            MapSource::from_pack(&serde_json::json!({"tiles": "/tiles/{z}/{x}/{y}.png", "attribution": "a"})).unwrap();
        assert_eq!(s.max_zoom, 18);
        assert_eq!(s.url(Some("http://127.0.0.1:9/"), 1, 2, 3).as_deref(), Some("http://127.0.0.1:9/tiles/1/2/3.png"));
        assert_eq!(s.url(None, 1, 2, 3), None);
        let abs =
            MapSource::from_pack(&serde_json::json!({"tiles": "https://t.example/{z}/{x}/{y}.png", "max_zoom": 30}))
                .unwrap();
        assert_eq!(abs.max_zoom, MAX_ZOOM);
        assert_eq!(abs.url(None, 1, 2, 3).as_deref(), Some("https://t.example/1/2/3.png"));
        assert!(MapSource::from_pack(&serde_json::json!({"tiles": "/tiles/{z}.png"})).is_none());
        assert!(MapSource::from_pack(&serde_json::json!({"tiles": "ftp://x/{z}/{x}/{y}"})).is_none());
    }

    #[test]
    fn a_seeded_file_is_imported_without_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let seed = MbTiles::open(&dir.path().join("seed.mbtiles"), "seed").unwrap();
        seed.put(5, 1, 1, &png(4)).unwrap();
        seed.put(5, 1, 2, &png(4)).unwrap();
        let db = MbTiles::open(&dir.path().join("c.mbtiles"), "c").unwrap();
        let mine = png(6);
        db.put(5, 1, 1, &mine).unwrap();
        assert_eq!(db.import(&dir.path().join("seed.mbtiles")).unwrap(), 1);
        assert_eq!(db.get(5, 1, 1).unwrap().unwrap().bytes, mine);
        assert_eq!(db.count().unwrap(), 2);
    }

    #[tokio::test]
    async fn tiles_come_from_the_server_then_from_the_cache_offline() {
        let server = mycity_server::spawn_background(([127, 0, 0, 1], 0).into(), Default::default()).unwrap();
        let url = server.url();
        let dir = tempfile::tempdir().unwrap();
        let cfg =
            crate::Config { data_dir: dir.path().to_owned(), server_url: Some(url.clone()), ..Default::default() };
        let core = MyCity::open(cfg.clone()).unwrap();
        core.set_city("da-nang").unwrap();
        let view = core.map_view().await.unwrap().expect("the centre's tile is fetched");
        assert_eq!(view.zoom, START_ZOOM);
        let (x, y) = tile_of(view.center, 17);
        let tile = core.tile(17, x, y).await.unwrap().expect("fetched");
        assert_eq!(tile.content_type, "image/png");
        assert!(core.tile(17, 0, 0).await.unwrap().is_none(), "far from the city");
        let pins = core.map_pins(Some("pothole"), view.center).await.unwrap();
        assert!(pins.iter().any(|p| p.kind == PinKind::Place), "Đà Nẵng's places near its centre");
        assert!(pins.len() <= PINS_MAX);

        drop(server);
        assert_eq!(core.tile(17, x, y).await.unwrap().unwrap().bytes, tile.bytes, "cache hit offline");
        assert!(core.tile(17, x + 1, y).await.unwrap().is_none(), "never seen, offline");
        assert!(core.map_view().await.unwrap().is_some(), "the centre was seen");
        drop(core);

        // Another device, offline from the start: no tiles, so the ward map.
        let other = tempfile::tempdir().unwrap();
        let core = MyCity::open(crate::Config { data_dir: other.path().to_owned(), ..cfg }).unwrap();
        core.set_city("da-nang").unwrap();
        assert!(core.map_view().await.unwrap().is_none());
        // Unless its cache was seeded (a pack's pre-seeded MBTiles).
        assert!(core.seed_tiles(&cache_path(dir.path(), "da-nang")).unwrap() >= 2);
        assert!(core.map_view().await.unwrap().is_some());
    }
}
