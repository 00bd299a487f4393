//! The sandbox control routes every emulator has (no API key): `GET /sandbox/{gateway}/events`
//! lists the events it can emit on demand, `POST /sandbox/{gateway}/trigger/{event}` makes it
//! emit one (creating what the event is about, as `paymux-sandbox trigger` does).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
use serde_json::{Value, json};

/// An emulator that can emit its documented events on demand.
pub trait Triggers: Send + Sync + 'static {
    /// Every event type the gateway documents, in its own words.
    fn events(&self) -> &'static [&'static str];

    /// Creates what `event` is about, drives it to the state that emits `event`, and answers
    /// what was created. `Err` for an event the gateway does not document.
    fn trigger(&self, event: &str) -> Result<Value, String>;
}

async fn list<T: Triggers>(State(t): State<Arc<T>>) -> Response {
    axum::Json(json!({ "events": t.events() })).into_response()
}

async fn fire<T: Triggers>(State(t): State<Arc<T>>, Path(event): Path<String>) -> Response {
    match t.trigger(&event) {
        Ok(created) => axum::Json(json!({ "event": event, "object": created })).into_response(),
        Err(why) => {
            (StatusCode::NOT_FOUND, axum::Json(json!({ "error": why, "events": t.events() })))
                .into_response()
        }
    }
}

/// The control routes of emulator `gateway`.
pub fn routes<T: Triggers>(gateway: &str, emulator: Arc<T>) -> Router {
    Router::new()
        .route(&format!("/sandbox/{gateway}/events"), get(list::<T>))
        .route(&format!("/sandbox/{gateway}/trigger/{{event}}"), post(fire::<T>))
        .with_state(emulator)
}
