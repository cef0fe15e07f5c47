//! Open311 GeoReport v2 calls, answered in the protocol crate's types.

use mycity_protocol::open311::{
    AttributeDef, RequestCreated, Service, ServiceDefinition, ServiceRequest, ServiceRequestUpdate, UpdateCreated,
};
use reqwest::header;

use super::{server_error, Api};
use crate::{Error, Lang, Result};

/// A send to Open311 (`POST requests` or `POST servicerequestupdates`).
#[derive(Debug, Clone)]
pub struct Post<'a> {
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
    /// The signed-in person's access token, sent as `Authorization: Bearer`
    /// (the server files the report under the account); `None` is anonymous.
    pub bearer: Option<&'a str>,
}

/// A service with its questions (those that take an answer), in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceWithQuestions {
    /// The service as listed.
    pub service: Service,
    /// Its questions.
    pub attributes: Vec<AttributeDef>,
}

impl Api {
    fn open311(&self, path: &str) -> String {
        format!("{}/open311/v2/{path}", self.base)
    }

    /// `GET services.json`, then the questions of each service that has them,
    /// asked in `lang` (servers that speak one language ignore it).
    pub async fn services(&self, jurisdiction: &str, lang: Lang) -> Result<Vec<ServiceWithQuestions>> {
        let list: Vec<Service> = self.get_json(&self.open311("services.json"), jurisdiction, lang, &[]).await?;
        let mut out = Vec::with_capacity(list.len());
        for service in list {
            let attributes = if service.metadata {
                let url = self.open311(&format!("services/{}.json", urlencode(&service.service_code)));
                let def: ServiceDefinition = self.get_json(&url, jurisdiction, lang, &[]).await?;
                let mut attrs: Vec<AttributeDef> = def.attributes;
                attrs.sort_by_key(|a| a.order);
                attrs
            } else {
                vec![]
            };
            out.push(ServiceWithQuestions { service, attributes });
        }
        Ok(out)
    }

    /// `POST requests.json`; returns the new request's id. A server that
    /// answers with a token only is asked for the id behind it; while it has
    /// none, the send counts as not yet done (retried with the same key).
    pub async fn post_request(&self, p: Post<'_>) -> Result<String> {
        let jurisdiction = p.jurisdiction.to_owned();
        let created: Vec<RequestCreated> = self.post_open311("requests.json", p).await?;
        let first = created.into_iter().next().ok_or_else(|| no_id("service_request_id"))?;
        if let Some(id) = first.service_request_id {
            return Ok(id);
        }
        let token = first.token.ok_or_else(|| no_id("service_request_id or token"))?;
        let url = self.open311(&format!("tokens/{}.json", urlencode(&token)));
        let found: Vec<RequestCreated> = self.get_json(&url, &jurisdiction, Lang::Vi, &[]).await?;
        found.into_iter().find_map(|r| r.service_request_id).ok_or_else(|| Error::Server {
            status: 202,
            message: "the city accepted the report; its number is not ready yet".into(),
            retry_after_s: None,
        })
    }

    /// `POST servicerequestupdates.json`; returns the server's `update_id`.
    pub async fn post_update(&self, p: Post<'_>) -> Result<String> {
        let created: Vec<UpdateCreated> = self.post_open311("servicerequestupdates.json", p).await?;
        created.into_iter().next().map(|u| u.update_id).ok_or_else(|| no_id("update_id"))
    }

    /// POSTs a form (multipart when a photo goes along) with its Idempotency-Key.
    async fn post_open311<T: serde::de::DeserializeOwned>(&self, path: &str, p: Post<'_>) -> Result<T> {
        let mut fields = p.fields;
        fields.push(("jurisdiction_id".into(), p.jurisdiction.into()));
        fields.push(("api_key".into(), p.api_key.into()));
        let mut req = self.http.post(self.open311(path)).header("Idempotency-Key", p.idempotency_key);
        if let Some(token) = p.bearer {
            req = req.bearer_auth(token);
        }
        let req = match p.photo {
            Some(jpeg) => {
                let form = fields.into_iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k, v));
                let part = reqwest::multipart::Part::bytes(jpeg)
                    .file_name("photo.jpg")
                    .mime_str("image/jpeg")
                    .map_err(|e| Error::Io(format!("photo part: {e}")))?;
                req.multipart(form.part("media", part))
            }
            None => req.form(&fields),
        };
        let resp = req.send().await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        parse(resp).await
    }

    /// Open requests of one service (for "already reported nearby?").
    pub async fn open_requests(&self, jurisdiction: &str, service_code: &str) -> Result<Vec<ServiceRequest>> {
        let q = [("service_code", service_code.to_owned()), ("status", "open".to_owned())];
        self.get_json(&self.open311("requests.json"), jurisdiction, Lang::Vi, &q).await
    }

    /// `GET requests.json` for these ids.
    pub async fn requests(&self, jurisdiction: &str, ids: &[String]) -> Result<Vec<ServiceRequest>> {
        let q = [("service_request_id", ids.join(","))];
        self.get_json(&self.open311("requests.json"), jurisdiction, Lang::Vi, &q).await
    }

    /// `GET servicerequestupdates.json` since `start` (ISO 8601), or all,
    /// page by page (a server may cap its pages; one shorter than asked is the last).
    pub async fn updates(&self, jurisdiction: &str, start: Option<&str>) -> Result<Vec<ServiceRequestUpdate>> {
        let mut all = Vec::new();
        for page in 1..=MAX_UPDATE_PAGES {
            let mut q: Vec<(&str, String)> = start.map(|s| vec![("start_date", s.to_owned())]).unwrap_or_default();
            q.push(("page_size", UPDATE_PAGE.to_string()));
            q.push(("page", page.to_string()));
            let got: Vec<ServiceRequestUpdate> =
                self.get_json(&self.open311("servicerequestupdates.json"), jurisdiction, Lang::Vi, &q).await?;
            let last = got.len() < UPDATE_PAGE;
            all.extend(got);
            if last {
                break;
            }
        }
        Ok(all)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        jurisdiction: &str,
        lang: Lang,
        query: &[(&str, String)],
    ) -> Result<T> {
        let resp = self
            .http
            .get(url)
            .header(header::ACCEPT_LANGUAGE, lang.code())
            .query(&[("jurisdiction_id", jurisdiction)])
            .query(query)
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        parse(resp).await
    }
}

/// Reads a JSON body as `T`. A success whose body is not what Open311 says
/// counts as a bad gateway: transient, so a send is retried (with the same
/// idempotency key) rather than dropped or marked refused.
async fn parse<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    let bytes = super::read_body(resp, super::MAX_ANSWER_BYTES).await?;
    serde_json::from_slice(&bytes).map_err(|e| bad_answer(format!("the server's answer is not Open311: {e}")))
}

/// Updates asked per page (the reference server's largest page).
const UPDATE_PAGE: usize = 500;

/// Pages read in one check; the rest come at the next (the store keeps the last time seen).
const MAX_UPDATE_PAGES: usize = 20;

fn no_id(what: &str) -> Error {
    bad_answer(format!("the server's answer carries no {what}"))
}

fn bad_answer(message: String) -> Error {
    Error::Server { status: 502, message, retry_after_s: None }
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
