//! The local database: one SQLite file in WAL mode, foreign keys on.
//!
//! One writer connection, on which every write runs inside a transaction
//! ([`Store::write`]), and one reader connection that cannot write
//! (`query_only`): screens read the last commit while the sync engine or a
//! pack import writes, and nothing writes by accident through a read.
//! SQL lives in the domain modules that own the tables; this module only
//! opens, migrates and hands out connections.

mod schema;

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
    thread::JoinHandle,
};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

pub use schema::VERSION as SCHEMA_VERSION;

use crate::Result;

/// Page cache in normal use (negative = KiB, SQLite's default size).
const NORMAL_CACHE_KIB: i64 = -2000;
/// Most of the database file mapped into memory for reads. Only pages actually
/// touched become resident, and the OS can drop them under memory pressure.
const MMAP_BYTES: i64 = 256 * 1024 * 1024;
/// Page cache during a bulk import.
const BULK_CACHE_KIB: i64 = -65536;
/// SQLite's default WAL size that triggers a checkpoint at commit.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 1000;
/// How long a connection waits for another's lock before giving up.
const BUSY: std::time::Duration = std::time::Duration::from_secs(5);

enum Connections {
    /// A file: a writer and a query-only reader.
    File { writer: Mutex<Connection>, reader: Mutex<Connection>, path: PathBuf },
    /// In memory no second connection can see the data, so both roles share
    /// one; reads switch it to `query_only` for their duration.
    Memory(Mutex<Connection>),
}

/// The core's SQLite database.
pub struct Store {
    conns: Connections,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut writer = Connection::open_with_flags(path, flags)?;
        // WAL lets a reader see the last commit while a pack import writes;
        // NORMAL sync is durable across app crashes, which is what a phone needs.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let reader = Connection::open_with_flags(path, flags)?;
        configure(&reader)?;
        reader.pragma_update(None, "query_only", true)?;
        Ok(Store {
            conns: Connections::File { writer: Mutex::new(writer), reader: Mutex::new(reader), path: path.to_owned() },
        })
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(Store { conns: Connections::Memory(Mutex::new(conn)) })
    }

    /// Runs `f` on the reader: it sees the last commit and cannot write.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        match &self.conns {
            Connections::File { reader, .. } => f(&lock(reader)),
            Connections::Memory(conn) => {
                let conn = lock(conn);
                conn.pragma_update(None, "query_only", true)?;
                let out = f(&conn);
                conn.pragma_update(None, "query_only", false)?;
                out
            }
        }
    }

    /// Runs `f` inside one immediate transaction on the writer, committed
    /// only if `f` succeeds: a record and its outbox row land together or not at all.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Like [`Store::write`], with a larger page cache for the duration: bulk
    /// imports touch index pages all over the file, and the default 2 MB cache
    /// would re-read them many times.
    /// The commit only appends to the WAL; folding the WAL into the database
    /// is left to [`Store::maintain`], off the caller's thread.
    pub fn write_bulk<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.writer();
        conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let out: Result<T> = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        // Give the memory back whatever happened: phones are short of it.
        let reset = conn
            .pragma_update(None, "cache_size", NORMAL_CACHE_KIB)
            .and_then(|_| conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES));
        let out = out?;
        reset?;
        Ok(out)
    }

    /// Tidies up after a bulk import on a thread of its own: merges the search
    /// index into one segment (searches then read each word's list once) and
    /// folds the WAL into the database. Readers are not blocked (WAL); the
    /// app's own writes wait for it at most the busy timeout. In memory, where
    /// no second connection can see the data, it runs here and now.
    pub fn maintain(&self) -> JoinHandle<Result<()>> {
        fn tidy(c: &Connection) -> Result<()> {
            c.execute("INSERT INTO places_fts(places_fts) VALUES ('optimize')", [])?;
            // The checkpoint reports (busy, log, checkpointed); a busy one is retried next time.
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        }
        match &self.conns {
            Connections::File { path, .. } => {
                let path = path.clone();
                std::thread::spawn(move || {
                    let conn = Connection::open(&path)?;
                    conn.busy_timeout(std::time::Duration::from_secs(30))?;
                    let r = tidy(&conn);
                    if let Err(e) = &r {
                        tracing::warn!(%e, "store maintenance failed; it runs again after the next import");
                    }
                    r
                })
            }
            Connections::Memory(conn) => {
                let r = tidy(&lock(conn));
                std::thread::spawn(move || r)
            }
        }
    }

    /// Reads a setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?))
    }

    /// Writes a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// Removes a setting.
    pub fn clear_setting(&self, key: &str) -> Result<()> {
        self.write(|c| {
            c.execute("DELETE FROM settings WHERE key = ?1", [key])?;
            Ok(())
        })
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        match &self.conns {
            Connections::File { writer, .. } => lock(writer),
            Connections::Memory(conn) => lock(conn),
        }
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite half-written
    // (the transaction rolls back on drop), so the connection is still good.
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(BUSY)?;
    // Reads map the file instead of copying pages through the page cache:
    // a search touches a few scattered rows, and a pread per row dominated.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == schema::VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    schema::migrate_from(&tx, version)?;
    tx.pragma_update(None, "user_version", schema::VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn fresh_database_is_at_current_version_with_wal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store
            .read(|c| {
                let v: u32 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
                assert_eq!(v, SCHEMA_VERSION);
                let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
                assert_eq!(mode, "wal");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn reopening_keeps_data_and_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Store::open(&path).unwrap().set_setting("lang", "en").unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.setting("lang").unwrap().as_deref(), Some("en"));
        store.write(|c| Ok(c.pragma_update(None, "user_version", 99)?)).unwrap();
        drop(store);
        let err = Store::open(&path).err().expect("newer schema refused");
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn maintenance_empties_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let store = Store::open(&path).unwrap();
        store
            .write_bulk(|tx| {
                for i in 0..2000 {
                    tx.execute("INSERT INTO settings VALUES (?1, ?2)", [format!("k{i}"), "x".repeat(500)])?;
                }
                Ok(())
            })
            .unwrap();
        let wal = dir.path().join("db.sqlite-wal");
        assert!(std::fs::metadata(&wal).unwrap().len() > 500_000, "bulk commit left the WAL for later");
        store.maintain().join().unwrap().unwrap();
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
        assert_eq!(store.setting("k1999").unwrap().as_deref(), Some("x".repeat(500).as_str()));
    }

    #[test]
    fn reads_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        for store in [Store::open(&dir.path().join("db.sqlite")).unwrap(), Store::open_in_memory().unwrap()] {
            let err = store.read(|c| Ok(c.execute("INSERT INTO settings VALUES ('a', 'b')", [])?)).unwrap_err();
            assert!(err.to_string().contains("readonly"), "{err}");
            // …and the connection writes again afterwards where it is shared.
            store.set_setting("a", "b").unwrap();
            assert_eq!(store.setting("a").unwrap().as_deref(), Some("b"));
        }
    }

    #[test]
    fn the_reader_sees_what_the_writer_committed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        assert_eq!(store.setting("lang").unwrap(), None);
        store.set_setting("lang", "en").unwrap();
        assert_eq!(store.setting("lang").unwrap().as_deref(), Some("en"));
    }

    #[test]
    fn failed_write_rolls_back() {
        let store = Store::open_in_memory().unwrap();
        let r: Result<()> = store.write(|tx| {
            tx.execute("INSERT INTO settings VALUES ('a', 'b')", [])?;
            Err(Error::NoServer)
        });
        assert!(r.is_err());
        assert_eq!(store.setting("a").unwrap(), None);
    }
}
