//! A fake Discord on loopback, for the real `serenity` client.
//!
//! REST (`http://127.0.0.1:PORT/api/v10/…`, given to the bot as its proxy):
//! `GET /gateway` (and `/gateway/bot`) answer the gateway's address;
//! `GET /oauth2/applications/@me` the application (its flags say whether the
//! MESSAGE_CONTENT intent is enabled); `PUT /applications/{app}/commands`,
//! `POST /channels/{c}/typing`, `PUT /channels/{c}/messages/{m}/reactions/{e}/@me`,
//! `POST /channels/{c}/messages`, `POST /users/@me/channels` (a DM channel),
//! `POST /interactions/{id}/{token}/callback`,
//! `PATCH /webhooks/{app}/{token}/messages/@original` and
//! `POST /webhooks/{app}/{token}` (follow-ups), with JSON or multipart
//! (`payload_json` + `files[n]`) bodies. Anything else is a 404 with
//! Discord's error body; a call without `Authorization: Bot test-token` a 401.
//! Every call is recorded.
//!
//! Gateway (`ws://127.0.0.1:PORT2`, plain-text JSON frames): HELLO (op 10) on
//! connect; IDENTIFY (op 2) → READY (or close 4004 for a wrong token);
//! RESUME (op 6) → RESUMED; HEARTBEAT
//! (op 1) → HEARTBEAT_ACK (op 11); dispatches (op 0) with sequence numbers.
//! Events sent while no session is connected wait for the next one, as
//! Discord replays missed events on resume.
//!
//! The fake keeps a small world — messages (the users' and the bot's, edits
//! applied), reactions, interactions and their answers, gateway sessions —
//! that tests read with [`FakeDiscord::world`] or wait on with
//! [`FakeDiscord::wait_for`].
#![allow(dead_code)] // each test crate uses a different part of it

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::serve::{Served, bind, serve};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// The bot token the fake accepts (REST: `Authorization: Bot test-token`).
pub const TOKEN: &str = "test-token";
/// The bot's user id, and its application's id.
pub const BOT_ID: u64 = 1000;
pub const APPLICATION_ID: u64 = 1001;
pub const BOT_NAME: &str = "maeum";
/// The one server (guild) of the fake.
pub const GUILD_ID: u64 = 7000;
/// Application flag GATEWAY_MESSAGE_CONTENT_LIMITED: the toggle in the developer portal.
pub const FLAG_MESSAGE_CONTENT_LIMITED: u64 = 1 << 19;
/// Gateway intent MESSAGE_CONTENT.
pub const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;
/// Message flag EPHEMERAL.
pub const EPHEMERAL: u64 = 1 << 6;
/// Interaction callback types.
pub const CALLBACK_MESSAGE: u64 = 4;
pub const CALLBACK_DEFERRED_MESSAGE: u64 = 5;
pub const CALLBACK_DEFERRED_UPDATE: u64 = 6;
pub const CALLBACK_UPDATE: u64 = 7;

/// How long [`FakeDiscord::wait_for`] waits before failing the test.
const WAIT_LIMIT: Duration = Duration::from_secs(30);
const TIMESTAMP: &str = "2025-01-01T00:00:00.000000+00:00";

#[derive(Debug, Clone, PartialEq)]
pub struct FakeUser {
    pub id: u64,
    pub name: String,
    pub bot: bool,
}

impl FakeUser {
    pub fn new(id: u64, name: &str) -> FakeUser {
        FakeUser {
            id,
            name: name.to_string(),
            bot: false,
        }
    }

    pub fn bot() -> FakeUser {
        FakeUser {
            id: BOT_ID,
            name: BOT_NAME.to_string(),
            bot: true,
        }
    }

    fn json(&self) -> Value {
        json!({"id": self.id.to_string(), "username": self.name, "discriminator": "0",
               "global_name": self.name, "avatar": null, "bot": self.bot})
    }
}

/// A button, or an option of a string select menu (then `menu` is the
/// menu's custom id and `custom_id` the option's value).
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub label: String,
    pub custom_id: String,
    pub menu: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FakeFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A message in the fake, as users would see it now (edits applied).
#[derive(Debug, Clone)]
pub struct FakeMessage {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author: FakeUser,
    pub content: String,
    pub buttons: Vec<Button>,
    pub files: Vec<FakeFile>,
    pub ephemeral: bool,
    /// The message this one replies to.
    pub reply_to: Option<u64>,
    pub mentions_bot: bool,
    /// How many times it was edited.
    pub edits: usize,
    /// A deferred interaction answer not written yet ("thinking…").
    pub deferred: bool,
}

