//! A fake Telegram Bot API server on loopback.
//!
//! It speaks the Bot API's wire format so the real `teloxide` client can be
//! tested against it: `POST /bot<TOKEN>/<method>` with a JSON or multipart
//! body, answered `{"ok": true, "result": …}` or `{"ok": false, "error_code",
//! "description", "parameters"}`. Method names match case-insensitively
//! (teloxide writes `GetMe`); it never answers 5xx (teloxide sleeps 10 s after
//! one). Like Telegram it refuses what Telegram refuses: an unknown token,
//! text over 4096 UTF-16 units or empty, HTML it can't parse, a reaction
//! outside the allowed set, callback data over 64 bytes, an unchanged edit, a
//! DM to someone who never wrote to the bot, a press answered twice.
//!
//! ```ignore
//! let fake = FakeTelegram::start().await;
//! let asked = fake.private_text(ALICE, "안녕");
//! let reply = fake.wait_for_message(ALICE.id, |m| m.reply_to == Some(asked)).await;
//! ```
//!
//! Users' messages and button presses are queued as updates for `getUpdates`
//! (long polling, honouring `offset` and `timeout`), or built without queuing
//! for a webhook test ([`FakeTelegram::private_text_update`]). What the bot
//! did is recorded: every call ([`State::calls`]), the current state of every
//! message it sent ([`State::messages`]), reactions, documents, press answers.
//! Failures are injected per method with [`FakeTelegram::fail_next`].
#![allow(dead_code)] // each test crate uses a different part of it

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token_for-the-fake";
pub const BOT_ID: i64 = 777_000;
pub const BOT_USERNAME: &str = "maeum_test_bot";
/// How long the `wait_*` helpers wait before failing the test.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);

/// The emoji Telegram lets a bot react with (the Bot API's list).
#[rustfmt::skip]
pub const ALLOWED_REACTIONS: [&str; 73] = [
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩",
    "🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤\u{200d}🔥", "🌚", "🌭", "💯", "🤣", "⚡",
    "🍌", "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻",
    "👨\u{200d}💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅",
    "🤪", "🗿", "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u{200d}♂", "🤷",
    "🤷\u{200d}♀", "😡",
];

/// A Telegram user who writes to the bot.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: i64,
    pub first_name: &'static str,
}

/// One Bot API call as the fake received it.
#[derive(Debug, Clone)]
pub struct Call {
    /// As Telegram spells it: `sendMessage`, `editMessageText`…
    pub method: String,
    pub params: Value,
    pub at: Instant,
    /// The HTTP status answered.
    pub status: u16,
}

/// A message the bot sent, as it stands now.
#[derive(Debug, Clone)]
pub struct BotMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// The text as users see it (HTML tags removed).
    pub text: String,
    /// `HTML` when sent formatted.
    pub parse_mode: Option<String>,
    pub reply_to: Option<i64>,
    /// `(label, callback_data)` of each inline button.
    pub buttons: Vec<(String, String)>,
    pub edits: usize,
}

/// A document the bot sent.
#[derive(Debug, Clone)]
pub struct Document {
    pub chat_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
}

/// How the next call of a method fails.
#[derive(Debug, Clone)]
pub enum Failure {
    /// 429 with `parameters.retry_after`.
    RetryAfter(u64),
    /// Any error status below 500 with a description.
    Status(u16, String),
}

/// Everything the fake knows: see it with [`FakeTelegram::state`] or
/// [`FakeTelegram::wait_until`].
#[derive(Debug, Clone, Default)]
pub struct State {
    pub calls: Vec<Call>,
    /// Keyed by `(chat_id, message_id)`.
    pub messages: BTreeMap<(i64, i64), BotMessage>,
    /// The bot's reaction on each user message, by `(chat_id, message_id)`.
    pub reactions: HashMap<(i64, i64), String>,
    pub documents: Vec<Document>,
    /// Photos sent (`sendPhoto`), as files.
    pub photos: Vec<Document>,
    /// `(callback_query_id, text)` of each answered press.
    pub press_answers: Vec<(String, Option<String>)>,
    /// `setMyCommands` calls: language code ("" for the default) → (command, description).
    pub commands: HashMap<String, Vec<(String, String)>>,
    /// `setWebhook`'s url and secret_token, while a webhook is set.
    pub webhook: Option<(String, String)>,
    pub reject_html: bool,
    pub reactions_disabled: bool,
    updates: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    next_query_id: i64,
    /// Chats seen in users' messages, as Bot API `Chat` objects.
    chats: HashMap<i64, Value>,
    /// Users who wrote to the bot privately: the bot may DM them.
    private_chats: HashSet<i64>,
    open_queries: HashSet<String>,
    failures: HashMap<String, Vec<Failure>>,
}

