//! `mycity-cli`: the core without a screen, for cities, benchmarks and debugging.
//!
//! ```text
//! mycity-cli [--data-dir DIR] [--server URL] [--city SLUG] [--lang vi|en] COMMAND
//!   pack import PATH          import a pack (wire JSON, or a directory with pack.json + wards.geojson [+ gtfs/])
//!   pack list                 the stored cities and their pack versions
//!   search QUERY [--limit N]  folded place search in the city
//!   photo IN OUT [--thumb T]  prepare a photo as the app sends it (opens no store)
//!   qr IMAGE                  the text of every QR code in a picture, one a line (opens no store)
//!   outbox list               every send and where it stands
//!   outbox flush              send what is due now
//!   dossier CODE [--secret S] check a dossier code against the city's format and
//!                             print it normalised; with the receipt's secret, look it up
//!   receipt CODE --secret S --out FILE.png [--procedure NAME]
//!                             draw a printable receipt: code, secret and their QR (opens the store for the city's format)
//!   receipts --server URL --out DIR
//!                             the reference server's demo dossiers of the city (staff key
//!                             `$MYCITY_ADMIN_KEY`, default demo-admin), one receipt PNG each
//!   procedures [QUERY]        folded search of the city's procedure catalogue
//!                             (downloaded first when a server is set)
//!   status                    pack, server and sync state
//!   aqi                       VN_AQI of one JSON request on stdin (opens no store; prints JSON)
//!   air                       the city's air stations and their hourly VN_AQI (fetched first with --server)
//!   cap FILE.xml              parse a CAP 1.2 alert and print it as JSON (opens no store)
//!   alerts                    the city's alerts in force (from the store; `--refresh` asks the server first)
//!   plan [--hours H] [--mode walk|motorbike|car] [--from LAT,LON] [--interests KIND,…] [--round-trip]
//!                             plan the free time from now (default 3 h on foot from the centre)
//!   poster SITE --out DIR     write SITE.svg and SITE.png, the site's QR poster
//!   rate SITE STARS [COMMENT] rate a place (queued in the outbox)
//!   vietqr --bin BIN --account N [--amount DONG] [--info TEXT] [--reusable] [--out FILE.png|.svg]
//!                             the VietQR payload of a bank transfer (opens no store)
//! ```
//! Add `--json` for machine-readable output. Exit status: 0 done, 1 the
//! command failed (the reason on stderr), 2 the command line was wrong.

use std::{path::PathBuf, process::ExitCode};

use mycity_core::{photos, Config, Lang, MyCity};
use serde_json::json;

const USAGE: &str = "usage: mycity-cli [--data-dir DIR] [--server URL] [--city SLUG] [--lang vi|en] [--json] \
COMMAND\n  pack import PATH | pack list | search QUERY [--limit N] | photo IN OUT [--thumb PATH]\n  \
qr IMAGE | outbox list | outbox flush | dossier CODE [--secret S] | receipt CODE --secret S --out FILE [--procedure NAME] | receipts --out DIR | procedures [QUERY] [--limit N] | status | aqi < REQUEST.json | air | cap FILE.xml | alerts\n  \
plan [--hours H] [--mode walk|motorbike|car] [--from LAT,LON] [--interests K,…] [--round-trip] | \
poster SITE --out DIR | rate SITE STARS [COMMENT]\n  \
vietqr --bin BIN --account N [--amount DONG] [--info TEXT] [--reusable] [--out FILE.png|.svg]";

