//! Demo data: the city packs bundled in `assets/cities/`.

use mycity_protocol::packs;

use crate::{db::Db, Error};

/// Publishes every bundled pack not already present at that version.
pub fn seed(db: &Db) -> Result<(), Error> {
    for b in packs::BUNDLED {
        let wire = b.wire().map_err(|e| Error::Internal(format!("bundled pack {}: {e}", b.slug)))?;
        match db.publish_pack(b.slug, &wire) {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Publishes packs from a directory of `<slug>/pack.json` + `<slug>/wards.geojson`
/// (+ `health.json`, `planning.geojson` when present).
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
        // The look-up files are optional in a directory pack.
        let mut more = Vec::new();
        for (key, file) in packs::LOOKUP_FILES.into_iter().filter(|(_, f)| path.join(f).exists()) {
            more.push((key, read(file)?));
        }
        let more: Vec<(&str, &str)> = more.iter().map(|(k, t)| (*k, t.as_str())).collect();
        let wire = packs::combine_with(&read("pack.json")?, &read("wards.geojson")?, &more)
            .map_err(|e| Error::BadRequest(format!("{}: {e}", path.display())))?;
        match db.publish_pack(slug, &wire) {
            Ok(_) => n += 1,
            Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
