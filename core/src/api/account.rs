//! The sign-in calls to the city's server: which provider it trusts, and the
//! signed-in person's own reports.

use mycity_protocol::{dossier::DossierReply, open311::AccountRequest};

use super::{read_body, server_error, Api, Fetched, MAX_ANSWER_BYTES};
use crate::{account::Provider, Error, Result};

impl Api {
    /// `GET /api/v1/me/requests`: the signed-in person's reports, from every device.
    pub async fn account_requests(&self, bearer: &str) -> Result<Vec<AccountRequest>> {
        let resp = self.http.get(format!("{}/api/v1/me/requests", self.base)).bearer_auth(bearer).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        let bytes = read_body(resp, MAX_ANSWER_BYTES).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Server {
            status: 502,
            message: format!("the account's reports are not readable: {e}"),
            retry_after_s: None,
        })
    }

    /// `GET /api/v1/signin`: the provider this server trusts, or `None` when
    /// it offers no sign-in.
    pub async fn signin_provider(&self) -> Result<Option<Provider>> {
        match self.get_if_changed("/api/v1/signin", None).await {
            Ok(Fetched::Body { body, .. }) => serde_json::from_str(&body).map(Some).map_err(|e| Error::Server {
                status: 502,
                message: format!("sign-in settings: {e}"),
                retry_after_s: None,
            }),
            Ok(Fetched::NotModified) => Ok(None),
            Err(Error::Server { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /api/v1/me/dossiers`: the dossiers an office registered under the
    /// signed-in person's account.
    pub async fn account_dossiers(&self, bearer: &str) -> Result<Vec<DossierReply>> {
        let resp = self.http.get(format!("{}/api/v1/me/dossiers", self.base)).bearer_auth(bearer).send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        let bytes = read_body(resp, MAX_ANSWER_BYTES).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Server {
            status: 502,
            message: format!("the account's dossiers are not readable: {e}"),
            retry_after_s: None,
        })
    }
}
