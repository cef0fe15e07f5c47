//! OASIS Common Alerting Protocol 1.2, and the Atom feed that carries it.
//!
//! The reader is lenient where real publishers differ (namespace prefixes or
//! none, elements it does not know, CAP 1.1 documents, a `Z` time zone) and
//! strict where a document stops being CAP: a missing required element, a
//! value outside CAP's lists, a polygon that is not closed or has fewer than
//! four points. Every refusal names the element, as [`Invalid`].
//!
//! The server validates what staff publish with [`parse`], writes documents
//! with [`Alert::to_xml`] and its feed with [`write_feed`]; the core reads the
//! feed with [`parse_feed`]. Which alerts are still in force after updates and
//! cancels is [`in_force`]'s decision, the same on both sides.

use std::{collections::HashSet, fmt::Write as _};

use serde::{Deserialize, Serialize};

use crate::xml::{self, El};

/// The CAP 1.2 namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// Geocode `valueName` for a ward or commune; its value is the ward's code in the city pack.
pub const GEOCODE_WARD: &str = "ward";

/// Geocode `valueName` for a whole city; its value is the city's slug.
pub const GEOCODE_CITY: &str = "city";

/// How long an alert whose infos give no expiry stays in force, in seconds.
/// CAP leaves it to the receiver; a day keeps a forgotten alert from
/// showing for ever while covering a storm's warning.
pub const DEFAULT_LIFETIME_S: i64 = 24 * 3600;

/// Why a document is not acceptable CAP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CAP: <{element}>: {reason}")]
pub struct Invalid {
    /// The element at fault (`xml` for the document itself).
    pub element: String,
    /// What is wrong, in technical English.
    pub reason: String,
}

fn invalid(element: &str, reason: impl Into<String>) -> Invalid {
    Invalid { element: element.to_owned(), reason: reason.into() }
}

macro_rules! cap_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v),+
        }

        impl $name {
            /// The CAP spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            fn parse(element: &str, s: &str) -> Result<Self, Invalid> {
                match s.trim() {
                    $($s => Ok($name::$v),)+
                    other => Err(invalid(element, format!("{other:?} is not one of {}", [$($s),+].join(", ")))),
                }
            }
        }
    };
}

cap_enum!(
    /// `<status>`: who the message is for.
    Status { /** Real. */ Actual = "Actual", /** A drill. */ Exercise = "Exercise", /** Network message. */ System = "System", /** Test, ignore. */ Test = "Test", /** Not to be acted on. */ Draft = "Draft" }
);
cap_enum!(
    /// `<msgType>`.
    MsgType { /** A new alert. */ Alert = "Alert", /** Replaces the referenced ones. */ Update = "Update", /** Cancels the referenced ones. */ Cancel = "Cancel", /** Acknowledges. */ Ack = "Ack", /** Rejects. */ Error = "Error" }
);
cap_enum!(
    /// `<scope>`.
    Scope { /** Everyone. */ Public = "Public", /** Named users. */ Restricted = "Restricted", /** Named addresses. */ Private = "Private" }
);
cap_enum!(
    /// `<urgency>`, most urgent first.
    Urgency { /** Act now. */ Immediate = "Immediate", /** Within the hour. */ Expected = "Expected", /** Later. */ Future = "Future", /** No longer. */ Past = "Past", /** Not known. */ Unknown = "Unknown" }
);
cap_enum!(
    /// `<severity>`, most severe first.
    Severity { /** Extraordinary threat to life or property. */ Extreme = "Extreme", /** Significant threat. */ Severe = "Severe", /** Possible threat. */ Moderate = "Moderate", /** Minimal threat. */ Minor = "Minor", /** Not known. */ Unknown = "Unknown" }
);
cap_enum!(
    /// `<certainty>`, most certain first.
    Certainty { /** Has happened. */ Observed = "Observed", /** Over 50 %. */ Likely = "Likely", /** Under 50 %. */ Possible = "Possible", /** Not expected. */ Unlikely = "Unlikely", /** Not known. */ Unknown = "Unknown" }
);

/// The alert an `Update` or `Cancel` refers to (`sender,identifier,sent`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// The referenced alert's sender.
    pub sender: String,
    /// Its identifier.
    pub identifier: String,
    /// Its sent time, as written.
    pub sent: String,
}

/// A name/value pair (`<parameter>`, `<geocode>`, `<eventCode>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValuePair {
    /// `valueName`.
    pub value_name: String,
    /// `value`.
    pub value: String,
}

