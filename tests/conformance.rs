//! One scenario list, run against every connector through its sandbox emulator.
//!
//! Scenarios are gated by the connector's declared capabilities (and by what its gateway's
//! sandbox offers, e.g. test cards); a gated scenario is a skip, and the `unsupported`
//! scenario checks that every operation outside the capabilities really answers
//! `Unsupported` without a request. The test prints a scenario x gateway matrix and fails on
//! any failure.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::webhook::{EventStore, InMemoryEventStore};
use paymux::{
    CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment, CreateCustomer,
    CreatePayment, CreatePayout, CreateRefund, Currency, CustomerId, DisputeEvidence, DisputeId,
    DisputeStatus, ErrorKind, EvidenceKind, IdempotencyKey, ListDisputes, ListPayments,
    ListPayouts, Money, NextAction, Operation, PaymentId, PaymentProvider, PaymentStatus, PayoutId,
    PayoutStatus, RefundId, RefundStatus, WebhookResource,
};
use paymux_tests::{CardEntry, Profile, pay, profiles, settle, visit_redirect, with_card};

enum Outcome {
    Pass,
    Skip(String),
}

type Scenario = Result<Outcome, String>;

struct Ctx<'a> {
    provider: Arc<dyn PaymentProvider>,
    emulator: &'a EmulatorHandle,
    profile: Profile,
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).unwrap()
}

impl Ctx<'_> {
    fn supports(&self, op: Operation) -> bool {
        self.provider.capabilities().supports(op)
    }

    fn gate(&self, ops: &[Operation]) -> Option<Outcome> {
        ops.iter()
            .find(|op| !self.supports(**op))
            .map(|op| Outcome::Skip(format!("capabilities lack {}", op.as_str())))
    }

    async fn paid(
        &self,
        amount: i64,
        capture: CaptureMode,
        reference: &str,
    ) -> Result<paymux::Payment, String> {
        let req = CreatePayment::new(usd(amount)).with_reference(reference).with_capture(capture);
        pay(&self.provider, self.emulator, &self.profile, req, self.profile.success_card).await
    }

    async fn authorized(&self, amount: i64, reference: &str) -> Result<paymux::Payment, String> {
        let p = self.paid(amount, CaptureMode::Manual, reference).await?;
        ensure!(
            p.status == PaymentStatus::RequiresCapture,
            "manual payment is {} ({})",
            p.status,
            p.raw_status
        );
        Ok(p)
    }
}

async fn create_and_succeed(c: &Ctx<'_>) -> Scenario {
    let p = c.paid(1050, CaptureMode::Automatic, "conf_succeed").await?;
    ensure!(p.status == PaymentStatus::Succeeded, "status {} ({})", p.status, p.raw_status);
    ensure!(p.amount == Some(usd(1050)), "amount {:?}", p.amount);
    Ok(Outcome::Pass)
}

async fn capture_full(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CapturePayment]) {
        return Ok(skip);
    }
    let p = c.authorized(2000, "conf_capture_full").await?;
    let captured = c
        .provider
        .capture_payment(&p.id, CapturePayment::default())
        .await
        .map_err(|e| e.to_string())?;
    let captured = settle(&c.provider, &captured.id).await.map_err(|e| e.to_string())?;
    ensure!(
        captured.status == PaymentStatus::Succeeded,
        "after capture: {} ({})",
        captured.status,
        captured.raw_status
    );
    if let Some(amount) = captured.amount_captured {
        ensure!(amount == usd(2000), "captured {amount}");
    }
    Ok(Outcome::Pass)
}

