//! The HTTP routes: the gateway API under `/api/v1/payments` and the sandbox's own pages
//! (checkout and 3-D Secure) that play the customer.

// Handlers return early with a ready `Response` through `Result<_, Response>`; boxing it
// would buy nothing on this cold path.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use paymux_core::webhook::{Algorithm, Encoding, sign};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::json::{Dec, J, ObjBuilder, top_level_raw};
use super::state::{
    Awaiting, CardData, CardOutcome, Kind, PAYMENT_METHODS, Record, State, fmt_timestamp,
    parse_query_time, test_card,
};
use crate::server::Ctx;

/// Path prefix of the hosted checkout page (`redirectUrl` of a new deposit).
pub(crate) const CHECKOUT_PREFIX: &str = "/sandbox/paytech/checkout/";
/// Path prefix of the 3-D Secure page of a host-to-host card deposit.
pub(crate) const THREE_DS_PREFIX: &str = "/sandbox/paytech/3ds/";
/// How long the background steps (refund settlement, withdrawal review and payout) take.
pub(crate) const SETTLE_DELAY: Duration = Duration::from_millis(100);

/// The amount that leaves a payment `PENDING` for good.
const PROCESSING: Dec = Dec::new(7777, 2);
/// Deposits must be under this in the sandbox.
const DEPOSIT_LIMIT: Dec = Dec::new(10_000_000, 0);
/// Withdrawals and refunds at most this in the sandbox.
const PAYOUT_LIMIT: Dec = Dec::new(10_000, 0);
/// The spec's `maximum` of any amount.
const MAX_AMOUNT: Dec = Dec::new(1_000_000_000, 0);
/// The spec's `minimum` of a non-zero amount.
const MIN_AMOUNT: Dec = Dec::new(1, 5);

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct App {
    ctx: Ctx,
    api_key: String,
    signing_key: String,
    salt: u64,
    store: Mutex<Store>,
}

#[derive(Debug, Default)]
struct Store {
    payments: HashMap<String, Record>,
    next_seq: u64,
}

/// A 32-character lowercase hex id (the spec's `[a-zA-Z0-9]{32}`), unique per `n`.
pub(crate) fn hex_id(n: u64) -> String {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    format!("{:016x}{:016x}", mix(n), mix(n ^ 0xa5a5_a5a5_a5a5_a5a5))
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// A refund settles: `PENDING -> COMPLETED` (or `DECLINED` above the sandbox limit).
    Refund,
    /// A withdrawal goes to review: `PENDING -> AWAITING_APPROVAL` (or `DECLINED`).
    Review,
    /// An approved withdrawal is paid out: `PENDING -> COMPLETED` (or `DECLINED`).
    Payout,
}

type Hook = (Vec<(String, String)>, Vec<u8>);

impl App {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn auth(&self, headers: &HeaderMap, path: &str) -> Result<(), Response> {
        let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return Err(error(
                401,
                path,
                "Full authentication is required to access this resource",
                None,
            ));
        };
        let ok = value.split_once(' ').is_some_and(|(scheme, key)| {
            scheme.eq_ignore_ascii_case("bearer") && key == self.api_key
        });
        if ok { Ok(()) } else { Err(error(401, path, "Invalid API key", None)) }
    }

    /// The webhook for a payment as it is now: the `PaymentResult` itself, `Signature` header.
    fn hook(&self, rec: &Record) -> Hook {
        let body = rec.to_json(true).text().into_bytes();
        let sig = sign(Algorithm::Sha256, self.signing_key.as_bytes(), &body, Encoding::Hex);
        (
            vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Signature".to_owned(), sig),
            ],
            body,
        )
    }

    fn emit(&self, hook: Option<Hook>) {
        if let Some((headers, body)) = hook {
            self.ctx.webhooks.emit(headers, body);
        }
    }

    fn url(&self, prefix: &str, id: &str) -> String {
        format!("{}{prefix}{id}", self.ctx.public_url)
    }

    fn schedule(self: &Arc<Self>, id: String, step: Step) {
        let app = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE_DELAY).await;
            app.settle(&id, step);
        });
    }

    fn settle(&self, id: &str, step: Step) {
        let now = OffsetDateTime::now_utc();
        let hook = {
            let mut store = self.lock();
            let Some(rec) = store.payments.get_mut(id) else { return };
            if rec.state != State::Pending {
                return;
            }
            let amount = rec.amount.unwrap_or(Dec::new(0, 0));
            let over = amount.cmp_value(PAYOUT_LIMIT).is_gt();
            let op = if rec.kind == Kind::Refund { "REFUND" } else { "WITHDRAWAL" };
            match step {
                _ if over => rec.decline("3.28", "Amount higher than maximum", None, op, now),
                Step::Refund => rec.move_to(State::Completed, op, now),
                Step::Review => rec.move_to(State::AwaitingApproval, op, now),
                Step::Payout => {
                    let outcome = rec.card.as_ref().map(|c| test_card(&c.number).1);
                    match outcome {
                        Some(CardOutcome::Decline(code, msg, ext)) => {
                            rec.decline(code, msg, Some(ext), op, now);
                        }
                        _ => rec.move_to(State::Completed, op, now),
                    }
                }
            }
            rec.state.notifies().then(|| self.hook(rec))
        };
        self.emit(hook);
    }
}

