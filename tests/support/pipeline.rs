//! Building a `Pipeline` in a test: start from the shipped configuration
//! (`config/default.toml`, with no file and no environment) and override
//! only what the test is about.
//!
//! ```ignore
//! let pipeline = TestPipeline::new(store)
//!     .emotion(Arc::new(ScriptedReader::reading("E24")))
//!     .openai(&fake_llm.base_url)
//!     .settings(|s| s.privacy.require_consent = false)
//!     .build();
//! ```

use std::sync::Arc;

use maeum::config::{Secrets, Settings};
use maeum::emotion::EmotionReader;
use maeum::pipeline::Pipeline;
use maeum::reply::ReplyGenerator;
use maeum::reply::openai::OpenAiGenerator;
use maeum::store::Store;

/// The settings `maeum` ships with: `config/default.toml`, no configuration
/// file, and neither `MAEUM__*` variables nor secrets from this machine's
/// environment.
pub fn shipped_settings() -> Settings {
    Settings::load_with(None, figment::Figment::new(), Secrets::default())
        .expect("the shipped settings load")
}

/// Where the builder's reply generator comes from.
enum Generator {
    /// What the settings ask for (`app::reply_generator`: offline when no endpoint).
    Configured,
    /// The real OpenAI-compatible client on this base URL, with `settings.llm`.
    OpenAi(String),
    Given(Arc<dyn ReplyGenerator>),
}

/// A pipeline wired as `app::build_pipeline` wires it, from the shipped
/// settings with the test's overrides, on the test's store.
pub struct TestPipeline {
    settings: Settings,
    store: Store,
    emotion: Option<Arc<dyn EmotionReader>>,
    generator: Generator,
}

impl TestPipeline {
    /// The shipped settings on `store`; the configured emotion model (the ONNX
    /// test model) and reply generator unless the test names its own.
    pub fn new(store: Store) -> TestPipeline {
        TestPipeline {
            settings: shipped_settings(),
            store,
            emotion: None,
            generator: Generator::Configured,
        }
    }

    /// Starts from `settings` instead of the shipped ones.
    pub fn with_settings(mut self, settings: Settings) -> TestPipeline {
        self.settings = settings;
        self
    }

    /// Reads emotions with `reader`.
    pub fn emotion(mut self, reader: Arc<dyn EmotionReader>) -> TestPipeline {
        self.emotion = Some(reader);
        self
    }

    /// Writes replies with `generator`.
    pub fn generator(mut self, generator: Arc<dyn ReplyGenerator>) -> TestPipeline {
        self.generator = Generator::Given(generator);
        self
    }

    /// Writes replies with the real OpenAI-compatible client against
    /// `base_url` (a fake LLM), configured by the settings' `[llm]`.
    pub fn openai(mut self, base_url: &str) -> TestPipeline {
        self.generator = Generator::OpenAi(base_url.to_string());
        self
    }

    /// Changes the settings the pipeline is built from.
    pub fn settings(mut self, change: impl FnOnce(&mut Settings)) -> TestPipeline {
        change(&mut self.settings);
        self
    }

    pub fn build(self) -> Pipeline {
        let settings = self.settings;
        // The neutral reader ships beside the configured emotion model; a
        // test's own reader comes without one.
        let neutral = match self.emotion {
            Some(_) => None,
            None => maeum::app::neutral_reader(&settings),
        };
        let emotion = self.emotion.unwrap_or_else(|| {
            maeum::app::emotion_reader(&settings)
                .expect("the test model loads (run scripts/setup once for ONNX Runtime)")
        });
        let generator = match self.generator {
            Generator::Configured => maeum::app::reply_generator(&settings),
            Generator::OpenAi(base_url) => {
                Arc::new(OpenAiGenerator::new(&settings.llm, &base_url, None))
            }
            Generator::Given(generator) => generator,
        };
        let pipeline = maeum::app::pipeline_with(&settings, emotion, generator, self.store);
        match neutral {
            Some(neutral) => pipeline.with_neutral(neutral),
            None => pipeline,
        }
    }
}
