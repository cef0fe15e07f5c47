//! Photo pipeline benchmark: a 12 MP camera-like JPEG through `photos::process`,
//! timed in-process and as a whole command against ImageMagick's `convert`.
//!
//! `cargo bench -p mycity-core --bench photos` makes a 4000×3000 test photo
//! (gradients, texture and sensor-like noise, so it compresses like a real one;
//! EXIF orientation 6 and a GPS position), then prints each figure beside its
//! target. `hyperfine` and ImageMagick are used when installed
//! (`apt-get install -y hyperfine imagemagick`); without them those lines say so.
//!
//! The same binary run as `photos --one IN OUT` processes one photo and prints
//! its peak memory: that is the command timed against ImageMagick, and the
//! child process whose peak RSS is reported. `photos --make OUT` only writes
//! the test photo, for trying other tools on it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fast_image_resize::images::Image;
use fast_image_resize::{PixelType, Resizer};
use mozjpeg::{ColorSpace, Compress, Decompress, Marker};
use mycity_core::photos;

#[path = "../src/exif_fixture.rs"]
mod exif_fixture;
use exif_fixture::{ifd_len, rationals, write_ifd, Entry};

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const RUNS: usize = 9;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--one") if args.len() >= 4 => one(Path::new(&args[2]), Path::new(&args[3])),
        Some("--idle") => println!("{}", vm_hwm_kb()),
        Some("--make") if args.len() >= 3 => std::fs::write(&args[2], camera_jpeg()).expect("write the test photo"),
        // `cargo bench` passes `--bench`; a name filter may follow.
        _ => bench(),
    }
}

/// Processes one photo, writes the JPEG and prints the process's peak RSS in kB.
fn one(input: &Path, output: &Path) {
    let data = std::fs::read(input).expect("read the input photo");
    let p = photos::process(&data).expect("process the photo");
    std::fs::write(output, &p.jpeg).expect("write the output photo");
    println!("{}", vm_hwm_kb());
}

fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input_path = dir.path().join("camera.jpg");
    let ours_path = dir.path().join("ours.jpg");
    let im_path = dir.path().join("imagemagick.jpg");

    let t = Instant::now();
    let input = camera_jpeg();
    std::fs::write(&input_path, &input).expect("write the test photo");
    println!(
        "test photo: {WIDTH}×{HEIGHT}, quality 92, EXIF orientation 6 + GPS, {:.2} MB (made in {:.1} s) at {}",
        mb(input.len()),
        t.elapsed().as_secs_f64(),
        input_path.display()
    );

    // In-process: the photo step alone, single thread.
    let mut times = Vec::new();
    let mut out = photos::process(&input).expect("process the test photo");
    for _ in 0..RUNS {
        let t = Instant::now();
        out = photos::process(&input).expect("process the test photo");
        times.push(t.elapsed());
    }
    std::fs::write(&ours_path, &out.jpeg).expect("write our output");
    let in_process = median(&mut times);
    println!(
        "in-process: median {:.1} ms of {RUNS} runs (min {:.1} ms), output {}×{}, thumbnail {} KB, GPS {:?}",
        ms(in_process),
        ms(times[0]),
        out.width,
        out.height,
        out.thumbnail.len() / 1024,
        out.gps.map(|g| (g.lat, g.lon))
    );
    let kb = out.jpeg.len() as f64 / 1024.0;
    println!("output size: {kb:.0} KB (target ≤ 400 KB) {}", mark(kb <= 400.0));
    let ratio = out.jpeg.len() as f64 / input.len() as f64;
    println!("output / input: {:.1} % (target ≤ 10 %) {}", ratio * 100.0, mark(ratio <= 0.10));

    // Peak memory, in a child process that does nothing else.
    let exe = std::env::current_exe().expect("own path");
    let child_kb = |args: &[&Path]| -> Option<u64> {
        let o = Command::new(&exe).args(args).output().ok()?;
        String::from_utf8_lossy(&o.stdout).trim().parse().ok()
    };
    match (child_kb(&[Path::new("--one"), &input_path, &dir.path().join("rss.jpg")]), child_kb(&[Path::new("--idle")]))
    {
        (Some(peak), Some(idle)) => {
            let peak_mb = peak as f64 / 1024.0;
            println!(
                "peak RSS of `--one` (read + process + write): {peak_mb:.1} MB, of which {:.1} MB is the idle binary \
                 (target ≤ 80 MB) {}",
                idle as f64 / 1024.0,
                mark(peak_mb <= 80.0)
            );
        }
        _ => println!("peak RSS: could not run the child process"),
    }

    let Some(convert) = imagemagick() else {
        println!("ImageMagick: not installed (apt-get install -y imagemagick): no speed ratio, no SSIM");
        return;
    };
    let im_args = |out: &Path| -> Vec<String> {
        let mut a: Vec<String> = ["-limit", "thread", "1"].map(String::from).to_vec();
        a.push(input_path.display().to_string());
        a.extend(["-auto-orient", "-resize", "1600x1600", "-strip", "-quality", "80"].map(String::from));
        a.push(out.display().to_string());
        a
    };
    let status = Command::new(&convert).args(im_args(&im_path)).status();
    if !status.map(|s| s.success()).unwrap_or(false) {
        println!("ImageMagick: {} failed", convert.display());
        return;
    }
    let im = std::fs::read(&im_path).expect("read ImageMagick's output");
    let reference = reference(&input, 1200, 1600);
    let ours_luma = luma_of(&out.jpeg);
    let im_luma = luma_of(&im);
    println!(
        "SSIM (luma) ours vs ImageMagick: {:.4} (target ≥ 0.95) {}; vs an exact Lanczos reference: ours {:.4}, \
         ImageMagick {:.4}; ImageMagick's file {} KB",
        ssim_resized(&ours_luma, &im_luma),
        mark(ssim_resized(&ours_luma, &im_luma) >= 0.95),
        ssim_resized(&ours_luma, &reference),
        ssim_resized(&im_luma, &reference),
        im.len() / 1024
    );

    // Whole commands, same run.
    let ours_cmd = format!("{} --one {} {}", exe.display(), input_path.display(), ours_path.display());
    let im_cmd = format!("{} {}", convert.display(), im_args(&im_path).join(" "));
    let (ours_s, im_s, how) = match hyperfine(&ours_cmd, &im_cmd, dir.path()) {
        Some((a, b)) => (a, b, "hyperfine -N, median of 15 runs after 3 warm-ups"),
        None => {
            let time = |program: &Path, args: &[String]| {
                let mut t: Vec<Duration> = (0..RUNS)
                    .map(|_| {
                        let s = Instant::now();
                        let _ = Command::new(program).args(args).output();
                        s.elapsed()
                    })
                    .collect();
                median(&mut t).as_secs_f64()
            };
            let ours_args =
                ["--one", &input_path.display().to_string(), &ours_path.display().to_string()].map(String::from);
            (
                time(&exe, &ours_args),
                time(&convert, &im_args(&im_path)),
                "hyperfine not installed: own timing, median of 9",
            )
        }
    };
    let r = ours_s / im_s;
    println!(
        "whole command ({how}): ours {:.1} ms, ImageMagick {:.1} ms, ratio {r:.3} (target ≤ 0.2) {}",
        ours_s * 1e3,
        im_s * 1e3,
        mark(r <= 0.2)
    );
}