impl FakeMessage {
    fn json(&self, world: &World) -> Value {
        let mut value = json!({
            "id": self.id.to_string(), "channel_id": self.channel_id.to_string(),
            "author": self.author.json(), "content": self.content, "timestamp": TIMESTAMP,
            "edited_timestamp": if self.edits > 0 { Value::from(TIMESTAMP) } else { Value::Null },
            "tts": false, "mention_everyone": false,
            "mentions": if self.mentions_bot { json!([FakeUser::bot().json()]) } else { json!([]) },
            "mention_roles": [], "embeds": [], "pinned": false,
            "type": if self.reply_to.is_some() { 19 } else { 0 },
            "flags": if self.ephemeral { EPHEMERAL } else { 0 },
            "attachments": self.files.iter().enumerate().map(|(i, f)| json!({
                "id": (self.id * 10 + i as u64).to_string(), "filename": f.name, "size": f.bytes.len(),
                "url": format!("https://cdn.invalid/{}", f.name), "proxy_url": format!("https://cdn.invalid/{}", f.name),
            })).collect::<Vec<_>>(),
            "components": components_json(&self.buttons),
        });
        if let Some(guild) = self.guild_id {
            value["guild_id"] = json!(guild.to_string());
            if !self.author.bot {
                value["member"] = json!({"roles": [], "joined_at": TIMESTAMP, "deaf": false,
                                         "mute": false, "nick": null});
            }
        }
        if let Some(replied) = self.reply_to {
            value["message_reference"] = json!({"message_id": replied.to_string(),
                "channel_id": self.channel_id.to_string()});
            if let Some(original) = world.message(replied) {
                let mut original = original.clone();
                original.reply_to = None;
                value["referenced_message"] = original.json(world);
            }
        }
        value
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    pub channel_id: u64,
    pub message_id: u64,
    pub emoji: String,
}

/// One REST request as the fake received it.
#[derive(Debug, Clone)]
pub struct RestCall {
    pub method: String,
    /// Without `/api/v10`, percent-decoded.
    pub path: String,
    /// The JSON body (for multipart, its `payload_json`); `Null` when none.
    pub body: Value,
    pub authorization: Option<String>,
    pub at: Instant,
}

/// How a gateway session started.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionStart {
    Identify { intents: u64, shard: (u64, u64) },
    Resume { session_id: String, seq: u64 },
}

/// An interaction the fake dispatched, and how the bot answered it.
#[derive(Debug, Clone)]
pub struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub user: FakeUser,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// The message a pressed button is on.
    pub button_message: Option<u64>,
    pub dispatched_at: Instant,
    /// Callback types (4, 5, 6, 7) with when each arrived.
    pub callbacks: Vec<(u64, Instant)>,
    /// The response message: a new one (4, 5) or the button's message (6, 7).
    pub original: Option<u64>,
    pub followups: Vec<u64>,
    /// The answer is visible: a message (4), an update (7), an edit of the
    /// original after a deferral, or a follow-up.
    pub answered: bool,
}

#[derive(Debug, Default)]
pub struct World {
    pub messages: Vec<FakeMessage>,
    pub reactions: Vec<Reaction>,
    pub interactions: Vec<InteractionRecord>,
    pub calls: Vec<RestCall>,
    pub sessions: Vec<SessionStart>,
    pub connections: usize,
    pub heartbeats: usize,
    /// Close codes the bot sent on the gateway.
    pub close_codes: Vec<u16>,
    /// The bodies of `PUT /applications/{app}/commands`.
    pub command_registrations: Vec<Value>,
    /// Channels the bot showed "typing…" in.
    pub typing: Vec<u64>,
    /// Calls answered 429 (see [`FakeDiscord::rate_limit_next`]).
    pub rate_limited: Vec<RestCall>,
    rate_limits: Vec<RateLimit>,
}

/// The next `remaining` calls of `method` on a path ending in `path_end`
/// are answered 429, asking for `retry_after` seconds.
#[derive(Debug, Clone)]
struct RateLimit {
    method: String,
    path_end: String,
    remaining: usize,
    retry_after: f64,
}

impl World {
    pub fn message(&self, id: u64) -> Option<&FakeMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The bot's messages in a channel that everyone sees, oldest first.
    pub fn bot_messages_in(&self, channel: u64) -> Vec<FakeMessage> {
        self.messages
            .iter()
            .filter(|m| m.channel_id == channel && m.author.bot && !m.ephemeral)
            .cloned()
            .collect()
    }

    pub fn reactions_on(&self, message: u64) -> Vec<String> {
        self.reactions
            .iter()
            .filter(|r| r.message_id == message)
            .map(|r| r.emoji.clone())
            .collect()
    }

    pub fn interaction(&self, token: &str) -> Option<&InteractionRecord> {
        self.interactions.iter().find(|i| i.token == token)
    }

    fn interaction_mut(&mut self, token: &str) -> Option<&mut InteractionRecord> {
        self.interactions.iter_mut().find(|i| i.token == token)
    }