impl State {
    /// The bot's messages in `chat`, oldest first.
    pub fn messages_in(&self, chat: i64) -> Vec<BotMessage> {
        self.messages
            .values()
            .filter(|m| m.chat_id == chat)
            .cloned()
            .collect()
    }

    /// The calls of `method` (case-insensitive), oldest first.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }
}

struct Shared {
    state: Mutex<State>,
    changed: Notify,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the state and wakes whoever waits for a change.
    fn change<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let result = f(&mut self.state());
        self.changed.notify_waiters();
        result
    }
}

/// A running fake; see the module documentation.
pub struct FakeTelegram {
    /// Give this to the bot as its Bot API address.
    pub api_url: String,
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: super::serve::Served,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                next_update_id: 1,
                next_message_id: 1,
                next_query_id: 1,
                ..State::default()
            }),
            changed: Notify::new(),
        });
        let router = Router::new()
            .route("/{bot}/{method}", post(api_call).get(api_call))
            .with_state(shared.clone());
        let server = super::serve::serve("the fake Telegram", router).await;
        let addr = server.addr;
        FakeTelegram {
            api_url: format!("http://{addr}"),
            addr,
            shared,
            server,
        }
    }

    /// A copy of the state as it is now.
    pub fn state(&self) -> State {
        self.shared.state().clone()
    }

    /// The next `times` calls of `method` fail with `failure`.
    pub fn fail_next(&self, method: &str, failure: Failure, times: usize) {
        self.shared.change(|s| {
            s.failures
                .entry(method.to_lowercase())
                .or_default()
                .extend(std::iter::repeat_n(failure, times))
        });
    }

    /// Refuses every formatted (HTML) text with "can't parse entities".
    pub fn reject_html(&self, reject: bool) {
        self.shared.change(|s| s.reject_html = reject);
    }

    /// Refuses every reaction, as in a chat where reactions are off.
    pub fn disable_reactions(&self, disabled: bool) {
        self.shared.change(|s| s.reactions_disabled = disabled);
    }

    /// `from` writes `text` to the bot privately; returns the message id.
    pub fn private_text(&self, from: Person, text: &str) -> i64 {
        let (update, id) = self.private_text_update(from, text);
        self.queue(update);
        id
    }

    /// The update for a private text message, not queued (for webhooks).
    pub fn private_text_update(&self, from: Person, text: &str) -> (Value, i64) {
        let (update, id) = self.user_message(private_chat(from), from, json!({"text": text}));
        (self.numbered(update), id)
    }

    /// `from` writes in a group; `entities` as the Bot API gives them,
    /// `reply_to` a message of the bot's it answers.
    pub fn group_text(
        &self,
        group: i64,
        from: Person,
        text: &str,
        entities: Value,
        reply_to: Option<i64>,
    ) -> i64 {
        let mut fields = json!({"text": text, "entities": entities});
        if let Some(replied) = reply_to {
            let state = self.shared.state();
            let original = state
                .messages
                .get(&(group, replied))
                .expect("replying to a message the bot sent");
            fields["reply_to_message"] = message_json(&state, original);
        }
        let chat = json!({"id": group, "type": "supergroup", "title": "마음 테스트 그룹"});
        let (update, id) = self.user_message(chat, from, fields);
        self.queue(update);
        id
    }

    /// `from` sends a sticker privately.
    pub fn private_sticker(&self, from: Person) -> i64 {
        let sticker = json!({"sticker": {
            "file_id": "CAACAgIAAxkBAAI", "file_unique_id": "AgADcw", "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "😢",
        }});
        let (update, id) = self.user_message(private_chat(from), from, sticker);
        self.queue(update);
        id
    }

    /// `from` edits their private message `message_id` to `text`.
    pub fn edit_private_text(&self, from: Person, message_id: i64, text: &str) {
        let message = json!({
            "message_id": message_id, "date": unix_now() - 5, "edit_date": unix_now(),
            "chat": private_chat(from), "from": person_json(from), "text": text,
        });
        self.queue(json!({"edited_message": message}));
    }

    /// `from` presses a button with `data` under the bot's message; returns the query id.
    pub fn press(&self, from: Person, chat: i64, message_id: i64, data: &str) -> String {
        let (query, id) = self.shared.change(|s| {
            let id = format!("cq-{}", s.next_query_id);
            s.next_query_id += 1;
            s.open_queries.insert(id.clone());
            let message = s
                .messages
                .get(&(chat, message_id))
                .map(|m| message_json(s, m))
                .expect("pressing a button under a message the bot sent");
            let query = json!({
                "id": id, "from": person_json(from), "message": message,
                "chat_instance": format!("ci{chat}"), "data": data,
            });
            (query, id)
        });
        self.queue(json!({"callback_query": query}));
        id
    }

    /// Waits until `check` finds what it looks for in the state.
    pub async fn wait_until<T>(&self, what: &str, check: impl Fn(&State) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(found) = check(&self.shared.state()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                let calls: Vec<_> = self
                    .state()
                    .calls
                    .iter()
                    .map(|c| format!("{} {} {}", c.status, c.method, c.params))
                    .collect();
                panic!(
                    "waited {WAIT_LIMIT:?} for {what}; the bot's calls:\n{}",
                    calls.join("\n")
                );
            }
        }
    }

    /// Waits for a message of the bot's in `chat` that satisfies `check`.
    pub async fn wait_for_message(
        &self,
        chat: i64,
        check: impl Fn(&BotMessage) -> bool,
    ) -> BotMessage {
        self.wait_until(&format!("a message in chat {chat}"), |s| {
            s.messages_in(chat).into_iter().find(|m| check(m))
        })
        .await
    }

    /// Waits until the bot has answered the press `query`; returns the notice.
    pub async fn wait_for_press_answer(&self, query: &str) -> Option<String> {
        self.wait_until(&format!("an answer to press {query}"), |s| {
            s.press_answers
                .iter()
                .find(|(id, _)| id == query)
                .map(|(_, text)| text.clone())
        })
        .await
    }

    /// Waits until the bot is polling for updates.
    pub async fn wait_for_polling(&self) {
        self.wait_until("getUpdates", |s| {
            (!s.calls_of("getUpdates").is_empty()).then_some(())
        })
        .await;
    }

    /// Queues an update for `getUpdates`, numbering it if it is not yet.
    fn queue(&self, update: Value) {
        let update = self.numbered(update);
        self.shared.change(|s| s.updates.push(update));
    }

    fn numbered(&self, mut update: Value) -> Value {
        if update.get("update_id").is_none() {
            self.shared.change(|s| {
                update["update_id"] = json!(s.next_update_id);
                s.next_update_id += 1;
            });
        }
        update
    }

    fn user_message(&self, chat: Value, from: Person, fields: Value) -> (Value, i64) {
        self.shared.change(|s| {
            let id = s.next_message_id;
            s.next_message_id += 1;
            let chat_id = chat["id"].as_i64().expect("a chat id");
            if chat["type"] == "private" {
                s.private_chats.insert(chat_id);
            }
            s.chats.insert(chat_id, chat.clone());
            let mut message = json!({
                "message_id": id, "date": unix_now(), "chat": chat, "from": person_json(from),
            });
            if let (Some(message), Some(fields)) = (message.as_object_mut(), fields.as_object()) {
                message.extend(fields.clone());
            }
            (json!({"message": message}), id)
        })
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn person_json(person: Person) -> Value {
    json!({"id": person.id, "is_bot": false, "first_name": person.first_name, "language_code": "ko"})
}

fn private_chat(person: Person) -> Value {
    json!({"id": person.id, "type": "private", "first_name": person.first_name})
}

fn bot_user_json() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "마음", "username": BOT_USERNAME})
}