/// `<circle>`: a centre and a radius.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    /// Centre `[lat, lon]` (WGS 84).
    pub centre: [f64; 2],
    /// Radius in kilometres.
    pub radius_km: f64,
}

/// `<area>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Area {
    /// `areaDesc`.
    pub area_desc: String,
    /// Closed rings of `[lat, lon]` vertices (first equals last).
    pub polygons: Vec<Vec<[f64; 2]>>,
    /// Circles.
    pub circles: Vec<Circle>,
    /// Geocodes (a ward code, a province code, a FIPS or EMMA id…).
    pub geocodes: Vec<ValuePair>,
}

/// `<info>`: the alert in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// RFC 3066 language (`en-US` when the document gives none, as CAP says).
    pub language: String,
    /// `category` (one or more: Met, Geo, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other).
    pub category: Vec<String>,
    /// `event`: what it is about, in words.
    pub event: String,
    /// `urgency`.
    pub urgency: Urgency,
    /// `severity`.
    pub severity: Severity,
    /// `certainty`.
    pub certainty: Certainty,
    /// `effective`, as written.
    pub effective: Option<String>,
    /// `onset`, as written.
    pub onset: Option<String>,
    /// `expires`, as written.
    pub expires: Option<String>,
    /// `senderName`.
    pub sender_name: Option<String>,
    /// `headline`.
    pub headline: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `instruction`.
    pub instruction: Option<String>,
    /// `web`.
    pub web: Option<String>,
    /// `parameter`s.
    pub parameters: Vec<ValuePair>,
    /// `area`s.
    pub areas: Vec<Area>,
}

/// A CAP 1.2 `<alert>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// `identifier`, unique for the sender.
    pub identifier: String,
    /// `sender`.
    pub sender: String,
    /// `sent`, as written.
    pub sent: String,
    /// `status`.
    pub status: Status,
    /// `msgType`.
    pub msg_type: MsgType,
    /// `scope`.
    pub scope: Scope,
    /// `references`: what an `Update` or `Cancel` replaces.
    pub references: Vec<Reference>,
    /// `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `info` blocks, one per language (or per event).
    pub info: Vec<Info>,
}

/// Reads a CAP time (`2026-11-29T07:00:00+07:00`; `Z` accepted) as unix seconds.
pub fn instant(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn required<'a>(el: &'a El, name: &str) -> Result<&'a str, Invalid> {
    el.text_of(name).ok_or_else(|| invalid(name, format!("required in <{}> and missing or empty", el.name)))
}

fn time_of(el: &El, name: &str) -> Result<Option<String>, Invalid> {
    match el.text_of(name) {
        None => Ok(None),
        Some(t) if instant(t).is_some() => Ok(Some(t.to_owned())),
        Some(t) => Err(invalid(name, format!("{t:?} is not a date-time such as 2026-11-29T07:00:00+07:00"))),
    }
}

fn opt(el: &El, name: &str) -> Option<String> {
    el.text_of(name).map(str::to_owned)
}

