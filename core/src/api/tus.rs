//! Resumable clip uploads with tus 1.0 (<https://tus.io/protocols/resumable-upload>):
//! a 50 MB clip on a phone network must go on where a cut left it, not start
//! again.
//!
//! The upload is created once per outbox row (its UUID is the tus `key`, so a
//! create whose answer was lost gets the same upload back), its URL and the
//! confirmed offset are kept in SQLite (`clip_uploads`), and after any failure
//! the server is asked where it stands (`HEAD`) before the next `PATCH`: what
//! the server stored is the truth, whatever the phone believed it had sent.

use reqwest::StatusCode;

use super::{server_error, Api};
use crate::store::Store;
use crate::{Error, Result};

/// The tus version spoken.
pub const TUS_VERSION: &str = "1.0.0";

/// Bytes sent per `PATCH` by default: 2 MB take 16 s at 1 Mbit/s, within
/// the client's 60 s timeout and the reference server's 30 s request limit
/// on a poor phone network, and a cut costs at most the bytes in flight
/// (the server keeps what arrived). 50 MB are 25 requests.
pub const DEFAULT_CHUNK: usize = 2 * 1024 * 1024;

/// Resumes straight away after a failure, within one call, before giving
/// the send back to the sync engine's backoff.
const QUICK_RESUMES: u32 = 5;

/// Where an upload stands, as kept on the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadState {
    /// The upload's absolute URL.
    pub url: String,
    /// Bytes in the clip.
    pub length: u64,
    /// Bytes the server confirmed.
    pub offset: u64,
    /// Every byte is in and the server checked the clip.
    pub done: bool,
}

impl UploadState {
    /// The server's id for the upload (the last segment of its URL), what
    /// `media_upload` names on the report.
    pub fn id(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }
}

/// Standard base64, for `Upload-Metadata` values.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for g in bytes.chunks(3) {
        let n = (g[0] as u32) << 16 | (*g.get(1).unwrap_or(&0) as u32) << 8 | *g.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= g.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The stored state of the upload for outbox row `key`.
pub fn stored(store: &Store, key: &str) -> Result<Option<UploadState>> {
    use rusqlite::OptionalExtension;
    store.read(|c| {
        Ok(c.query_row(
            "SELECT url, length, offset, done_at IS NOT NULL FROM clip_uploads WHERE outbox_key = ?1",
            [key],
            |r| {
                Ok(UploadState {
                    url: r.get(0)?,
                    length: r.get::<_, i64>(1)? as u64,
                    offset: r.get::<_, i64>(2)? as u64,
                    done: r.get(3)?,
                })
            },
        )
        .optional()?)
    })
}

fn save(store: &Store, key: &str, s: &UploadState) -> Result<()> {
    store.write(|tx| {
        tx.execute(
            "INSERT INTO clip_uploads (outbox_key, url, length, offset, done_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (outbox_key) DO UPDATE SET url = ?2, length = ?3, offset = ?4, done_at = ?5",
            rusqlite::params![
                key,
                s.url,
                s.length as i64,
                s.offset as i64,
                s.done.then(|| time::OffsetDateTime::now_utc().unix_timestamp())
            ],
        )?;
        Ok(())
    })
}

/// Forgets the upload of outbox row `key` (once its report is sent).
pub fn forget(store: &Store, key: &str) -> Result<()> {
    store.write(|tx| {
        tx.execute("DELETE FROM clip_uploads WHERE outbox_key = ?1", [key])?;
        Ok(())
    })
}

fn offset_header(resp: &reqwest::Response) -> Result<u64> {
    resp.headers().get("upload-offset").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).ok_or_else(
        || Error::Server {
            status: 502,
            message: "the upload server gave no Upload-Offset".into(),
            retry_after_s: None,
        },
    )
}

