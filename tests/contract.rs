//! Cross-gateway conformance of the normalized contract: one scenario per normalized situation,
//! run against every gateway's sandbox emulator, each asserting the **same** outcome whatever
//! the gateway: status, `next_action` (a redirect exactly when `RequiresAction`), amounts,
//! decline code, refund status and, where the emulator sends a webhook for the situation, the
//! event kind (the webhook read whole: `unread` empty, since the emulators write the gateways'
//! documented shapes); and `contract_breach() == None` on every payment read (answers, reads
//! back and webhook payments).
//!
//! How each situation is reached on each gateway comes from the emulators' trigger tables
//! (`crates/sandbox/src/*/mod.rs`). A gateway that cannot produce a situation at all is
//! `n/a` with the reason printed; a situation a gateway documents and its emulator reaches
//! always runs (a connector lacking the capability for it is a failure, not a skip). The
//! test prints a scenario x gateway matrix and fails on any failure.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::{
    CaptureMode, CreatePayment, CreateRefund, Currency, DeclineCode, EventKind, Money, NextAction,
    Operation, Payment, PaymentId, PaymentProvider, PaymentStatus, Refund, RefundId, RefundStatus,
    WebhookEvent, WebhookResource,
};
use paymux_tests::{Profile, profiles, visit_redirect, with_card};

/// What a scenario concluded on one gateway (`Err` is a failure, with what was read).
enum Outcome {
    Pass,
    /// The gateway cannot produce the situation at all; why.
    NotApplicable(&'static str),
}

type Verdict = Result<Outcome, String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

const RETURN_URL: &str = "https://shop.example/return";
/// Paychtec and paymnt.cloud: one Hyperswitch-shaped emulator, one trigger table.
const HYPERSWITCH: [&str; 2] = ["paychtec", "paymnt"];
/// A card every gateway that takes cards authorizes (pay.tech's no-3-D Secure success card
/// comes from its profile).
const SUCCESS_CARD: &str = "4242424242424242";
/// The insufficient-funds test card of the Hyperswitch, pay.tech and Paynectra emulators.
const NO_FUNDS_CARD: &str = "4000000000009995";
/// The Hyperswitch 3-D Secure card: `requires_customer_action` until the redirect page.
const THREE_DS_CARD: &str = "4000000000003220";

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

/// The normalized outcome a situation must read as, the same on every gateway.
#[derive(Debug, Clone)]
struct Expect {
    status: PaymentStatus,
    amount: Money,
    /// `amount_capturable` (for `RequiresCapture`); `None`: not checked beyond the contract.
    capturable: Option<Money>,
    /// The normalized decline code of a `Failed` payment.
    decline: Option<DeclineCode>,
    /// `amount_refunded`, checked where the gateway gives one.
    refunded: Option<Money>,
}

impl Expect {
    fn new(status: PaymentStatus, amount: Money) -> Self {
        Expect { status, amount, capturable: None, decline: None, refunded: None }
    }
}

/// Checks one payment read (`what` says which) against the contract and the expectation.
fn check(p: &Payment, want: &Expect, what: &str) -> Result<(), String> {
    if let Some(breach) = p.contract_breach() {
        return Err(format!("{what}: contract breach: {breach}"));
    }
    ensure!(
        p.status == want.status,
        "{what}: status {} (raw {:?}), expected {}",
        p.status,
        p.raw_status,
        want.status
    );
    match (&p.next_action, want.status) {
        (Some(NextAction::Redirect { .. }), PaymentStatus::RequiresAction) => {}
        (None, s) if s != PaymentStatus::RequiresAction => {}
        (other, s) => {
            return Err(format!(
                "{what}: next_action {other:?} on a {s} payment (raw {:?}); expected {}",
                p.raw_status,
                if s == PaymentStatus::RequiresAction { "a redirect" } else { "none" }
            ));
        }
    }
    ensure!(
        p.amount.as_ref() == Some(&want.amount),
        "{what}: amount {:?} (gateway amount {:?}), expected {}",
        p.amount,
        p.gateway_amount,
        want.amount
    );
    if let Some(capturable) = &want.capturable {
        ensure!(
            p.amount_capturable.as_ref() == Some(capturable),
            "{what}: amount_capturable {:?}, expected {capturable}",
            p.amount_capturable
        );
    }
    if let Some(code) = &want.decline {
        ensure!(
            p.decline_code() == Some(code),
            "{what}: decline code {:?} (failure {:?}), expected {code}",
            p.decline_code(),
            p.failure
        );
    }
    if let (Some(refunded), Some(read)) = (&want.refunded, &p.amount_refunded) {
        ensure!(read == refunded, "{what}: amount_refunded {read}, expected {refunded}");
    }
    Ok(())
}

/// What a webhook must be about.
#[derive(Clone, Copy)]
enum About<'x> {
    Payment(&'x PaymentId),
    Refund(&'x RefundId),
}

/// One gateway under test.
struct Gw<'a> {
    kind: &'static str,
    provider: Arc<dyn PaymentProvider>,
    emulator: &'a EmulatorHandle,
    profile: Profile,
}

impl Gw<'_> {
    /// The situation runs on this gateway: the connector must offer what it takes.
    fn require(&self, ops: &[Operation]) -> Result<(), String> {
        match ops.iter().find(|op| !self.provider.capabilities().supports(**op)) {
            Some(op) => Err(format!(
                "the emulator reaches this situation but the connector's capabilities lack {}",
                op.as_str()
            )),
            None => Ok(()),
        }
    }

