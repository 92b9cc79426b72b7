//! Wiring the pipeline from the configuration: the one place that picks the
//! implementations of the leaves.

use std::sync::Arc;

use tracing::info;

use crate::config::{LlmEndpoint, Settings};
use crate::emotion::onnx::OnnxClassifier;
use crate::emotion::{EmotionError, EmotionReader};
use crate::pipeline::{Pipeline, PipelineOptions};
use crate::reply::ReplyGenerator;
use crate::reply::offline::OfflineGenerator;
use crate::reply::openai::OpenAiGenerator;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Emotion(#[from] EmotionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Things the operator (or the terminal user) should be told at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// No LLM endpoint: replies come from the embedded offline generator.
    OfflineReplies,
    /// The loaded emotion model is the small test model.
    TestModel { name: String },
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

/// Connects to the configured database and applies the migrations.
pub async fn open_store(settings: &Settings) -> Result<Store, StoreError> {
    let mut store = Store::connect(settings.database_url().expose()).await?;
    if let Some(key) = &settings.secrets.marker_key {
        store = store.with_marker_key(key.expose().as_bytes());
    }
    store.migrate().await?;
    Ok(store)
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

    let options = PipelineOptions {
        history_turns: settings.bot.history_turns,
        context_utterances: settings.emotion.context_utterances,
        top_k: settings.emotion.top_k,
        max_message_chars: settings.bot.max_message_chars,
    };
    let pipeline =
        Pipeline::new(emotion, generator, store, options).with_safety(settings.safety.clone());
    Ok((pipeline, notices))
}
