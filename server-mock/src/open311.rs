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
use serde_json::{json, Map, Value};

use crate::{
    reports::{self, NewRequest, RequestFilter},
    AppState, Error,
};

/// Open311's longest description.
pub const MAX_DESCRIPTION: usize = 4000;
/// Largest photo accepted in a request.
pub const MAX_PHOTO: usize = 10 * 1024 * 1024;

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
    let body = json!([{ "code": status.as_u16(), "description": e.to_string() }]);
    render(format, status, "errors", &body)
}

/// An answer: status, XML root and body.
type Answer = (StatusCode, &'static str, Value);

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

fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

fn english(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en"))
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

/// `GET /open311/v2/{file}`: services, requests, servicerequestupdates.
pub async fn get_root(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer(&file, |stem| {
        let j = jurisdiction(&s, &p)?;
        match stem {
            "services" => {
                let conn = s.db.conn();
                let list: Vec<Value> = reports::services(&conn, &j, english(&headers))?
                    .into_iter()
                    .map(|sv| {
                        json!({
                            "service_code": sv.code, "service_name": sv.name, "description": sv.description,
                            "metadata": sv.attributes.as_array().is_some_and(|a| !a.is_empty()),
                            "type": "realtime", "keywords": sv.group, "group": sv.group,
                        })
                    })
                    .collect();
                Ok((StatusCode::OK, "services", Value::Array(list)))
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
                Ok((StatusCode::OK, "service_requests", Value::Array(found)))
            }
            "servicerequestupdates" => {
                let (start, end) = (date_param(&p, "start_date")?, date_param(&p, "end_date")?);
                let found =
                    reports::find_updates(&s.db.conn(), &j, start.as_deref(), end.as_deref(), &base_url(&headers))?;
                Ok((StatusCode::OK, "service_request_updates", Value::Array(found)))
            }
            other => Err(Error::NotFound(format!("no Open311 resource {other:?}"))),
        }
    })
}

/// `GET /open311/v2/services/{code}.{fmt}`: a service definition.
pub async fn get_service(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer(&file, |code| {
        let j = jurisdiction(&s, &p)?;
        let sv = reports::services(&s.db.conn(), &j, english(&headers))?
            .into_iter()
            .find(|sv| sv.code == code)
            .ok_or_else(|| Error::NotFound(format!("service_code {code:?} not found")))?;
        Ok((StatusCode::OK, "service_definition", json!({ "service_code": sv.code, "attributes": sv.attributes })))
    })
}

/// `GET /open311/v2/requests/{id}.{fmt}`.
pub async fn get_request(
    State(s): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer(&file, |id| {
        let j = jurisdiction(&s, &p)?;
        let id: i64 = id.parse().map_err(|_| Error::NotFound(format!("service_request_id {id:?} not found")))?;
        let filter = RequestFilter { ids: Some(vec![id]), ..Default::default() };
        let found = reports::find_requests(&s.db.conn(), &j, &filter, &base_url(&headers))?;
        if found.is_empty() {
            return Err(Error::NotFound(format!("service_request_id {id} not found")));
        }
        Ok((StatusCode::OK, "service_requests", Value::Array(found)))
    })
}

/// `GET /open311/v2/tokens/{token}.{fmt}`.
pub async fn get_token(State(s): State<Arc<AppState>>, Path(file): Path<String>, Query(p): Query<Params>) -> Response {
    answer(&file, |token| {
        let j = jurisdiction(&s, &p)?;
        let id = reports::by_token(&s.db.conn(), &j, token)?
            .ok_or_else(|| Error::NotFound(format!("token {token:?} not found")))?;
        Ok((StatusCode::OK, "service_requests", json!([{ "service_request_id": id.to_string(), "token": token }])))
    })
}

/// `GET /open311/v2/media/{id}.jpg`: a stored photo.
pub async fn get_media(State(s): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    let id = file.split('.').next().and_then(|i| i.parse::<i64>().ok());
    match id.map(|id| reports::media(&s.db.conn(), id)) {
        Some(Ok(Some((ct, bytes)))) => {
            let ct = HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            ([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, HeaderValue::from_static("max-age=86400"))], bytes)
                .into_response()
        }
        Some(Err(e)) => e.into_response(),
        _ => Error::NotFound(format!("no photo {file:?}")).into_response(),
    }
}

/// What a photo's first bytes say it is.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Reads a POST body: urlencoded or multipart with a `media` file part.
async fn read_form(state: &Arc<AppState>, req: Request) -> Result<(Params, Option<(String, Vec<u8>)>), Error> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
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
            if bytes.len() > MAX_PHOTO {
                return Err(Error::TooLarge(format!("media is {} bytes; at most {MAX_PHOTO}", bytes.len())));
            }
            let ct = sniff_image(&bytes)
                .ok_or_else(|| Error::BadRequest("media must be a JPEG, PNG or WebP image".into()))?;
            media = Some((ct.to_owned(), bytes.to_vec()));
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

/// Checks the answers against the service's attribute definitions.
fn attributes(defs: &Value, p: &Params) -> Result<Value, Error> {
    let mut out = Map::new();
    for def in defs.as_array().into_iter().flatten() {
        let code = def["code"].as_str().unwrap_or_default();
        let datatype = def["datatype"].as_str().unwrap_or("string");
        let label = def["description"].as_str().unwrap_or(code);
        let one = format!("attribute[{code}]");
        let many = format!("attribute[{code}][]");
        let keys: Vec<&str> =
            def["values"].as_array().into_iter().flatten().filter_map(|v| v["key"].as_str()).collect();
        let given: Vec<&str> = p
            .iter()
            .filter(|(k, _)| *k == one || *k == many)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if given.is_empty() {
            if def["required"].as_bool().unwrap_or(false) {
                return Err(Error::BadRequest(format!("{one} is required ({label})")));
            }
            continue;
        }
        let bad = |v: &str| Error::BadRequest(format!("{one} = {v:?} is not valid for {datatype} ({label})"));
        let value = match datatype {
            "singlevaluelist" => {
                let v = given[0];
                if !keys.contains(&v) {
                    return Err(bad(v));
                }
                json!(v)
            }
            "multivaluelist" => {
                let vals: Vec<&str> = given.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
                if let Some(v) = vals.iter().find(|v| !keys.contains(v)) {
                    return Err(bad(v));
                }
                json!(vals)
            }
            "number" => json!(given[0].parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| bad(given[0]))?),
            "datetime" => {
                crate::instant(given[0]).ok_or_else(|| bad(given[0]))?;
                json!(given[0])
            }
            _ => {
                if given[0].chars().count() > MAX_DESCRIPTION {
                    return Err(bad("(too long)"));
                }
                json!(given[0])
            }
        };
        out.insert(code.to_owned(), value);
    }
    Ok(Value::Object(out))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Error> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= 200 => Ok(Some(k.trim().to_owned())),
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
    let r = async {
        let key = idempotency_key(&headers)?;
        let (p, media) = read_form(&s, req).await?;
        check_api_key(&s, &p)?;
        let j = jurisdiction(&s, &p)?;
        let endpoint = format!("{stem}:{j}");
        // One connection, held for the whole check-insert-remember: a duplicate
        // racing the first send waits and then gets the first answer.
        let conn = s.db.conn();
        if let Some(k) = &key {
            if let Some((status, body)) = reports::remembered(&conn, k, &endpoint)? {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok((status, root_of(stem), body));
            }
        }
        // The record and the remembered answer commit together: after a crash
        // either both exist (a resend gets the answer) or neither (it is stored anew).
        let tx = conn.unchecked_transaction()?;
        let answer = match stem {
            "requests" => create_request(&tx, &j, &p, media)?,
            "servicerequestupdates" => create_update(&tx, &j, &p, media)?,
            other => return Err(Error::NotFound(format!("cannot POST to {other:?}"))),
        };
        if let Some(k) = &key {
            reports::remember(&tx, k, &endpoint, answer.0.as_u16(), &answer.2)?;
        }
        tx.commit()?;
        Ok(answer)
    }
    .await;
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
    let address = optional_text(p, "address_string", 500)?;
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
    let email = optional_text(p, "email", 254)?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(Error::BadRequest("email is not an e-mail address".into()));
    }
    let new = NewRequest {
        jurisdiction: j.to_owned(),
        service_code: code.to_owned(),
        description,
        lat,
        long,
        address,
        attributes: attributes(&service.attributes, p)?,
        email,
        first_name: optional_text(p, "first_name", 100)?,
        last_name: optional_text(p, "last_name", 100)?,
        phone: optional_text(p, "phone", 30)?,
        device_id: optional_text(p, "device_id", 200)?,
        account_id: optional_text(p, "account_id", 200)?,
        media_url: optional_text(p, "media_url", 2000)?,
        media,
    };
    let token = uuid::Uuid::new_v4().to_string();
    let id = reports::insert_request(conn, &new, &crate::now_iso(), &token)?;
    let notice = "Đã tiếp nhận phản ánh. Thành phố sẽ xử lý và trả lời qua ứng dụng.";
    Ok((
        StatusCode::OK,
        "service_requests",
        json!([{ "service_request_id": id.to_string(), "token": token, "service_notice": notice, "account_id": new.account_id }]),
    ))
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
    let status = param(p, "status").unwrap_or("open").to_ascii_lowercase();
    // Citizens comment ("me too") or reopen; moving a report forward is the city's job.
    if status != "open" && status != "reopen" {
        return Err(Error::BadRequest(format!("status {status:?}: a citizen update may be open or reopen")));
    }
    let description = optional_text(p, "description", MAX_DESCRIPTION)?
        .ok_or_else(|| Error::BadRequest("description is required".into()))?;
    let current: String = conn.query_row("SELECT status FROM requests WHERE id = ?1", [id], |r| r.get(0))?;
    let new_status = if status == "reopen" { "reopen".to_owned() } else { current };
    let media_id = match media {
        Some((ct, bytes)) => Some(reports::insert_media(conn, &ct, &bytes)?),
        None => None,
    };
    let update = reports::Update {
        request_id: id,
        status: &new_status,
        description: &description,
        media_id,
        author: "citizen",
        client_update_id: param(p, "update_id"),
        email: param(p, "email"),
    };
    let update_id = reports::add_update(conn, &update, &crate::now_iso())?;
    Ok((StatusCode::OK, "service_request_updates", json!([{ "update_id": update_id.to_string() }])))
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
    let status = body["status"].as_str().unwrap_or_default();
    if !reports::STATUSES.contains(&status) {
        return Err(Error::BadRequest(format!("status must be one of {}", reports::STATUSES.join(", "))));
    }
    let description = body["description"].as_str().unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Error::BadRequest(format!("description is longer than {MAX_DESCRIPTION} characters")));
    }
    let conn = s.db.conn();
    if reports::request_jurisdiction(&conn, id)?.is_none() {
        return Err(Error::NotFound(format!("service_request_id {id} not found")));
    }
    let update = reports::Update {
        request_id: id,
        status,
        description,
        media_id: None,
        author: "staff",
        client_update_id: None,
        email: None,
    };
    let update_id = reports::add_update(&conn, &update, &crate::now_iso())?;
    Ok(Json(json!({ "update_id": update_id.to_string(), "service_request_id": id.to_string(), "status": status }))
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

    #[test]
    fn photos_are_recognised_by_content() {
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"GIF89a"), None);
        assert_eq!(sniff_image(b"<svg"), None);
    }

    #[test]
    fn attributes_are_checked_against_their_definitions() {
        let defs = json!([
            {"code": "size", "datatype": "singlevaluelist", "required": true, "description": "Size",
             "values": [{"key": "small"}, {"key": "large"}]},
            {"code": "kind", "datatype": "multivaluelist", "required": false, "values": [{"key": "a"}, {"key": "b"}]},
            {"code": "depth", "datatype": "number", "required": false, "values": []}
        ]);
        let p = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Params>();
        let ok = attributes(
            &defs,
            &p(&[
                ("attribute[size]", "small"),
                ("attribute[kind][]", "a"),
                ("attribute[kind][]", "b"),
                ("attribute[depth]", "12.5"),
            ]),
        )
        .unwrap();
        assert_eq!(ok, json!({"size": "small", "kind": ["a", "b"], "depth": 12.5}));
        assert!(attributes(&defs, &p(&[])).unwrap_err().to_string().contains("attribute[size] is required"));
        assert!(attributes(&defs, &p(&[("attribute[size]", "huge")])).is_err());
        assert!(attributes(&defs, &p(&[("attribute[size]", "small"), ("attribute[depth]", "deep")])).is_err());
    }
}
