//! The HTTP handlers: idempotent POSTs, reads, lists and the customer pages. Each reads its
//! typed body, runs the state machine under the lock, and sends the webhooks it caused.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::api::{
    self, EventData, EventJson, ListJson, ListQuery, Reply, at_most, one_of, required,
};
use super::render;
use super::state::{
    self, CARD_SUCCEEDS, Customer, Payment, REFUND_FAILS, State, Status, Step, now,
};
use super::{EVENTS, Emu};
use crate::kit::cards;
use crate::kit::control::Triggers;
use crate::kit::pages::{QueryPairs, pairs, query_value};
use crate::kit::replay::Replay;

type Shared = Arc<Emu>;
type Checked<T> = Result<T, Reply>;

/// Currencies the sandbox accepts (lowercase ISO 4217).
const CURRENCIES: &[&str] = &[
    "aed", "aud", "bgn", "brl", "cad", "chf", "cny", "czk", "dkk", "eur", "gbp", "hkd", "huf",
    "idr", "ils", "inr", "isk", "jpy", "krw", "mxn", "myr", "nok", "nzd", "php", "pln", "ron",
    "sar", "sek", "sgd", "thb", "try", "usd", "zar",
];

/// Largest amount in minor units (eight digits, as Stripe).
const MAX_AMOUNT: i64 = 99_999_999;

/// A webhook to send once the lock is released.
type Event = (&'static str, Value);

impl Emu {
    /// Runs a POST: replays or runs `work` under the `Idempotency-Key`, then sends the
    /// webhooks `work` queued.
    fn post<B: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        route: &str,
        body: &Bytes,
        work: impl FnOnce(&Emu, &mut State, B, &mut Vec<Event>) -> Checked<Reply>,
    ) -> Response {
        let key = crate::kit::replay::key(headers, "idempotency-key");
        if key.as_ref().is_some_and(|k| k.len() > 255) {
            let message = "Idempotency-Key must be 1 to 255 visible ASCII characters.";
            return Reply::invalid("idempotency_key_invalid", message, None).into_response();
        }
        let mut events = Vec::new();
        let outcome = self.replays.run(
            key.as_deref(),
            route,
            body,
            |r| r.keep,
            || {
                let parsed = crate::kit::body::parse::<B>(body).map_err(|e| Reply::body(&e, ""));
                let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
                match parsed.and_then(|b| work(self, &mut st, b, &mut events)) {
                    Ok(r) | Err(r) => r,
                }
            },
        );
        self.send(events);
        match outcome {
            Replay::Fresh(r) => r.respond(false),
            Replay::Replayed(r) => r.respond(true),
            Replay::Conflict { .. } => Reply::error(
                400,
                "idempotency_error",
                "idempotency_key_in_use",
                "Keys for idempotent requests can only be used with the same parameters they were first used with.".into(),
                None,
            )
            .into_response(),
        }
    }

    /// Signs and emits webhooks, in order.
    fn send(&self, events: Vec<Event>) {
        for (kind, object) in events {
            let event = EventJson {
                id: self.ids.next("evt_"),
                object: "event",
                kind,
                created: now(),
                livemode: false,
                data: EventData { object },
            };
            self.ctx.webhooks.send(serde_json::to_vec(&event).unwrap_or_default());
        }
    }

    fn payment_event(&self, p: &Payment) -> Event {
        (p.event(), to_value(p.json(&self.ctx.public_url)))
    }
}