/// The command line, read.
#[derive(Debug, Default, PartialEq)]
struct Cli {
    data_dir: Option<PathBuf>,
    server: Option<String>,
    city: Option<String>,
    lang: Option<Lang>,
    json: bool,
    limit: usize,
    thumb: Option<PathBuf>,
    secret: Option<String>,
    words: Vec<String>,
    hours: Option<f64>,
    mode: Option<String>,
    from: Option<String>,
    interests: Vec<String>,
    round_trip: bool,
    out: Option<PathBuf>,
    procedure: Option<String>,
    bin: Option<String>,
    account: Option<String>,
    amount: Option<String>,
    info: Option<String>,
    reusable: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Cli, String> {
    let mut cli = Cli { limit: 20, ..Cli::default() };
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match a.as_str() {
            "--data-dir" => cli.data_dir = Some(value("--data-dir")?.into()),
            "--server" => cli.server = Some(value("--server")?),
            "--city" => cli.city = Some(value("--city")?),
            "--lang" => cli.lang = Some(Lang::parse(&value("--lang")?)),
            "--limit" => cli.limit = value("--limit")?.parse().map_err(|e| format!("--limit: {e}"))?,
            "--thumb" => cli.thumb = Some(value("--thumb")?.into()),
            "--secret" => cli.secret = Some(value("--secret")?),
            "--json" => cli.json = true,
            "--hours" => cli.hours = Some(value("--hours")?.parse().map_err(|e| format!("--hours: {e}"))?),
            "--mode" => cli.mode = Some(value("--mode")?),
            "--from" => cli.from = Some(value("--from")?),
            "--interests" => cli.interests = value("--interests")?.split(',').map(|k| k.trim().to_owned()).collect(),
            "--round-trip" => cli.round_trip = true,
            "--out" => cli.out = Some(value("--out")?.into()),
            "--procedure" => cli.procedure = Some(value("--procedure")?),
            "--bin" => cli.bin = Some(value("--bin")?),
            "--account" => cli.account = Some(value("--account")?),
            "--amount" => cli.amount = Some(value("--amount")?),
            "--info" => cli.info = Some(value("--info")?),
            "--reusable" => cli.reusable = true,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => cli.words.push(a),
        }
    }
    if cli.words.is_empty() {
        return Err(USAGE.into());
    }
    Ok(cli)
}

/// `$MYCITY_DATA_DIR`, else the app's own data directory.
fn data_dir(cli: &Cli) -> PathBuf {
    cli.data_dir
        .clone()
        .or_else(|| std::env::var_os("MYCITY_DATA_DIR").map(PathBuf::from))
        .or_else(mycity_core::desktop_data_dir)
        .unwrap_or_else(|| PathBuf::from("mycity-data"))
}

fn open(cli: &Cli) -> Result<MyCity, String> {
    let config = Config { data_dir: data_dir(cli), server_url: cli.server.clone(), ..Default::default() };
    let core = MyCity::open(config).map_err(|e| e.to_string())?;
    if let Some(city) = &cli.city {
        core.set_city(city).map_err(|e| e.to_string())?;
    }
    if let Some(lang) = cli.lang {
        core.set_lang(lang).map_err(|e| e.to_string())?;
    }
    Ok(core)
}