    fn message_mut(&mut self, id: u64) -> Option<&mut FakeMessage> {
        self.messages.iter_mut().find(|m| m.id == id)
    }
}

/// What the visible answer to an interaction is.
#[derive(Debug, Clone)]
pub struct Answer {
    pub callbacks: Vec<u64>,
    /// The answer's message: the original response once written, else the first follow-up.
    pub message: FakeMessage,
    pub followups: Vec<FakeMessage>,
    pub record: InteractionRecord,
}

#[derive(Debug, Clone)]
pub struct FakeDiscordOptions {
    /// The application's flags (`GET /oauth2/applications/@me`, READY).
    pub application_flags: u64,
    pub heartbeat_interval: Duration,
}

impl Default for FakeDiscordOptions {
    fn default() -> Self {
        FakeDiscordOptions {
            application_flags: 0,
            heartbeat_interval: Duration::from_secs(2),
        }
    }
}

enum Outbound {
    Dispatch { event: String, data: Value },
    Drop,
}

struct Connection {
    id: usize,
    sender: mpsc::UnboundedSender<Outbound>,
}

struct Shared {
    world: Mutex<World>,
    changed: watch::Sender<()>,
    next_id: AtomicU64,
    options: FakeDiscordOptions,
    gateway_url: String,
    /// The session the bot is connected with, if any.
    connection: Mutex<Option<Connection>>,
    /// Dispatches waiting for a session.
    pending: Mutex<Vec<Outbound>>,
    seq: AtomicU64,
}

impl Shared {
    fn update<T>(&self, change: impl FnOnce(&mut World) -> T) -> T {
        let result = change(&mut lock(&self.world));
        self.changed.send_replace(());
        result
    }

    fn id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::SeqCst)
    }

    fn dispatch(&self, event: &str, data: Value) {
        let outbound = Outbound::Dispatch {
            event: event.to_string(),
            data,
        };
        let connection = lock(&self.connection);
        let unsent = match connection.as_ref() {
            Some(connection) => connection.sender.send(outbound).err().map(|e| e.0),
            None => Some(outbound),
        };
        if let Some(outbound) = unsent {
            lock(&self.pending).push(outbound);
        }
    }
}