    fn read(&self, p: paymux::Result<Payment>, what: &str) -> Result<Payment, String> {
        let p = p.map_err(|e| format!("{what}: {e}"))?;
        if let Some(breach) = p.contract_breach() {
            return Err(format!("{what}: contract breach: {breach}"));
        }
        Ok(p)
    }

    async fn get(&self, id: &PaymentId) -> Result<Payment, String> {
        self.read(self.provider.get_payment(id).await, "get_payment")
    }

    /// Polls `get_payment` until the status leaves `Processing`/`RequiresAction` or 3 s pass,
    /// checking every read.
    async fn settle(&self, id: &PaymentId) -> Result<Payment, String> {
        let mut last = self.get(id).await?;
        for _ in 0..30 {
            if !matches!(last.status, PaymentStatus::Processing | PaymentStatus::RequiresAction) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            last = self.get(id).await?;
        }
        Ok(last)
    }

    /// Creates the payment, with `card` the way the gateway takes cards (none: the customer
    /// is left at the gateway's page).
    async fn create(&self, req: CreatePayment, card: Option<&str>) -> Result<Payment, String> {
        let req = match card {
            Some(card) => with_card(&self.profile, req, card),
            None => req.with_return_url(RETURN_URL),
        };
        self.read(self.provider.create_payment(req).await, "create_payment")
    }

    /// Creates the payment and plays the customer's part (hosted page with `card`, then
    /// 3-D Secure), then returns the settled payment. Every read is checked.
    async fn pay(&self, req: CreatePayment, card: Option<&str>) -> Result<Payment, String> {
        let created = self.create(req, card).await?;
        if created.status != PaymentStatus::RequiresAction {
            return Ok(created);
        }
        visit_redirect(self.emulator, &created, card).await?;
        let mut settled = self.settle(&created.id).await?;
        if settled.status == PaymentStatus::RequiresAction {
            visit_redirect(self.emulator, &settled, None).await?;
            settled = self.settle(&created.id).await?;
        }
        Ok(settled)
    }

    /// A card payment the gateway takes without any decline or trigger.
    async fn paid(&self, amount: i64, capture: CaptureMode) -> Result<Payment, String> {
        let req = CreatePayment::new(usd(amount)).with_capture(capture);
        let card = (!self.profile.success_card.is_empty()).then_some(self.profile.success_card);
        self.pay(req, card).await
    }

    /// Polls `get_refund` until it is final or 3 s pass.
    async fn refund_settled(&self, id: &RefundId) -> Result<Refund, String> {
        let mut last =
            self.provider.get_refund(id).await.map_err(|e| format!("get_refund: {e}"))?;
        for _ in 0..30 {
            if last.status.is_final() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            last = self.provider.get_refund(id).await.map_err(|e| format!("get_refund: {e}"))?;
        }
        Ok(last)
    }

