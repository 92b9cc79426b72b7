//! Wiring the pipeline from the configuration: the one place that picks the
//! implementations of the leaves.

use std::sync::Arc;

use tracing::{info, warn};

use crate::config::{LlmEndpoint, OnFailure, Secret, Settings};
use crate::emotion::neutral::NeutralReader;
use crate::emotion::onnx::OnnxClassifier;
use crate::emotion::{EmotionError, EmotionReader, ShownAt};
use crate::pipeline::{AdminOptions, Pipeline, PipelineOptions, PrivacyOptions};
use crate::privacy::crypto::{CryptoError, DataCipher};
use crate::privacy::marker_key::{self, MarkerKeyError};
use crate::reply::ReplyGenerator;
use crate::reply::offline::OfflineGenerator;
use crate::reply::openai::OpenAiGenerator;
use crate::store::{Store, StoreError, UserKey};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Emotion(#[from] EmotionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database could not be reached at all: say where to look.
    #[error(
        "{0} (check DATABASE_URL, or unset it for the embedded SQLite store in store.data_dir)"
    )]
    Unreachable(StoreError),
    #[error(transparent)]
    MarkerKey(#[from] MarkerKeyError),
    #[error(transparent)]
    DataKey(#[from] CryptoError),
}

/// Things the operator (or the terminal user) should be told at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// No LLM endpoint: replies come from the embedded offline generator.
    OfflineReplies,
    /// The loaded emotion model is the small test model.
    TestModel { name: String },
    /// No `MAEUM_DATA_KEY`: texts are written to the database in the clear.
    TextsUnencrypted,
    /// Not started from a checkout: the embedded store is in the user's data directory.
    UserDataDir { path: String },
}

impl Notice {
    pub fn message(&self) -> String {
        match self {
            Notice::OfflineReplies => {
                "offline mode: no LLM endpoint is configured (OPENAI_BASE_URL / OPENAI_API_KEY / \
                 llm.base_url), so replies come from the embedded offline generator"
                    .to_string()
            }
            Notice::TestModel { name } => format!(
                "the emotion model `{name}` is a small test model with random weights: its emotions are not meaningful"
            ),
            Notice::UserDataDir { path } => format!(
                "data: the conversation store is {path}/maeum.db (the user data directory; set \
                 store.data_dir / MAEUM__STORE__DATA_DIR or DATABASE_URL to change it)"
            ),
            Notice::TextsUnencrypted => {
                "texts are stored unencrypted: set MAEUM_DATA_KEY (32 random bytes, base64: \
                 `openssl rand -base64 32`) to encrypt messages, replies and names; see docs/privacy.md"
                    .to_string()
            }
        }
    }
}

/// Loads the emotion model named by the configuration.
pub fn emotion_reader(settings: &Settings) -> Result<Arc<dyn EmotionReader>, EmotionError> {
    let classifier = OnnxClassifier::load(&settings.emotion)?;
    Ok(Arc::new(classifier))
}

/// The reply generator the configuration asks for.
pub fn reply_generator(settings: &Settings) -> Arc<dyn ReplyGenerator> {
    match settings.llm_endpoint() {
        LlmEndpoint::Offline => Arc::new(OfflineGenerator::new()),
        LlmEndpoint::OpenAiCompatible { base_url } => Arc::new(OpenAiGenerator::new(
            &settings.llm,
            &base_url,
            settings.secrets.openai_api_key.as_ref(),
        )),
    }
}

/// The cipher for stored texts, from `MAEUM_DATA_KEY` and
/// `MAEUM_DATA_KEY_PREVIOUS`; a malformed key is named, never shown.
pub fn data_cipher(settings: &Settings) -> Result<DataCipher, CryptoError> {
    DataCipher::from_env_values(
        settings.secrets.data_key.as_ref().map(Secret::expose),
        settings
            .secrets
            .data_key_previous
            .as_ref()
            .map(Secret::expose),
    )
}

