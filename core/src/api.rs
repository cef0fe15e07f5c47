//! The HTTP client for every server call, with errors narrowed to [`Error`].

use std::time::Duration;

use reqwest::{header, StatusCode};

use crate::{Error, Result};

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

/// A client bound to one server.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Result<Api> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::InvalidInput(format!("server URL must start with http:// or https://, got {base:?}")));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
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
            s => Err(server_error(s, resp).await),
        }
    }
}

/// Turns an error response into [`Error::Server`], keeping the server's own
/// message (`{"code", "message"}` or Open311's `[{"code", "description"}]`).
async fn server_error(status: StatusCode, resp: reqwest::Response) -> Error {
    let text = resp.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            let obj = if v.is_array() { v.get(0)?.clone() } else { v };
            obj.get("message").or_else(|| obj.get("description")).and_then(|m| m.as_str()).map(str::to_owned)
        })
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    Error::Server { status: status.as_u16(), message }
}
