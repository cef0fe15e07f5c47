//! Photo pipeline benchmark: `mycity-cli photo IN OUT`, the whole command the
//! app's photo step runs, against ImageMagick and the `djpeg` decode floor,
//! as whole processes in the same run, on a set of five generated photos.
//!
//! `cargo bench -p mycity-core --bench photos` draws the set into a temp dir
//! (nothing is committed), then for each photo times with `hyperfine -N`:
//! - ours: `mycity-cli photo IN OUT` (built by `cargo bench` next to this bench);
//! - ImageMagick plain: `convert -limit thread 1 IN -auto-orient -resize
//!   1600x1600 -strip -quality 80 OUT`;
//! - ImageMagick hinted (JPEGs): the same with `-define jpeg:size=W/2xH/2`
//!   before the input, so libjpeg decodes at half scale in the DCT domain;
//! - the floor (JPEGs): `djpeg -scale 1/2 -outfile /dev/null IN`, a decode at
//!   half scale and nothing else, which no pipeline can beat single-threaded.
//!
//! It prints one line per photo per command, then the ratios, SSIM against
//! the fastest ImageMagick output, sizes, metadata and peak memory, each
//! beside its target with "ok" or "MISSED", and a summary table.
//! Needs `hyperfine`, ImageMagick and `djpeg` (`scripts/ensure-packages.sh bench`);
//! lines whose tool is missing say so. `photos --make DIR` only writes the set.

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

/// In-process runs per photo, after one warm-up.
const IN_PROCESS_RUNS: usize = 7;
/// hyperfine rounds per photo, and runs of each command per round after its warm-ups.
const ROUNDS: u32 = 4;
const RUNS: u32 = 5;
const WARMUP: u32 = 1;
/// Targets from the review.
const MAX_VS_IM: f64 = 0.35;
const MAX_VS_FLOOR: f64 = 1.5;
const MIN_SSIM: f64 = 0.95;
const MAX_KB: f64 = 400.0;
const MAX_SHARE: f64 = 0.10;
const MAX_RSS_MB: f64 = 80.0;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--make") if args.len() >= 3 => {
            for p in make_set(Path::new(&args[2])) {
                println!("{}: {} ({:.2} MB)", p.path.display(), p.what, mb(p.bytes));
            }
        }
        // `cargo bench` passes `--bench`; a name filter may follow.
        _ => bench(),
    }
}

/// One photo of the set.
struct Photo {
    name: &'static str,
    what: String,
    path: PathBuf,
    bytes: usize,
    /// Stored size, before any EXIF orientation.
    width: u32,
    height: u32,
    /// EXIF orientation (1 or 6 here).
    orientation: u8,
    jpeg: bool,
}

/// Medians and spreads of one command, from hyperfine, in ms.
#[derive(Clone, Copy)]
struct Timing {
    median: f64,
    stddev: f64,
    min: f64,
}

/// What one photo gave, for the summary table.
struct Row {
    name: &'static str,
    what: String,
    ours: Option<Timing>,
    im_plain: Option<Timing>,
    im_hinted: Option<Timing>,
    floor: Option<Timing>,
    in_process: f64,
    ssim: Option<f64>,
    kb: f64,
    share: f64,
    rss_mb: Option<f64>,
}

