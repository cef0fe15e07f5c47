//! Open311 GeoReport v2 as it travels, with mySociety's FixMyStreet
//! extensions (extended statuses, `servicerequestupdates`).
//!
//! The reference server writes these; the core reads them at the edge, so a
//! reply is typed the moment it arrives. Reading is lenient where real
//! servers differ (ids as numbers or strings, `"true"` for `true`, missing
//! optional fields); writing follows the specification's field order.

use serde::{Deserialize, Deserializer, Serialize};

use crate::status::{BaseStatus, Status};

/// A service (a report category) as `GET services` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The category's code, sent back with a request.
    #[serde(deserialize_with = "id")]
    pub service_code: String,
    /// Its name.
    #[serde(default, deserialize_with = "text")]
    pub service_name: String,
    /// One line about it.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    /// True when `GET services/{code}` has questions for it.
    #[serde(default, deserialize_with = "flag")]
    pub metadata: bool,
    /// `realtime`, `batch` or `blackbox`.
    #[serde(rename = "type", default, deserialize_with = "text")]
    pub kind: String,
    /// Comma-separated keywords.
    #[serde(default, deserialize_with = "text")]
    pub keywords: String,
    /// The group (field) it belongs to.
    #[serde(default, deserialize_with = "text")]
    pub group: String,
}

/// `GET services/{code}`: the questions a category asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDefinition {
    /// The category.
    #[serde(deserialize_with = "id")]
    pub service_code: String,
    /// Its questions.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
}

/// How an attribute is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    /// One line of text.
    String,
    /// A number.
    Number,
    /// An ISO 8601 date-time with offset.
    Datetime,
    /// Longer text.
    Text,
    /// One key of `values`.
    Singlevaluelist,
    /// Any keys of `values`.
    Multivaluelist,
}

/// One question of a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    /// False for an information line that takes no answer.
    #[serde(default = "yes", deserialize_with = "flag")]
    pub variable: bool,
    /// Sent as `attribute[code]`.
    #[serde(deserialize_with = "id")]
    pub code: String,
    /// How it is answered.
    pub datatype: Datatype,
    /// Must be answered.
    #[serde(default, deserialize_with = "flag")]
    pub required: bool,
    /// A hint on the expected answer.
    #[serde(default)]
    pub datatype_description: Option<String>,
    /// Position among the questions.
    #[serde(default)]
    pub order: i64,
    /// The question as shown.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    /// The choices of a list.
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

impl AttributeDef {
    /// A question that takes an answer; `values` are the choices of a list.
    pub fn question(
        code: &str,
        datatype: Datatype,
        required: bool,
        order: i64,
        description: &str,
        values: Vec<AttributeValue>,
    ) -> AttributeDef {
        AttributeDef {
            variable: true,
            code: code.into(),
            datatype,
            required,
            datatype_description: None,
            order,
            description: description.into(),
            values,
        }
    }
}

fn yes() -> bool {
    true
}

/// A choice of a list question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeValue {
    /// What is sent.
    #[serde(deserialize_with = "id")]
    pub key: String,
    /// What is shown.
    #[serde(default, deserialize_with = "text")]
    pub name: String,
}

/// A report as `GET requests` returns it (no personal fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// The city's id for it.
    #[serde(deserialize_with = "id")]
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: BaseStatus,
    /// The extended status, where the server has them.
    #[serde(default, deserialize_with = "opt_status")]
    pub extended_status: Option<Status>,
    /// The city's latest note.
    #[serde(default)]
    pub status_notes: Option<String>,
    /// The category's name.
    #[serde(default)]
    pub service_name: Option<String>,
    /// The category.
    #[serde(default)]
    pub service_code: Option<String>,
    /// What the reporter wrote.
    #[serde(default)]
    pub description: Option<String>,
    /// Who handles it.
    #[serde(default)]
    pub agency_responsible: Option<String>,
    /// A notice from the city about it.
    #[serde(default)]
    pub service_notice: Option<String>,
    /// When it was made (ISO 8601).
    #[serde(default)]
    pub requested_datetime: Option<String>,
    /// When it last changed.
    #[serde(default)]
    pub updated_datetime: Option<String>,
    /// When the city expects to be done.
    #[serde(default)]
    pub expected_datetime: Option<String>,
    /// Where, in words.
    #[serde(default)]
    pub address: Option<String>,
    /// Where, as the city's address id.
    #[serde(default)]
    pub address_id: Option<String>,
    /// Postcode.
    #[serde(default)]
    pub zipcode: Option<String>,
    /// Latitude (WGS84).
    #[serde(default, deserialize_with = "opt_number")]
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    #[serde(default, deserialize_with = "opt_number")]
    pub long: Option<f64>,
    /// A photo of it.
    #[serde(default)]
    pub media_url: Option<String>,
}

impl ServiceRequest {
    /// The most specific status given: the extended one, else the base one.
    pub fn current_status(&self) -> Status {
        self.extended_status.unwrap_or(match self.status {
            BaseStatus::Open => Status::Open,
            BaseStatus::Closed => Status::Closed,
        })
    }
}

/// One step of a report's history (`GET servicerequestupdates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequestUpdate {
    /// The update's id.
    #[serde(deserialize_with = "id")]
    pub update_id: String,
    /// The report it belongs to.
    #[serde(deserialize_with = "id")]
    pub service_request_id: String,
    /// The report's status after it.
    #[serde(deserialize_with = "status")]
    pub status: Status,
    /// When (ISO 8601 with offset).
    pub updated_datetime: String,
    /// The comment.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    /// A photo with it.
    #[serde(default)]
    pub media_url: Option<String>,
}

