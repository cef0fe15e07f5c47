//! Public transport timetables in city packs: a GTFS static feed travels in a
//! pack's wire form as an object under the `gtfs` key, file name → the CSV
//! text of that file (`{"gtfs": {"stops.txt": "stop_id,…", …}}`). Text rather
//! than a zip keeps a pack one JSON document that any tool can read and diff;
//! the transfer is compressed anyway.

use crate::Error;

/// The wire form's key holding the feed.
pub const KEY: &str = "gtfs";

/// The GTFS files a pack may carry; others are refused, so nothing travels unread.
pub const FILES: [&str; 9] = [
    "agency.txt",
    "stops.txt",
    "routes.txt",
    "trips.txt",
    "stop_times.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "shapes.txt",
    "feed_info.txt",
];

macro_rules! feed {
    ($slug:literal: $($file:literal),+) => {
        &[$(($file, include_str!(concat!("../../../assets/cities/", $slug, "/gtfs/", $file)))),+]
    };
}

/// The feeds shipped beside the bundled packs (`assets/cities/<slug>/gtfs/`).
pub const BUNDLED: [(&str, &[(&str, &str)]); 1] = [(
    "da-nang",
    feed!("da-nang": "agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
        "calendar_dates.txt", "shapes.txt", "feed_info.txt"),
)];

/// The bundled feed of `slug`, if its city has one.
pub fn bundled(slug: &str) -> Option<&'static [(&'static str, &'static str)]> {
    BUNDLED.iter().find(|(s, _)| *s == slug).map(|(_, f)| *f)
}

/// Adds a feed's files to a pack in wire form under [`KEY`].
pub fn inline(wire: String, files: &[(&str, &str)]) -> Result<String, Error> {
    if files.is_empty() {
        return Ok(wire);
    }
    let mut pack: serde_json::Value = serde_json::from_str(&wire).map_err(|e| Error::InvalidPack(e.to_string()))?;
    let feed: serde_json::Map<String, serde_json::Value> =
        files.iter().map(|(name, text)| (name.to_string(), serde_json::Value::from(*text))).collect();
    pack.as_object_mut()
        .ok_or_else(|| Error::InvalidPack("pack is not a JSON object".into()))?
        .insert(KEY.into(), feed.into());
    serde_json::to_string(&pack).map_err(|e| Error::InvalidPack(e.to_string()))
}

/// Reads the GTFS files of a pack directory's `gtfs/` folder (none when absent).
pub fn read_dir(pack_dir: &std::path::Path) -> Result<Vec<(&'static str, String)>, Error> {
    let dir = pack_dir.join("gtfs");
    let mut files = Vec::new();
    for name in FILES {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(text) => files.push((name, text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::InvalidPack(format!("gtfs/{name}: {e}"))),
        }
    }
    Ok(files)
}

/// The wire form of a pack directory: `pack.json`, `wards.geojson` and, when
/// present, the look-up files (`health.json`, `planning.geojson`) and the
/// `gtfs/` folder.
pub fn combine_dir(pack_dir: &std::path::Path) -> Result<String, Error> {
    let read = |name: &str| {
        std::fs::read_to_string(pack_dir.join(name))
            .map_err(|e| Error::InvalidPack(format!("{}: {e}", pack_dir.join(name).display())))
    };
    let mut more = Vec::new();
    for (key, file) in crate::packs::LOOKUP_FILES.into_iter().filter(|(_, f)| pack_dir.join(f).exists()) {
        more.push((key, read(file)?));
    }
    let more: Vec<(&str, &str)> = more.iter().map(|(k, t)| (*k, t.as_str())).collect();
    let wire = crate::packs::combine_with(&read("pack.json")?, &read("wards.geojson")?, &more)?;
    let files = read_dir(pack_dir)?;
    inline(wire, &files.iter().map(|(n, t)| (*n, t.as_str())).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn da_nang_ships_a_feed_and_it_lands_under_the_key() {
        let feed = bundled("da-nang").expect("Đà Nẵng has buses");
        assert!(feed.iter().all(|(name, text)| FILES.contains(name) && !text.is_empty()));
        let wire = crate::packs::bundled("da-nang").unwrap().wire().unwrap();
        let v: serde_json::Value = serde_json::from_str(&wire).unwrap();
        assert!(v[KEY]["stop_times.txt"].as_str().unwrap().starts_with("trip_id,"));
        assert!(bundled("ha-giang").is_none());
        assert_eq!(inline("{}".into(), &[]).unwrap(), "{}");
    }
}
