//! `mycity-server`: the reference backend as a command.
//!
//! `mycity-server --addr 127.0.0.1:8080 --db PATH|:memory: --seed [--api-key KEY] [--admin-key KEY] [--packs DIR]`

use std::{net::SocketAddr, process::ExitCode};

use mycity_server::Config;

const USAGE: &str = "usage: mycity-server [--addr 127.0.0.1:8080] [--db PATH|:memory:] [--seed] \
[--no-history] [--api-key KEY] [--admin-key KEY] [--packs DIR] [--oidc-issuer URL --oidc-audience AUD [--oidc-client-id ID]] [--no-rate-limit]";

const HELP: &str = "mycity-server: MyCity's reference backend (Open311 GeoReport v2, city packs, demo data).

usage: mycity-server [--addr HOST:PORT] [--db PATH|:memory:] [--seed [--no-history]]
                     [--api-key KEY] [--admin-key KEY] [--packs DIR]
                     [--oidc-issuer URL --oidc-audience AUD [--oidc-client-id ID]]

  --addr HOST:PORT   Where to listen (default 127.0.0.1:8080).
  --db PATH          SQLite database file (default mycity-server.sqlite);
                     :memory: keeps everything in memory. e.g. --db /tmp/city.sqlite
  --seed             Load the bundled demo city packs and their categories, and
                     accept the demo keys api_key=demo-key and X-Admin-Key: demo-admin;
                     adds six months of handled reports per city (the scorecard's).
  --no-history       With --seed, leave out those six months of reports.
  --api-key KEY      The Open311 api_key clients must send when posting
                     (required without --seed).
  --admin-key KEY    The staff key for /admin/* endpoints, sent as the
                     X-Admin-Key header (required without --seed).
  --packs DIR        Also publish packs from DIR/<slug>/{pack.json,wards.geojson}.
  --oidc-issuer URL  Let citizens sign in with this OpenID Connect provider
                     (optional; anonymous use never needs it). The server
                     reads URL/.well-known/openid-configuration, fetches the
                     provider's keys (jwks_uri) and accepts, as
                     `Authorization: Bearer`, access tokens that are JWTs
                     signed RS256 or ES256 with those keys, issued by exactly
                     URL, for --oidc-audience, and not expired. Their `sub` is
                     the account: it files reports (Open311 account_id), lists
                     /api/v1/me/requests and /api/v1/me/dossiers, and opens the
                     account's own dossiers without the receipt's secret. A bad
                     token gets 401 with WWW-Authenticate: Bearer error=\"invalid_token\".
                     e.g. --oidc-issuer https://id.city.gov.vn/realms/citizens
  --oidc-audience AUD
                     The audience (`aud`) tokens must carry: this API's resource
                     indicator at the provider. e.g. https://api.city.gov.vn/
  --oidc-client-id ID
                     The app's client id at the provider (default mycity): a
                     public native client, PKCE, redirect URIs
                     http://127.0.0.1/callback (any port) and
                     vn.gov.mycity:/oauth2redirect. The app reads issuer,
                     client id and audience from GET /api/v1/signin.
  -h, --help         This text.

Example:
  mycity-server --addr 127.0.0.1:8080 --db :memory: --seed
  curl 'http://127.0.0.1:8080/open311/v2/services.json?jurisdiction_id=da-nang'
  curl -X POST http://127.0.0.1:8080/admin/requests/1/updates -H 'X-Admin-Key: demo-admin' \\
       -H 'content-type: application/json' -d '{\"status\":\"fixed\",\"description\":\"Đã vá\"}'";

fn parse(args: impl Iterator<Item = String>) -> Result<(SocketAddr, Config), String> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut config = Config { db: "mycity-server.sqlite".into(), seed: false, ..Config::default() };
    let (mut api_key, mut admin_key) = (None, None);
    let mut no_history = false;
    let (mut issuer, mut audience, mut client_id) = (None, None, None);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => addr = value("--addr")?.parse().map_err(|e| format!("--addr: {e}"))?,
            "--db" => config.db = value("--db")?,
            "--seed" => config.seed = true,
            "--no-history" => no_history = true,
            "--api-key" => api_key = Some(value("--api-key")?),
            "--admin-key" => admin_key = Some(value("--admin-key")?),
            "--packs" => config.packs_dir = Some(value("--packs")?.into()),
            "--oidc-issuer" => issuer = Some(value("--oidc-issuer")?),
            "--oidc-audience" => audience = Some(value("--oidc-audience")?),
            "--oidc-client-id" => client_id = Some(value("--oidc-client-id")?),
            // For the load benchmark only: one address sends everything there.
            "--no-rate-limit" => config.limits = mycity_server::Limits::unlimited(),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    config.history = config.seed && !no_history;
    // Without --seed there are no demo keys: a real deployment must choose its own.
    let demo = |k: &str| if config.seed { Some(k.to_owned()) } else { None };
    config.api_key = api_key.or_else(|| demo("demo-key")).ok_or("--api-key is required without --seed")?;
    config.admin_key = admin_key.or_else(|| demo("demo-admin")).ok_or("--admin-key is required without --seed")?;
    config.oidc = match (issuer, audience) {
        (None, None) => None,
        (Some(issuer), Some(audience)) => {
            if !mycity_server::auth::acceptable_issuer(&issuer) {
                return Err("--oidc-issuer must be an https:// URL (http:// only on loopback, for development)".into());
            }
            let client_id = client_id.unwrap_or_else(|| mycity_server::auth::DEFAULT_CLIENT_ID.to_owned());
            Some(mycity_server::auth::OidcConfig { issuer, audience, client_id })
        }
        _ => return Err("--oidc-issuer and --oidc-audience go together".into()),
    };
    Ok((addr, config))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    if std::env::args().skip(1).any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let (addr, config) = match parse(std::env::args().skip(1)) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let running = match mycity_server::serve(addr, config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mycity-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("mycity-server listening on http://{}", running.addr);
    wait_for_signal().await;
    match running.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mycity-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> impl Iterator<Item = String> + '_ {
        s.split_whitespace().map(str::to_owned)
    }

    #[test]
    fn seed_gives_demo_keys() {
        let (addr, c) = parse(args("--addr 127.0.0.1:0 --db :memory: --seed")).unwrap();
        assert_eq!(addr.port(), 0);
        assert_eq!((c.api_key.as_str(), c.admin_key.as_str()), ("demo-key", "demo-admin"));
        assert!(c.history, "the scorecard's six months come with the demo");
        let (_, c) = parse(args("--no-history --seed")).unwrap();
        assert!(c.seed && !c.history);
    }

    #[test]
    fn no_seed_needs_keys_and_bad_args_are_errors() {
        assert!(parse(args("--db :memory:")).is_err());
        assert!(parse(args("--db :memory: --api-key a --admin-key b")).is_ok());
        assert!(parse(args("--addr nonsense")).is_err());
        assert!(parse(args("--frobnicate")).unwrap_err().contains("unknown argument"));
    }

    #[test]
    fn oidc_needs_issuer_and_audience_and_https_off_loopback() {
        let (_, c) = parse(args("--seed --oidc-issuer http://127.0.0.1:9000 --oidc-audience urn:x")).unwrap();
        assert_eq!(c.oidc.map(|o| o.issuer), Some("http://127.0.0.1:9000".to_owned()));
        assert!(parse(args("--seed --oidc-issuer https://id.example")).is_err());
        assert!(parse(args("--seed --oidc-issuer http://id.example --oidc-audience a")).is_err());
        assert!(parse(args("--seed --oidc-issuer http://127.0.0.1.example --oidc-audience a")).is_err());
        assert!(parse(args("--seed")).unwrap().1.oidc.is_none());
    }
}