async fn capture_partial(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CapturePayment, Operation::PartialCapture]) {
        return Ok(skip);
    }
    let p = c.authorized(2000, "conf_capture_partial").await?;
    let req = CapturePayment::new().with_amount(usd(1500));
    let captured = c.provider.capture_payment(&p.id, req).await.map_err(|e| e.to_string())?;
    ensure!(
        matches!(
            captured.status,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyCaptured | PaymentStatus::Processing
        ),
        "after partial capture: {} ({})",
        captured.status,
        captured.raw_status
    );
    if let Some(amount) = captured.amount_captured.filter(|a| !a.is_zero()) {
        ensure!(amount == usd(1500), "captured {amount}");
    }
    Ok(Outcome::Pass)
}

async fn cancel(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CancelPayment, Operation::CapturePayment]) {
        return Ok(skip);
    }
    let p = c.authorized(3000, "conf_cancel").await?;
    let cancelled = c
        .provider
        .cancel_payment(&p.id, CancelPayment::default())
        .await
        .map_err(|e| e.to_string())?;
    let cancelled = settle(&c.provider, &cancelled.id).await.map_err(|e| e.to_string())?;
    ensure!(
        cancelled.status == PaymentStatus::Cancelled,
        "after cancel: {} ({})",
        cancelled.status,
        cancelled.raw_status
    );
    let again = c.provider.capture_payment(&p.id, CapturePayment::default()).await;
    ensure!(
        matches!(&again, Err(e) if matches!(e.kind(), ErrorKind::Conflict | ErrorKind::InvalidRequest)),
        "capture after cancel: {again:?}"
    );
    Ok(Outcome::Pass)
}

async fn decline(c: &Ctx<'_>) -> Scenario {
    let Some((card, code)) = c.profile.decline_card.clone() else {
        return Ok(Outcome::Skip("no declining test card at this gateway".into()));
    };
    let req = CreatePayment::new(usd(1234)).with_reference("conf_decline");
    match pay(&c.provider, c.emulator, &c.profile, req, card).await {
        Ok(p) => {
            ensure!(p.status == PaymentStatus::Failed, "status {} ({})", p.status, p.raw_status);
            ensure!(
                p.decline_code() == Some(&code),
                "decline code {:?} (failure {:?})",
                p.decline_code(),
                p.failure
            );
        }
        Err(e) => ensure!(e.contains("declined") && e.contains(code.as_str()), "error {e}"),
    }
    Ok(Outcome::Pass)
}

async fn redirect_then_complete(c: &Ctx<'_>) -> Scenario {
    let card = match (c.profile.card_entry, c.profile.redirect_card) {
        (CardEntry::None, _) => "",
        (_, Some(card)) => card,
        (_, None) => return Ok(Outcome::Skip("no redirect test card".into())),
    };
    let req =
        with_card(&c.profile, CreatePayment::new(usd(4200)).with_reference("conf_redirect"), card);
    let created = c.provider.create_payment(req).await.map_err(|e| e.to_string())?;
    ensure!(
        matches!(created.next_action, Some(NextAction::Redirect { .. })),
        "no redirect: {} ({}) {:?}",
        created.status,
        created.raw_status,
        created.next_action
    );
    ensure!(!created.status.is_final(), "final before the customer acted: {}", created.status);
    visit_redirect(c.emulator, &created, Some(card)).await?;
    let mut settled = settle(&c.provider, &created.id).await.map_err(|e| e.to_string())?;
    if settled.status == PaymentStatus::RequiresAction {
        visit_redirect(c.emulator, &settled, None).await?;
        settled = settle(&c.provider, &created.id).await.map_err(|e| e.to_string())?;
    }
    ensure!(
        settled.status == PaymentStatus::Succeeded,
        "after redirect: {} ({})",
        settled.status,
        settled.raw_status
    );
    Ok(Outcome::Pass)
}

