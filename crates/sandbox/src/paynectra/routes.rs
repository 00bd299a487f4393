//! Paynectra's HTTP routes: auth, idempotency, validation, lists, and the sandbox's customer
//! pages (hosted checkout and 3-D Secure).

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use paymux_core::webhook::{Algorithm, Encoding, sign_parts};
use serde_json::{Map, Value, json};

use super::state::{
    self, CARD_SUCCEEDS, CardUsed, Customer, Event, Payment, Refund, State, Status, Step, Stored,
    now, status_event,
};
use crate::server::Ctx;

/// The emulator: its context, credentials and state.
#[derive(Debug)]
pub(crate) struct Emu {
    pub ctx: Ctx,
    pub api_key: String,
    pub webhook_secret: String,
    pub state: Mutex<State>,
}

pub(crate) type Shared = Arc<Emu>;

/// Currencies the sandbox accepts (lowercase ISO 4217).
const CURRENCIES: &[&str] = &[
    "aed", "aud", "bgn", "brl", "cad", "chf", "cny", "czk", "dkk", "eur", "gbp", "hkd", "huf",
    "idr", "ils", "inr", "isk", "jpy", "krw", "mxn", "myr", "nok", "nzd", "php", "pln", "ron",
    "sar", "sek", "sgd", "thb", "try", "usd", "zar",
];

/// Largest amount in minor units (eight digits, as Stripe).
const MAX_AMOUNT: i64 = 99_999_999;

/// The webhook signature header.
pub(crate) const SIGNATURE_HEADER: &str = "Paynectra-Signature";

// ---------------------------------------------------------------------------------------------
// Answers and errors

/// An API answer; `store` says whether an idempotency key keeps it (Stripe keeps answers of
/// requests that started executing, not of requests refused by validation).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    body: Value,
    store: bool,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply { status: 200, body, store: true }
    }

    fn error(status: u16, kind: &str, code: &str, message: String, param: Option<&str>) -> Reply {
        let mut e = Map::new();
        e.insert("type".into(), kind.into());
        e.insert("code".into(), code.into());
        e.insert("message".into(), message.into());
        if let Some(p) = param {
            e.insert("param".into(), p.into());
        }
        Reply { status, body: json!({ "error": e }), store: false }
    }

    /// A 400 `invalid_request_error` from validation (not kept by idempotency).
    fn invalid(code: &str, message: impl Into<String>, param: Option<&str>) -> Reply {
        Reply::error(400, "invalid_request_error", code, message.into(), param)
    }

    /// A 400 for a move the payment's state forbids (kept by idempotency).
    fn unexpected_state(p: &Payment, done: &str, allowed: &str) -> Reply {
        let mut r = Reply::invalid(
            "payment_unexpected_state",
            format!(
                "This payment has a status of {}; only a payment with {allowed} can be {done}.",
                p.status.word()
            ),
            None,
        );
        r.store = true;
        r
    }

    fn missing(what: &str, id: &str, param: &str) -> Reply {
        Reply::error(
            404,
            "invalid_request_error",
            "resource_missing",
            format!("No such {what}: '{id}'"),
            Some(param),
        )
    }

    fn stored(mut self) -> Reply {
        self.store = true;
        self
    }

    fn respond(self, replayed: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self.body)).into_response();
        if replayed {
            r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        r
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        self.respond(false)
    }
}

type Checked<T> = Result<T, Reply>;

// ---------------------------------------------------------------------------------------------
// Auth

/// `Authorization: Bearer sk_test_...` on every `/v1` route; adds `Request-Id` to answers.
pub(crate) async fn auth(AxState(emu): AxState<Shared>, req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .and_then(|h| {
            let (scheme, key) = h.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_owned())
        });
    let refused = |code: &str, message: String| {
        Reply::error(401, "authentication_error", code, message, None).into_response()
    };
    let mut response = match given {
        None => refused(
            "api_key_missing",
            "You did not provide an API key. Provide it in the Authorization header as \
             'Authorization: Bearer sk_test_...'."
                .into(),
        ),
        Some(k) if k == emu.api_key => next.run(req).await,
        Some(k) if k.starts_with("sk_live_") => refused(
            "api_key_invalid",
            "Live keys (sk_live_...) are not accepted by the sandbox: use a test key.".into(),
        ),
        Some(k) => refused("api_key_invalid", format!("Invalid API Key provided: {}", mask(&k))),
    };
    let rid = emu.state.lock().unwrap_or_else(|p| p.into_inner()).ids.next("req_");
    if let Ok(v) = HeaderValue::from_str(&rid) {
        response.headers_mut().insert("request-id", v);
    }
    response
}

