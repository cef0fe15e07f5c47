//! The HTTP client for every server call. Replies are parsed into typed
//! values here, at the edge, and failures are narrowed to [`Error`]: the rest
//! of the core never sees a status code or a JSON tree.

mod open311;
mod tourism;

use std::time::Duration;

use reqwest::{header, StatusCode};

pub use self::open311::{Post, ServiceWithQuestions};
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

/// Checks a server URL as a person might type it; returns it without a trailing `/`.
pub fn normalize_url(url: &str) -> Result<String> {
    let base = url.trim().trim_end_matches('/').to_owned();
    let rest = base.strip_prefix("http://").or_else(|| base.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(base),
        _ => Err(Problem::new("server-url", format!("server URL must start with http:// or https://, got {base:?}"))
            .field("server")
            .arg("url", base)
            .into()),
    }
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
                let body = resp.text().await?;
                Ok(Fetched::Body { body, etag })
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
    let text = resp.text().await.unwrap_or_default();
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
}