fn pairs(el: &El, name: &str) -> Result<Vec<ValuePair>, Invalid> {
    el.all(name)
        .map(|p| {
            Ok(ValuePair {
                value_name: p.text_of("valueName").ok_or_else(|| invalid(name, "valueName is missing"))?.to_owned(),
                value: p.text_of("value").unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

fn point(s: &str, element: &str) -> Result<[f64; 2], Invalid> {
    let bad = || invalid(element, format!("{s:?} is not a \"lat,lon\" pair"));
    let (lat, lon) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(invalid(element, format!("{s:?} is outside WGS 84 latitude/longitude")));
    }
    Ok([lat, lon])
}

/// Reads a `<polygon>`: at least four `lat,lon` pairs, the first equal to the last.
pub fn parse_polygon(s: &str) -> Result<Vec<[f64; 2]>, Invalid> {
    let ring = s.split_whitespace().map(|p| point(p, "polygon")).collect::<Result<Vec<_>, _>>()?;
    if ring.len() < 4 {
        return Err(invalid("polygon", format!("has {} points; CAP needs at least 4", ring.len())));
    }
    if ring.first() != ring.last() {
        return Err(invalid("polygon", "is not closed: the first and last points differ"));
    }
    Ok(ring)
}

/// Reads a `<circle>`: `lat,lon radius_km`.
pub fn parse_circle(s: &str) -> Result<Circle, Invalid> {
    let mut parts = s.split_whitespace();
    let (Some(c), Some(r), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("circle", format!("{s:?} is not \"lat,lon radius\"")));
    };
    let centre = point(c, "circle")?;
    let radius_km: f64 = r.parse().map_err(|_| invalid("circle", format!("radius {r:?} is not a number")))?;
    if !(radius_km.is_finite() && radius_km >= 0.0) {
        return Err(invalid("circle", format!("radius {r:?} is negative")));
    }
    Ok(Circle { centre, radius_km })
}

fn area(el: &El) -> Result<Area, Invalid> {
    Ok(Area {
        area_desc: required(el, "areaDesc")?.to_owned(),
        polygons: el.all("polygon").map(|p| parse_polygon(&p.text)).collect::<Result<_, _>>()?,
        circles: el.all("circle").map(|c| parse_circle(&c.text)).collect::<Result<_, _>>()?,
        geocodes: pairs(el, "geocode")?,
    })
}

fn info(el: &El) -> Result<Info, Invalid> {
    let category: Vec<String> =
        el.all("category").map(|c| c.text.trim().to_owned()).filter(|c| !c.is_empty()).collect();
    if category.is_empty() {
        return Err(invalid("category", "required in <info> and missing"));
    }
    // CAP 1.0's "Very Likely" is still sent by some older systems.
    let certainty = match required(el, "certainty")? {
        "Very Likely" => Certainty::Likely,
        c => Certainty::parse("certainty", c)?,
    };
    Ok(Info {
        language: el.text_of("language").unwrap_or("en-US").to_owned(),
        category,
        event: required(el, "event")?.to_owned(),
        urgency: Urgency::parse("urgency", required(el, "urgency")?)?,
        severity: Severity::parse("severity", required(el, "severity")?)?,
        certainty,
        effective: time_of(el, "effective")?,
        onset: time_of(el, "onset")?,
        expires: time_of(el, "expires")?,
        sender_name: opt(el, "senderName"),
        headline: opt(el, "headline"),
        description: opt(el, "description"),
        instruction: opt(el, "instruction"),
        web: opt(el, "web"),
        parameters: pairs(el, "parameter")?,
        areas: el.all("area").map(area).collect::<Result<_, _>>()?,
    })
}

fn references(s: &str) -> Result<Vec<Reference>, Invalid> {
    s.split_whitespace()
        .map(|triple| {
            let mut parts = triple.splitn(3, ',');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(sender), Some(identifier), Some(sent))
                    if !sender.is_empty() && !identifier.is_empty() && instant(sent).is_some() =>
                {
                    Ok(Reference { sender: sender.into(), identifier: identifier.into(), sent: sent.into() })
                }
                _ => Err(invalid("references", format!("{triple:?} is not \"sender,identifier,sent\""))),
            }
        })
        .collect()
}

fn alert(el: &El) -> Result<Alert, Invalid> {
    if el.name != "alert" {
        return Err(invalid("alert", format!("the document's root is <{}>, not <alert>", el.name)));
    }
    let identifier = required(el, "identifier")?;
    let sender = required(el, "sender")?;
    for (name, v) in [("identifier", identifier), ("sender", sender)] {
        // Both go into references, which are space- and comma-separated.
        if v.contains(|c: char| c.is_whitespace() || c == ',' || c == '<' || c == '&') {
            return Err(invalid(name, format!("{v:?} contains a space, comma, < or &")));
        }
    }
    let sent = time_of(el, "sent")?.ok_or_else(|| invalid("sent", "required in <alert> and missing"))?;
    let msg_type = MsgType::parse("msgType", required(el, "msgType")?)?;
    let references = el.text_of("references").map(references).transpose()?.unwrap_or_default();
    if matches!(msg_type, MsgType::Update | MsgType::Cancel) && references.is_empty() {
        return Err(invalid("references", format!("a {} must name the alerts it replaces", msg_type.as_str())));
    }
    Ok(Alert {
        identifier: identifier.to_owned(),
        sender: sender.to_owned(),
        sent,
        status: Status::parse("status", required(el, "status")?)?,
        msg_type,
        scope: Scope::parse("scope", required(el, "scope")?)?,
        references,
        note: opt(el, "note"),
        info: el.all("info").map(info).collect::<Result<_, _>>()?,
    })
}

/// Parses one CAP document.
pub fn parse(xml: &str) -> Result<Alert, Invalid> {
    let root = xml::parse(xml).map_err(|e| invalid("xml", e))?;
    alert(&root)
}

impl Alert {
    /// The triple other messages use to refer to this one.
    pub fn key(&self) -> Reference {
        Reference { sender: self.sender.clone(), identifier: self.identifier.clone(), sent: self.sent.clone() }
    }

    /// The info to show for `lang` (`vi`, `en`): that language, else English,
    /// else the first.
    pub fn info_for(&self, lang: &str) -> Option<&Info> {
        let is = |i: &&Info, l: &str| {
            let code = i.language.split(['-', '_']).next().unwrap_or("");
            code.eq_ignore_ascii_case(l)
        };
        self.info.iter().find(|i| is(i, lang)).or_else(|| self.info.iter().find(|i| is(i, "en"))).or(self.info.first())
    }

    /// When the alert stops being in force (unix seconds): the latest expiry
    /// of its infos, or [`DEFAULT_LIFETIME_S`] after it was sent when none gives one.
    pub fn expires_at(&self) -> i64 {
        let sent = instant(&self.sent).unwrap_or(0);
        let given: Vec<i64> = self.info.iter().filter_map(|i| i.expires.as_deref().and_then(instant)).collect();
        if given.len() == self.info.len() && !given.is_empty() {
            given.into_iter().max().unwrap_or(sent)
        } else {
            sent + DEFAULT_LIFETIME_S
        }
    }

    /// The most severe info's severity (`Unknown` without info).
    pub fn severity(&self) -> Severity {
        self.info.iter().map(|i| i.severity).min().unwrap_or(Severity::Unknown)
    }

    /// The most urgent info's urgency.
    pub fn urgency(&self) -> Urgency {
        self.info.iter().map(|i| i.urgency).min().unwrap_or(Urgency::Unknown)
    }

    /// Writes the alert as a CAP 1.2 document.
    pub fn to_xml(&self) -> String {
        let mut o = String::with_capacity(2048);
        o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.write_element(&mut o);
        o
    }

    /// Writes the `<alert>` element (no XML declaration), for embedding in a feed.
    pub fn write_element(&self, o: &mut String) {
        fn el(o: &mut String, name: &str, v: &str) {
            let _ = write!(o, "<{name}>{}</{name}>", xml::escape(v));
        }
        fn opt(o: &mut String, name: &str, v: &Option<String>) {
            if let Some(v) = v {
                el(o, name, v);
            }
        }
        fn pairs(o: &mut String, name: &str, list: &[ValuePair]) {
            for p in list {
                let _ = write!(o, "<{name}>");
                el(o, "valueName", &p.value_name);
                el(o, "value", &p.value);
                let _ = write!(o, "</{name}>");
            }
        }
        let _ = write!(o, "<alert xmlns=\"{NAMESPACE}\">");
        el(o, "identifier", &self.identifier);
        el(o, "sender", &self.sender);
        el(o, "sent", &self.sent);
        el(o, "status", self.status.as_str());
        el(o, "msgType", self.msg_type.as_str());
        el(o, "scope", self.scope.as_str());
        opt(o, "note", &self.note);
        if !self.references.is_empty() {
            let refs: Vec<String> =
                self.references.iter().map(|r| format!("{},{},{}", r.sender, r.identifier, r.sent)).collect();
            el(o, "references", &refs.join(" "));
        }
        for i in &self.info {
            o.push_str("<info>");
            el(o, "language", &i.language);
            for c in &i.category {
                el(o, "category", c);
            }
            el(o, "event", &i.event);
            el(o, "urgency", i.urgency.as_str());
            el(o, "severity", i.severity.as_str());
            el(o, "certainty", i.certainty.as_str());
            opt(o, "effective", &i.effective);
            opt(o, "onset", &i.onset);
            opt(o, "expires", &i.expires);
            opt(o, "senderName", &i.sender_name);
            opt(o, "headline", &i.headline);
            opt(o, "description", &i.description);
            opt(o, "instruction", &i.instruction);
            opt(o, "web", &i.web);
            pairs(o, "parameter", &i.parameters);
            for a in &i.areas {
                o.push_str("<area>");
                el(o, "areaDesc", &a.area_desc);
                for ring in &a.polygons {
                    let pts: Vec<String> = ring.iter().map(|[lat, lon]| format!("{lat},{lon}")).collect();
                    el(o, "polygon", &pts.join(" "));
                }
                for c in &a.circles {
                    el(o, "circle", &format!("{},{} {}", c.centre[0], c.centre[1], c.radius_km));
                }
                pairs(o, "geocode", &a.geocodes);
                o.push_str("</area>");
            }
            o.push_str("</info>");
        }
        o.push_str("</alert>");
    }
}

/// The messages still in force at `now`, in the order given: `Alert`s and
/// `Update`s of status `Actual` and scope `Public` that no other message
/// updates or cancels and that have not expired. Order-independent: a
/// `Cancel` read before the alert it cancels still cancels it.
pub fn in_force(messages: &[Alert], now: i64) -> Vec<&Alert> {
    let replaced: HashSet<(&str, &str)> =
        messages.iter().flat_map(|m| m.references.iter()).map(|r| (r.sender.as_str(), r.identifier.as_str())).collect();
    messages
        .iter()
        .filter(|m| matches!(m.msg_type, MsgType::Alert | MsgType::Update))
        .filter(|m| m.status == Status::Actual && m.scope == Scope::Public)
        .filter(|m| !replaced.contains(&(m.sender.as_str(), m.identifier.as_str())))
        .filter(|m| m.expires_at() > now)
        .collect()
}

/// One entry of an Atom feed of alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// Atom `id`.
    pub id: String,
    /// Atom `title`.
    pub title: String,
    /// Atom `updated`.
    pub updated: String,
    /// The CAP document's address (`link`, preferring `rel="alternate"` of an XML type).
    pub link: Option<String>,
    /// The CAP alert carried in the entry's `content`, when it carries one.
    pub alert: Option<Result<Alert, Invalid>>,
}

