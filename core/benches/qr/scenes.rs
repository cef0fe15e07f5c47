//! Camera-like pictures of QR codes, drawn from a seed: a site poster or a
//! dossier receipt, printed, then photographed at an angle, in perspective,
//! near or far, shaken, noisy, JPEG-compressed, on a busy background.
//!
//! The same seed always gives the same picture (no clock, no global RNG), so
//! a run's figures can be compared with another's.

use mozjpeg::{ColorSpace, Compress};

/// A small, fast, seeded generator (SplitMix64): reproducible everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32)
    }

    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n.max(1))) as u32
    }

    /// Roughly normal, mean 0, deviation 1 (sum of four uniforms).
    pub fn normal(&mut self) -> f32 {
        (0..4).map(|_| self.range(-1.0, 1.0)).sum::<f32>() * 0.866
    }
}

/// A grey page, row by row, 0 black to 255 white.
pub struct Page {
    pub width: u32,
    pub height: u32,
    pub px: Vec<u8>,
    /// Where the code is on the page, corners included its quiet zone:
    /// (x0, y0, side).
    pub code: (f32, f32, f32),
}

impl Page {
    fn new(width: u32, height: u32, paper: u8) -> Page {
        Page { width, height, px: vec![paper; (width * height) as usize], code: (0.0, 0.0, 0.0) }
    }

    fn rect(&mut self, x: i32, y: i32, w: i32, h: i32, v: u8) {
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = ((x + w).min(self.width as i32), (y + h).min(self.height as i32));
        for yy in y0..y1 {
            let row = (yy as u32 * self.width) as usize;
            self.px[row + x0 as usize..row + x1.max(x0) as usize].fill(v);
        }
    }

    /// The code for `text`, `module` page pixels per module, its quiet zone's
    /// top-left corner at (x, y).
    fn code(&mut self, text: &str, x: i32, y: i32, module: i32) {
        let m = mycity_core::qr::modules(text).expect("payload fits a code");
        let quiet = mycity_core::qr::QUIET_ZONE as i32;
        let side = (m.width as i32 + 2 * quiet) * module;
        self.rect(x, y, side, side, 255);
        for my in 0..m.width {
            for mx in 0..m.width {
                if m.is_dark(mx, my) {
                    self.rect(x + (mx as i32 + quiet) * module, y + (my as i32 + quiet) * module, module, module, 20);
                }
            }
        }
        self.code = (x as f32, y as f32, side as f32);
    }

    /// A line of text-like marks: words of glyphs made of a few strokes, so
    /// the page has the edges and gaps of print without a font.
    fn text(&mut self, rng: &mut Rng, x: i32, y: i32, width: i32, size: i32, ink: u8) {
        let mut cx = x;
        while cx < x + width - size {
            let letters = 2 + rng.below(8) as i32;
            for _ in 0..letters {
                let gw = size * 6 / 10;
                let stroke = (size / 7).max(1);
                for _ in 0..1 + rng.below(3) {
                    match rng.below(4) {
                        0 => self.rect(cx + rng.below(gw as u32) as i32, y, stroke, size, ink),
                        1 => self.rect(cx, y + rng.below(size as u32) as i32, gw, stroke, ink),
                        2 => self.rect(cx, y + size / 3, gw, size * 2 / 3, ink),
                        _ => self.rect(cx + gw / 3, y + size / 2, stroke * 2, stroke * 2, ink),
                    }
                }
                cx += gw + stroke + 1;
                if cx >= x + width - size {
                    return;
                }
            }
            cx += size / 2;
        }
    }
}

/// A site poster: the name in two languages, the code, a short text.
pub fn poster(rng: &mut Rng, text: &str) -> Page {
    let (w, h) = (600, 840);
    let mut p = Page::new(w, h, 236);
    p.rect(0, 0, w as i32, 130, 70); // the city's coloured band, dark in grey
    p.text(rng, 40, 30, 520, 34, 245);
    p.text(rng, 40, 80, 400, 22, 225);
    p.code(text, 130, 170, 8);
    for i in 0..6 {
        p.text(rng, 40, 560 + i * 34, 520, 18, 40);
    }
    p.rect(0, h as i32 - 40, w as i32, 40, 90);
    p
}