/// The answer to `POST requests`: an id, or a token to trade for one later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCreated {
    /// The report's id, when the server gives it at once.
    #[serde(default, deserialize_with = "opt_id")]
    pub service_request_id: Option<String>,
    /// A token for `GET tokens/{token}`.
    #[serde(default, deserialize_with = "opt_id")]
    pub token: Option<String>,
    /// What the city says about it.
    #[serde(default)]
    pub service_notice: Option<String>,
    /// The account it was filed under.
    #[serde(default, deserialize_with = "opt_id")]
    pub account_id: Option<String>,
}

/// One of a signed-in citizen's reports, as `GET /api/v1/me/requests` lists
/// them: the Open311 report, the city it was filed in and its token, so a
/// second device can follow it as the first one does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRequest {
    /// The city (Open311 `jurisdiction_id`).
    pub jurisdiction_id: String,
    /// The token the report was filed with.
    pub token: String,
    /// The report.
    #[serde(flatten)]
    pub request: ServiceRequest,
}

/// The answer to `POST servicerequestupdates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCreated {
    /// The update's id.
    #[serde(deserialize_with = "id")]
    pub update_id: String,
}

/// One entry of an Open311 error answer (`[{code, description}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorItem {
    /// Usually the HTTP status.
    #[serde(default, deserialize_with = "opt_int")]
    pub code: Option<i64>,
    /// What went wrong, for people.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
}

/// A string or a number, as a string: servers differ on how they type ids.
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Loose {
    fn into_string(self) -> String {
        match self {
            Loose::Text(s) => s,
            Loose::Int(n) => n.to_string(),
            Loose::Float(n) => n.to_string(),
            Loose::Bool(b) => b.to_string(),
        }
    }
}

fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Loose::deserialize(d)?.into_string())
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Loose>::deserialize(d)?.map(Loose::into_string).filter(|s| !s.is_empty()))
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<Loose>::deserialize(d)?.map(Loose::into_string).unwrap_or_default())
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Bool(b)) => b,
        Some(Loose::Text(s)) => s.trim().eq_ignore_ascii_case("true") || s.trim() == "1",
        Some(Loose::Int(n)) => n != 0,
        Some(Loose::Float(n)) => n != 0.0,
        None => false,
    })
}

fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Int(n)) => Some(n as f64),
        Some(Loose::Float(n)) => Some(n),
        Some(Loose::Text(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite()))
}

fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Int(n)) => Some(n),
        Some(Loose::Text(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<Status, D::Error> {
    let s = String::deserialize(d)?;
    Status::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown status {s:?}")))
}

fn opt_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Status>, D::Error> {
    // An extended status outside the vocabulary falls back to the base status.
    Ok(Option::<String>::deserialize(d)?.and_then(|s| Status::parse(&s)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_what_other_servers_write() {
        let s: Vec<Service> = serde_json::from_value(json!([
            {"service_code": 12, "service_name": "Pothole", "metadata": "true", "type": "realtime",
             "keywords": null, "group": "Roads"},
            {"service_code": "light", "metadata": false}
        ]))
        .unwrap();
        assert_eq!((s[0].service_code.as_str(), s[0].metadata, s[0].keywords.as_str()), ("12", true, ""));
        assert_eq!((s[1].service_name.as_str(), s[1].metadata), ("", false));

        let r: ServiceRequest = serde_json::from_value(json!({
            "service_request_id": 638344, "status": "closed", "lat": "37.76", "long": -122.41,
            "extended_status": "NO_FURTHER_ACTION", "media_url": null
        }))
        .unwrap();
        assert_eq!(r.service_request_id, "638344");
        assert_eq!(r.current_status(), Status::NoFurtherAction);
        assert_eq!((r.lat, r.long), (Some(37.76), Some(-122.41)));
        let plain: ServiceRequest =
            serde_json::from_value(json!({"service_request_id": "1", "status": "open", "extended_status": "weird"}))
                .unwrap();
        assert_eq!(plain.current_status(), Status::Open);
    }

    #[test]
    fn attribute_definitions_and_post_answers() {
        let def: ServiceDefinition = serde_json::from_value(json!({
            "service_code": "pothole",
            "attributes": [{"variable": "true", "code": "size", "datatype": "singlevaluelist", "required": true,
                            "order": 1, "description": "Size", "values": [{"key": 1, "name": "Small"}]}]
        }))
        .unwrap();
        let a = &def.attributes[0];
        assert!(a.variable && a.required);
        assert_eq!((a.datatype, a.values[0].key.as_str()), (Datatype::Singlevaluelist, "1"));
        let created: Vec<RequestCreated> =
            serde_json::from_value(json!([{"token": "abc", "service_notice": ""}])).unwrap();
        assert_eq!((created[0].service_request_id.as_deref(), created[0].token.as_deref()), (None, Some("abc")));
        let err: Vec<ErrorItem> = serde_json::from_value(json!([{"code": 400, "description": "bad"}])).unwrap();
        assert_eq!(err[0].code, Some(400));
        let err: Vec<ErrorItem> = serde_json::from_value(json!([{"code": "403", "description": "no"}])).unwrap();
        assert_eq!(err[0].code, Some(403));
        assert!(serde_json::from_value::<ServiceRequestUpdate>(json!({
            "update_id": 1, "service_request_id": 2, "status": "teleported", "updated_datetime": "x"
        }))
        .is_err());
    }

    #[test]
    fn writes_in_the_specification_order() {
        let s = Service {
            service_code: "pothole".into(),
            service_name: "Ổ gà".into(),
            description: String::new(),
            metadata: true,
            kind: "realtime".into(),
            keywords: "roads".into(),
            group: "roads".into(),
        };
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            text.starts_with(
                r#"{"service_code":"pothole","service_name":"Ổ gà","description":"","metadata":true,"type":"realtime""#
            ),
            "{text}"
        );
    }
}