/// Reads an Atom feed of CAP alerts. A bad alert inside one entry spoils
/// only that entry (its `alert` is the error); a feed that is not Atom is refused.
pub fn parse_feed(xml: &str) -> Result<Vec<FeedEntry>, Invalid> {
    let root = xml::parse(xml).map_err(|e| invalid("xml", e))?;
    if root.name != "feed" {
        return Err(invalid("feed", format!("the document's root is <{}>, not an Atom <feed>", root.name)));
    }
    Ok(root
        .all("entry")
        .map(|e| {
            let links: Vec<&El> = e.all("link").collect();
            let link = links
                .iter()
                .find(|l| l.attr("type").is_some_and(|t| t.contains("xml")))
                .or_else(|| links.iter().find(|l| l.attr("rel").is_none_or(|r| r == "alternate")))
                .and_then(|l| l.attr("href"))
                .map(str::to_owned);
            let content = e.child("content");
            let carried = content.and_then(|c| c.child("alert")).or_else(|| e.child("alert"));
            let alert = match carried {
                Some(a) => Some(alert(a)),
                // Some hubs escape the document into the content's text.
                None => content.map(|c| c.text.trim()).filter(|t| t.starts_with('<') && t.contains("alert")).map(parse),
            };
            FeedEntry {
                id: e.text_of("id").unwrap_or_default().to_owned(),
                title: e.text_of("title").unwrap_or_default().to_owned(),
                updated: e.text_of("updated").unwrap_or_default().to_owned(),
                link,
                alert,
            }
        })
        .collect())
}

