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
        let wire = mycity_protocol::transit::combine_dir(&path)
            .map_err(|e| Error::BadRequest(format!("{}: {e}", path.display())))?;
        match db.publish_pack(slug, &wire) {
            Ok(_) => n += 1,
            Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