/// The router, with fresh state.
pub(crate) fn router(ctx: Ctx, api_key: String, signing_key: String) -> Router {
    let salt = u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() & 0xffff_ffff)
        .unwrap_or(0)
        << 20;
    let app = Arc::new(App { ctx, api_key, signing_key, salt, store: Mutex::default() });
    Router::new()
        .route("/api/v1/payments", get(list).post(create))
        .route("/api/v1/payments/{id}", get(find).patch(execute))
        .route("/api/v1/payments/{id}/capture", post(capture))
        .route("/api/v1/payments/{id}/void", post(void))
        .route("/api/v1/payments/{id}/approve", post(approve))
        .route("/api/v1/payments/{id}/reject", post(reject))
        .route("/api/v1/payments/{id}/operations", get(operations))
        .route(&format!("{CHECKOUT_PREFIX}{{id}}"), get(checkout))
        .route(&format!("{THREE_DS_PREFIX}{{id}}"), get(three_ds))
        .fallback(fallback)
        .with_state(app)
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

fn respond(status: u16, body: &J) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json")], body.text()).into_response()
}

fn now_stamp() -> J {
    J::s(fmt_timestamp(OffsetDateTime::now_utc()))
}

/// `{timestamp, status: 200, result}`.
fn envelope(result: J) -> Response {
    let body = ObjBuilder::default()
        .put("timestamp", now_stamp())
        .put("status", J::Int(200))
        .put("result", result)
        .build();
    respond(200, &body)
}

/// `BadRequestError` (with `errors`), `UnauthorizedError`, `NotFoundError`.
fn error(status: u16, path: &str, message: &str, errors: Option<Vec<J>>) -> Response {
    let name = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Error",
    };
    let errors = if status == 400 { Some(J::Arr(errors.unwrap_or_default())) } else { None };
    let body = ObjBuilder::default()
        .put("timestamp", now_stamp())
        .put("status", J::Int(i64::from(status)))
        .put("error", J::s(name))
        .put("message", J::s(message))
        .opt("errors", errors)
        .put("path", J::s(path))
        .build();
    respond(status, &body)
}

/// One Spring-style binding error of `errors[]`.
fn field_error(object: &str, field: &str, code: &str, message: &str) -> J {
    let strs = |v: Vec<String>| J::Arr(v.into_iter().map(J::Str).collect());
    ObjBuilder::default()
        .put(
            "codes",
            strs(vec![
                format!("{code}.{object}.{field}"),
                format!("{code}.{field}"),
                code.to_owned(),
            ]),
        )
        .put(
            "arguments",
            J::Arr(vec![
                ObjBuilder::default()
                    .put("codes", strs(vec![format!("{object}.{field}"), field.to_owned()]))
                    .put("defaultMessage", J::s(field))
                    .build(),
            ]),
        )
        .put("defaultMessage", J::s(message))
        .put("objectName", J::s(object))
        .put("field", J::s(field))
        .put("bindingFailure", J::Bool(false))
        .build()
}

fn validation_failed(path: &str, object: &str, errors: Vec<J>) -> Response {
    let message = format!("Validation failed for object='{object}'. Error count: {}", errors.len());
    error(400, path, &message, Some(errors))
}

/// A 400 about one field.
fn bad_field(path: &str, object: &str, field: &str, code: &str, message: &str) -> Response {
    validation_failed(path, object, vec![field_error(object, field, code, message)])
}

fn not_found(path: &str, id: &str) -> Response {
    error(404, path, &format!("Payment {id} not found"), None)
}

fn illegal_state(path: &str, rec: &Record, wanted: &str) -> Response {
    let message = format!(
        "Illegal Workflow State: payment {} is a {} in state {}; {wanted}",
        rec.id,
        rec.kind.as_str(),
        rec.state.as_str()
    );
    error(400, path, &message, None)
}