/// An entry to write with [`write_feed`].
#[derive(Debug, Clone)]
pub struct OutEntry<'a> {
    /// Atom `id` (a URN or the CAP document's URL).
    pub id: String,
    /// The CAP document's URL.
    pub link: String,
    /// Atom `updated`.
    pub updated: String,
    /// The alert, carried whole in the entry's content.
    pub alert: &'a Alert,
}

/// Writes an Atom feed whose entries carry their CAP alerts and link to them.
pub fn write_feed(id: &str, title: &str, updated: &str, self_link: &str, entries: &[OutEntry<'_>]) -> String {
    let mut o = String::with_capacity(1024 + entries.len() * 2048);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    let _ = write!(
        o,
        "<id>{}</id><title>{}</title><updated>{}</updated><link rel=\"self\" href=\"{}\"/>",
        xml::escape(id),
        xml::escape(title),
        xml::escape(updated),
        xml::escape(self_link)
    );
    for e in entries {
        let title = e
            .alert
            .info
            .first()
            .map_or(e.alert.identifier.as_str(), |i| i.headline.as_deref().unwrap_or(i.event.as_str()));
        let _ = write!(
            o,
            "<entry><id>{}</id><title>{}</title><updated>{}</updated>\
             <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{}\"/><content type=\"application/cap+xml\">",
            xml::escape(&e.id),
            xml::escape(title),
            xml::escape(&e.updated),
            xml::escape(&e.link)
        );
        e.alert.write_element(&mut o);
        o.push_str("</content></entry>");
    }
    o.push_str("</feed>");
    o
}

#[cfg(test)]
mod tests;