fn mask(key: &str) -> String {
    let tail: String =
        key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect::<String>();
    let head: String = key.chars().take(8).collect();
    format!("{head}****{tail}")
}

/// Any other URL or method under `/v1`.
pub(crate) async fn unrecognized(method: Method, uri: Uri) -> Reply {
    Reply::error(
        404,
        "invalid_request_error",
        "resource_missing",
        format!("Unrecognized request URL ({method}: {}).", uri.path()),
        None,
    )
}

// ---------------------------------------------------------------------------------------------
// Bodies and parameters

fn parse_body(headers: &HeaderMap, body: &Bytes) -> Checked<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ctype.trim_start().to_ascii_lowercase().starts_with("application/json") {
        return Err(Reply::invalid(
            "parse_error",
            format!(
                "Invalid request: the body must be JSON with Content-Type: application/json \
                 (got {:?}).",
                ctype
            ),
            None,
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => {
            Err(Reply::invalid("parse_error", "The request body must be a JSON object.", None))
        }
        Err(e) => Err(Reply::invalid("parse_error", format!("Invalid JSON body: {e}"), None)),
    }
}

fn check_known(map: &Map<String, Value>, known: &[&str], prefix: &str) -> Checked<()> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let param = if prefix.is_empty() { k.clone() } else { format!("{prefix}[{k}]") };
            Err(Reply::invalid(
                "parameter_unknown",
                format!("Received unknown parameter: {param}"),
                Some(&param),
            ))
        }
    }
}

fn opt_int(map: &Map<String, Value>, key: &str) -> Checked<Option<i64>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(other) => Err(Reply::invalid(
            "parameter_invalid_integer",
            format!("Invalid integer: {other} ({key} must be an integer number of minor units)"),
            Some(key),
        )),
    }
}

fn opt_str(map: &Map<String, Value>, key: &str, max: usize) -> Checked<Option<String>> {
    opt_str_named(map, key, key, max)
}

fn opt_str_named(
    map: &Map<String, Value>,
    key: &str,
    param: &str,
    max: usize,
) -> Checked<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => Err(Reply::invalid(
            "parameter_invalid",
            format!("{param} must be at most {max} characters."),
            Some(param),
        )),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Reply::invalid(
            "parameter_invalid",
            format!("Invalid {param}: must be a string."),
            Some(param),
        )),
    }
}

fn required<T>(v: Option<T>, key: &str) -> Checked<T> {
    v.ok_or_else(|| {
        Reply::invalid("parameter_missing", format!("Missing required param: {key}."), Some(key))
    })
}

fn one_of(v: Option<String>, key: &str, allowed: &[&str]) -> Checked<Option<String>> {
    match v {
        Some(s) if !allowed.contains(&s.as_str()) => Err(Reply::invalid(
            "parameter_invalid",
            format!("Invalid {key}: must be one of {}", allowed.join(", ")),
            Some(key),
        )),
        v => Ok(v),
    }
}

/// `metadata`: an object of at most 50 string values (keys up to 40 characters, values up to
/// 500), as Stripe.
fn metadata(map: &Map<String, Value>) -> Checked<Map<String, Value>> {
    let m = match map.get("metadata") {
        None | Some(Value::Null) => return Ok(Map::new()),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(Reply::invalid(
                "parameter_invalid",
                "Invalid metadata: must be an object of string values.",
                Some("metadata"),
            ));
        }
    };
    if m.len() > 50 {
        return Err(Reply::invalid(
            "parameter_invalid",
            "metadata can have at most 50 keys.",
            Some("metadata"),
        ));
    }
    for (k, v) in m {
        let param = format!("metadata[{k}]");
        let ok =
            k.chars().count() <= 40 && matches!(v, Value::String(s) if s.chars().count() <= 500);
        if !ok {
            return Err(Reply::invalid(
                "parameter_invalid",
                format!(
                    "Invalid {param}: keys are at most 40 characters and values strings of \
                     at most 500."
                ),
                Some(&param),
            ));
        }
    }
    Ok(m.clone())
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

fn card_number_ok(number: &str) -> bool {
    (12..=19).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit()) && luhn(number)
}

fn card_error(code: &str, message: &str, param: &str) -> Reply {
    Reply::error(402, "card_error", code, message.into(), Some(param))
}