async fn fallback(uri: Uri) -> Response {
    error(404, uri.path(), "No endpoint found for this path", None)
}

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/// A body's text and its top-level object.
type JsonBody = (String, Map<String, Value>);

/// The body as a JSON object (with its text, for exact amounts); `None` for an empty body
/// when `optional`.
fn parse_body(body: &Bytes, path: &str, optional: bool) -> Result<Option<JsonBody>, Response> {
    let text = std::str::from_utf8(body)
        .map_err(|_| error(400, path, "JSON parse error: invalid UTF-8", None))?;
    if text.trim().is_empty() {
        return if optional {
            Ok(None)
        } else {
            Err(error(400, path, "Required request body is missing", None))
        };
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(Some((text.to_owned(), map))),
        Ok(_) => Err(error(400, path, "JSON parse error: expected a JSON object", None)),
        Err(e) => Err(error(400, path, &format!("JSON parse error: {e}"), None)),
    }
}

/// Collects binding errors while reading fields.
struct Fields<'a> {
    object: &'static str,
    map: &'a Map<String, Value>,
    errors: Vec<J>,
}

impl<'a> Fields<'a> {
    fn new(object: &'static str, map: &'a Map<String, Value>) -> Self {
        Fields { object, map, errors: Vec::new() }
    }

    fn err(&mut self, field: &str, code: &str, message: &str) {
        self.errors.push(field_error(self.object, field, code, message));
    }

    fn string(&mut self, field: &str, max: usize, required: bool) -> Option<String> {
        match self.map.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.err(field, "NotNull", "must not be null");
                }
                None
            }
            Some(Value::String(s)) if s.chars().count() > max => {
                self.err(field, "Size", &format!("size must be between 0 and {max}"));
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.err(field, "typeMismatch", "must be a string");
                None
            }
        }
    }

    fn boolean(&mut self, field: &str) -> bool {
        match self.map.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.err(field, "typeMismatch", "must be a boolean");
                false
            }
        }
    }

    /// An object whose values are strings (or, with `loose`, also booleans and integers).
    fn object(&mut self, field: &str, loose: bool) -> Option<Map<String, Value>> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => {
                let ok = m.values().all(|v| {
                    v.is_string()
                        || v.is_null()
                        || (loose && (v.is_boolean() || v.is_i64() || v.is_u64()))
                });
                if ok {
                    Some(
                        m.iter()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    )
                } else {
                    self.err(field, "typeMismatch", "has a value of the wrong type");
                    None
                }
            }
            Some(_) => {
                self.err(field, "typeMismatch", "must be an object");
                None
            }
        }
    }

    /// `amount` from the raw body text, exactly.
    fn amount(&mut self, text: &str) -> Option<Dec> {
        let tok = top_level_raw(text, "amount")?;
        if tok == "null" {
            return None;
        }
        if !tok.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            self.err("amount", "typeMismatch", "must be a number");
            return None;
        }
        match Dec::parse_token(tok) {
            Ok(d) if d.cmp_value(MAX_AMOUNT).is_gt() => {
                self.err("amount", "DecimalMax", "must be less than or equal to 1000000000");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                self.err("amount", "Digits", &m);
                None
            }
        }
    }

    fn finish(self, path: &str) -> Result<(), Response> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(validation_failed(path, self.object, self.errors))
        }
    }
}

/// What `POST /api/v1/payments` carries.
struct PaymentRequest {
    kind: Kind,
    reference_id: Option<String>,
    payment_method: Option<String>,
    amount: Option<Dec>,
    currency: String,
    parent_payment_id: Option<String>,
    description: Option<String>,
    card: Option<CardData>,
    customer: Option<Map<String, Value>>,
    billing_address: Option<Map<String, Value>>,
    return_url: Option<String>,
    start_recurring: bool,
    pre_auth: bool,
    recurring_token: Option<String>,
    additional_parameters: Option<Map<String, Value>>,
}

