//! MyCity's reference backend: a real HTTP server on a real SQLite database,
//! speaking what a city's systems would. The app's demo mode and the tests
//! start it in-process on loopback with [`serve`] or [`spawn_background`].

mod air;
mod alerts;
pub mod auth;
mod consult;
mod db;
mod dossier;
mod dossier_seed;
mod feedback;
mod me;
mod open311;
pub mod photo;
mod reports;
pub mod scorecard;
mod scorecard_seed;
mod seed;
pub mod throttle;
pub mod tiles;
mod tourism;
mod transport;
pub mod tus;

use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::{DefaultBodyLimit, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Json, Router,
};
pub use db::Db;
use tokio::sync::oneshot;
use tower_http::{
    compression::{
        predicate::{DefaultPredicate, NotForContentType, Predicate},
        CompressionLayer,
    },
    timeout::TimeoutLayer,
};

pub use scorecard_seed::{seed_history, DEMO_DAYS, DEMO_REPORTS};
pub use throttle::{Limits, Rate};

/// Largest request body accepted (a pack with tens of thousands of places fits).
pub const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Server errors, each with a stable code and a message, sent as JSON.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400.
    #[error("{0}")]
    BadRequest(String),
    /// 401: a bearer token that does not hold (expired, forged, another issuer).
    #[error("{0}")]
    Unauthorized(String),
    /// 403.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409.
    #[error("{0}")]
    Conflict(String),
    /// 413.
    #[error("{0}")]
    TooLarge(String),
    /// 415.
    #[error("{0}")]
    Unsupported(String),
    /// 500.
    #[error("{0}")]
    Internal(String),
    /// 503: a service the server depends on (the identity provider) is down.
    #[error("{0}")]
    Unavailable(String),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Internal(format!("database: {e}"))
    }
}

impl Error {
    /// The HTTP status and the stable code of this error.
    fn status_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "invalid_token"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Error::Unsupported(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        self.status_code().0
    }

    /// The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3), so a client
    /// tells an expired or refused token from any other refusal.
    pub(crate) fn challenge(&self) -> Option<HeaderValue> {
        let Error::Unauthorized(why) = self else { return None };
        // Quotes and backslashes cannot appear inside the quoted string.
        let why: String = why.chars().filter(|c| *c != '"' && *c != '\\' && !c.is_control()).collect();
        HeaderValue::from_str(&format!("Bearer error=\"invalid_token\", error_description=\"{why}\"")).ok()
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_code();
        if status.is_server_error() {
            tracing::error!(%self, "request failed");
        }
        let challenge = self.challenge();
        let mut r = (status, Json(serde_json::json!({ "code": code, "message": self.to_string() }))).into_response();
        if let Some(c) = challenge {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, c);
        }
        r
    }
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database file, or `:memory:`.
    pub db: String,
    /// Load the bundled demo data.
    pub seed: bool,
    /// Key for Open311 POSTs.
    pub api_key: String,
    /// Key for staff endpoints under `/admin/`.
    pub admin_key: String,
    /// Extra pack directory to publish at start.
    pub packs_dir: Option<std::path::PathBuf>,
    /// Rate limits and the request timeout.
    pub limits: Limits,
    /// With `seed`, also six months of handled reports per city for the
    /// scorecard (the server binary's `--seed` and the app's demo server turn
    /// it on; off by default so a test counts only the reports it sends).
    pub history: bool,
    /// The identity provider whose access tokens sign a citizen in; `None`
    /// keeps the server anonymous-only (every bearer token is refused).
    pub oidc: Option<auth::OidcConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            db: ":memory:".into(),
            seed: true,
            api_key: "demo-key".into(),
            admin_key: "demo-admin".into(),
            packs_dir: None,
            limits: Limits::default(),
            history: false,
            oidc: None,
        }
    }
}

/// The city served when a request names no `jurisdiction_id`.
pub const DEFAULT_JURISDICTION: &str = "ha-giang";