fn chat_json(state: &State, chat: i64) -> Value {
    state.chats.get(&chat).cloned().unwrap_or_else(|| {
        if chat > 0 {
            json!({"id": chat, "type": "private", "first_name": "user"})
        } else {
            json!({"id": chat, "type": "supergroup", "title": "group"})
        }
    })
}

/// A bot message as the Bot API returns it.
fn message_json(state: &State, message: &BotMessage) -> Value {
    let mut json = json!({
        "message_id": message.message_id, "date": unix_now(), "chat": chat_json(state, message.chat_id),
        "from": bot_user_json(), "text": message.text,
    });
    if message.edits > 0 {
        json["edit_date"] = json!(unix_now());
    }
    if !message.buttons.is_empty() {
        json["reply_markup"] = keyboard_json(&message.buttons);
    }
    json
}

fn keyboard_json(buttons: &[(String, String)]) -> Value {
    let row: Vec<Value> = buttons
        .iter()
        .map(|(text, data)| json!({"text": text, "callback_data": data}))
        .collect();
    json!({"inline_keyboard": [row]})
}

/// A Bot API error.
struct ApiError {
    status: u16,
    description: String,
    retry_after: Option<u64>,
}

impl ApiError {
    fn bad_request(description: &str) -> ApiError {
        ApiError {
            status: 400,
            description: format!("Bad Request: {description}"),
            retry_after: None,
        }
    }
}

