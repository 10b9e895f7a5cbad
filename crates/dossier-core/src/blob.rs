//! The blob store: uploaded bytes kept once per content under the blob directory, as
//! `ab/cd/<sha256 hex>`, with one `blobs` row per workspace and content.
//!
//! * An upload is streamed to `tmp/<random>.part` while its SHA-256 and size are computed; it is
//!   never held whole in memory. Past `max_upload_bytes`, or when the stream fails (the client
//!   went away), the temporary file is removed and nothing else is left. Dropping a
//!   [`StagedUpload`] (a cancelled request) removes it too.
//! * Placing it renames the temporary file to its content address, after `fsync`, unless the same
//!   bytes are already stored; the rows that name it are written right after, in one transaction.
//! * Collection deletes blob rows that no file row references, and only after that commit, the
//!   files on disk that no workspace's blob row names any more.
//!
//! No client-supplied name is ever part of a path: paths come from the SHA-256 or a UUID.
//!
//! Placement and collection exclude each other through a lock (shared for placement, exclusive
//! for the check-then-unlink of collection), so a file cannot be unlinked between an upload's
//! placement and the commit of its row. The lock is per process: replicas sharing one blob
//! directory can in principle still race there (a collection in one replica, a re-upload of
//! the same bytes in another, within milliseconds).

use std::{
    path::{Path, PathBuf},
    pin::pin,
    time::Duration,
};

use futures_util::{Stream, StreamExt as _};
use sha2::{Digest as _, Sha256};
use tokio::{
    io::AsyncWriteExt as _,
    sync::{RwLock, RwLockReadGuard},
};

use crate::{
    Core,
    error::{Error, Result},
    ids::new_uuid,
    store,
};

/// Placement (shared) versus collection's check-then-unlink (exclusive).
static PLACEMENT: RwLock<()> = RwLock::const_new(());

/// Blob rows deleted per collection transaction.
const COLLECT_BATCH: i64 = 500;

/// Temporary files older than this are leftovers of a crash and are removed by collection.
const STALE_TMP: Duration = Duration::from_secs(24 * 3600);

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// `ab/cd/<64 hex>` for a SHA-256.
pub(crate) fn storage_key(sha: &[u8]) -> String {
    let h = hex(sha);
    format!("{}/{}/{}", &h[0..2], &h[2..4], h)
}

/// The path of a storage key, if the key has exactly the shape this module writes.
fn key_path(dir: &Path, key: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = key.split('/').collect();
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match parts.as_slice() {
        [a, b, h]
            if a.len() == 2
                && b.len() == 2
                && h.len() == 64
                && is_hex(a)
                && is_hex(b)
                && is_hex(h)
                && h.starts_with(&format!("{a}{b}")) =>
        {
            Some(dir.join(a).join(b).join(h))
        }
        _ => None,
    }
}

fn io_error(what: &str, e: std::io::Error) -> Error {
    Error::Internal(format!("blob store: {what}: {e}"))
}

/// Removes the file at the path it holds when dropped.
struct TmpFile(Option<PathBuf>);

impl Drop for TmpFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take()
            && let Err(e) = std::fs::remove_file(&p)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %p.display(), error = %e, "cannot remove a temporary upload");
        }
    }
}

/// An upload written to a temporary file, with its SHA-256 and size. Dropping it removes the
/// temporary file; placing it moves the file to its content address.
pub struct StagedUpload {
    tmp: TmpFile,
    sha: [u8; 32],
    size: u64,
}

impl std::fmt::Debug for StagedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StagedUpload")
            .field("sha256", &hex(&self.sha))
            .field("size", &self.size)
            .finish()
    }
}

impl StagedUpload {
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn sha256_hex(&self) -> String {
        hex(&self.sha)
    }
}

/// A blob at its content address, protected from collection until dropped.
pub(crate) struct PlacedBlob {
    pub sha: [u8; 32],
    pub storage_key: String,
    _lock: RwLockReadGuard<'static, ()>,
}

impl Core {
    /// The largest upload accepted, bytes (`CoreConfig::max_upload_bytes`).
    pub fn max_upload_bytes(&self) -> u64 {
        self.cfg.max_upload_bytes
    }