/// A dossier receipt: a printed A5 form with headings, rules, a table, a
/// red stamp (grey here) and the code near the bottom right.
pub fn receipt(rng: &mut Rng, text: &str) -> Page {
    let (w, h) = (700, 990);
    let mut p = Page::new(w, h, 248);
    p.text(rng, 40, 40, 280, 14, 30);
    p.text(rng, 380, 40, 280, 14, 30);
    p.text(rng, 140, 110, 420, 22, 20);
    let mut y = 160;
    for _ in 0..8 {
        p.text(rng, 40, y, 620, 13, 35);
        y += 26;
    }
    // A table of papers received.
    for r in 0..6 {
        p.rect(40, y + r * 28, 620, 1, 60);
    }
    for c in [40, 80, 480, 660] {
        p.rect(c, y, 1, 140, 60);
    }
    for r in 0..5 {
        p.text(rng, 90, y + 7 + r * 28, 370, 12, 35);
    }
    y += 170;
    p.code(text, 470, y, 5);
    for i in 0..6 {
        p.text(rng, 40, y + 10 + i * 26, 380, 13, 35);
    }
    // The stamp: a ring of ink over text, as a seal is.
    let (cx, cy, r) = (200.0, y as f32 + 110.0, 60.0);
    for yy in (cy - r) as i32..(cy + r) as i32 {
        for xx in (cx - r) as i32..(cx + r) as i32 {
            let d = ((xx as f32 - cx).powi(2) + (yy as f32 - cy).powi(2)).sqrt();
            if (r - 6.0..r).contains(&d) || (d < r - 14.0 && rng.below(5) == 0) {
                let i = (yy as u32 * p.width + xx as u32) as usize;
                p.px[i] = p.px[i].min(140);
            }
        }
    }
    p
}

/// How a page is photographed.
#[derive(Debug, Clone)]
pub struct Shot {
    /// Frame size in pixels.
    pub width: u32,
    pub height: u32,
    /// Size of the code (with its quiet zone) relative to its nominal size,
    /// a third of the frame's short side.
    pub scale: f32,
    /// Rotation in degrees.
    pub angle: f32,
    /// Perspective: how far each corner may move, as a share of the page's size.
    pub tilt: f32,
    /// Defocus: Gaussian blur, deviation in frame pixels.
    pub blur: f32,
    /// Hand shake during the exposure: a streak of this many frame pixels…
    pub shake: f32,
    /// …at this angle, in radians.
    pub shake_angle: f32,
    /// A shadow over part of the page (the phone's or the hand's): how much
    /// light it takes away (0 none, 0.6 most), and where its soft edge runs.
    pub shadow: f32,
    /// Sensor noise, deviation in grey levels.
    pub noise: f32,
    pub quality: u8,
    /// A busy photo around the page rather than a plain table top.
    pub busy: bool,
}

impl Shot {
    /// A random shot within the given bounds.
    pub fn random(rng: &mut Rng, scale: (f32, f32), max_angle: f32, busy: bool) -> Shot {
        let sizes = [(1280, 960), (1600, 1200), (1920, 1080), (1024, 768), (1280, 720)];
        let (mut w, mut h) = sizes[rng.below(sizes.len() as u32) as usize];
        if rng.below(2) == 0 {
            std::mem::swap(&mut w, &mut h);
        }
        // Phone photos: held at an angle (perspective), often a little out of
        // focus or shaken, under room or street light that falls unevenly
        // (a shadow across the page), noisy indoors, saved at JPEG q 60–85.
        Shot {
            width: w,
            height: h,
            scale: rng.range(scale.0, scale.1),
            angle: rng.range(-max_angle, max_angle),
            tilt: rng.range(0.0, 0.25),
            blur: rng.range(0.3, 2.2),
            shake: if rng.below(2) == 0 { rng.range(0.0, 5.0) } else { 0.0 },
            shake_angle: rng.range(0.0, std::f32::consts::PI),
            shadow: if rng.below(2) == 0 { rng.range(0.25, 0.6) } else { 0.0 },
            noise: rng.range(2.0, 12.0),
            quality: 60 + rng.below(26) as u8,
            busy,
        }
    }
}

