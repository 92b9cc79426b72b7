//! Finding and loading the ONNX Runtime shared library.
//!
//! `ort` is built with `load-dynamic`: the library is installed by `scripts/setup`
//! under `runtime/`, or named by `emotion.onnxruntime_path` in the config.
//!
//! A process loads the library once; every later [`environment`] call shares
//! that environment. `ort::init` would panic on a missing library, so only
//! `ort::init_from`, which returns a `Result`, is used here.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use ort::environment::Environment;

use super::EmotionError;

const HOW_TO_FIX: &str = "run scripts/setup, or set emotion.onnxruntime_path / MAEUM__EMOTION__ONNXRUNTIME_PATH to an ONNX Runtime library";

/// The environment of the library this process loaded, and where it came from.
struct Loaded {
    /// Canonical path of the library file, to notice a request for another one.
    canonical: PathBuf,
    environment: Environment,
}

static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

/// The ONNX Runtime environment, loading the library at `path` on first use.
///
/// A relative `path` is relative to the current directory. A missing file or a
/// library older than `ort` needs gives [`EmotionError::Runtime`] naming the
/// path and how to fix it. Once a library is loaded it stays for the life of
/// the process: asking for a different file then is logged and answered with
/// the loaded one (ONNX Runtime cannot be loaded twice).
pub fn environment(path: &Path) -> Result<Environment, EmotionError> {
    let absolute = absolute(path)?;
    // Checked before ort sees it: a clear message, whatever was loaded before.
    if !absolute.is_file() {
        return Err(runtime_error(path, "no such file"));
    }
    let canonical =
        std::fs::canonicalize(&absolute).map_err(|e| runtime_error(path, &e.to_string()))?;

    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(loaded) = loaded.as_ref() {
        if loaded.canonical != canonical {
            tracing::warn!(
                requested = %canonical.display(),
                loaded = %loaded.canonical.display(),
                "ONNX Runtime is already loaded in this process; keeping the loaded library"
            );
        }
        return Ok(loaded.environment.clone());
    }

    let environment = ort::init_from(&canonical)
        .map_err(|e| runtime_error(path, &e.to_string()))?
        .with_name("maeum")
        .with_telemetry(false)
        .build()
        .map_err(|e| runtime_error(path, &e.to_string()))?;
    tracing::info!(path = %canonical.display(), "loaded ONNX Runtime");
    *loaded = Some(Loaded {
        canonical,
        environment: environment.clone(),
    });
    Ok(environment)
}

fn absolute(path: &Path) -> Result<PathBuf, EmotionError> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| runtime_error(path, &format!("current directory unknown: {e}")))?;
    Ok(cwd.join(path))
}

fn runtime_error(path: &Path, reason: &str) -> EmotionError {
    EmotionError::Runtime(format!(
        "cannot load {}: {reason}. Maeum needs ONNX Runtime 1.{} or newer: {HOW_TO_FIX}",
        path.display(),
        ort::MINOR_VERSION
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_names_the_path_and_the_fix() {
        let err = environment(Path::new("no/such/dir/libonnxruntime.so")).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, EmotionError::Runtime(_)), "{err:?}");
        assert!(
            message.contains("no/such/dir/libonnxruntime.so"),
            "{message}"
        );
        assert!(message.contains("scripts/setup"), "{message}");
        assert!(
            message.contains("MAEUM__EMOTION__ONNXRUNTIME_PATH"),
            "{message}"
        );
    }
}