/// A running fake; see the module documentation.
pub struct FakeDiscord {
    /// The REST address to give the bot as `discord.proxy_url`.
    pub rest_url: String,
    pub gateway_url: String,
    shared: Arc<Shared>,
    servers: [Served; 2],
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        FakeDiscord::start_with(FakeDiscordOptions::default()).await
    }

    pub async fn start_with(options: FakeDiscordOptions) -> FakeDiscord {
        let gateway = bind("the fake Discord gateway").await;
        let gateway_addr: SocketAddr = gateway.local_addr().expect("its address");
        let shared = Arc::new(Shared {
            world: Mutex::new(World::default()),
            changed: watch::Sender::new(()),
            next_id: AtomicU64::new(10_000_000),
            options,
            gateway_url: format!("ws://{gateway_addr}"),
            connection: Mutex::new(None),
            pending: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
        });
        let router = Router::new().fallback(rest_call).with_state(shared.clone());
        let rest = serve("the fake Discord REST API", router).await;
        let gateway = {
            let shared = shared.clone();
            Served::spawn(gateway, |gateway| async move {
                while let Ok((stream, _)) = gateway.accept().await {
                    tokio::spawn(serve_gateway(shared.clone(), stream));
                }
            })
        };
        FakeDiscord {
            rest_url: format!("http://{}", rest.addr),
            gateway_url: shared.gateway_url.clone(),
            shared,
            servers: [rest, gateway],
        }
    }

    /// Answers the next `times` calls of `method` whose path ends in
    /// `path_end` (e.g. `"POST"`, `"/messages"`) with Discord's 429: the
    /// `Retry-After` and `X-RateLimit-*` headers and the JSON body with
    /// `retry_after` in seconds.
    pub fn rate_limit_next(&self, method: &str, path_end: &str, times: usize, retry_after: f64) {
        self.shared.update(|w| {
            w.rate_limits.push(RateLimit {
                method: method.to_string(),
                path_end: path_end.to_string(),
                remaining: times,
                retry_after,
            })
        });
    }

    /// Reads the world as it is now.
    pub fn world<T>(&self, read: impl FnOnce(&World) -> T) -> T {
        read(&lock(&self.shared.world))
    }

    /// Waits until `found` finds something in the world; fails the test
    /// naming `what` after [`WAIT_LIMIT`].
    pub async fn wait_for<T>(&self, what: &str, found: impl Fn(&World) -> Option<T>) -> T {
        let mut changed = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        loop {
            changed.borrow_and_update();
            if let Some(value) = found(&lock(&self.shared.world)) {
                return value;
            }
            if tokio::time::timeout_at(deadline, changed.changed())
                .await
                .is_err()
            {
                let world = lock(&self.shared.world);
                panic!(
                    "timed out waiting for {what}; the fake saw REST calls {:#?}\nsessions {:?}",
                    world
                        .calls
                        .iter()
                        .map(|c| format!("{} {} {}", c.method, c.path, c.body))
                        .collect::<Vec<_>>(),
                    world.sessions
                );
            }
        }
    }

    /// Waits for the `n`th gateway session (IDENTIFY or RESUME) to be answered.
    pub async fn wait_session(&self, n: usize) -> SessionStart {
        self.wait_for(&format!("gateway session {n}"), |w| {
            w.sessions.get(n - 1).cloned()
        })
        .await
    }

    /// The DM channel between the bot and `user`.
    pub fn dm_channel(user: &FakeUser) -> u64 {
        500_000 + user.id
    }

    /// `user` writes `text` to the bot in a DM; returns the message id.
    pub fn dm(&self, user: &FakeUser, text: &str) -> u64 {
        self.user_message(FakeDiscord::dm_channel(user), None, user, text, false, None)
    }

    /// `user` writes `text` in a server channel, mentioning the bot (`<@id> text`) or not.
    pub fn guild_message(&self, channel: u64, user: &FakeUser, text: &str, mention: bool) -> u64 {
        let content = if mention {
            format!("<@{BOT_ID}> {text}")
        } else {
            text.to_string()
        };
        self.user_message(channel, Some(GUILD_ID), user, &content, mention, None)
    }

    /// `user` replies to `message` in a server channel, without mentioning the bot.
    pub fn guild_reply(&self, channel: u64, user: &FakeUser, text: &str, message: u64) -> u64 {
        self.user_message(channel, Some(GUILD_ID), user, text, false, Some(message))
    }

    fn user_message(
        &self,
        channel: u64,
        guild: Option<u64>,
        user: &FakeUser,
        content: &str,
        mentions_bot: bool,
        reply_to: Option<u64>,
    ) -> u64 {
        let message = FakeMessage {
            id: self.shared.id(),
            channel_id: channel,
            guild_id: guild,
            author: user.clone(),
            content: content.to_string(),
            buttons: Vec::new(),
            files: Vec::new(),
            ephemeral: false,
            reply_to,
            mentions_bot,
            edits: 0,
            deferred: false,
        };
        let id = message.id;
        let data = self.shared.update(|world| {
            world.messages.push(message.clone());
            message.json(world)
        });
        self.shared.dispatch("MESSAGE_CREATE", data);
        id
    }

    /// `user` runs `/name` in `channel` (a server channel when `in_guild`); returns the interaction token.
    pub fn slash(&self, user: &FakeUser, channel: u64, in_guild: bool, name: &str) -> String {
        let data = json!({"id": self.shared.id().to_string(), "name": name, "type": 1});
        self.interaction(
            2,
            user,
            channel,
            in_guild.then_some(GUILD_ID),
            data,
            None,
            None,
        )
    }

    /// `user` runs `/admin <args>` in the server channel `channel`, as one of the
    /// server's administrators when `server_admin` (the member's permissions then
    /// include ADMINISTRATOR); returns the interaction token.
    pub fn admin_slash(
        &self,
        user: &FakeUser,
        channel: u64,
        args: &str,
        server_admin: bool,
    ) -> String {
        let data = json!({"id": self.shared.id().to_string(), "name": "admin", "type": 1,
            "options": [{"name": "args", "type": 3, "value": args}]});
        let permissions = if server_admin { "8" } else { "0" };
        self.interaction(
            2,
            user,
            channel,
            Some(GUILD_ID),
            data,
            None,
            Some(permissions),
        )
    }

    /// `user` presses the button `custom_id` under `message` — or, for a
    /// select menu's option, chooses it (`custom_id` is then the option's
    /// value); returns the interaction token.
    pub fn press(&self, user: &FakeUser, message: u64, custom_id: &str) -> String {
        let (channel, guild, menu) = self.world(|w| {
            let m = w
                .message(message)
                .expect("pressing a button on a known message");
            let menu = m
                .buttons
                .iter()
                .find(|b| b.custom_id == custom_id)
                .and_then(|b| b.menu.clone());
            (m.channel_id, m.guild_id, menu)
        });
        let data = match menu {
            Some(menu) => json!({"custom_id": menu, "component_type": 3, "values": [custom_id]}),
            None => json!({"custom_id": custom_id, "component_type": 2}),
        };
        self.interaction(3, user, channel, guild, data, Some(message), None)
    }

    // One place builds every interaction payload; the arguments are its fields.
    #[allow(clippy::too_many_arguments)]
    fn interaction(
        &self,
        kind: u64,
        user: &FakeUser,
        channel: u64,
        guild: Option<u64>,
        data: Value,
        button_message: Option<u64>,
        member_permissions: Option<&str>,
    ) -> String {
        let id = self.shared.id();
        let token = format!("token-{id}");
        let mut payload = json!({
            "id": id.to_string(), "application_id": APPLICATION_ID.to_string(), "type": kind,
            "data": data, "channel_id": channel.to_string(), "token": token, "version": 1,
            "locale": "ko", "entitlements": [], "attachment_size_limit": 10_485_760,
        });
        match guild {
            Some(guild) => {
                payload["guild_id"] = json!(guild.to_string());
                payload["member"] = json!({"user": user.json(), "roles": [], "joined_at": TIMESTAMP,
                    "deaf": false, "mute": false, "flags": 0, "nick": null});
                if let Some(permissions) = member_permissions {
                    payload["member"]["permissions"] = json!(permissions);
                }
                payload["context"] = json!(0);
            }
            None => {
                payload["user"] = user.json();
                payload["context"] = json!(1);
            }
        }
        self.shared.update(|world| {
            if let Some(message) = button_message.and_then(|m| world.message(m)) {
                payload["message"] = message.json(world);
            }
            world.interactions.push(InteractionRecord {
                id,
                token: token.clone(),
                user: user.clone(),
                channel_id: channel,
                guild_id: guild,
                button_message,
                dispatched_at: Instant::now(),
                callbacks: Vec::new(),
                original: None,
                followups: Vec::new(),
                answered: false,
            });
        });
        self.shared.dispatch("INTERACTION_CREATE", payload);
        token
    }

    /// Waits for the bot's `count`th visible message in `channel`; returns them all.
    pub async fn wait_bot_messages(&self, channel: u64, count: usize) -> Vec<FakeMessage> {
        self.wait_for(
            &format!("{count} bot message(s) in channel {channel}"),
            |w| {
                let messages = w.bot_messages_in(channel);
                (messages.len() >= count).then_some(messages)
            },
        )
        .await
    }

    /// Waits for the bot's reaction on `message`.
    pub async fn wait_reaction(&self, message: u64) -> String {
        self.wait_for(&format!("a reaction on message {message}"), |w| {
            w.reactions_on(message).first().cloned()
        })
        .await
    }

    /// Waits until the interaction `token` has a visible answer.
    pub async fn wait_answer(&self, token: &str) -> Answer {
        self.wait_for(&format!("the answer to interaction {token}"), |w| {
            let record = w.interaction(token)?;
            if !record.answered {
                return None;
            }
            let followups: Vec<FakeMessage> = record
                .followups
                .iter()
                .filter_map(|id| w.message(*id).cloned())
                .collect();
            let original = record
                .original
                .and_then(|id| w.message(id))
                .filter(|m| !m.deferred)
                .cloned();
            let deferred_update = record
                .callbacks
                .iter()
                .all(|(kind, _)| *kind == CALLBACK_DEFERRED_UPDATE);
            let message = match original {
                // After a silent acknowledgement the original is only the answer once edited.
                Some(original) if !deferred_update || original.edits > 0 => original,
                _ => followups.first().cloned()?,
            };
            Some(Answer {
                callbacks: record.callbacks.iter().map(|(kind, _)| *kind).collect(),
                message,
                followups,
                record: record.clone(),
            })
        })
        .await
    }

    /// Drops the gateway connection without a close frame, as a network failure would.
    pub fn disconnect(&self) {
        if let Some(connection) = lock(&self.shared.connection).take() {
            let _ = connection.sender.send(Outbound::Drop);
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for server in &self.servers {
            server.shutdown();
        }
        self.disconnect();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------- gateway

async fn serve_gateway(shared: Arc<Shared>, stream: TcpStream) {
    let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = socket.split();
    let (sender, mut outbound) = mpsc::unbounded_channel();
    let connection_id = shared.update(|w| {
        w.connections += 1;
        w.connections
    });
    let interval = shared.options.heartbeat_interval.as_millis() as u64;
    if send(
        &mut sink,
        json!({"op": 10, "d": {"heartbeat_interval": interval}}),
    )
    .await
    .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            frame = source.next() => match frame {
                Some(Ok(Frame::Text(text))) => {
                    let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                    let started = match payload["op"].as_u64() {
                        Some(1) => {
                            shared.update(|w| w.heartbeats += 1);
                            if send(&mut sink, json!({"op": 11})).await.is_err() { break }
                            continue;
                        }
                        Some(2) => {
                            let token = payload["d"]["token"].as_str().unwrap_or_default();
                            if token.trim_start_matches("Bot ") != TOKEN {
                                // Discord's "Authentication failed".
                                let close = CloseFrame { code: 4004.into(), reason: "Authentication failed.".into() };
                                let _ = sink.send(Frame::Close(Some(close))).await;
                                break;
                            }
                            let shard = &payload["d"]["shard"];
                            shared.seq.store(0, Ordering::SeqCst);
                            let start = SessionStart::Identify {
                                intents: payload["d"]["intents"].as_u64().unwrap_or_default(),
                                shard: (shard[0].as_u64().unwrap_or_default(), shard[1].as_u64().unwrap_or(1)),
                            };
                            let ready = json!({
                                "v": 10, "user": bot_user_json(), "guilds": [],
                                "session_id": format!("session-{connection_id}"),
                                "resume_gateway_url": shared.gateway_url,
                                "shard": [start_shard(&start).0, start_shard(&start).1],
                                "application": {"id": APPLICATION_ID.to_string(),
                                                "flags": shared.options.application_flags},
                            });
                            (start, "READY", ready)
                        }
                        Some(6) => {
                            let start = SessionStart::Resume {
                                session_id: payload["d"]["session_id"].as_str().unwrap_or_default().to_string(),
                                seq: payload["d"]["seq"].as_u64().unwrap_or_default(),
                            };
                            (start, "RESUMED", json!({}))
                        }
                        _ => continue,
                    };
                    let (start, event, data) = started;
                    if dispatch(&shared, &mut sink, event, data).await.is_err() { break }
                    {
                        // Events that waited for a session go first, in order.
                        let mut connection = lock(&shared.connection);
                        for outbound in std::mem::take(&mut *lock(&shared.pending)) {
                            let _ = sender.send(outbound);
                        }
                        *connection = Some(Connection { id: connection_id, sender: sender.clone() });
                    }
                    shared.update(|w| w.sessions.push(start));
                }
                Some(Ok(Frame::Close(frame))) => {
                    let code = frame.map(|f| u16::from(f.code)).unwrap_or(1005);
                    shared.update(|w| w.close_codes.push(code));
                    let _ = sink.close().await;
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            next = outbound.recv() => match next {
                Some(Outbound::Dispatch { event, data }) => {
                    if dispatch(&shared, &mut sink, &event, data).await.is_err() { break }
                }
                Some(Outbound::Drop) | None => break,
            },
        }
    }
    let mut connection = lock(&shared.connection);
    if connection.as_ref().is_some_and(|c| c.id == connection_id) {
        *connection = None;
    }
}

fn start_shard(start: &SessionStart) -> (u64, u64) {
    match start {
        SessionStart::Identify { shard, .. } => *shard,
        SessionStart::Resume { .. } => (0, 1),
    }
}

type Sink = futures::stream::SplitSink<tokio_tungstenite::WebSocketStream<TcpStream>, Frame>;

async fn send(sink: &mut Sink, payload: Value) -> Result<(), ()> {
    sink.send(Frame::Text(payload.to_string()))
        .await
        .map_err(drop)
}

async fn dispatch(shared: &Shared, sink: &mut Sink, event: &str, data: Value) -> Result<(), ()> {
    let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
    send(sink, json!({"op": 0, "s": seq, "t": event, "d": data})).await
}

fn bot_user_json() -> Value {
    let mut user = FakeUser::bot().json();
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    user["flags"] = json!(0);
    user
}

// ---------------------------------------------------------------- REST

async fn rest_call(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/api/v10").unwrap_or(uri.path());
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let (json_body, files) = parse_body(&headers, &body);
    let call = RestCall {
        method: method.to_string(),
        path: format!("/{}", segments.join("/")),
        body: json_body.clone(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        at: Instant::now(),
    };
    shared.update(|w| w.calls.push(call.clone()));
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if authorization != Some(&format!("Bot {TOKEN}")) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "401: Unauthorized", "code": 0})),
        )
            .into_response();
    }
    if let Some(limited) = shared.update(|w| take_rate_limit(w, call)) {
        return limited;
    }
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": shared.gateway_url})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": shared.gateway_url, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"]) => ok(json!({
            "id": APPLICATION_ID.to_string(), "name": BOT_NAME, "icon": null, "description": "",
            "bot_public": true, "bot_require_code_grant": false, "verify_key": "0",
            "flags": shared.options.application_flags, "team": null, "owner": FakeUser::bot().json(),
        })),
        ("GET", ["users", "@me"]) => ok(bot_user_json()),
        ("PUT", ["applications", _, "commands"]) => {
            shared.update(|w| w.command_registrations.push(json_body.clone()));
            let registered: Vec<Value> = json_body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut command| {
                    command["id"] = json!(shared.id().to_string());
                    command["application_id"] = json!(APPLICATION_ID.to_string());
                    command["version"] = json!("1");
                    command["type"] = command.get("type").cloned().unwrap_or(json!(1));
                    command["default_member_permissions"] = Value::Null;
                    command
                })
                .collect();
            ok(Value::Array(registered))
        }
        ("POST", ["channels", channel, "typing"]) => {
            let channel = parse_id(channel);
            shared.update(|w| w.typing.push(channel));
            no_content()
        }
        (
            "PUT",
            [
                "channels",
                channel,
                "messages",
                message,
                "reactions",
                emoji,
                "@me",
            ],
        ) => {
            let reaction = Reaction {
                channel_id: parse_id(channel),
                message_id: parse_id(message),
                emoji: emoji.to_string(),
            };
            let known = shared.update(|w| {
                let known = w.message(reaction.message_id).is_some();
                if known {
                    w.reactions.push(reaction);
                }
                known
            });
            if known {
                no_content()
            } else {
                not_found("Unknown Message", 10008)
            }
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel = parse_id(channel);
            let guild = shared.world_guild_of(channel);
            let message = bot_message(&shared, channel, guild, &json_body, files);
            ok(shared.update(|w| {
                w.messages.push(message.clone());
                message.json(w)
            }))
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = json_body["recipient_id"]
                .as_str()
                .map(parse_id)
                .or_else(|| json_body["recipient_id"].as_u64())
                .unwrap_or_default();
            let user = FakeUser::new(recipient, &format!("user{recipient}"));
            ok(json!({
                "id": FakeDiscord::dm_channel(&user).to_string(), "type": 1,
                "last_message_id": null, "recipients": [user.json()],
            }))
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            interaction_callback(&shared, token, &json_body, files)
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            edit_original(&shared, token, &json_body, files)
        }
        ("POST", ["webhooks", _, token]) => followup(&shared, token, &json_body, files),
        _ => not_found("404: Not Found", 0),
    }
}

