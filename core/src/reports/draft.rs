//! A report being written, and the decisions made while writing it: where a
//! photo's own GPS puts the report, how a local date-time answer gets the
//! city's offset, and what must be right before it can be queued.

use std::collections::BTreeMap;

use mycity_protocol::{attributes, limits, media};
use serde::{Deserialize, Serialize};

use super::Service;
use crate::{
    pack::{BBox, LatLon},
    photos::Processed,
    Answer, Problem, Result,
};

/// How a report's place was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceSource {
    /// Tapped on the map.
    Map,
    /// The device's position.
    Gps,
    /// Read from a photo's own GPS tags.
    Photo,
    /// Coordinates typed by hand.
    Typed,
}

/// A report's place and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    /// Where.
    pub position: LatLon,
    /// How it was set.
    pub source: PlaceSource,
}

/// Who reported, when they choose to say. Only city staff see it: Open311
/// servers never publish it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A report being written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// Category.
    pub service_code: String,
    /// What is wrong.
    pub description: String,
    /// Where, once set.
    pub place: Option<Placed>,
    /// Answers to the category's questions.
    pub answers: BTreeMap<String, Answer>,
    /// Photos as prepared by [`crate::photos::process`] (metadata-free JPEG and thumbnail).
    pub photos: Vec<Processed>,
    /// Contact details; `None` sends anonymously.
    pub contact: Option<Contact>,
    /// A short video clip as prepared by [`crate::MyCity::prepare_clip`]
    /// (stripped, kept in the data directory); sent before the report with
    /// resumable uploads and attached as its media.
    pub clip: Option<crate::clips::StoredClip>,
}

/// What adding a photo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoAdded {
    /// The photo's own GPS became the report's place.
    pub placed_by_photo: bool,
}

impl Draft {
    /// A new draft in category `service_code`.
    pub fn new(service_code: &str) -> Draft {
        Draft { service_code: service_code.to_owned(), ..Draft::default() }
    }

    /// Adds a prepared photo. When the report has no place yet and the photo
    /// was taken inside `city`, the photo's position becomes the place: the
    /// person took it where the problem is. A position outside the city is
    /// ignored (an old photo, or a wrong clock on the camera's GPS).
    pub fn add_photo(&mut self, photo: Processed, city: &BBox) -> Result<PhotoAdded> {
        if self.photos.len() >= limits::MAX_PHOTOS {
            return Err(Problem::new("report-too-many-photos", format!("at most {} photos", limits::MAX_PHOTOS))
                .field("photos")
                .arg("max", limits::MAX_PHOTOS)
                .into());
        }
        let from_photo = photo.gps.filter(|p| self.place.is_none() && city.contains(*p));
        if let Some(position) = from_photo {
            self.place = Some(Placed { position, source: PlaceSource::Photo });
        }
        self.photos.push(photo);
        Ok(PhotoAdded { placed_by_photo: from_photo.is_some() })
    }

    /// Sets the report's clip (one at most: a new one replaces the old). Like
    /// a photo's, the clip's own position becomes the report's place when it
    /// has none yet and the clip was filmed inside `city`; the place's source
    /// is then [`PlaceSource::Photo`] (the picture taken there, moving or not).
    pub fn set_clip(&mut self, clip: crate::clips::StoredClip, city: &BBox) -> PhotoAdded {
        let from_clip = clip.gps.filter(|p| self.place.is_none() && city.contains(*p));
        if let Some(position) = from_clip {
            self.place = Some(Placed { position, source: PlaceSource::Photo });
        }
        self.clip = Some(clip);
        PhotoAdded { placed_by_photo: from_clip.is_some() }
    }

    /// Removes the photo at `index` (nothing if there is none). A place that
    /// came from that photo goes with it.
    pub fn remove_photo(&mut self, index: usize) {
        if index >= self.photos.len() {
            return;
        }
        let removed = self.photos.remove(index);
        let from_it = self.place.is_some_and(|p| p.source == PlaceSource::Photo && removed.gps == Some(p.position));
        if from_it {
            self.place = None;
        }
    }

    /// Sets the description, keeping at most [`limits::MAX_DESCRIPTION`]
    /// characters. Returns what did not fit (a long paste), so the screen can
    /// say so and show it rather than lose it silently.
    pub fn set_description(&mut self, text: &str) -> Option<String> {
        match text.char_indices().nth(limits::MAX_DESCRIPTION) {
            None => {
                self.description = text.to_owned();
                None
            }
            Some((cut, _)) => {
                self.description = text[..cut].to_owned();
                Some(text[cut..].to_owned())
            }
        }
    }

