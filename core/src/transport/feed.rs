//! Reading a pack's GTFS feed (the `gtfs` key: file name → CSV text) with the
//! `gtfs-structures` crate, and refusing a feed the look-ups could not trust.

use std::time::Duration;

use gtfs_structures::{Gtfs, RawGtfs, SourceFormat};
use mycity_protocol::transit::FILES;
use serde::de::DeserializeOwned;

use crate::{Problem, Result};

fn invalid(file: &str, detail: impl Into<String>) -> crate::Error {
    Problem::new("transport-feed-invalid", detail).arg("file", file).into()
}

/// One GTFS file's rows; a byte-order mark and padded fields are tolerated,
/// as the crate does for files on disk.
fn rows<T: DeserializeOwned>(name: &str, text: &str) -> Result<Vec<T>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| invalid(name, format!("{name}: header: {e}")))?.clone();
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(invalid(name, format!("{name}: {e}"))),
        }
        let line = rec.position().map_or(0, |p| p.line());
        out.push(rec.deserialize(Some(&headers)).map_err(|e| invalid(name, format!("{name} line {line}: {e}")))?);
    }
    Ok(out)
}

fn required<T: DeserializeOwned>(files: &serde_json::Map<String, serde_json::Value>, name: &str) -> Result<Vec<T>> {
    match files.get(name).and_then(|v| v.as_str()) {
        Some(text) => rows(name, text),
        None => Err(Problem::new("transport-feed-missing", format!("the feed lacks {name}")).arg("file", name).into()),
    }
}

fn optional<T: DeserializeOwned>(
    files: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<Option<std::result::Result<Vec<T>, gtfs_structures::Error>>> {
    files.get(name).and_then(|v| v.as_str()).map(|t| rows(name, t).map(Ok)).transpose()
}

/// Parses the feed held under a pack's `gtfs` key. Refuses unknown or
/// non-text files, missing mandatory files, unreadable rows, references to
/// stops, trips or routes that do not exist, stops without a position and
/// trips without times.
pub fn parse(files: &serde_json::Map<String, serde_json::Value>) -> Result<Gtfs> {
    for (name, v) in files {
        if !FILES.contains(&name.as_str()) || !v.is_string() {
            return Err(invalid(name, format!("{name} is not a GTFS file MyCity reads, or not text")));
        }
    }
    if !files.contains_key("calendar.txt") && !files.contains_key("calendar_dates.txt") {
        return Err(Problem::new("transport-feed-missing", "the feed has neither calendar.txt nor calendar_dates.txt")
            .arg("file", "calendar.txt")
            .into());
    }
    let raw = RawGtfs {
        read_duration: Duration::ZERO,
        calendar: optional(files, "calendar.txt")?,
        calendar_dates: optional(files, "calendar_dates.txt")?,
        stops: Ok(required(files, "stops.txt")?),
        routes: Ok(required(files, "routes.txt")?),
        trips: Ok(required(files, "trips.txt")?),
        agencies: Ok(required(files, "agency.txt")?),
        shapes: optional(files, "shapes.txt")?,
        fare_attributes: None,
        fare_rules: None,
        fare_products: None,
        fare_media: None,
        rider_categories: None,
        frequencies: None,
        transfers: None,
        pathways: None,
        levels: None,
        feed_info: optional(files, "feed_info.txt")?,
        stop_times: Ok(required(files, "stop_times.txt")?),
        files: files.keys().cloned().collect(),
        source_format: SourceFormat::Directory,
        sha256: None,
        translations: None,
        ticketing_deep_links: None,
        ticketing_identifiers: None,
        attributions: None,
        licenses: None,
    };
    let gtfs = Gtfs::try_from(raw).map_err(|e| invalid("stop_times.txt", format!("{e}")))?;
    check(&gtfs)?;
    Ok(gtfs)
}

/// What the crate leaves to its users: the look-ups need every stop placed,
/// every trip on a known route and service, and times that never go back.
fn check(gtfs: &Gtfs) -> Result<()> {
    if gtfs.agencies.is_empty() {
        return Err(invalid("agency.txt", "no agency"));
    }
    for s in gtfs.stops.values() {
        let placed = matches!((s.latitude, s.longitude), (Some(la), Some(lo))
            if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo));
        if !placed {
            return Err(invalid("stops.txt", format!("stop {} has no valid position", s.id)));
        }
    }
    for t in gtfs.trips.values() {
        if !gtfs.routes.contains_key(&t.route_id) {
            return Err(invalid("trips.txt", format!("trip {} names unknown route {}", t.id, t.route_id)));
        }
        if !gtfs.calendar.contains_key(&t.service_id) && !gtfs.calendar_dates.contains_key(&t.service_id) {
            return Err(invalid("trips.txt", format!("trip {} names unknown service {}", t.id, t.service_id)));
        }
        if t.stop_times.len() < 2 {
            return Err(invalid("stop_times.txt", format!("trip {} has fewer than two stops", t.id)));
        }
        let mut last = 0;
        for st in &t.stop_times {
            let Some(at) = st.departure_time.or(st.arrival_time) else {
                // GTFS allows untimed stops between timepoints; these look-ups do not interpolate.
                return Err(invalid("stop_times.txt", format!("trip {} has a stop without a time", t.id)));
            };
            if at < last {
                return Err(invalid(
                    "stop_times.txt",
                    format!("trip {} goes back in time at stop {}", t.id, st.stop.id),
                ));
            }
            last = at;
        }
    }
    Ok(())
}
