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

/// Default limit for one request, photo upload included, on a slow mobile network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A client bound to one server.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`),
    /// giving up on a request after `timeout` (a hung server must not hold the
    /// outbox forever; the send is retried later).
    pub fn new(base: &str, timeout: Duration) -> Result<Api> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::InvalidInput(format!("server URL must start with http:// or https://, got {base:?}")));
        }
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
            s => Err(server_error(s, resp).await),
        }
    }
}

/// A report as sent to Open311 `POST requests`.
#[derive(Debug, Clone)]
pub struct Open311Post<'a> {
    /// City slug (`jurisdiction_id`).
    pub jurisdiction: &'a str,
    /// The city's Open311 key.
    pub api_key: &'a str,
    /// Sent as `Idempotency-Key`: a resend returns the first answer.
    pub idempotency_key: &'a str,
    /// Form fields (service_code, lat, long, description, attribute[…], contact…).
    pub fields: Vec<(String, String)>,
    /// At most one photo goes in the request itself (Open311 `media`); the rest follow as updates.
    pub photo: Option<Vec<u8>>,
}

impl Api {
    fn open311(&self, path: &str) -> String {
        format!("{}/open311/v2/{path}", self.base)
    }

    /// `GET services.json`, then each definition that has metadata.
    pub async fn services(&self, jurisdiction: &str) -> Result<Vec<serde_json::Value>> {
        let list: Vec<serde_json::Value> = self.get_json(&self.open311("services.json"), jurisdiction, &[]).await?;
        let mut out = Vec::with_capacity(list.len());
        for mut s in list {
            if s["metadata"].as_bool().unwrap_or(false) {
                let code = s["service_code"].as_str().unwrap_or_default().to_owned();
                let url = self.open311(&format!("services/{}.json", urlencode(&code)));
                let def: serde_json::Value = self.get_json(&url, jurisdiction, &[]).await?;
                s["attributes"] = def["attributes"].clone();
            }
            out.push(s);
        }
        Ok(out)
    }

    /// `POST requests.json`; returns the `service_request_id`.
    pub async fn post_request(&self, p: Open311Post<'_>) -> Result<String> {
        self.post_open311("requests.json", p, "service_request_id").await
    }

    /// `POST servicerequestupdates.json`; returns the server's `update_id`.
    pub async fn post_update(&self, p: Open311Post<'_>) -> Result<String> {
        self.post_open311("servicerequestupdates.json", p, "update_id").await
    }

    /// POSTs a form (multipart when a photo goes along) with its
    /// Idempotency-Key and returns the id field of the first answer row.
    async fn post_open311(&self, path: &str, p: Open311Post<'_>, id_field: &str) -> Result<String> {
        let mut fields = p.fields;
        fields.push(("jurisdiction_id".into(), p.jurisdiction.into()));
        fields.push(("api_key".into(), p.api_key.into()));
        let req = self.http.post(self.open311(path)).header("Idempotency-Key", p.idempotency_key);
        let req = match p.photo {
            Some(jpeg) => {
                let form = fields.into_iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k, v));
                let part = reqwest::multipart::Part::bytes(jpeg)
                    .file_name("photo.jpg")
                    .mime_str("image/jpeg")
                    .map_err(|e| Error::InvalidInput(e.to_string()))?;
                req.multipart(form.part("media", part))
            }
            None => req.form(&fields),
        };
        let resp = req.send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp.status(), resp).await);
        }
        let body: serde_json::Value = resp.json().await?;
        body.get(0)
            .and_then(|r| r.get(id_field))
            .and_then(|id| id.as_str().map(str::to_owned).or_else(|| id.as_i64().map(|n| n.to_string())))
            .ok_or_else(|| Error::Server { status: 200, message: format!("the answer carries no {id_field}") })
    }

    /// Open requests of one service (for "already reported nearby?").
    pub async fn open_requests(&self, jurisdiction: &str, service_code: &str) -> Result<Vec<serde_json::Value>> {
        let q = [("service_code", service_code.to_owned()), ("status", "open".to_owned())];
        self.get_json(&self.open311("requests.json"), jurisdiction, &q).await
    }

    /// `GET requests.json` for these ids.
    pub async fn requests(&self, jurisdiction: &str, ids: &[String]) -> Result<Vec<serde_json::Value>> {
        self.get_json(&self.open311("requests.json"), jurisdiction, &[("service_request_id", ids.join(","))]).await
    }

    /// `GET servicerequestupdates.json` since `start` (ISO 8601), or all.
    pub async fn updates(&self, jurisdiction: &str, start: Option<&str>) -> Result<Vec<serde_json::Value>> {
        let q: Vec<(&str, String)> = start.map(|s| vec![("start_date", s.to_owned())]).unwrap_or_default();
        self.get_json(&self.open311("servicerequestupdates.json"), jurisdiction, &q).await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        jurisdiction: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let resp = self.http.get(url).query(&[("jurisdiction_id", jurisdiction)]).query(query).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp.status(), resp).await);
        }
        Ok(resp.json().await?)
    }
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
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
