//! The embedded offline generator: warm 반말 replies per emotion group, used when
//! no LLM endpoint is configured.