type ApiResult = Result<Value, ApiError>;

async fn api_call(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = parse_params(&headers, &body);
    let method_key = method.to_lowercase();
    let result = if bot != format!("bot{TOKEN}") {
        Err(ApiError {
            status: 401,
            description: "Unauthorized".into(),
            retry_after: None,
        })
    } else if method_key == "getupdates" {
        // Recorded on arrival: a long poll may wait a while before it answers.
        let arrived = Ok(json!([]));
        shared.change(|state| record(state, &method_key, &params, &arrived));
        get_updates(&shared, &params.fields).await
    } else {
        // Answered and recorded at once, so a test that sees the effect sees the call.
        shared.change(|state| {
            let result = match take_failure(state, &method_key) {
                Some(error) => Err(error),
                None => answer(state, &method_key, &params),
            };
            record(state, &method_key, &params, &result);
            result
        })
    };
    if bot != format!("bot{TOKEN}") {
        shared.change(|state| record(state, &method_key, &params, &result));
    }
    let (status, body) = match result {
        Ok(result) => (200, json!({"ok": true, "result": result})),
        Err(error) => {
            let mut body = json!({
                "ok": false, "error_code": error.status, "description": error.description,
            });
            if let Some(seconds) = error.retry_after {
                body["parameters"] = json!({"retry_after": seconds});
            }
            (error.status, body)
        }
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn record(state: &mut State, method: &str, params: &Params, result: &ApiResult) {
    state.calls.push(Call {
        method: canonical_name(method),
        params: params.fields.clone(),
        at: Instant::now(),
        status: result.as_ref().map_or_else(|e| e.status, |_| 200),
    });
}

fn take_failure(state: &mut State, method: &str) -> Option<ApiError> {
    let queue = state.failures.get_mut(method)?;
    if queue.is_empty() {
        return None;
    }
    Some(match queue.remove(0) {
        Failure::RetryAfter(seconds) => ApiError {
            status: 429,
            description: format!("Too Many Requests: retry after {seconds}"),
            retry_after: Some(seconds),
        },
        Failure::Status(status, description) => ApiError {
            status: status.min(499),
            description,
            retry_after: None,
        },
    })
}

/// The Bot API's spelling of a method, for readable records.
fn canonical_name(lowercase: &str) -> String {
    const NAMES: [&str; 17] = [
        "getMe",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "sendMessage",
        "editMessageText",
        "sendChatAction",
        "setMessageReaction",
        "answerCallbackQuery",
        "sendDocument",
        "sendPhoto",
        "deleteMessage",
        "editMessageReplyMarkup",
        "getChat",
        "close",
    ];
    NAMES
        .iter()
        .find(|name| name.eq_ignore_ascii_case(lowercase))
        .map_or_else(|| lowercase.to_string(), |name| name.to_string())
}

struct Params {
    fields: Value,
    /// Multipart file parts: field name → (file name, bytes).
    files: HashMap<String, (String, Vec<u8>)>,
}

fn parse_params(headers: &HeaderMap, body: &[u8]) -> Params {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    {
        return parse_multipart(body, boundary.trim_matches('"'));
    }
    Params {
        fields: serde_json::from_slice(body).unwrap_or_else(|_| json!({})),
        files: HashMap::new(),
    }
}

/// A small `multipart/form-data` reader: text fields (JSON-decoded when they
/// are JSON, as teloxide encodes nested values) and file parts.
fn parse_multipart(body: &[u8], boundary: &str) -> Params {
    let delimiter = format!("--{boundary}");
    let mut fields = serde_json::Map::new();
    let mut files = HashMap::new();
    for section in split_bytes(body, delimiter.as_bytes()) {
        let section = section.strip_prefix(b"\r\n").unwrap_or(section);
        let Some(split) = find(section, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&section[..split]).to_string();
        let mut content = &section[split + 4..];
        content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let attribute = |name: &str| {
            head.split(';')
                .map(str::trim)
                .find_map(|a| a.strip_prefix(&format!("{name}=")))
                .map(|v| v.trim_matches('"').to_string())
        };
        let Some(name) = attribute("name") else {
            continue;
        };
        match attribute("filename") {
            Some(file_name) => {
                files.insert(name, (file_name, content.to_vec()));
            }
            None => {
                let text = String::from_utf8_lossy(content).to_string();
                let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                fields.insert(name, value);
            }
        }
    }
    Params {
        fields: Value::Object(fields),
        files,
    }
}

fn split_bytes<'a>(haystack: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = haystack;
    while let Some(at) = find(rest, needle) {
        parts.push(&rest[..at]);
        rest = &rest[at + needle.len()..];
    }
    parts.push(rest);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Long polling: confirms updates below `offset`, then returns those left,
/// waiting up to `timeout` seconds for one.
async fn get_updates(shared: &Shared, params: &Value) -> ApiResult {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let changed = shared.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let pending: Vec<Value> = {
            let mut state = shared.state();
            if offset > 0 {
                state
                    .updates
                    .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            }
            state.updates.iter().take(limit).cloned().collect()
        };
        if !pending.is_empty() || tokio::time::timeout_at(deadline, changed).await.is_err() {
            return Ok(Value::Array(pending));
        }
    }
}

/// Every method but `getUpdates`.
fn answer(state: &mut State, method: &str, params: &Params) -> ApiResult {
    let fields = &params.fields;
    match method {
        "getme" => Ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "마음", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "deletewebhook" => {
            state.webhook = None;
            Ok(json!(true))
        }
        "setwebhook" => {
            let url = fields["url"].as_str().unwrap_or_default().to_string();
            let secret = fields["secret_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            state.webhook = Some((url, secret));
            Ok(json!(true))
        }
        "getwebhookinfo" => Ok(json!({
            "url": state.webhook.as_ref().map(|(url, _)| url.clone()).unwrap_or_default(),
            "has_custom_certificate": false, "pending_update_count": 0,
        })),
        "setmycommands" => {
            let language = fields["language_code"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let commands = fields["commands"]
                .as_array()
                .ok_or_else(|| ApiError::bad_request("commands must be an array"))?
                .iter()
                .map(|c| (str_of(&c["command"]), str_of(&c["description"])))
                .collect();
            state.commands.insert(language, commands);
            Ok(json!(true))
        }
        "sendchataction" => {
            chat_must_be_known(state, fields)?;
            Ok(json!(true))
        }
        "setmessagereaction" => set_reaction(state, fields),
        "sendmessage" => send_message(state, fields),
        "editmessagetext" => edit_message(state, fields),
        "answercallbackquery" => {
            let id = str_of(&fields["callback_query_id"]);
            if !state.open_queries.remove(&id) {
                return Err(ApiError::bad_request(
                    "query is too old and response timeout expired or query ID is invalid",
                ));
            }
            let text = fields["text"].as_str().map(str::to_string);
            if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
                return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
            }
            state.press_answers.push((id, text));
            Ok(json!(true))
        }
        "senddocument" => send_document(state, params),
        "sendphoto" => send_photo(state, params),
        _ => Err(ApiError {
            status: 404,
            description: "Not Found: method not found".into(),
            retry_after: None,
        }),
    }
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The chat a call addresses, refused like Telegram refuses it.
fn chat_must_be_known(state: &State, fields: &Value) -> Result<i64, ApiError> {
    let chat = fields["chat_id"]
        .as_i64()
        .or_else(|| fields["chat_id"].as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| ApiError::bad_request("chat_id is empty"))?;
    if chat > 0 && !state.private_chats.contains(&chat) {
        return Err(ApiError {
            status: 403,
            description: "Forbidden: bot can't initiate conversation with a user".into(),
            retry_after: None,
        });
    }
    if !state.chats.contains_key(&chat) {
        return Err(ApiError::bad_request("chat not found"));
    }
    Ok(chat)
}

/// The text users see, or Telegram's refusal: HTML is checked for tags it
/// knows and entities it can read, length in UTF-16 units after parsing.
fn shown_text(state: &State, fields: &Value) -> Result<(String, Option<String>), ApiError> {
    let raw = fields["text"].as_str().unwrap_or_default();
    let parse_mode = fields["parse_mode"].as_str().map(str::to_string);
    let text = match parse_mode.as_deref() {
        None => raw.to_string(),
        Some("HTML") if state.reject_html => {
            return Err(ApiError::bad_request(
                "can't parse entities: Unsupported start tag \"i\" at byte offset 0",
            ));
        }
        Some("HTML") => strip_html(raw)
            .map_err(|why| ApiError::bad_request(&format!("can't parse entities: {why}")))?,
        Some(other) => {
            return Err(ApiError::bad_request(&format!(
                "unsupported parse_mode {other}"
            )));
        }
    };
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    if text.encode_utf16().count() > 4096 {
        return Err(ApiError::bad_request("message is too long"));
    }
    Ok((text, parse_mode))
}

/// HTML → the text Telegram shows; only the tags the bot may use are known.
fn strip_html(html: &str) -> Result<String, String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            let end = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[1..end];
            if !matches!(
                tag,
                "i" | "/i" | "b" | "/b" | "code" | "/code" | "pre" | "/pre"
            ) {
                return Err(format!("Unsupported start tag \"{tag}\""));
            }
            rest = &rest[end + 1..];
        } else {
            let end = rest.find(';').ok_or("unterminated entity")?;
            text.push(match &rest[..=end] {
                "&lt;" => '<',
                "&gt;" => '>',
                "&amp;" => '&',
                "&quot;" => '"',
                other => return Err(format!("Unknown entity {other}")),
            });
            rest = &rest[end + 1..];
        }
    }
    text.push_str(rest);
    Ok(text)
}