/// The sandbox's `payment_method: {card: {number, exp_month, exp_year, cvc}}` extension.
fn parse_card(v: &Value) -> Checked<CardUsed> {
    let Value::Object(pm) = v else {
        return Err(Reply::invalid(
            "parameter_invalid",
            "payment_method must be an object {card: {number, exp_month, exp_year, cvc}}.",
            Some("payment_method"),
        ));
    };
    check_known(pm, &["type", "card"], "payment_method")?;
    if let Some(t) = pm.get("type").filter(|t| *t != "card") {
        return Err(Reply::invalid(
            "parameter_invalid",
            format!("Invalid payment_method[type]: {t} (only card)."),
            Some("payment_method[type]"),
        ));
    }
    let Some(Value::Object(card)) = pm.get("card") else {
        return Err(Reply::invalid(
            "parameter_missing",
            "Missing required param: payment_method[card].",
            Some("payment_method[card]"),
        ));
    };
    let p = "payment_method[card]";
    check_known(card, &["number", "exp_month", "exp_year", "cvc"], p)?;
    let number = required(
        opt_str_named(card, "number", "payment_method[card][number]", 40)?,
        "payment_method[card][number]",
    )?
    .replace([' ', '-'], "");
    let exp_month = required(opt_int(card, "exp_month")?, "payment_method[card][exp_month]")?;
    let exp_year = required(opt_int(card, "exp_year")?, "payment_method[card][exp_year]")?;
    let cvc = opt_str_named(card, "cvc", "payment_method[card][cvc]", 4)?;
    if !card_number_ok(&number) {
        return Err(card_error(
            "incorrect_number",
            "Your card number is incorrect.",
            "payment_method[card][number]",
        ));
    }
    if !(1..=12).contains(&exp_month) {
        return Err(card_error(
            "invalid_expiry_month",
            "Your card's expiration month is invalid.",
            "payment_method[card][exp_month]",
        ));
    }
    let today = time::OffsetDateTime::now_utc();
    let (year, month) = (i64::from(today.year()), i64::from(u8::from(today.month())));
    if exp_year < year || (exp_year == year && exp_month < month) || exp_year > year + 50 {
        return Err(card_error(
            "invalid_expiry_year",
            "Your card's expiration year is invalid.",
            "payment_method[card][exp_year]",
        ));
    }
    if let Some(cvc) = cvc
        && !((3..=4).contains(&cvc.len()) && cvc.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(card_error(
            "invalid_cvc",
            "Your card's security code is invalid.",
            "payment_method[card][cvc]",
        ));
    }
    Ok(CardUsed { number, exp_month, exp_year })
}

// ---------------------------------------------------------------------------------------------
// POST plumbing: idempotency and webhooks

impl Emu {
    /// Runs a POST: parses the body, replays or runs `work` under the `Idempotency-Key`, then
    /// sends the webhooks `work` queued.
    fn post(
        &self,
        headers: &HeaderMap,
        route: &str,
        body: &Bytes,
        work: impl FnOnce(&mut State, &Map<String, Value>, &mut Vec<Event>) -> Reply,
    ) -> Response {
        let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
            None => None,
            Some(Ok(k)) if !k.trim().is_empty() && k.len() <= 255 => Some(k.to_owned()),
            Some(_) => {
                return Reply::invalid(
                    "idempotency_key_invalid",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.",
                    None,
                )
                .into_response();
            }
        };
        let json = match parse_body(headers, body) {
            Ok(j) => j,
            Err(r) => return r.into_response(),
        };
        let fingerprint = format!("{route} {}", Value::Object(json.clone()));
        let mut events = Vec::new();
        let (reply, replayed) = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match key.as_ref().and_then(|k| st.idempotency.get(k)) {
                Some(s) if s.fingerprint != fingerprint => (
                    Reply::error(
                        400,
                        "idempotency_error",
                        "idempotency_key_in_use",
                        "Keys for idempotent requests can only be used with the same \
                         parameters they were first used with."
                            .into(),
                        None,
                    ),
                    false,
                ),
                Some(s) => (Reply { status: s.status, body: s.body.clone(), store: false }, true),
                None => {
                    let reply = work(&mut st, &json, &mut events);
                    if let Some(k) = key.filter(|_| reply.store) {
                        let stored =
                            Stored { fingerprint, status: reply.status, body: reply.body.clone() };
                        st.idempotency.insert(k, stored);
                    }
                    (reply, false)
                }
            }
        };
        self.send(events);
        reply.respond(replayed)
    }

    /// Signs and emits webhooks, in order.
    pub(crate) fn send(&self, events: Vec<Event>) {
        for e in events {
            let body = json!({
                "id": e.id,
                "object": "event",
                "type": e.kind,
                "created": e.created,
                "livemode": false,
                "data": { "object": e.object },
            });
            let Ok(bytes) = serde_json::to_vec(&body) else { continue };
            let t = now().to_string();
            let sig = sign_parts(
                Algorithm::Sha256,
                self.webhook_secret.as_bytes(),
                &[t.as_bytes(), b".", &bytes],
                Encoding::Hex,
            );
            let headers = vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (SIGNATURE_HEADER.to_owned(), format!("t={t},v1={sig}")),
                ("User-Agent".to_owned(), "Paynectra/1.0 (sandbox)".to_owned()),
            ];
            self.ctx.webhooks.emit(headers, bytes);
        }
    }

    fn payment_event(&self, st: &State, p: &Payment, kind: &'static str, at: i64) -> Event {
        st.event(kind, p.json(&self.ctx.public_url), at)
    }
}

