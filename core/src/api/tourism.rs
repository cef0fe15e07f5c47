//! The tourism calls: sending a rating.

use mycity_protocol::tourism::{RatingCreated, RatingPost};

use super::{server_error, Api, Post};
use crate::{Error, Result};

impl Api {
    /// `POST /api/v1/places/{id}/ratings` with the outbox's idempotency key;
    /// returns the server's id of the rating.
    pub async fn post_rating(&self, p: Post<'_>) -> Result<String> {
        let field = |k: &str| p.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let place = field("place_id");
        let body = RatingPost {
            city: p.jurisdiction.to_owned(),
            stars: field("stars").parse().unwrap_or(0),
            comment: field("comment"),
            device_id: field("device_id"),
        };
        let url = format!(
            "{}/api/v1/places/{}/ratings",
            self.base,
            percent_encoding::utf8_percent_encode(&place, percent_encoding::NON_ALPHANUMERIC)
        );
        let resp = self.http.post(url).header("Idempotency-Key", p.idempotency_key).json(&body).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        let created: RatingCreated = resp.json().await.map_err(|e| Error::Server {
            status: 502,
            message: format!("the server's rating answer is unreadable: {e}"),
            retry_after_s: None,
        })?;
        Ok(created.id)
    }
}
