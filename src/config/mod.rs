//! Layered configuration: the built-in `config/default.toml`, then a file given
//! with `--config`, then `MAEUM__SECTION__KEY` variables; secrets only from their
//! usual variables. Validated once at start, with errors that name the key.
//!
//! This file holds [`Settings`], the loading, the secrets and the checks every
//! section shares; each section (its struct and its own `validate`) lives in
//! the submodule named after it. Configuration sits below every other module:
//! it interprets values but builds nothing of theirs (the data cipher and the
//! operators' user keys are made in `crate::app`).

mod admin;
mod bot;
mod discord;
mod emotion;
mod http;
mod limits;
mod llm;
pub mod paths;
mod privacy;
mod safety;
mod telegram;

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

pub use admin::AdminSettings;
pub use bot::{BotSettings, LogFormat, LogSettings, StoreSettings};
pub use discord::DiscordSettings;
pub use emotion::EmotionSettings;
pub use http::{HttpSettings, ServerLimits};
pub use limits::LimitSettings;
pub use llm::{LlmEndpoint, LlmSettings, OnFailure, PromptFormat};
pub use privacy::PrivacySettings;
pub use safety::{CrisisLines, CrisisSettings, RedactionSettings, SafetySettings};
pub use telegram::TelegramSettings;

/// The defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// `platform:id` (split at the first colon), both parts non-empty: how
/// operators, users and chats are named in the configuration.
pub fn platform_id(entry: &str) -> Option<(&str, &str)> {
    let (platform, id) = entry.trim().split_once(':')?;
    let (platform, id) = (platform.trim(), id.trim());
    (!platform.is_empty() && !id.is_empty()).then_some((platform, id))
}

/// A secret value: never printed by `Debug` or `Display`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub bot: BotSettings,
    pub emotion: EmotionSettings,
    pub llm: LlmSettings,
    pub store: StoreSettings,
    pub log: LogSettings,
    pub telegram: TelegramSettings,
    pub discord: DiscordSettings,
    pub http: HttpSettings,
    pub servers: ServerLimits,
    pub privacy: PrivacySettings,
    pub admin: AdminSettings,
    pub safety: SafetySettings,
    pub limits: LimitSettings,
    /// Filled from the environment, never from files.
    #[serde(skip)]
    pub secrets: Secrets,
}

/// Secrets and endpoints read from their usual environment variables.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub openai_api_key: Option<Secret>,
    pub openai_base_url: Option<String>,
    pub database_url: Option<Secret>,
    pub marker_key: Option<Secret>,
    /// The key texts are encrypted with (32 bytes, base64 or hex).
    pub data_key: Option<Secret>,
    /// Earlier data keys, for reading texts written before a rotation.
    pub data_key_previous: Option<Secret>,
    pub telegram_bot_token: Option<Secret>,
    pub discord_token: Option<Secret>,
    /// The bearer token of the HTTP API (`MAEUM_HTTP_TOKEN`).
    pub http_token: Option<Secret>,
    /// The key that signs web-session cookies (`MAEUM_SESSION_KEY`).
    pub session_key: Option<Secret>,
    /// The bearer token `/metrics` asks for (`MAEUM_METRICS_TOKEN`); without
    /// it `/metrics` is off.
    pub metrics_token: Option<Secret>,
}