impl Shared {
    /// The server a channel belongs to, from the messages seen in it.
    fn world_guild_of(&self, channel: u64) -> Option<u64> {
        lock(&self.world)
            .messages
            .iter()
            .find(|m| m.channel_id == channel)
            .and_then(|m| m.guild_id)
    }
}

fn bot_message(
    shared: &Shared,
    channel: u64,
    guild: Option<u64>,
    body: &Value,
    files: Vec<FakeFile>,
) -> FakeMessage {
    FakeMessage {
        id: shared.id(),
        channel_id: channel,
        guild_id: guild,
        author: FakeUser::bot(),
        content: body["content"].as_str().unwrap_or_default().to_string(),
        buttons: buttons_of(body),
        files,
        ephemeral: body["flags"].as_u64().unwrap_or_default() & EPHEMERAL != 0,
        reply_to: body["message_reference"]["message_id"]
            .as_str()
            .map(parse_id)
            .or_else(|| body["message_reference"]["message_id"].as_u64()),
        mentions_bot: false,
        edits: 0,
        deferred: false,
    }
}

fn buttons_of(body: &Value) -> Vec<Button> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .flat_map(|component| match component["type"].as_u64() {
            // A string select menu: its options.
            Some(3) => component["options"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|option| Button {
                    label: text(&option["label"]),
                    custom_id: text(&option["value"]),
                    menu: Some(text(&component["custom_id"])),
                })
                .collect::<Vec<_>>(),
            _ => vec![Button {
                label: text(&component["label"]),
                custom_id: text(&component["custom_id"]),
                menu: None,
            }],
        })
        .collect()
}

