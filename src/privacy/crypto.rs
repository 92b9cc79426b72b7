//! Encryption at rest of the texts the store keeps (messages, replies,
//! display names): XChaCha20-Poly1305 with a random 24-byte nonce per value.
//!
//! A stored value is either plaintext (written while no key was configured)
//! or an envelope `enc1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`. The key
//! id (8 hex digits of a hash of the key, never the key) says which key
//! sealed it, so a store can read values sealed under the current key and
//! any previous ones while it writes with the current key only. The field a
//! value belongs to is the AEAD's associated data: a ciphertext moved into
//! another column does not open.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// Every envelope starts with this; the `1` is the format version.
pub const ENVELOPE_PREFIX: &str = "enc1:";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;
const KEY_ID_HEX_LEN: usize = 8;

/// Which stored text a value is: bound into the ciphertext as associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    UserText,
    Reply,
    DisplayName,
}

impl Field {
    fn associated_data(self) -> &'static [u8] {
        match self {
            Field::UserText => b"maeum:messages.user_text",
            Field::Reply => b"maeum:messages.reply",
            Field::DisplayName => b"maeum:users.display_name",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "{variable} must be 32 bytes written as base64 (44 characters) or hex (64 characters); \
         generate one with `openssl rand -base64 32`"
    )]
    BadKey { variable: &'static str },
    #[error(
        "a stored text is encrypted with data key {key_id}, which is not configured: \
         set it as MAEUM_DATA_KEY or list it in MAEUM_DATA_KEY_PREVIOUS"
    )]
    UnknownKey { key_id: String },
    #[error(
        "a stored text under data key {key_id} failed authentication: it was altered or belongs elsewhere"
    )]
    Tampered { key_id: String },
}

/// One 32-byte data key. `Debug` shows its id only.
#[derive(Clone)]
pub struct DataKey {
    id: String,
    aead: XChaCha20Poly1305,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataKey({})", self.id)
    }
}

impl DataKey {
    /// Reads a key written as base64 (standard alphabet) or hex. `variable`
    /// names where it came from, for the error.
    pub fn parse(text: &str, variable: &'static str) -> Result<DataKey, CryptoError> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            BASE64.decode(text).ok()
        };
        match bytes {
            Some(bytes) if bytes.len() == KEY_LEN => Ok(DataKey::from_bytes(&bytes)),
            _ => Err(CryptoError::BadKey { variable }),
        }
    }

    fn from_bytes(bytes: &[u8]) -> DataKey {
        let digest = Sha256::new()
            .chain_update(b"maeum data key id\0")
            .chain_update(bytes)
            .finalize();
        let id = hex::encode(&digest[..KEY_ID_HEX_LEN / 2]);
        // `from_bytes` is only called with KEY_LEN bytes.
        let aead = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(bytes));
        DataKey { id, aead }
    }

    /// 8 hex digits that name the key without revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Seals texts under the current key and opens them under any known key.
#[derive(Debug, Clone, Default)]
pub struct DataCipher {
    current: Option<DataKey>,
    previous: Vec<DataKey>,
}

impl DataCipher {
    /// No keys: texts are written and read as plaintext.
    pub fn plaintext() -> DataCipher {
        DataCipher::default()
    }

    pub fn new(current: Option<DataKey>, previous: Vec<DataKey>) -> DataCipher {
        DataCipher { current, previous }
    }

    /// From `MAEUM_DATA_KEY` and `MAEUM_DATA_KEY_PREVIOUS` (keys separated by
    /// commas or whitespace).
    pub fn from_env_values(
        current: Option<&str>,
        previous: Option<&str>,
    ) -> Result<DataCipher, CryptoError> {
        let current = current
            .map(|key| DataKey::parse(key, "MAEUM_DATA_KEY"))
            .transpose()?;
        let previous = previous
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|key| !key.is_empty())
            .map(|key| DataKey::parse(key, "MAEUM_DATA_KEY_PREVIOUS"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DataCipher::new(current, previous))
    }

    /// Whether new texts are written encrypted.
    pub fn encrypts(&self) -> bool {
        self.current.is_some()
    }

    /// The id of the key new texts are sealed with.
    pub fn current_key_id(&self) -> Option<&str> {
        self.current.as_ref().map(DataKey::id)
    }

    /// The value to store for `text`: an envelope under the current key, or
    /// the text itself when no key is configured.
    pub fn seal(&self, field: Field, text: &str) -> String {
        let Some(key) = &self.current else {
            return text.to_string();
        };
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: text.as_bytes(),
            aad: field.associated_data(),
        };
        // XChaCha20-Poly1305 fails only for messages over 256 GiB.
        let sealed = key
            .aead
            .encrypt(XNonce::from_slice(&nonce), payload)
            .expect("texts are far below the cipher's 256 GiB limit");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{ENVELOPE_PREFIX}{}:{}", key.id, BASE64.encode(bytes))
    }

    /// The text of a stored value. Plaintext (anything that is not a
    /// well-formed envelope) is returned as it is.
    pub fn open(&self, field: Field, stored: String) -> Result<String, CryptoError> {
        let Some((key_id, bytes)) = parse_envelope(&stored) else {
            return Ok(stored);
        };
        let key = self
            .current
            .iter()
            .chain(&self.previous)
            .find(|key| key.id == key_id)
            .ok_or_else(|| CryptoError::UnknownKey {
                key_id: key_id.to_string(),
            })?;
        let tampered = || CryptoError::Tampered {
            key_id: key_id.to_string(),
        };
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: sealed,
            aad: field.associated_data(),
        };
        let plain = key
            .aead
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| tampered())?;
        String::from_utf8(plain).map_err(|_| tampered())
    }

    /// Whether `stored` is already in the form new writes take: sealed under
    /// the current key (or plaintext when there is no key). `maeum rekey`
    /// rewrites the values for which this is false.
    pub fn is_current(&self, stored: &str) -> bool {
        match (&self.current, parse_envelope(stored)) {
            (Some(key), Some((key_id, _))) => key.id == key_id,
            (Some(_), None) => false,
            (None, envelope) => envelope.is_none(),
        }
    }
}

