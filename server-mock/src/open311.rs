//! Open311 GeoReport v2 under `/open311/v2/`, in JSON and XML (the suffix
//! picks), with the FixMyStreet-style extensions: extended statuses,
//! `servicerequestupdates`, `Idempotency-Key`, photos served at `media_url`.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Path, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use mycity_protocol::{
    attributes,
    limits::{self, MAX_DESCRIPTION},
    media,
    open311::{ErrorItem, RequestCreated, Service, ServiceDefinition, UpdateCreated},
    Status,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::{
    reports::{self, NewRequest, RequestFilter},
    AppState, Error,
};

/// Response format, from the path's suffix.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// `.json` (also the default without a suffix).
    Json,
    /// `.xml`.
    Xml,
}

/// Splits `services.json` into (`services`, Json).
fn split_format(file: &str) -> Result<(&str, Format), Error> {
    match file.rsplit_once('.') {
        Some((stem, "json")) => Ok((stem, Format::Json)),
        Some((stem, "xml")) => Ok((stem, Format::Xml)),
        Some((_, other)) => Err(Error::BadRequest(format!("unknown format .{other}; use .json or .xml"))),
        None => Ok((file, Format::Json)),
    }
}

/// The XML element of one item of a list element.
fn singular(name: &str) -> &str {
    match name {
        "services" => "service",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "attributes" => "attribute",
        "values" => "value",
        "errors" => "error",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

fn xml_element(out: &mut String, name: &str, v: &Value) {
    match v {
        Value::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            let item = singular(name);
            for i in items {
                xml_element(out, item, i);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in map {
                xml_element(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => {
            out.push_str(&format!("<{name}>"));
            escape_into(out, s);
            out.push_str(&format!("</{name}>"));
        }
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// Renders `v` as Open311 XML with root element `root`.
pub fn to_xml(root: &str, v: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    xml_element(&mut out, root, v);
    out
}

fn render(format: Format, status: StatusCode, root: &str, v: &Value) -> Response {
    match format {
        Format::Json => (status, Json(v.clone())).into_response(),
        Format::Xml => {
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"))], to_xml(root, v))
                .into_response()
        }
    }
}

/// An Open311 error list (`[{code, description}]`) with its HTTP status.
fn render_error(format: Format, e: Error) -> Response {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(%e, "open311 request failed");
    }
    let challenge = e.challenge();
    let body = [ErrorItem { code: Some(status.as_u16().into()), description: e.to_string() }];
    let mut r = render(format, status, "errors", &to_value(&body));
    if let Some(c) = challenge {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, c);
    }
    r
}

/// An answer: status, XML root and body.
type Answer = (StatusCode, &'static str, Value);

/// A typed answer as the JSON value both renderers start from.
fn to_value<T: Serialize>(v: &T) -> Value {
    // Serialising these plain structs cannot fail; Null would show if it did.
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn respond(format: Format, r: Result<Answer, Error>) -> Response {
    match r {
        Ok((status, root, v)) => render(format, status, root, &v),
        Err(e) => render_error(format, e),
    }
}

/// Splits the format off `file` (`services.xml`), runs `f` on the rest, and
/// renders its answer or its error in that format.
fn answer(file: &str, f: impl FnOnce(&str) -> Result<Answer, Error>) -> Response {
    match split_format(file) {
        Ok((stem, format)) => respond(format, f(stem)),
        Err(e) => render_error(Format::Json, e),
    }
}

/// [`answer`] on the blocking pool: every handler's SQLite work runs there.
async fn answer_off(file: String, f: impl FnOnce(&str) -> Result<Answer, Error> + Send + 'static) -> Response {
    crate::blocking(move || answer(&file, f)).await.unwrap_or_else(|e| render_error(Format::Json, e))
}

pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

fn english(headers: &HeaderMap, p: &Params) -> bool {
    // Open311 has no language field: a `locale` parameter (as some GeoReport
    // servers take) wins over the client's Accept-Language.
    let en = |v: &str| v.trim_start().to_ascii_lowercase().starts_with("en");
    match param(p, "locale") {
        Some(locale) => en(locale),
        None => headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).is_some_and(en),
    }
}

/// Query or form parameters, in order, keys possibly repeated.
type Params = Vec<(String, String)>;

fn param<'a>(p: &'a Params, key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

fn list(p: &Params, key: &str) -> Option<Vec<String>> {
    param(p, key).map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
}

/// The jurisdiction asked for (the default city when omitted), checked to exist.
fn jurisdiction(s: &AppState, p: &Params) -> Result<String, Error> {
    let j = param(p, "jurisdiction_id").unwrap_or(crate::DEFAULT_JURISDICTION).to_owned();
    if s.db.pack_etag(&j)?.is_none() {
        return Err(Error::NotFound(format!("jurisdiction_id {j:?} is not served here")));
    }
    Ok(j)
}

fn date_param(p: &Params, key: &str) -> Result<Option<String>, Error> {
    match param(p, key) {
        None => Ok(None),
        Some(v) if crate::instant(v).is_some() => Ok(Some(v.to_owned())),
        Some(v) => Err(Error::BadRequest(format!("{key} {v:?} is not an ISO 8601 date-time with offset"))),
    }
}

/// `page` (from 1) and `page_size` (at most [`reports::MAX_PAGE`]), as (offset, size).
fn page_param(p: &Params) -> Result<reports::Page, Error> {
    let number = |key: &str, default: usize| -> Result<usize, Error> {
        match param(p, key) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| Error::BadRequest(format!("{key} {v:?} is not a positive whole number"))),
        }
    };
    let size = number("page_size", reports::MAX_PAGE)?.min(reports::MAX_PAGE);
    let page = number("page", 1)?;
    let offset = (page - 1).checked_mul(size).ok_or_else(|| Error::BadRequest("page is too large".into()))?;
    Ok(reports::Page { offset, size })
}

/// `GET /open311/v2/{file}`: services, requests, servicerequestupdates.
pub async fn get_root(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer_off(file, move |stem| {
        let j = jurisdiction(&s, &p)?;
        match stem {
            "services" => {
                let conn = s.db.conn();
                let list: Vec<Service> = reports::services(&conn, &j, english(&headers, &p))?
                    .into_iter()
                    .map(|sv| Service {
                        service_code: sv.code,
                        service_name: sv.name,
                        description: sv.description,
                        metadata: !sv.attributes.is_empty(),
                        kind: "realtime".into(),
                        keywords: sv.group.clone(),
                        group: sv.group,
                    })
                    .collect();
                Ok((StatusCode::OK, "services", to_value(&list)))
            }
            "requests" => {
                let ids = match list(&p, "service_request_id") {
                    Some(ids) => Some(
                        ids.iter()
                            .map(|i| {
                                i.parse::<i64>().map_err(|_| Error::BadRequest(format!("bad service_request_id {i:?}")))
                            })
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                let filter = RequestFilter {
                    ids,
                    service_codes: list(&p, "service_code"),
                    start: date_param(&p, "start_date")?,
                    end: date_param(&p, "end_date")?,
                    statuses: list(&p, "status"),
                };
                let found = reports::find_requests(&s.db.conn(), &j, &filter, &base_url(&headers))?;
                Ok((StatusCode::OK, "service_requests", to_value(&found)))
            }
            "servicerequestupdates" => {
                let (start, end) = (date_param(&p, "start_date")?, date_param(&p, "end_date")?);
                let page = page_param(&p)?;
                let found = reports::find_updates(
                    &s.db.conn(),
                    &j,
                    start.as_deref(),
                    end.as_deref(),
                    page,
                    &base_url(&headers),
                )?;
                Ok((StatusCode::OK, "service_request_updates", to_value(&found)))
            }
            other => Err(Error::NotFound(format!("no Open311 resource {other:?}"))),
        }
    })
    .await
}

/// `GET /open311/v2/services/{code}.{fmt}`: a service definition.
pub async fn get_service(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer_off(file, move |code| {
        let j = jurisdiction(&s, &p)?;
        let sv = reports::services(&s.db.conn(), &j, english(&headers, &p))?
            .into_iter()
            .find(|sv| sv.code == code)
            .ok_or_else(|| Error::NotFound(format!("service_code {code:?} not found")))?;
        let def = ServiceDefinition { service_code: sv.code, attributes: sv.attributes };
        Ok((StatusCode::OK, "service_definition", to_value(&def)))
    })
    .await
}

/// `GET /open311/v2/requests/{id}.{fmt}`.
pub async fn get_request(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer_off(file, move |id| {
        let j = jurisdiction(&s, &p)?;
        let id: i64 = id.parse().map_err(|_| Error::NotFound(format!("service_request_id {id:?} not found")))?;
        let filter = RequestFilter { ids: Some(vec![id]), ..Default::default() };
        let found = reports::find_requests(&s.db.conn(), &j, &filter, &base_url(&headers))?;
        if found.is_empty() {
            return Err(Error::NotFound(format!("service_request_id {id} not found")));
        }
        Ok((StatusCode::OK, "service_requests", to_value(&found)))
    })
    .await
}

/// `GET /open311/v2/tokens/{token}.{fmt}`.
pub async fn get_token(State(s): State<Arc<AppState>>, Path(file): Path<String>, Query(p): Query<Params>) -> Response {
    answer_off(file, move |token| {
        let j = jurisdiction(&s, &p)?;
        let id = reports::by_token(&s.db.conn(), &j, token)?
            .ok_or_else(|| Error::NotFound(format!("token {token:?} not found")))?;
        let found = [RequestCreated {
            service_request_id: Some(id.to_string()),
            token: Some(token.to_owned()),
            service_notice: None,
            account_id: None,
        }];
        Ok((StatusCode::OK, "service_requests", to_value(&found)))
    })
    .await
}

/// `GET /open311/v2/media/{id}.jpg`: a stored photo.
pub async fn get_media(State(s): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    // Only `<digits>.jpg` names a photo: nothing else reaches the database.
    let id = file.strip_suffix(".jpg").filter(|i| i.bytes().all(|b| b.is_ascii_digit())).and_then(|i| i.parse().ok());
    let Some(id) = id else {
        return Error::NotFound("no such photo".into()).into_response();
    };
    match crate::blocking(move || reports::media(&s.db.conn(), id)).await.and_then(|r| r) {
        Ok(Some((ct, bytes))) => {
            let ct = HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, ct),
                    (header::CACHE_CONTROL, HeaderValue::from_static("max-age=86400")),
                    (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(None) => Error::NotFound("no such photo".into()).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Reads a POST body: urlencoded or multipart with a `media` file part.
async fn read_form(state: &Arc<AppState>, req: Request) -> Result<(Params, Option<(String, Vec<u8>)>), Error> {
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Error::Unsupported(
            "Open311 POSTs are application/x-www-form-urlencoded or multipart/form-data".into(),
        ));
    }
    if !multipart {
        let body = Bytes::from_request(req, state).await.map_err(|e| Error::TooLarge(format!("request body: {e}")))?;
        let params: Params = serde_urlencoded::from_bytes(&body)
            .map_err(|e| Error::BadRequest(format!("body is not application/x-www-form-urlencoded: {e}")))?;
        return Ok((params, None));
    }
    let mut mp = Multipart::from_request(req, state).await.map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut params = Vec::new();
    let mut media = None;
    while let Some(field) = mp.next_field().await.map_err(|e| Error::BadRequest(format!("multipart: {e}")))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "media" {
            let bytes = field.bytes().await.map_err(|e| Error::TooLarge(format!("media: {e}")))?;
            if bytes.len() > limits::MAX_MEDIA_BYTES {
                let max = limits::MAX_MEDIA_BYTES;
                return Err(Error::TooLarge(format!("media is {} bytes; at most {max}", bytes.len())));
            }
            media::sniff_image(&bytes)
                .ok_or_else(|| Error::BadRequest("media must be a JPEG, PNG or WebP image".into()))?;
            // Stored re-encoded (see `photo`): always a JPEG without metadata.
            media = Some(("image/jpeg".to_owned(), bytes.to_vec()));
        } else {
            let text = field.text().await.map_err(|e| Error::BadRequest(format!("field {name}: {e}")))?;
            params.push((name, text));
        }
    }
    Ok((params, media))
}

fn check_api_key(s: &AppState, p: &Params) -> Result<(), Error> {
    match param(p, "api_key") {
        Some(k) if k == s.config.api_key => Ok(()),
        Some(_) => Err(Error::Forbidden("api_key is not valid".into())),
        None => Err(Error::Forbidden("api_key is required".into())),
    }
}

fn optional_text(p: &Params, key: &str, max: usize) -> Result<Option<String>, Error> {
    match param(p, key) {
        Some(v) if v.chars().count() > max => Err(Error::BadRequest(format!("{key} is longer than {max} characters"))),
        v => Ok(v.map(str::to_owned)),
    }
}

/// Checks the `attribute[…]` fields against the service's questions.
fn checked_attributes(defs: &[mycity_protocol::open311::AttributeDef], p: &Params) -> Result<Value, Error> {
    let answers = attributes::from_form(p);
    let stored = attributes::check(defs, &answers).map_err(|e| {
        use attributes::Problem::*;
        let field = format!("attribute[{}]", e.code);
        Error::BadRequest(match e.problem {
            Missing => format!("{field} is required ({})", e.label),
            NotAChoice(v) | NotANumber(v) | NotADateTime(v) => format!("{field} = {v:?} is not valid ({})", e.label),
            TooLong => format!("{field} is longer than {MAX_DESCRIPTION} characters ({})", e.label),
            OneOnly => format!("{field} takes one value ({})", e.label),
        })
    })?;
    Ok(to_value(&stored))
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Error> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= limits::MAX_CLIENT_ID => Ok(Some(k.trim().to_owned())),
        Some(_) => Err(Error::BadRequest("Idempotency-Key must be 1–200 visible characters".into())),
    }
}

/// `POST /open311/v2/{file}`: `requests` or `servicerequestupdates`.
pub async fn post_root(State(s): State<Arc<AppState>>, Path(file): Path<String>, req: Request) -> Response {
    let (stem, format) = match split_format(&file) {
        Ok(x) => x,
        Err(e) => return render_error(Format::Json, e),
    };
    let headers = req.headers().clone();
    let stem = stem.to_owned();
    let read = async {
        let key = idempotency_key(&headers)?;
        // A signed-in citizen's report carries the account; a bad token is
        // refused rather than filed anonymously behind the citizen's back.
        let account = s.verifier.account(&headers).await?;
        let (p, media) = read_form(&s, req).await?;
        check_api_key(&s, &p)?;
        Ok::<_, Error>((key, account, p, media))
    }
    .await;
    let (key, account, p, media) = match read {
        Ok(x) => x,
        Err(e) => return render_error(format, e),
    };
    if let Err(wait) = s.throttle.device(&s.config.limits, param(&p, "device_id")) {
        return crate::throttle::too_many(wait);
    }
    // A photo waits for a free encoder (one per core) before it is cleaned;
    // the slot is given back before the database work, so a photo being
    // stored does not keep the next one from being cleaned.
    let media = match media {
        Some((ct, bytes)) => {
            let _slot = crate::photo::encoder_slot().await;
            match crate::blocking(move || crate::photo::sanitize(&bytes)).await.and_then(|r| r) {
                Ok(jpeg) => Some((ct, jpeg)),
                Err(e) => return render_error(format, e),
            }
        }
        None => None,
    };
    let base = base_url(&headers);
    let r = crate::blocking(move || {
        let j = jurisdiction(&s, &p)?;
        let endpoint = format!("{stem}:{j}");
        // One connection, held for the whole check-insert-remember: a duplicate
        // racing the first send waits and then gets the first answer.
        let conn = s.db.conn();
        if let Some(k) = &key {
            if let Some((status, body)) = reports::remembered(&conn, k, &endpoint)? {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok((status, root_of(&stem), body));
            }
        }
        // The record and the remembered answer commit together: after a crash
        // either both exist (a resend gets the answer) or neither (it is stored anew).
        let tx = conn.unchecked_transaction()?;
        let answer = match stem.as_str() {
            "requests" => create_request(&tx, &j, &p, media, account.as_ref(), &base)?,
            "servicerequestupdates" => create_update(&tx, &j, &p, media)?,
            other => return Err(Error::NotFound(format!("cannot POST to {other:?}"))),
        };
        if let Some(k) = &key {
            reports::remember(&tx, k, &endpoint, answer.0.as_u16(), &answer.2)?;
        }
        tx.commit()?;
        Ok(answer)
    })
    .await
    .and_then(|r| r);
    respond(format, r)
}

fn root_of(stem: &str) -> &'static str {
    if stem == "servicerequestupdates" {
        "service_request_updates"
    } else {
        "service_requests"
    }
}

fn create_request(
    conn: &rusqlite::Connection,
    j: &str,
    p: &Params,
    media: Option<(String, Vec<u8>)>,
    account: Option<&crate::auth::Account>,
    base_url: &str,
) -> Result<Answer, Error> {
    let code = param(p, "service_code").ok_or_else(|| Error::BadRequest("service_code is required".into()))?;
    let service = reports::services(conn, j, false)?
        .into_iter()
        .find(|sv| sv.code == code)
        .ok_or_else(|| Error::BadRequest(format!("service_code {code:?} is not a service of {j}")))?;
    let coord = |k: &str| -> Result<Option<f64>, Error> {
        param(p, k)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Error::BadRequest(format!("{k} {v:?} is not a number")))
            })
            .transpose()
    };
    let (lat, long) = (coord("lat")?, coord("long")?);
    let address = optional_text(p, "address_string", limits::MAX_ADDRESS)?;
    match (lat, long) {
        (Some(lat), Some(long)) => {
            let bbox = crate::db::bbox(conn, j)?;
            if !bbox.is_some_and(|[min_lat, min_lon, max_lat, max_lon]| {
                (min_lat..=max_lat).contains(&lat) && (min_lon..=max_lon).contains(&long)
            }) {
                return Err(Error::BadRequest(format!("location {lat}, {long} is outside {j}")));
            }
        }
        (None, None) if address.is_some() || param(p, "address_id").is_some() => {}
        (None, None) => {
            return Err(Error::BadRequest("a location is required: lat and long, or address_string".into()))
        }
        _ => return Err(Error::BadRequest("lat and long go together".into())),
    }
    let description = optional_text(p, "description", MAX_DESCRIPTION)?.unwrap_or_default();
    let email = optional_text(p, "email", limits::MAX_EMAIL)?;
    if email.as_deref().is_some_and(|e| !limits::plausible_email(e)) {
        return Err(Error::BadRequest("email is not an e-mail address".into()));
    }
    let new = NewRequest {
        jurisdiction: j.to_owned(),
        service_code: code.to_owned(),
        description,
        lat,
        long,
        address,
        attributes: checked_attributes(&service.attributes, p)?,
        email,
        first_name: optional_text(p, "first_name", limits::MAX_NAME)?,
        last_name: optional_text(p, "last_name", limits::MAX_NAME)?,
        phone: optional_text(p, "phone", limits::MAX_PHONE)?,
        device_id: optional_text(p, "device_id", limits::MAX_CLIENT_ID)?,
        // The verified account wins over a typed-in one; without a token the
        // field is kept as Open311 has it, but only a verified account is an
        // owner that `/api/v1/me/requests` lists.
        account_id: match account {
            Some(a) => Some(a.sub.clone()),
            None => optional_text(p, "account_id", limits::MAX_CLIENT_ID)?,
        },
        media_url: match param(p, "media_upload") {
            // A clip uploaded with tus (`/tus/files`), finished and checked:
            // the report's media is where it is served, with range requests.
            Some(upload) => {
                crate::tus::ready(conn, upload)?;
                Some(crate::tus::url_of(base_url, upload))
            }
            None => optional_text(p, "media_url", 2000)?,
        },
        media,
    };
    let token = uuid::Uuid::new_v4().to_string();
    let id = reports::insert_request(conn, &new, &crate::now_iso(), &token)?;
    if let Some(a) = account {
        crate::me::own_request(conn, id, &a.sub)?;
    }
    let created = [RequestCreated {
        service_request_id: Some(id.to_string()),
        token: Some(token),
        service_notice: Some("Đã tiếp nhận phản ánh. Thành phố sẽ xử lý và trả lời qua ứng dụng.".into()),
        account_id: new.account_id,
    }];
    Ok((StatusCode::OK, "service_requests", to_value(&created)))
}

fn create_update(
    conn: &rusqlite::Connection,
    j: &str,
    p: &Params,
    media: Option<(String, Vec<u8>)>,
) -> Result<Answer, Error> {
    let id =
        param(p, "service_request_id").ok_or_else(|| Error::BadRequest("service_request_id is required".into()))?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound(format!("service_request_id {id:?} not found")))?;
    if reports::request_jurisdiction(conn, id)?.as_deref() != Some(j) {
        return Err(Error::NotFound(format!("service_request_id {id} not found")));
    }
    let asked = param(p, "status").unwrap_or("open");
    // Citizens comment ("me too") or reopen; moving a report forward is the city's job.
    let status = Status::parse(asked)
        .filter(|s| s.citizen_may_send())
        .ok_or_else(|| Error::BadRequest(format!("status {asked:?}: a citizen update may be open or reopen")))?;
    let description = optional_text(p, "description", MAX_DESCRIPTION)?
        .ok_or_else(|| Error::BadRequest("description is required".into()))?;
    let current =
        reports::status_of(conn, id)?.ok_or_else(|| Error::NotFound(format!("service_request_id {id} not found")))?;
    let new_status = match status {
        Status::Reopen if current == Status::Reopen || current.citizen_may_reopen() => Status::Reopen,
        Status::Reopen => {
            return Err(Error::BadRequest(format!("a report that is {current} cannot be reopened; comment instead")))
        }
        _ => current,
    };
    let media_id = match media {
        Some((ct, bytes)) => Some(reports::insert_media(conn, &ct, &bytes)?),
        None => None,
    };
    let update = reports::Update {
        request_id: id,
        status: new_status,
        description: &description,
        media_id,
        author: "citizen",
        client_update_id: param(p, "update_id"),
        email: param(p, "email"),
    };
    let update_id = reports::add_update(conn, &update, &crate::now_iso())?;
    let created = [UpdateCreated { update_id: update_id.to_string() }];
    Ok((StatusCode::OK, "service_request_updates", to_value(&created)))
}