fn to_value(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// Any other URL or method under `/v1`.
pub(crate) async fn unrecognized(method: Method, uri: Uri) -> Reply {
    let message = format!("Unrecognized request URL ({method}: {}).", uri.path());
    Reply::error(404, "invalid_request_error", "resource_missing", message, None)
}

fn create_payment_in(
    emu: &Emu,
    st: &mut State,
    b: api::CreatePayment,
    events: &mut Vec<Event>,
) -> Checked<Reply> {
    let amount = required(b.amount, "amount")?;
    if amount < 1 {
        return Err(Reply::invalid(
            "amount_too_small",
            "Amount must be at least 1 (in the currency's smallest unit).",
            Some("amount"),
        ));
    }
    if amount > MAX_AMOUNT {
        return Err(Reply::invalid(
            "amount_too_large",
            format!("Amount must be no more than {MAX_AMOUNT}."),
            Some("amount"),
        ));
    }
    let currency = required(at_most(b.currency, "currency", 3)?, "currency")?;
    if currency != currency.to_ascii_lowercase() || !CURRENCIES.contains(&currency.as_str()) {
        let message = format!(
            "Invalid currency: {currency}. Currencies are supported three-letter ISO codes in lowercase (e.g. usd)."
        );
        return Err(Reply::invalid("parameter_invalid", message, Some("currency")));
    }
    if let Some(c) = b.customer_id.as_deref().filter(|c| !st.customers.iter().any(|x| x.id == *c)) {
        return Err(Reply::invalid(
            "resource_missing",
            format!("No such customer: '{c}'"),
            Some("customer_id"),
        ));
    }
    let manual = one_of(b.capture_method, "capture_method", &["automatic", "manual"])?
        .is_some_and(|m| m == "manual");
    let return_url = at_most(b.return_url, "return_url", 2048)?;
    if let Some(u) = &return_url {
        let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
            return Err(Reply::invalid(
                "url_invalid",
                format!("Not a valid URL: {u}"),
                Some("return_url"),
            ));
        }
    }
    let p = Payment {
        id: emu.ids.next("pay_"),
        amount,
        currency,
        status: Status::Pending,
        manual,
        customer_id: b.customer_id,
        description: at_most(b.description, "description", 1000)?,
        metadata: api::metadata(b.metadata)?,
        return_url,
        created: now(),
        amount_capturable: 0,
        amount_received: 0,
        amount_refunded: 0,
        step: Step::Checkout,
        card: None,
        last_payment_error: None,
        canceled_at: None,
    };
    events.push(emu.payment_event(&p));
    let answer = Reply::ok(p.json(&emu.ctx.public_url));
    st.payments.push(p);
    Ok(answer)
}

/// `POST /v1/payments`.
pub(crate) async fn create_payment(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/payments", &body, create_payment_in)
}

/// `GET /v1/payments/:id`.
pub(crate) async fn get_payment(AxState(emu): AxState<Shared>, Path(id): Path<String>) -> Reply {
    let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    match st.payment(&id) {
        Some(p) => Reply::ok(p.json(&emu.ctx.public_url)),
        None => Reply::missing("payment", &id, "id"),
    }
}

/// `POST /v1/payments/:id/capture`.
pub(crate) async fn capture_payment(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = format!("POST /v1/payments/{id}/capture");
    emu.post(&headers, &route, &body, |emu, st, b: api::Capture, events| {
        let p = st.payment_mut(&id).ok_or_else(|| Reply::missing("payment", &id, "id"))?;
        if p.status != Status::RequiresCapture {
            return Err(Reply::unexpected_state(
                p.status.word(),
                "captured",
                "a status of requires_capture",
            ));
        }
        let amount = b.amount_to_capture.unwrap_or(p.amount_capturable);
        if amount < 1 || amount > p.amount_capturable {
            let message = format!(
                "amount_to_capture ({amount}) must be from 1 to the amount capturable ({}).",
                p.amount_capturable
            );
            let code = if amount < 1 { "amount_too_small" } else { "amount_too_large" };
            return Err(Reply::invalid(code, message, Some("amount_to_capture")));
        }
        p.capture(amount);
        let p = p.clone();
        events.push(emu.payment_event(&p));
        Ok(Reply::ok(p.json(&emu.ctx.public_url)))
    })
}