/// `(key id, nonce ‖ ciphertext ‖ tag)` of a well-formed envelope.
fn parse_envelope(stored: &str) -> Option<(&str, Vec<u8>)> {
    let rest = stored.strip_prefix(ENVELOPE_PREFIX)?;
    let (key_id, body) = rest.split_once(':')?;
    if key_id.len() != KEY_ID_HEX_LEN || !key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes = BASE64.decode(body).ok()?;
    (bytes.len() >= NONCE_LEN + TAG_LEN).then_some((key_id, bytes))
}

/// A new random data key, base64: what `MAEUM_DATA_KEY` takes.
pub fn generate_key() -> String {
    let bytes: [u8; KEY_LEN] = rand::random();
    BASE64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::parse(&hex::encode([byte; KEY_LEN]), "TEST").unwrap()
    }

    #[test]
    fn sealed_text_opens_and_hides_the_text() {
        let cipher = DataCipher::new(Some(key(1)), vec![]);
        let text = "오늘 너무 우울해 — secret";
        let sealed = cipher.seal(Field::UserText, text);
        assert!(sealed.starts_with(&format!("enc1:{}:", key(1).id())));
        assert!(!sealed.contains("우울") && !sealed.contains("secret"));
        assert_ne!(
            sealed,
            cipher.seal(Field::UserText, text),
            "a fresh nonce each time"
        );
        assert_eq!(cipher.open(Field::UserText, sealed).unwrap(), text);
    }

    #[test]
    fn keys_parse_from_base64_or_hex_and_nothing_else() {
        let base64_key = generate_key();
        assert_eq!(base64_key.len(), 44);
        let parsed = DataKey::parse(&base64_key, "K").unwrap();
        let as_hex = hex::encode(BASE64.decode(&base64_key).unwrap());
        assert_eq!(DataKey::parse(&as_hex, "K").unwrap().id(), parsed.id());
        for bad in ["", "short", &BASE64.encode([0u8; 16]), &"ab".repeat(31)] {
            let error = DataKey::parse(bad, "MAEUM_DATA_KEY").unwrap_err();
            assert!(error.to_string().contains("MAEUM_DATA_KEY"), "{error}");
        }
        assert!(!format!("{parsed:?}").contains(&base64_key));
    }

    #[test]
    fn previous_keys_open_old_values_and_rekeying_is_detected() {
        let old = DataCipher::new(Some(key(1)), vec![]);
        let sealed = old.seal(Field::Reply, "예전 답장");
        let rotated = DataCipher::new(Some(key(2)), vec![key(1)]);
        assert_eq!(
            rotated.open(Field::Reply, sealed.clone()).unwrap(),
            "예전 답장"
        );
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.is_current(&rotated.seal(Field::Reply, "새 답장")));
        assert!(!rotated.is_current("plain text"));
        assert!(DataCipher::plaintext().is_current("plain text"));
        assert!(!DataCipher::plaintext().is_current(&sealed));

        let forgotten = DataCipher::new(Some(key(2)), vec![]);
        assert!(matches!(
            forgotten.open(Field::Reply, sealed),
            Err(CryptoError::UnknownKey { .. })
        ));
    }

    #[test]
    fn a_value_from_another_field_or_altered_does_not_open() {
        let cipher = DataCipher::new(Some(key(3)), vec![]);
        let sealed = cipher.seal(Field::UserText, "내 이름은 비밀");
        assert!(matches!(
            cipher.open(Field::DisplayName, sealed.clone()),
            Err(CryptoError::Tampered { .. })
        ));
        let mut bytes = BASE64.decode(sealed.rsplit(':').next().unwrap()).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("enc1:{}:{}", key(3).id(), BASE64.encode(bytes));
        assert!(matches!(
            cipher.open(Field::UserText, altered),
            Err(CryptoError::Tampered { .. })
        ));
    }

    #[test]
    fn plaintext_rows_still_read() {
        let cipher = DataCipher::new(Some(key(4)), vec![]);
        for plain in [
            "written before the key",
            "enc1:not an envelope",
            "enc1:zz:abc",
            "",
        ] {
            assert_eq!(
                cipher.open(Field::UserText, plain.to_string()).unwrap(),
                plain
            );
        }
        assert_eq!(
            DataCipher::plaintext().seal(Field::Reply, "그대로"),
            "그대로"
        );
    }

    #[test]
    fn previous_keys_are_listed_with_commas_or_spaces() {
        let (a, b) = (hex::encode([5u8; 32]), hex::encode([6u8; 32]));
        let cipher =
            DataCipher::from_env_values(Some(&generate_key()), Some(&format!("{a}, {b}\n")))
                .unwrap();
        assert_eq!(cipher.previous.len(), 2);
        let error = DataCipher::from_env_values(None, Some("nonsense")).unwrap_err();
        assert!(error.to_string().contains("MAEUM_DATA_KEY_PREVIOUS"));
    }
}
