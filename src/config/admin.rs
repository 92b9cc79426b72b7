//! `[admin]`: who may run `/admin` commands. The ids stay text here; the
//! pipeline's user keys are made from them in `crate::app`.

use serde::Deserialize;

use super::ConfigError;

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
        self.ids.iter().filter_map(|id| parse_admin_id(id))
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        match self.ids.iter().find(|id| parse_admin_id(id).is_none()) {
            Some(bad) => Err(ConfigError::Invalid {
                key: "admin.ids",
                reason: format!("{bad:?} must be platform:user_id, e.g. telegram:123456"),
            }),
            None => Ok(()),
        }
    }
}

/// `platform:user_id` (split at the first colon), both parts non-empty.
fn parse_admin_id(id: &str) -> Option<(&str, &str)> {
    let (platform, user_id) = id.trim().split_once(':')?;
    (!platform.is_empty() && !user_id.is_empty()).then_some((platform, user_id))
}