fn read_payment_request(
    text: &str,
    map: &Map<String, Value>,
    path: &str,
) -> Result<PaymentRequest, Response> {
    let mut f = Fields::new("paymentRequest", map);
    let kind = f.string("paymentType", 16, true).and_then(|s| {
        let k = Kind::parse(&s);
        if k.is_none() {
            f.err("paymentType", "typeMismatch", "must be one of DEPOSIT, WITHDRAWAL, REFUND");
        }
        k
    });
    let currency = f.string("currency", 10, true);
    if let Some(c) = &currency
        && (c.len() < 2 || !c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
    {
        f.err("currency", "Pattern", "must be an ISO 4217 code or a cryptocurrency symbol");
    }
    let payment_method = f.string("paymentMethod", 64, false);
    if let Some(m) = &payment_method
        && !PAYMENT_METHODS.contains(&m.as_str())
    {
        f.err("paymentMethod", "typeMismatch", "is not a PaymentMethod value");
    }
    let reference_id = f.string("referenceId", 256, false);
    let parent_payment_id = f.string("parentPaymentId", 32, false);
    let description = f.string("description", 512, false);
    let return_url = f.string("returnUrl", 512, false);
    let _webhook_url = f.string("webhookUrl", 512, false);
    let recurring_token = f.string("recurringToken", 256, false);
    let _ = f.string("checkoutStyle", 256, false);
    let start_recurring = f.boolean("startRecurring");
    let pre_auth = f.boolean("preAuth");
    let amount = f.amount(text);
    let customer = f.object("customer", true);
    let billing_address = f.object("billingAddress", false);
    let additional_parameters = f.object("additionalParameters", false);
    let card = match map.get("card") {
        None | Some(Value::Null) => None,
        Some(Value::Object(c)) => {
            let mut cf = Fields::new("paymentRequest", c);
            let number = cf.string("cardNumber", 23, false);
            let holder = cf.string("cardholderName", 128, false);
            let cvv = cf.string("cardSecurityCode", 4, false);
            let month = cf.string("expiryMonth", 2, false);
            let year = cf.string("expiryYear", 4, false);
            let token = cf.string("cardToken", 32, false);
            for e in cf.errors {
                f.errors.push(e);
            }
            if cvv.as_ref().is_some_and(|c| c.len() < 3) {
                f.err("card.cardSecurityCode", "Size", "size must be between 3 and 4");
            }
            if month.as_ref().is_some_and(|m| m.len() != 2) {
                f.err("card.expiryMonth", "Size", "size must be between 2 and 2");
            }
            if year.as_ref().is_some_and(|y| y.len() != 4) {
                f.err("card.expiryYear", "Size", "size must be between 4 and 4");
            }
            let digits: Option<String> =
                number.map(|n| n.chars().filter(char::is_ascii_digit).collect());
            match digits {
                Some(d) if !d.is_empty() => {
                    Some(CardData { number: d, holder, expiry_month: month, expiry_year: year })
                }
                _ if token.is_some() => None,
                _ => {
                    f.err("card.cardNumber", "NotNull", "must not be null");
                    None
                }
            }
        }
        Some(_) => {
            f.err("card", "typeMismatch", "must be an object");
            None
        }
    };
    f.finish(path)?;
    let (Some(kind), Some(currency)) = (kind, currency) else {
        return Err(error(400, path, "Validation failed for object='paymentRequest'", None));
    };
    Ok(PaymentRequest {
        kind,
        reference_id,
        payment_method,
        amount,
        currency,
        parent_payment_id,
        description,
        card,
        customer,
        billing_address,
        return_url,
        start_recurring,
        pre_auth,
        recurring_token,
        additional_parameters,
    })
}

// ---------------------------------------------------------------------------------------------
// Payments API
// ---------------------------------------------------------------------------------------------

async fn create(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let (text, map) = match parse_body(&body, path, false) {
        Ok(Some(b)) => b,
        Ok(None) => return error(400, path, "Required request body is missing", None),
        Err(r) => return r,
    };
    let req = match read_payment_request(&text, &map, path) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let now = OffsetDateTime::now_utc();
    let object = "paymentRequest";
    // Amount rules per type, checked before anything is stored.
    let amount = match (req.kind, req.amount) {
        (Kind::Refund, a) => a,
        (_, None) => return bad_field(path, object, "amount", "NotNull", "must not be null"),
        (Kind::Deposit, Some(a)) if a.is_zero() && req.pre_auth => Some(a),
        (_, Some(a)) if a.cmp_value(MIN_AMOUNT).is_lt() => {
            return bad_field(
                path,
                object,
                "amount",
                "DecimalMin",
                "must be greater than or equal to 0.00001 (0 only for a Pre-Authorization)",
            );
        }
        (_, a) => a,
    };
    let mut store = app.lock();
    store.next_seq += 1;
    let seq = store.next_seq;
    let id = hex_id(app.salt + seq);
    let mut rec = Record {
        id: id.clone(),
        seq,
        kind: req.kind,
        state: State::Pending,
        awaiting: Awaiting::Nothing,
        reference_id: req.reference_id,
        created: now,
        updated: now,
        description: req.description,
        parent_payment_id: None,
        payment_method: req
            .payment_method
            .or_else(|| req.card.as_ref().map(|_| "BASIC_CARD".to_owned())),
        method_details: None,
        amount,
        currency: req.currency,
        redirect_url: None,
        error: None,
        external_result_code: None,
        customer: req.customer,
        billing_address: req.billing_address,
        start_recurring: req.start_recurring,
        pre_auth: req.pre_auth && req.kind == Kind::Deposit,
        recurring_token: req.recurring_token,
        return_url: req.return_url,
        additional_parameters: req.additional_parameters,
        external_refs: None,
        card: req.card,
        operations: Vec::new(),
    };
    let step = match req.kind {
        Kind::Deposit => {
            rec.state = State::Checkout;
            rec.redirect_url = Some(app.url(CHECKOUT_PREFIX, &id));
            None
        }
        Kind::Withdrawal => {
            if let Some(card) = rec.card.clone() {
                rec.set_card_details(&card);
            }
            Some(Step::Review)
        }
        Kind::Refund => {
            let Some(parent_id) = req.parent_payment_id else {
                return bad_field(path, object, "parentPaymentId", "NotNull", "must not be null");
            };
            let refunded = store
                .payments
                .values()
                .filter(|r| {
                    r.kind == Kind::Refund
                        && r.parent_payment_id.as_deref() == Some(parent_id.as_str())
                        && !matches!(r.state, State::Declined | State::Cancelled)
                })
                .filter_map(|r| r.amount)
                .try_fold(Dec::new(0, 0), Dec::add);
            let Some(parent) = store.payments.get_mut(&parent_id) else {
                return bad_field(
                    path,
                    object,
                    "parentPaymentId",
                    "NotFound",
                    &format!("payment {parent_id} not found"),
                );
            };
            if parent.kind != Kind::Deposit || parent.state != State::Completed {
                return illegal_state(path, parent, "only a COMPLETED deposit can be refunded");
            }
            if parent.currency != rec.currency {
                return bad_field(
                    path,
                    object,
                    "currency",
                    "Mismatch",
                    &format!("must be the currency of the deposit ({})", parent.currency),
                );
            }
            let captured = parent.amount.unwrap_or(Dec::new(0, 0));
            let refundable = refunded.and_then(|r| captured.sub(r)).unwrap_or(Dec::new(0, 0));
            let amount = rec.amount.unwrap_or(refundable);
            if amount.is_zero() || amount.cmp_value(MIN_AMOUNT).is_lt() {
                return bad_field(
                    path,
                    object,
                    "amount",
                    "DecimalMin",
                    "nothing left to refund or amount below 0.00001",
                );
            }
            if amount.cmp_value(refundable).is_gt() {
                return bad_field(
                    path,
                    object,
                    "amount",
                    "RefundLimit",
                    &format!(
                        "refund amount {} exceeds the refundable amount {} of payment {parent_id}",
                        amount.token(),
                        refundable.token()
                    ),
                );
            }
            parent.note("REFUND", now);
            rec.amount = Some(amount);
            rec.parent_payment_id = Some(parent_id);
            rec.payment_method = parent.payment_method.clone();
            rec.pre_auth = false;
            Some(Step::Refund)
        }
    };
    rec.note("CREATE_PAYMENT", now);
    let stays = rec.amount.is_some_and(|a| a.cmp_value(PROCESSING).is_eq());
    let answer = rec.to_json(true);
    store.payments.insert(id.clone(), rec);
    drop(store);
    if let Some(step) = step.filter(|_| !stays) {
        app.schedule(id, step);
    }
    envelope(answer)
}

async fn find(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = app.auth(&headers, uri.path()) {
        return r;
    }
    let store = app.lock();
    match store.payments.get(&id) {
        Some(rec) => envelope(rec.to_json(true)),
        None => not_found(uri.path(), &id),
    }
}

async fn operations(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = app.auth(&headers, uri.path()) {
        return r;
    }
    let store = app.lock();
    match store.payments.get(&id) {
        Some(rec) => envelope(rec.operations_json()),
        None => not_found(uri.path(), &id),
    }
}

async fn list(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let object = "paymentFilter";
    let now = OffsetDateTime::now_utc();
    let mut offset: usize = 0;
    let mut limit: usize = 50;
    let mut created_gte = Some(now - time::Duration::hours(24));
    let (mut created_lt, mut updated_gte, mut updated_lt, mut reference) = (None, None, None, None);
    let mut errors = Vec::new();
    for (k, v) in &params {
        let mut time_of = |field: &str| {
            let t = parse_query_time(v);
            if t.is_none() {
                errors.push(field_error(
                    object,
                    field,
                    "typeMismatch",
                    "must be a date-time YYYY-MM-DDTHH:MM:SS",
                ));
            }
            t
        };
        match k.as_str() {
            "offset" => match v.parse::<usize>() {
                Ok(n) if n <= 1_000_000 => offset = n,
                _ => errors.push(field_error(object, k, "Range", "must be between 0 and 1000000")),
            },
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => limit = n,
                _ => errors.push(field_error(object, k, "Range", "must be between 1 and 1000")),
            },
            "created.gte" => created_gte = time_of(k),
            "created.lt" => created_lt = time_of(k),
            "updated.gte" => updated_gte = time_of(k),
            "updated.lt" => updated_lt = time_of(k),
            "referenceId.eq" => reference = Some(v.clone()),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return validation_failed(path, object, errors);
    }
    let store = app.lock();
    let mut matching: Vec<&Record> = store
        .payments
        .values()
        .filter(|r| created_gte.is_none_or(|t| r.created >= t))
        .filter(|r| created_lt.is_none_or(|t| r.created < t))
        .filter(|r| updated_gte.is_none_or(|t| r.updated >= t))
        .filter(|r| updated_lt.is_none_or(|t| r.updated < t))
        .filter(|r| reference.as_ref().is_none_or(|x| r.reference_id.as_ref() == Some(x)))
        .collect();
    matching.sort_by_key(|r| std::cmp::Reverse(r.seq));
    let has_more = matching.len() > offset.saturating_add(limit);
    let page: Vec<J> = matching.iter().skip(offset).take(limit).map(|r| r.to_json(false)).collect();
    drop(store);
    let body = ObjBuilder::default()
        .put("timestamp", now_stamp())
        .put("status", J::Int(200))
        .put("hasMore", J::Bool(has_more))
        .put("result", J::Arr(page))
        .build();
    respond(200, &body)
}

/// Runs a deposit's payment (the card, or the alternative method): the sandbox limit, the
/// `77.77` trigger, then the test-card table.
fn run_deposit(rec: &mut Record, now: OffsetDateTime) {
    let amount = rec.amount.unwrap_or(Dec::new(0, 0));
    if !amount.cmp_value(DEPOSIT_LIMIT).is_lt() {
        rec.decline("3.28", "Amount higher than maximum", None, "DEPOSIT", now);
        return;
    }
    if amount.cmp_value(PROCESSING).is_eq() {
        rec.move_to(State::Pending, "DEPOSIT", now);
        rec.awaiting = Awaiting::Nothing;
        return;
    }
    let outcome = rec.card.as_ref().map_or(CardOutcome::Approve, |c| test_card(&c.number).1);
    match outcome {
        CardOutcome::Approve => {
            if rec.card.is_some() {
                rec.external_result_code = Some("00".to_owned());
            }
            let state = if rec.pre_auth { State::Authorized } else { State::Completed };
            rec.move_to(state, "DEPOSIT", now);
        }
        CardOutcome::Decline(code, msg, ext) => rec.decline(code, msg, Some(ext), "DEPOSIT", now),
    }
}

fn is_card_method(rec: &Record) -> bool {
    rec.card.is_some()
        || matches!(rec.payment_method.as_deref(), None | Some("BASIC_CARD" | "BASIC_CARD_HPP"))
}

/// `PATCH /api/v1/payments/{id}`: the host-to-host step.
async fn execute(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let map = match parse_body(&body, path, false) {
        Ok(Some((_, map))) => map,
        Ok(None) => return error(400, path, "Required request body is missing", None),
        Err(r) => return r,
    };
    let mut f = Fields::new("depositPatchRequest", &map);
    let ip = f.string("customerIp", 39, true);
    let _ = f.string("ipCountryCode", 2, false);
    let _ = f.string("customerUserAgent", 512, false);
    let _ = f.string("browserLanguage", 32, false);
    if let Err(r) = f.finish(path) {
        return r;
    }
    let now = OffsetDateTime::now_utc();
    let (answer, hook) = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id) else { return not_found(path, &id) };
        if rec.kind != Kind::Deposit || rec.state != State::Checkout {
            return illegal_state(path, rec, "only a DEPOSIT in CHECKOUT can be executed");
        }
        if let Some(ip) = ip {
            rec.customer.get_or_insert_with(Map::new).insert("ip".to_owned(), Value::String(ip));
        }
        rec.note("CONTINUE", now);
        if let Some(card) = rec.card.clone() {
            rec.set_card_details(&card);
            if test_card(&card.number).0 {
                rec.move_to(State::Pending, "REDIRECT", now);
                rec.awaiting = Awaiting::ThreeDs;
                rec.redirect_url = Some(app.url(THREE_DS_PREFIX, &id));
            } else {
                run_deposit(rec, now);
            }
        } else if is_card_method(rec) {
            return error(
                400,
                path,
                "Host-to-host processing of a card deposit needs the card data (send `card` \
                 when creating the deposit)",
                None,
            );
        } else {
            let reference = format!("PT{:010}", rec.seq);
            let mut refs = BTreeMap::new();
            refs.insert("paymentReference".to_owned(), reference.clone());
            refs.insert(
                "instructions".to_owned(),
                format!(
                    "Pay {} {} with reference {reference}",
                    rec.amount.map(Dec::token).unwrap_or_default(),
                    rec.currency
                ),
            );
            refs.insert("paymentUrl".to_owned(), app.url(CHECKOUT_PREFIX, &id));
            rec.external_refs = Some(refs);
            rec.move_to(State::Pending, "PRE_PROCESSING", now);
            rec.awaiting = Awaiting::Customer;
        }
        let hook = rec.state.notifies().then(|| app.hook(rec));
        (rec.to_json(true), hook)
    };
    app.emit(hook);
    envelope(answer)
}