impl Api {
    /// Creates (or finds again, by `key`) the tus upload for a clip of `length` bytes.
    pub async fn tus_create(&self, key: &str, length: u64, mime: &str) -> Result<String> {
        let resp = self
            .http
            .post(format!("{}/tus/files", self.base))
            .header("tus-resumable", TUS_VERSION)
            .header("upload-length", length.to_string())
            .header("upload-metadata", format!("key {},filetype {}", base64(key.as_bytes()), base64(mime.as_bytes())))
            .send()
            .await?;
        if resp.status() != StatusCode::CREATED {
            return Err(server_error(resp).await);
        }
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).ok_or_else(|| Error::Server {
            status: 502,
            message: "the upload server gave no Location".into(),
            retry_after_s: None,
        })?;
        // Relative locations are the server's own paths.
        Ok(if location.starts_with("http://") || location.starts_with("https://") {
            location.to_owned()
        } else {
            format!("{}{}", self.base, location)
        })
    }

    /// How many bytes of the upload at `url` the server holds.
    pub async fn tus_offset(&self, url: &str) -> Result<u64> {
        let resp = self.http.head(url).header("tus-resumable", TUS_VERSION).send().await?;
        if !resp.status().is_success() {
            return Err(Error::Server {
                status: resp.status().as_u16(),
                message: "the upload is not known to the server".into(),
                retry_after_s: None,
            });
        }
        offset_header(&resp)
    }

    /// Sends `piece` at `offset`; the server's new offset.
    pub async fn tus_patch(&self, url: &str, offset: u64, piece: Vec<u8>) -> Result<u64> {
        let resp = self
            .http
            .patch(url)
            .header("tus-resumable", TUS_VERSION)
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(piece)
            .send()
            .await?;
        if resp.status() != StatusCode::NO_CONTENT {
            return Err(server_error(resp).await);
        }
        offset_header(&resp)
    }

    /// Uploads `clip` for outbox row `key`, resuming where the server stands,
    /// in `PATCH`es of `chunk` bytes; the upload's state once complete. See
    /// [`Api::upload_from`].
    pub async fn upload_clip(
        &self,
        store: &Store,
        key: &str,
        clip: &[u8],
        mime: &str,
        chunk: usize,
    ) -> Result<UploadState> {
        self.upload_from(store, key, Source::Bytes(clip), mime, chunk, &|_| {}).await
    }

    /// Uploads the clip in `source` for outbox row `key`, resuming where the
    /// server stands, in `PATCH`es of `chunk` bytes, telling `progress` each
    /// confirmed offset (already kept in SQLite when it hears it); the
    /// upload's state once complete. After a network failure it asks the
    /// server's offset and goes on, a few times, then gives the error back
    /// (transient: the outbox retries later and resumes again from the offset
    /// kept in SQLite). Only one chunk is in memory at a time.
    pub async fn upload_from(
        &self,
        store: &Store,
        key: &str,
        source: Source<'_>,
        mime: &str,
        chunk: usize,
        progress: &(dyn Fn(&UploadState) + Send + Sync),
    ) -> Result<UploadState> {
        let length = source.len();
        let mut state = match stored(store, key)? {
            Some(s) if s.length == length => s,
            _ => {
                let url = self.tus_create(key, length, mime).await?;
                let s = UploadState { url, length, offset: 0, done: false };
                save(store, key, &s)?;
                s
            }
        };
        if state.done {
            return Ok(state);
        }
        let mut failures = 0;
        // The server is asked first: a previous run may have sent more than it saved.
        let mut ask = true;
        loop {
            let step = async {
                if ask {
                    state.offset = self.tus_offset(&state.url).await?;
                }
                if state.offset < length {
                    let end = (state.offset + chunk.max(1) as u64).min(length);
                    let piece = source.read(state.offset, end).await?;
                    state.offset = self.tus_patch(&state.url, state.offset, piece).await?;
                }
                Ok::<_, Error>(())
            }
            .await;
            match step {
                Ok(()) => {
                    ask = false;
                    state.done = state.offset >= length;
                    save(store, key, &state)?;
                    progress(&state);
                    if state.done {
                        return Ok(state);
                    }
                }
                // The server let the upload expire (a phone offline for days):
                // a new one from the start, once.
                Err(Error::Server { status: 404 | 410, .. }) if ask && failures == 0 => {
                    failures += 1;
                    tracing::info!(key, "clip upload expired on the server; starting again");
                    let url = self.tus_create(key, length, mime).await?;
                    state = UploadState { url, length, offset: 0, done: false };
                    save(store, key, &state)?;
                    ask = false;
                }
                // 409: the offsets disagreed; the server's HEAD settles it.
                Err(e) if (e.is_transient() || matches!(e, Error::Server { status: 409, .. })) => {
                    failures += 1;
                    tracing::info!(key, offset = state.offset, failures, "clip upload interrupted: {e}");
                    if failures > QUICK_RESUMES {
                        save(store, key, &state)?;
                        return Err(e);
                    }
                    ask = true;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Where a clip's bytes come from: memory, or the file kept in the data
/// directory, read a chunk at a time so a 60 MB clip never sits in memory whole.
#[derive(Debug, Clone)]
pub enum Source<'a> {
    /// The whole clip in memory.
    Bytes(&'a [u8]),
    /// A file of `length` bytes.
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Its length, as read when the upload began.
        length: u64,
    },
}

impl Source<'_> {
    /// The file at `path`, with its length read now.
    pub fn file(path: &std::path::Path) -> Result<Source<'static>> {
        let length = std::fs::metadata(path).map_err(|e| Error::Io(format!("the clip {}: {e}", path.display())))?.len();
        Ok(Source::File { path: path.to_owned(), length })
    }

    /// Bytes in the clip.
    pub fn len(&self) -> u64 {
        match self {
            Source::Bytes(b) => b.len() as u64,
            Source::File { length, .. } => *length,
        }
    }

    /// True for an empty clip.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes `start..end`, read on a blocking thread for a file (flash must
    /// not stall the executor).
    async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>> {
        match self {
            Source::Bytes(b) => Ok(b[start as usize..end as usize].to_vec()),
            Source::File { path, .. } => {
                let path = path.clone();
                let shown = path.display().to_string();
                tokio::task::spawn_blocking(move || read_range(&path, start, end))
                    .await
                    .map_err(|e| Error::Io(format!("reading the clip stopped: {e}")))?
                    .map_err(|e| Error::Io(format!("the clip {shown}: {e}")))
            }
        }
    }
}

fn read_range(path: &std::path::Path, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut buf = vec![0; (end - start) as usize];
    // A file shorter than when the upload began is damaged: an error, not a short piece.
    f.read_exact(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_tus_metadata_wants() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi"), "aGk=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"video/mp4"), "dmlkZW8vbXA0");
    }

    #[test]
    fn the_upload_id_is_the_last_segment() {
        let s = UploadState { url: "http://127.0.0.1:1/tus/files/abc".into(), length: 1, offset: 0, done: false };
        assert_eq!(s.id(), "abc");
    }

    /// The reference server on loopback, a client of it, an empty store and a stripped clip.
    async fn serving() -> (mycity_server::Running, Api, Store, crate::clips::PreparedClip) {
        let server =
            mycity_server::serve("127.0.0.1:0".parse().unwrap(), mycity_server::Config::default()).await.unwrap();
        let api = Api::new(&format!("http://{}", server.addr), super::super::DEFAULT_TIMEOUT).unwrap();
        let store = Store::open_in_memory().unwrap();
        let clip = crate::clips::prepare(&mycity_protocol::clip::fixture::clip(&Default::default())).unwrap();
        (server, api, store, clip)
    }

    #[tokio::test]
    async fn a_clip_uploads_in_pieces_and_a_second_call_finds_it_done() {
        let (server, api, store, clip) = serving().await;
        let s = api.upload_clip(&store, "row-1", &clip.bytes, "video/mp4", 10_000).await.unwrap();
        assert!(s.done);
        assert_eq!(s.offset, clip.bytes.len() as u64);
        assert_eq!(stored(&store, "row-1").unwrap(), Some(s.clone()));
        // Created again with the same key: the same upload, already complete.
        assert_eq!(api.tus_create("row-1", s.length, "video/mp4").await.unwrap(), s.url);
        assert_eq!(api.upload_clip(&store, "row-1", &clip.bytes, "video/mp4", 10_000).await.unwrap(), s);
        let served = api.get_bytes(&s.url, 1 << 20).await.unwrap();
        assert_eq!(served, clip.bytes);
        // An app that died mid-upload (its SQLite row lost too) resumes from
        // the server's offset: the same key finds the same upload, HEAD says
        // where it stands, and only the rest is sent.
        let half = clip.bytes.len() as u64 / 2;
        let url = api.tus_create("row-3", clip.bytes.len() as u64, "video/mp4").await.unwrap();
        assert_eq!(api.tus_patch(&url, 0, clip.bytes[..half as usize].to_vec()).await.unwrap(), half);
        let fresh = Store::open_in_memory().unwrap();
        let s = api.upload_clip(&fresh, "row-3", &clip.bytes, "video/mp4", 1 << 20).await.unwrap();
        assert_eq!((s.url.as_str(), s.done), (url.as_str(), true));
        assert_eq!(api.get_bytes(&url, 1 << 20).await.unwrap(), clip.bytes);
        // A PATCH at an offset the server is not at is refused (409), nothing appended.
        let url4 = api.tus_create("row-4", 100, "video/mp4").await.unwrap();
        let e = api.tus_patch(&url4, 10, vec![0; 10]).await.unwrap_err();
        assert!(matches!(e, Error::Server { status: 409, .. }), "{e:?}");
        assert_eq!(api.tus_offset(&url4).await.unwrap(), 0);
        // A clip that still carries its place is refused once complete.
        let raw = mycity_protocol::clip::fixture::clip(&Default::default());
        let e = api.upload_clip(&store, "row-2", &raw, "video/mp4", 1 << 20).await.unwrap_err();
        assert!(matches!(e, Error::Server { status: 422, .. }), "{e:?}");
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn a_clip_file_goes_a_chunk_at_a_time_and_each_offset_is_told() {
        let (server, api, store, clip) = serving().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.mp4");
        std::fs::write(&path, &clip.bytes).unwrap();
        let told = std::sync::Mutex::new(Vec::new());
        let source = Source::file(&path).unwrap();
        assert_eq!(source.len(), clip.bytes.len() as u64);
        let s = api
            .upload_from(&store, "row-f", source, "video/mp4", 4_000, &|s| told.lock().unwrap().push(s.offset))
            .await
            .unwrap();
        let told = told.into_inner().unwrap();
        assert_eq!(told.len() as u64, (clip.bytes.len() as u64).div_ceil(4_000));
        assert!(told.windows(2).all(|w| w[0] < w[1]), "{told:?}");
        assert_eq!(told.last().copied(), Some(s.length));
        assert_eq!(api.get_bytes(&s.url, 1 << 20).await.unwrap(), clip.bytes);
        // An upload the server let expire is started again, not failed.
        save(
            &store,
            "row-e",
            &UploadState { url: format!("{}/tus/files/gone", api.base), length: s.length, offset: 5, done: false },
        )
        .unwrap();
        let again = api
            .upload_from(&store, "row-e", Source::file(&path).unwrap(), "video/mp4", 1 << 20, &|_| {})
            .await
            .unwrap();
        assert!(again.done && !again.url.ends_with("/gone"), "{again:?}");
        // A file cut short since the upload began is an error, not a short clip.
        std::fs::write(&path, &clip.bytes[..10]).unwrap();
        let cut = Source::File { path: path.clone(), length: clip.bytes.len() as u64 };
        let e = api.upload_from(&store, "row-g", cut, "video/mp4", 4_000, &|_| {}).await.unwrap_err();
        assert!(matches!(e, Error::Io(_)), "{e:?}");
        server.shutdown().await.unwrap();
    }
}