fn buttons_of(fields: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let mut buttons = Vec::new();
    for row in fields["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for button in row.as_array().into_iter().flatten() {
            let data = str_of(&button["callback_data"]);
            if data.is_empty() || data.len() > 64 {
                return Err(ApiError::bad_request("BUTTON_DATA_INVALID"));
            }
            buttons.push((str_of(&button["text"]), data));
        }
    }
    Ok(buttons)
}

fn send_message(state: &mut State, fields: &Value) -> ApiResult {
    let chat = chat_must_be_known(state, fields)?;
    let (text, parse_mode) = shown_text(state, fields)?;
    let buttons = buttons_of(fields)?;
    let id = state.next_message_id;
    state.next_message_id += 1;
    let message = BotMessage {
        chat_id: chat,
        message_id: id,
        text,
        parse_mode,
        reply_to: fields["reply_parameters"]["message_id"].as_i64(),
        buttons,
        edits: 0,
    };
    let json = message_json(state, &message);
    state.messages.insert((chat, id), message);
    Ok(json)
}

fn edit_message(state: &mut State, fields: &Value) -> ApiResult {
    let chat = chat_must_be_known(state, fields)?;
    let id = fields["message_id"].as_i64().unwrap_or_default();
    let (text, parse_mode) = shown_text(state, fields)?;
    // Without reply_markup the keyboard goes, as on Telegram.
    let buttons = buttons_of(fields)?;
    let message = state
        .messages
        .get_mut(&(chat, id))
        .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
    if message.text == text && message.buttons == buttons && message.parse_mode == parse_mode {
        return Err(ApiError::bad_request(
            "message is not modified: specified new message content and reply markup are exactly \
             the same as a current content and reply markup of the message",
        ));
    }
    message.text = text;
    message.parse_mode = parse_mode;
    message.buttons = buttons;
    message.edits += 1;
    let message = message.clone();
    Ok(message_json(state, &message))
}

