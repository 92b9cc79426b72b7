//! Layered configuration: the built-in `config/default.toml`, then a file given
//! with `--config`, then `MAEUM__SECTION__KEY` variables; secrets only from their
//! usual variables. Validated once at start, with errors that name the key.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

use crate::privacy::crypto::{CryptoError, DataCipher};
use crate::store::UserKey;

/// The defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

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
    pub privacy: PrivacySettings,
    pub admin: AdminSettings,
    pub safety: SafetySettings,
    /// Filled from the environment, never from files.
    #[serde(skip)]
    pub secrets: Secrets,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSettings {
    pub history_turns: u32,
    pub max_message_chars: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmotionSettings {
    pub model_dir: PathBuf,
    pub onnxruntime_path: PathBuf,
    pub context_utterances: usize,
    pub top_k: usize,
    pub max_tokens: usize,
    pub max_batch: usize,
    pub intra_threads: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptFormat {
    /// The emotion as a bracketed note beside the message.
    Tagged,
    /// The original paper's `<message> ;; <emotion>`.
    Original,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSettings {
    pub base_url: String,
    pub model: String,
    pub temperature: f32,
    pub max_tokens: u32,
    pub timeout_secs: u64,
    pub stream: bool,
    pub history_token_budget: usize,
    pub prompt_format: PromptFormat,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    pub data_dir: PathBuf,
}

/// The Telegram adapter (`maeum run`); the token comes from `TELEGRAM_BOT_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramSettings {
    pub enabled: bool,
    /// The Bot API address; empty for Telegram's own.
    pub api_url: String,
    /// The public URL Telegram posts updates to; empty for long polling.
    pub webhook_url: String,
    /// Where the webhook server listens (used only with `webhook_url`).
    pub webhook_listen: SocketAddr,
    /// The least time between two messages or edits the bot writes in one chat.
    pub edit_interval_ms: u64,
}

/// The Discord adapter (`maeum run`); the token comes from `DISCORD_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordSettings {
    pub enabled: bool,
    /// Send REST calls to this address instead of Discord's; empty for Discord's own.
    /// The gateway address is then taken from this server's `GET /gateway` answer.
    pub proxy_url: String,
    /// The shard this process runs, `0..shard_count`.
    pub shard_id: u32,
    /// How many shards the whole bot runs (in one process or several).
    pub shard_count: u32,
}

/// The HTTP API and web chat (`maeum run`); the bearer token comes from `MAEUM_HTTP_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub enabled: bool,
    /// Where the server listens; port 0 picks a free port (the bound address is logged).
    pub listen: SocketAddr,
    /// Origins (`https://chat.example.com`) whose pages may call the API from a browser.
    pub cors_origins: Vec<String>,
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
}

/// Consent and retention; keys for encryption come from `MAEUM_DATA_KEY`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// Store nothing about a user until they accept the privacy notice.
    pub require_consent: bool,
    /// The notice's version; raising it asks every user to accept again.
    pub notice_version: i64,
    /// Messages older than this many days are deleted; 0 keeps them.
    pub retention_days: u32,
    /// How often the retention job runs (it also runs at start).
    pub retention_interval_minutes: u64,
}

/// Who may run `/admin` commands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// `platform:user_id` of each operator, e.g. `telegram:123456`, `console:local`.
    pub ids: Vec<String>,
    /// Administrators of a group or server (as the adapter reports them) may
    /// clear that chat's history and see its statistics.
    pub chat_admins: bool,
}

/// Masking personal data before text leaves for the language model, and the
/// crisis reply (see `crate::safety`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetySettings {
    /// The crisis lines always shown with a crisis reply: a key of `crisis_lines`.
    pub locale: String,
    pub redaction: RedactionSettings,
    pub crisis: CrisisSettings,
    /// Crisis lines per locale (`ko`, `en`, …).
    pub crisis_lines: BTreeMap<String, CrisisLines>,
}

