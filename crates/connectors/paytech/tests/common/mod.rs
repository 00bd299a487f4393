//! Shared test setup: a connector pointed at a local wiremock server.
#![allow(dead_code, clippy::unwrap_used)]

use std::ops::Deref;
use std::time::Duration;

use paymux_core::connector::Connector;
use paymux_core::transport::RetryPolicy;
use paymux_core::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreatePayment, CreatePayout,
    CreateRefund, ListPayments, ListPayouts, Page, Payment, PaymentId, Payout, PayoutId,
    ProviderId, Refund, RefundId, Result, SecretString, WebhookEvent, WebhookResource,
};
use paymux_paytech::{Environment, ListDeposits, Paytech, PaytechConfig};
use wiremock::MockServer;

pub const API_KEY: &str = "sandbox-shop-api-key-0001";
pub const BEARER: &str = "Bearer sandbox-shop-api-key-0001";
pub const SIGNING_KEY: &str = "shop-signing-key-sandbox-1";

pub fn config(uri: &str) -> PaytechConfig {
    PaytechConfig::new(SecretString::from(API_KEY), Environment::Sandbox)
        .with_base_url(uri)
        .with_signing_key(SecretString::from(SIGNING_KEY))
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

pub fn connector(uri: &str) -> Checked {
    Checked(Paytech::new(config(uri)).unwrap())
}

pub async fn setup() -> (MockServer, Checked) {
    let server = MockServer::start().await;
    let paytech = connector(&server.uri());
    (server, paytech)
}

/// Wraps a payment result in the gateway's envelope, as raw text (amounts stay exact).
pub fn envelope(result: &str) -> String {
    format!(r#"{{"timestamp":"2024-09-24T20:29:11.632+00:00","status":200,"result":{result}}}"#)
}

/// The raw bodies of the requests the server received with `method` on `path`.
pub async fn bodies(server: &MockServer, method: &str, path: &str) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .map(|r| String::from_utf8(r.body).unwrap())
        .collect()
}

/// Asserts the contract's field rules ([`Payment::contract_breach`]) on a payment a test reads.
#[track_caller]
pub fn kept(payment: Payment) -> Payment {
    assert_eq!(payment.contract_breach(), None, "{payment:?}");
    payment
}

/// Asserts the contract's field rules ([`Payout::contract_breach`]) on a payout a test reads.
#[track_caller]
pub fn kept_payout(payout: Payout) -> Payout {
    assert_eq!(payout.contract_breach(), None, "{payout:?}");
    payout
}

/// The connector under test, with every payment and payout it returns checked by [`kept`]
/// and [`kept_payout`]: through the
/// trait (the same layer as `Paytech`'s), and through `list_deposits`. Everything else of
/// `Paytech` is reached through `Deref`.
#[derive(Debug)]
pub struct Checked(pub Paytech);

impl Deref for Checked {
    type Target = Paytech;
    fn deref(&self) -> &Paytech {
        &self.0
    }
}

impl Checked {
    /// [`Paytech::list_deposits`], every item checked.
    pub async fn list_deposits(&self, query: ListDeposits) -> Result<Page<Payment>> {
        self.0.list_deposits(query).await.map(page)
    }

    /// [`Paytech::approve_withdrawal`], checked.
    pub async fn approve_withdrawal(&self, id: &PayoutId) -> Result<Payout> {
        self.0.approve_withdrawal(id).await.map(kept_payout)
    }

    /// [`Paytech::reject_withdrawal`], checked.
    pub async fn reject_withdrawal(&self, id: &PayoutId, reason: Option<String>) -> Result<Payout> {
        self.0.reject_withdrawal(id, reason).await.map(kept_payout)
    }
}

fn page(mut page: Page<Payment>) -> Page<Payment> {
    page.items = page.items.into_iter().map(kept).collect();
    page
}

impl Connector for Checked {
    const GATEWAY: &'static str = Paytech::GATEWAY;

    fn id(&self) -> &ProviderId {
        self.0.id()
    }

    fn capabilities(&self) -> &Capabilities {
        self.0.capabilities()
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        Connector::create_payment(&self.0, req).await.map(kept)
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        Connector::get_payment(&self.0, id).await.map(kept)
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        Connector::confirm_payment(&self.0, id, req).await.map(kept)
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        Connector::capture_payment(&self.0, id, req).await.map(kept)
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        Connector::cancel_payment(&self.0, id, req).await.map(kept)
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        Connector::list_payments(&self.0, query).await.map(page)
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        Connector::create_refund(&self.0, req).await
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        Connector::get_refund(&self.0, id).await
    }

    async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        Connector::create_payout(&self.0, req).await.map(kept_payout)
    }

    async fn get_payout(&self, id: &PayoutId) -> Result<Payout> {
        Connector::get_payout(&self.0, id).await.map(kept_payout)
    }

    async fn list_payouts(&self, query: ListPayouts) -> Result<Page<Payout>> {
        let mut page = Connector::list_payouts(&self.0, query).await?;
        page.items = page.items.into_iter().map(kept_payout).collect();
        Ok(page)
    }

    async fn cancel_payout(&self, id: &PayoutId) -> Result<Payout> {
        Connector::cancel_payout(&self.0, id).await.map(kept_payout)
    }

    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let event = Connector::parse_webhook(&self.0, headers, raw_body)?;
        match &event.resource {
            WebhookResource::Payment(p) => {
                kept(p.clone());
            }
            WebhookResource::Payout(p) => {
                kept_payout(p.clone());
            }
            _ => {}
        }
        Ok(event)
    }
}
