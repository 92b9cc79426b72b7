//! Wiring the pipeline from the configuration.
