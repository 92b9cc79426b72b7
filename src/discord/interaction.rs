//! Answering interactions (slash commands and buttons). Discord drops an
//! interaction that is not answered within 3 seconds, so when the work takes
//! longer the answer is deferred first and written when the work is done.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use serenity::all::{
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    EditInteractionResponse, Http, InteractionId,
};
use tracing::{debug, warn};

use super::render::{self, Part};
use super::rest::retrying;
use crate::pipeline::{Outgoing, ReplyKind};

/// How long the work may run before the answer is deferred: well inside
/// Discord's 3 seconds, leaving time for the deferral to reach it.
const DEFER_AFTER: Duration = Duration::from_millis(1500);

/// The interaction being answered.
#[derive(Clone, Copy)]
pub(crate) struct Interaction<'a> {
    pub id: InteractionId,
    pub token: &'a str,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A slash command: answered with a new message, ephemeral when private.
    Command,
    /// A button under a reply: a new reply replaces that message in place;
    /// anything else (a thank-you, a refusal) is shown to the presser only.
    Button,
}

/// How an outcome is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Replace the message the button is on.
    Update,
    /// A new message, `ephemeral` or not.
    New { ephemeral: bool },
}

fn shape(origin: Origin, outgoing: &Outgoing) -> Shape {
    match (origin, outgoing.kind) {
        (Origin::Button, ReplyKind::Conversation) => Shape::Update,
        (Origin::Button, _) => Shape::New { ephemeral: true },
        (Origin::Command, _) => Shape::New {
            ephemeral: outgoing.private,
        },
    }
}

/// An answer Discord did not take, even after the retries.
pub(crate) struct Undelivered {
    pub outgoing: Outgoing,
    pub error: serenity::Error,
}

/// Runs `work` and answers the interaction with its outcome, deferring the
/// answer first when the work is not done within [`DEFER_AFTER`].
pub(crate) async fn answer(
    http: &Http,
    interaction: Interaction<'_>,
    work: impl Future<Output = Outgoing>,
) -> Result<(), Undelivered> {
    let mut work = pin!(work);
    let early = tokio::select! {
        outgoing = &mut work => Some(outgoing),
        () = tokio::time::sleep(DEFER_AFTER) => None,
    };
    let (outgoing, result) = match early {
        Some(outgoing) => {
            let result = respond(http, interaction, &outgoing).await;
            (outgoing, result)
        }
        None => {
            debug!(origin = ?interaction.origin, "deferring a slow interaction");
            if let Err(error) = defer(http, interaction).await {
                warn!(%error, "deferring an interaction failed");
            }
            let outgoing = work.await;
            let result = complete_deferred(http, interaction, &outgoing).await;
            (outgoing, result)
        }
    };
    result.map_err(|error| {
        warn!(%error, origin = ?interaction.origin, "answering an interaction failed");
        Undelivered { outgoing, error }
    })
}

/// Answers at once with `outgoing` (no work to wait for).
pub(crate) async fn answer_now(http: &Http, interaction: Interaction<'_>, outgoing: &Outgoing) {
    if let Err(error) = respond(http, interaction, outgoing).await {
        warn!(%error, origin = ?interaction.origin, "answering an interaction failed");
    }
}

async fn respond(
    http: &Http,
    interaction: Interaction<'_>,
    outgoing: &Outgoing,
) -> serenity::Result<()> {
    let (shape, parts) = shaped_parts(interaction.origin, outgoing);
    let Some((first, rest)) = parts.split_first() else {
        return Ok(());
    };
    let message = response_message(first);
    let response = match shape {
        Shape::Update => CreateInteractionResponse::UpdateMessage(message),
        Shape::New { ephemeral } => {
            CreateInteractionResponse::Message(message.ephemeral(ephemeral))
        }
    };
    http_response(http, interaction, response).await?;
    follow_up(http, interaction, rest, ephemeral_of(shape)).await
}

/// A deferral: "thinking…" for a command (ephemeral: the outcome may be
/// private, and privacy wins over a public answer), a silent acknowledgement
/// for a button.
async fn defer(http: &Http, interaction: Interaction<'_>) -> serenity::Result<()> {
    let response = match interaction.origin {
        Origin::Command => CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().ephemeral(true),
        ),
        Origin::Button => CreateInteractionResponse::Acknowledge,
    };
    http_response(http, interaction, response).await
}