/// ImageMagick's own binary: `/usr/local/bin/convert` on some machines is a
/// script standing in for it, whose interpreter start-up would pad its time.
fn imagemagick() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let candidates = ["convert", "magick"];
    for name in candidates {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            let Ok(bytes) = std::fs::read(&p) else { continue };
            if !bytes.starts_with(b"#!") {
                return Some(p);
            }
        }
    }
    None
}

/// Runs hyperfine on both commands; their median times in seconds.
fn hyperfine(ours: &str, im: &str, dir: &Path) -> Option<(f64, f64)> {
    let json = dir.join("hyperfine.json");
    let status = Command::new("hyperfine")
        .args(["-N", "--warmup", "3", "--runs", "15", "--style", "basic", "--export-json"])
        .arg(&json)
        .args([ours, im])
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).ok()?).ok()?;
    let results = v.get("results")?.as_array()?;
    Some((results.first()?.get("median")?.as_f64()?, results.get(1)?.get("median")?.as_f64()?))
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

// ---- the test photo ----

/// Hash of a lattice point, in [0, 1).
fn hash(x: i32, y: i32, seed: u32) -> f32 {
    let mut h =
        (x as u32).wrapping_mul(0x27d4_eb2d) ^ (y as u32).wrapping_mul(0x1656_67b1) ^ seed.wrapping_mul(0x9e37_79b9);
    h ^= h >> 15;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    (h >> 8) as f32 / (1u32 << 24) as f32
}

/// Smooth value noise at a scale of `cell` pixels, in [0, 1).
fn noise(x: f32, y: f32, cell: f32, seed: u32) -> f32 {
    let (fx, fy) = (x / cell, y / cell);
    let (ix, iy) = (fx.floor() as i32, fy.floor() as i32);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let (tx, ty) = (s(fx - ix as f32), s(fy - iy as f32));
    let a = hash(ix, iy, seed) + (hash(ix + 1, iy, seed) - hash(ix, iy, seed)) * tx;
    let b = hash(ix, iy + 1, seed) + (hash(ix + 1, iy + 1, seed) - hash(ix, iy + 1, seed)) * tx;
    a + (b - a) * ty
}

