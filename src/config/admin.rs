//! `[admin]`: who may run `/admin` commands. The ids stay text here; the
//! pipeline's user keys are made from them in `crate::app`.

use serde::Deserialize;

use super::{ConfigError, platform_id};

/// Who may run `/admin` commands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// `platform:user_id` of each operator, e.g. `telegram:123456`, `console:local`.
    pub ids: Vec<String>,
    /// Administrators of a group or server (as the adapter reports them) may
    /// clear that chat's history and see its statistics.
    pub chat_admins: bool,
}

impl AdminSettings {
    /// The operators of `ids` as `(platform, user_id)`; validation has made
    /// sure every id parses.
    pub fn operators(&self) -> impl Iterator<Item = (&str, &str)> {
        self.ids.iter().filter_map(|id| platform_id(id))
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if let Some(bad) = self.ids.iter().find(|id| platform_id(id).is_none()) {
            return Err(ConfigError::Invalid {
                key: "admin.ids",
                reason: format!("{bad:?} must be platform:user_id, e.g. telegram:123456"),
            });
        }
        // A backend with the HTTP bearer token names its users freely, and a
        // web session is anyone with a browser: neither proves who a person is.
        if let Some(bad) = self
            .operators()
            .find(|(platform, _)| UNPROVEN_PLATFORMS.contains(platform))
        {
            return Err(ConfigError::Invalid {
                key: "admin.ids",
                reason: format!(
                    "{}:{} cannot be an operator: HTTP and web users are named by a backend or are anonymous sessions; \
                     run admin commands from the console (console:local), Telegram or Discord",
                    bad.0, bad.1
                ),
            });
        }
        Ok(())
    }
}

/// Platforms whose user ids prove nothing about who is writing.
const UNPROVEN_PLATFORMS: [&str; 2] = ["http", "web"];
