//! The data directory holds reports with names, phone numbers and photos:
//! other users of the device (or apps sharing a storage area) must not read
//! it. On Unix the directory is 0700 and the database files 0600, created
//! that way before SQLite first writes them (its journal files copy the
//! database file's mode).

use std::path::Path;

use crate::{Error, Result};

/// Makes `dir` owner-only and creates or narrows `db` (and its WAL/SHM files) to owner read/write.
pub(crate) fn restrict(dir: &Path, db: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |p: &Path, e: std::io::Error| Error::Io(format!("{}: {e}", p.display()));
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| io(dir, e))?;
        if !db.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(db)
                .map_err(|e| io(db, e))?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let f =
                db.with_file_name(format!("{}{suffix}", db.file_name().and_then(|n| n.to_str()).unwrap_or_default()));
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).map_err(|e| io(&f, e))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, db);
    Ok(())
}

/// Writes `bytes` to `path`, readable and writable by the owner only
/// (0600 on Unix), replacing any old file in one step: the file is written
/// next to it under a temporary name, synced, then renamed over it, so a
/// crash leaves the old contents or the new, never half of them, and the
/// secret is never readable by others, not even for a moment.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |p: &Path, e: std::io::Error| Error::Io(format!("{}: {e}", p.display()));
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use crate::{Config, MyCity};

    #[test]
    fn the_data_directory_and_database_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        let core = MyCity::open(Config { data_dir: data.clone(), ..Default::default() }).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        for entry in std::fs::read_dir(&data).unwrap() {
            let p = entry.unwrap().path();
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
        assert!(data.join("mycity.sqlite-wal").exists(), "the WAL file is checked too");
        drop(core);
    }

    #[test]
    fn private_writes_are_owner_only_and_replace_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret.json");
        super::write(&f, b"one").unwrap();
        super::write(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!f.with_extension("tmp").exists());
    }
}