/// Reads the optional `amount` of a capture body.
fn capture_amount(body: &Bytes, path: &str) -> Result<Option<Dec>, Response> {
    let Some((text, map)) = parse_body(body, path, true)? else { return Ok(None) };
    let mut f = Fields::new("captureRequest", &map);
    let amount = f.amount(&text);
    f.finish(path)?;
    Ok(amount)
}

async fn capture(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let amount = match capture_amount(&body, path) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let now = OffsetDateTime::now_utc();
    let (answer, hook) = {
        let mut store = app.lock();
        // The spec documents 400 (not 404) for this route.
        let Some(rec) = store.payments.get_mut(&id) else {
            return error(400, path, &format!("Payment {id} not found"), None);
        };
        if rec.kind != Kind::Deposit || rec.state != State::Authorized {
            return illegal_state(path, rec, "only a payment in AUTHORIZED state can be captured");
        }
        let authorized = rec.amount.unwrap_or(Dec::new(0, 0));
        let amount = amount.unwrap_or(authorized);
        if amount.cmp_value(MIN_AMOUNT).is_lt() {
            return bad_field(
                path,
                "captureRequest",
                "amount",
                "DecimalMin",
                "must be greater than or equal to 0.00001",
            );
        }
        if amount.cmp_value(authorized).is_gt() {
            return bad_field(
                path,
                "captureRequest",
                "amount",
                "CaptureLimit",
                &format!(
                    "capture amount {} exceeds the authorized amount {}",
                    amount.token(),
                    authorized.token()
                ),
            );
        }
        rec.amount = Some(amount);
        rec.move_to(State::Completed, "CAPTURE", now);
        (rec.to_json(true), app.hook(rec))
    };
    app.emit(Some(hook));
    envelope(answer)
}

