//! Encryption at rest of the texts the store keeps (messages, replies,
//! display names): XChaCha20-Poly1305 with a random 24-byte nonce per value.
//!
//! Every stored value is wrapped, so what a user writes can never be taken
//! for a stored envelope:
//! - `enc2:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>` under a data key. The
//!   key id (8 hex digits of a hash of the key, never the key) says which key
//!   sealed it, so a store reads values sealed under the current key and any
//!   previous ones while it writes with the current key only. The AEAD's
//!   associated data is the value's column, its user and its row
//!   ([`Binding`]): a ciphertext copied to another column, user or row does
//!   not open.
//! - `plain2:<text>` with no data key. With a key configured such a value is
//!   refused, not read (`maeum rekey` seals it).
//! - Legacy values from before this format: `enc1:` envelopes (bound to their
//!   column only) still open; anything else was plaintext, and migration 0005
//!   wrapped it as `plain2:`. `maeum rekey` moves both to `enc2:`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// Every envelope starts with this; the `2` is the format version.
pub const ENVELOPE_PREFIX: &str = "enc2:";
/// Envelopes of the first format, bound to their column only.
pub const LEGACY_ENVELOPE_PREFIX: &str = "enc1:";
/// A value stored with no data key.
pub const PLAIN_PREFIX: &str = "plain2:";
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
    Summary,
}

impl Field {
    fn column(self) -> &'static str {
        match self {
            Field::UserText => "messages.user_text",
            Field::Reply => "messages.reply",
            Field::DisplayName => "users.display_name",
            Field::Summary => "summaries.summary",
        }
    }

    fn associated_data(self, binding: Binding) -> Vec<u8> {
        format!(
            "maeum:v2:{}:{}:{}",
            self.column(),
            binding.user_ref,
            binding.row
        )
        .into_bytes()
    }

    fn legacy_associated_data(self) -> Vec<u8> {
        format!("maeum:{}", self.column()).into_bytes()
    }
}

/// The user and row a value belongs to (a display name's row is its user's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub user_ref: i64,
    pub row: i64,
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
    #[error(
        "a stored text is not encrypted although a data key is set: refused (run `maeum rekey` to seal \
         the texts stored before the key)"
    )]
    Unsealed,
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

    /// The value to store for `text` of `field` in the row `binding`: an
    /// envelope under the current key, or the wrapped text when no key is set.
    pub fn seal(&self, field: Field, binding: Binding, text: &str) -> String {
        let Some(key) = &self.current else {
            return format!("{PLAIN_PREFIX}{text}");
        };
        let nonce: [u8; NONCE_LEN] = rand::random();
        let aad = field.associated_data(binding);
        let payload = Payload {
            msg: text.as_bytes(),
            aad: &aad,
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

    /// The text of a stored value of `field` in the row `binding`. With a
    /// data key, unencrypted values are refused ([`CryptoError::Unsealed`]).
    pub fn open(
        &self,
        field: Field,
        binding: Binding,
        stored: String,
    ) -> Result<String, CryptoError> {
        self.open_value(field, binding, stored, false)
    }

    /// [`DataCipher::open`] for `maeum rekey`, which also reads unencrypted
    /// values so it can seal them.
    pub fn open_to_reseal(
        &self,
        field: Field,
        binding: Binding,
        stored: String,
    ) -> Result<String, CryptoError> {
        self.open_value(field, binding, stored, true)
    }

    fn open_value(
        &self,
        field: Field,
        binding: Binding,
        stored: String,
        accept_plain: bool,
    ) -> Result<String, CryptoError> {
        let (key_id, bytes, aad) =
            if let Some((key_id, bytes)) = parse_envelope(&stored, ENVELOPE_PREFIX) {
                (key_id, bytes, field.associated_data(binding))
            } else if let Some((key_id, bytes)) = parse_envelope(&stored, LEGACY_ENVELOPE_PREFIX) {
                (key_id, bytes, field.legacy_associated_data())
            } else {
                if self.current.is_some() && !accept_plain {
                    return Err(CryptoError::Unsealed);
                }
                // Wrapped with no key, or plaintext from before the wrapping.
                return Ok(match stored.strip_prefix(PLAIN_PREFIX) {
                    Some(text) => text.to_string(),
                    None => stored,
                });
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
            aad: &aad,
        };
        let plain = key
            .aead
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| tampered())?;
        String::from_utf8(plain).map_err(|_| tampered())
    }

    /// Whether `stored` is already in the form new writes take: sealed under
    /// the current key, or wrapped plaintext when there is no key. `maeum
    /// rekey` rewrites the values for which this is false.
    pub fn is_current(&self, stored: &str) -> bool {
        match &self.current {
            Some(key) => {
                parse_envelope(stored, ENVELOPE_PREFIX).is_some_and(|(id, _)| id == key.id)
            }
            None => stored.starts_with(PLAIN_PREFIX),
        }
    }
}

