//! Discord REST calls that survive rate limits. serenity's own limiter waits
//! out a 429 that carries a `Retry-After` header, but it is off behind a
//! proxy (`discord.proxy_url`) and gives up on a 429 without the header; a
//! brief 502/503 is not retried at all. Every call the adapter makes goes through
//! [`retrying`], so a reply is delivered in every configuration.

use std::future::Future;
use std::time::Duration;

use serenity::http::HttpError;
use tracing::warn;

/// Retries after the first failure; the waits double from [`FIRST_WAIT`]
/// (1 + 2 + 4 + 8 s in all), more than Discord asks for a route's bucket.
const MAX_RETRIES: u32 = 4;
/// serenity's error keeps no `Retry-After`, so the first wait is a typical
/// bucket reset: long enough that the retry is not refused again.
const FIRST_WAIT: Duration = Duration::from_secs(1);

/// Runs `call` until it succeeds, fails for good, or has been retried
/// [`MAX_RETRIES`] times after a 429 or a 5xx. `what` names the call in logs.
pub(crate) async fn retrying<T, F, Fut>(what: &'static str, mut call: F) -> serenity::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = serenity::Result<T>>,
{
    let mut wait = FIRST_WAIT;
    let mut retries = 0;
    loop {
        match call().await {
            Err(error) if retries < MAX_RETRIES && is_transient(&error) => {
                retries += 1;
                warn!(
                    call = what,
                    %error,
                    wait_secs = wait.as_secs_f32(),
                    retries,
                    "Discord asked to slow down or failed briefly; trying again"
                );
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            result => return result,
        }
    }
}

/// A 429 (rate limited), a gateway 5xx or a refused connection: the call was
/// not carried out, so trying again cannot post a message twice (a timeout or
/// a 500 might have been, so those are not retried).
fn is_transient(error: &serenity::Error) -> bool {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            matches!(response.status_code.as_u16(), 429 | 502 | 503 | 504)
        }
        serenity::Error::Http(HttpError::Request(request)) => request.is_connect(),
        _ => false,
    }
}