fn bench() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = cli_path();
    let convert = imagemagick();
    let hyperfine_ok = tool_runs("hyperfine", &["--version"]);
    let djpeg_ok = tool_runs("djpeg", &["-version"]);
    let time_ok = Path::new("/usr/bin/time").exists();
    println!(
        "machine: {} cores, load average at start {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    println!(
        "ours: {}; ImageMagick: {}; hyperfine: {}; djpeg: {}",
        cli.as_ref().map_or("mycity-cli not built: run through `cargo bench`".into(), |p| p.display().to_string()),
        convert.as_ref().map_or("not installed (apt-get install -y imagemagick)".into(), |p| p.display().to_string()),
        if hyperfine_ok { "yes" } else { "not installed (apt-get install -y hyperfine)" },
        if djpeg_ok { "yes" } else { "not installed (apt-get install -y libjpeg-turbo-progs)" },
    );

    let t = Instant::now();
    let set = make_set(dir.path());
    println!("test set drawn and encoded in {:.1} s:", t.elapsed().as_secs_f64());
    for p in &set {
        println!("  {:9} {} — {:.2} MB", p.name, p.what, mb(p.bytes));
    }

    let mut rows = Vec::new();
    for p in &set {
        println!("\n== {} ({}, {:.2} MB)", p.name, p.what, mb(p.bytes));
        let input = std::fs::read(&p.path).expect("read a test photo");

        // In-process: the photo step alone, no process start-up, no file I/O.
        let mut out = photos::process(&input).expect("process a test photo");
        let mut times: Vec<Duration> = (0..IN_PROCESS_RUNS)
            .map(|_| {
                let t = Instant::now();
                out = photos::process(&input).expect("process a test photo");
                t.elapsed()
            })
            .collect();
        let in_process = ms(median(&mut times));
        println!(
            "  in-process photos::process: median {in_process:.1} ms of {IN_PROCESS_RUNS} (min {:.1} ms), \
             {}×{}, thumbnail {}×{} ({} KB)",
            ms(times[0]),
            out.width,
            out.height,
            jpeg_size(&out.thumbnail).0,
            jpeg_size(&out.thumbnail).1,
            out.thumbnail.len() / 1024
        );

        // Whole processes, same run.
        let file = |suffix: &str| dir.path().join(format!("{}.{suffix}.jpg", p.name)).display().to_string();
        let (ours_out, plain_out, hinted_out) = (file("ours"), file("im"), file("im-hinted"));
        let input_path = p.path.display().to_string();
        let mut commands: Vec<(&str, Vec<String>)> = Vec::new();
        if let Some(cli) = &cli {
            commands
                .push(("ours", vec![cli.display().to_string(), "photo".into(), input_path.clone(), ours_out.clone()]));
        }
        if let Some(convert) = &convert {
            let im = |hint: Option<String>, out: &str| {
                let mut a = vec![convert.display().to_string(), "-limit".into(), "thread".into(), "1".into()];
                if let Some(size) = hint {
                    a.extend(["-define".into(), format!("jpeg:size={size}")]);
                }
                a.push(input_path.clone());
                a.extend(["-auto-orient", "-resize", "1600x1600", "-strip", "-quality", "80"].map(String::from));
                a.push(out.to_owned());
                a
            };
            commands.push(("ImageMagick plain", im(None, &plain_out)));
            if p.jpeg {
                commands
                    .push(("ImageMagick hinted", im(Some(format!("{}x{}", p.width / 2, p.height / 2)), &hinted_out)));
            }
        }
        if p.jpeg && djpeg_ok {
            commands.push((
                "djpeg -scale 1/2 (floor)",
                ["djpeg", "-scale", "1/2", "-outfile", "/dev/null", &input_path].map(String::from).to_vec(),
            ));
        }
        let timings = if hyperfine_ok && !commands.is_empty() {
            hyperfine(&commands, dir.path())
        } else {
            commands.iter().map(|(_, c)| own_timing(c)).collect()
        };
        let how = if hyperfine_ok {
            format!("hyperfine -N, median of {} runs in {ROUNDS} rounds", ROUNDS * RUNS)
        } else {
            "hyperfine missing: own timing, median of 9".into()
        };
        let get = |label: &str| commands.iter().position(|(l, _)| *l == label).and_then(|i| timings[i]);
        for ((label, cmd), t) in commands.iter().zip(&timings) {
            match t {
                Some(t) => println!(
                    "  {label:26} {:7.1} ms ± {:5.1} (min {:7.1}) [{how}]  {}",
                    t.median,
                    t.stddev,
                    t.min,
                    short(cmd)
                ),
                None => println!("  {label:26} failed: {}", short(cmd)),
            }
        }
        let (ours, plain, hinted, floor) =
            (get("ours"), get("ImageMagick plain"), get("ImageMagick hinted"), get("djpeg -scale 1/2 (floor)"));

        // The fastest ImageMagick command is the peer; its output the SSIM reference.
        let fastest = match (plain, hinted) {
            (Some(a), Some(b)) if b.median < a.median => Some((b, "hinted", &hinted_out)),
            (Some(a), _) => Some((a, "plain", &plain_out)),
            (None, Some(b)) => Some((b, "hinted", &hinted_out)),
            (None, None) => None,
        };
        if let (Some(o), Some((im, which, _))) = (ours, fastest) {
            let r = o.median / im.median;
            if p.jpeg {
                println!(
                    "  ours / fastest ImageMagick ({which}): {r:.3} (target ≤ {MAX_VS_IM}) {}",
                    mark(r <= MAX_VS_IM)
                );
            } else {
                println!("  ours / ImageMagick: {r:.3} (no target for PNG; the JPEG targets do not apply)");
            }
        }
        if let (Some(o), Some(f)) = (ours, floor) {
            let r = o.median / f.median;
            println!("  ours / djpeg floor: {r:.2} (target ≤ {MAX_VS_FLOOR}) {}", mark(r <= MAX_VS_FLOOR));
        }

        // Quality: ours against the fastest ImageMagick's picture, and both against an exact resize.
        let ours_jpeg = std::fs::read(&ours_out).unwrap_or_else(|_| out.jpeg.clone());
        let ours_luma = luma_of(&ours_jpeg);
        let mut ssim = None;
        if let Some((_, which, im_out)) = fastest {
            if let Ok(im) = std::fs::read(im_out) {
                let im_luma = luma_of(&im);
                let s = ssim_resized(&ours_luma, &im_luma);
                ssim = Some(s);
                let exact = p.jpeg.then(|| reference(&input, p.orientation, ours_luma.width, ours_luma.height));
                println!(
                    "  SSIM (luma) ours vs ImageMagick {which}: {s:.4} (target ≥ {MIN_SSIM}) {}{}; ImageMagick's file {} KB",
                    mark(s >= MIN_SSIM),
                    exact.map_or(String::new(), |e| format!(
                        "; vs an exact Lanczos3 resize of the full decode: ours {:.4}, ImageMagick {:.4}",
                        ssim_resized(&ours_luma, &e),
                        ssim_resized(&im_luma, &e)
                    )),
                    im.len() / 1024
                );
            }
        }

        // Size, orientation, metadata.
        let kb = ours_jpeg.len() as f64 / 1024.0;
        let share = ours_jpeg.len() as f64 / p.bytes as f64;
        if p.jpeg {
            println!(
                "  output {kb:.0} KB (target ≤ {MAX_KB:.0} KB) {}, {:.1} % of the input (target ≤ {:.0} %) {}",
                mark(kb <= MAX_KB),
                share * 100.0,
                MAX_SHARE * 100.0,
                mark(share <= MAX_SHARE)
            );
        } else {
            println!("  output {kb:.0} KB (target ≤ {MAX_KB:.0} KB) {}", mark(kb <= MAX_KB));
        }
        let upright = if p.orientation >= 5 { (p.height, p.width) } else { (p.width, p.height) };
        let want = fit(upright, 1600);
        let got = (ours_luma.width, ours_luma.height);
        println!(
            "  {}×{} upright (want {}×{}) {}; thumbnail long edge {} (want 320) {}; metadata stripped {}",
            got.0,
            got.1,
            want.0,
            want.1,
            mark(got == want),
            jpeg_size(&out.thumbnail).0.max(jpeg_size(&out.thumbnail).1),
            mark(jpeg_size(&out.thumbnail).0.max(jpeg_size(&out.thumbnail).1) == 320),
            mark(no_metadata(&ours_jpeg) && no_metadata(&out.thumbnail))
        );
        if p.orientation != 1 {
            let gps = out.gps.map_or("none".into(), |g| format!("{:.5}, {:.5}", g.lat, g.lon));
            let left = if no_metadata(&ours_jpeg) { "none" } else { "FOUND (MISSED)" };
            println!("  GPS read for the report: {gps}; in the output: {left}");
        }

        // Peak memory of the whole command.
        let rss_mb = match (&cli, time_ok) {
            (Some(cli), true) => peak_rss_mb(cli, &p.path, &dir.path().join("rss.jpg")),
            _ => None,
        };
        match rss_mb {
            Some(m) => println!(
                "  peak RSS of `mycity-cli photo` (/usr/bin/time %M): {m:.1} MB (target ≤ {MAX_RSS_MB:.0} MB) {}",
                mark(m <= MAX_RSS_MB)
            ),
            None => println!("  peak RSS: /usr/bin/time or mycity-cli missing"),
        }

        rows.push(Row {
            name: p.name,
            what: p.what.clone(),
            ours,
            im_plain: plain,
            im_hinted: hinted,
            floor,
            in_process,
            ssim,
            kb,
            share,
            rss_mb,
        });
    }

    summary(&rows);
    println!("\nload average at the end: {}; whole bench {:.0} s", load_average(), started.elapsed().as_secs_f64());
}