/// `(key id, nonce ‖ ciphertext ‖ tag)` of a well-formed envelope.
fn parse_envelope<'a>(stored: &'a str, prefix: &str) -> Option<(&'a str, Vec<u8>)> {
    let rest = stored.strip_prefix(prefix)?;
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

    const ROW: Binding = Binding {
        user_ref: 7,
        row: 42,
    };

    #[test]
    fn sealed_text_opens_and_hides_the_text() {
        let cipher = DataCipher::new(Some(key(1)), vec![]);
        let text = "오늘 너무 우울해 — secret";
        let sealed = cipher.seal(Field::UserText, ROW, text);
        assert!(sealed.starts_with(&format!("enc2:{}:", key(1).id())));
        assert!(!sealed.contains("우울") && !sealed.contains("secret"));
        assert_ne!(
            sealed,
            cipher.seal(Field::UserText, ROW, text),
            "a fresh nonce each time"
        );
        assert_eq!(cipher.open(Field::UserText, ROW, sealed).unwrap(), text);
    }

    #[test]
    fn a_value_copied_to_another_user_or_row_does_not_open() {
        let cipher = DataCipher::new(Some(key(1)), vec![]);
        let sealed = cipher.seal(Field::UserText, ROW, "나만의 이야기");
        for elsewhere in [
            Binding {
                user_ref: 8,
                row: 42,
            },
            Binding {
                user_ref: 7,
                row: 43,
            },
        ] {
            assert!(matches!(
                cipher.open(Field::UserText, elsewhere, sealed.clone()),
                Err(CryptoError::Tampered { .. })
            ));
        }
    }

    #[test]
    fn envelope_shaped_text_round_trips_as_text() {
        let looks_sealed = format!("enc2:{}:{}", key(1).id(), BASE64.encode([0u8; 48]));
        for cipher in [
            DataCipher::plaintext(),
            DataCipher::new(Some(key(1)), vec![]),
        ] {
            for text in [looks_sealed.as_str(), "enc1:deadbeef:AAAA", "plain2:x", ""] {
                let stored = cipher.seal(Field::UserText, ROW, text);
                assert_eq!(cipher.open(Field::UserText, ROW, stored).unwrap(), text);
            }
        }
    }

    #[test]
    fn with_a_key_unencrypted_values_are_refused_except_to_reseal_them() {
        let plain = DataCipher::plaintext().seal(Field::Reply, ROW, "그대로");
        assert_eq!(plain, "plain2:그대로");
        let keyed = DataCipher::new(Some(key(2)), vec![]);
        assert!(matches!(
            keyed.open(Field::Reply, ROW, plain.clone()),
            Err(CryptoError::Unsealed)
        ));
        assert_eq!(
            keyed
                .open_to_reseal(Field::Reply, ROW, plain.clone())
                .unwrap(),
            "그대로"
        );
        assert!(!keyed.is_current(&plain));
        assert!(DataCipher::plaintext().is_current(&plain));
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
        let sealed_old = old.seal(Field::Reply, ROW, "예전 답장");
        let rotated = DataCipher::new(Some(key(2)), vec![key(1)]);
        assert!(!rotated.is_current(&sealed_old));
        assert_eq!(
            rotated.open(Field::Reply, ROW, sealed_old).unwrap(),
            "예전 답장"
        );
        let sealed_new = rotated.seal(Field::Reply, ROW, "새 답장");
        assert!(rotated.is_current(&sealed_new));
        let without_old = DataCipher::new(Some(key(2)), vec![]);
        assert!(matches!(
            without_old.open(Field::Reply, ROW, old.seal(Field::Reply, ROW, "x")),
            Err(CryptoError::UnknownKey { .. })
        ));
    }

    #[test]
    fn a_value_from_another_field_or_altered_does_not_open() {
        let cipher = DataCipher::new(Some(key(3)), vec![]);
        let sealed = cipher.seal(Field::UserText, ROW, "내 이름은 비밀");
        assert!(matches!(
            cipher.open(Field::DisplayName, ROW, sealed.clone()),
            Err(CryptoError::Tampered { .. })
        ));
        let mut bytes = BASE64.decode(sealed.rsplit(':').next().unwrap()).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("enc2:{}:{}", key(3).id(), BASE64.encode(bytes));
        assert!(matches!(
            cipher.open(Field::UserText, ROW, altered),
            Err(CryptoError::Tampered { .. })
        ));
    }

    #[test]
    fn legacy_envelopes_still_open_and_legacy_plaintext_reads_without_a_key() {
        // An enc1 envelope as the first format wrote it: the column as associated data.
        let cipher = DataCipher::new(Some(key(4)), vec![]);
        let nonce = [9u8; NONCE_LEN];
        let sealed = cipher
            .current
            .as_ref()
            .unwrap()
            .aead
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: "옛날 글".as_bytes(),
                    aad: &Field::UserText.legacy_associated_data(),
                },
            )
            .unwrap();
        let legacy = format!(
            "enc1:{}:{}",
            key(4).id(),
            BASE64.encode([nonce.as_slice(), &sealed].concat())
        );
        assert_eq!(
            cipher.open(Field::UserText, ROW, legacy.clone()).unwrap(),
            "옛날 글"
        );
        assert!(!cipher.is_current(&legacy));
        assert_eq!(
            DataCipher::plaintext()
                .open(Field::UserText, ROW, "from before".into())
                .unwrap(),
            "from before"
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