fn print(cli: &Cli, value: serde_json::Value, text: impl FnOnce() -> String) {
    if cli.json {
        println!("{value}");
    } else {
        println!("{}", text());
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    let words: Vec<&str> = cli.words.iter().map(String::as_str).collect();
    let err = |e: mycity_core::Error| e.to_string();
    match words.as_slice() {
        ["photo", input, output] => photo(cli, input, output),
        ["qr", image] => qr(cli, image),
        ["aqi"] => {
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).map_err(|e| format!("stdin: {e}"))?;
            let index = mycity_core::air::aqi::evaluate(&input).map_err(err)?;
            println!("{}", json!(index));
            Ok(())
        }
        ["cap", path] => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            // Documents that are not UTF-8 are in practice ISO-8859-1, whose bytes are the code points.
            let xml = String::from_utf8(bytes).unwrap_or_else(|e| e.into_bytes().iter().map(|&b| b as char).collect());
            let alert = mycity_core::alerts::parse_cap(&xml).map_err(err)?;
            let json = serde_json::to_string_pretty(&alert).map_err(|e| e.to_string())?;
            println!("{json}");
            Ok(())
        }
        ["alerts"] => {
            let core = open(cli)?;
            let list = core.alerts(None).map_err(err)?;
            print(cli, json!(list), || {
                let lines: Vec<String> = list
                    .alerts
                    .iter()
                    .map(|a| {
                        format!("{} {:?} {} ({})", if a.relevant { '*' } else { ' ' }, a.severity, a.headline, a.area)
                    })
                    .collect();
                lines.join("\n")
            });
            Ok(())
        }
        ["pack", "import", path] => {
            let core = open(cli)?;
            let outcome = core.import_pack_path(std::path::Path::new(path)).map_err(err)?;
            print(cli, json!({ "outcome": format!("{outcome:?}") }), || format!("{outcome:?}"));
            Ok(())
        }
        ["pack", "list"] => {
            let core = open(cli)?;
            let cities = core.cities().map_err(err)?;
            let current = core.city_slug();
            print(cli, json!(cities), || {
                let lines: Vec<String> = cities
                    .iter()
                    .map(|c| format!("{} {:10} {}", if c.slug == current { '*' } else { ' ' }, c.slug, c.name.vi))
                    .collect();
                lines.join("\n")
            });
            Ok(())
        }
        ["search", query @ ..] if !query.is_empty() => {
            let core = open(cli)?;
            let found = core.search_places(&query.join(" "), cli.limit).map_err(err)?;
            let lang = core.lang().code();
            print(cli, json!(found), || {
                let lines: Vec<String> = found.iter().map(|p| format!("{}\t{}", p.id, p.name.get(lang))).collect();
                lines.join("\n")
            });
            Ok(())
        }
        ["outbox", "list"] => {
            let core = open(cli)?;
            let items = core.outbox().map_err(err)?;
            print(cli, json!(items), || {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| {
                        let note = i.last_error.as_deref().unwrap_or("");
                        format!("{} {:7} {:9} {:8} tries {} {note}", i.id, i.kind, i.city, i.state, i.attempts)
                    })
                    .collect();
                if lines.is_empty() {
                    "the outbox is empty".to_owned()
                } else {
                    lines.join("\n")
                }
            });
            Ok(())
        }
        ["outbox", "flush"] => {
            let core = open(cli)?;
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            let flush = rt.block_on(core.flush_outbox()).map_err(err)?;
            print(cli, json!(flush), || {
                let stopped = flush.stopped.as_deref().map(|s| format!(" (stopped: {s})")).unwrap_or_default();
                format!("sent {}, refused {}, still waiting {}{stopped}", flush.sent, flush.rejected, flush.waiting)
            });
            Ok(())
        }
        ["dossier", code @ ..] if !code.is_empty() => {
            let core = open(cli)?;
            let code = core.check_dossier_code(&code.join(" ")).map_err(err)?;
            let Some(secret) = &cli.secret else {
                print(cli, json!({ "code": code }), || code.clone());
                return Ok(());
            };
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            let d = rt.block_on(core.lookup_dossier(&code, Some(secret))).map_err(err)?;
            print(cli, json!(d), || {
                let mut lines = vec![
                    format!("{} {} ({:?})", d.reply.code, d.status_label, d.standing),
                    format!("{} — {}", d.reply.procedure_name, d.reply.agency),
                ];
                lines.extend(
                    d.reply.history.iter().map(|s| format!("  {} [{}] {} {}", s.at, s.status.code(), s.unit, s.note)),
                );
                lines.join("\n")
            });
            Ok(())
        }
        ["procedures", query @ ..] => {
            let core = open(cli)?;
            if cli.server.is_some() {
                let rt =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
                rt.block_on(core.refresh_procedures()).map_err(err)?;
            }
            let found = core.search_procedures(&query.join(" "), "", cli.limit).map_err(err)?;
            print(cli, json!(found), || {
                let lines: Vec<String> = found.iter().map(|p| format!("{}\t{}", p.code, p.name)).collect();
                lines.join("\n")
            });
            Ok(())
        }
        ["air"] => {
            let core = open(cli)?;
            if cli.server.is_some() {
                let rt =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
                rt.block_on(core.refresh_air()).map_err(err)?;
            }
            let air = core.air_quality(None).map_err(err)?;
            let t = core.texts();
            let lang = core.lang().code();
            print(cli, json!(air), || {
                let lines: Vec<String> = air
                    .stations
                    .iter()
                    .map(|s| {
                        let index = match &s.aqi {
                            Some(a) => format!(
                                "{:>3} {} ({})",
                                a.aqi,
                                t.get(&format!("air-band-{}", a.band.key())),
                                a.dominant
                            ),
                            None => t.get(&format!("problem-{}", s.no_index.as_deref().unwrap_or("air-no-data"))),
                        };
                        let stale = if s.stale && s.hour.is_some() {
                            format!(" [{}]", t.get("air-stale"))
                        } else {
                            String::new()
                        };
                        format!("{:10} {:32} {index}{stale}", s.station.id, s.station.name.get(lang))
                    })
                    .collect();
                lines.join("\n")
            });
            Ok(())
        }
        ["status"] => {
            let core = open(cli)?;
            let s = core.sync_status().map_err(err)?;
            print(cli, json!(s), || {
                format!(
                    "city {} pack v{} ({:?}), server {}, {} waiting",
                    core.city_slug(),
                    s.pack_version,
                    s.source,
                    s.server.as_deref().unwrap_or("none"),
                    s.engine.waiting
                )
            });
            Ok(())
        }
        ["plan"] => plan(cli),
        ["receipt", code @ ..] if !code.is_empty() => {
            let out = cli.out.clone().ok_or_else(|| format!("receipt needs --out FILE.png\n{USAGE}"))?;
            let secret = cli.secret.clone().ok_or_else(|| format!("receipt needs --secret S\n{USAGE}"))?;
            let core = open(cli)?;
            let png =
                core.receipt_png(&code.join(" "), &secret, cli.procedure.as_deref().unwrap_or("")).map_err(err)?;
            std::fs::write(&out, &png).map_err(|e| format!("{}: {e}", out.display()))?;
            print(cli, json!({ "png": out }), || format!("{}", out.display()));
            Ok(())
        }
        ["receipts"] => demo_receipts(cli),
        ["poster", site] => {
            let out = cli.out.clone().ok_or_else(|| format!("poster needs --out DIR\n{USAGE}"))?;
            let core = open(cli)?;
            let poster = core.poster(site).map_err(err)?;
            std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let (svg, png) = (out.join(format!("{site}.svg")), out.join(format!("{site}.png")));
            std::fs::write(&svg, &poster.svg).map_err(|e| format!("{}: {e}", svg.display()))?;
            std::fs::write(&png, &poster.png).map_err(|e| format!("{}: {e}", png.display()))?;
            print(cli, json!({ "payload": poster.payload, "svg": svg, "png": png }), || {
                format!("{} → {} and {}", poster.payload, svg.display(), png.display())
            });
            Ok(())
        }
        ["rate", site, stars, comment @ ..] => {
            let core = open(cli)?;
            let stars: u8 = stars.parse().map_err(|_| format!("stars must be 1–5, not {stars:?}"))?;
            let id = core.rate_place(site, stars, &comment.join(" ")).map_err(err)?;
            print(cli, json!({ "id": id }), || format!("queued {id}"));
            Ok(())
        }
        ["vietqr"] => vietqr(cli),
        _ => Err(format!("unknown command {:?}\n{USAGE}", cli.words.join(" "))),
    }
}