/// Solves the homography taking the four points `from` to `to`.
fn homography(from: [(f32, f32); 4], to: [(f32, f32); 4]) -> [f64; 9] {
    let mut a = [[0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = ((f64::from(from[i].0), f64::from(from[i].1)), (f64::from(to[i].0), f64::from(to[i].1)));
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for c in 0..8 {
        let p = (c..8).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap_or(c);
        a.swap(c, p);
        for r in 0..8 {
            if r != c && a[c][c] != 0.0 {
                let f = a[r][c] / a[c][c];
                let pivot = a[c];
                for (x, p) in a[r].iter_mut().zip(pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h[8] = 1.0;
    h
}

fn hash(x: i32, y: i32, seed: u32) -> f32 {
    let mut h =
        (x as u32).wrapping_mul(0x8DA6_B343) ^ (y as u32).wrapping_mul(0xD816_3841) ^ seed.wrapping_mul(0xCB1A_B31F);
    h ^= h >> 13;
    h = h.wrapping_mul(0x5BD1_E995);
    (h ^ (h >> 15)) as f32 / u32::MAX as f32
}

/// A busy colour photo: soft blobs, hard-edged shapes (windows, tiles,
/// leaves) and fine texture, as around a poster on a street.
fn background(rng: &mut Rng, w: u32, h: u32, busy: bool) -> Vec<[f32; 3]> {
    let seed = rng.next_u64() as u32;
    let base = [rng.range(60.0, 200.0), rng.range(60.0, 200.0), rng.range(60.0, 200.0)];
    let mut px = vec![base; (w * h) as usize];
    if !busy {
        // A table top: one colour with a little grain.
        for (i, p) in px.iter_mut().enumerate() {
            let g = hash(i as i32 % w as i32, i as i32 / w as i32, seed) * 16.0 - 8.0;
            *p = [p[0] + g, p[1] + g, p[2] + g];
        }
        return px;
    }
    let shapes = 60 + rng.below(80);
    for _ in 0..shapes {
        let c = [rng.range(0.0, 255.0), rng.range(0.0, 255.0), rng.range(0.0, 255.0)];
        let (cx, cy) = (rng.range(0.0, w as f32), rng.range(0.0, h as f32));
        let (rx, ry) = (rng.range(8.0, w as f32 / 5.0), rng.range(8.0, h as f32 / 5.0));
        let round = rng.below(2) == 0;
        let (x0, x1) = ((cx - rx).max(0.0) as u32, ((cx + rx) as u32).min(w));
        let (y0, y1) = ((cy - ry).max(0.0) as u32, ((cy + ry) as u32).min(h));
        for y in y0..y1 {
            for x in x0..x1 {
                let (dx, dy) = ((x as f32 - cx) / rx, (y as f32 - cy) / ry);
                if !round || dx * dx + dy * dy < 1.0 {
                    px[(y * w + x) as usize] = c;
                }
            }
        }
    }
    // Fine texture: 2–4 pixel cells of ±30 levels, like foliage or gravel.
    let cell = 2 + rng.below(3) as i32;
    for (i, p) in px.iter_mut().enumerate() {
        let (x, y) = (i as i32 % w as i32, i as i32 / w as i32);
        let g = hash(x / cell, y / cell, seed) * 60.0 - 30.0;
        *p = [p[0] + g, p[1] + g, p[2] + g];
    }
    px
}

/// Blurs in place with three box passes each way (close to a Gaussian of deviation `sigma`).
fn blur(px: &mut [[f32; 3]], w: usize, h: usize, sigma: f32) {
    let r = ((sigma * sigma * 4.0 + 1.0).sqrt() / 2.0).round() as usize; // 3 boxes of 2r+1
    if r == 0 {
        return;
    }
    let mut line = Vec::new();
    for _ in 0..3 {
        for (len, stride, count, step) in [(w, 1, h, w), (h, w, w, 1)] {
            for k in 0..count {
                line.clear();
                line.extend((0..len).map(|i| px[k * step + i * stride]));
                let n = (2 * r + 1) as f32;
                for i in 0..len {
                    let mut s = [0f32; 3];
                    for j in i as isize - r as isize..=(i + r) as isize {
                        let p = line[j.clamp(0, len as isize - 1) as usize];
                        s = [s[0] + p[0], s[1] + p[1], s[2] + p[2]];
                    }
                    px[k * step + i * stride] = [s[0] / n, s[1] / n, s[2] / n];
                }
            }
        }
    }
}

/// The page photographed: a colour JPEG as a phone writes it.
pub fn photograph(rng: &mut Rng, page: &Page, shot: &Shot) -> Vec<u8> {
    let (w, h) = (shot.width as f32, shot.height as f32);
    // The code's side in the frame, then the page's corners around it.
    let side = shot.scale * w.min(h) / 3.0;
    let k = side / page.code.2; // frame pixels per page pixel
    let (pw, ph) = (page.width as f32 * k, page.height as f32 * k);
    let (qx, qy) = (page.code.0 * k + side / 2.0, page.code.1 * k + side / 2.0); // code centre on the scaled page
                                                                                 // The code's centre anywhere the whole code stays in the frame.
    let reach = side * 0.75;
    let cx = if w > 2.0 * reach { rng.range(reach, w - reach) } else { w / 2.0 };
    let cy = if h > 2.0 * reach { rng.range(reach, h - reach) } else { h / 2.0 };
    let (s, c) = shot.angle.to_radians().sin_cos();
    let tilt = shot.tilt * pw.max(ph);
    let corners = [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)].map(|(x, y): (f32, f32)| {
        let (dx, dy) = (x - qx, y - qy);
        (cx + dx * c - dy * s + rng.range(-tilt, tilt) * 0.5, cy + dx * s + dy * c + rng.range(-tilt, tilt) * 0.5)
    });
    let page_corners =
        [(0.0, 0.0), (page.width as f32, 0.0), (page.width as f32, page.height as f32), (0.0, page.height as f32)];
    let hm = homography(corners, page_corners);

    let mut px = background(rng, shot.width, shot.height, shot.busy);
    // Light falls unevenly: a gradient across the frame, and the page's paper is warm.
    let (gx, gy, g0) = (rng.range(-0.3, 0.3), rng.range(-0.3, 0.3), rng.range(0.75, 1.05));
    let tint = [1.0, rng.range(0.94, 1.0), rng.range(0.82, 0.98)];
    // Page pixels per frame pixel: sample that many times a side when shrinking.
    let n = (1.0 / k).ceil().clamp(1.0, 4.0) as i32;
    for y in 0..shot.height {
        for x in 0..shot.width {
            let mut sum = 0.0;
            let mut hits = 0;
            for sy in 0..n {
                for sx in 0..n {
                    let fx = f64::from(x) + (f64::from(sx) + 0.5) / f64::from(n);
                    let fy = f64::from(y) + (f64::from(sy) + 0.5) / f64::from(n);
                    let d = hm[6] * fx + hm[7] * fy + 1.0;
                    let u = (hm[0] * fx + hm[1] * fy + hm[2]) / d;
                    let v = (hm[3] * fx + hm[4] * fy + hm[5]) / d;
                    if u >= 0.0 && v >= 0.0 && u < f64::from(page.width - 2) && v < f64::from(page.height - 2) {
                        sum += bilinear(page, u as f32, v as f32);
                        hits += 1;
                    }
                }
            }
            if hits > 0 {
                let cover = hits as f32 / (n * n) as f32;
                let v = sum / hits as f32;
                let i = (y * shot.width + x) as usize;
                let bg = px[i];
                px[i] = [0, 1, 2].map(|c| bg[c] * (1.0 - cover) + v * tint[c] * cover);
            }
        }
    }
    // A shadow with a soft edge (a few pixels to a tenth of the frame wide)
    // along a line through the frame, and the lens's vignetting.
    let (sa, so) = (rng.range(0.0, std::f32::consts::TAU), rng.range(-0.25, 0.25));
    let soft = rng.range(0.005, 0.1) * w.max(h);
    for y in 0..shot.height {
        for x in 0..shot.width {
            let (nx, ny) = (x as f32 / w - 0.5, y as f32 / h - 0.5);
            let mut light = g0 + gx * nx + gy * ny;
            light *= 1.0 - 0.35 * (nx * nx + ny * ny);
            if shot.shadow > 0.0 {
                let d = (nx * sa.cos() + ny * sa.sin() - so) * w.max(h) / soft;
                light *= 1.0 - shot.shadow * (0.5 + 0.5 * d.clamp(-1.0, 1.0));
            }
            let p = &mut px[(y * shot.width + x) as usize];
            *p = p.map(|v| v * light);
        }
    }
    blur(&mut px, shot.width as usize, shot.height as usize, shot.blur);
    streak(&mut px, shot.width as usize, shot.height as usize, shot.shake, shot.shake_angle);
    let mut rgb = Vec::with_capacity(px.len() * 3);
    for p in &px {
        // Sensor noise grows where light is scarce (shot noise), with some colour noise.
        let level = shot.noise * (1.4 - p[1].clamp(0.0, 255.0) / 255.0 * 0.8);
        let n = rng.normal() * level;
        rgb.extend(p.map(|v| (v + n + rng.normal() * level * 0.3).clamp(0.0, 255.0) as u8));
    }
    jpeg(shot.width, shot.height, &rgb, shot.quality)
}

/// Motion blur: each pixel the mean of a straight streak of `len` pixels at `angle`.
fn streak(px: &mut [[f32; 3]], w: usize, h: usize, len: f32, angle: f32) {
    let steps = len.round() as i32;
    if steps < 1 {
        return;
    }
    let (dx, dy) = (angle.cos(), angle.sin());
    let offsets: Vec<isize> = (-steps..=steps)
        .map(|i| {
            let t = i as f32 / 2.0;
            ((t * dy).round() as isize) * w as isize + (t * dx).round() as isize
        })
        .collect();
    let src = px.to_vec();
    let n = offsets.len() as f32;
    for (i, p) in px.iter_mut().enumerate() {
        let mut s = [0f32; 3];
        for o in &offsets {
            let j = (i as isize + o).clamp(0, (w * h) as isize - 1) as usize;
            s = [s[0] + src[j][0], s[1] + src[j][1], s[2] + src[j][2]];
        }
        *p = [s[0] / n, s[1] / n, s[2] / n];
    }
}

fn bilinear(p: &Page, u: f32, v: f32) -> f32 {
    let (x, y) = (u as u32, v as u32);
    let (fx, fy) = (u - x as f32, v - y as f32);
    let at = |x: u32, y: u32| f32::from(p.px[(y * p.width + x) as usize]);
    let top = at(x, y) * (1.0 - fx) + at(x + 1, y) * fx;
    let bottom = at(x, y + 1) * (1.0 - fx) + at(x + 1, y + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

pub fn jpeg(w: u32, h: u32, rgb: &[u8], quality: u8) -> Vec<u8> {
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    // What a phone's camera writes: baseline, 4:2:0, standard Huffman tables
    // (mozjpeg's own defaults would write a progressive file, which no camera does).
    c.set_fastest_defaults();
    c.set_size(w as usize, h as usize);
    c.set_quality(f32::from(quality));
    let mut c = c.start_compress(Vec::new()).expect("encoder");
    c.write_scanlines(rgb).expect("rows");
    c.finish().expect("jpeg")
}

/// The page as it was printed, a grey PNG: what a poster file is.
pub fn page_png(page: &Page) -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&page.px, page.width, page.height, image::ExtendedColorType::L8)
        .expect("png");
    out
}