async fn refund_full(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CreateRefund, Operation::GetRefund]) {
        return Ok(skip);
    }
    let p = c.paid(2500, CaptureMode::Automatic, "conf_refund_full").await?;
    ensure!(p.status == PaymentStatus::Succeeded, "payment {}", p.status);
    let r = c
        .provider
        .create_refund(CreateRefund::new(p.id.clone()))
        .await
        .map_err(|e| e.to_string())?;
    ensure!(r.amount == usd(2500), "refunded {}", r.amount);
    ensure!(r.payment_id == p.id, "refund of {}", r.payment_id);
    let fetched = c.provider.get_refund(&r.id).await.map_err(|e| e.to_string())?;
    ensure!(
        matches!(fetched.status, RefundStatus::Succeeded | RefundStatus::Pending),
        "refund {} ({})",
        fetched.status,
        fetched.raw_status
    );
    Ok(Outcome::Pass)
}

async fn refund_partial(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CreateRefund, Operation::PartialRefund]) {
        return Ok(skip);
    }
    let p = c.paid(5000, CaptureMode::Automatic, "conf_refund_partial").await?;
    for _ in 0..2 {
        let r = c
            .provider
            .create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(1500)))
            .await
            .map_err(|e| e.to_string())?;
        ensure!(r.amount == usd(1500), "refunded {}", r.amount);
        ensure!(r.status != RefundStatus::Failed, "refund failed: {}", r.raw_status);
    }
    Ok(Outcome::Pass)
}

async fn over_refund(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CreateRefund, Operation::PartialRefund]) {
        return Ok(skip);
    }
    let p = c.paid(1000, CaptureMode::Automatic, "conf_over_refund").await?;
    c.provider
        .create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(600)))
        .await
        .map_err(|e| e.to_string())?;
    let over =
        c.provider.create_refund(CreateRefund::new(p.id.clone()).with_amount(usd(600))).await;
    ensure!(
        matches!(&over, Err(e) if matches!(e.kind(), ErrorKind::InvalidRequest | ErrorKind::Conflict)),
        "second refund beyond the payment: {over:?}"
    );
    Ok(Outcome::Pass)
}

async fn retrieve(c: &Ctx<'_>) -> Scenario {
    let p = c.paid(777, CaptureMode::Automatic, "conf_retrieve").await?;
    let got = c.provider.get_payment(&p.id).await.map_err(|e| e.to_string())?;
    ensure!(got.id == p.id && got.amount == p.amount && got.status == p.status, "{got:?} vs {p:?}");
    let missing = c.provider.get_payment(&PaymentId::new("0000000000000000000000000000dead")).await;
    ensure!(
        matches!(&missing, Err(e) if e.kind() == ErrorKind::NotFound),
        "unknown id: {missing:?}"
    );
    Ok(Outcome::Pass)
}

async fn list_pages(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::ListPayments]) {
        return Ok(skip);
    }
    let mut ours = Vec::new();
    for i in 0..3 {
        let req = with_card(
            &c.profile,
            CreatePayment::new(usd(300 + i)).with_reference(format!("conf_list_{i}")),
            c.profile.success_card,
        );
        ours.push(c.provider.create_payment(req).await.map_err(|e| e.to_string())?.id);
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = c
            .provider
            .list_payments({
                let mut q = ListPayments::new().with_limit(2);
                q.cursor = cursor.clone();
                q
            })
            .await
            .map_err(|e| e.to_string())?;
        pages += 1;
        ensure!(page.items.len() <= 2, "page of {} items with limit 2", page.items.len());
        seen.extend(page.items.into_iter().map(|p| p.id));
        if ours.iter().all(|id| seen.contains(id)) || !page.has_more || pages >= 50 {
            break;
        }
        cursor = page.next;
        ensure!(cursor.is_some(), "has_more without a cursor");
    }
    ensure!(pages >= 2, "all on one page");
    ensure!(ours.iter().all(|id| seen.contains(id)), "not all found: {ours:?} in {seen:?}");
    Ok(Outcome::Pass)
}

