//! Jitter for the language model's retries. async-openai's retry layer waits
//! exactly as long as `Retry-After` asks (or 100 ms, 200 ms, … without it),
//! so every turn refused at the same moment would come back at the same
//! moment and be refused again. This layer sits under it, next to the
//! transport: after an answer that will be retried (a 429, a 5xx, a refused
//! connection) it waits a random extra moment before handing it up, so the
//! retries of many turns spread out. The wait never shortens what
//! `Retry-After` asks, and the reply's deadline still bounds it all.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use reqwest_llm::Response;

/// The most extra wait after a retryable answer.
pub const MAX_JITTER: Duration = Duration::from_millis(250);

/// Adds [`JitterService`] under a retry layer.
#[derive(Debug, Clone, Copy, Default)]
pub struct JitterLayer;

impl<S> tower::Layer<S> for JitterLayer {
    type Service = JitterService<S>;

    fn layer(&self, inner: S) -> JitterService<S> {
        JitterService { inner }
    }
}

#[derive(Debug, Clone)]
pub struct JitterService<S> {
    inner: S,
}

/// Whether the retry layer will try again after this answer.
fn retryable(result: &Result<Response, OpenAIError>) -> bool {
    match result {
        Ok(response) => response.status().as_u16() == 429 || response.status().is_server_error(),
        Err(OpenAIError::Reqwest(error)) => error.is_connect(),
        Err(_) => false,
    }
}

/// A random wait in `0..=MAX_JITTER`.
fn jitter() -> Duration {
    MAX_JITTER.mul_f64(rand::random::<f64>())
}

impl<S> tower::Service<HttpRequestFactory> for JitterService<S>
where
    S: tower::Service<HttpRequestFactory, Response = Response, Error = OpenAIError>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = OpenAIError;
    type Future = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        let answer = self.inner.call(request);
        Box::pin(async move {
            let result = answer.await;
            if retryable(&result) {
                tokio::time::sleep(jitter()).await;
            }
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jitter_stays_within_its_bound_and_varies() {
        let waits: Vec<Duration> = (0..200).map(|_| jitter()).collect();
        assert!(waits.iter().all(|w| *w <= MAX_JITTER));
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(
            distinct.len() > 100,
            "random, not fixed: {}",
            distinct.len()
        );
    }
}