/// `POST /v1/payments/:id/cancel`.
pub(crate) async fn cancel_payment(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = format!("POST /v1/payments/{id}/cancel");
    emu.post(&headers, &route, &body, |emu, st, _: api::Cancel, events| {
        let p = st.payment_mut(&id).ok_or_else(|| Reply::missing("payment", &id, "id"))?;
        if !matches!(p.status, Status::Pending | Status::RequiresAction | Status::RequiresCapture) {
            let allowed = "a status of pending, requires_action or requires_capture";
            return Err(Reply::unexpected_state(p.status.word(), "cancelled", allowed));
        }
        p.cancel(now());
        let p = p.clone();
        events.push(emu.payment_event(&p));
        Ok(Reply::ok(p.json(&emu.ctx.public_url)))
    })
}

fn list_query(q: Result<Query<ListQuery>, QueryRejection>) -> Checked<ListQuery> {
    let Query(q) = q.map_err(|e| {
        let text = e.body_text();
        let name = text.split('`').nth(1).unwrap_or_default().to_owned();
        if text.contains("unknown field") {
            Reply::invalid(
                "parameter_unknown",
                format!("Received unknown parameter: {name}"),
                Some(&name),
            )
        } else {
            Reply::invalid("parameter_invalid", format!("Invalid query: {text}"), None)
        }
    })?;
    Ok(q)
}

fn list_payments_in(emu: &Emu, q: ListQuery) -> Checked<Reply> {
    let limit = match q.limit.as_deref() {
        None => 20,
        Some(v) => v.parse::<usize>().ok().filter(|l| (1..=100).contains(l)).ok_or_else(|| {
            let message = format!("Invalid limit: {v}. limit must be an integer from 1 to 100.");
            Reply::invalid("parameter_invalid_integer", message, Some("limit"))
        })?,
    };
    if q.starting_after.is_some() && q.ending_before.is_some() {
        let message =
            "You may only specify one of these parameters: starting_after, ending_before.";
        return Err(Reply::invalid("parameters_exclusive", message, Some("ending_before")));
    }
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(Status::filter(s).ok_or_else(|| {
            let message = format!(
                "Invalid status: {s}. Must be one of pending, succeeded, failed, cancelled."
            );
            Reply::invalid("parameter_invalid", message, Some("status"))
        })?),
    };
    let time = |k: &str, v: Option<&str>| -> Checked<Option<i64>> {
        v.map(|v| v.parse::<i64>()).transpose().map_err(|_| {
            Reply::invalid(
                "parameter_invalid_integer",
                format!("Invalid timestamp for {k} (unix seconds)."),
                Some(k),
            )
        })
    };
    let gte = time("created[gte]", q.created_gte.as_deref())?;
    let lte = time("created[lte]", q.created_lte.as_deref())?;
    let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    let keep = |p: &Payment| {
        status.is_none_or(|s| p.status == s)
            && q.customer.as_deref().is_none_or(|c| p.customer_id.as_deref() == Some(c))
            && gte.is_none_or(|g| p.created >= g)
            && lte.is_none_or(|l| p.created <= l)
    };
    let (page, has_more) = state::page(
        &st.payments,
        |p| &p.id,
        keep,
        limit,
        q.starting_after.as_deref(),
        q.ending_before.as_deref(),
    )
    .map_err(|param| {
        Reply::invalid("resource_missing", format!("No such payment in {param}"), Some(param))
    })?;
    let data = page.into_iter().map(|p| p.json(&emu.ctx.public_url)).collect();
    Ok(Reply::ok(ListJson { object: "list", url: "/v1/payments", data, has_more }))
}