fn set_reaction(state: &mut State, fields: &Value) -> ApiResult {
    let chat = chat_must_be_known(state, fields)?;
    if state.reactions_disabled {
        return Err(ApiError::bad_request("REACTION_INVALID"));
    }
    let id = fields["message_id"].as_i64().unwrap_or_default();
    let reactions = fields["reaction"].as_array().cloned().unwrap_or_default();
    if reactions.len() > 1 {
        return Err(ApiError::bad_request("REACTIONS_TOO_MANY"));
    }
    match reactions.first() {
        None => {
            state.reactions.remove(&(chat, id));
        }
        Some(reaction) => {
            let emoji = str_of(&reaction["emoji"]);
            if reaction["type"] != "emoji" || !ALLOWED_REACTIONS.contains(&emoji.as_str()) {
                return Err(ApiError::bad_request("REACTION_INVALID"));
            }
            state.reactions.insert((chat, id), emoji);
        }
    }
    Ok(json!(true))
}

/// The file a multipart request sends as `field`: its own part, named by the
/// field or by an `attach://<part>` reference in it.
fn file_of(params: &Params, field: &str) -> Result<(String, Vec<u8>), ApiError> {
    let part = match params.fields[field].as_str() {
        Some(reference) => reference.strip_prefix("attach://").unwrap_or(reference),
        None => field,
    };
    params
        .files
        .get(part)
        .cloned()
        .ok_or_else(|| ApiError::bad_request(&format!("there is no {field} in the request")))
}

