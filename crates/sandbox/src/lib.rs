//! # paymux-sandbox
//!
//! Stateful emulators of the five gateways paymux speaks, each a real HTTP server on
//! 127.0.0.1 speaking its gateway's documented wire format: auth check, idempotent replays,
//! the payment state machine, test cards that decline or ask for a redirect, refunds, signed
//! webhooks posted to a URL, and fault switches for tests. No network, no credentials.
//!
//! The emulators are written from the gateways' documents, independently of the connectors,
//! so a connector that misreads its gateway fails against its emulator.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = paymux_sandbox::Sandbox::start().await?;
//! println!("Paychtec emulator at {}", sandbox.paychtec.base_url());
//! # Ok(()) }
//! ```

pub mod faults;
pub mod server;
pub mod webhooks;

pub mod hyperswitch;
pub mod paychtec;
pub mod paygentic;
pub mod paymnt;
pub mod paynectra;
pub mod paytech;

pub use faults::Fault;
pub use server::{
    ANY_LOCAL_PORT, Ctx, EmulatorHandle, IdGen, IdempotencyCache, Stats, TestCredentials, serve,
    serve_on,
};
pub use webhooks::{Delivery, SentWebhook, Webhooks};

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