    /// How many webhooks the emulator has produced so far.
    fn hooks(&self) -> usize {
        self.emulator.webhooks().sent().len()
    }

    /// Waits (3 s at most) for a webhook produced since `since` about `about` whose kind is
    /// `kind`, and returns it read. Every webhook since `since` must be accepted (they are
    /// verified: reading never refuses one), and every payment carried by one about `about`
    /// must keep the contract.
    async fn event(
        &self,
        since: usize,
        about: About<'_>,
        kind: EventKind,
    ) -> Result<WebhookEvent, String> {
        self.require(&[Operation::Webhooks])?;
        let mut seen = Vec::new();
        for _ in 0..60 {
            seen.clear();
            for hook in self.emulator.webhooks().sent().into_iter().skip(since) {
                let event =
                    self.provider.parse_webhook(&hook.header_map(), &hook.body).map_err(|e| {
                        let body = String::from_utf8_lossy(&hook.body);
                        let body: String = body.chars().take(300).collect();
                        format!("a verified webhook was refused: {e} (body {body})")
                    })?;
                let about_it = match (&event.resource, about) {
                    (WebhookResource::Payment(p), About::Payment(id)) => p.id == *id,
                    (WebhookResource::Refund(r), About::Refund(id)) => r.id == *id,
                    _ => false,
                };
                let resource = match &event.resource {
                    WebhookResource::Payment(p) => format!("payment {} {}", p.id, p.status),
                    WebhookResource::Refund(r) => format!("refund {} {}", r.id, r.status),
                    WebhookResource::Payout(p) => format!("payout {} {}", p.id, p.status),
                    WebhookResource::Dispute(d) => format!("dispute {} {}", d.id, d.status),
                    WebhookResource::Other => "other".to_owned(),
                };
                seen.push(format!("{:?} ({resource})", event.kind));
                if !about_it {
                    continue;
                }
                if let WebhookResource::Payment(p) = &event.resource
                    && let Some(breach) = p.contract_breach()
                {
                    return Err(format!("webhook {:?}: contract breach: {breach}", event.kind));
                }
                if event.kind == kind {
                    // The emulator writes the gateway's documented shape: it is read whole.
                    ensure!(
                        event.unread.is_empty(),
                        "webhook {:?} left parts unread: {:?}",
                        event.kind,
                        event.unread
                    );
                    return Ok(event);
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let id = match about {
            About::Payment(id) => id.to_string(),
            About::Refund(id) => id.to_string(),
        };
        Err(format!("no {kind:?} webhook about {id} within 3 s; webhooks read since: {seen:?}"))
    }

    /// Checks that the webhook about a payment carries it as `want` says.
    async fn payment_event(
        &self,
        since: usize,
        id: &PaymentId,
        kind: EventKind,
        want: &Expect,
    ) -> Result<(), String> {
        let event = self.event(since, About::Payment(id), kind.clone()).await?;
        match &event.resource {
            WebhookResource::Payment(p) => check(p, want, &format!("webhook {kind:?}")),
            _ => Err(format!("webhook {kind:?} carries no payment")),
        }
    }

    /// Checks that the webhook about a refund carries it with `status` and `amount`.
    async fn refund_event(
        &self,
        since: usize,
        id: &RefundId,
        kind: EventKind,
        status: RefundStatus,
        amount: &Money,
    ) -> Result<(), String> {
        let event = self.event(since, About::Refund(id), kind.clone()).await?;
        let WebhookResource::Refund(r) = &event.resource else {
            return Err(format!("webhook {kind:?} carries no refund"));
        };
        ensure!(
            r.status == status,
            "webhook {kind:?}: refund {} ({}), expected {status}",
            r.status,
            r.raw_status
        );
        ensure!(
            &r.amount == amount,
            "webhook {kind:?}: refund amount {}, expected {amount}",
            r.amount
        );
        Ok(())
    }

    /// `POST` to one of the emulator's sandbox control routes (no API key).
    async fn sandbox_post(&self, path: &str) -> Result<(), String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = format!("{}/sandbox/{}/{path}", self.emulator.base_url(), self.kind);
        let resp = reqwest::Client::new()
            .post(&url)
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        ensure!(resp.status().is_success(), "POST {url} answered {}", resp.status());
        Ok(())
    }
}

/// A hosted page (or redirect page) waits for the customer: `RequiresAction` with a redirect,
/// on the answer and on every read, and the webhook says the customer must act.
async fn hosted_page_pending(g: &Gw<'_>) -> Verdict {
    let (amount, card, webhook) = match g.kind {
        // `requires_redirection`: the customer goes to the redirect (bank) page.
        k if HYPERSWITCH.contains(&k) => (103_063, Some(SUCCESS_CARD), true),
        // `CHECKOUT`; pay.tech sends webhooks on final states only.
        "paytech" => (4200, None, false),
        // `pending` with `paymentUrl`: `payment.pending.v0`.
        "paygentic" => (4200, None, true),
        // `pending` with `next_action.redirect_to_url`: `payment.created`.
        "paynectra" => (4200, None, true),
        other => return Err(format!("no trigger table for {other}")),
    };
    let want = Expect::new(PaymentStatus::RequiresAction, usd(amount));
    let since = g.hooks();
    let created = g.create(CreatePayment::new(usd(amount)), card).await?;
    check(&created, &want, "create_payment")?;
    check(&g.get(&created.id).await?, &want, "get_payment")?;
    if webhook {
        g.payment_event(since, &created.id, EventKind::PaymentActionRequired, &want).await?;
    }
    Ok(Outcome::Pass)
}

/// Authorized in full, waiting for a manual capture: `RequiresCapture` with `amount_capturable`
/// = the amount, no next action; the webhook says authorized.
async fn authorized_awaiting_capture(g: &Gw<'_>) -> Verdict {
    if g.kind == "paygentic" {
        return Ok(Outcome::NotApplicable(
            "Paygentic has no authorization step nor capture (its hosted page completes the payment)",
        ));
    }
    g.require(&[Operation::CapturePayment])?;
    let mut want = Expect::new(PaymentStatus::RequiresCapture, usd(2000));
    want.capturable = Some(usd(2000));
    let since = g.hooks();
    let p = g.paid(2000, CaptureMode::Manual).await?;
    check(&p, &want, "after the customer paid")?;
    check(&g.get(&p.id).await?, &want, "get_payment")?;
    // payment_authorized / DEPOSIT.AUTHORIZED / payment.requires_capture
    g.payment_event(since, &p.id, EventKind::PaymentAuthorized, &want).await?;
    Ok(Outcome::Pass)
}

/// Authorized for part of the amount: `RequiresCapture`, `amount` the requested amount,
/// `amount_capturable` what was authorized; the webhook says authorized.
async fn partially_authorized(g: &Gw<'_>) -> Verdict {
    match g.kind {
        k if HYPERSWITCH.contains(&k) => {}
        "paytech" => {
            return Ok(Outcome::NotApplicable(
                "pay.tech documents no partial authorization (an AUTHORIZED deposit holds its whole amount)",
            ));
        }
        "paygentic" => {
            return Ok(Outcome::NotApplicable("Paygentic has no authorization step nor capture"));
        }
        "paynectra" => {
            return Ok(Outcome::NotApplicable(
                "Paynectra documents no partial authorization (manual capture holds the whole amount)",
            ));
        }
        other => return Err(format!("no trigger table for {other}")),
    }
    g.require(&[Operation::CapturePayment])?;
    // Amount 104000: `partially_authorized_and_requires_capture` for half the amount.
    let mut want = Expect::new(PaymentStatus::RequiresCapture, usd(104_000));
    want.capturable = Some(usd(52_000));
    let since = g.hooks();
    let req = CreatePayment::new(usd(104_000)).with_capture(CaptureMode::Manual);
    let p = g.pay(req, Some(SUCCESS_CARD)).await?;
    check(&p, &want, "create_payment")?;
    check(&g.get(&p.id).await?, &want, "get_payment")?;
    // payment_partially_authorized
    g.payment_event(since, &p.id, EventKind::PaymentAuthorized, &want).await?;
    Ok(Outcome::Pass)
}

/// Declined for insufficient funds: `Failed`, decline code `insufficient_funds`, no next
/// action; the webhook says failed.
async fn declined_insufficient_funds(g: &Gw<'_>) -> Verdict {
    if g.kind == "paygentic" {
        return Ok(Outcome::NotApplicable(
            "Paygentic documents no declines (statuses pending, processing, completed, expired, cancelled)",
        ));
    }
    let mut want = Expect::new(PaymentStatus::Failed, usd(1234));
    want.decline = Some(DeclineCode::InsufficientFunds);
    let since = g.hooks();
    // Hyperswitch `insufficient_funds`, pay.tech `4.01`, Paynectra `insufficient_funds`.
    let p = g.pay(CreatePayment::new(usd(1234)), Some(NO_FUNDS_CARD)).await?;
    check(&p, &want, "after the customer paid")?;
    check(&g.get(&p.id).await?, &want, "get_payment")?;
    g.payment_event(since, &p.id, EventKind::PaymentFailed, &want).await?;
    Ok(Outcome::Pass)
}

/// Part of a paid payment refunded: the refund succeeds; the payment stays `Succeeded` for its
/// amount, with `amount_refunded` the refunded part where the gateway gives it; the webhook
/// says the refund succeeded.
async fn partially_refunded(g: &Gw<'_>) -> Verdict {
    if g.kind == "paygentic" {
        return Ok(Outcome::NotApplicable("Paygentic has no refund route"));
    }
    g.require(&[Operation::CreateRefund, Operation::PartialRefund, Operation::GetRefund])?;
    let p = g.paid(5000, CaptureMode::Automatic).await?;
    check(&p, &Expect::new(PaymentStatus::Succeeded, usd(5000)), "the paid payment")?;
    let since = g.hooks();
    let part = usd(1200);
    let refund = g
        .provider
        .create_refund(CreateRefund::new(p.id.clone()).with_amount(part))
        .await
        .map_err(|e| format!("create_refund: {e}"))?;
    ensure!(refund.amount == part, "create_refund: amount {}, expected {part}", refund.amount);
    ensure!(refund.payment_id == p.id, "create_refund: refund of {}", refund.payment_id);
    let settled = g.refund_settled(&refund.id).await?;
    ensure!(
        settled.status == RefundStatus::Succeeded,
        "get_refund: {} (raw {:?}), expected succeeded",
        settled.status,
        settled.raw_status
    );
    ensure!(settled.amount == part, "get_refund: amount {}, expected {part}", settled.amount);
    let mut want = Expect::new(PaymentStatus::Succeeded, usd(5000));
    want.refunded = Some(part);
    check(&g.get(&p.id).await?, &want, "get_payment after the refund")?;
    // refund_succeeded / REFUND.COMPLETED / refund.succeeded
    g.refund_event(since, &refund.id, EventKind::RefundSucceeded, RefundStatus::Succeeded, &part)
        .await?;
    Ok(Outcome::Pass)
}

/// A refund the gateway refuses: the refund reads `Failed`; the payment stays `Succeeded` with
/// nothing refunded; the webhook says the refund failed.
async fn refund_failed(g: &Gw<'_>) -> Verdict {
    let amount = match g.kind {
        // Refund amount 9995: `failed`.
        k if HYPERSWITCH.contains(&k) => 9995,
        // Refund of 13.13: `DECLINED` `1.10` Insufficient Balance.
        "paytech" => 1313,
        // Refund amount 9995: `failed` (`failure_reason: declined`).
        "paynectra" => 9995,
        "paygentic" => return Ok(Outcome::NotApplicable("Paygentic has no refund route")),
        other => return Err(format!("no trigger table for {other}")),
    };
    g.require(&[Operation::CreateRefund, Operation::PartialRefund, Operation::GetRefund])?;
    let p = g.paid(20_000, CaptureMode::Automatic).await?;
    check(&p, &Expect::new(PaymentStatus::Succeeded, usd(20_000)), "the paid payment")?;
    let since = g.hooks();
    let asked = usd(amount);
    let refund =
        match g.provider.create_refund(CreateRefund::new(p.id.clone()).with_amount(asked)).await {
            Ok(r) => r,
            Err(e) => return Err(format!("create_refund: {e} (the gateway made a failed refund)")),
        };
    ensure!(refund.amount == asked, "create_refund: amount {}, expected {asked}", refund.amount);
    let settled = g.refund_settled(&refund.id).await?;
    ensure!(
        settled.status == RefundStatus::Failed,
        "get_refund: {} (raw {:?}), expected failed",
        settled.status,
        settled.raw_status
    );
    let mut want = Expect::new(PaymentStatus::Succeeded, usd(20_000));
    want.refunded = Some(usd(0));
    check(&g.get(&p.id).await?, &want, "get_payment after the failed refund")?;
    // refund_failed / REFUND.DECLINED / refund.failed
    g.refund_event(since, &refund.id, EventKind::RefundFailed, RefundStatus::Failed, &asked)
        .await?;
    Ok(Outcome::Pass)
}

/// Held for the merchant's (manual) review: `Processing`, no next action (nothing for the
/// customer to do), not final.
async fn held_for_review(g: &Gw<'_>) -> Verdict {
    match g.kind {
        k if HYPERSWITCH.contains(&k) => {}
        "paytech" => {
            return Ok(Outcome::NotApplicable(
                "pay.tech holds only withdrawals (payouts) in AWAITING_APPROVAL, outside the Payment model; a deposit is never held for review",
            ));
        }
        "paygentic" => {
            return Ok(Outcome::NotApplicable("Paygentic documents no review state"));
        }
        "paynectra" => return Ok(Outcome::NotApplicable("Paynectra documents no review state")),
        other => return Err(format!("no trigger table for {other}")),
    }
    // Amount 105555: `requires_merchant_action` (no webhook).
    let want = Expect::new(PaymentStatus::Processing, usd(105_555));
    let p = g.pay(CreatePayment::new(usd(105_555)), Some(SUCCESS_CARD)).await?;
    check(&p, &want, "create_payment")?;
    check(&g.get(&p.id).await?, &want, "get_payment")?;
    Ok(Outcome::Pass)
}

/// Never completed in time: `Expired`, no next action; the webhook says expired.
async fn expired(g: &Gw<'_>) -> Verdict {
    let want = |minor| Expect::new(PaymentStatus::Expired, usd(minor));
    let since = g.hooks();
    let (p, want) = match g.kind {
        k if HYPERSWITCH.contains(&k) => {
            // Waiting for the customer's 3-D Secure step, then the sandbox's `expire` route.
            let created = g.create(CreatePayment::new(usd(3300)), Some(THREE_DS_CARD)).await?;
            check(
                &created,
                &Expect::new(PaymentStatus::RequiresAction, usd(3300)),
                "create_payment",
            )?;
            g.sandbox_post(&format!("payments/{}/expire", created.id)).await?;
            (created, want(3300))
        }
        "paygentic" => {
            // Amount 13.13: the hosted page lets it expire.
            let created = g.create(CreatePayment::new(usd(1313)), None).await?;
            check(
                &created,
                &Expect::new(PaymentStatus::RequiresAction, usd(1313)),
                "create_payment",
            )?;
            visit_redirect(g.emulator, &created, None).await?;
            (created, want(1313))
        }
        "paytech" => {
            // The checkout page times out: `CANCELLED` with `1.04` (Cancelled by Timeout).
            let created = g.create(CreatePayment::new(usd(4300)), None).await?;
            check(
                &created,
                &Expect::new(PaymentStatus::RequiresAction, usd(4300)),
                "create_payment",
            )?;
            let Some(NextAction::Redirect { url }) = &created.next_action else {
                return Err(format!("no checkout page: {:?}", created.next_action));
            };
            let page = format!("{url}?action=timeout");
            let resp = reqwest::get(&page).await.map_err(|e| format!("GET {page}: {e}"))?;
            ensure!(resp.status().is_success(), "GET {page} answered {}", resp.status());
            (created, want(4300))
        }
        "paynectra" => {
            return Ok(Outcome::NotApplicable(
                "Paynectra documents no expiry (statuses pending, requires_capture, succeeded, failed, cancelled)",
            ));
        }
        other => return Err(format!("no trigger table for {other}")),
    };
    let read = g.settle(&p.id).await?;
    check(&read, &want, "get_payment")?;
    // payment_expired / payment.expired.v0
    g.payment_event(since, &p.id, EventKind::PaymentExpired, &want).await?;
    Ok(Outcome::Pass)
}

const SCENARIOS: [&str; 8] = [
    "hosted page pending",
    "authorized awaiting capture",
    "partially authorized",
    "declined, insufficient funds",
    "partially refunded",
    "refund failed",
    "held for manual review",
    "expired",
];

async fn run(i: usize, g: &Gw<'_>) -> Verdict {
    let scenario = async {
        match i {
            0 => hosted_page_pending(g).await,
            1 => authorized_awaiting_capture(g).await,
            2 => partially_authorized(g).await,
            3 => declined_insufficient_funds(g).await,
            4 => partially_refunded(g).await,
            5 => refund_failed(g).await,
            6 => held_for_review(g).await,
            _ => expired(g).await,
        }
    };
    tokio::time::timeout(Duration::from_secs(30), scenario)
        .await
        .unwrap_or_else(|_| Err("no outcome within 30 s".to_owned()))
}

/// Runs every scenario on one gateway: one cell per scenario.
async fn column(g: Gw<'_>) -> Vec<Result<Outcome, String>> {
    let mut cells = Vec::new();
    for i in 0..SCENARIOS.len() {
        cells.push(run(i, &g).await);
    }
    cells
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_situation_reads_the_same_on_every_gateway() {
    let sandbox = Sandbox::start().await.unwrap();
    let emulators: BTreeMap<&str, &EmulatorHandle> =
        sandbox.all().into_iter().map(|e| (e.name(), e)).collect();
    let profiles = profiles();
    let gateways: Vec<Gw<'_>> = profiles
        .iter()
        .map(|profile| {
            let emulator = emulators[profile.kind];
            Gw {
                kind: profile.kind,
                provider: paymux::sandbox::provider(emulator).unwrap(),
                emulator,
                profile: profile.clone(),
            }
        })
        .collect();
    let columns = futures_util::future::join_all(gateways.into_iter().map(column)).await;

    let mut matrix: Vec<Vec<&str>> = vec![Vec::new(); SCENARIOS.len()];
    let (mut passed, mut not_applicable) = (0, Vec::new());
    let mut failures = Vec::new();
    for (profile, cells) in profiles.iter().zip(columns) {
        for (i, cell) in cells.into_iter().enumerate() {
            matrix[i].push(match cell {
                Ok(Outcome::Pass) => {
                    passed += 1;
                    "pass"
                }
                Ok(Outcome::NotApplicable(why)) => {
                    not_applicable.push(format!("{} / {}: {why}", profile.kind, SCENARIOS[i]));
                    "n/a"
                }
                Err(why) => {
                    failures.push(format!("{} / {}: {why}", profile.kind, SCENARIOS[i]));
                    "FAIL"
                }
            });
        }
    }
    println!(
        "\n| situation | {} |",
        profiles.iter().map(|p| p.kind).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|{}", "---|".repeat(profiles.len()));
    for (i, name) in SCENARIOS.iter().enumerate() {
        println!("| {name} | {} |", matrix[i].join(" | "));
    }
    println!("\nn/a (the gateway cannot produce the situation):");
    for line in &not_applicable {
        println!("- {line}");
    }
    if !failures.is_empty() {
        println!("\nFAIL:");
        for line in &failures {
            println!("- {line}");
        }
    }
    println!(
        "\ncontract: {passed} passed, {} failed, {} n/a",
        failures.len(),
        not_applicable.len()
    );
    assert!(failures.is_empty(), "contract failures:\n{}", failures.join("\n"));
}
