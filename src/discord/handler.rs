//! The serenity event handler: each event is translated, given to the
//! pipeline, and its answer rendered back. Events run concurrently (serenity
//! spawns a task for each); the pipeline keeps one user's turns in order.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serenity::all::{
    CommandInteraction, ComponentInteraction, Context, EventHandler, Interaction, Message, Ready,
    ResumedEvent,
};
use serenity::async_trait;
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::in_flight::InFlight;
use super::interaction::{self, Origin, Undelivered};
use super::translate::{self, Translated};
use super::{commands, deliver};
use crate::pipeline::{Outgoing, Pipeline, ReplyEvent, texts};
use crate::store::UserKey;

pub(crate) struct Handler {
    pipeline: Arc<Pipeline>,
    in_flight: InFlight,
    /// Only one process of a sharded bot registers the commands: the one running shard 0.
    registers_commands: bool,
    commands_registered: AtomicBool,
}

impl Handler {
    pub(crate) fn new(pipeline: Arc<Pipeline>, in_flight: InFlight, shard_id: u32) -> Handler {
        Handler {
            pipeline,
            in_flight,
            registers_commands: shard_id == 0,
            commands_registered: AtomicBool::new(false),
        }
    }

    async fn register_commands(&self, ctx: &Context) {
        if !self.registers_commands || self.commands_registered.swap(true, Ordering::SeqCst) {
            return;
        }
        match commands::register(&ctx.http).await {
            Ok(count) => info!(count, "slash commands registered"),
            Err(error) => {
                // Tried again on the next READY; messages work meanwhile.
                self.commands_registered.store(false, Ordering::SeqCst);
                warn!(%error, "registering slash commands failed");
            }
        }
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) {
        let me = ctx.cache.current_user().id;
        let incoming = match translate::message(msg, me) {
            Translated::Ignored => return,
            Translated::NonText => {
                deliver::reply_text(&ctx.http, msg, texts::non_text_message()).await;
                return;
            }
            Translated::Message(incoming) => incoming,
        };
        let typing = msg.channel_id.start_typing(&ctx.http);
        // The emotion is shown as a reaction as soon as it is read, before the reply is written.
        let (events, mut received) = mpsc::channel(16);
        let reactions = {
            let (http, channel, message) = (ctx.http.clone(), msg.channel_id, msg.id);
            tokio::spawn(async move {
                while let Some(event) = received.recv().await {
                    if let ReplyEvent::Emotion(emotion) = event {
                        deliver::react(&http, channel, message, emotion.label.emoji).await;
                    }
                }
            })
        };
        let user = incoming.user();
        let outgoing = self.pipeline.handle_streaming(incoming, Some(events)).await;
        if let Err(error) = reactions.await {
            warn!(%error, "the reaction task failed");
        }
        typing.stop();
        if let Some(outgoing) = outgoing
            && let Err(error) = deliver::reply(&ctx.http, msg, &outgoing).await
        {
            let error = error.to_string();
            self.pipeline
                .delivery_failed(&user, &outgoing, &error)
                .await;
        }
    }

    async fn on_command(&self, ctx: &Context, command: &CommandInteraction) {
        let incoming = translate::slash_command(command);
        let user = incoming.user();
        let target = interaction::Interaction {
            id: command.id,
            token: &command.token,
            origin: Origin::Command,
        };
        let work = async {
            // Every slash command is a command to the pipeline, so there is always an answer.
            self.pipeline
                .handle(incoming)
                .await
                .unwrap_or_else(|| Outgoing::command(texts::unknown_command(&command.data.name)))
        };
        let answered = interaction::answer(&ctx.http, target, work).await;
        self.report_undelivered(&user, answered).await;
    }

    /// Tells the pipeline about an answer Discord did not take.
    async fn report_undelivered(&self, user: &UserKey, answered: Result<(), Undelivered>) {
        if let Err(Undelivered { outgoing, error }) = answered {
            let error = error.to_string();
            self.pipeline.delivery_failed(user, &outgoing, &error).await;
        }
    }

    async fn on_button(&self, ctx: &Context, press: &ComponentInteraction) {
        let target = interaction::Interaction {
            id: press.id,
            token: &press.token,
            origin: Origin::Button,
        };
        match translate::button(press) {
            (user, Some(action)) => {
                let work = self.pipeline.act(&user, action, None);
                let answered = interaction::answer(&ctx.http, target, work).await;
                self.report_undelivered(&user, answered).await;
            }
            (_, None) => {
                interaction::answer_now(
                    &ctx.http,
                    target,
                    &Outgoing::command(texts::stale_action()),
                )
                .await
            }
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        info!(
            bot = %ready.user.name,
            shard = ?ready.shard.map(|s| (s.id.0, s.total)),
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
        self.register_commands(&ctx).await;
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        info!("Discord gateway session resumed");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let Some(_working) = self.in_flight.enter() else {
            return;
        };
        self.on_message(&ctx, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Some(_working) = self.in_flight.enter() else {
            return;
        };
        match &interaction {
            Interaction::Command(command) => self.on_command(&ctx, command).await,
            Interaction::Component(press) => self.on_button(&ctx, press).await,
            _ => {}
        }
    }
}