async fn idempotent_retry(c: &Ctx<'_>) -> Scenario {
    if !c.profile.idempotent_create {
        return Ok(Outcome::Skip(
            "gateway has no idempotency keys (connector recovers by reference lookup)".into(),
        ));
    }
    let key = IdempotencyKey::generate();
    let req = with_card(
        &c.profile,
        CreatePayment::new(usd(999)).with_reference("conf_idem").with_idempotency_key(key.clone()),
        c.profile.success_card,
    );
    let first = c.provider.create_payment(req.clone()).await.map_err(|e| e.to_string())?;
    // The same call again, said to be a retry (a gateway without keys looks it up first).
    let second = c.provider.create_payment(req.retrying(key)).await.map_err(|e| e.to_string())?;
    ensure!(first.id == second.id, "two payments for one key: {} and {}", first.id, second.id);
    Ok(Outcome::Pass)
}

async fn webhook(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::Webhooks]) {
        return Ok(skip);
    }
    let before = c.emulator.webhooks().sent().len();
    let p = c.paid(1999, CaptureMode::Automatic, "conf_webhook").await?;
    // Webhooks of earlier scenarios (refunds...) may still be on their way: look for the one
    // about this payment among everything sent since.
    let mut found = None;
    for _ in 0..40 {
        for hook in c.emulator.webhooks().sent().split_off(before) {
            let event = c
                .provider
                .parse_webhook(&hook.header_map(), &hook.body)
                .map_err(|e| e.to_string())?;
            if matches!(&event.resource, WebhookResource::Payment(wp) if wp.id == p.id) {
                found = Some((hook, event));
                break;
            }
        }
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (hook, event) = found.ok_or_else(|| format!("no webhook about {} within 2 s", p.id))?;
    let store = InMemoryEventStore::default();
    ensure!(
        store.first_seen(&event.provider, &event.id).await.unwrap(),
        "first delivery seen as duplicate"
    );
    let again =
        c.provider.parse_webhook(&hook.header_map(), &hook.body).map_err(|e| e.to_string())?;
    ensure!(
        !store.first_seen(&again.provider, &again.id).await.unwrap(),
        "redelivery not deduplicated"
    );
    let mut tampered = hook.body.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    let refused = c.provider.parse_webhook(&hook.header_map(), &tampered);
    ensure!(
        matches!(&refused, Err(e) if e.kind() == ErrorKind::WebhookSignature),
        "tampered body: {refused:?}"
    );
    Ok(Outcome::Pass)
}