/// Sum of octaves from `cell` pixels down, in about [0, 1).
fn fbm(x: f32, y: f32, cell: f32, octaves: u32, seed: u32) -> f32 {
    let (mut sum, mut amp, mut norm, mut c) = (0.0, 1.0, 0.0, cell);
    for o in 0..octaves {
        sum += amp * noise(x, y, c, seed + o);
        norm += amp;
        amp *= 0.5;
        c *= 0.5;
    }
    sum / norm
}

/// A street photo as a phone held upright takes it: sky with clouds, trees,
/// a wall, asphalt with grain, lane paint and a pothole, and sensor noise.
/// The sensor stores it sideways (4000×3000) and the EXIF orientation 6 says
/// to turn it 90° clockwise, so the scene is drawn in the 3000×4000 frame a
/// viewer sees.
fn camera_pixels() -> Vec<u8> {
    let (w, h) = (HEIGHT as f32, WIDTH as f32); // as seen
    let horizon = h * 0.38;
    let mut rgb = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for sy in 0..HEIGHT {
        for sx in 0..WIDTH {
            // Orientation 6: stored (sx, sy) is seen at (HEIGHT - 1 - sy, sx).
            let (x, y) = (HEIGHT - 1 - sy, sx);
            let (xf, yf) = (x as f32, y as f32);
            let grain = (hash(x as i32, y as i32, 7) - 0.5) * 14.0;
            let mut c = if yf < horizon - 150.0 * fbm(xf, 0.0, 700.0, 3, 11) {
                // Sky: blue gradient and soft clouds.
                let t = yf / horizon;
                let cloud = (fbm(xf, yf, 500.0, 5, 3) - 0.45).max(0.0) * 2.2;
                let sky = [90.0 + 80.0 * t, 140.0 + 60.0 * t, 220.0 - 10.0 * t];
                sky.map(|v| v + (245.0 - v) * cloud.min(1.0))
            } else if xf < w * 0.3 && yf < horizon + 700.0 {
                // Trees: busy green texture.
                let leaf = fbm(xf, yf, 40.0, 5, 21);
                [30.0 + 60.0 * leaf, 70.0 + 110.0 * leaf, 25.0 + 40.0 * leaf]
            } else if yf < horizon + 560.0 {
                // A painted wall with stains.
                let stain = fbm(xf, yf, 180.0, 4, 31);
                [200.0 - 60.0 * stain, 180.0 - 55.0 * stain, 150.0 - 50.0 * stain]
            } else {
                // Asphalt: grey with coarse and fine texture, lane paint, a pothole.
                let tex = fbm(xf, yf, 90.0, 5, 41) * 0.6 + hash(x as i32 / 3, y as i32 / 3, 43) * 0.4;
                let mut g = 70.0 + 60.0 * tex;
                let lane = ((xf - w * 0.55) - (yf - h) * 0.25).abs() < 40.0;
                let (px, py) = ((xf - 1500.0) / 600.0, (yf - 3000.0) / 320.0);
                let d = px * px + py * py + 0.25 * (fbm(xf, yf, 120.0, 3, 51) - 0.5);
                if d < 1.0 {
                    g = 35.0 + 45.0 * tex + 25.0 * d;
                }
                if lane && d >= 1.0 {
                    [225.0 + 20.0 * tex, 190.0 + 20.0 * tex, 60.0]
                } else {
                    [g, g * 0.98, g * 0.95]
                }
            };
            // Light falls off towards the corners, as through a phone lens.
            let (dx, dy) = (xf / w - 0.5, yf / h - 0.5);
            let vignette = 1.0 - 0.35 * (dx * dx + dy * dy);
            for v in &mut c {
                *v = *v * vignette + grain;
            }
            rgb.extend(c.map(|v| v.clamp(0.0, 255.0) as u8));
        }
    }
    rgb
}

/// The test photo as a camera writes it: baseline JPEG, quality 92, EXIF
/// (make, model, orientation 6 = turned 90° clockwise, GPS) in APP1.
fn camera_jpeg() -> Vec<u8> {
    let rgb = camera_pixels();
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    c.set_fastest_defaults();
    c.set_size(WIDTH as usize, HEIGHT as usize);
    c.set_quality(92.0);
    let mut c = c.start_compress(Vec::new()).expect("start the test JPEG");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(exif_tiff());
    c.write_marker(Marker::APP(1), &app1);
    c.write_scanlines(&rgb).expect("write the test JPEG");
    c.finish().expect("finish the test JPEG")
}

