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

#[test]
fn air_lists_the_stations_and_fetches_with_a_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let srv = rt.block_on(mycity_server::serve(([127, 0, 0, 1], 0).into(), Default::default())).unwrap();
    let base = format!("http://{}", srv.addr);
    let dir = tempfile::tempdir().unwrap();
    let o = cli(dir.path(), &["--json", "air"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let offline: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(offline["stations"].as_array().unwrap().len(), 3);
    assert!(offline["stations"][0]["aqi"].is_null());
    let o = cli(dir.path(), &["--server", &base, "--json", "air"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let online: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let with_index: Vec<&serde_json::Value> =
        online["stations"].as_array().unwrap().iter().filter(|s| s["aqi"].is_object()).collect();
    assert!(!with_index.is_empty(), "{online}");
    assert!(with_index[0]["aqi"]["band"].is_string() && with_index[0]["aqi"]["rgb"].is_array());
    // Text output reads the stored readings, offline.
    let o = cli(dir.path(), &["--lang", "en", "air"]);
    assert!(stdout(&o).contains("hg-aq-1"), "{}", stdout(&o));
    rt.block_on(srv.shutdown()).unwrap();
}

/// `mycity-cli aqi` with `input` on stdin.
fn aqi(input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mycity-cli"))
        .arg("aqi")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn aqi_hourly_from_stdin_as_the_issue_prints_it() {
    // The decision's hourly example: PM2.5 NowCast 20.3, O3 136.1, NO2 118.7.
    let o = aqi(r#"{"kind":"hourly","pm25":[20.3,20.3,null,20.3],"o3_1h":136.1,"no2_1h":118.7}"#);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"aqi":59,"band":"Trung bình","rgb":[255,255,0],"dominant":"NO2",
            "per_pollutant":{"PM2.5":41,"O3":43,"NO2":59}})
    );
}

#[test]
fn aqi_daily_from_stdin() {
    // The decision's daily example: AQI^d = 110 from PM2.5.
    let o = aqi(r#"{"kind":"daily","pm25_24h":55.7,"o3_max_1h":114.6,"o3_max_8h":89.3,"no2_max_1h":130.8}"#);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["aqi"], 110);
    assert_eq!(v["band"], "Kém");
    assert_eq!(v["rgb"], serde_json::json!([255, 126, 0]));
    assert_eq!(v["dominant"], "PM2.5");
    assert_eq!(v["per_pollutant"], serde_json::json!({"PM2.5":110,"O3":45,"NO2":65}));
}

#[test]
fn aqi_refuses_what_the_rules_cannot_index() {
    for (input, says) in [
        (r#"{"kind":"hourly","o3_1h":50}"#, "PM2.5 or PM10"),
        (r#"{"kind":"hourly","pm25":[null,null,30,30,30]}"#, "PM2.5 or PM10"),
        (r#"{"kind":"daily","pm25_24h":-3}"#, "negative"),
        (r#"{"kind":"hourly","pm10":[10,-1]}"#, "negative"),
        (r#"{"kind":"monthly"}"#, "not an AQI request"),
        ("not json", "not an AQI request"),
    ] {
        let o = aqi(input);
        assert_eq!(o.status.code(), Some(1), "{input}");
        assert!(stdout(&o).is_empty(), "{input}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{input}: {err}");
    }
}

const CAP_SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>dh-2026-001</identifier><sender>pctt@quangtri.example</sender>
  <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>Update</msgType><scope>Public</scope>
  <references>pctt@quangtri.example,dh-2026-000,2026-11-28T07:00:00+07:00</references>
  <info><language>vi-VN</language><category>Met</category><event>Lũ</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Observed</certainty><effective>2026-11-29T07:00:00+07:00</effective>
    <onset>2026-11-29T08:00:00+07:00</onset><expires>2026-11-30T07:00:00+07:00</expires>
    <headline>Báo động II sông Hiếu</headline><description>Mực nước 2,3 m.</description><instruction>Tránh xa bờ sông.</instruction>
    <area><areaDesc>Phường Đông Hà</areaDesc>
      <polygon>16.80,107.08 16.84,107.08 16.84,107.12 16.80,107.12 16.80,107.08</polygon>
      <circle>16.8236,107.0986 1.5</circle>
      <geocode><valueName>ward</valueName><value>19333</value></geocode></area></info>
</alert>"#;

#[test]
fn cap_prints_the_alert_as_json_and_refuses_invalid_documents() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.xml");
    std::fs::write(&file, CAP_SAMPLE).unwrap();
    let o = cli(&dir.path().join("data"), &["cap", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["identifier"], "dh-2026-001");
    assert_eq!(v["msgType"], "Update");
    assert_eq!(v["references"][0]["identifier"], "dh-2026-000");
    let info = &v["info"][0];
    assert_eq!((info["language"].as_str(), info["severity"].as_str()), (Some("vi-VN"), Some("Severe")));
    assert_eq!(info["onset"], "2026-11-29T08:00:00+07:00");
    let area = &info["areas"][0];
    assert_eq!(area["polygons"][0][0], serde_json::json!([16.8, 107.08]));
    assert_eq!(area["circles"][0]["radius_km"], 1.5);
    assert_eq!(area["geocodes"][0]["value"], "19333");

    std::fs::write(&file, CAP_SAMPLE.replace(" 16.80,107.08</polygon>", "</polygon>")).unwrap();
    let o = cli(&dir.path().join("data"), &["cap", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("polygon"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn cap_reads_documents_in_every_publisher_shape() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/tests/fixtures/cap");
    let mut n = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let o = cli(&dir.path().join("data"), &["cap", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(v["identifier"].as_str().is_some_and(|s| !s.is_empty()), "{}", path.display());
        assert!(v["sent"].is_string() && v["msgType"].is_string() && v["info"].is_array());
        n += 1;
    }
    assert!(n >= 8);
    // An ISO-8859-1 document (not UTF-8) still reads.
    let latin = std::fs::read_to_string(fixtures.join("eu-meteoalarm.xml"))
        .unwrap()
        .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    let bytes: Vec<u8> = latin.chars().map(|c| if (c as u32) < 256 { c as u8 } else { b'?' }).collect();
    let file = dir.path().join("latin1.xml");
    std::fs::write(&file, bytes).unwrap();
    let o = cli(&dir.path().join("data"), &["cap", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("Service météo d'exemple"));
}

#[test]
fn receipt_draws_a_receipt_whose_qr_carries_code_and_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("receipt.png");
    let o = cli(&data, &["dossier", "000.00.15.H60-260318-0042"]);
    let code = stdout(&o).trim().to_owned();
    let o = cli(&data, &["receipt", &code, "--secret", "4821", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = cli(&data, &["qr", out.to_str().unwrap()]);
    assert_eq!(stdout(&o), format!("mycity://dossier/{code}?s=4821\n"));
    // A bad secret or no --out: refused.
    let o = cli(&data, &["receipt", &code, "--secret", "1", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(cli(&data, &["receipt", &code, "--secret", "4821"]).status.code(), Some(1));
}

#[test]
fn vietqr_prints_the_payload_and_draws_it() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("fee.png");
    let o = cli(
        dir.path(),
        &[
            "vietqr",
            "--bin",
            "970415",
            "--account",
            "113366668888",
            "--amount",
            "150.000",
            "--info",
            "000.00.00.H17-251103-0042",
            "--out",
            png.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o).trim().to_owned();
    assert!(text.starts_with("000201010212") && text.contains("00069704150112113366668888"), "{text}");
    assert!(text.contains("5406150000") && text.contains("0825000.00.00.H17-251103-0042"), "{text}");
    // The drawn code reads back as the same text.
    let read = cli(dir.path(), &["qr", png.to_str().unwrap()]);
    assert_eq!(stdout(&read).trim(), text);

    // An account with letters: a clear refusal, exit status 1, nothing on stdout.
    let bad = cli(dir.path(), &["vietqr", "--bin", "970415", "--account", "11336666ABC"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("account"), "{}", String::from_utf8_lossy(&bad.stderr));
}