/// A message's components as Discord sends them: the buttons in one row, a
/// select menu's options in a row of their own.
fn components_json(buttons: &[Button]) -> Value {
    let mut rows = Vec::new();
    let plain: Vec<Value> = buttons
        .iter()
        .filter(|b| b.menu.is_none())
        .map(|b| json!({"type": 2, "style": 2, "label": b.label, "custom_id": b.custom_id}))
        .collect();
    if !plain.is_empty() {
        rows.push(json!({"type": 1, "components": plain}));
    }
    let mut menus: Vec<&str> = buttons.iter().filter_map(|b| b.menu.as_deref()).collect();
    menus.dedup();
    for menu in menus {
        let options: Vec<Value> = buttons
            .iter()
            .filter(|b| b.menu.as_deref() == Some(menu))
            .map(|b| json!({"label": b.label, "value": b.custom_id}))
            .collect();
        rows.push(json!({"type": 1, "components": [
            {"type": 3, "custom_id": menu, "options": options, "min_values": 1, "max_values": 1}
        ]}));
    }
    Value::Array(rows)
}

/// Applies an edit (content, components, new files) to a message.
fn apply_edit(message: &mut FakeMessage, body: &Value, files: Vec<FakeFile>) {
    if let Some(content) = body["content"].as_str() {
        message.content = content.to_string();
    }
    if body.get("components").is_some() {
        message.buttons = buttons_of(body);
    }
    message.files.extend(files);
    message.edits += 1;
    message.deferred = false;
}

