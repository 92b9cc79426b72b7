//! The core's commands as Discord slash commands, registered at start.

use serenity::all::{
    Command as SlashCommand, CommandOptionType, CreateCommand, CreateCommandOption, Http,
};

use crate::pipeline::Command;

/// The core commands offered as slash commands. `/start` is left out (Discord
/// has no such convention) and so is `/regen`: 🔄 under a reply rewrites it in place.
pub const SLASH_COMMANDS: [&str; 8] = [
    "reset", "optout", "optin", "accept", "privacy", "export", "mood", "help",
];

/// `/admin <args>`: the core's admin command with its arguments as one text
/// option (`stats 7`, `clear chat`). Anyone may invoke it; the pipeline refuses
/// everyone but operators and, for their own server, its administrators.
pub const ADMIN_COMMAND: &str = "admin";
/// The name of `/admin`'s text option.
pub const ADMIN_ARGS_OPTION: &str = "args";

/// The slash command definitions: English descriptions, Korean for Korean clients.
pub(crate) fn definitions() -> Vec<CreateCommand> {
    let mut definitions: Vec<CreateCommand> = Command::MENU
        .iter()
        .filter(|(name, _, _)| SLASH_COMMANDS.contains(name))
        .map(|(name, korean, english)| {
            CreateCommand::new(*name)
                .description(*english)
                .description_localized("ko", *korean)
        })
        .collect();
    definitions.push(
        CreateCommand::new(ADMIN_COMMAND)
            .description("Admin: statistics, clearing a user's or this channel's history")
            .description_localized("ko", "관리자: 통계, 사용자·채널 대화 지우기")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    ADMIN_ARGS_OPTION,
                    "e.g. `stats 7`, `clear chat`, `clear user discord 123`",
                )
                .required(true),
            ),
    );
    definitions
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
        assert_eq!(names.len(), SLASH_COMMANDS.len() + 1, "{names:?}");
        for definition in definitions.as_array().unwrap() {
            let name = definition["name"].as_str().unwrap();
            assert!(SLASH_COMMANDS.contains(&name) || name == ADMIN_COMMAND);
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
