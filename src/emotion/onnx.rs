//! The ONNX Runtime classifier: a Hugging Face-style model directory
//! (`model.onnx`, `tokenizer.json`, `config.json` with `id2label`).