fn interaction_callback(
    shared: &Shared,
    token: &str,
    body: &Value,
    files: Vec<FakeFile>,
) -> Response {
    let kind = body["type"].as_u64().unwrap_or_default();
    let data = &body["data"];
    let answered = shared.update(|w| {
        let Some(record) = w.interaction(token).cloned() else {
            return false;
        };
        let original = match kind {
            CALLBACK_MESSAGE | CALLBACK_DEFERRED_MESSAGE => {
                let mut message =
                    bot_message(shared, record.channel_id, record.guild_id, data, files);
                message.deferred = kind == CALLBACK_DEFERRED_MESSAGE;
                let id = message.id;
                w.messages.push(message);
                Some(id)
            }
            CALLBACK_DEFERRED_UPDATE => record.button_message,
            CALLBACK_UPDATE => {
                if let Some(message) = record.button_message.and_then(|id| w.message_mut(id)) {
                    apply_edit(message, data, files);
                }
                record.button_message
            }
            _ => None,
        };
        if let Some(record) = w.interaction_mut(token) {
            record.callbacks.push((kind, Instant::now()));
            record.original = original;
            record.answered = matches!(kind, CALLBACK_MESSAGE | CALLBACK_UPDATE);
        }
        true
    });
    if answered {
        no_content()
    } else {
        not_found("Unknown interaction", 10062)
    }
}