pub(crate) struct AppState {
    db: Db,
    config: Config,
    dossier_limits: dossier::Limits,
    throttle: throttle::Throttle,
    scorecards: scorecard::Cache,
    verifier: auth::Verifier,
}

/// Runs SQLite and image work on tokio's blocking pool: a 10 MB photo insert
/// or a 32 MB pack parse must not stall the executor threads serving others.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Internal(format!("worker: {e}")))
}

type Shared = State<Arc<AppState>>;

/// The HTTP routes over an opened database.
pub fn router(db: Db, config: Config) -> Router {
    let timeout = config.limits.request_timeout;
    let verifier = auth::Verifier::new(config.oidc.clone());
    let state = Arc::new(AppState {
        db,
        config,
        throttle: throttle::Throttle::default(),
        dossier_limits: Default::default(),
        scorecards: Default::default(),
        verifier,
    });
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/api/v1/cities", get(cities))
        .route("/api/v1/cities/{slug}/pack", get(city_pack))
        .route("/admin/cities/{slug}/pack", put(publish_pack))
        .route("/admin/requests/{id}/updates", post(open311::staff_update))
        .route("/open311/discovery.json", get(open311::discovery))
        .route("/open311/v2/{file}", get(open311::get_root).post(open311::post_root))
        .route("/open311/v2/services/{file}", get(open311::get_service))
        .route("/open311/v2/requests/{file}", get(open311::get_request))
        .route("/open311/v2/tokens/{file}", get(open311::get_token))
        .route("/open311/v2/media/{file}", get(open311::get_media))
        .merge(air::routes())
        .merge(alerts::routes())
        .merge(consult::routes())
        .merge(tiles::routes())
        .merge(dossier::routes())
        .merge(tourism::routes())
        .merge(feedback::routes())
        .merge(scorecard::routes())
        .merge(me::routes())
        .merge(tus::routes())
        .fallback(|| async { Error::NotFound("no such endpoint".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), throttle::per_address))
        // A client that sends its body a byte a minute is cut off, not waited for.
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        // Clips are compressed already, and a compressed answer can carry no
        // byte ranges (`Accept-Ranges`, 206), which players seek with.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotForContentType::const_new("video/"))),
        )
        .with_state(state)
}