/// `GET /v1/payments`.
pub(crate) async fn list_payments(
    AxState(emu): AxState<Shared>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Reply {
    match list_query(q).and_then(|q| list_payments_in(&emu, q)) {
        Ok(r) | Err(r) => r,
    }
}

fn create_refund_in(
    emu: &Emu,
    st: &mut State,
    b: api::CreateRefund,
    events: &mut Vec<Event>,
) -> Checked<Reply> {
    let payment_id = required(b.payment_id, "payment_id")?;
    let reason = one_of(b.reason, "reason", &["duplicate", "fraudulent", "customer_request"])?;
    let metadata = api::metadata(b.metadata)?;
    let p = st.payment_mut(&payment_id).ok_or_else(|| {
        Reply::invalid(
            "resource_missing",
            format!("No such payment: '{payment_id}'"),
            Some("payment_id"),
        )
    })?;
    if p.status != Status::Succeeded {
        return Err(Reply::unexpected_state(p.status.word(), "refunded", "a status of succeeded"));
    }
    let refundable = p.amount_received - p.amount_refunded;
    if refundable <= 0 {
        let message = format!("Payment {payment_id} has already been refunded.");
        return Err(Reply::invalid("payment_already_refunded", message, Some("payment_id")).kept());
    }
    let amount = b.amount.unwrap_or(refundable);
    if amount < 1 || amount > refundable {
        let message = format!(
            "Refund amount ({amount}) must be from 1 to the unrefunded amount on the payment ({refundable})."
        );
        let code = if amount < 1 { "amount_too_small" } else { "amount_too_large" };
        return Err(Reply::invalid(code, message, Some("amount")));
    }
    let failed = amount == REFUND_FAILS;
    if !failed {
        p.amount_refunded += amount;
    }
    let currency = p.currency.clone();
    let refund = state::Refund {
        id: emu.ids.next("re_"),
        payment_id,
        amount,
        currency,
        failed,
        reason,
        metadata,
        created: now(),
    };
    events.push((refund.event(), to_value(refund.json())));
    let answer = Reply::ok(refund.json());
    st.refunds.push(refund);
    Ok(answer)
}

/// `POST /v1/refunds`.
pub(crate) async fn create_refund(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/refunds", &body, create_refund_in)
}

/// `GET /v1/refunds/:id`.
pub(crate) async fn get_refund(AxState(emu): AxState<Shared>, Path(id): Path<String>) -> Reply {
    let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    match st.refunds.iter().find(|r| r.id == id) {
        Some(r) => Reply::ok(r.json()),
        None => Reply::missing("refund", &id, "id"),
    }
}

fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
}