async fn unsupported(c: &Ctx<'_>) -> Scenario {
    let requests_before = c.emulator.stats().total();
    let id = PaymentId::new("pay_conformance_unsupported");
    let mut checked = 0;
    for op in Operation::ALL {
        if c.supports(op) || matches!(op, Operation::PartialCapture | Operation::PartialRefund) {
            continue;
        }
        let result = match op {
            Operation::ConfirmPayment => {
                c.provider.confirm_payment(&id, ConfirmPayment::default()).await.map(drop)
            }
            Operation::CapturePayment => {
                c.provider.capture_payment(&id, CapturePayment::default()).await.map(drop)
            }
            Operation::CancelPayment => {
                c.provider.cancel_payment(&id, CancelPayment::default()).await.map(drop)
            }
            Operation::ListPayments => {
                c.provider.list_payments(ListPayments::default()).await.map(drop)
            }
            Operation::CreateRefund => {
                c.provider.create_refund(CreateRefund::new(id.clone())).await.map(drop)
            }
            Operation::GetRefund => c.provider.get_refund(&RefundId::new("re_x")).await.map(drop),
            Operation::CreateCustomer => {
                c.provider.create_customer(CreateCustomer::default()).await.map(drop)
            }
            Operation::GetCustomer => {
                c.provider.get_customer(&CustomerId::from_stored("cus_x")).await.map(drop)
            }
            Operation::Webhooks => {
                c.provider.parse_webhook(&http::HeaderMap::new(), b"{}").map(drop)
            }
            Operation::CreatePayout => {
                c.provider.create_payout(CreatePayout::new(usd(100))).await.map(drop)
            }
            Operation::GetPayout => c.provider.get_payout(&PayoutId::new("po_x")).await.map(drop),
            Operation::ListPayouts => {
                c.provider.list_payouts(ListPayouts::default()).await.map(drop)
            }
            Operation::CancelPayout => {
                c.provider.cancel_payout(&PayoutId::new("po_x")).await.map(drop)
            }
            Operation::ListDisputes => {
                c.provider.list_disputes(ListDisputes::default()).await.map(drop)
            }
            Operation::GetDispute => {
                c.provider.get_dispute(&DisputeId::new("dp_x")).await.map(drop)
            }
            Operation::AcceptDispute => {
                c.provider.accept_dispute(&DisputeId::new("dp_x")).await.map(drop)
            }
            Operation::SubmitDisputeEvidence => c
                .provider
                .submit_dispute_evidence(&DisputeId::new("dp_x"), DisputeEvidence::new())
                .await
                .map(drop),
            Operation::CreatePayment | Operation::GetPayment => continue,
            Operation::PartialCapture | Operation::PartialRefund => continue,
        };
        ensure!(
            matches!(&result, Err(e) if matches!(e.kind(), ErrorKind::Unsupported | ErrorKind::Configuration)),
            "{} is outside the capabilities but answered {result:?}",
            op.as_str()
        );
        // Named like any other error (see `errors_name_their_provider`).
        if let Err(e) = &result {
            ensure!(
                e.provider() == Some(c.provider.id()),
                "{} refused without naming its provider: {e}",
                op.as_str()
            );
        }
        checked += 1;
    }
    ensure!(
        c.emulator.stats().total() == requests_before,
        "an unsupported call reached the gateway"
    );
    if checked == 0 {
        return Ok(Outcome::Skip("every operation is supported".into()));
    }
    Ok(Outcome::Pass)
}

/// Every error says which provider instance it came from, whether the connector refused the
/// call before sending (bad id, bad request; unsupported operations are checked in
/// `unsupported`) or the gateway answered
/// with an error: behind a router or in a log line, an error without it cannot be traced.
async fn errors_name_their_provider(c: &Ctx<'_>) -> Scenario {
    let me = c.provider.id().clone();
    let requests_before = c.emulator.stats().total();
    let mut refused_locally: Vec<(&str, paymux::Error)> = Vec::new();
    let bad_id = PaymentId::new("pay_1/../admin");
    match c.provider.get_payment(&bad_id).await {
        Err(e) if c.emulator.stats().total() == requests_before => {
            refused_locally.push(("get_payment with a path in the id", e));
        }
        other => return Err(format!("an id with '/' and '..' was sent: {other:?}")),
    }
    ensure!(
        c.emulator.stats().total() == requests_before,
        "a call that should be refused before sending reached the gateway"
    );
    for (what, e) in &refused_locally {
        ensure!(e.provider() == Some(&me), "{what}: error names {:?}, not {me}: {e}", e.provider());
    }
    // Refused by the connector or by the gateway (not every gateway documents its limits):
    // either way the error names the provider.
    let long = "r".repeat(10_000);
    match c.provider.create_payment(CreatePayment::new(usd(1000)).with_reference(long)).await {
        Err(e) => ensure!(
            e.kind() == ErrorKind::InvalidRequest && e.provider() == Some(&me),
            "a 10,000-character reference: {e:?}"
        ),
        Ok(p) => return Err(format!("a 10,000-character reference was accepted: {p:?}")),
    }
    let missing = c.provider.get_payment(&PaymentId::new("0000000000000000000000000000dead")).await;
    match missing {
        Err(e) => ensure!(
            e.provider() == Some(&me),
            "the gateway's not-found names {:?}, not {me}: {e}",
            e.provider()
        ),
        Ok(p) => return Err(format!("unknown id found: {p:?}")),
    }
    Ok(Outcome::Pass)
}