fn vietqr(cli: &Cli) -> Result<(), String> {
    use mycity_core::vietqr;
    let need = |v: &Option<String>, flag: &str| v.clone().ok_or_else(|| format!("vietqr needs {flag}\n{USAGE}"));
    // Amounts are written as people write them: "150000", "150.000" or "150,000".
    let amount = match &cli.amount {
        Some(a) => Some(
            a.replace(['.', ',', ' '], "")
                .parse::<u64>()
                .map_err(|_| format!("--amount: a whole number of đồng, more than 0, not {a:?}"))?,
        ),
        None => None,
    };
    let transfer = vietqr::Transfer {
        bin: need(&cli.bin, "--bin")?,
        account: need(&cli.account, "--account")?,
        amount,
        info: cli.info.clone(),
        reusable: cli.reusable,
    };
    let payload = vietqr::payload(&transfer).map_err(|e| e.to_string())?;
    if let Some(cut) = &payload.info_cut {
        eprintln!("the reference was cut to {} characters; left out: {cut:?}", vietqr::MAX_INFO);
    }
    if let Some(out) = &cli.out {
        let drawn = if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            mycity_core::qr::svg(&payload.text, 8).map(String::into_bytes)
        } else {
            mycity_core::qr::png(&payload.text, 8)
        };
        std::fs::write(out, drawn.map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    print(cli, json!(payload), || payload.text.clone());
    Ok(())
}

fn plan(cli: &Cli) -> Result<(), String> {
    use mycity_core::tourism::{planner::Mode, PlanRequest};
    let core = open(cli)?;
    let err = |e: mycity_core::Error| core.texts().error(&e);
    let mode = match cli.mode.as_deref() {
        None => Mode::Walk,
        Some(m) => Mode::parse(m).ok_or_else(|| format!("--mode is walk, motorbike or car, not {m:?}"))?,
    };
    let start = match cli.from.as_deref() {
        None => core.city().map_err(err)?.center,
        Some(f) => {
            let (lat, lon) = f.split_once(',').ok_or_else(|| format!("--from LAT,LON, not {f:?}"))?;
            let n = |s: &str| s.trim().parse::<f64>().map_err(|e| format!("--from: {e}"));
            mycity_core::LatLon { lat: n(lat)?, lon: n(lon)? }
        }
    };
    let hours = cli.hours.unwrap_or(3.0);
    let req = PlanRequest {
        start,
        start_at: time::OffsetDateTime::now_utc().unix_timestamp(),
        minutes: (hours * 60.0).round().clamp(0.0, 100_000.0) as u32,
        interests: cli.interests.clone(),
        mode,
        round_trip: cli.round_trip,
    };
    let plan = core.plan_visit(&req).map_err(err)?;
    let offset = core.city().map_err(err)?.utc_offset();
    let clock = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .map(|d| d.to_offset(offset))
            .map(|d| format!("{:02}:{:02}", d.hour(), d.minute()))
            .unwrap_or_default()
    };
    let lang = core.lang().code();
    print(cli, json!(plan), || {
        let mut lines: Vec<String> = plan
            .stops
            .iter()
            .map(|s| {
                format!(
                    "{}–{}  {} (+{} min on the way)\t{}",
                    clock(s.begin),
                    clock(s.leave),
                    s.place.name.get(lang),
                    s.travel_min,
                    s.place.id
                )
            })
            .collect();
        lines.push(format!("done at {} ({} of {} min)", clock(plan.ends_at), plan.minutes, req.minutes));
        lines.join("\n")
    });
    Ok(())
}