fn summary(rows: &[Row]) {
    let f = |t: Option<Timing>| t.map_or("—".into(), |t| format!("{:.1}", t.median));
    println!("\n| photo | ours ms | IM plain ms | IM hinted ms | djpeg 1/2 ms | ours / fastest IM (≤ {MAX_VS_IM}) | ours / djpeg (≤ {MAX_VS_FLOOR}) | in-process ms | SSIM vs IM (≥ {MIN_SSIM}) | output | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let fastest = match (r.im_plain, r.im_hinted) {
            (Some(a), Some(b)) => Some(a.median.min(b.median)),
            (a, b) => a.or(b).map(|t| t.median),
        };
        let vs_im = match (r.ours, fastest) {
            (Some(o), Some(im)) => {
                format!("{:.3}", o.median / im)
                    + if r.floor.is_some() { verdict(o.median / im <= MAX_VS_IM) } else { "" }
            }
            _ => "—".into(),
        };
        let vs_floor = match (r.ours, r.floor) {
            (Some(o), Some(fl)) => {
                format!("{:.2}{}", o.median / fl.median, verdict(o.median / fl.median <= MAX_VS_FLOOR))
            }
            _ => "—".into(),
        };
        println!(
            "| {} ({}) | {} | {} | {} | {} | {vs_im} | {vs_floor} | {:.1} | {} | {:.0} KB, {:.1} % | {} |",
            r.name,
            r.what,
            f(r.ours),
            f(r.im_plain),
            f(r.im_hinted),
            f(r.floor),
            r.in_process,
            r.ssim.map_or("—".into(), |s| format!("{s:.3}")),
            r.kb,
            r.share * 100.0,
            r.rss_mb.map_or("—".into(), |m| format!("{m:.1} MB"))
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        " ok"
    } else {
        " MISSED"
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

// ---- tools ----

/// `mycity-cli`, which `cargo bench` builds with this bench: the bench runs
/// from `target/release/deps/`, the binary is one directory up.
fn cli_path() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let beside = exe.parent()?.parent()?.join("mycity-cli");
    if beside.is_file() {
        return Some(beside);
    }
    let built = PathBuf::from(env!("CARGO_BIN_EXE_mycity-cli"));
    built.is_file().then_some(built)
}

/// ImageMagick's own binary: `/usr/local/bin/convert` on some machines is a
/// script standing in for it, whose interpreter start-up would pad its time.
fn imagemagick() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["convert", "magick"] {
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

fn tool_runs(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The command as printed: files by their names alone (they are all in the
/// temp dir), `/dev/null` as it is.
fn short(cmd: &[String]) -> String {
    cmd.iter()
        .map(|a| match Path::new(a).file_name() {
            Some(name) if a.starts_with('/') && a != "/dev/null" => name.to_string_lossy().into_owned(),
            _ => a.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Times the commands with hyperfine in [`ROUNDS`] rounds of [`RUNS`] runs
/// each (after [`WARMUP`] warm-ups), all commands in every round, so that a
/// noisy minute on the shared machine falls on every command alike rather
/// than on one; each command's median is over all its runs.
fn hyperfine(commands: &[(&str, Vec<String>)], dir: &Path) -> Vec<Option<Timing>> {
    let json = dir.join("hyperfine.json");
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); commands.len()];
    for _ in 0..ROUNDS {
        let _ = std::fs::remove_file(&json);
        let mut c = Command::new("hyperfine");
        c.args(["-N", "--style", "none", "--warmup", &WARMUP.to_string(), "--runs", &RUNS.to_string()])
            .arg("--export-json")
            .arg(&json);
        for (_, cmd) in commands {
            c.arg(cmd.join(" "));
        }
        // Its warnings (outliers, a slow first run) say the machine is noisy, which the rounds are for.
        if !c.stderr(std::process::Stdio::null()).status().map(|s| s.success()).unwrap_or(false) {
            return vec![None; commands.len()];
        }
        let v = std::fs::read(&json).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let results = v.as_ref().and_then(|v| v.get("results")).and_then(|r| r.as_array()).cloned().unwrap_or_default();
        for (i, t) in times.iter_mut().enumerate() {
            let runs =
                results.get(i).and_then(|r| r.get("times")).and_then(|t| t.as_array()).cloned().unwrap_or_default();
            t.extend(runs.iter().filter_map(serde_json::Value::as_f64).map(|s| s * 1e3));
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            if t.is_empty() {
                return None;
            }
            t.sort_by(f64::total_cmp);
            let mean = t.iter().sum::<f64>() / t.len() as f64;
            let var = t.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / t.len() as f64;
            Some(Timing { median: t[t.len() / 2], stddev: var.sqrt(), min: t[0] })
        })
        .collect()
}

/// Without hyperfine: median of 9 runs after one warm-up.
fn own_timing(cmd: &[String]) -> Option<Timing> {
    let run = || {
        let t = Instant::now();
        let ok = Command::new(&cmd[0]).args(&cmd[1..]).output().map(|o| o.status.success()).unwrap_or(false);
        ok.then(|| t.elapsed())
    };
    run()?;
    let mut t: Vec<Duration> = (0..9).map(|_| run()).collect::<Option<_>>()?;
    let med = ms(median(&mut t));
    Some(Timing { median: med, stddev: 0.0, min: ms(t[0]) })
}

/// Peak RSS of one `mycity-cli photo` run, in MB, as `/usr/bin/time` reports it.
fn peak_rss_mb(cli: &Path, input: &Path, output: &Path) -> Option<f64> {
    let o =
        Command::new("/usr/bin/time").args(["-f", "%M"]).arg(cli).arg("photo").arg(input).arg(output).output().ok()?;
    if !o.status.success() {
        return None;
    }
    let kb: f64 = String::from_utf8_lossy(&o.stderr).lines().last()?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Megabytes of 10⁶ bytes, as file sizes are quoted.
fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// The size that fits in `edge`×`edge` as ImageMagick's `-resize` rounds it.
fn fit((w, h): (u32, u32), edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let s = |v: u32| ((u64::from(v) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)) as u32;
    (s(w), s(h))
}

/// No APP1–APP15 or comment segment, no EXIF or GPS bytes anywhere.
fn no_metadata(jpeg: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let m = jpeg[i + 1];
        if (0xE1..=0xEF).contains(&m) || m == 0xFE {
            return false;
        }
        if m == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    let has = |needle: &[u8]| jpeg.windows(needle.len()).any(|w| w == needle);
    !has(b"Exif") && !has(b"II*\0") && !has(&rationals(&HA_GIANG.0)) && !has(b"ExamplePhone")
}

fn jpeg_size(jpeg: &[u8]) -> (u32, u32) {
    Decompress::new_mem(jpeg).map_or((0, 0), |d| (d.width() as u32, d.height() as u32))
}

// ---- the test set ----

/// Draws the five photos into `dir`.
fn make_set(dir: &Path) -> Vec<Photo> {
    let _ = std::fs::create_dir_all(dir);
    let mut set = Vec::new();
    let mut save = |name: &'static str, what: String, ext: &str, bytes: Vec<u8>, size: (u32, u32), orientation: u8| {
        let path = dir.join(format!("{name}.{ext}"));
        std::fs::write(&path, &bytes).expect("write a test photo");
        set.push(Photo {
            name,
            what,
            path,
            bytes: bytes.len(),
            width: size.0,
            height: size.1,
            orientation,
            jpeg: ext == "jpg",
        });
    };

    // (a) A street, landscape, a phone's everyday 12 MP photo.
    let (w, h) = (4000, 3000);
    let rgb = draw(w, h, |x, y| street(x, y, w, h, 1));
    save("smooth", "12 MP street, q92".into(), "jpg", camera_jpeg(w, h, &rgb, 92, &exif_tiff(1, false)), (w, h), 1);

    // (b) Foliage and gravel with sensor noise at q95: the worst case for the entropy decoder.
    let rgb = draw(w, h, detailed);
    save(
        "detailed",
        "12 MP foliage + noise, q95".into(),
        "jpg",
        camera_jpeg(w, h, &rgb, 95, &exif_tiff(1, false)),
        (w, h),
        1,
    );

    // (c) Held upright: the sensor stores it sideways and EXIF orientation 6
    // says to turn it 90° clockwise, with the position in a GPS IFD.
    let rgb = draw(w, h, |sx, sy| street(h - 1 - sy, sx, h, w, 2));
    save(
        "portrait",
        "12 MP portrait, stored 4000×3000, EXIF orientation 6 + GPS, q92".into(),
        "jpg",
        camera_jpeg(w, h, &rgb, 92, &exif_tiff(6, true)),
        (w, h),
        6,
    );

    // (d) A 24 MP camera.
    let (w, h) = (6000, 4000);
    let rgb = draw(w, h, |x, y| street(x, y, w, h, 3));
    save(
        "24mp",
        "24 MP street 6000×4000, q90".into(),
        "jpg",
        camera_jpeg(w, h, &rgb, 90, &exif_tiff(1, false)),
        (w, h),
        1,
    );

    // (e) A screenshot of an app: flat colours, text, one picture.
    let (w, h) = (2560, 1600);
    let rgb = draw(w, h, |x, y| screenshot(x, y, w, h));
    let mut png = Vec::new();
    image::RgbImage::from_raw(w, h, rgb)
        .expect("screenshot buffer")
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode the screenshot");
    save("png", "4 MP screenshot 2560×1600, PNG".into(), "png", png, (w, h), 1);
    set
}

/// Draws a `w`×`h` RGB picture from `f(x, y)` on every core, a band of rows each.
fn draw(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3] + Sync) -> Vec<u8> {
    let row = w as usize * 3;
    let mut rgb = vec![0u8; row * h as usize];
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let band = (h as usize).div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        for (i, part) in rgb.chunks_mut(band * row).enumerate() {
            s.spawn(move || {
                for (r, line) in part.chunks_exact_mut(row).enumerate() {
                    let y = (i * band + r) as u32;
                    for (x, px) in line.chunks_exact_mut(3).enumerate() {
                        px.copy_from_slice(&f(x as u32, y));
                    }
                }
            });
        }
    });
    rgb
}

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

/// A street as seen in a `w`×`h` frame, at (x, y): sky with clouds, trees, a
/// wall, asphalt with grain, lane paint and a pothole, lens vignetting and
/// sensor grain. Textures are sized for a 12 MP frame and scale with it.
fn street(x: u32, y: u32, w: u32, h: u32, seed: u32) -> [u8; 3] {
    let k = w.min(h) as f32 / 3000.0;
    let (wf, hf) = (w as f32, h as f32);
    let (xf, yf) = (x as f32, y as f32);
    let (xs, ys) = (xf / k, yf / k);
    let horizon = hf * 0.38;
    let grain = (hash(x as i32, y as i32, 7 + seed) - 0.5) * 14.0;
    let mut c = if yf < horizon - 150.0 * k * fbm(xs, 0.0, 700.0, 3, 11 + seed) {
        let t = yf / horizon;
        let cloud = (fbm(xs, ys, 500.0, 5, 3 + seed) - 0.45).max(0.0) * 2.2;
        let sky = [90.0 + 80.0 * t, 140.0 + 60.0 * t, 220.0 - 10.0 * t];
        sky.map(|v| v + (245.0 - v) * cloud.min(1.0))
    } else if xf < wf * 0.3 && yf < horizon + 0.175 * hf {
        let leaf = fbm(xs, ys, 40.0, 5, 21 + seed);
        [30.0 + 60.0 * leaf, 70.0 + 110.0 * leaf, 25.0 + 40.0 * leaf]
    } else if yf < horizon + 0.14 * hf {
        let stain = fbm(xs, ys, 180.0, 4, 31 + seed);
        [200.0 - 60.0 * stain, 180.0 - 55.0 * stain, 150.0 - 50.0 * stain]
    } else {
        let tex = fbm(xs, ys, 90.0, 5, 41 + seed) * 0.6 + hash(x as i32 / 3, y as i32 / 3, 43 + seed) * 0.4;
        let mut g = 70.0 + 60.0 * tex;
        let lane = ((xf - wf * 0.55) - (yf - hf) * 0.25).abs() < 40.0 * k;
        let (px, py) = ((xf - 0.5 * wf) / (0.2 * wf), (yf - 0.75 * hf) / (0.08 * hf));
        let d = px * px + py * py + 0.25 * (fbm(xs, ys, 120.0, 3, 51 + seed) - 0.5);
        if d < 1.0 {
            g = 35.0 + 45.0 * tex + 25.0 * d;
        }
        if lane && d >= 1.0 {
            [225.0 + 20.0 * tex, 190.0 + 20.0 * tex, 60.0]
        } else {
            [g, g * 0.98, g * 0.95]
        }
    };
    let (dx, dy) = (xf / wf - 0.5, yf / hf - 0.5);
    let vignette = 1.0 - 0.35 * (dx * dx + dy * dy);
    for v in &mut c {
        *v = *v * vignette + grain;
    }
    c.map(|v| v.clamp(0.0, 255.0) as u8)
}

/// Foliage over gravel, in focus to the pixel, with luma and chroma sensor noise.
fn detailed(x: u32, y: u32) -> [u8; 3] {
    let (xf, yf) = (x as f32, y as f32);
    let leaves = fbm(xf, yf, 12.0, 4, 61);
    let patch = fbm(xf, yf, 220.0, 3, 67);
    let gravel = hash(x as i32, y as i32, 71);
    let base = if patch > 0.5 {
        [25.0 + 90.0 * leaves, 60.0 + 140.0 * leaves, 20.0 + 50.0 * leaves]
    } else {
        let g = 60.0 + 120.0 * (0.5 * leaves + 0.5 * gravel);
        [g * 1.05, g, g * 0.9]
    };
    let luma = (hash(x as i32, y as i32, 73) - 0.5) * 72.0;
    let (cb, cr) = ((hash(x as i32, y as i32, 79) - 0.5) * 32.0, (hash(x as i32, y as i32, 83) - 0.5) * 32.0);
    [base[0] + luma + cr, base[1] + luma, base[2] + luma + cb].map(|v| v.clamp(0.0, 255.0) as u8)
}

/// A phone app's screen: status bar, app bar, side list, cards of text, one picture.
fn screenshot(x: u32, y: u32, w: u32, h: u32) -> [u8; 3] {
    const INK: [u8; 3] = [33, 33, 40];
    if y < 48 {
        return [20, 20, 24];
    }
    if y < 150 {
        // App bar with a title.
        return if (40..640).contains(&x) && (80..118).contains(&y) && glyph(x, y, 5) {
            [255, 255, 255]
        } else {
            [25, 103, 210]
        };
    }
    if x < 520 {
        // Side list: rows of text with dividers.
        let r = (y - 150) % 90;
        return if r == 89 {
            [220, 220, 224]
        } else if (30..54).contains(&r) && (40..460).contains(&x) && glyph(x, y, 9) {
            INK
        } else {
            [246, 246, 248]
        };
    }
    // Cards on a grey background.
    let (cx, cy) = ((x - 520) % 680, (y - 150) % 480);
    if !(40..650).contains(&cx) || !(30..450).contains(&cy) {
        return [236, 237, 241];
    }
    if cx == 40 || cx == 649 || cy == 30 || cy == 449 {
        return [210, 211, 216];
    }
    if (70..620).contains(&cx) && (60..250).contains(&cy) {
        // A picture in the card: a smooth gradient with a soft shape.
        let (u, v) = ((x as f32) / w as f32, (y as f32) / h as f32);
        let blob = (fbm(x as f32, y as f32, 90.0, 3, 91) * 80.0) as u8;
        return [
            ((80.0 + 120.0 * u) as u8).saturating_add(blob / 2),
            (140.0 - 40.0 * v) as u8,
            160u8.saturating_sub(blob),
        ];
    }
    let line = (cy - 270) % 36;
    if cy >= 270 && line < 20 && (70..600).contains(&cx) && glyph(x, y, 13) {
        return INK;
    }
    [255, 255, 255]
}

/// Whether (x, y) is ink in a run of blocky 12×20 px "letters" with gaps between words.
fn glyph(x: u32, y: u32, seed: u32) -> bool {
    let (col, gx, gy) = (x / 12, x % 12, (y % 36) % 20);
    if gx >= 10 || hash(col as i32 / 7, (y / 36) as i32, seed) < 0.15 || hash(col as i32, 0, seed + 1) < 0.12 {
        return false;
    }
    hash(col as i32 * 8 + (gx / 3) as i32, (y / 36) as i32 * 8 + (gy / 4) as i32, seed + 2) > 0.55
}

/// A camera's JPEG: baseline, 4:2:0, the given quality, EXIF in APP1.
fn camera_jpeg(w: u32, h: u32, rgb: &[u8], quality: u8, tiff: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    c.set_fastest_defaults();
    c.set_size(w as usize, h as usize);
    c.set_quality(f32::from(quality));
    let mut c = c.start_compress(Vec::new()).expect("start a test JPEG");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    c.write_marker(Marker::APP(1), &app1);
    c.write_scanlines(rgb).expect("write a test JPEG");
    c.finish().expect("finish a test JPEG")
}

/// Degrees, minutes, seconds as TIFF rationals.
type Dms = [(u32, u32); 3];

/// Where the portrait was taken: Hà Giang, 22°49'25.2" N, 104°58'48" E.
const HA_GIANG: (Dms, Dms) = ([(22, 1), (49, 1), (252, 10)], [(104, 1), (58, 1), (48, 1)]);

/// Little-endian TIFF with IFD0 (make, model, orientation and, when asked,
/// a pointer to a GPS IFD with the position).
fn exif_tiff(orientation: u16, gps: bool) -> Vec<u8> {
    let text = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        (v.len() as u32, v)
    };
    let (make_n, make) = text("ExamplePhone");
    let (model_n, model) = text("EP-12 Pro");
    let mut ifd0: Vec<Entry> = vec![
        (0x010F, 2, make_n, make),
        (0x0110, 2, model_n, model),
        (0x0112, 3, 1, orientation.to_le_bytes().to_vec()),
    ];
    if gps {
        ifd0.push((0x8825, 4, 1, vec![0; 4]));
        let gps_at = (8 + ifd_len(&ifd0)) as u32;
        if let Some(e) = ifd0.last_mut() {
            e.3 = gps_at.to_le_bytes().to_vec();
        }
    }
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    write_ifd(&mut out, &ifd0);
    if gps {
        let ifd: Vec<Entry> = vec![
            (0x0001, 2, 2, b"N\0".to_vec()),
            (0x0002, 5, 3, rationals(&HA_GIANG.0)),
            (0x0003, 2, 2, b"E\0".to_vec()),
            (0x0004, 5, 3, rationals(&HA_GIANG.1)),
        ];
        write_ifd(&mut out, &ifd);
    }
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
/// upright `width`×`height`, turned for orientation 6, no JPEG round-trip.
fn reference(jpeg: &[u8], orientation: u8, width: u32, height: u32) -> Luma {
    let d = Decompress::new_mem(jpeg).expect("a JPEG");
    let mut d = d.rgb().expect("RGB output");
    let (w, h) = (d.width() as u32, d.height() as u32);
    let rgb: Vec<u8> = d.read_scanlines().expect("pixels");
    let src = Image::from_vec_u8(w, h, rgb, PixelType::U8x3).expect("frame");
    let turned = orientation == 6;
    let (sw, sh) = if turned { (height, width) } else { (width, height) };
    let mut dst = Image::new(sw, sh, PixelType::U8x3);
    Resizer::new().resize(&src, &mut dst, None).expect("resize");
    let stored = to_luma(sw, sh, dst.buffer());
    if !turned {
        return stored;
    }
    let mut y = vec![0u8; (width * height) as usize];
    for sy in 0..sh {
        for sx in 0..sw {
            let (dx, dy) = (sh - 1 - sy, sx);
            y[(dy * width + dx) as usize] = stored.y[(sy * sw + sx) as usize];
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
