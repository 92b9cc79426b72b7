//! The terminal chat adapter (`maeum chat`): lines from stdin become messages
//! of one local user; replies stream to stdout with the emotion tag.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::emotion::Emotion;
use crate::pipeline::{Incoming, Outgoing, Pipeline, ReplyEvent, ReplyKind};
use crate::store::UserKey;

pub const PLATFORM: &str = "console";

/// Who is talking in the terminal.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub user_id: String,
    pub display_name: Option<String>,
}

impl Default for ConsoleUser {
    fn default() -> Self {
        ConsoleUser {
            user_id: "local".to_string(),
            display_name: None,
        }
    }
}

/// The tag printed before a reply: `[😢 #우울한 · 슬픔]`, or `[😢 #슬픔]`
/// when only the group is sure enough to say. No percentage: a number
/// looks like certainty the reading does not have.
pub fn emotion_tag(emotion: &Emotion) -> String {
    format!("[{} {}]", emotion.label.emoji, emotion.label.tag())
}

/// Chats until end of input or `/quit`. Lines that are not valid UTF-8 get a
/// message and are skipped; the chat goes on.
pub async fn run<R, W>(
    pipeline: &Pipeline,
    user: ConsoleUser,
    input: R,
    mut output: W,
) -> io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = input;
    let mut line = Vec::new();
    output
        .write_all("마음과 대화를 시작해. /help 로 명령을 보고, /quit 으로 끝내.\n".as_bytes())
        .await?;
    // Before anything is stored, the privacy notice; `/accept` answers it.
    if let Some(notice) = pipeline
        .consent_notice(&UserKey::new(PLATFORM, &user.user_id))
        .await
    {
        output
            .write_all(format!("마음> {}\n", notice.text()).as_bytes())
            .await?;
    }
    loop {
        output.write_all("너> ".as_bytes()).await?;
        output.flush().await?;
        line.clear();
        if input.read_until(b'\n', &mut line).await? == 0 {
            output.write_all("\n".as_bytes()).await?;
            break;
        }
        let text = match std::str::from_utf8(&line) {
            Ok(text) => text.trim_end_matches(['\n', '\r']).to_string(),
            Err(_) => {
                output
                    .write_all("마음> 그 줄은 UTF-8 글자가 아니라서 읽을 수 없었어. 다시 써 줄래? (input was not valid UTF-8)\n".as_bytes())
                    .await?;
                continue;
            }
        };
        if matches!(text.trim(), "/quit" | "/exit") {
            break;
        }
        let message = Incoming {
            display_name: user.display_name.clone(),
            ..Incoming::private(PLATFORM, &user.user_id, &text)
        };
        exchange(pipeline, message, &mut output).await?;
    }
    output.flush().await
}

/// Sends one message and prints the reply as it streams in.
async fn exchange<W: AsyncWrite + Unpin>(
    pipeline: &Pipeline,
    message: Incoming,
    output: &mut W,
) -> io::Result<()> {
    let (events, mut received) = mpsc::channel(64);
    let handling = pipeline.handle_streaming(message, Some(events));
    tokio::pin!(handling);
    let mut streamed = String::new();
    let mut started = false;
    let outgoing: Option<Outgoing> = loop {
        tokio::select! {
            outgoing = &mut handling => break outgoing,
            Some(event) = received.recv() => {
                print_event(output, event, &mut started, &mut streamed).await?;
            }
        }
    };
    // Events sent just before the pipeline finished.
    while let Ok(event) = received.try_recv() {
        print_event(output, event, &mut started, &mut streamed).await?;
    }
    let Some(outgoing) = outgoing else {
        return Ok(());
    };
    if !streamed.is_empty() {
        // The reply streamed; print the parts that come with it (notes, crisis
        // resources, the notice), and the reply itself when it is not what
        // streamed (the apology after a stream that broke off).
        output.write_all(b"\n").await?;
        let rest = Outgoing {
            body: if outgoing.body == streamed {
                String::new()
            } else {
                outgoing.body.clone()
            },
            ..outgoing
        }
        .text();
        if !rest.trim().is_empty() {
            output
                .write_all(format!("{}\n", rest.trim()).as_bytes())
                .await?;
        }
        return output.flush().await;
    }
    if !started {
        output.write_all("마음> ".as_bytes()).await?;
        if let Some(emotion) = &outgoing.emotion {
            output
                .write_all(format!("{} ", emotion_tag(emotion)).as_bytes())
                .await?;
        }
    }
    if outgoing.kind == ReplyKind::Export {
        output.write_all(b"\n").await?;
    }
    output.write_all(outgoing.text().as_bytes()).await?;
    output.write_all(b"\n").await?;
    output.flush().await
}

async fn print_event<W: AsyncWrite + Unpin>(
    output: &mut W,
    event: ReplyEvent,
    started: &mut bool,
    streamed: &mut String,
) -> io::Result<()> {
    if !*started {
        output.write_all("마음> ".as_bytes()).await?;
        *started = true;
    }
    match event {
        ReplyEvent::Emotion(emotion) => {
            output
                .write_all(format!("{} ", emotion_tag(&emotion)).as_bytes())
                .await?;
        }
        ReplyEvent::Text(piece) => {
            output.write_all(piece.as_bytes()).await?;
            streamed.push_str(&piece);
        }
    }
    output.flush().await
}