/// `sendPhoto` with an uploaded file (a PNG here); answered as Telegram
/// does, with the photo's sizes.
fn send_photo(state: &mut State, params: &Params) -> ApiResult {
    let chat = chat_must_be_known(state, &params.fields)?;
    let (file_name, bytes) = file_of(params, "photo")?;
    let caption = params.fields["caption"].as_str().map(str::to_string);
    let id = state.next_message_id;
    state.next_message_id += 1;
    let size = bytes.len();
    state.photos.push(Document {
        chat_id: chat,
        file_name,
        bytes,
        caption: caption.clone(),
    });
    let mut message = json!({
        "message_id": id, "date": unix_now(), "chat": chat_json(state, chat), "from": bot_user_json(),
        "photo": [{"file_id": format!("photo{id}"), "file_unique_id": format!("p{id}"),
                   "width": 480, "height": 240, "file_size": size}],
    });
    if let Some(caption) = caption {
        message["caption"] = json!(caption);
    }
    Ok(message)
}

fn send_document(state: &mut State, params: &Params) -> ApiResult {
    let chat = chat_must_be_known(state, &params.fields)?;
    let (file_name, bytes) = file_of(params, "document")?;
    let caption = params.fields["caption"].as_str().map(str::to_string);
    let id = state.next_message_id;
    state.next_message_id += 1;
    let size = bytes.len();
    state.documents.push(Document {
        chat_id: chat,
        file_name: file_name.clone(),
        bytes,
        caption: caption.clone(),
    });
    let mut message = json!({
        "message_id": id, "date": unix_now(), "chat": chat_json(state, chat), "from": bot_user_json(),
        "document": {"file_id": format!("doc{id}"), "file_unique_id": format!("u{id}"),
                     "file_name": file_name, "mime_type": "application/json", "file_size": size},
    });
    if let Some(caption) = caption {
        message["caption"] = json!(caption);
    }
    Ok(message)
}
