//! Where the emotion model, ONNX Runtime and the data directory are found,
//! so that `maeum` works from any directory: in a checkout, installed with
//! `cargo install --path .` (after `scripts/setup`), copied beside its files,
//! or started by a service manager from `/`.
//!
//! An absolute path in the configuration is used as it is. A relative one
//! (the defaults: `model`, `runtime/libonnxruntime.so`, `data`) is looked up,
//! first found wins:
//! 1. the current directory (a checkout, the Docker image's `/app`);
//! 2. beside the executable;
//! 3. the user's data directory, `$XDG_DATA_HOME/maeum` (else
//!    `~/.local/share/maeum`; on macOS `~/Library/Application Support/maeum`),
//!    where `scripts/setup` installs the model and ONNX Runtime;
//! 4. for ONNX Runtime only, the system library directories.
//!
//! The data directory (SQLite, the marker key) stays relative to the current
//! directory when it exists there or the current directory is a checkout;
//! otherwise it is the user's data directory itself.

use std::path::{Path, PathBuf};

/// The system library directories searched for ONNX Runtime last.
const SYSTEM_LIBRARY_DIRS: &[&str] = &[
    "/usr/local/lib",
    "/usr/lib",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/opt/homebrew/lib",
];

/// The places a relative path is looked up in.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub current_dir: Option<PathBuf>,
    pub executable_dir: Option<PathBuf>,
    pub user_data_dir: Option<PathBuf>,
}

impl Places {
    /// This process's current directory, its executable's directory and the
    /// user's data directory.
    pub fn of_this_process() -> Places {
        Places {
            current_dir: std::env::current_dir().ok(),
            executable_dir: std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf)),
            user_data_dir: user_data_dir(),
        }
    }

    /// The first existing `configured` (a directory when `dir`, else a file)
    /// in the lookup order; `configured` itself when it is absolute or found
    /// nowhere (the error then names it).
    fn find(&self, configured: &Path, dir: bool, system: bool) -> PathBuf {
        if configured.is_absolute() {
            return configured.to_path_buf();
        }
        let exists = |p: &Path| if dir { p.is_dir() } else { p.is_file() };
        let bases = [&self.current_dir, &self.executable_dir, &self.user_data_dir];
        let mut candidates: Vec<PathBuf> = bases
            .into_iter()
            .flatten()
            .map(|base| base.join(configured))
            .collect();
        if system && let Some(name) = configured.file_name() {
            candidates.extend(SYSTEM_LIBRARY_DIRS.iter().map(|d| Path::new(d).join(name)));
        }
        candidates
            .into_iter()
            .find(|p| exists(p))
            .unwrap_or_else(|| configured.to_path_buf())
    }

    /// The emotion model directory.
    pub fn model_dir(&self, configured: &Path) -> PathBuf {
        self.find(configured, true, false)
    }

    /// The ONNX Runtime library.
    pub fn onnxruntime(&self, configured: &Path) -> PathBuf {
        self.find(configured, false, true)
    }

    /// The data directory: as configured when absolute, when it exists in
    /// the current directory, or when the current directory is a checkout;
    /// else the user's data directory.
    pub fn data_dir(&self, configured: &Path) -> PathBuf {
        if configured.is_absolute() {
            return configured.to_path_buf();
        }
        let here = self
            .current_dir
            .as_deref()
            .filter(|cwd| cwd.join(configured).is_dir() || cwd.join("Cargo.toml").is_file());
        match (here, &self.user_data_dir) {
            (None, Some(user)) => user.clone(),
            _ => configured.to_path_buf(),
        }
    }
}

/// The user's data directory for Maeum: `$XDG_DATA_HOME/maeum`, else
/// `~/.local/share/maeum` (on macOS `~/Library/Application Support/maeum`).
pub fn user_data_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(data_home) = non_empty("XDG_DATA_HOME") {
        return Some(data_home.join("maeum"));
    }
    let home = non_empty("HOME")?;
    Some(if cfg!(target_os = "macos") {
        home.join("Library/Application Support/maeum")
    } else {
        home.join(".local/share/maeum")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(cwd: &Path, exe: &Path, user: &Path) -> Places {
        Places {
            current_dir: Some(cwd.to_path_buf()),
            executable_dir: Some(exe.to_path_buf()),
            user_data_dir: Some(user.to_path_buf()),
        }
    }

    #[test]
    fn the_current_directory_then_beside_the_executable_then_the_user_data_directory() {
        let root = tempfile::tempdir().unwrap();
        let [cwd, exe, user] = ["cwd", "exe", "user"].map(|d| root.path().join(d));
        for d in [&cwd, &exe, &user] {
            std::fs::create_dir_all(d).unwrap();
        }
        let p = places(&cwd, &exe, &user);
        let model = Path::new("model");
        // Found nowhere: as configured (the error names it).
        assert_eq!(p.model_dir(model), model);
        std::fs::create_dir_all(user.join("model")).unwrap();
        assert_eq!(p.model_dir(model), user.join("model"));
        std::fs::create_dir_all(exe.join("model")).unwrap();
        assert_eq!(p.model_dir(model), exe.join("model"));
        std::fs::create_dir_all(cwd.join("model")).unwrap();
        assert_eq!(p.model_dir(model), cwd.join("model"));
        // Absolute: as it is.
        assert_eq!(p.model_dir(&user.join("x")), user.join("x"));

        let lib = Path::new("runtime/libonnxruntime.so");
        std::fs::create_dir_all(user.join("runtime")).unwrap();
        std::fs::write(user.join(lib), b"").unwrap();
        assert_eq!(p.onnxruntime(lib), user.join(lib));
    }

    #[test]
    fn data_stays_in_a_checkout_else_goes_to_the_user_data_directory() {
        let root = tempfile::tempdir().unwrap();
        let [cwd, exe, user] = ["cwd", "exe", "user"].map(|d| root.path().join(d));
        std::fs::create_dir_all(&cwd).unwrap();
        let p = places(&cwd, &exe, &user);
        let data = Path::new("data");
        assert_eq!(p.data_dir(data), user);
        std::fs::write(cwd.join("Cargo.toml"), b"").unwrap();
        assert_eq!(p.data_dir(data), data, "a checkout keeps ./data");
        std::fs::remove_file(cwd.join("Cargo.toml")).unwrap();
        std::fs::create_dir_all(cwd.join("data")).unwrap();
        assert_eq!(
            p.data_dir(data),
            data,
            "an existing ./data (the Docker image) is kept"
        );
    }
}
