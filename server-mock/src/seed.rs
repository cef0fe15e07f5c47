//! Demo data: the city packs bundled in `assets/cities/`.

use crate::{db::Db, Error};

macro_rules! city {
    ($slug:literal) => {
        (
            $slug,
            include_str!(concat!("../../assets/cities/", $slug, "/pack.json")),
            include_str!(concat!("../../assets/cities/", $slug, "/wards.geojson")),
        )
    };
}

const PACKS: [(&str, &str, &str); 5] =
    [city!("ha-giang"), city!("dong-ha"), city!("vinh"), city!("gia-nghia"), city!("da-nang")];

/// Combines `pack.json` and `wards.geojson` into the wire form.
pub fn combine(pack: &str, wards: &str) -> Result<String, Error> {
    let mut v: serde_json::Value =
        serde_json::from_str(pack).map_err(|e| Error::BadRequest(format!("pack.json: {e}")))?;
    let w: serde_json::Value =
        serde_json::from_str(wards).map_err(|e| Error::BadRequest(format!("wards.geojson: {e}")))?;
    v.as_object_mut().ok_or_else(|| Error::BadRequest("pack.json is not an object".into()))?.insert("wards".into(), w);
    Ok(v.to_string())
}

/// Publishes every bundled pack not already present at that version.
pub fn seed(db: &Db) -> Result<(), Error> {
    for (slug, pack, wards) in PACKS {
        match db.publish_pack(slug, &combine(pack, wards)?) {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Publishes packs from a directory of `<slug>/pack.json` + `<slug>/wards.geojson`.
pub fn load_dir(db: &Db, dir: &std::path::Path) -> Result<usize, Error> {
    let mut n = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Internal(format!("{}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let (Some(slug), true) = (path.file_name().and_then(|s| s.to_str()), path.join("pack.json").exists()) else {
            continue;
        };
        let read = |f: &str| {
            std::fs::read_to_string(path.join(f)).map_err(|e| Error::Internal(format!("{}/{f}: {e}", path.display())))
        };
        match db.publish_pack(slug, &combine(&read("pack.json")?, &read("wards.geojson")?)?) {
            Ok(_) => n += 1,
            Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