fn edit_original(shared: &Shared, token: &str, body: &Value, files: Vec<FakeFile>) -> Response {
    let edited = shared.update(|w| {
        let original = w.interaction(token)?.original?;
        apply_edit(w.message_mut(original)?, body, files);
        if let Some(record) = w.interaction_mut(token) {
            record.answered = true;
        }
        let message = w.message(original)?.clone();
        Some(message.json(w))
    });
    match edited {
        Some(message) => ok(message),
        None => not_found("Unknown Message", 10008),
    }
}

fn followup(shared: &Shared, token: &str, body: &Value, files: Vec<FakeFile>) -> Response {
    let created = shared.update(|w| {
        let record = w.interaction(token)?.clone();
        let message = bot_message(shared, record.channel_id, record.guild_id, body, files);
        let json = message.json(w);
        if let Some(record) = w.interaction_mut(token) {
            record.followups.push(message.id);
            record.answered = true;
        }
        w.messages.push(message);
        Some(json)
    });
    match created {
        Some(message) => ok(message),
        None => not_found("Unknown Webhook", 10015),
    }
}

/// A 429 for `call`, if a rate limit set for it remains.
fn take_rate_limit(world: &mut World, call: RestCall) -> Option<Response> {
    let limit = world.rate_limits.iter_mut().find(|limit| {
        limit.remaining > 0 && limit.method == call.method && call.path.ends_with(&limit.path_end)
    })?;
    limit.remaining -= 1;
    let retry_after = limit.retry_after;
    world.rate_limited.push(call);
    let body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": false});
    Some(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [
                ("retry-after", retry_after.to_string()),
                ("x-ratelimit-limit", "5".to_string()),
                ("x-ratelimit-remaining", "0".to_string()),
                ("x-ratelimit-reset-after", retry_after.to_string()),
                ("x-ratelimit-bucket", "fake-bucket".to_string()),
                ("x-ratelimit-scope", "user".to_string()),
            ],
            axum::Json(body),
        )
            .into_response(),
    )
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn not_found(message: &str, code: u64) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": message, "code": code})),
    )
        .into_response()
}

fn parse_id(text: &str) -> u64 {
    text.parse().unwrap_or_default()
}

/// `%F0%9F%98%A2` → `😢`.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok());
        if bytes[i] == b'%'
            && let Some(byte) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body, or for `multipart/form-data` its `payload_json` and files.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> (Value, Vec<FakeFile>) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    else {
        return (
            serde_json::from_slice(body).unwrap_or(Value::Null),
            Vec::new(),
        );
    };
    let boundary = boundary.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = Vec::new();
    for part in split_bytes(body, delimiter.as_bytes()) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let disposition = head
            .lines()
            .find(|line| {
                line.to_ascii_lowercase()
                    .starts_with("content-disposition:")
            })
            .unwrap_or_default();
        let field = |name: &str| {
            disposition
                .split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{name}=")))
                .map(|v| v.trim_matches('"').to_string())
        };
        match (field("name").as_deref(), field("filename")) {
            (Some("payload_json"), _) => {
                payload = serde_json::from_slice(content).unwrap_or(Value::Null);
            }
            (_, Some(name)) => files.push(FakeFile {
                name,
                bytes: content.to_vec(),
            }),
            _ => {}
        }
    }
    (payload, files)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn split_bytes<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(bytes, delimiter) {
        parts.push(&bytes[..at]);
        bytes = &bytes[at + delimiter.len()..];
    }
    parts.push(bytes);
    parts
}
