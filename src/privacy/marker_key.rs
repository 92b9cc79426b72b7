//! The key of the opt-out markers (a keyed hash of platform and user id).
//!
//! `MAEUM_MARKER_KEY` when set; otherwise a random key kept in
//! `<store.data_dir>/marker.key`, created on first start (mode 0600). The
//! store remembers a check value of the key it was used with and refuses to
//! start under another key while markers exist (`Store::verify_marker_key`),
//! so a lost key cannot silently make opted-out users storable again.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The file that holds the generated key, inside the data directory.
pub const FILE_NAME: &str = "marker.key";

/// Where the marker key came from, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerKeySource {
    Environment,
    File(PathBuf),
    Created(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum MarkerKeyError {
    #[error("reading the opt-out marker key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("creating the opt-out marker key {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the opt-out marker key file {0} is empty: restore it, or set MAEUM_MARKER_KEY")]
    Empty(PathBuf),
    #[error(
        "MAEUM_MARKER_KEY must be set when the store is Postgres: every replica on the database must \
         use the same opt-out marker key (a key file made by one replica is not seen by the others, \
         and a replica under another key would store opted-out users again)"
    )]
    RequiredWithPostgres,
}

/// The marker key: `from_env` if given, else — for a store only this
/// process uses (`shared` false: SQLite) — the key file in `data_dir`
/// (created with a new random key if it does not exist). A shared store
/// (Postgres) needs `from_env`.
pub fn resolve(
    from_env: Option<&str>,
    data_dir: &Path,
    shared: bool,
) -> Result<(Vec<u8>, MarkerKeySource), MarkerKeyError> {
    if let Some(key) = from_env {
        return Ok((key.as_bytes().to_vec(), MarkerKeySource::Environment));
    }
    if shared {
        return Err(MarkerKeyError::RequiredWithPostgres);
    }
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = text.trim();
            if key.is_empty() {
                return Err(MarkerKeyError::Empty(path));
            }
            Ok((key.as_bytes().to_vec(), MarkerKeySource::File(path)))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = create(&path)?;
            Ok((key.into_bytes(), MarkerKeySource::Created(path)))
        }
        Err(source) => Err(MarkerKeyError::Read { path, source }),
    }
}

/// Writes a new random key (64 hex digits) to `path`, readable by the owner only.
fn create(path: &Path) -> Result<String, MarkerKeyError> {
    let failed = |source| MarkerKeyError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let key = hex::encode(rand::random::<[u8; 32]>());
    // The key is written whole to a file of its own, then linked into place:
    // linking fails when the key file exists, so two processes starting at
    // once never both write a key, and neither ever reads a half-written one.
    let temporary = path.with_extension(format!("tmp-{}", hex::encode(rand::random::<[u8; 8]>())));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(format!("{key}\n").as_bytes())?;
        file.sync_all()
    });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(error));
    }
    let linked = std::fs::hard_link(&temporary, path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(key),
        // Another process won the race: use its key, complete by construction.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).map_err(|source| MarkerKeyError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(text.trim().to_string())
        }
        Err(error) => Err(failed(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_and_the_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let (key, source) = resolve(Some("from env"), dir.path(), true).unwrap();
        assert_eq!(
            (key.as_slice(), source),
            (&b"from env"[..], MarkerKeySource::Environment)
        );
        assert!(
            !dir.path().join(FILE_NAME).exists(),
            "no file when the variable is set"
        );

        let nested = dir.path().join("data");
        let (created, source) = resolve(None, &nested, false).unwrap();
        assert_eq!(source, MarkerKeySource::Created(nested.join(FILE_NAME)));
        assert_eq!(created.len(), 64);
        let (again, source) = resolve(None, &nested, false).unwrap();
        assert_eq!(source, MarkerKeySource::File(nested.join(FILE_NAME)));
        assert_eq!(again, created, "the same key on the next start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(nested.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the owner can read it: {mode:o}");
        }
    }

    #[test]
    fn a_shared_store_needs_the_key_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            resolve(None, dir.path(), true),
            Err(MarkerKeyError::RequiredWithPostgres)
        ));
        assert!(!dir.path().join(FILE_NAME).exists(), "no key file made");
    }

    #[test]
    fn processes_starting_together_all_read_one_whole_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let keys: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| resolve(None, &path, false).unwrap().0))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            keys.iter().all(|k| k.len() == 64 && *k == keys[0]),
            "{keys:?}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary files are left");
    }

    #[test]
    fn an_empty_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "\n").unwrap();
        assert!(matches!(
            resolve(None, dir.path(), false),
            Err(MarkerKeyError::Empty(_))
        ));
    }
}
