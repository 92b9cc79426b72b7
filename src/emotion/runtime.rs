//! Finding and loading the ONNX Runtime shared library.
//!
//! `ort` is built with `load-dynamic`: the library is installed by `scripts/setup`
//! under `runtime/`, or named by `emotion.onnxruntime_path` in the config.