async fn complete_deferred(
    http: &Http,
    interaction: Interaction<'_>,
    outgoing: &Outgoing,
) -> serenity::Result<()> {
    let (shape, parts) = shaped_parts(interaction.origin, outgoing);
    let Some((first, rest)) = parts.split_first() else {
        return Ok(());
    };
    match (interaction.origin, shape) {
        // The deferred "thinking…" message, or the message the button is on, becomes the answer.
        (Origin::Command, _) | (Origin::Button, Shape::Update) => {
            edit_original(http, interaction, first).await?;
            follow_up(
                http,
                interaction,
                rest,
                interaction.origin == Origin::Command,
            )
            .await
        }
        (Origin::Button, Shape::New { ephemeral }) => {
            follow_up(http, interaction, &parts, ephemeral).await
        }
    }
}

/// How `outgoing` answers an interaction from `origin`, and its messages. In
/// an update the buttons stay on the message they were on (the first part).
fn shaped_parts(origin: Origin, outgoing: &Outgoing) -> (Shape, Vec<Part>) {
    let shape = shape(origin, outgoing);
    let mut parts = render::parts(outgoing);
    if shape == Shape::Update && parts.len() > 1 {
        let buttons = parts
            .last_mut()
            .map(|last| std::mem::take(&mut last.buttons))
            .unwrap_or_default();
        parts[0].buttons = buttons;
    }
    (shape, parts)
}

fn ephemeral_of(shape: Shape) -> bool {
    matches!(shape, Shape::New { ephemeral: true })
}

fn response_message(part: &Part) -> CreateInteractionResponseMessage {
    let mut message = CreateInteractionResponseMessage::new()
        .content(part.text.clone())
        .components(part.components());
    if let Some(file) = part.attachment() {
        message = message.add_file(file);
    }
    message
}

async fn edit_original(
    http: &Http,
    interaction: Interaction<'_>,
    part: &Part,
) -> serenity::Result<()> {
    let mut edit = EditInteractionResponse::new()
        .content(part.text.clone())
        .components(part.components());
    if let Some(file) = part.attachment() {
        edit = edit.new_attachment(file);
    }
    http_edit(http, interaction, edit).await
}

async fn follow_up(
    http: &Http,
    interaction: Interaction<'_>,
    parts: &[Part],
    ephemeral: bool,
) -> serenity::Result<()> {
    for part in parts {
        let mut followup = CreateInteractionResponseFollowup::new()
            .content(part.text.clone())
            .components(part.components())
            .ephemeral(ephemeral);
        if let Some(file) = part.attachment() {
            followup = followup.add_file(file);
        }
        retrying("follow up an interaction", || {
            serenity::all::Builder::execute(followup.clone(), http, (None, interaction.token))
        })
        .await?;
    }
    Ok(())
}

async fn http_response(
    http: &Http,
    interaction: Interaction<'_>,
    response: CreateInteractionResponse,
) -> serenity::Result<()> {
    retrying("answer an interaction", || {
        serenity::all::Builder::execute(response.clone(), http, (interaction.id, interaction.token))
    })
    .await
}

async fn http_edit(
    http: &Http,
    interaction: Interaction<'_>,
    edit: EditInteractionResponse,
) -> serenity::Result<()> {
    retrying("edit an interaction's answer", || {
        serenity::all::Builder::execute(edit.clone(), http, interaction.token)
    })
    .await
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Action;

    fn outgoing(kind: ReplyKind, private: bool, text: &str, turn: Option<i64>) -> Outgoing {
        Outgoing {
            kind,
            private,
            ..Outgoing::conversation(text.to_string(), None, turn, None)
        }
    }

    #[test]
    fn a_new_reply_from_a_button_replaces_the_message_others_are_ephemeral() {
        let regenerated = outgoing(ReplyKind::Conversation, false, "새 답장", Some(1));
        assert_eq!(shape(Origin::Button, &regenerated), Shape::Update);
        let refusal = outgoing(
            ReplyKind::Command,
            false,
            "이 버튼은 더 이상 쓸 수 없어.",
            None,
        );
        assert_eq!(
            shape(Origin::Button, &refusal),
            Shape::New { ephemeral: true }
        );
    }

    #[test]
    fn command_answers_are_ephemeral_exactly_when_private() {
        let export = outgoing(ReplyKind::Export, true, "{}", None);
        assert_eq!(
            shape(Origin::Command, &export),
            Shape::New { ephemeral: true }
        );
        let reset = outgoing(ReplyKind::Command, false, "지웠어", None);
        assert_eq!(
            shape(Origin::Command, &reset),
            Shape::New { ephemeral: false }
        );
    }

    #[test]
    fn an_update_keeps_the_buttons_on_the_updated_message() {
        let long = "가나다라 ".repeat(600);
        let regenerated = outgoing(ReplyKind::Conversation, false, &long, Some(4));
        let (_, parts) = shaped_parts(Origin::Button, &regenerated);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].buttons, Action::for_turn(4));
        assert!(parts[1].buttons.is_empty());
    }
}