async fn cities(State(s): Shared) -> Result<Response, Error> {
    let list: Vec<serde_json::Value> = blocking(move || s.db.cities())
        .await??
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "slug": c.slug, "name": c.name, "version": c.version,
                "pack_url": format!("/api/v1/cities/{}/pack", c.slug),
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

/// True when `If-None-Match` names `etag` (or `*`); weak tags compare by value.
pub(crate) fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A JSON answer under `etag` (revalidated on every use), or 304 when the
/// client's `If-None-Match` already holds it.
pub(crate) fn json_with_etag(headers: &HeaderMap, etag: &str, body: String) -> Result<Response, Error> {
    let tag = HeaderValue::from_str(etag).map_err(|e| Error::Internal(e.to_string()))?;
    if etag_matches(headers, etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    Ok(fresh_json(tag, body))
}

/// A 200 JSON answer under `tag`, to be revalidated on every use.
fn fresh_json(tag: HeaderValue, body: String) -> Response {
    (
        [
            (header::ETAG, tag),
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn city_pack(State(s): Shared, Path(slug): Path<String>, headers: HeaderMap) -> Result<Response, Error> {
    let unknown = || Error::NotFound(format!("unknown city {slug:?}"));
    let (s2, slug2) = (s.clone(), slug.clone());
    let etag = blocking(move || s2.db.pack_etag(&slug2)).await??.ok_or_else(unknown)?;
    let (s2, slug2) = (s.clone(), slug.clone());
    let etag = blocking(move || tourism::etag_with_ratings(&s2.db.conn(), &slug2, &etag)).await??;
    let tag = HeaderValue::from_str(&etag).map_err(|e| Error::Internal(e.to_string()))?;
    if etag_matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let (s2, slug2) = (s.clone(), slug.clone());
    let pack = blocking(move || s2.db.pack(&slug2)).await??.ok_or_else(unknown)?;
    let slug2 = slug.clone();
    let body = blocking(move || tourism::body_with_ratings(&s.db.conn(), &slug2, pack.body)).await??;
    Ok(fresh_json(tag, body))
}

pub(crate) fn check_admin(headers: &HeaderMap, config: &Config) -> Result<(), Error> {
    let given = headers
        .get("x-admin-key")
        .or_else(|| headers.get(header::AUTHORIZATION))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("Bearer ").trim());
    match given {
        Some(k) if k == config.admin_key => Ok(()),
        _ => Err(Error::Forbidden("a valid admin key is required (X-Admin-Key)".into())),
    }
}

async fn publish_pack(
    State(s): Shared,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Error> {
    check_admin(&headers, &s.config)?;
    let slug2 = slug.clone();
    let version = blocking(move || s.db.publish_pack(&slug2, &body)).await??;
    Ok((StatusCode::OK, Json(serde_json::json!({ "slug": slug, "version": version }))).into_response())
}

/// Opens the database named in `config` and loads its data.
pub fn open_db(config: &Config) -> Result<Db, Error> {
    let db = Db::open(&config.db)?;
    if config.seed {
        seed::seed(&db)?;
        alerts::seed(&db.conn())?;
        transport::seed(&db.conn())?;
        consult::seed(&db.conn())?;
        dossier::seed(&db)?;
        if config.history {
            scorecard_seed::seed_demo(&db)?;
        }
    }
    if let Some(dir) = &config.packs_dir {
        seed::load_dir(&db, dir)?;
    }
    Ok(db)
}

/// A server running on the current tokio runtime.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, finishes in-flight requests and waits for the end.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(());
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Binds `addr` (port 0 picks a free port), then serves on the current tokio runtime.
pub async fn serve(addr: SocketAddr, config: Config) -> Result<Running, Error> {
    let db = open_db(&config)?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| Error::Internal(format!("cannot bind {addr}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| Error::Internal(e.to_string()))?;
    let app = router(db, config);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The peer address feeds the per-address rate limit.
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running { addr, stop, task })
}

/// A server on its own thread and runtime, for callers without one (the
/// desktop app's demo mode, synchronous tests). Dropping it stops the server.
pub struct Background {
    /// The bound address.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the server on a thread of its own and returns once it listens.
pub fn spawn_background(addr: SocketAddr, config: Config) -> Result<Background, Error> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("mycity-server".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(Error::Internal(format!("tokio runtime: {e}"))));
                    return;
                }
            };
            rt.block_on(async move {
                match serve(addr, config).await {
                    Ok(running) => {
                        let _ = ready_tx.send(Ok(running.addr));
                        let _ = stopped.await;
                        if let Err(e) = running.shutdown().await {
                            tracing::warn!(%e, "server shutdown");
                        }
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(|e| Error::Internal(format!("cannot start server thread: {e}")))?;
    let addr = ready_rx.recv().map_err(|_| Error::Internal("server thread ended early".into()))??;
    Ok(Background { addr, stop: Some(stop), thread: Some(thread) })
}

/// Parses an ISO 8601 date-time with offset (RFC 3339), the format Open311 uses.
pub(crate) fn instant(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// Current time as ISO 8601 with the Vietnam offset, the format of every date the server emits.
pub fn now_iso() -> String {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc()
        .to_offset(offset)
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_handles_lists_weak_and_star() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\", W/\"v1-x\""));
        assert!(etag_matches(&h, "\"v1-x\""));
        assert!(!etag_matches(&h, "\"v2-y\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(etag_matches(&h, "\"anything\""));
        assert!(!etag_matches(&HeaderMap::new(), "\"a\""));
    }

    #[test]
    fn now_iso_has_vietnam_offset() {
        assert!(now_iso().ends_with("+07:00"), "{}", now_iso());
    }
}