impl Default for SafetySettings {
    /// The `[safety]` section of `config/default.toml`, so the defaults live in one place.
    fn default() -> Self {
        Figment::from(Toml::string(DEFAULT_TOML))
            .extract_inner("safety")
            // The compiled-in defaults are checked by a unit test below.
            .expect("config/default.toml has a valid [safety] section")
    }
}

/// Which kinds of personal data are masked before text is sent to the LLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionSettings {
    pub phone: bool,
    pub email: bool,
    pub resident_id: bool,
    pub card: bool,
}

impl RedactionSettings {
    /// Every kind off: text goes out unchanged.
    pub const OFF: RedactionSettings = RedactionSettings {
        phone: false,
        email: false,
        resident_id: false,
        card: false,
    };
    /// Every kind on.
    pub const ALL: RedactionSettings = RedactionSettings {
        phone: true,
        email: true,
        resident_id: true,
        card: true,
    };

    /// Whether any kind is masked.
    pub fn any(&self) -> bool {
        self.phone || self.email || self.resident_id || self.card
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisSettings {
    /// Look for signs of suicide or self-harm and answer them with the crisis lines.
    pub enabled: bool,
}

/// One locale's crisis lines and the sentence introducing them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisLines {
    pub heading: String,
    pub lines: Vec<String>,
    /// Shown first when the danger may be imminent (and always, last, for
    /// this locale's own messages when it is not `ko`): emergency numbers.
    #[serde(default)]
    pub emergency: Vec<String>,
    /// A warm question after the lines when there is risk without imminence.
    #[serde(default)]
    pub check_in: String,
    /// How to help someone else who may be in danger.
    #[serde(default)]
    pub helping_others: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
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

/// Where replies come from, as decided by the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmEndpoint {
    /// No endpoint configured: the embedded offline generator.
    Offline,
    OpenAiCompatible {
        base_url: String,
    },
}

const OPENAI_DEFAULT_BASE: &str = "https://api.openai.com/v1";

impl Settings {
    /// Loads the defaults, the optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::load_with(
            file,
            Figment::new().merge(Env::prefixed("MAEUM__").split("__")),
            Secrets::from_env(),
        )
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

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &'static str, reason: &str| {
            Err(ConfigError::Invalid {
                key,
                reason: reason.to_string(),
            })
        };
        if !(0.0..=2.0).contains(&self.llm.temperature) {
            return invalid("llm.temperature", "must be between 0 and 2");
        }
        if self.llm.max_tokens == 0 {
            return invalid("llm.max_tokens", "must be at least 1");
        }
        if self.llm.timeout_secs == 0 {
            return invalid("llm.timeout_secs", "must be at least 1");
        }
        if self.llm.model.trim().is_empty() {
            return invalid("llm.model", "must name a model");
        }
        let base = self.llm_base_url();
        if let Some(url) = &base
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return invalid(
                "llm.base_url",
                "must start with http:// or https:// (or be empty for offline mode)",
            );
        }
        if self.emotion.top_k == 0 || self.emotion.top_k > 60 {
            return invalid("emotion.top_k", "must be between 1 and 60");
        }
        if self.emotion.max_tokens < 8 || self.emotion.max_tokens > 512 {
            return invalid("emotion.max_tokens", "must be between 8 and 512");
        }
        if self.emotion.max_batch == 0 {
            return invalid("emotion.max_batch", "must be at least 1");
        }
        if self.emotion.intra_threads == 0 {
            return invalid("emotion.intra_threads", "must be at least 1");
        }
        if self.bot.max_message_chars < 16 {
            return invalid("bot.max_message_chars", "must be at least 16");
        }
        if self.telegram.enabled && self.secrets.telegram_bot_token.is_none() {
            return invalid(
                "TELEGRAM_BOT_TOKEN",
                "must be set when telegram.enabled is true",
            );
        }
        let is_http = |url: &str| url.starts_with("http://") || url.starts_with("https://");
        if !self.telegram.api_url.trim().is_empty() && !is_http(self.telegram.api_url.trim()) {
            return invalid(
                "telegram.api_url",
                "must start with http:// or https:// (or be empty for Telegram's own)",
            );
        }
        if !self.telegram.webhook_url.trim().is_empty()
            && !is_http(self.telegram.webhook_url.trim())
        {
            return invalid(
                "telegram.webhook_url",
                "must be the public https:// address of the webhook (or empty for long polling)",
            );
        }
        if self.telegram.edit_interval_ms > 60_000 {
            return invalid("telegram.edit_interval_ms", "must be at most 60000");
        }
        if self.discord.enabled && self.secrets.discord_token.is_none() {
            return invalid("DISCORD_TOKEN", "must be set when discord.enabled is true");
        }
        if self.discord.shard_count == 0 {
            return invalid("discord.shard_count", "must be at least 1");
        }
        if self.discord.shard_id >= self.discord.shard_count {
            return invalid(
                "discord.shard_id",
                "must be below discord.shard_count (shards are numbered from 0)",
            );
        }
        if self.http.enabled && self.secrets.http_token.is_none() {
            return invalid(
                "MAEUM_HTTP_TOKEN",
                "must be set when http.enabled is true (the API's bearer token)",
            );
        }
        if self.http.max_body_bytes < 1024 {
            return invalid("http.max_body_bytes", "must be at least 1024");
        }
        if let Some(origin) =
            self.http.cors_origins.iter().find(|o| {
                !(o.starts_with("http://") || o.starts_with("https://")) || o.ends_with('/')
            })
        {
            return Err(ConfigError::Invalid {
                key: "http.cors_origins",
                reason: format!(
                    "`{origin}` is not an origin: scheme, host and port, e.g. https://chat.example.com"
                ),
            });
        }
        let proxy = self.discord.proxy_url.trim();
        let proxy_ok =
            proxy.is_empty() || proxy.starts_with("http://") || proxy.starts_with("https://");
        if !proxy_ok {
            return invalid(
                "discord.proxy_url",
                "must start with http:// or https:// (or be empty for Discord's own)",
            );
        }
        if self.privacy.notice_version < 1 {
            return invalid("privacy.notice_version", "must be at least 1");
        }
        if self.privacy.retention_interval_minutes == 0 {
            return invalid("privacy.retention_interval_minutes", "must be at least 1");
        }
        if let Some(bad) = self
            .admin
            .ids
            .iter()
            .find(|id| parse_admin_id(id).is_none())
        {
            return Err(ConfigError::Invalid {
                key: "admin.ids",
                reason: format!("{bad:?} must be platform:user_id, e.g. telegram:123456"),
            });
        }
        if let Err(error) = self.data_cipher() {
            return Err(ConfigError::Invalid {
                key: "MAEUM_DATA_KEY",
                reason: error.to_string(),
            });
        }
        match self.safety.crisis_lines.get(&self.safety.locale) {
            Some(lines) if lines.lines.iter().any(|l| !l.trim().is_empty()) => {}
            _ => {
                return invalid(
                    "safety.locale",
                    "must name a [safety.crisis_lines.<locale>] section with at least one line",
                );
            }
        }
        if let Some(url) = &self.secrets.database_url {
            let url = url.expose();
            if !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
            {
                return invalid("DATABASE_URL", "must start with sqlite: or postgres://");
            }
        }
        Ok(())
    }

    /// The endpoint base URL: `OPENAI_BASE_URL`, else `llm.base_url`, else
    /// OpenAI itself when only an API key is set; `None` means offline.
    fn llm_base_url(&self) -> Option<String> {
        let configured = self
            .secrets
            .openai_base_url
            .clone()
            .or_else(|| Some(self.llm.base_url.trim().to_string()).filter(|u| !u.is_empty()));
        configured.or_else(|| {
            self.secrets
                .openai_api_key
                .as_ref()
                .map(|_| OPENAI_DEFAULT_BASE.to_string())
        })
    }

    pub fn llm_endpoint(&self) -> LlmEndpoint {
        match self.llm_base_url() {
            Some(base_url) => LlmEndpoint::OpenAiCompatible { base_url },
            None => LlmEndpoint::Offline,
        }
    }

    /// The cipher for stored texts, from `MAEUM_DATA_KEY` and `MAEUM_DATA_KEY_PREVIOUS`.
    pub fn data_cipher(&self) -> Result<DataCipher, CryptoError> {
        DataCipher::from_env_values(
            self.secrets.data_key.as_ref().map(Secret::expose),
            self.secrets.data_key_previous.as_ref().map(Secret::expose),
        )
    }

    /// The operators of `admin.ids`.
    pub fn admin_ids(&self) -> Vec<UserKey> {
        self.admin
            .ids
            .iter()
            .filter_map(|id| parse_admin_id(id))
            .collect()
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

/// `platform:user_id` (split at the first colon), both parts non-empty.
fn parse_admin_id(id: &str) -> Option<UserKey> {
    let (platform, user_id) = id.trim().split_once(':')?;
    (!platform.is_empty() && !user_id.is_empty()).then(|| UserKey::new(platform, user_id))
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
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Figment {
        let mut figment = Figment::new();
        for (k, v) in pairs {
            let key = k
                .trim_start_matches("MAEUM__")
                .replace("__", ".")
                .to_lowercase();
            figment = figment.merge(figment::providers::Serialized::default(&key, v.to_string()));
        }
        figment
    }

    #[test]
    fn defaults_load_and_are_offline_on_sqlite() {
        let s = Settings::load_with(None, Figment::new(), Secrets::default())
            .expect("defaults are valid");
        assert_eq!(s.llm_endpoint(), LlmEndpoint::Offline);
        assert_eq!(s.database_url().expose(), "sqlite:data/maeum.db");
        assert_eq!(s.llm.prompt_format, PromptFormat::Tagged);
    }

    #[test]
    fn safety_defaults_come_from_the_default_toml() {
        let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
        assert_eq!(s.safety, SafetySettings::default());
        assert_eq!(s.safety.redaction, RedactionSettings::ALL);
        assert!(s.safety.crisis.enabled);
        let korean = s.safety.crisis_lines["ko"].lines.join("\n");
        for number in ["109", "1577-0199", "112", "119"] {
            assert!(korean.contains(number), "{number} in {korean}");
        }
        assert!(s.safety.crisis_lines.contains_key("en"));
    }

    #[test]
    fn a_safety_locale_without_lines_is_rejected() {
        let err = Settings::load_with(
            None,
            env(&[("MAEUM__SAFETY__LOCALE", "fr")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("safety.locale"), "{err}");
    }

    #[test]
    fn secrets_choose_the_endpoint_and_database() {
        let secrets = Secrets::from_lookup(|k| match k {
            "OPENAI_API_KEY" => Some("sk-test".into()),
            "DATABASE_URL" => Some("postgres://127.0.0.1/test".into()),
            _ => None,
        });
        let s = Settings::load_with(None, Figment::new(), secrets).unwrap();
        assert_eq!(
            s.llm_endpoint(),
            LlmEndpoint::OpenAiCompatible {
                base_url: OPENAI_DEFAULT_BASE.into()
            }
        );
        assert!(
            !format!("{s:?}").contains("sk-test"),
            "secrets must not show in Debug"
        );
    }

    #[test]
    fn a_wrongly_typed_value_names_its_key() {
        let err = Settings::load_with(
            None,
            env(&[("MAEUM__LLM__TEMPERATURE", "warm")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("llm.temperature"), "{err}");
    }

    #[test]
    fn an_out_of_range_value_names_its_key() {
        let err = Settings::load_with(
            None,
            env(&[("MAEUM__LLM__TEMPERATURE", "3.5")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("llm.temperature"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_rejected_by_name() {
        let err = Settings::load_with(
            None,
            env(&[("MAEUM__LLM__TEMPRATURE", "0.5")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("temprature"), "{err}");
    }

    #[test]
    fn discord_shards_must_fit_the_count() {
        let shards = |id: u32, count: u32| {
            Figment::new()
                .merge(figment::providers::Serialized::default(
                    "discord.shard_id",
                    id,
                ))
                .merge(figment::providers::Serialized::default(
                    "discord.shard_count",
                    count,
                ))
        };
        let err = Settings::load_with(None, shards(2, 2), Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("discord.shard_id"), "{err}");
        let err = Settings::load_with(None, shards(0, 0), Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("discord.shard_count"), "{err}");
        let ok = Settings::load_with(None, shards(1, 2), Secrets::default())
            .expect("shard 1 of 2 is valid");
        assert_eq!((ok.discord.shard_id, ok.discord.shard_count), (1, 2));
    }

    #[test]
    fn a_discord_proxy_must_be_an_http_url() {
        let err = Settings::load_with(
            None,
            env(&[("MAEUM__DISCORD__PROXY_URL", "127.0.0.1:8080")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("discord.proxy_url"), "{err}");
    }

    #[test]
    fn privacy_and_admin_settings_are_read_and_checked() {
        let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
        assert!(s.privacy.require_consent, "consent is asked by default");
        assert!(s.admin_ids().is_empty(), "nobody is an admin by default");
        assert!(!s.data_cipher().unwrap().encrypts());

        let figment = Figment::new().merge(figment::providers::Serialized::default(
            "admin.ids",
            vec!["telegram:123", "console:local"],
        ));
        let s = Settings::load_with(None, figment, Secrets::default()).unwrap();
        assert_eq!(
            s.admin_ids(),
            [
                UserKey::new("telegram", "123"),
                UserKey::new("console", "local")
            ]
        );

        let figment = Figment::new().merge(figment::providers::Serialized::default(
            "admin.ids",
            vec!["telegram-123"],
        ));
        let err = Settings::load_with(None, figment, Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("admin.ids"), "{err}");

        let err = Settings::load_with(
            None,
            env(&[("MAEUM__PRIVACY__NOTICE_VERSION", "0")]),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("privacy.notice_version"), "{err}");
    }

    #[test]
    fn a_malformed_data_key_is_named_without_showing_it() {
        let secrets = Secrets::from_lookup(|k| {
            (k == "MAEUM_DATA_KEY").then(|| "not-a-32-byte-key-but-secret".to_string())
        });
        let err = Settings::load_with(None, Figment::new(), secrets).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("MAEUM_DATA_KEY"), "{message}");
        assert!(!message.contains("not-a-32-byte-key"), "{message}");

        let secrets = Secrets::from_lookup(|k| {
            (k == "MAEUM_DATA_KEY").then(crate::privacy::crypto::generate_key)
        });
        let s = Settings::load_with(None, Figment::new(), secrets).unwrap();
        assert!(s.data_cipher().unwrap().encrypts());
    }

    #[test]
    fn telegram_addresses_must_be_http_urls() {
        for (key, value) in [
            ("MAEUM__TELEGRAM__API_URL", "127.0.0.1:8081"),
            ("MAEUM__TELEGRAM__WEBHOOK_URL", "maeum.example.com/hook"),
        ] {
            let err =
                Settings::load_with(None, env(&[(key, value)]), Secrets::default()).unwrap_err();
            let named = key.trim_start_matches("MAEUM__").replace("__", ".");
            assert!(err.to_string().contains(&named.to_lowercase()), "{err}");
        }
        let ok = Settings::load_with(
            None,
            env(&[
                (
                    "MAEUM__TELEGRAM__WEBHOOK_URL",
                    "https://maeum.example.com/hook",
                ),
                ("MAEUM__TELEGRAM__WEBHOOK_LISTEN", "127.0.0.1:8443"),
            ]),
            Secrets::default(),
        )
        .unwrap();
        assert_eq!(ok.telegram.webhook_listen.port(), 8443);
    }

    #[test]
    fn a_missing_config_file_is_named() {
        let err = Settings::load_with(
            Some(Path::new("/nonexistent/maeum.toml")),
            Figment::new(),
            Secrets::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/maeum.toml"), "{err}");
    }
}
