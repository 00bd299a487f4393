//! The HTTP handlers: the payments API under `/api/v1/payments` and the sandbox's pages.

// Validation returns a ready `Response` as its error through `Result<_, Response>`; boxing
// it would buy nothing on this cold path.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use rust_decimal::Decimal;
use time::OffsetDateTime;

use super::api::{
    self, CaptureBody, Kind, ListQuery, PatchBody, PaymentRequest, PaymentRequestBody, RejectBody,
    bad_field, envelope, error,
};
use super::state::{
    Awaiting, PROCESSING, Record, State, Step, hex_id, parse_query_time, test_card,
};
use super::{CHECKOUT_PATH, Emu, THREE_DS_PATH};
use crate::kit::pages::{QueryPairs, pairs, query_value};

type App = Arc<Emu>;

const OBJECT: &str = "paymentRequest";

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

/// Any other path.
pub(crate) async fn fallback(uri: Uri) -> Response {
    error(404, uri.path(), "No endpoint found for this path", None)
}

/// The amount rules per type, checked before anything is stored.
fn check_amount(req: &PaymentRequest, path: &str) -> Result<(), Response> {
    match (req.kind, req.amount) {
        (Kind::Refund, _) => Ok(()),
        (_, None) => Err(bad_field(path, OBJECT, "amount", "NotNull", "must not be null")),
        (Kind::Deposit, Some(a)) if a.is_zero() && req.pre_auth => Ok(()),
        (_, Some(a)) if a < api::MIN_AMOUNT => Err(bad_field(
            path,
            OBJECT,
            "amount",
            "DecimalMin",
            "must be greater than or equal to 0.00001 (0 only for a Pre-Authorization)",
        )),
        _ => Ok(()),
    }
}

/// A refund: checks its parent and amount, notes the refund on the parent.
fn prepare_refund(
    store: &mut super::state::Store,
    rec: &mut Record,
    path: &str,
    now: OffsetDateTime,
) -> Result<(), Response> {
    let Some(parent_id) = rec.req.parent_payment_id.clone() else {
        return Err(bad_field(path, OBJECT, "parentPaymentId", "NotNull", "must not be null"));
    };
    let Some(parent) = store.payments.get(&parent_id) else {
        return Err(bad_field(
            path,
            OBJECT,
            "parentPaymentId",
            "NotFound",
            &format!("payment {parent_id} not found"),
        ));
    };
    if parent.kind != Kind::Deposit || parent.state != State::Completed {
        return Err(illegal_state(path, parent, "only a COMPLETED deposit can be refunded"));
    }
    if parent.currency != rec.currency {
        let message = format!("must be the currency of the deposit ({})", parent.currency);
        return Err(bad_field(path, OBJECT, "currency", "Mismatch", &message));
    }
    let refundable = store.refundable(parent);
    let amount = rec.amount.unwrap_or(refundable);
    if amount.is_zero() || amount < api::MIN_AMOUNT {
        return Err(bad_field(
            path,
            OBJECT,
            "amount",
            "DecimalMin",
            "nothing left to refund or amount below 0.00001",
        ));
    }
    if amount > refundable {
        let message = format!(
            "refund amount {amount} exceeds the refundable amount {refundable} of payment {parent_id}"
        );
        return Err(bad_field(path, OBJECT, "amount", "RefundLimit", &message));
    }
    rec.amount = Some(amount);
    rec.req.payment_method = parent.req.payment_method.clone();
    if let Some(parent) = store.payments.get_mut(&parent_id) {
        parent.note("REFUND", now);
    }
    Ok(())
}

/// Stores a new payment and says which background step follows.
pub(crate) fn create_in(
    emu: &Emu,
    req: PaymentRequest,
    path: &str,
) -> Result<(Record, Option<Step>), Response> {
    check_amount(&req, path)?;
    let now = crate::kit::now();
    let mut store = emu.lock();
    store.next_seq += 1;
    let seq = store.next_seq;
    let mut rec = Record::new(hex_id(emu.salt + seq), seq, req, now);
    let step = match rec.kind {
        Kind::Deposit => {
            rec.state = State::Checkout;
            rec.redirect_url = Some(emu.url(CHECKOUT_PATH, &rec.id));
            None
        }
        Kind::Withdrawal => {
            if let Some(card) = rec.req.card.clone() {
                rec.set_card(card);
            }
            Some(Step::Review)
        }
        Kind::Refund => {
            prepare_refund(&mut store, &mut rec, path, now)?;
            Some(Step::Refund)
        }
    };
    rec.note("CREATE_PAYMENT", now);
    let stays = rec.amount == Some(PROCESSING);
    store.payments.insert(rec.id.clone(), rec.clone());
    Ok((rec, step.filter(|_| !stays)))
}

