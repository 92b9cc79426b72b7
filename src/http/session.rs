//! Who is calling: a trusted backend (the bearer token), which may name its
//! users, or a web session — a server-issued, signed cookie naming a random
//! user id, which can only ever be that user.
//!
//! - A backend's users are `http:<user_id>`; a session's user is
//!   `web:<random id>`. The two namespaces never meet, so a browser can never
//!   claim a backend's user or another session's.
//! - The cookie is `maeum_session=<id>.<HMAC-SHA256(key, id)>`, `HttpOnly`,
//!   `SameSite=Strict`, `Path=/`, `Secure` unless `http.secure_cookies` is
//!   off. The key is `MAEUM_SESSION_KEY` (replicas must share it); without it
//!   each process makes its own, and sessions end when it restarts.
//! - A request without a valid cookie gets a new session (and the cookie in
//!   the answer); `/predict` callers without a user are never put into one
//!   shared conversation.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::AppState;
use super::guard::ApiError;
use crate::config::Secret;

pub const COOKIE: &str = "maeum_session";
/// The platform name of web-session users (backends' users are `http`).
pub const WEB_PLATFORM: &str = "web";
/// How long a browser keeps its session.
const MAX_AGE_SECS: u64 = 60 * 60 * 24 * 180;
/// Random bytes in a session id (hex-encoded in the cookie).
const ID_BYTES: usize = 16;

/// The key that signs session cookies.
pub struct SessionKey {
    key: [u8; 32],
    secure: bool,
}

impl SessionKey {
    /// From `MAEUM_SESSION_KEY` (any length; hashed to 32 bytes), or a random
    /// key for this process.
    pub fn new(secret: Option<&Secret>, secure: bool) -> SessionKey {
        let key = match secret {
            Some(secret) => {
                use sha2::Digest;
                Sha256::digest(secret.expose().as_bytes()).into()
            }
            None => {
                let mut key = [0u8; 32];
                rand::rng().fill_bytes(&mut key);
                key
            }
        };
        SessionKey { key, secure }
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac
    }

    /// A new session id and its cookie value.
    fn issue(&self) -> (String, String) {
        let mut bytes = [0u8; ID_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        let id = hex::encode(bytes);
        let tag = hex::encode(self.mac(&id).finalize().into_bytes());
        let value = format!("{id}.{tag}");
        (id, value)
    }

    /// The session id of a cookie value this key signed.
    fn verify(&self, value: &str) -> Option<String> {
        let (id, tag) = value.split_once('.')?;
        if id.len() != ID_BYTES * 2 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let tag = hex::decode(tag).ok()?;
        // verify_slice compares in constant time.
        self.mac(id).verify_slice(&tag).ok()?;
        Some(id.to_string())
    }

    fn set_cookie(&self, value: &str) -> Option<HeaderValue> {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{COOKIE}={value}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}"
        ))
        .ok()
    }
}

/// The caller of an API request, as [`identify`] found it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Presented the bearer token: a trusted backend that may name users.
    pub backend: bool,
    /// The caller's web session (the one its cookie names, or a new one).
    pub session: String,
}

impl Caller {
    /// The user a request acts for: the user a backend names (`http:<id>`),
    /// else the session's own (`web:<id>`). Naming a user without the bearer
    /// token is refused.
    pub fn user(&self, named: Option<String>) -> Result<(&'static str, String), ApiError> {
        match named {
            Some(id) if self.backend => Ok((super::PLATFORM, checked_user_id(id)?)),
            Some(_) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "naming a user (`user_id`) needs the bearer token; a web session is always its own user",
            )),
            None => Ok((WEB_PLATFORM, self.session.clone())),
        }
    }
}

const MAX_USER_ID_CHARS: usize = 128;

fn checked_user_id(id: String) -> Result<String, ApiError> {
    let id = id.trim().to_string();
    if id.is_empty() || id.chars().count() > MAX_USER_ID_CHARS {
        return Err(ApiError::unprocessable(format!(
            "`user_id` must be 1 to {MAX_USER_ID_CHARS} characters"
        )));
    }
    Ok(id)
}

/// Finds the caller of an API request: a wrong bearer token is refused (401);
/// the right one marks a backend; the session comes from the cookie, or is
/// new (and its cookie set on the answer).
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let backend = match state.auth.check(request.headers()) {
        Some(true) => true,
        Some(false) => return super::guard::unauthorized(),
        None => false,
    };
    let existing = session_cookie(request.headers()).and_then(|v| state.sessions.verify(v));
    let (session, new_cookie) = match existing {
        Some(id) => (id, None),
        None => {
            let (id, value) = state.sessions.issue();
            (id, Some(value))
        }
    };
    request.extensions_mut().insert(Caller { backend, session });
    let mut response = next.run(request).await;
    if let Some(cookie) = new_cookie.and_then(|v| state.sessions.set_cookie(&v)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_session_verifies_and_a_forged_one_does_not() {
        let key = SessionKey::new(None, true);
        let (id, value) = key.issue();
        assert_eq!(key.verify(&value), Some(id.clone()));
        let other = SessionKey::new(None, true);
        assert_eq!(other.verify(&value), None, "another key's cookie");
        let (_, tag) = value.split_once('.').unwrap();
        let forged = format!("{}.{tag}", "0".repeat(ID_BYTES * 2));
        assert_eq!(key.verify(&forged), None, "a tag moved to another id");
        assert_eq!(key.verify(&id), None, "an id without its tag");
        assert_eq!(key.verify("root.00"), None);
    }

    #[test]
    fn a_configured_key_signs_the_same_in_every_process() {
        let secret = Secret::new("a shared session key for replicas");
        let (id, value) = SessionKey::new(Some(&secret), true).issue();
        assert_eq!(
            SessionKey::new(Some(&secret), true).verify(&value),
            Some(id)
        );
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_unless_configured() {
        let cookie = SessionKey::new(None, true).set_cookie("v").unwrap();
        let cookie = cookie.to_str().unwrap();
        for part in [
            "maeum_session=v",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
        ] {
            assert!(cookie.contains(part), "{cookie}");
        }
        let plain = SessionKey::new(None, false).set_cookie("v").unwrap();
        assert!(!plain.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn only_a_backend_names_users() {
        let session = Caller {
            backend: false,
            session: "abc".into(),
        };
        assert_eq!(session.user(None).unwrap(), ("web", "abc".to_string()));
        let refused = session.user(Some("root".into())).unwrap_err();
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let backend = Caller {
            backend: true,
            ..session
        };
        assert_eq!(
            backend.user(Some(" kim ".into())).unwrap(),
            ("http", "kim".to_string())
        );
        assert_eq!(backend.user(None).unwrap(), ("web", "abc".to_string()));
    }
}