/// The operators of `admin.ids`, as the pipeline knows users.
pub fn admin_ids(settings: &Settings) -> Vec<UserKey> {
    settings
        .admin
        .operators()
        .map(|(platform, user_id)| UserKey::new(platform, user_id))
        .collect()
}

/// Connects to the configured database, applies the migrations and sets the
/// data key (`MAEUM_DATA_KEY`, `MAEUM_DATA_KEY_PREVIOUS`). Enough for
/// `maeum migrate` and `maeum rekey`; serving users needs [`open_store`].
pub async fn connect_store(settings: &Settings) -> Result<Store, AppError> {
    connect_store_with(settings, data_cipher(settings)?).await
}

async fn connect_store_with(settings: &Settings, cipher: DataCipher) -> Result<Store, AppError> {
    info!(
        encrypted = cipher.encrypts(),
        data_key_id = cipher.current_key_id().unwrap_or("none"),
        "stored texts"
    );
    let store = Store::connect(settings.database_url().expose())
        .await
        .map_err(AppError::Unreachable)?
        .with_cipher(cipher);
    store.migrate().await?;
    Ok(store)
}

/// [`connect_store`], plus the opt-out marker key (`MAEUM_MARKER_KEY`, else,
/// on SQLite only, `<store.data_dir>/marker.key`, created if missing), which
/// must be the one the database's markers were made with.
pub async fn open_store(settings: &Settings) -> Result<Store, AppError> {
    // The data keys are checked before the marker key, which may create a
    // file: a malformed data key then leaves the disk as it was.
    let cipher = data_cipher(settings)?;
    let shared = !settings.database_url().expose().starts_with("sqlite:");
    let (marker_key, source) = marker_key::resolve(
        settings.secrets.marker_key.as_ref().map(|key| key.expose()),
        &settings.store.data_dir,
        shared,
    )?;
    match &source {
        marker_key::MarkerKeySource::Created(path) => warn!(
            path = %path.display(),
            "created a new opt-out marker key; keep this file (or set MAEUM_MARKER_KEY)"
        ),
        marker_key::MarkerKeySource::File(path) => {
            info!(path = %path.display(), "opt-out marker key from file")
        }
        marker_key::MarkerKeySource::Environment => {
            info!("opt-out marker key from MAEUM_MARKER_KEY")
        }
    }
    let store = connect_store_with(settings, cipher)
        .await?
        .with_marker_key(&marker_key);
    store.verify_marker_key().await?;
    Ok(store)
}

/// The consent and retention settings the pipeline needs.
pub fn privacy_options(settings: &Settings) -> PrivacyOptions {
    PrivacyOptions {
        require_consent: settings.privacy.require_consent,
        notice_version: settings.privacy.notice_version,
        retention_days: settings.privacy.retention_days,
        training_export: settings.privacy.training_export,
    }
}

/// The pipeline `settings` describe (options, privacy, admins, safety) on
/// the given emotion reader, generator and store: what [`build_pipeline`]
/// wires, for callers (tests) that bring their own leaves.
pub fn pipeline_with(
    settings: &Settings,
    emotion: Arc<dyn EmotionReader>,
    generator: Arc<dyn ReplyGenerator>,
    store: Store,
) -> Pipeline {
    let options = PipelineOptions {
        history_turns: settings.bot.history_turns,
        summary_after_turns: settings.bot.summary_after_turns,
        context_utterances: settings.emotion.context_utterances,
        max_message_chars: settings.bot.max_message_chars,
        shown_at: shown_at(settings),
    };
    let admins = AdminOptions {
        operators: admin_ids(settings),
        chat_admins: settings.admin.chat_admins,
    };
    // A language model's failures may be answered by the embedded generator
    // (when that is the generator already, there is nothing to fall back to).
    let fallback =
        settings.llm.on_failure == OnFailure::Offline && generator.name() != OfflineGenerator::NAME;
    let pipeline = Pipeline::new(emotion, generator, store, options)
        .with_privacy(privacy_options(settings))
        .with_admins(admins)
        .with_safety(settings.safety.clone())
        .with_limits(&settings.limits);
    if fallback {
        pipeline.with_fallback(Arc::new(OfflineGenerator::new()))
    } else {
        pipeline
    }
}

