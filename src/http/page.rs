//! The web chat page (embedded in the binary) and the content security
//! policy that lets it run only its own inline script and style.

use std::sync::LazyLock;

use base64::Engine;
use sha2::{Digest, Sha256};

pub(super) const PAGE: &str = include_str!("page.html");

/// The web page's policy: its one inline script and style by hash, calls to
/// this server only, never framed. Computed once from the page itself.
static PAGE_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = |open: &str, close: &str| {
        let page = PAGE;
        let start = page.find(open).map(|i| i + open.len());
        let end = start.and_then(|s| page[s..].find(close).map(|e| s + e));
        match (start, end) {
            (Some(start), Some(end)) => format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&page[start..end]))
            ),
            _ => "'none'".to_string(),
        }
    };
    format!(
        "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash("<script>", "</script>"),
        hash("<style>", "</style>"),
    )
});

/// The page's `Content-Security-Policy`.
pub(super) fn policy() -> &'static str {
    &PAGE_POLICY
}
