//! # paymux-sandbox
//!
//! Stateful emulators of the five gateways paymux speaks, each a real HTTP server on
//! 127.0.0.1 speaking its gateway's documented wire format: auth check, idempotent replays,
//! the payment state machine, test cards that decline or ask for a redirect, refunds, signed
//! webhooks posted to a URL, and fault switches for tests. No network, no credentials.
//!
//! The emulators are written from the gateways' documents, independently of the connectors,
//! so a connector that misreads its gateway fails against its emulator.

pub mod faults;
pub mod server;
pub mod webhooks;

pub use faults::Fault;
pub use server::{Ctx, EmulatorHandle, IdGen, IdempotencyCache, Stats, TestCredentials, serve};
pub use webhooks::{Delivery, SentWebhook, Webhooks};