fn e164_ok(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn create_customer_in(
    emu: &Emu,
    st: &mut State,
    b: api::CreateCustomer,
    events: &mut Vec<Event>,
) -> Checked<Reply> {
    let email = at_most(b.email, "email", 512)?;
    if let Some(e) = email.as_deref().filter(|e| !email_ok(e)) {
        return Err(Reply::invalid(
            "email_invalid",
            format!("Invalid email address: {e}"),
            Some("email"),
        ));
    }
    let phone = at_most(b.phone, "phone", 20)?;
    if let Some(p) = phone.as_deref().filter(|p| !e164_ok(p)) {
        let message =
            format!("Invalid phone: {p}. Phone numbers are in E.164 format (+14155550123).");
        return Err(Reply::invalid("parameter_invalid", message, Some("phone")));
    }
    let c = Customer {
        id: emu.ids.next("cus_"),
        email,
        name: at_most(b.name, "name", 256)?,
        phone,
        address: b.address,
        metadata: api::metadata(b.metadata)?,
        created: now(),
    };
    events.push(("customer.created", to_value(c.json())));
    let answer = Reply::ok(c.json());
    st.customers.push(c);
    Ok(answer)
}

/// `POST /v1/customers`.
pub(crate) async fn create_customer(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/customers", &body, create_customer_in)
}

/// The hosted page's step for payment `id`: pays with `card`; `None` if unknown.
fn pay_on_page(emu: &Emu, id: &str, card: &str) -> Option<Payment> {
    let mut st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    let p = st.payment_mut(id)?;
    let changed = p.step == Step::Checkout;
    if changed {
        p.pay(card);
    }
    let p = p.clone();
    drop(st);
    if changed {
        emu.send(vec![emu.payment_event(&p)]);
    }
    Some(p)
}

/// `GET /sandbox/paynectra/checkout/:id?card=<number>`: the hosted payment page. Visiting it
/// pays with `card` (default 4242424242424242), then goes on to 3-D Secure (303 to the
/// redirect page) or back to the return URL.
pub(crate) async fn checkout(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Response {
    let pairs = pairs(q);
    let number =
        query_value(&pairs, "card").map_or(CARD_SUCCEEDS.to_owned(), |v| cards::digits(&v));
    if !cards::valid_number(&number) {
        return render::message(
            StatusCode::BAD_REQUEST,
            "invalid card",
            "Your card number is incorrect.",
        );
    }
    match pay_on_page(&emu, &id, &number) {
        None => {
            render::message(StatusCode::NOT_FOUND, "not found", &format!("No such payment: {id}"))
        }
        Some(p) if matches!(p.step, Step::ThreeDs(_)) => {
            crate::kit::pages::see_other(&p.three_ds_url(&emu.ctx.public_url))
        }
        Some(p) => render::finish(&p),
    }
}

/// `GET /sandbox/paynectra/redirect/:id[?result=fail]`: the 3-D Secure page.
pub(crate) async fn three_ds(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Response {
    let pairs = pairs(q);
    let authenticated = query_value(&pairs, "result").is_none_or(|v| v != "fail");
    let mut st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    let Some(p) = st.payment_mut(&id) else {
        return render::message(
            StatusCode::NOT_FOUND,
            "not found",
            &format!("No such payment: {id}"),
        );
    };
    let changed = matches!(p.step, Step::ThreeDs(_));
    p.complete_three_ds(authenticated);
    let p = p.clone();
    drop(st);
    if changed {
        emu.send(vec![emu.payment_event(&p)]);
    }
    render::finish(&p)
}

impl Triggers for Emu {
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn trigger(&self, event: &str) -> Result<Value, String> {
        let (amount, manual, card) = match event {
            "payment.created" => (1000, false, None),
            "payment.processing" => (7777, false, Some(CARD_SUCCEEDS)),
            "payment.requires_action" => (1000, false, Some("4000000000003220")),
            "payment.requires_capture" => (1000, true, Some(CARD_SUCCEEDS)),
            "payment.succeeded" | "refund.succeeded" => (1000, false, Some(CARD_SUCCEEDS)),
            "refund.failed" => (REFUND_FAILS, false, Some(CARD_SUCCEEDS)),
            "payment.failed" => (1000, false, Some("4000000000000002")),
            "payment.canceled" => (1000, false, None),
            "customer.created" => return self.trigger_customer(),
            other => return Err(format!("Paynectra sends no {other} event")),
        };
        let capture = if manual { "manual" } else { "automatic" };
        let body = json!({"amount": amount, "currency": "usd", "capture_method": capture, "description": format!("trigger {event}")});
        let b: api::CreatePayment = serde_json::from_value(body).map_err(|e| e.to_string())?;
        let mut events = Vec::new();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let created =
            create_payment_in(self, &mut st, b, &mut events).map_err(|r| r.body.to_string())?;
        let id = created.body["id"].as_str().unwrap_or_default().to_owned();
        drop(st);
        self.send(events);
        if let Some(card) = card {
            pay_on_page(self, &id, card);
        }
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut events = Vec::new();
        let object = match event {
            "payment.canceled" => {
                let p = st.payment_mut(&id).ok_or("gone")?;
                p.cancel(now());
                let p = p.clone();
                events.push(self.payment_event(&p));
                to_value(p.json(&self.ctx.public_url))
            }
            "refund.succeeded" | "refund.failed" => {
                let b =
                    serde_json::from_value(json!({"payment_id": id})).map_err(|e| e.to_string())?;
                create_refund_in(self, &mut st, b, &mut events)
                    .map_err(|r| r.body.to_string())?
                    .body
            }
            _ => to_value(st.payment(&id).map(|p| p.json(&self.ctx.public_url))),
        };
        drop(st);
        self.send(events);
        Ok(object)
    }
}

impl Emu {
    fn trigger_customer(&self) -> Result<Value, String> {
        let b = serde_json::from_value(
            json!({"name": "Triggered Customer", "email": "trigger@example.com"}),
        )
        .map_err(|e| e.to_string())?;
        let mut events = Vec::new();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let r =
            create_customer_in(self, &mut st, b, &mut events).map_err(|r| r.body.to_string())?;
        drop(st);
        self.send(events);
        Ok(r.body)
    }
}
