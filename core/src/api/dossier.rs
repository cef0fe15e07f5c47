//! Dossier look-ups and the procedure catalogue, parsed at the edge.

use mycity_protocol::dossier::{DossierReply, Procedure, DEVICE_HEADER, SECRET_HEADER};
use reqwest::{header, StatusCode};

use super::{server_error, Api};
use crate::{dossier::logic::Answer, Error, Result};

/// A catalogue download's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catalogue {
    /// The stored catalogue is current (HTTP 304).
    NotModified,
    /// The city's whole catalogue, with the ETag to send next time.
    Body(Vec<Procedure>, Option<String>),
}

fn garbage(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Server { status: 502, message: format!("the server's {what} is not readable: {e}"), retry_after_s: None }
}

/// A dossier in a successful answer, checked to be the one asked for.
async fn fresh(resp: reqwest::Response, code: &str) -> Result<Answer> {
    let text = resp.text().await?;
    let reply: DossierReply = serde_json::from_str(&text).map_err(|e| garbage("dossier", e))?;
    if reply.code != code {
        return Err(garbage("dossier", format!("asked for {code}, got {}", reply.code)));
    }
    Ok(Answer::Fresh(Box::new(reply)))
}

impl Api {
    /// Looks a dossier up with its receipt secret (in a header, out of URLs and
    /// logs), conditionally when `etag` is given. A signed-in person's
    /// `bearer` goes along: the server opens their own dossiers without the
    /// secret (`secret` may then be empty).
    pub async fn dossier(
        &self,
        code: &str,
        secret: &str,
        device: &str,
        etag: Option<&str>,
        bearer: Option<&str>,
    ) -> Result<(Answer, Option<String>)> {
        let path = percent_encoding::utf8_percent_encode(code, percent_encoding::NON_ALPHANUMERIC);
        let mut req = self.http.get(format!("{}/api/v1/dossiers/{path}", self.base)).header(DEVICE_HEADER, device);
        if !secret.is_empty() {
            req = req.header(SECRET_HEADER, secret);
        }
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let resp = req.send().await?;
        let tag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok((Answer::Unchanged, tag)),
            StatusCode::NOT_FOUND => Ok((Answer::NotFound, None)),
            s if s.is_success() => Ok((fresh(resp, code).await?, tag)),
            _ => Err(server_error(resp).await),
        }
    }

    /// Tells the one-stop system the applicant transferred the fee of status 6
    /// (opened with the receipt's secret, like a look-up).
    pub async fn dossier_paid(&self, code: &str, secret: &str, device: &str) -> Result<(Answer, Option<String>)> {
        let path = percent_encoding::utf8_percent_encode(code, percent_encoding::NON_ALPHANUMERIC);
        let resp = self
            .http
            .post(format!("{}/api/v1/dossiers/{path}/paid", self.base))
            .header(SECRET_HEADER, secret)
            .header(DEVICE_HEADER, device)
            .send()
            .await?;
        let tag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        match resp.status() {
            StatusCode::NOT_FOUND => Ok((Answer::NotFound, None)),
            s if s.is_success() => Ok((fresh(resp, code).await?, tag)),
            _ => Err(server_error(resp).await),
        }
    }

    /// Downloads the city's procedure catalogue, unless `etag` still matches.
    pub async fn procedures(&self, city: &str, etag: Option<&str>) -> Result<Catalogue> {
        let mut req = self.http.get(format!("{}/api/v1/procedures", self.base)).query(&[("city", city)]);
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let resp = req.send().await?;
        match resp.status() {
            StatusCode::NOT_MODIFIED => Ok(Catalogue::NotModified),
            s if s.is_success() => {
                let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
                let text = resp.text().await?;
                let list = serde_json::from_str(&text).map_err(|e| garbage("procedure catalogue", e))?;
                Ok(Catalogue::Body(list, etag))
            }
            _ => Err(server_error(resp).await),
        }
    }
}