/// Prepares one photo as the app would, without opening a store: this is
/// the whole command the photo benchmark times.
fn photo(cli: &Cli, input: &str, output: &str) -> Result<(), String> {
    let file = std::fs::File::open(input).map_err(|e| format!("{input}: {e}"))?;
    // Mapped, not read: the decoder then takes the file as it goes, as djpeg
    // does, instead of waiting for a 10 MB copy (~6 ms of a ~80 ms command).
    // SAFETY: the map is read-only and dropped before this returns. Were the
    // file cut short by another process meanwhile, reading past its new end
    // would stop this one-shot command with SIGBUS; the app itself never
    // maps: it gets the picker's bytes.
    let raw = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("{input}: {e}"))?;
    let p = photos::process(&raw).map_err(|e| e.to_string())?;
    std::fs::write(output, &p.jpeg).map_err(|e| format!("{output}: {e}"))?;
    if let Some(thumb) = &cli.thumb {
        std::fs::write(thumb, &p.thumbnail).map_err(|e| format!("{}: {e}", thumb.display()))?;
    }
    if cli.json {
        let gps = p.gps.map(|g| json!({ "lat": g.lat, "lon": g.lon }));
        let v = json!({ "width": p.width, "height": p.height, "bytes": p.jpeg.len(), "thumbnail_bytes": p.thumbnail.len(), "gps": gps });
        println!("{v}");
    }
    Ok(())
}