const SCENARIOS: [&str; 17] = [
    "create and succeed",
    "manual capture, full",
    "manual capture, partial",
    "cancel",
    "decline, normalized code",
    "redirect, then completion",
    "refund, full",
    "refund, partial",
    "over-refund refused",
    "retrieve",
    "list across pages",
    "idempotent retry",
    "webhook verified, parsed, deduped",
    "unsupported where declared",
    "errors name their provider",
    "payout",
    "dispute",
];

/// A payout: created once per key (a repeat returns it), read back, listed; cancelled while
/// it has not moved, refused cleanly once final.
async fn payout(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::CreatePayout, Operation::GetPayout]) {
        return Ok(skip);
    }
    let key = IdempotencyKey::generate();
    // Hyperswitch asks a card payout for its holder's name.
    let card =
        Card::new(c.profile.success_card, 12, 2030, "123").unwrap().with_holder_name("Jane Seller");
    let req = CreatePayout::new(usd(1500))
        .with_card(card)
        .with_reference(format!("conformance_payout_{}", c.profile.kind))
        .with_idempotency_key(key.clone());
    let payout = c.provider.create_payout(req.clone()).await.map_err(|e| e.to_string())?;
    ensure!(payout.contract_breach().is_none(), "{:?}", payout.contract_breach());
    ensure!(payout.amount == Some(usd(1500)), "payout amount {:?}", payout.amount);
    ensure!(payout.status != PayoutStatus::Failed, "payout failed: {:?}", payout.failure);
    let again = c.provider.create_payout(req.retrying(key)).await.map_err(|e| e.to_string())?;
    ensure!(again.id == payout.id, "a retry made a second payout: {} {}", payout.id, again.id);
    let read = c.provider.get_payout(&payout.id).await.map_err(|e| e.to_string())?;
    ensure!(read.id == payout.id && read.amount == payout.amount, "read back {read:?}");
    if c.supports(Operation::ListPayouts) {
        let page = c.provider.list_payouts(ListPayouts::new()).await.map_err(|e| e.to_string())?;
        ensure!(page.items.iter().any(|p| p.id == payout.id), "payout {} not listed", payout.id);
    }
    if c.supports(Operation::CancelPayout) {
        match c.provider.cancel_payout(&payout.id).await {
            Ok(cancelled) => ensure!(
                cancelled.status == PayoutStatus::Cancelled,
                "cancel answered {} ({})",
                cancelled.status,
                cancelled.raw_status
            ),
            // It may have moved on since it was read: then the gateway refuses, as a conflict.
            Err(e) => {
                ensure!(e.kind() == ErrorKind::Conflict, "cancel of a {} payout: {e}", read.status)
            }
        }
    }
    Ok(Outcome::Pass)
}

/// A dispute the gateway opens (its sandbox trigger): listed as `NeedsResponse`, read, then
/// answered: accepted, or challenged with evidence.
async fn dispute(c: &Ctx<'_>) -> Scenario {
    if let Some(skip) = c.gate(&[Operation::ListDisputes, Operation::GetDispute]) {
        return Ok(skip);
    }
    let mut answered = Vec::new();
    for answer in [Operation::AcceptDispute, Operation::SubmitDisputeEvidence] {
        if !c.supports(answer) {
            continue;
        }
        trigger(c.emulator, "dispute_opened").await?;
        let open = ListDisputes::new().with_status(DisputeStatus::NeedsResponse);
        let page = c.provider.list_disputes(open).await.map_err(|e| e.to_string())?;
        let Some(listed) = page.items.into_iter().find(|d| !answered.contains(&d.id)) else {
            return Err("the opened dispute is not listed as needs_response".to_owned());
        };
        ensure!(listed.status == DisputeStatus::NeedsResponse, "listed as {}", listed.status);
        let read = c.provider.get_dispute(&listed.id).await.map_err(|e| e.to_string())?;
        ensure!(read.id == listed.id && read.amount.is_some(), "read back {read:?}");
        let (done, want) = if answer == Operation::AcceptDispute {
            (c.provider.accept_dispute(&read.id).await, DisputeStatus::Accepted)
        } else {
            let evidence = DisputeEvidence::new()
                .with_document(EvidenceKind::Receipt, "file_conformance_receipt")
                .with_text("Delivered and signed for.");
            (
                c.provider.submit_dispute_evidence(&read.id, evidence).await,
                DisputeStatus::UnderReview,
            )
        };
        let done = done.map_err(|e| format!("{}: {e}", answer.as_str()))?;
        ensure!(
            done.status == want,
            "{} left it {} ({})",
            answer.as_str(),
            done.status,
            done.raw_status
        );
        answered.push(read.id);
    }
    ensure!(!answered.is_empty(), "disputes are listed but cannot be answered");
    Ok(Outcome::Pass)
}

