//! The core's commands as Discord slash commands, registered at start.

use serenity::all::{Command as SlashCommand, CreateCommand, Http};

use crate::pipeline::Command;

/// The core commands offered as slash commands. `/start` is left out (Discord
/// has no such convention) and so is `/regen`: 🔄 under a reply rewrites it in place.
pub const SLASH_COMMANDS: [&str; 6] = ["reset", "optout", "optin", "privacy", "export", "help"];

/// The slash command definitions: English descriptions, Korean for Korean clients.
pub(crate) fn definitions() -> Vec<CreateCommand> {
    Command::MENU
        .iter()
        .filter(|(name, _, _)| SLASH_COMMANDS.contains(name))
        .map(|(name, korean, english)| {
            CreateCommand::new(*name)
                .description(*english)
                .description_localized("ko", *korean)
        })
        .collect()
}

/// Replaces the application's global commands with ours; returns how many Discord accepted.
pub(crate) async fn register(http: &Http) -> serenity::Result<usize> {
    SlashCommand::set_global_commands(http, definitions())
        .await
        .map(|registered| registered.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slash_command_is_a_core_command_with_a_valid_description() {
        let definitions = serde_json::to_value(definitions()).unwrap();
        let names: Vec<&str> = definitions
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), SLASH_COMMANDS.len(), "{names:?}");
        for definition in definitions.as_array().unwrap() {
            let name = definition["name"].as_str().unwrap();
            assert!(SLASH_COMMANDS.contains(&name));
            assert!(
                Command::parse(&format!("/{name}"), None)
                    .is_some_and(|c| !matches!(c, Command::Unknown(_))),
                "/{name} is a core command"
            );
            let description = definition["description"].as_str().unwrap();
            assert!((1..=100).contains(&description.chars().count()));
            assert!(definition["description_localizations"]["ko"].is_string());
        }
    }
}
