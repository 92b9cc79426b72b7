//! What stands before the handlers: the bearer token, CORS, and JSON bodies
//! read with clear JSON errors (400 malformed, 422 wrong shape, 413 too large).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// An error answered as `{"error": "..."}` with its status.
#[derive(Debug)]
pub(super) struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// A JSON body, rejected with an [`ApiError`] rather than axum's plain text.
pub(super) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|r| {
            let status = r.status();
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "the request body is too large (http.max_body_bytes)".to_string()
            } else {
                r.body_text()
            };
            ApiError::new(status, message)
        })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => ApiError::unprocessable(format!("unexpected JSON: {e}")),
                _ => ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")),
            }
        })
    }
}

/// The API's bearer token, kept only as its digest; comparing digests takes
/// the same time whatever the guess shares with the token.
pub(super) struct BearerAuth {
    digest: Option<[u8; 32]>,
}

impl BearerAuth {
    pub fn new(token: Option<&Secret>) -> BearerAuth {
        BearerAuth {
            digest: token.map(|t| Sha256::digest(t.expose().as_bytes()).into()),
        }
    }

    pub fn configured(&self) -> bool {
        self.digest.is_some()
    }

    /// `None` when the request presents no bearer token (or the server has
    /// none: then nobody is a backend); else whether it is the right one.
    pub fn check(&self, headers: &HeaderMap) -> Option<bool> {
        let expected = self.digest.as_ref()?;
        let presented = headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| Sha256::digest(t.trim().as_bytes()));
        Some(match presented {
            Some(digest) => {
                digest
                    .iter()
                    .zip(expected.iter())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
            }
            None => false,
        })
    }
}

/// The answer to a wrong bearer token.
pub(super) fn unauthorized() -> Response {
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "wrong bearer token (Authorization: Bearer <MAEUM_HTTP_TOKEN>); send none to use a web session",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Headers on every answer: no content sniffing, no framing, no referrer;
/// the page's content security policy on HTML answers.
pub(super) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let policy = if is_html {
        HeaderValue::from_str(super::page::policy()).ok()
    } else {
        Some(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ))
    };
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The origins allowed to call the API from a browser page.
pub(super) struct Cors {
    origins: Vec<String>,
}

impl Cors {
    pub fn new(origins: &[String]) -> Cors {
        Cors {
            origins: origins.to_vec(),
        }
    }

    fn allowed<'a>(&self, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.origins.iter().any(|o| o == text).then_some(origin)
    }
}

/// Answers preflights from allowed origins and marks their responses readable.
pub(super) async fn cors(State(cors): State<Arc<Cors>>, request: Request, next: Next) -> Response {
    let origin = cors.allowed(request.headers()).cloned();
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let mut response = if request.method() == Method::OPTIONS {
        let mut preflight = StatusCode::NO_CONTENT.into_response();
        let headers = preflight.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, accept"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        preflight
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}