/// Little-endian TIFF with IFD0 (make, model, orientation 6, GPS pointer) and a
/// GPS IFD placing the photo in Hà Giang (22°49'25.2" N, 104°58'48" E).
fn exif_tiff() -> Vec<u8> {
    let text = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        (v.len() as u32, v)
    };
    let (make_n, make) = text("ExamplePhone");
    let (model_n, model) = text("EP-12 Pro");
    let mut ifd0: Vec<Entry> =
        vec![(0x010F, 2, make_n, make), (0x0110, 2, model_n, model), (0x0112, 3, 1, 6u16.to_le_bytes().to_vec())];
    ifd0.push((0x8825, 4, 1, vec![0; 4]));
    let gps_at = (8 + ifd_len(&ifd0)) as u32;
    if let Some(e) = ifd0.last_mut() {
        e.3 = gps_at.to_le_bytes().to_vec();
    }
    let gps: Vec<Entry> = vec![
        (0x0001, 2, 2, b"N\0".to_vec()),
        (0x0002, 5, 3, rationals(&[(22, 1), (49, 1), (252, 10)])),
        (0x0003, 2, 2, b"E\0".to_vec()),
        (0x0004, 5, 3, rationals(&[(104, 1), (58, 1), (48, 1)])),
    ];
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    write_ifd(&mut out, &ifd0);
    write_ifd(&mut out, &gps);
    out
}

// ---- quality ----

/// A luma plane.
struct Luma {
    width: u32,
    height: u32,
    y: Vec<u8>,
}

fn to_luma(width: u32, height: u32, rgb: &[u8]) -> Luma {
    let y = rgb
        .chunks_exact(3)
        .map(|p| (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])).round() as u8)
        .collect();
    Luma { width, height, y }
}

fn luma_of(jpeg: &[u8]) -> Luma {
    let d = Decompress::new_mem(jpeg).expect("a JPEG");
    let mut d = d.rgb().expect("RGB output");
    let (w, h) = (d.width() as u32, d.height() as u32);
    let rgb: Vec<u8> = d.read_scanlines().expect("pixels");
    to_luma(w, h, &rgb)
}

/// The best this step could do: full-size decode, exact Lanczos3 to the
/// target, turned 90° clockwise (orientation 6), no JPEG round-trip.
fn reference(jpeg: &[u8], width: u32, height: u32) -> Luma {
    let d = Decompress::new_mem(jpeg).expect("a JPEG");
    let mut d = d.rgb().expect("RGB output");
    let (w, h) = (d.width() as u32, d.height() as u32);
    let rgb: Vec<u8> = d.read_scanlines().expect("pixels");
    let src = Image::from_vec_u8(w, h, rgb, PixelType::U8x3).expect("frame");
    // Stored sideways: resize to height×width, then turn.
    let mut dst = Image::new(height, width, PixelType::U8x3);
    Resizer::new().resize(&src, &mut dst, None).expect("resize");
    let stored = to_luma(height, width, dst.buffer());
    let mut y = vec![0u8; (width * height) as usize];
    for sy in 0..stored.height {
        for sx in 0..stored.width {
            let (dx, dy) = (stored.height - 1 - sy, sx);
            y[(dy * width + dx) as usize] = stored.y[(sy * stored.width + sx) as usize];
        }
    }
    Luma { width, height, y }
}

/// Mean SSIM over 8×8 windows (step 4) of two luma planes; `a` is resized to
/// `b`'s size first if they differ.
fn ssim_resized(a: &Luma, b: &Luma) -> f64 {
    let resized;
    let a = if (a.width, a.height) == (b.width, b.height) {
        a
    } else {
        let src = Image::from_vec_u8(a.width, a.height, a.y.clone(), PixelType::U8).expect("plane");
        let mut dst = Image::new(b.width, b.height, PixelType::U8);
        Resizer::new().resize(&src, &mut dst, None).expect("resize");
        resized = Luma { width: b.width, height: b.height, y: dst.into_vec() };
        &resized
    };
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let w = b.width as usize;
    let (mut sum, mut n) = (0.0, 0usize);
    for y0 in (0..b.height as usize - 7).step_by(4) {
        for x0 in (0..w - 7).step_by(4) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for y in y0..y0 + 8 {
                for x in x0..x0 + 8 {
                    let (p, q) = (f64::from(a.y[y * w + x]), f64::from(b.y[y * w + x]));
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let (ma, mb) = (sa / 64.0, sb / 64.0);
            let (va, vb, cov) = (saa / 64.0 - ma * ma, sbb / 64.0 - mb * mb, sab / 64.0 - ma * mb);
            sum += ((2.0 * ma * mb + c1) * (2.0 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1;
        }
    }
    sum / n as f64
}
