//! A reply as server-sent events: `emotion` (the emotion read), `delta` (each
//! piece of the reply as it is written), then `done` with the whole reply as
//! `/v1/chat` would answer it.

use std::convert::Infallible;
use std::future::Future;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde_json::json;
use tokio::sync::mpsc;

use super::wire::ChatResponse;
use crate::emotion::EmotionJson;
use crate::pipeline::{ChunkSender, Outgoing, ReplyEvent};

/// Runs `work` (a turn with a chunk sender) in its own task, so a client that
/// goes away does not cut the turn short, and streams what it sends.
pub(super) fn reply_events<F, Fut>(work: F) -> Sse<impl Stream<Item = Result<Event, Infallible>>>
where
    F: FnOnce(ChunkSender) -> Fut + Send + 'static,
    Fut: Future<Output = Option<Outgoing>> + Send + 'static,
{
    let (chunks, mut pieces) = mpsc::channel::<ReplyEvent>(64);
    let (events, received) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        let forward = async {
            while let Some(piece) = pieces.recv().await {
                // The client may have gone away; the turn goes on regardless.
                let _ = events.send(event_of(piece)).await;
            }
        };
        let (outgoing, ()) = tokio::join!(work(chunks), forward);
        let done = match outgoing {
            Some(outgoing) => Event::default()
                .event("done")
                .json_data(ChatResponse::from(outgoing)),
            None => Event::default()
                .event("error")
                .json_data(json!({ "error": "no reply was made" })),
        };
        if let Ok(done) = done {
            let _ = events.send(done).await;
        }
    });
    let stream = futures::stream::unfold(received, |mut received| async move {
        received
            .recv()
            .await
            .map(|event| (Ok::<_, Infallible>(event), received))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn event_of(piece: ReplyEvent) -> Event {
    let data = match &piece {
        ReplyEvent::Emotion(emotion) => serde_json::to_string(&EmotionJson::from(emotion)),
        ReplyEvent::Text(text) => serde_json::to_string(&json!({ "text": text })),
    };
    let name = match piece {
        ReplyEvent::Emotion(_) => "emotion",
        ReplyEvent::Text(_) => "delta",
    };
    // Serialising plain data cannot fail.
    Event::default().event(name).data(data.unwrap_or_default())
}