    /// Streams an upload to a temporary file under the blob directory, computing its SHA-256
    /// and size. Over `max_upload_bytes`: `PayloadTooLarge`. A failing stream: a validation
    /// error on `file` (code `incomplete`). Either way the temporary file is gone.
    pub(crate) async fn stage_blob<S, B>(&self, data: S) -> Result<StagedUpload>
    where
        S: Stream<Item = std::io::Result<B>>,
        B: AsRef<[u8]>,
    {
        let dir = self.cfg.blob_dir.join("tmp");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| io_error("cannot create the temporary directory", e))?;
        let path = dir.join(format!("{}.part", new_uuid().simple()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|e| io_error("cannot create a temporary file", e))?;
        let mut tmp = TmpFile(Some(path));
        let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        let limit = self.cfg.max_upload_bytes;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut data = pin!(data);
        while let Some(chunk) = data.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    drop(out);
                    drop(tmp);
                    return Err(Error::field(
                        "file",
                        "incomplete",
                        format!("the upload ended before the file was complete ({e}); nothing was stored"),
                    ));
                }
            };
            let bytes = chunk.as_ref();
            size = size.saturating_add(bytes.len() as u64);
            if size > limit {
                drop(out);
                drop(tmp);
                return Err(Error::PayloadTooLarge { limit });
            }
            hasher.update(bytes);
            out.write_all(bytes)
                .await
                .map_err(|e| io_error("cannot write a temporary file", e))?;
        }
        out.flush()
            .await
            .map_err(|e| io_error("cannot write a temporary file", e))?;
        let file = out.into_inner();
        file.sync_all()
            .await
            .map_err(|e| io_error("cannot sync a temporary file", e))?;
        drop(file);
        let sha: [u8; 32] = hasher.finalize().into();
        Ok(StagedUpload {
            tmp: TmpFile(tmp.0.take()),
            sha,
            size,
        })
    }

    /// Moves a staged upload to its content address (or drops it when the same bytes are
    /// already there). Hold the result until the rows naming the blob are committed.
    pub(crate) async fn place_blob(&self, mut staged: StagedUpload) -> Result<PlacedBlob> {
        let lock = PLACEMENT.read().await;
        let key = storage_key(&staged.sha);
        let dest = key_path(&self.cfg.blob_dir, &key).ok_or_else(|| Error::internal("bad storage key"))?;
        let parent = dest
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::internal("storage key without a directory"))?;
        tokio::fs::create_dir_all(&parent)
            .await
            .map_err(|e| io_error("cannot create a blob directory", e))?;
        let present = tokio::fs::try_exists(&dest).await.unwrap_or(false);
        if !present {
            let tmp = staged
                .tmp
                .0
                .take()
                .ok_or_else(|| Error::internal("staged upload without a file"))?;
            if let Err(e) = tokio::fs::rename(&tmp, &dest).await {
                staged.tmp.0 = Some(tmp);
                return Err(io_error("cannot move an upload into place", e));
            }
            // Make the rename durable before any row names the blob.
            if let Ok(d) = tokio::fs::File::open(&parent).await
                && let Err(e) = d.sync_all().await
            {
                tracing::warn!(error = %e, "cannot sync a blob directory");
            }
        }
        // When present, dropping `staged` removes the duplicate temporary file.
        Ok(PlacedBlob {
            sha: staged.sha,
            storage_key: key,
            _lock: lock,
        })
    }

    /// After a failed write that was to name `placed`: removes its file unless some row names it.
    pub(crate) async fn abandon_blob(&self, placed: PlacedBlob) {
        let sha = placed.sha;
        drop(placed);
        if let Err(e) = self.unlink_if_unused(&sha).await {
            tracing::warn!(error = %e, "cannot remove an unused blob");
        }
    }

    /// Opens the stored file of a storage key.
    pub(crate) async fn open_blob(&self, key: &str) -> Result<tokio::fs::File> {
        let path = key_path(&self.cfg.blob_dir, key).ok_or_else(|| Error::internal("bad storage key in a blob row"))?;
        tokio::fs::File::open(&path)
            .await
            .map_err(|e| io_error(&format!("cannot open blob {key}"), e))
    }

    /// Deletes blob rows no file row references, then (after that commit) the stored files no
    /// workspace's blob row names any more, then temporary files left by a crash. Returns the
    /// number of blob rows deleted.
    pub(crate) async fn collect_unreferenced(&self) -> Result<u64> {
        let mut total = 0u64;
        loop {
            let shas = self
                .db
                .write(|tx| Box::pin(async move { store::blob::delete_unreferenced(tx, COLLECT_BATCH).await }))
                .await?;
            let n = shas.len();
            total += n as u64;
            let mut shas = shas;
            shas.sort_unstable();
            shas.dedup();
            for sha in &shas {
                self.unlink_if_unused(sha).await?;
            }
            if (n as i64) < COLLECT_BATCH {
                break;
            }
        }
        self.sweep_tmp().await;
        Ok(total)
    }

    /// Collection after a delete: failures are logged, not reported (the delete succeeded, and
    /// the next collection retries).
    pub(crate) async fn collect_quietly(&self) {
        if let Err(e) = self.collect_unreferenced().await {
            tracing::warn!(error = %e, "blob collection failed; the next one retries");
        }
    }

    async fn unlink_if_unused(&self, sha: &[u8]) -> Result<bool> {
        let _exclusive = PLACEMENT.write().await;
        if store::blob::sha_in_use(&self.db, sha).await? {
            return Ok(false);
        }
        let Some(path) = key_path(&self.cfg.blob_dir, &storage_key(sha)) else {
            return Ok(false);
        };
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("cannot remove a blob", e)),
        }
    }

    async fn sweep_tmp(&self) {
        let Ok(mut dir) = tokio::fs::read_dir(self.cfg.blob_dir.join("tmp")).await else {
            return;
        };
        while let Ok(Some(entry)) = dir.next_entry().await {
            let stale = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_TMP);
            if stale {
                let _ = tokio::fs::remove_file(entry.path()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_are_content_addresses() {
        let sha: [u8; 32] = Sha256::digest(b"abc").into();
        let key = storage_key(&sha);
        assert_eq!(
            key,
            "ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dir = Path::new("/data/blobs");
        assert_eq!(key_path(dir, &key), Some(dir.join("ba").join("78").join(&key[6..])));
        for bad in [
            "../../etc/passwd",
            "ba/78/../../x",
            "ba/79/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "BA/78/BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            "",
        ] {
            assert_eq!(key_path(dir, bad), None, "{bad}");
        }
    }
}
