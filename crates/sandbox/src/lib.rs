//! # paymux-sandbox
//!
//! Stateful emulators of the five gateways paymux speaks, each a real HTTP server on
//! 127.0.0.1 speaking its gateway's documented wire format: auth check, idempotent replays,
//! the payment state machine, test cards and amounts that reach every documented status word,
//! refunds, signed webhooks posted to a URL, sandbox control routes that emit any documented
//! event on demand, and fault and latency switches for tests and benchmarks. No network, no
//! credentials.
//!
//! The emulators are written from the gateways' documents, independently of the connectors,
//! so a connector that misreads its gateway fails against its emulator.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = paymux_sandbox::Sandbox::start().await?;
//! println!("Paychtec emulator at {}", sandbox.paychtec.api_url());
//! # Ok(()) }
//! ```
//!
//! # One anatomy
//!
//! Every emulator is a folder of the same files: `mod.rs` (its docs: routes, triggers,
//! webhooks; the router, the auth middleware and the handlers), `api.rs` (the typed request
//! bodies it accepts and the answers it writes), `state.rs` (the pure state machine, no HTTP)
//! and `render.rs` (the sandbox's HTML pages). They are built from one [`kit`]: the server and
//! its handle, one auth middleware, one idempotent-replay store, typed body parsing, the
//! webhook signer and sender, Luhn and test cards, pages, the fault and latency layer and the
//! control routes. Paychtec and paymnt.cloud are two configurations of [`hyperswitch`].
//!
//! # Every documented word, reachable
//!
//! Each emulator's module docs hold its trigger table: which test card, amount or sandbox
//! control route reaches each documented status word, event type and error shape. Every
//! emulator also answers `GET /sandbox/{gateway}/events` (the events it can emit) and
//! `POST /sandbox/{gateway}/trigger/{event}` (create what the event is about and emit it),
//! which `paymux-sandbox trigger` calls.
//!
//! # The command line
//!
//! `paymux-sandbox serve --port-base 7700 --forward-to http://localhost:3000/webhooks`
//! serves the five emulators on ports 7700 to 7704, prints their base URLs (as a client is
//! configured with them) and test keys, and forwards every signed webhook to the URL.
//! `paymux-sandbox trigger paychtec payment_succeeded` makes the running Paychtec emulator
//! emit that event. See [`cli`].

pub mod cli;
pub mod kit;

pub mod hyperswitch;
pub mod paychtec;
pub mod paygentic;
pub mod paymnt;
pub mod paynectra;
pub mod paytech;

pub use kit::faults::{Fault, Latency};
pub use kit::server::{
    ANY_LOCAL_PORT, Ctx, EmulatorHandle, IdGen, Stats, TestCredentials, serve, serve_on,
};
pub use kit::webhooks::{Delivery, SentWebhook, Webhooks};
pub use kit::{faults, server, webhooks};

/// All five emulators, each on its own port of 127.0.0.1. Dropping it stops them.
#[derive(Debug)]
pub struct Sandbox {
    /// Paychtec.
    pub paychtec: EmulatorHandle,
    /// pay.tech.
    pub paytech: EmulatorHandle,
    /// Paygentic.
    pub paygentic: EmulatorHandle,
    /// paymnt.cloud.
    pub paymnt: EmulatorHandle,
    /// Paynectra.
    pub paynectra: EmulatorHandle,
}

/// The five gateways, in the sandbox's port order.
pub const GATEWAYS: [&str; 5] = ["paychtec", "paytech", "paygentic", "paymnt", "paynectra"];

impl Sandbox {
    /// Starts all five emulators.
    pub async fn start() -> std::io::Result<Sandbox> {
        Ok(Sandbox {
            paychtec: paychtec::start().await?,
            paytech: paytech::start().await?,
            paygentic: paygentic::start().await?,
            paymnt: paymnt::start().await?,
            paynectra: paynectra::start().await?,
        })
    }

    /// Starts all five emulators on fixed ports of 127.0.0.1: `port_base` for Paychtec, then
    /// pay.tech, Paygentic, paymnt.cloud and Paynectra on the next four.
    pub async fn start_on_ports(port_base: u16) -> std::io::Result<Sandbox> {
        let at = |offset: u16| -> std::io::Result<std::net::SocketAddr> {
            let port = port_base.checked_add(offset).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "port base too high")
            })?;
            Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        };
        Ok(Sandbox {
            paychtec: paychtec::start_on(at(0)?).await?,
            paytech: paytech::start_on(at(1)?).await?,
            paygentic: paygentic::start_on(at(2)?).await?,
            paymnt: paymnt::start_on(at(3)?).await?,
            paynectra: paynectra::start_on(at(4)?).await?,
        })
    }

    /// The five emulators, in a fixed order.
    pub fn all(&self) -> [&EmulatorHandle; 5] {
        [&self.paychtec, &self.paytech, &self.paygentic, &self.paymnt, &self.paynectra]
    }
}
