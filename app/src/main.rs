//! `mycity-app`: the MyCity citizen app.
//!
//! `mycity-app [--server URL] [--data-dir PATH]` opens the desktop window;
//! `mycity-app --web --addr 127.0.0.1:8090` serves the same screens to a browser
//! (used by the end-to-end tests). With no `--server`, a desktop or browser
//! session starts the reference server in-process on loopback with demo data.

mod platform;
mod ui;
#[cfg(feature = "web-e2e")]
mod web;

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use mycity_core::{Config, MyCity};

const USAGE: &str = "usage: mycity-app [--server URL] [--data-dir PATH] [--web [--addr 127.0.0.1:8090]]";

const HELP: &str = "mycity-app: the MyCity citizen app (desktop window, or browser mode).

usage: mycity-app [--server URL] [--data-dir PATH] [--web [--addr HOST:PORT]]

  --server URL      The city's Open311 server. Without it a demo build (feature
                    demo-server, what `./mycity run` builds) starts the reference
                    server in-process on 127.0.0.1 with demo data; an installed
                    build uses the server its city pack names.
                    e.g. --server http://127.0.0.1:8080
  --data-dir PATH   Where the app keeps its database and photos (default: the
                    platform's data directory, ~/.local/share/mycity on Linux).
                    e.g. --data-dir /tmp/mycity-demo
  --web             Serve the screens to a browser instead of opening a window
                    (the end-to-end tests use it; demo builds only, feature web-e2e).
  --addr HOST:PORT  Browser mode's address (default 127.0.0.1:8090).
                    e.g. --web --addr 127.0.0.1:8090, then open http://127.0.0.1:8090/
  -h, --help        This text.

Logs go to stderr; RUST_LOG=debug shows more.";

#[derive(Debug, PartialEq)]
struct Args {
    server: Option<String>,
    data_dir: Option<PathBuf>,
    web: bool,
    addr: SocketAddr,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args { server: None, data_dir: None, web: false, addr: ([127, 0, 0, 1], 8090).into() };
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match a.as_str() {
            "--server" => out.server = Some(value("--server")?),
            "--data-dir" => out.data_dir = Some(value("--data-dir")?.into()),
            "--web" => out.web = true,
            "--addr" => out.addr = value("--addr")?.parse().map_err(|e| format!("--addr: {e}"))?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(out)
}

/// The server a phone build talks to when neither the person nor the city's
/// pack names one: set `MYCITY_SERVER_URL` when building (docs/MOBILE.md).
const BUILD_SERVER: Option<&str> = option_env!("MYCITY_SERVER_URL");

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    if std::env::args().skip(1).any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let data_dir = args.data_dir.clone().unwrap_or_else(platform::data_dir);

    // The demo server lives as long as `main`; dropping it stops it.
    #[cfg(feature = "demo-server")]
    let _demo;
    let server_url = match args.server.clone() {
        Some(url) => Some(url),
        #[cfg(feature = "demo-server")]
        None => {
            let cfg = mycity_server::Config { db: ":memory:".into(), history: true, ..Default::default() };
            match mycity_server::spawn_background(([127, 0, 0, 1], 0).into(), cfg) {
                Ok(bg) => {
                    let url = bg.url();
                    println!("demo server on {url}");
                    _demo = bg;
                    Some(url)
                }
                Err(e) => {
                    eprintln!("demo server did not start ({e}); using bundled data only");
                    None
                }
            }
        }
        #[cfg(not(feature = "demo-server"))]
        None => None,
    };

    let config = Config {
        data_dir: data_dir.clone(),
        server_url,
        default_server: BUILD_SERVER.map(str::to_owned),
        ..Default::default()
    };
    let core = match MyCity::open(config) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("mycity-app: cannot open data in {}: {e}", data_dir.display());
            return ExitCode::FAILURE;
        }
    };

    if args.web {
        #[cfg(feature = "web-e2e")]
        return web::run(args.addr, core);
        #[cfg(not(feature = "web-e2e"))]
        {
            eprintln!("this build has no browser mode (feature web-e2e)");
            return ExitCode::from(2);
        }
    }
    launch_native(core)
}

#[cfg(feature = "desktop")]
fn launch_native(core: Arc<MyCity>) -> ExitCode {
    use dioxus::desktop::{Config as WindowConfig, LogicalSize, WindowBuilder};
    let services = ui::Services { core, platform: Arc::new(platform::Desktop) };
    let window = WindowBuilder::new()
        .with_title("MyCity")
        .with_inner_size(LogicalSize::new(390.0, 844.0))
        .with_min_inner_size(LogicalSize::new(320.0, 480.0));
    dioxus::LaunchBuilder::desktop()
        .with_cfg(WindowConfig::new().with_window(window).with_menu(None).with_disable_context_menu(true))
        .with_context(services)
        .launch(ui::App);
    ExitCode::SUCCESS
}

#[cfg(all(feature = "mobile", not(feature = "desktop")))]
fn launch_native(core: Arc<MyCity>) -> ExitCode {
    let services = ui::Services { core, platform: Arc::new(platform::Phone) };
    dioxus::LaunchBuilder::mobile().with_context(services).launch(ui::App);
    ExitCode::SUCCESS
}

#[cfg(not(any(feature = "desktop", feature = "mobile")))]
fn launch_native(_core: Arc<MyCity>) -> ExitCode {
    eprintln!("this build has no window (enable feature desktop or mobile); use --web");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_the_documented_flags() {
        let a = args("--web --addr 127.0.0.1:0 --server http://127.0.0.1:9 --data-dir /tmp/x").unwrap();
        assert!(a.web);
        assert_eq!(a.addr.port(), 0);
        assert_eq!(a.server.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(a.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(args("--bogus").is_err());
        assert!(args("--server").is_err());
    }
}