    /// Sets the place.
    pub fn set_place(&mut self, position: LatLon, source: PlaceSource) {
        self.place = Some(Placed { position, source });
    }

    /// Answers a question with one value (an empty value clears the answer).
    pub fn answer(&mut self, code: &str, value: &str) {
        if value.trim().is_empty() {
            self.answers.remove(code);
        } else {
            self.answers.insert(code.to_owned(), Answer::One(value.to_owned()));
        }
    }

    /// Ticks (`chosen`) or unticks `key` in a multiple-choice question.
    pub fn choose(&mut self, code: &str, key: &str, chosen: bool) {
        let entry = self.answers.entry(code.to_owned()).or_insert_with(|| Answer::Many(vec![]));
        if let Answer::One(v) = entry {
            *entry = Answer::Many(vec![v.clone()]);
        }
        if let Answer::Many(keys) = entry {
            keys.retain(|k| k != key);
            if chosen {
                keys.push(key.to_owned());
            }
            if keys.is_empty() {
                self.answers.remove(code);
            }
        }
    }
}

/// A date-time picker's local value (`2026-11-23T08:00`, the city's wall
/// clock) as the ISO 8601 answer Open311 takes, with the city's UTC offset.
pub fn local_datetime(local: &str, offset: time::UtcOffset) -> Result<String> {
    use time::{format_description::well_known::Rfc3339, macros::format_description, PrimitiveDateTime};
    let local = local.trim();
    let parsed = PrimitiveDateTime::parse(local, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .or_else(|_| {
            PrimitiveDateTime::parse(local, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        })
        .map_err(|_| {
            Problem::new("datetime-invalid", format!("{local:?} is not a date and time")).arg("value", local)
        })?;
    parsed
        .assume_offset(offset)
        .format(&Rfc3339)
        .map_err(|e| Problem::new("datetime-invalid", e.to_string()).arg("value", local).into())
}

/// Checks a draft before anything is queued and returns its place; the error
/// is the first of [`problems`], in the order the form shows its fields.
pub fn validate(draft: &Draft, services: &[Service], city: &BBox) -> Result<LatLon> {
    match (problems(draft, services, city).into_iter().next(), draft.place) {
        (Some(p), _) => Err(p.into()),
        (None, Some(place)) => Ok(place.position),
        (None, None) => Err(no_place().into()),
    }
}

fn no_place() -> Problem {
    Problem::new("report-no-place", "place the report on the map").field("place")
}

/// Everything that stops the draft from being sent, in the order the form
/// shows its fields (category, questions, description, photos, place,
/// contact), so a screen can flag each field at once. Empty when it may go.
pub fn problems(draft: &Draft, services: &[Service], city: &BBox) -> Vec<Problem> {
    let mut out = vec![];
    let Some(service) = services.iter().find(|s| s.code == draft.service_code) else {
        let detail = format!("choose a category (unknown {:?})", draft.service_code);
        return vec![Problem::new("report-category", detail).field("category")];
    };
    for q in &service.questions {
        if let Err(e) = attributes::check(std::slice::from_ref(q), &draft.answers) {
            let (code, detail) = match e.problem {
                attributes::Problem::Missing => ("question-missing", format!("answer “{}”", e.label)),
                _ => ("question-invalid", format!("“{}” has an answer that does not fit", e.label)),
            };
            out.push(Problem::new(code, detail).field(format!("question:{}", e.code)).arg("question", &e.label));
        }
    }
    let len = draft.description.chars().count();
    if len > limits::MAX_DESCRIPTION {
        let max = limits::MAX_DESCRIPTION;
        let detail = format!("the description has {len} characters; at most {max}");
        out.push(
            Problem::new("report-description-too-long", detail).field("description").arg("len", len).arg("max", max),
        );
    } else if draft.description.trim().is_empty() && draft.photos.is_empty() && draft.clip.is_none() {
        // A clip alone says what is wrong as well as a photo does.
        out.push(Problem::new("report-empty", "describe the problem or add a photo or a video").field("description"));
    }
    if draft.photos.len() > limits::MAX_PHOTOS {
        let detail = format!("at most {} photos", limits::MAX_PHOTOS);
        out.push(Problem::new("report-too-many-photos", detail).field("photos").arg("max", limits::MAX_PHOTOS));
    }
    // Raw camera files would leak their GPS tags and cost ten times the upload.
    let unprepared = draft.photos.iter().position(|photo| {
        media::sniff_image(&photo.jpeg) != Some(media::ImageType::Jpeg)
            || photo.jpeg.len() > limits::MAX_PREPARED_PHOTO_BYTES
    });
    if let Some(i) = unprepared {
        let detail = format!("photo {} was not prepared (prepare_photo)", i + 1);
        out.push(Problem::new("photo-not-prepared", detail).field("photos").arg("n", i + 1));
    }
    match draft.place.map(|p| p.position) {
        None => out.push(no_place()),
        Some(p) if !(p.lat.is_finite() && p.lon.is_finite() && city.contains(p)) => out.push(
            Problem::new("report-outside-city", format!("{:.5}, {:.5} is outside the city", p.lat, p.lon))
                .field("place")
                .arg("lat", format!("{:.5}", p.lat))
                .arg("lon", format!("{:.5}", p.lon)),
        ),
        Some(_) => {}
    }
    if let Some(c) = &draft.contact {
        if !c.email.trim().is_empty() && !limits::plausible_email(c.email.trim()) {
            out.push(Problem::new("contact-email", format!("{:?} is not an e-mail address", c.email)).field("email"));
        }
        if c.name.chars().count() > limits::MAX_NAME || c.phone.chars().count() > limits::MAX_PHONE {
            out.push(Problem::new("contact-too-long", "the name or phone is too long").field("contact"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: BBox = BBox { min_lat: 15.95, min_lon: 108.1, max_lat: 16.2, max_lon: 108.35 };
    const INSIDE: LatLon = LatLon { lat: 16.0612, lon: 108.2272 };
    const SAIGON: LatLon = LatLon { lat: 10.77, lon: 106.70 };

    fn photo(gps: Option<LatLon>) -> Processed {
        Processed { jpeg: vec![0xFF, 0xD8, 0xFF, 0xE0, 1], thumbnail: vec![], width: 1, height: 1, gps }
    }

    #[test]
    fn a_photo_taken_in_the_city_places_a_report_with_no_place() {
        let mut d = Draft::new("pothole");
        assert_eq!(d.add_photo(photo(Some(INSIDE)), &CITY).unwrap(), PhotoAdded { placed_by_photo: true });
        assert_eq!(d.place, Some(Placed { position: INSIDE, source: PlaceSource::Photo }));
    }

    #[test]
    fn a_photo_never_moves_a_place_already_set() {
        let mut d = Draft::new("pothole");
        let pin = LatLon { lat: 16.0, lon: 108.2 };
        d.set_place(pin, PlaceSource::Map);
        assert!(!d.add_photo(photo(Some(INSIDE)), &CITY).unwrap().placed_by_photo);
        assert_eq!(d.place.unwrap().position, pin);
    }

    #[test]
    fn a_photo_taken_elsewhere_or_without_gps_places_nothing() {
        let mut d = Draft::new("pothole");
        assert!(!d.add_photo(photo(Some(SAIGON)), &CITY).unwrap().placed_by_photo);
        assert!(!d.add_photo(photo(None), &CITY).unwrap().placed_by_photo);
        assert_eq!(d.place, None);
        assert_eq!(d.photos.len(), 2);
    }

    #[test]
    fn removing_the_photo_that_placed_the_report_removes_the_place() {
        let mut d = Draft::new("pothole");
        d.add_photo(photo(None), &CITY).unwrap();
        d.add_photo(photo(Some(INSIDE)), &CITY).unwrap();
        d.remove_photo(0);
        assert!(d.place.is_some(), "another photo's removal keeps it");
        d.remove_photo(0);
        assert_eq!(d.place, None);
        d.remove_photo(7);
    }

    #[test]
    fn a_sixth_photo_is_refused() {
        let mut d = Draft::new("pothole");
        for _ in 0..limits::MAX_PHOTOS {
            d.add_photo(photo(None), &CITY).unwrap();
        }
        assert!(d.add_photo(photo(None), &CITY).is_err());
        assert_eq!(d.photos.len(), limits::MAX_PHOTOS);
    }

    #[test]
    fn answers_and_choices() {
        let mut d = Draft::new("waste");
        d.answer("size", "large");
        d.answer("size", " ");
        assert!(!d.answers.contains_key("size"));
        d.choose("kind", "household", true);
        d.choose("kind", "bulky", true);
        d.choose("kind", "household", false);
        assert_eq!(d.answers["kind"], Answer::Many(vec!["bulky".into()]));
        d.choose("kind", "bulky", false);
        assert!(!d.answers.contains_key("kind"));
    }

    #[test]
    fn local_picker_times_get_the_city_offset() {
        let vn = time::UtcOffset::from_hms(7, 0, 0).unwrap();
        assert_eq!(local_datetime("2026-11-23T08:00", vn).unwrap(), "2026-11-23T08:00:00+07:00");
        assert_eq!(local_datetime("2026-11-23T08:00:30", vn).unwrap(), "2026-11-23T08:00:30+07:00");
        assert!(local_datetime("", vn).is_err());
        assert!(local_datetime("2026-02-30T08:00", vn).is_err());
    }

    fn pothole_service() -> Service {
        let q: Vec<super::super::Question> = serde_json::from_value(serde_json::json!([
            {"code": "size", "datatype": "singlevaluelist", "required": true, "description": "Kích thước",
             "values": [{"key": "small", "name": "Nhỏ"}]}
        ]))
        .unwrap();
        Service {
            code: "pothole".into(),
            name: "Ổ gà".into(),
            description: String::new(),
            group: String::new(),
            questions: q,
        }
    }

    #[test]
    fn validation_names_what_to_fix() {
        let services = [pothole_service()];
        let mut d = Draft::new("pothole");
        d.description = "ổ gà".into();
        d.set_place(INSIDE, PlaceSource::Map);
        let says = |d: &Draft| validate(d, &services, &CITY).unwrap_err().to_string();
        assert!(says(&d).contains("answer “Kích thước”"));
        d.answer("size", "huge");
        assert!(says(&d).contains("does not fit"));
        d.answer("size", "small");
        assert_eq!(validate(&d, &services, &CITY).unwrap(), INSIDE);
        let mut far = d.clone();
        far.set_place(SAIGON, PlaceSource::Typed);
        assert!(says(&far).contains("outside the city"));
        let mut raw = d.clone();
        raw.photos.push(Processed { jpeg: b"\x89PNG\r\n\x1a\n".to_vec(), ..photo(None) });
        assert!(says(&raw).contains("not prepared"));
        let mut mail = d.clone();
        mail.contact = Some(Contact { name: "An".into(), email: "an.example.vn".into(), phone: String::new() });
        assert!(says(&mail).contains("e-mail"));
        let mut other = d;
        other.service_code = "unicorns".into();
        assert!(says(&other).contains("choose a category"));
    }

    #[test]
    fn a_long_paste_keeps_the_limit_and_returns_the_rest() {
        let mut d = Draft::new("pothole");
        assert_eq!(d.set_description("ổ gà"), None);
        assert_eq!(d.description, "ổ gà");
        let long = "ạ".repeat(limits::MAX_DESCRIPTION) + "phần thừa";
        assert_eq!(d.set_description(&long).as_deref(), Some("phần thừa"));
        assert_eq!(d.description.chars().count(), limits::MAX_DESCRIPTION);
    }

    #[test]
    fn problems_lists_every_field_to_fix_in_form_order() {
        let services = vec![Service {
            code: "pothole".into(),
            name: "Ổ gà".into(),
            description: String::new(),
            group: String::new(),
            questions: vec![mycity_protocol::open311::AttributeDef::question(
                "size",
                mycity_protocol::open311::Datatype::String,
                true,
                1,
                "Kích thước",
                vec![],
            )],
        }];
        let d = Draft::new("pothole");
        let fields: Vec<String> =
            problems(&d, &services, &CITY).into_iter().map(|p| p.field.unwrap_or_default()).collect();
        assert_eq!(fields, ["question:size", "description", "place"]);
        let err = validate(&d, &services, &CITY).unwrap_err();
        assert_eq!(err.problem().map(|p| p.code), Some("question-missing"));
    }

    #[test]
    fn a_clip_alone_says_what_is_wrong() {
        let services = [pothole_service()];
        let mut d = Draft::new("pothole");
        d.answer("size", "small");
        d.set_place(INSIDE, PlaceSource::Map);
        let codes = |d: &Draft| problems(d, &services, &CITY).into_iter().map(|p| p.code).collect::<Vec<_>>();
        assert_eq!(codes(&d), ["report-empty"]);
        d.set_clip(
            crate::clips::StoredClip {
                path: "/d/clips/a.mp4".into(),
                mime: "video/mp4",
                duration_ms: 12_000,
                recorded_bytes: 2,
                bytes: 1,
                gps: None,
                poster: None,
            },
            &CITY,
        );
        assert!(codes(&d).is_empty(), "{:?}", codes(&d));
    }
}
