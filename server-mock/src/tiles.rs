//! A test tile set at `/tiles/{z}/{x}/{y}.png`: raster tiles drawn on demand
//! around the bundled cities from their ward outlines and a grid of synthetic
//! streets, each labelled with its address, so a screenshot shows at once
//! that tiles loaded and which. Not a street map of the real city.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

/// Deepest zoom served.
pub const MAX_ZOOM: u8 = 18;
const SIZE: usize = 256;
/// How far around a city's box tiles are drawn (degrees).
const MARGIN_DEG: f64 = 0.05;
/// Generated tiles kept in memory before the cache starts over.
const CACHE_TILES: usize = 4096;

const LAND: [u8; 3] = [242, 239, 233];
const CASING: [u8; 3] = [200, 195, 188];
const STREET: [u8; 3] = [255, 255, 255];
const MAIN: [u8; 3] = [252, 214, 164];
const WARD: [u8; 3] = [150, 110, 180];
const GRID: [u8; 3] = [120, 160, 200];
const INK: [u8; 3] = [40, 40, 60];

/// The tile routes, to merge into the server's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/tiles/{z}/{x}/{file}", get(tile))
}

async fn tile(Path((z, x, file)): Path<(u8, u32, String)>) -> Response {
    let Some(y) = file.strip_suffix(".png").and_then(|y| y.parse::<u32>().ok()) else {
        return (StatusCode::NOT_FOUND, "no such tile").into_response();
    };
    match tokio::task::spawn_blocking(move || cached(z, x, y)).await {
        Ok(Some(png)) => (
            [(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "public, max-age=86400")],
            png.as_ref().clone(),
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "no such tile").into_response(),
    }
}

type Rendered = Mutex<HashMap<(u8, u32, u32), Arc<Vec<u8>>>>;

fn cached(z: u8, x: u32, y: u32) -> Option<Arc<Vec<u8>>> {
    static CACHE: OnceLock<Rendered> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(t) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&(z, x, y)) {
        return Some(t.clone());
    }
    let png = Arc::new(render(z, x, y)?);
    let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
    if c.len() >= CACHE_TILES {
        c.clear();
    }
    c.insert((z, x, y), png.clone());
    Some(png)
}

/// A city's extent and ward outlines (rings of `[lon, lat]`).
struct City {
    bbox: [f64; 4],
    rings: Vec<Vec<[f64; 2]>>,
}

fn cities() -> &'static [City] {
    static CITIES: OnceLock<Vec<City>> = OnceLock::new();
    CITIES.get_or_init(|| {
        mycity_protocol::packs::BUNDLED.iter().filter_map(|b| city(b.pack_json, b.wards_geojson)).collect()
    })
}

fn city(pack_json: &str, wards_geojson: &str) -> Option<City> {
    let pack: serde_json::Value = serde_json::from_str(pack_json).ok()?;
    let b = &pack["bbox"];
    let bbox = [b["min_lat"].as_f64()?, b["min_lon"].as_f64()?, b["max_lat"].as_f64()?, b["max_lon"].as_f64()?];
    let wards: serde_json::Value = serde_json::from_str(wards_geojson).ok()?;
    let mut rings = Vec::new();
    for f in wards["features"].as_array().into_iter().flatten() {
        let g = &f["geometry"];
        let polygons = match g["type"].as_str() {
            Some("Polygon") => vec![g["coordinates"].clone()],
            Some("MultiPolygon") => g["coordinates"].as_array().cloned().unwrap_or_default(),
            _ => continue,
        };
        for ring in polygons.iter().filter_map(|p| p.as_array()).flatten() {
            let pts: Vec<[f64; 2]> =
                ring.as_array().into_iter().flatten().filter_map(|c| Some([c[0].as_f64()?, c[1].as_f64()?])).collect();
            rings.push(pts);
        }
    }
    Some(City { bbox, rings })
}