/// Makes the emulator emit `event` (its sandbox control route), creating what it is about.
async fn trigger(emulator: &EmulatorHandle, event: &str) -> Result<(), String> {
    let url = format!("{}/sandbox/{}/trigger/{event}", emulator.base_url(), emulator.name());
    let answer = reqwest::Client::new().post(&url).send().await.map_err(|e| e.to_string())?;
    ensure!(answer.status().is_success(), "{url}: {}", answer.status());
    Ok(())
}

async fn run(i: usize, c: &Ctx<'_>) -> Scenario {
    match i {
        0 => create_and_succeed(c).await,
        1 => capture_full(c).await,
        2 => capture_partial(c).await,
        3 => cancel(c).await,
        4 => decline(c).await,
        5 => redirect_then_complete(c).await,
        6 => refund_full(c).await,
        7 => refund_partial(c).await,
        8 => over_refund(c).await,
        9 => retrieve(c).await,
        10 => list_pages(c).await,
        11 => idempotent_retry(c).await,
        12 => webhook(c).await,
        13 => unsupported(c).await,
        14 => errors_name_their_provider(c).await,
        15 => payout(c).await,
        _ => dispute(c).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connector_passes_the_same_scenarios() {
    let sandbox = Sandbox::start().await.unwrap();
    let emulators: BTreeMap<&str, &EmulatorHandle> =
        sandbox.all().into_iter().map(|e| (e.name(), e)).collect();
    let profiles = profiles();
    let mut matrix: Vec<Vec<String>> = vec![Vec::new(); SCENARIOS.len()];
    let mut failures = Vec::new();
    let (mut passed, mut skipped) = (0, 0);
    for profile in &profiles {
        let emulator = emulators[profile.kind];
        let provider = paymux::sandbox::provider(emulator).unwrap();
        let ctx = Ctx { provider, emulator, profile: profile.clone() };
        for (i, name) in SCENARIOS.iter().enumerate() {
            let cell = match run(i, &ctx).await {
                Ok(Outcome::Pass) => {
                    passed += 1;
                    "pass".to_owned()
                }
                Ok(Outcome::Skip(why)) => {
                    skipped += 1;
                    eprintln!("skip {}/{name}: {why}", profile.kind);
                    "skip".to_owned()
                }
                Err(why) => {
                    failures.push(format!("{} / {name}: {why}", profile.kind));
                    "FAIL".to_owned()
                }
            };
            matrix[i].push(cell);
        }
    }
    println!(
        "\n| scenario | {} |",
        profiles.iter().map(|p| p.kind).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|{}", "---|".repeat(profiles.len()));
    for (i, name) in SCENARIOS.iter().enumerate() {
        println!("| {name} | {} |", matrix[i].join(" | "));
    }
    println!("\nconformance: {passed} passed, {} failed, {skipped} skipped", failures.len());
    assert!(failures.is_empty(), "conformance failures:\n{}", failures.join("\n"));
}