// ---------------------------------------------------------------------------------------------
// Payments

/// `POST /v1/payments`.
pub(crate) async fn create_payment(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/payments", &body, |st, b, events| {
        match create_payment_in(&emu, st, b, events) {
            Ok(r) | Err(r) => r,
        }
    })
}

fn create_payment_in(
    emu: &Emu,
    st: &mut State,
    b: &Map<String, Value>,
    events: &mut Vec<Event>,
) -> Checked<Reply> {
    check_known(
        b,
        &[
            "amount",
            "currency",
            "customer_id",
            "description",
            "capture_method",
            "metadata",
            "return_url",
            "payment_method",
        ],
        "",
    )?;
    let amount = required(opt_int(b, "amount")?, "amount")?;
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
    let currency = required(opt_str(b, "currency", 3)?, "currency")?;
    if currency != currency.to_ascii_lowercase() {
        return Err(Reply::invalid(
            "parameter_invalid",
            format!(
                "Invalid currency: {currency}. Currencies are three-letter ISO codes in \
                 lowercase (e.g. usd)."
            ),
            Some("currency"),
        ));
    }
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(Reply::invalid(
            "parameter_invalid",
            format!("Invalid currency: {currency}. Must be a supported currency."),
            Some("currency"),
        ));
    }
    let customer_id = opt_str(b, "customer_id", 255)?;
    if let Some(c) = &customer_id
        && !st.customers.iter().any(|x| &x.id == c)
    {
        return Err(Reply::invalid(
            "resource_missing",
            format!("No such customer: '{c}'"),
            Some("customer_id"),
        ));
    }
    let description = opt_str(b, "description", 1000)?;
    let manual =
        one_of(opt_str(b, "capture_method", 20)?, "capture_method", &["automatic", "manual"])?
            .is_some_and(|m| m == "manual");
    let metadata = metadata(b)?;
    let return_url = opt_str(b, "return_url", 2048)?;
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
    let card = b.get("payment_method").filter(|v| !v.is_null()).map(parse_card).transpose()?;

    let at = now();
    let mut p = Payment {
        id: st.ids.next("pay_"),
        amount,
        currency,
        status: Status::Pending,
        manual,
        customer_id,
        description,
        metadata,
        return_url,
        created: at,
        amount_capturable: 0,
        amount_received: 0,
        amount_refunded: 0,
        step: Step::Checkout,
        card: None,
        last_payment_error: None,
        canceled_at: None,
        cancellation_reason: None,
        statement_descriptor: None,
    };
    events.push(emu.payment_event(st, &p, "payment.created", at));
    if let Some(card) = card {
        let plan = state::plan(&card.number, p.amount);
        p.card = Some(card);
        state::apply(&mut p, plan);
        events.push(emu.payment_event(st, &p, status_event(&p), at));
    }
    let answer = p.json(&emu.ctx.public_url);
    let failed = p.status == Status::Failed;
    let error = p.last_payment_error.clone();
    st.payments.push(p);
    if failed {
        // Stripe's behaviour for a declined confirmation: 402 card_error, with the (now
        // failed) object attached to the error.
        let mut e = match error {
            Some(Value::Object(e)) => e,
            _ => Map::new(),
        };
        e.insert("payment".into(), answer);
        return Ok(Reply { status: 402, body: json!({ "error": e }), store: true });
    }
    Ok(Reply::ok(answer))
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
    emu.post(&headers, &route, &body, |st, b, events| {
        let mut run = || -> Checked<Reply> {
            check_known(
                b,
                &[
                    "amount_to_capture",
                    "statement_descriptor",
                    "statement_descriptor_suffix",
                    "metadata",
                ],
                "",
            )?;
            let amount = opt_int(b, "amount_to_capture")?;
            let descriptor = opt_str(b, "statement_descriptor", 22)?;
            let suffix = opt_str(b, "statement_descriptor_suffix", 22)?;
            let extra = metadata(b)?;
            let at = now();
            let p = st.payment_mut(&id).ok_or_else(|| Reply::missing("payment", &id, "id"))?;
            if p.status != Status::RequiresCapture {
                return Err(Reply::unexpected_state(p, "captured", "a status of requires_capture"));
            }
            let amount = amount.unwrap_or(p.amount_capturable);
            if amount < 1 {
                return Err(Reply::invalid(
                    "amount_too_small",
                    "amount_to_capture must be at least 1.",
                    Some("amount_to_capture"),
                ));
            }
            if amount > p.amount_capturable {
                return Err(Reply::invalid(
                    "amount_too_large",
                    format!(
                        "amount_to_capture ({amount}) is greater than the amount capturable \
                         ({}).",
                        p.amount_capturable
                    ),
                    Some("amount_to_capture"),
                ));
            }
            p.status = Status::Succeeded;
            p.amount_received = amount;
            p.amount_capturable = 0;
            p.statement_descriptor = descriptor.or(suffix);
            merge_metadata(&mut p.metadata, extra);
            let p = p.clone();
            events.push(emu.payment_event(st, &p, "payment.succeeded", at));
            Ok(Reply::ok(p.json(&emu.ctx.public_url)))
        };
        match run() {
            Ok(r) | Err(r) => r,
        }
    })
}