/// `POST /api/v1/payments`.
pub(crate) async fn create(AxState(emu): AxState<App>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path();
    let req =
        match api::read::<PaymentRequestBody>(&body, path, false).and_then(|b| b.validate(path)) {
            Ok(r) => r,
            Err(r) => return r,
        };
    match create_in(&emu, req, path) {
        Ok((rec, step)) => {
            if let Some(step) = step {
                emu.schedule(rec.id.clone(), step);
            }
            envelope(rec.json(true), None)
        }
        Err(r) => r,
    }
}

/// `GET /api/v1/payments/{id}`.
pub(crate) async fn find(AxState(emu): AxState<App>, uri: Uri, Path(id): Path<String>) -> Response {
    match emu.lock().payments.get(&id) {
        Some(rec) => envelope(rec.json(true), None),
        None => not_found(uri.path(), &id),
    }
}

/// `GET /api/v1/payments/{id}/operations`.
pub(crate) async fn operations(
    AxState(emu): AxState<App>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    match emu.lock().payments.get(&id) {
        Some(rec) => envelope(rec.operations_json(), None),
        None => not_found(uri.path(), &id),
    }
}

/// `(offset, limit, [created.gte, created.lt, updated.gte, updated.lt])`.
type ListFilters = (usize, usize, [Option<OffsetDateTime>; 4]);

fn list_filters(q: &ListQuery, now: OffsetDateTime) -> Result<ListFilters, Vec<api::FieldError>> {
    let object = "paymentFilter";
    let mut errors = Vec::new();
    let mut int = |name: &str,
                   v: Option<&str>,
                   default: usize,
                   range: std::ops::RangeInclusive<usize>| match v {
        None => default,
        Some(v) => v.parse::<usize>().ok().filter(|n| range.contains(n)).unwrap_or_else(|| {
            let message = format!("must be between {} and {}", range.start(), range.end());
            errors.push(api::FieldError::new(object, name, "Range", &message));
            default
        }),
    };
    let offset = int("offset", q.offset.as_deref(), 0, 0..=1_000_000);
    let limit = int("limit", q.limit.as_deref(), 50, 1..=1000);
    let mut time = |name: &str, v: Option<&str>| {
        let t = v.map(parse_query_time);
        if t.is_some_and(|t| t.is_none()) {
            errors.push(api::FieldError::new(
                object,
                name,
                "typeMismatch",
                "must be a date-time YYYY-MM-DDTHH:MM:SS",
            ));
        }
        t.flatten()
    };
    let created_gte =
        time("created.gte", q.created_gte.as_deref()).or(Some(now - time::Duration::hours(24)));
    let times = [
        created_gte,
        time("created.lt", q.created_lt.as_deref()),
        time("updated.gte", q.updated_gte.as_deref()),
        time("updated.lt", q.updated_lt.as_deref()),
    ];
    if errors.is_empty() { Ok((offset, limit, times)) } else { Err(errors) }
}