/// Writes a receipt PNG for each of the reference server's demo dossiers in
/// the city (one per status), named `<city>-<seq>-<status>.png`.
fn demo_receipts(cli: &Cli) -> Result<(), String> {
    let out = cli.out.clone().ok_or_else(|| format!("receipts needs --out DIR\n{USAGE}"))?;
    let server = cli.server.clone().ok_or_else(|| format!("receipts needs --server URL\n{USAGE}"))?;
    let core = open(cli)?;
    let city = core.city().map_err(|e| e.to_string())?.slug;
    let key = std::env::var("MYCITY_ADMIN_KEY").unwrap_or_else(|_| "demo-admin".into());
    let url = format!("{}/admin/dossiers/demo-receipts?city={city}", server.trim_end_matches('/'));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let list: Vec<serde_json::Value> = rt.block_on(async {
        let r = reqwest::Client::new()
            .get(&url)
            .header("X-Admin-Key", key)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !r.status().is_success() {
            return Err(format!("{url}: HTTP {}", r.status()));
        }
        r.json().await.map_err(|e| format!("{url}: {e}"))
    })?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut written = Vec::new();
    for d in &list {
        let field = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
        let (code, secret) = (field("code"), field("secret"));
        let seq = code.rsplit('-').next().unwrap_or_default().to_owned();
        let png = core.receipt_png(&code, &secret, &field("procedure_name")).map_err(|e| format!("{code}: {e}"))?;
        let path = out.join(format!("{city}-{seq}-{}.png", d["status"].as_u64().unwrap_or_default()));
        std::fs::write(&path, &png).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(json!({ "code": code, "secret": secret, "status": d["status"], "png": path }));
    }
    if written.is_empty() {
        return Err(format!("{url}: no demo dossiers"));
    }
    print(cli, json!(written), || {
        written.iter().map(|w| format!("{}\t{}\t{}", w["code"], w["secret"], w["png"])).collect::<Vec<_>>().join("\n")
    });
    Ok(())
}

/// Prints the text of every QR code in a picture, without opening a store;
/// no code at all is a failure, so scripts can tell.
fn qr(cli: &Cli, image: &str) -> Result<(), String> {
    let bytes = std::fs::read(image).map_err(|e| format!("{image}: {e}"))?;
    let texts = mycity_core::qr::decode(&bytes).map_err(|e| format!("{image}: {e}"))?;
    if cli.json {
        println!("{}", json!(texts));
    } else {
        for t in &texts {
            println!("{t}");
        }
    }
    if texts.is_empty() {
        return Err(format!("{image}: no QR code found"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.starts_with("unknown command") => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("mycity-cli: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Cli, String> {
        parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn reads_options_anywhere_and_words_in_order() {
        let c = args("--city da-nang search dong van --limit 5 --json").unwrap();
        assert_eq!(c.words, ["search", "dong", "van"]);
        assert_eq!((c.city.as_deref(), c.limit, c.json), (Some("da-nang"), 5, true));
        assert!(args("").is_err());
        assert!(args("--limit x search a").is_err());
        assert!(args("--bogus status").is_err());
        assert!(args("search --city").is_err());
    }
}