/// The "no particular emotion" reader shipped beside the emotion model
/// (`neutral.json`), if any; one that cannot be read is logged and left out.
pub fn neutral_reader(settings: &Settings) -> Option<Arc<NeutralReader>> {
    match NeutralReader::load_beside(&settings.emotion.model_dir) {
        Ok(neutral) => neutral.map(Arc::new),
        Err(error) => {
            tracing::warn!(%error, "the neutral reader could not be loaded; every message may be tagged");
            None
        }
    }
}

/// When the bot names an emotion, from `[emotion]`'s two thresholds.
pub fn shown_at(settings: &Settings) -> ShownAt {
    ShownAt {
        fine: settings.emotion.fine_threshold,
        group: settings.emotion.group_threshold,
    }
}

/// Builds the whole pipeline, and the notices to show at start (also logged).
pub async fn build_pipeline(settings: &Settings) -> Result<(Pipeline, Vec<Notice>), AppError> {
    let emotion = emotion_reader(settings)?;
    let generator = reply_generator(settings);
    let store = open_store(settings).await?;

    let mut notices = Vec::new();
    if settings.llm_endpoint() == LlmEndpoint::Offline {
        notices.push(Notice::OfflineReplies);
    }
    if !store.encrypts_texts() {
        notices.push(Notice::TextsUnencrypted);
    }
    if settings.secrets.database_url.is_none()
        && crate::config::paths::user_data_dir().as_deref()
            == Some(settings.store.data_dir.as_path())
    {
        notices.push(Notice::UserDataDir {
            path: settings.store.data_dir.display().to_string(),
        });
    }
    let model = emotion.info();
    if !model.meaningful {
        notices.push(Notice::TestModel {
            name: model.name.clone(),
        });
    }
    info!(
        model = %model.name,
        model_path = %model.path,
        generator = %generator.name(),
        database = ?store.backend(),
        "pipeline ready"
    );
    for notice in &notices {
        info!(notice = %notice.message(), "start-up notice");
    }

    let pipeline = pipeline_with(settings, emotion, generator, store);
    // It belongs with the emotion model it ships beside.
    let pipeline = match neutral_reader(settings) {
        Some(neutral) => pipeline.with_neutral(neutral),
        None => pipeline,
    };
    Ok((pipeline, notices))
}

#[cfg(test)]
mod tests {
    use figment::Figment;

    use super::*;
    use crate::config::Secrets;

    #[test]
    fn admin_ids_become_user_keys() {
        let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
        assert!(admin_ids(&s).is_empty(), "nobody is an admin by default");

        let figment = Figment::new().merge(figment::providers::Serialized::default(
            "admin.ids",
            vec!["telegram:123", "console:local"],
        ));
        let s = Settings::load_with(None, figment, Secrets::default()).unwrap();
        assert_eq!(
            admin_ids(&s),
            [
                UserKey::new("telegram", "123"),
                UserKey::new("console", "local")
            ]
        );
    }

    #[test]
    fn a_malformed_data_key_is_named_without_showing_it() {
        let s = Settings::load_with(None, Figment::new(), Secrets::default()).unwrap();
        assert!(!data_cipher(&s).unwrap().encrypts());

        let secrets = Secrets::from_lookup(|k| {
            (k == "MAEUM_DATA_KEY").then(|| "not-a-32-byte-key-but-secret".to_string())
        });
        let s = Settings::load_with(None, Figment::new(), secrets).unwrap();
        let err = data_cipher(&s).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("MAEUM_DATA_KEY"), "{message}");
        assert!(!message.contains("not-a-32-byte-key"), "{message}");

        let secrets = Secrets::from_lookup(|k| {
            (k == "MAEUM_DATA_KEY").then(crate::privacy::crypto::generate_key)
        });
        let s = Settings::load_with(None, Figment::new(), secrets).unwrap();
        assert!(data_cipher(&s).unwrap().encrypts());
    }
}