/// Global pixel position of a point at zoom `z` (Web Mercator).
fn pixel(lon: f64, lat: f64, z: u8) -> (f64, f64) {
    let n = (1u64 << z) as f64 * SIZE as f64;
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    ((lon + 180.0) / 360.0 * n, (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n)
}

fn lon_at(px: f64, z: u8) -> f64 {
    px / ((1u64 << z) as f64 * SIZE as f64) * 360.0 - 180.0
}

fn lat_at(py: f64, z: u8) -> f64 {
    let n = (1u64 << z) as f64 * SIZE as f64;
    (std::f64::consts::PI * (1.0 - 2.0 * py / n)).sinh().atan().to_degrees()
}

/// Draws tile `z/x/y` as PNG; `None` outside every bundled city or zoom range.
pub fn render(z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
    if z > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
        return None;
    }
    let (x0, y0) = (f64::from(x) * SIZE as f64, f64::from(y) * SIZE as f64);
    let (west, east) = (lon_at(x0, z), lon_at(x0 + SIZE as f64, z));
    let (north, south) = (lat_at(y0, z), lat_at(y0 + SIZE as f64, z));
    let near: Vec<&City> = cities()
        .iter()
        .filter(|c| {
            let [s, w, n, e] = c.bbox;
            north >= s - MARGIN_DEG && south <= n + MARGIN_DEG && east >= w - MARGIN_DEG && west <= e + MARGIN_DEG
        })
        .collect();
    if near.is_empty() {
        return None;
    }
    let mut img = Canvas { px: vec![0; SIZE * SIZE * 3] };
    img.fill(LAND);
    let width = match z {
        0..=13 => 1.0,
        14 => 1.5,
        15 => 2.5,
        16 => 4.0,
        _ => 6.0,
    };
    // Streets on a lat/lon grid: minor every 0.0025° (~270 m), main every 0.01°.
    for (step, colour, w, min_zoom) in [(0.0025, STREET, width, 14), (0.01, MAIN, width * 1.6, 11)] {
        if z < min_zoom {
            continue;
        }
        let mut lat = (south / step).floor() * step;
        while lat <= north + step {
            let (_, py) = pixel(west, lat, z);
            img.band_h(py - y0, w + 1.0, CASING);
            img.band_h(py - y0, w, colour);
            lat += step;
        }
        let mut lon = (west / step).floor() * step;
        while lon <= east + step {
            let (px, _) = pixel(lon, north, z);
            img.band_v(px - x0, w + 1.0, CASING);
            img.band_v(px - x0, w, colour);
            lon += step;
        }
    }
    for c in near {
        for ring in &c.rings {
            for seg in ring.windows(2) {
                let (ax, ay) = pixel(seg[0][0], seg[0][1], z);
                let (bx, by) = pixel(seg[1][0], seg[1][1], z);
                img.line(ax - x0, ay - y0, bx - x0, by - y0, 1.5, WARD);
            }
        }
    }
    // The tile's edge and address: a screenshot shows tiles, not a blank map.
    img.band_h(0.0, 1.0, GRID);
    img.band_v(0.0, 1.0, GRID);
    let label = format!("{z}/{x}/{y} TEST");
    img.rect(4, 4, 8 + label.len() * 8, 14, [255, 255, 255]);
    img.text(8, 6, &label, INK);
    encode(&img.px)
}

struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    fn fill(&mut self, c: [u8; 3]) {
        for p in self.px.chunks_exact_mut(3) {
            p.copy_from_slice(&c);
        }
    }

    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if (0..SIZE as i64).contains(&x) && (0..SIZE as i64).contains(&y) {
            let i = (y as usize * SIZE + x as usize) * 3;
            self.px[i..i + 3].copy_from_slice(&c);
        }
    }

    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, c: [u8; 3]) {
        for yy in y..(y + h).min(SIZE) {
            for xx in x..(x + w).min(SIZE) {
                self.set(xx as i64, yy as i64, c);
            }
        }
    }

    /// A horizontal band of width `w` centred on row `y`.
    fn band_h(&mut self, y: f64, w: f64, c: [u8; 3]) {
        let (a, b) = ((y - w / 2.0).round() as i64, (y + w / 2.0).round().max((y - w / 2.0).round() + 1.0) as i64);
        for yy in a.max(0)..b.min(SIZE as i64) {
            for xx in 0..SIZE as i64 {
                self.set(xx, yy, c);
            }
        }
    }

    fn band_v(&mut self, x: f64, w: f64, c: [u8; 3]) {
        let (a, b) = ((x - w / 2.0).round() as i64, (x + w / 2.0).round().max((x - w / 2.0).round() + 1.0) as i64);
        for xx in a.max(0)..b.min(SIZE as i64) {
            for yy in 0..SIZE as i64 {
                self.set(xx, yy, c);
            }
        }
    }

    fn line(&mut self, ax: f64, ay: f64, bx: f64, by: f64, w: f64, c: [u8; 3]) {
        let s = SIZE as f64;
        if (ax < 0.0 && bx < 0.0) || (ay < 0.0 && by < 0.0) || (ax > s && bx > s) || (ay > s && by > s) {
            return;
        }
        let steps = ((bx - ax).hypot(by - ay) * 2.0).ceil().max(1.0) as usize;
        let r = (w / 2.0).ceil() as i64;
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            let (x, y) = ((ax + (bx - ax) * t).round() as i64, (ay + (by - ay) * t).round() as i64);
            for dy in -r + 1..=r - 1 {
                for dx in -r + 1..=r - 1 {
                    self.set(x + dx, y + dy, c);
                }
            }
            self.set(x, y, c);
        }
    }

    /// Text in a 3×5 pixel font drawn twice as large.
    fn text(&mut self, x: usize, y: usize, s: &str, c: [u8; 3]) {
        for (i, ch) in s.chars().enumerate() {
            for (row, bits) in glyph(ch).iter().enumerate() {
                for col in 0..3 {
                    if bits & (0b100 >> col) != 0 {
                        self.rect(x + i * 8 + col * 2, y + row * 2, 2, 2, c);
                    }
                }
            }
        }
    }
}

fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' | 'S' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 1, 1],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '/' => [1, 1, 2, 4, 4],
        'T' => [7, 2, 2, 2, 2],
        'E' => [7, 4, 7, 4, 7],
        _ => [0; 5],
    }
}

fn encode(rgb: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, SIZE as u32, SIZE as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().ok()?;
    w.write_image_data(rgb).ok()?;
    w.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile_at(lat: f64, lon: f64, z: u8) -> (u32, u32) {
        let (px, py) = pixel(lon, lat, z);
        ((px / SIZE as f64) as u32, (py / SIZE as f64) as u32)
    }

    #[test]
    fn city_centres_have_tiles_and_the_open_sea_has_none() {
        let (x, y) = tile_at(16.0612, 108.2272, 17);
        let png = render(17, x, y).expect("Đà Nẵng centre");
        assert!(png.starts_with(b"\x89PNG"));
        let (x, y) = tile_at(22.8233, 104.9836, 15);
        assert!(render(15, x, y).is_some(), "Hà Giang centre");
        let (x, y) = tile_at(10.0, 115.0, 15);
        assert!(render(15, x, y).is_none());
        assert!(render(19, 0, 0).is_none());
        assert!(render(2, 4, 0).is_none());
    }

    #[test]
    fn a_tile_shows_streets_and_its_label() {
        let (x, y) = tile_at(16.0612, 108.2272, 16);
        let png = render(16, x, y).unwrap();
        let mut dec = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut buf = vec![0; dec.output_buffer_size().unwrap()];
        dec.next_frame(&mut buf).unwrap();
        let colours: std::collections::HashSet<[u8; 3]> = buf.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
        for c in [LAND, STREET, MAIN, INK] {
            assert!(colours.contains(&c), "{c:?} missing");
        }
    }

    #[tokio::test]
    async fn the_route_serves_png_tiles_and_404_elsewhere() {
        let server = crate::spawn_background(([127, 0, 0, 1], 0).into(), Default::default()).unwrap();
        let (x, y) = tile_at(22.8233, 104.9836, 17);
        let resp = reqwest::get(format!("{}/tiles/17/{x}/{y}.png", server.url())).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "image/png");
        assert!(resp.bytes().await.unwrap().starts_with(b"\x89PNG"));
        for path in ["/tiles/17/0/0.png", "/tiles/17/1/x.png", "/tiles/17/1/2.jpg", "/tiles/40/1/2.png"] {
            let resp = reqwest::get(format!("{}{path}", server.url())).await.unwrap();
            assert_eq!(resp.status(), 404, "{path}");
        }
    }
}
