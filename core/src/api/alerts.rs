//! Alerts feed, announcements and surveys: the city's JSON and Atom calls.

use mycity_protocol::consult::{Announcement, Response, Survey};

use super::{server_error, Api, Fetched};
use crate::Result;

impl Api {
    /// `GET /api/v1/cities/{slug}/alerts` (Atom), unless `etag` still matches.
    pub async fn alerts_feed(&self, slug: &str, etag: Option<&str>) -> Result<Fetched> {
        self.get_if_changed(&format!("/api/v1/cities/{slug}/alerts"), etag).await
    }

    /// A CAP document a feed entry links to instead of carrying it (a path
    /// on this server, or a full URL).
    pub async fn alert_document(&self, link: &str) -> Result<String> {
        let url = if link.starts_with("http://") || link.starts_with("https://") {
            link.to_owned()
        } else {
            format!("{}{link}", self.base)
        };
        let resp = self.http.get(url).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        Ok(resp.text().await?)
    }

    async fn get_list<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        resp.json().await.map_err(|e| crate::Error::Server {
            status: 200,
            message: format!("unreadable answer from {path}: {e}"),
            retry_after_s: None,
        })
    }

    /// `GET /api/v1/cities/{slug}/announcements`.
    pub async fn announcements(&self, slug: &str) -> Result<Vec<Announcement>> {
        self.get_list(&format!("/api/v1/cities/{slug}/announcements")).await
    }

    /// `GET /api/v1/cities/{slug}/surveys`.
    pub async fn surveys(&self, slug: &str) -> Result<Vec<Survey>> {
        self.get_list(&format!("/api/v1/cities/{slug}/surveys")).await
    }

    /// `POST /api/v1/surveys/{id}/responses` with an `Idempotency-Key`.
    pub async fn post_survey_response(&self, survey: &str, key: &str, body: &Response) -> Result<()> {
        let url = format!(
            "{}/api/v1/surveys/{}/responses",
            self.base,
            percent_encoding::utf8_percent_encode(survey, percent_encoding::NON_ALPHANUMERIC)
        );
        let resp = self.http.post(url).header("Idempotency-Key", key).json(body).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        Ok(())
    }
}
