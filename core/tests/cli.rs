//! `mycity-cli` as a person or a script runs it: a separate process on a data
//! directory, talking to the reference server over loopback.

use std::process::{Command, Output};

use mozjpeg::{ColorSpace, Compress};

fn cli(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mycity-cli")).arg("--data-dir").arg(dir).args(args).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A 2000×1500 JPEG with some texture.
fn jpeg() -> Vec<u8> {
    let (w, h) = (2000usize, 1500usize);
    let rgb: Vec<u8> = (0..w * h * 3).map(|i| ((i * 7919) % 251) as u8).collect();
    let mut c = Compress::new(ColorSpace::JCS_RGB);
    c.set_size(w, h);
    c.set_quality(90.0);
    let mut c = c.start_compress(Vec::new()).unwrap();
    c.write_scanlines(&rgb).unwrap();
    c.finish().unwrap()
}

#[test]
fn photo_prepares_a_file_without_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output, thumb) = (dir.path().join("in.jpg"), dir.path().join("out.jpg"), dir.path().join("t.jpg"));
    std::fs::write(&input, jpeg()).unwrap();
    let data = dir.path().join("data");
    let o = cli(
        &data,
        &["--json", "photo", input.to_str().unwrap(), output.to_str().unwrap(), "--thumb", thumb.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(1600), Some(1200)));
    assert!(std::fs::read(&output).unwrap().starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(std::fs::read(&thumb).unwrap().starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!data.exists(), "no store was opened");

    std::fs::write(&input, b"GIF89a not a photo").unwrap();
    let o = cli(&data, &["photo", input.to_str().unwrap(), output.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a photo"));
}

#[test]
fn packs_search_and_dossier_codes() {
    let dir = tempfile::tempdir().unwrap();
    let o = cli(dir.path(), &["pack", "list"]);
    assert!(stdout(&o).contains("* ha-giang"), "{}", stdout(&o));
    let o = cli(dir.path(), &["--json", "search", "dong", "van", "--limit", "3"]);
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!found.is_empty() && found.len() <= 3);
    assert!(found[0]["name"]["vi"].as_str().unwrap().contains("Đồng Văn"));

    let o = cli(dir.path(), &["--city", "da-nang", "pack", "list"]);
    assert!(stdout(&o).contains("* da-nang"), "the chosen city is remembered");
    let o = cli(dir.path(), &["dossier", "nonsense"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not look like a dossier code"));
    let o = cli(dir.path(), &["dossier", "000.00.15.h60 – 250318 – 42"]);
    assert_eq!(stdout(&o).trim(), "000.00.15.H60-250318-0042");
    let o = cli(dir.path(), &["dossier", "000.00.15.H60-991318-0042"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a date"));
    let o = cli(dir.path(), &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));

    let pack = dir.path().join("broken.json");
    std::fs::write(&pack, "{\"format\": 1").unwrap();
    let o = cli(dir.path(), &["pack", "import", pack.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid city pack"));
}

#[test]
fn outbox_lists_and_flushes_to_the_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let srv = rt.block_on(mycity_server::serve(([127, 0, 0, 1], 0).into(), Default::default())).unwrap();
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    {
        let core = mycity_core::MyCity::open(mycity_core::Config {
            data_dir: dir.path().to_owned(),
            server_url: Some(base.clone()),
            ..Default::default()
        })
        .unwrap();
        core.set_city("da-nang").unwrap();
        let mut d = mycity_core::Draft::new("tree");
        d.description = "Cây đổ chắn đường".into();
        d.answer("hazard", "fallen");
        d.set_place(mycity_core::LatLon { lat: 16.0612, lon: 108.2272 }, mycity_core::PlaceSource::Map);
        core.submit_report(&d).unwrap();
    }
    let o = cli(dir.path(), &["--json", "outbox", "list"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((items.len(), items[0]["state"].as_str()), (1, Some("pending")));
    let o = cli(dir.path(), &["--server", &base, "--json", "outbox", "flush"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let flush: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((flush["sent"].as_u64(), flush["waiting"].as_u64()), (Some(1), Some(0)));
    let o = cli(dir.path(), &["outbox", "list"]);
    assert!(stdout(&o).contains("sent"));
    rt.block_on(srv.shutdown()).unwrap();
}

#[test]
fn qr_prints_every_code_in_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let image = dir.path().join("site.png");
    let site = "mycity://site/ha-giang/lung-cu-flag-tower";
    std::fs::write(&image, mycity_core::qr::png(site, 6).unwrap()).unwrap();
    let path = image.to_str().unwrap();
    let o = cli(&data, &["qr", path]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), format!("{site}\n"));
    let o = cli(&data, &["--json", "qr", path]);
    let texts: Vec<String> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(texts, [site]);
    assert!(!data.exists(), "no store was opened");

    // A picture without a code: nothing printed, exit 1.
    let blank = dir.path().join("blank.jpg");
    std::fs::write(&blank, jpeg()).unwrap();
    let o = cli(&data, &["qr", blank.to_str().unwrap()]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(1), ""));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no QR code found"));
    let o = cli(&data, &["--json", "qr", blank.to_str().unwrap()]);
    assert_eq!((o.status.code(), stdout(&o).trim()), (Some(1), "[]"));

    // Not a picture, a missing file: refused with the reason, exit 1.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "mycity://site/ha-giang/lung-cu-flag-tower").unwrap();
    let o = cli(&data, &["qr", text.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a picture"));
    let o = cli(&data, &["qr", dir.path().join("missing.png").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));

    // Usage errors: no picture, or two.
    assert_eq!(cli(&data, &["qr"]).status.code(), Some(2));
    assert_eq!(cli(&data, &["qr", path, path]).status.code(), Some(2));
}