/// `GET /api/v1/payments`.
pub(crate) async fn list(
    AxState(emu): AxState<App>,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Response {
    let (offset, limit, [c_gte, c_lt, u_gte, u_lt]) = match list_filters(&q, crate::kit::now()) {
        Ok(v) => v,
        Err(errors) => return api::validation_failed(uri.path(), "paymentFilter", errors),
    };
    let store = emu.lock();
    let mut matching: Vec<&Record> = store
        .payments
        .values()
        .filter(|r| c_gte.is_none_or(|t| r.created >= t) && c_lt.is_none_or(|t| r.created < t))
        .filter(|r| u_gte.is_none_or(|t| r.updated >= t) && u_lt.is_none_or(|t| r.updated < t))
        .filter(|r| q.reference_id.as_ref().is_none_or(|x| r.req.reference_id.as_ref() == Some(x)))
        .collect();
    matching.sort_by_key(|r| std::cmp::Reverse(r.seq));
    let has_more = matching.len() > offset.saturating_add(limit);
    let page: Vec<api::PaymentJson> =
        matching.iter().skip(offset).take(limit).map(|r| r.json(false)).collect();
    envelope(page, Some(has_more))
}

/// The host-to-host step of a deposit in `CHECKOUT`.
fn execute_in(
    emu: &Emu,
    rec: &mut Record,
    ip: String,
    path: &str,
    now: OffsetDateTime,
) -> Result<(), Response> {
    if rec.kind != Kind::Deposit || rec.state != State::Checkout {
        return Err(illegal_state(path, rec, "only a DEPOSIT in CHECKOUT can be executed"));
    }
    rec.req.customer.get_or_insert_with(Default::default).insert("ip".to_owned(), ip.into());
    rec.note("CONTINUE", now);
    if let Some(card) = rec.req.card.clone() {
        let three_ds = test_card(&card.number).0;
        rec.set_card(card);
        if three_ds {
            rec.move_to(State::Pending, "REDIRECT", now);
            rec.awaiting = Awaiting::ThreeDs;
            rec.redirect_url = Some(emu.url(THREE_DS_PATH, &rec.id));
        } else {
            rec.run_deposit(now);
        }
        return Ok(());
    }
    if rec.is_card() {
        let message = "Host-to-host processing of a card deposit needs the card data (send `card` when creating the deposit)";
        return Err(error(400, path, message, None));
    }
    let reference = format!("PT{:010}", rec.seq);
    let instructions = format!(
        "Pay {} {} with reference {reference}",
        rec.amount.unwrap_or_default(),
        rec.currency
    );
    rec.external_refs = Some(BTreeMap::from([
        ("paymentReference".to_owned(), reference),
        ("instructions".to_owned(), instructions),
        ("paymentUrl".to_owned(), emu.url(CHECKOUT_PATH, &rec.id)),
    ]));
    rec.move_to(State::Pending, "PRE_PROCESSING", now);
    rec.awaiting = Awaiting::Customer;
    Ok(())
}

/// `PATCH /api/v1/payments/{id}`: the host-to-host step.
pub(crate) async fn execute(
    AxState(emu): AxState<App>,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let ip = match api::read::<PatchBody>(&body, path, false).and_then(|b| b.validate(path)) {
        Ok(ip) => ip,
        Err(r) => return r,
    };
    emu.change(&id, path, not_found, |emu, rec, now| execute_in(emu, rec, ip, path, now))
}

fn capture_in(
    rec: &mut Record,
    amount: Option<Decimal>,
    path: &str,
    now: OffsetDateTime,
) -> Result<(), Response> {
    if rec.kind != Kind::Deposit || rec.state != State::Authorized {
        return Err(illegal_state(path, rec, "only a payment in AUTHORIZED state can be captured"));
    }
    let authorized = rec.amount.unwrap_or_default();
    let amount = amount.unwrap_or(authorized);
    if amount < api::MIN_AMOUNT {
        return Err(bad_field(
            path,
            "captureRequest",
            "amount",
            "DecimalMin",
            "must be greater than or equal to 0.00001",
        ));
    }
    if amount > authorized {
        let message = format!("capture amount {amount} exceeds the authorized amount {authorized}");
        return Err(bad_field(path, "captureRequest", "amount", "CaptureLimit", &message));
    }
    rec.amount = Some(amount);
    rec.move_to(State::Completed, "CAPTURE", now);
    Ok(())
}

/// The spec documents 400 (not 404) for capture and void of an unknown id.
fn unknown_400(path: &str, id: &str) -> Response {
    error(400, path, &format!("Payment {id} not found"), None)
}

/// `POST /api/v1/payments/{id}/capture`.
pub(crate) async fn capture(
    AxState(emu): AxState<App>,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let amount = match api::read::<CaptureBody>(&body, path, true).and_then(|b| b.validate(path)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    emu.change(&id, path, unknown_400, |_, rec, now| capture_in(rec, amount, path, now))
}

/// `POST /api/v1/payments/{id}/void`.
pub(crate) async fn void(AxState(emu): AxState<App>, uri: Uri, Path(id): Path<String>) -> Response {
    let path = uri.path();
    emu.change(&id, path, unknown_400, |_, rec, now| {
        if rec.kind != Kind::Deposit || rec.state != State::Authorized {
            return Err(illegal_state(
                path,
                rec,
                "only a payment in AUTHORIZED state can be voided",
            ));
        }
        rec.move_to(State::Cancelled, "VOID", now);
        Ok(())
    })
}

fn awaiting_approval(rec: &Record, path: &str, what: &str) -> Result<(), Response> {
    if rec.kind != Kind::Withdrawal || rec.state != State::AwaitingApproval {
        return Err(illegal_state(
            path,
            rec,
            &format!("only a WITHDRAWAL in AWAITING_APPROVAL state can be {what}"),
        ));
    }
    Ok(())
}

/// `POST /api/v1/payments/{id}/approve`.
pub(crate) async fn approve(
    AxState(emu): AxState<App>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let path = uri.path();
    let answer = emu.change(&id, path, not_found, |_, rec, now| {
        awaiting_approval(rec, path, "approved")?;
        rec.move_to(State::Pending, "APPROVE", now);
        Ok(())
    });
    if answer.status() == StatusCode::OK {
        emu.schedule(id, Step::Payout);
    }
    answer
}

/// `POST /api/v1/payments/{id}/reject`.
pub(crate) async fn reject(
    AxState(emu): AxState<App>,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let reason = match api::read::<RejectBody>(&body, path, true).and_then(|b| b.validate(path)) {
        Ok(r) => r,
        Err(r) => return r,
    };
    emu.change(&id, path, not_found, |_, rec, now| {
        awaiting_approval(rec, path, "rejected")?;
        rec.error = Some(("8.00", "Rejected by Merchant"));
        rec.external_result_code = reason;
        rec.move_to(State::Cancelled, "REJECT", now);
        Ok(())
    })
}

/// `GET /sandbox/paytech/checkout/{id}`: the customer pays a deposit (`?cardNumber=` picks a
/// test card when the deposit was created without one; `?action=cancel` cancels).
pub(crate) async fn checkout(
    AxState(emu): AxState<App>,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Response {
    let q = pairs(q);
    emu.visit(&id, |rec, now| {
        let open = rec.kind == Kind::Deposit
            && (rec.state == State::Checkout
                || (rec.state == State::Pending && rec.awaiting == Awaiting::Customer));
        if !open {
            return false;
        }
        let ended = match query_value(&q, "action").as_deref() {
            Some("cancel") => Some(("2.00", "Cancelled by Customer")),
            // The customer never finished: what pay.tech does when the checkout times out.
            Some("timeout") => Some(("1.04", "Cancelled by Timeout")),
            _ => None,
        };
        if let Some(error) = ended {
            rec.error = Some(error);
            rec.move_to(State::Cancelled, "CANCEL", now);
            return true;
        }
        rec.note("CHECKOUT", now);
        if rec.is_card() {
            let number = query_value(&q, "cardNumber")
                .map(|n| crate::kit::cards::digits(&n))
                .filter(|n| !n.is_empty());
            let card = rec.req.card.clone().unwrap_or_else(|| api::CardData {
                number: number.unwrap_or_else(|| "4000000000000002".to_owned()),
                holder: Some("SANDBOX CUSTOMER".to_owned()),
                expiry_month: Some("12".to_owned()),
                expiry_year: Some("2030".to_owned()),
            });
            rec.set_card(card);
        }
        rec.run_deposit(now);
        true
    })
}

/// `GET /sandbox/paytech/3ds/{id}`: the customer passes 3-D Secure (`?action=fail` fails it).
pub(crate) async fn three_ds(
    AxState(emu): AxState<App>,
    Path(id): Path<String>,
    q: QueryPairs,
) -> Response {
    let fail = query_value(&pairs(q), "action").is_some_and(|a| a == "fail");
    emu.visit(&id, |rec, now| {
        if rec.state != State::Pending || rec.awaiting != Awaiting::ThreeDs {
            return false;
        }
        if fail {
            rec.decline("5.00", "Declined by 3DS", None, "CONFIRMATION", now);
        } else {
            rec.note("CONFIRMATION", now);
            rec.run_deposit(now);
        }
        true
    })
}