impl Secrets {
    pub fn from_env() -> Secrets {
        Secrets::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Secrets {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        Secrets {
            openai_api_key: get("OPENAI_API_KEY").map(Secret::new),
            openai_base_url: get("OPENAI_BASE_URL"),
            database_url: get("DATABASE_URL").map(Secret::new),
            marker_key: get("MAEUM_MARKER_KEY").map(Secret::new),
            data_key: get("MAEUM_DATA_KEY").map(Secret::new),
            data_key_previous: get("MAEUM_DATA_KEY_PREVIOUS").map(Secret::new),
            telegram_bot_token: get("TELEGRAM_BOT_TOKEN").map(Secret::new),
            discord_token: get("DISCORD_TOKEN").map(Secret::new),
            http_token: get("MAEUM_HTTP_TOKEN").map(Secret::new),
            session_key: get("MAEUM_SESSION_KEY").map(Secret::new),
            metrics_token: get("MAEUM_METRICS_TOKEN").map(Secret::new),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: {0}")]
    Parse(String),
    #[error("configuration key `{key}`: {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl Settings {
    /// Loads the defaults, the optional file and the process environment.
    /// The settings of this process: the defaults, `file`, the environment;
    /// relative model, runtime and data paths looked up as [`paths`] says.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut settings = Settings::load_with(
            file,
            Figment::new().merge(Env::prefixed("MAEUM__").split("__")),
            Secrets::from_env(),
        )?;
        settings.locate(&paths::Places::of_this_process());
        Ok(settings)
    }

    /// Resolves the relative model, ONNX Runtime and data paths in `places`.
    pub fn locate(&mut self, places: &paths::Places) {
        self.emotion.model_dir = places.model_dir(&self.emotion.model_dir);
        self.emotion.onnxruntime_path = places.onnxruntime(&self.emotion.onnxruntime_path);
        self.store.data_dir = places.data_dir(&self.store.data_dir);
    }

    /// Like [`Settings::load`], with the environment layers given explicitly (for tests).
    pub fn load_with(
        file: Option<&Path>,
        env_layer: Figment,
        secrets: Secrets,
    ) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::MissingFile(path.to_path_buf()));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(env_layer);
        let mut settings: Settings = figment
            .extract()
            .map_err(|e| ConfigError::Parse(describe_figment_error(e)))?;
        settings.secrets = secrets;
        settings.validate()?;
        Ok(settings)
    }

    /// Each section checks its own keys (and the secrets that belong to it);
    /// the first problem is reported.
    fn validate(&self) -> Result<(), ConfigError> {
        let secrets = &self.secrets;
        self.llm.validate(secrets)?;
        self.emotion.validate()?;
        self.bot.validate()?;
        self.telegram
            .validate(secrets.telegram_bot_token.as_ref())?;
        self.discord.validate(secrets.discord_token.as_ref())?;
        self.http.validate(secrets.http_token.as_ref())?;
        self.servers.validate()?;
        self.privacy.validate()?;
        self.admin.validate()?;
        self.safety.validate()?;
        self.limits.validate()?;
        self.store.validate(secrets.database_url.as_ref())
    }

    pub fn llm_endpoint(&self) -> LlmEndpoint {
        match self.llm.base_url(&self.secrets) {
            Some(base_url) => LlmEndpoint::OpenAiCompatible { base_url },
            None => LlmEndpoint::Offline,
        }
    }

    /// `DATABASE_URL`, else SQLite under `store.data_dir`.
    pub fn database_url(&self) -> Secret {
        match &self.secrets.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!(
                "sqlite:{}",
                self.store.data_dir.join("maeum.db").display()
            )),
        }
    }
}

/// The schemes of a web address.
const HTTP_SCHEMES: &[&str] = &["http://", "https://"];

/// The configuration's one URL check: `url`, when given, must start with one
/// of `schemes`; otherwise `key` is reported with `reason`.
fn check_url(
    key: &'static str,
    url: Option<&str>,
    schemes: &[&str],
    reason: &str,
) -> Result<(), ConfigError> {
    match url {
        Some(url) if !schemes.iter().any(|scheme| url.starts_with(scheme)) => invalid(key, reason),
        _ => Ok(()),
    }
}

/// An address that may be left empty (for the service's own), trimmed.
fn optional(url: &str) -> Option<&str> {
    Some(url.trim()).filter(|url| !url.is_empty())
}

/// The error for a key whose value is out of bounds.
fn invalid(key: &'static str, reason: impl Into<String>) -> Result<(), ConfigError> {
    Err(ConfigError::Invalid {
        key,
        reason: reason.into(),
    })
}

/// Figment's messages name the key already; drop its noisy provider suffixes.
fn describe_figment_error(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = if e.path.is_empty() {
                String::new()
            } else {
                format!("key `{}`: ", e.path.join("."))
            };
            format!("{key}{}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