/// Stripe's metadata update: new keys are set, an empty value deletes its key.
fn merge_metadata(into: &mut Map<String, Value>, extra: Map<String, Value>) {
    for (k, v) in extra {
        if v == "" {
            into.remove(&k);
        } else {
            into.insert(k, v);
        }
    }
}

/// `POST /v1/payments/:id/cancel`.
pub(crate) async fn cancel_payment(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = format!("POST /v1/payments/{id}/cancel");
    emu.post(&headers, &route, &body, |st, b, events| {
        let mut run = || -> Checked<Reply> {
            check_known(b, &["cancellation_reason"], "")?;
            let reason = one_of(
                opt_str(b, "cancellation_reason", 40)?,
                "cancellation_reason",
                &["duplicate", "fraudulent", "requested_by_customer", "abandoned"],
            )?;
            let at = now();
            let p = st.payment_mut(&id).ok_or_else(|| Reply::missing("payment", &id, "id"))?;
            if !matches!(
                p.status,
                Status::Pending | Status::RequiresAction | Status::RequiresCapture
            ) {
                return Err(Reply::unexpected_state(
                    p,
                    "cancelled",
                    "a status of pending, requires_action or requires_capture",
                ));
            }
            p.status = Status::Cancelled;
            p.step = Step::None;
            p.amount_capturable = 0;
            p.canceled_at = Some(at);
            p.cancellation_reason = reason;
            let p = p.clone();
            events.push(emu.payment_event(st, &p, "payment.canceled", at));
            Ok(Reply::ok(p.json(&emu.ctx.public_url)))
        };
        match run() {
            Ok(r) | Err(r) => r,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Lists

struct ListParams {
    limit: usize,
    starting_after: Option<String>,
    ending_before: Option<String>,
    created_gte: Option<i64>,
    created_lte: Option<i64>,
    filters: Vec<(String, String)>,
}

fn list_params(
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    filters: &[&str],
) -> Checked<ListParams> {
    let Query(pairs) =
        q.map_err(|e| Reply::invalid("parameter_invalid", format!("Invalid query: {e}"), None))?;
    let mut out = ListParams {
        limit: 20,
        starting_after: None,
        ending_before: None,
        created_gte: None,
        created_lte: None,
        filters: Vec::new(),
    };
    let ts = |k: &str, v: &str| {
        v.parse::<i64>().map_err(|_| {
            Reply::invalid(
                "parameter_invalid_integer",
                format!("Invalid timestamp for {k}: {v} (unix seconds)."),
                Some(k),
            )
        })
    };
    for (k, v) in pairs {
        match k.as_str() {
            "limit" => {
                out.limit =
                    v.parse::<usize>().ok().filter(|l| (1..=100).contains(l)).ok_or_else(|| {
                        Reply::invalid(
                            "parameter_invalid_integer",
                            format!("Invalid limit: {v}. limit must be an integer from 1 to 100."),
                            Some("limit"),
                        )
                    })?;
            }
            "starting_after" => out.starting_after = Some(v),
            "ending_before" => out.ending_before = Some(v),
            "created[gte]" => out.created_gte = Some(ts(&k, &v)?),
            "created[lte]" => out.created_lte = Some(ts(&k, &v)?),
            other if filters.contains(&other) => out.filters.push((k, v)),
            _ => {
                return Err(Reply::invalid(
                    "parameter_unknown",
                    format!("Received unknown parameter: {k}"),
                    Some(&k),
                ));
            }
        }
    }
    if out.starting_after.is_some() && out.ending_before.is_some() {
        return Err(Reply::invalid(
            "parameters_exclusive",
            "You may only specify one of these parameters: starting_after, ending_before.",
            Some("ending_before"),
        ));
    }
    Ok(out)
}

impl ListParams {
    fn filter(&self, name: &str) -> Option<&str> {
        self.filters.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn created_ok(&self, created: i64) -> bool {
        self.created_gte.is_none_or(|g| created >= g)
            && self.created_lte.is_none_or(|l| created <= l)
    }

    /// Stripe's cursor pagination over `items` (creation order), newest first.
    fn page<'a, T>(
        &self,
        items: &'a [T],
        id_of: impl Fn(&T) -> &str,
        matches: impl Fn(&T) -> bool,
        what: &str,
    ) -> Checked<(Vec<&'a T>, bool)> {
        let order: Vec<&T> = items.iter().rev().collect();
        let find = |id: &str, param: &str| {
            order.iter().position(|x| id_of(x) == id).ok_or_else(|| {
                Reply::invalid("resource_missing", format!("No such {what}: '{id}'"), Some(param))
            })
        };
        if let Some(before) = &self.ending_before {
            let at = find(before, "ending_before")?;
            let newer: Vec<&T> = order[..at].iter().copied().filter(|x| matches(x)).collect();
            let skip = newer.len().saturating_sub(self.limit);
            return Ok((newer[skip..].to_vec(), skip > 0));
        }
        let start = match &self.starting_after {
            Some(after) => find(after, "starting_after")? + 1,
            None => 0,
        };
        let mut older = order[start..].iter().copied().filter(|x| matches(x));
        let page: Vec<&T> = older.by_ref().take(self.limit).collect();
        let has_more = older.next().is_some();
        Ok((page, has_more))
    }
}

fn list_answer(url: &str, data: Vec<Value>, has_more: bool) -> Reply {
    Reply::ok(json!({ "object": "list", "url": url, "data": data, "has_more": has_more }))
}

/// `GET /v1/payments`.
pub(crate) async fn list_payments(
    AxState(emu): AxState<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Reply {
    let run = || -> Checked<Reply> {
        let params = list_params(q, &["customer", "status"])?;
        let status = match params.filter("status") {
            None => None,
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                Reply::invalid(
                    "parameter_invalid",
                    format!(
                        "Invalid status: {s}. Must be one of pending, requires_action, \
                         requires_capture, succeeded, failed, cancelled."
                    ),
                    Some("status"),
                )
            })?),
        };
        let customer = params.filter("customer");
        let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
        let (page, has_more) = params.page(
            &st.payments,
            |p| &p.id,
            |p| {
                status.is_none_or(|s| p.status == s)
                    && customer.is_none_or(|c| p.customer_id.as_deref() == Some(c))
                    && params.created_ok(p.created)
            },
            "payment",
        )?;
        let data = page.into_iter().map(|p| p.json(&emu.ctx.public_url)).collect();
        Ok(list_answer("/v1/payments", data, has_more))
    };
    match run() {
        Ok(r) | Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------------------
// Refunds

/// `POST /v1/refunds`.
pub(crate) async fn create_refund(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/refunds", &body, |st, b, events| {
        let mut run = || -> Checked<Reply> {
            check_known(b, &["payment_id", "amount", "reason", "metadata"], "")?;
            let payment_id = required(opt_str(b, "payment_id", 255)?, "payment_id")?;
            let amount = opt_int(b, "amount")?;
            let reason = one_of(
                opt_str(b, "reason", 40)?,
                "reason",
                &["duplicate", "fraudulent", "customer_request"],
            )?;
            let metadata = metadata(b)?;
            let at = now();
            let id = st.ids.next("re_");
            let p = st.payment_mut(&payment_id).ok_or_else(|| {
                Reply::invalid(
                    "resource_missing",
                    format!("No such payment: '{payment_id}'"),
                    Some("payment_id"),
                )
            })?;
            if p.status != Status::Succeeded {
                return Err(Reply::unexpected_state(p, "refunded", "a status of succeeded"));
            }
            let refundable = p.amount_received - p.amount_refunded;
            if refundable <= 0 {
                return Err(Reply::invalid(
                    "payment_already_refunded",
                    format!("Payment {payment_id} has already been refunded."),
                    Some("payment_id"),
                )
                .stored());
            }
            let amount = amount.unwrap_or(refundable);
            if amount < 1 {
                return Err(Reply::invalid(
                    "amount_too_small",
                    "Refund amount must be at least 1.",
                    Some("amount"),
                ));
            }
            if amount > refundable {
                return Err(Reply::invalid(
                    "amount_too_large",
                    format!(
                        "Refund amount ({amount}) is greater than unrefunded amount on payment \
                         ({refundable})."
                    ),
                    Some("amount"),
                ));
            }
            p.amount_refunded += amount;
            let refund = Refund {
                id,
                payment_id,
                amount,
                currency: p.currency.clone(),
                reason,
                metadata,
                created: at,
            };
            let answer = refund.json();
            events.push(st.event("refund.succeeded", answer.clone(), at));
            st.refunds.push(refund);
            Ok(Reply::ok(answer))
        };
        match run() {
            Ok(r) | Err(r) => r,
        }
    })
}

/// `GET /v1/refunds/:id`.
pub(crate) async fn get_refund(AxState(emu): AxState<Shared>, Path(id): Path<String>) -> Reply {
    let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    match st.refunds.iter().find(|r| r.id == id) {
        Some(r) => Reply::ok(r.json()),
        None => Reply::missing("refund", &id, "id"),
    }
}

/// `GET /v1/refunds` (filter `payment`, like the payments list's `customer`).
pub(crate) async fn list_refunds(
    AxState(emu): AxState<Shared>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Reply {
    let run = || -> Checked<Reply> {
        let params = list_params(q, &["payment"])?;
        let payment = params.filter("payment");
        let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
        let (page, has_more) = params.page(
            &st.refunds,
            |r| &r.id,
            |r| payment.is_none_or(|p| r.payment_id == p) && params.created_ok(r.created),
            "refund",
        )?;
        let data = page.into_iter().map(Refund::json).collect();
        Ok(list_answer("/v1/refunds", data, has_more))
    };
    match run() {
        Ok(r) | Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------------------
// Customers

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

/// `POST /v1/customers`.
pub(crate) async fn create_customer(
    AxState(emu): AxState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.post(&headers, "POST /v1/customers", &body, |st, b, events| {
        let mut run = || -> Checked<Reply> {
            check_known(b, &["email", "name", "phone", "address", "metadata"], "")?;
            let email = opt_str(b, "email", 512)?;
            if let Some(e) = email.as_deref().filter(|e| !email_ok(e)) {
                return Err(Reply::invalid(
                    "email_invalid",
                    format!("Invalid email address: {e}"),
                    Some("email"),
                ));
            }
            let name = opt_str(b, "name", 256)?;
            let phone = opt_str(b, "phone", 20)?;
            if let Some(p) = phone.as_deref().filter(|p| !e164_ok(p)) {
                return Err(Reply::invalid(
                    "parameter_invalid",
                    format!(
                        "Invalid phone: {p}. Phone numbers are in E.164 format (+14155550123)."
                    ),
                    Some("phone"),
                ));
            }
            let address = match b.get("address") {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Object(a)) => {
                    let fields = ["line1", "line2", "city", "state", "postal_code", "country"];
                    check_known(a, &fields, "address")?;
                    let mut out = Map::new();
                    for f in fields {
                        let v = opt_str_named(a, f, &format!("address[{f}]"), 200)?;
                        out.insert(f.into(), v.map_or(Value::Null, Value::String));
                    }
                    Value::Object(out)
                }
                Some(_) => {
                    return Err(Reply::invalid(
                        "parameter_invalid",
                        "Invalid address: must be an object {line1, city, postal_code, country}.",
                        Some("address"),
                    ));
                }
            };
            let metadata = metadata(b)?;
            let at = now();
            let id = st.ids.next("cus_");
            let object = json!({
                "id": id,
                "object": "customer",
                "email": email,
                "name": name,
                "phone": phone,
                "address": address,
                "metadata": metadata,
                "created": at,
                "livemode": false,
            });
            events.push(st.event("customer.created", object.clone(), at));
            st.customers.push(Customer { id, object: object.clone() });
            Ok(Reply::ok(object))
        };
        match run() {
            Ok(r) | Err(r) => r,
        }
    })
}

/// `GET /v1/customers/:id`.
pub(crate) async fn get_customer(AxState(emu): AxState<Shared>, Path(id): Path<String>) -> Reply {
    let st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
    match st.customers.iter().find(|c| c.id == id) {
        Some(c) => Reply::ok(c.object.clone()),
        None => Reply::missing("customer", &id, "id"),
    }
}

// ---------------------------------------------------------------------------------------------
// The sandbox's customer-facing pages

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Paynectra sandbox: \
         {title}</title></head><body><h1>Paynectra sandbox</h1><p>{text}</p></body></html>"
    );
    (status, Html(html)).into_response()
}

/// Where the customer goes once the payment is out of their hands: back to `return_url`
/// (303, with `payment_id` and `redirect_status`), or a status page when there is none.
fn finish(p: &Payment) -> Response {
    let status = p.status.word();
    match &p.return_url {
        Some(url) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            let to = format!("{url}{sep}payment_id={}&redirect_status={status}", p.id);
            match HeaderValue::from_str(&to) {
                Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
                Err(_) => page(StatusCode::OK, status, &format!("Payment {} is {status}.", p.id)),
            }
        }
        None => page(
            StatusCode::OK,
            status,
            &format!("Payment {} is <strong id=\"status\">{status}</strong>.", p.id),
        ),
    }
}

/// `GET /sandbox/paynectra/checkout/:id?card=<number>`: the hosted payment page. Visiting it
/// pays with `card` (default 4242424242424242), then goes on to 3-D Secure (303 to the
/// redirect page) or back to the return URL.
pub(crate) async fn checkout(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(p)| p).unwrap_or_default();
    let number = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "card")
        .map_or(CARD_SUCCEEDS.to_owned(), |(_, v)| v.replace([' ', '-'], ""));
    if !card_number_ok(&number) {
        return page(StatusCode::BAD_REQUEST, "invalid card", "Your card number is incorrect.");
    }
    let mut events = Vec::new();
    let answer = {
        let mut st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
        let at = now();
        let Some(p) = st.payment_mut(&id) else {
            return page(StatusCode::NOT_FOUND, "not found", &format!("No such payment: {id}"));
        };
        if p.step == Step::Checkout {
            let year = i64::from(time::OffsetDateTime::now_utc().year()) + 3;
            p.card = Some(CardUsed { number: number.clone(), exp_month: 12, exp_year: year });
            state::apply(p, state::plan(&number, p.amount));
            let p = p.clone();
            events.push(emu.payment_event(&st, &p, status_event(&p), at));
            p
        } else {
            p.clone()
        }
    };
    emu.send(events);
    if let Step::ThreeDs(_) = answer.step {
        match HeaderValue::from_str(&answer.redirect_url(&emu.ctx.public_url)) {
            Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
            Err(_) => finish(&answer),
        }
    } else {
        finish(&answer)
    }
}

/// `GET /sandbox/paynectra/redirect/:id[?result=fail]`: the 3-D Secure page. Visiting it
/// authenticates (or, with `result=fail`, fails authentication) and completes the payment.
pub(crate) async fn three_ds(
    AxState(emu): AxState<Shared>,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(p)| p).unwrap_or_default();
    let authenticated = !pairs.iter().any(|(k, v)| k == "result" && v == "fail");
    let mut events = Vec::new();
    let answer = {
        let mut st = emu.state.lock().unwrap_or_else(|p| p.into_inner());
        let at = now();
        let Some(p) = st.payment_mut(&id) else {
            return page(StatusCode::NOT_FOUND, "not found", &format!("No such payment: {id}"));
        };
        if let Step::ThreeDs(_) = p.step {
            state::complete_three_ds(p, authenticated);
            let p = p.clone();
            events.push(emu.payment_event(&st, &p, status_event(&p), at));
            p
        } else {
            p.clone()
        }
    };
    emu.send(events);
    finish(&answer)
}