/// `GET /open311/discovery.json`.
pub async fn discovery(headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    Json(json!({
        "changeset": "2026-11-23T00:00:00+07:00",
        "contact": "MyCity reference server",
        "key_service": "api_key demo-key in the demo",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{base}/open311/v2"),
            "changeset": "2026-11-23T00:00:00+07:00",
            "type": "test",
            "formats": ["application/json", "text/xml"],
        }],
    }))
    .into_response()
}

/// Staff: `POST /admin/requests/{id}/updates` with `{"status", "description"}`.
pub async fn staff_update(
    State(s): State<Arc<AppState>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Response, Error> {
    crate::check_admin(&headers, &s.config)?;
    let asked = body["status"].as_str().unwrap_or_default();
    let status = Status::parse(asked).ok_or_else(|| {
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        Error::BadRequest(format!("status must be one of {}", all.join(", ")))
    })?;
    let description = body["description"].as_str().unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Error::BadRequest(format!("description is longer than {MAX_DESCRIPTION} characters")));
    }
    let description = description.to_owned();
    let update_id = crate::blocking(move || {
        let conn = s.db.conn();
        if reports::request_jurisdiction(&conn, id)?.is_none() {
            return Err(Error::NotFound(format!("service_request_id {id} not found")));
        }
        let update = reports::Update {
            request_id: id,
            status,
            description: &description,
            media_id: None,
            author: "staff",
            client_update_id: None,
            email: None,
        };
        reports::add_update(&conn, &update, &crate::now_iso())
    })
    .await??;
    Ok(Json(
        json!({ "update_id": update_id.to_string(), "service_request_id": id.to_string(), "status": status.as_str() }),
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_follows_open311_element_names() {
        let v = json!([{ "service_code": "pothole", "metadata": true, "keywords": null, "name": "Ổ gà & <hố>" }]);
        assert_eq!(
            to_xml("services", &v),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><service_code>pothole</service_code>\
             <metadata>true</metadata><keywords/><name>Ổ gà &amp; &lt;hố&gt;</name></service></services>"
        );
        let def = json!({"service_code": "x", "attributes": [{"code": "a", "values": [{"key": "k", "name": "n"}]}]});
        assert!(to_xml("service_definition", &def)
            .contains("<attributes><attribute><code>a</code><values><value><key>k</key><name>n</name></value></values></attribute></attributes>"));
    }

    #[test]
    fn format_comes_from_the_suffix() {
        assert_eq!(split_format("services.json").unwrap(), ("services", Format::Json));
        assert_eq!(split_format("12.xml").unwrap(), ("12", Format::Xml));
        assert_eq!(split_format("requests").unwrap(), ("requests", Format::Json));
        assert!(split_format("requests.csv").is_err());
    }
}