async fn void(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let now = OffsetDateTime::now_utc();
    let (answer, hook) = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id) else {
            return error(400, path, &format!("Payment {id} not found"), None);
        };
        if rec.kind != Kind::Deposit || rec.state != State::Authorized {
            return illegal_state(path, rec, "only a payment in AUTHORIZED state can be voided");
        }
        rec.move_to(State::Cancelled, "VOID", now);
        (rec.to_json(true), app.hook(rec))
    };
    app.emit(Some(hook));
    envelope(answer)
}

async fn approve(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let now = OffsetDateTime::now_utc();
    let answer = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id) else { return not_found(path, &id) };
        if rec.kind != Kind::Withdrawal || rec.state != State::AwaitingApproval {
            return illegal_state(
                path,
                rec,
                "only a WITHDRAWAL in AWAITING_APPROVAL state can be approved",
            );
        }
        rec.move_to(State::Pending, "APPROVE", now);
        rec.to_json(true)
    };
    app.schedule(id, Step::Payout);
    envelope(answer)
}

async fn reject(
    AxState(app): AxState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    if let Err(r) = app.auth(&headers, path) {
        return r;
    }
    let reason = match parse_body(&body, path, true) {
        Ok(Some((_, map))) => {
            let mut f = Fields::new("rejectPaymentRequest", &map);
            let reason = f.string("rejectReason", 256, false);
            if let Err(r) = f.finish(path) {
                return r;
            }
            reason
        }
        Ok(None) => None,
        Err(r) => return r,
    };
    let now = OffsetDateTime::now_utc();
    let (answer, hook) = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id) else { return not_found(path, &id) };
        if rec.kind != Kind::Withdrawal || rec.state != State::AwaitingApproval {
            return illegal_state(
                path,
                rec,
                "only a WITHDRAWAL in AWAITING_APPROVAL state can be rejected",
            );
        }
        rec.error = Some(("8.00", "Rejected by Merchant"));
        rec.external_result_code = reason;
        rec.move_to(State::Cancelled, "REJECT", now);
        (rec.to_json(true), app.hook(rec))
    };
    app.emit(Some(hook));
    envelope(answer)
}

