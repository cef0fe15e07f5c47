//! The HTTP client for every server call. Replies are parsed into typed
//! values here, at the edge, and failures are narrowed to [`Error`]: the rest
//! of the core never sees a status code or a JSON tree.

mod account;
mod alerts;
mod dossier;
mod feedback;
mod open311;
mod tourism;
pub mod tus;

use std::time::Duration;

use reqwest::{header, StatusCode};

pub use self::{
    dossier::Catalogue,
    open311::{Post, ServiceWithQuestions},
};
use crate::{Error, Problem, Result};

/// A conditional download's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The server's copy equals ours (HTTP 304).
    NotModified,
    /// A new body, with the ETag to send next time.
    Body {
        /// Response body.
        body: String,
        /// The `ETag` header, if any.
        etag: Option<String>,
    },
}

/// Default limit for one request, photo upload included, on a slow mobile network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A client bound to one server.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

/// Largest city pack read from a server (the server's own body limit).
pub const MAX_PACK_BYTES: usize = 32 * 1024 * 1024;

/// Largest JSON or XML answer read from a server; a list of 1,000 requests is well under.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// Largest error body read (only its message is kept).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Checks a server URL as a person might type it; returns it without a
/// trailing `/`. Plain `http://` is only for this device's own loopback (the
/// demo server): anywhere else reports, names and phone numbers would cross
/// the network readable by anyone on the path.
pub fn normalize_url(url: &str) -> Result<String> {
    let base = url.trim().trim_end_matches('/').to_owned();
    let bad = |base: String| -> Error {
        Problem::new("server-url", format!("server URL must start with http:// or https://, got {base:?}"))
            .field("server")
            .arg("url", base)
            .into()
    };
    let (rest, https) = match (base.strip_prefix("http://"), base.strip_prefix("https://")) {
        (Some(rest), _) => (rest, false),
        (_, Some(rest)) => (rest, true),
        _ => return Err(bad(base)),
    };
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(bad(base));
    }
    if !https && !is_loopback(rest) {
        return Err(Problem::new(
            "server-url-insecure",
            format!("a server other than this device must use https://, got {base:?}"),
        )
        .field("server")
        .arg("url", base)
        .into());
    }
    Ok(base)
}

/// True when the authority (`host[:port][/path]`) names this device.
fn is_loopback(authority: &str) -> bool {
    let hostport = authority.split(['/', '?', '#']).next().unwrap_or_default();
    // Userinfo would let `http://127.0.0.1@evil.example` pass a prefix check.
    if hostport.contains('@') {
        return false;
    }
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        hostport.rsplit_once(':').map_or(hostport, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Reads a response body, refusing more than `max` bytes: a broken or hostile
/// server must not make the phone buffer without end. Too large counts as a
/// bad gateway (transient, so sends are retried, never dropped).
pub(crate) async fn read_body(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>> {
    let too_large = || Error::Server {
        status: 502,
        message: format!("the server's answer is larger than {max} bytes"),
        retry_after_s: None,
    };
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if out.len() + chunk.len() > max {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

impl Api {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`),
    /// giving up on a request after `timeout` (a hung server must not hold the
    /// outbox forever; the send is retried later).
    pub fn new(base: &str, timeout: Duration) -> Result<Api> {
        let base = normalize_url(base)?;
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .gzip(true)
            .user_agent(concat!("MyCity/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        Ok(Api { http, base })
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Downloads `url` (absolute, any host: a city's tile source may live
    /// elsewhere) through this client, refusing bodies over `limit` bytes.
    pub async fn get_bytes(&self, url: &str, limit: usize) -> Result<Vec<u8>> {
        let resp = self.http.get(url).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(Error::Network(format!("{url}: body over {limit} bytes")));
        }
        let body = resp.bytes().await?;
        if body.len() > limit {
            return Err(Error::Network(format!("{url}: body over {limit} bytes")));
        }
        Ok(body.to_vec())
    }

    /// Downloads a city pack, unless `etag` still matches.
    pub async fn city_pack(&self, slug: &str, etag: Option<&str>) -> Result<Fetched> {
        let url = format!("{}/api/v1/cities/{slug}/pack", self.base);
        let mut req = self.http.get(&url);
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let resp = req.send().await?;
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok(Fetched::NotModified),
            s if s.is_success() => {
                let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
                let bytes = read_body(resp, MAX_PACK_BYTES).await?;
                let body = String::from_utf8(bytes).map_err(|_| Error::Server {
                    status: 502,
                    message: "the city pack is not UTF-8 text".into(),
                    retry_after_s: None,
                })?;
                Ok(Fetched::Body { body, etag })
            }
            _ => Err(server_error(resp).await),
        }
    }

    /// GETs `path` (from the server's root), unless `etag` still matches: the
    /// conditional download every refreshed feed uses.
    pub async fn get_if_changed(&self, path: &str, etag: Option<&str>) -> Result<Fetched> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let resp = req.send().await?;
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok(Fetched::NotModified),
            s if s.is_success() => {
                let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
                Ok(Fetched::Body { body: resp.text().await?, etag })
            }
            _ => Err(server_error(resp).await),
        }
    }
}

/// Turns an error response into [`Error::Server`], keeping the server's own
/// message (`{"code", "message"}`, or Open311's `[{"code", "description"}]`)
/// and its `Retry-After` in seconds.
async fn server_error(resp: reqwest::Response) -> Error {
    let status = resp.status();
    let retry_after_s = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = read_body(resp, MAX_ERROR_BYTES).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    Error::Server { status: status.as_u16(), message: server_message(status, &text), retry_after_s }
}

fn server_message(status: StatusCode, body: &str) -> String {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Body {
        Open311(Vec<mycity_protocol::open311::ErrorItem>),
        Api { message: String },
    }
    match serde_json::from_str::<Body>(body) {
        Ok(Body::Open311(items)) if !items.is_empty() => {
            items.into_iter().map(|i| i.description).collect::<Vec<_>>().join("; ")
        }
        Ok(Body::Api { message }) => message,
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_in_either_shape() {
        let bad = StatusCode::BAD_REQUEST;
        assert_eq!(
            server_message(bad, r#"[{"code":400,"description":"attribute[size] is required"}]"#),
            "attribute[size] is required"
        );
        assert_eq!(server_message(bad, r#"{"code":"not_found","message":"unknown city"}"#), "unknown city");
        assert_eq!(server_message(bad, "<html>"), "Bad Request");
        assert_eq!(server_message(bad, "[]"), "Bad Request");
    }

    #[test]
    fn urls_are_checked() {
        assert_eq!(normalize_url(" https://mycity.hagiang.gov.vn/ ").unwrap(), "https://mycity.hagiang.gov.vn");
        for bad in ["", "ftp://x", "http://", "mycity.vn", "http://a b"] {
            assert!(normalize_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_for_this_device() {
        for ok in
            ["http://127.0.0.1:8080", "http://localhost/x", "http://[::1]:80", "http://127.9.9.9", "https://10.0.0.5"]
        {
            assert!(normalize_url(ok).is_ok(), "{ok}");
        }
        for bad in
            ["http://10.0.0.5:8080", "http://mycity.vn", "http://127.0.0.1@evil.example", "http://localhost.evil.vn"]
        {
            let e = normalize_url(bad).unwrap_err();
            assert!(matches!(&e, Error::Invalid(p) if p.code == "server-url-insecure"), "{bad}: {e:?}");
        }
    }
}
