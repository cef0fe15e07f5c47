//! Sending my answers on a report the city called done.

use mycity_protocol::feedback::{FeedbackAnswer, FeedbackPost};

use super::{server_error, Api, Post, MAX_ANSWER_BYTES};
use crate::{Error, Result};

impl Api {
    /// `POST /api/v1/requests/{id}/feedback` with the outbox's idempotency
    /// key; returns when the answers were first given (RFC 3339), which
    /// starts their change window.
    pub async fn post_feedback(&self, p: Post<'_>) -> Result<String> {
        let field = |k: &str| p.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let body = FeedbackPost {
            device_id: field("device_id"),
            fixed: field("fixed") == "true",
            rating: field("rating").parse().unwrap_or(0),
            comment: field("comment"),
        };
        let url = format!(
            "{}/api/v1/requests/{}/feedback",
            self.base,
            percent_encoding::utf8_percent_encode(&field("service_request_id"), percent_encoding::NON_ALPHANUMERIC)
        );
        let resp = self.http.post(url).header("Idempotency-Key", p.idempotency_key).json(&body).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        let bytes = super::read_body(resp, MAX_ANSWER_BYTES).await?;
        let answer: FeedbackAnswer = serde_json::from_slice(&bytes).map_err(|e| Error::Server {
            status: 502,
            message: format!("the server's feedback answer is unreadable: {e}"),
            retry_after_s: None,
        })?;
        Ok(answer.given_at)
    }
}