// ---------------------------------------------------------------------------------------------
// The sandbox's pages (no API key: the customer's browser opens them)
// ---------------------------------------------------------------------------------------------

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, rec: Option<&Record>) -> Response {
    let mut html = format!(
        "<!doctype html><html><head><title>pay.tech sandbox</title></head><body><h1>{}</h1>",
        escape(title)
    );
    if let Some(rec) = rec {
        html.push_str(&format!(
            "<p>Payment <code>{}</code>: <b id=\"state\">{}</b>",
            escape(&rec.id),
            rec.state.as_str()
        ));
        if let Some((code, msg)) = rec.error {
            html.push_str(&format!(" ({code} {})", escape(msg)));
        }
        html.push_str("</p>");
        if let Some(url) = &rec.return_url {
            html.push_str(&format!("<p><a href=\"{0}\">Back to {0}</a></p>", escape(url)));
        }
    }
    html.push_str("</body></html>");
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// `GET /sandbox/paytech/checkout/{id}`: the customer pays a deposit (`?cardNumber=` picks a
/// test card when the deposit was created without one; `?action=cancel` cancels).
async fn checkout(
    AxState(app): AxState<Arc<App>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = OffsetDateTime::now_utc();
    let (resp, hook) = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id).filter(|r| r.kind == Kind::Deposit) else {
            return page(StatusCode::NOT_FOUND, "Payment not found", None);
        };
        let open = rec.state == State::Checkout
            || (rec.state == State::Pending && rec.awaiting == Awaiting::Customer);
        if !open {
            return page(StatusCode::OK, "This payment has already been processed", Some(rec));
        }
        if q.get("action").is_some_and(|a| a == "cancel") {
            rec.error = Some(("2.00", "Cancelled by Customer"));
            rec.move_to(State::Cancelled, "CANCEL", now);
        } else {
            rec.note("CHECKOUT", now);
            if is_card_method(rec) {
                let card = rec.card.clone().unwrap_or_else(|| CardData {
                    number: q
                        .get("cardNumber")
                        .map(|n| n.chars().filter(char::is_ascii_digit).collect())
                        .filter(|n: &String| !n.is_empty())
                        .unwrap_or_else(|| "4000000000000002".to_owned()),
                    holder: Some("SANDBOX CUSTOMER".to_owned()),
                    expiry_month: Some("12".to_owned()),
                    expiry_year: Some("2030".to_owned()),
                });
                rec.set_card_details(&card);
                rec.card = Some(card);
            }
            run_deposit(rec, now);
        }
        let hook = rec.state.notifies().then(|| app.hook(rec));
        (page(StatusCode::OK, "Payment processed", Some(rec)), hook)
    };
    app.emit(hook);
    resp
}

/// `GET /sandbox/paytech/3ds/{id}`: the customer passes 3-D Secure (`?action=fail` fails it).
async fn three_ds(
    AxState(app): AxState<Arc<App>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = OffsetDateTime::now_utc();
    let (resp, hook) = {
        let mut store = app.lock();
        let Some(rec) = store.payments.get_mut(&id) else {
            return page(StatusCode::NOT_FOUND, "Payment not found", None);
        };
        if rec.state != State::Pending || rec.awaiting != Awaiting::ThreeDs {
            return page(StatusCode::OK, "This payment has already been processed", Some(rec));
        }
        if q.get("action").is_some_and(|a| a == "fail") {
            rec.decline("5.00", "Declined by 3DS", None, "CONFIRMATION", now);
        } else {
            rec.note("CONFIRMATION", now);
            run_deposit(rec, now);
        }
        let hook = rec.state.notifies().then(|| app.hook(rec));
        (page(StatusCode::OK, "3-D Secure completed", Some(rec)), hook)
    };
    app.emit(hook);
    resp
}
