//! pay.tech's payments (deposits, withdrawals, refunds), their states and the moves between
//! them. Pure: no HTTP here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

use super::api::{CardData, Kind, MethodDetails, OperationJson, PaymentJson, PaymentRequest};
use crate::kit::body::number;
use crate::kit::cards;

/// The amount that leaves a payment `PENDING` for good.
pub(crate) const PROCESSING: Decimal = Decimal::from_parts(7777, 0, 0, false, 2);
/// A refund of this amount is declined (`1.10` Insufficient Balance).
pub(crate) const REFUND_DECLINED: Decimal = Decimal::from_parts(1313, 0, 0, false, 2);
/// A deposit requested for this amount in any currency but EUR is sent to the provider as
/// 11.12 EUR (`customerAmount`/`customerCurrency` keep the request).
pub(crate) const CONVERTED: Decimal = Decimal::from_parts(15, 0, 0, false, 0);
/// A deposit of this amount completes for a different final amount (30.00).
pub(crate) const FINAL_DIFFERS: Decimal = Decimal::from_parts(3333, 0, 0, false, 2);
/// Deposits must be under this in the sandbox.
const DEPOSIT_LIMIT: Decimal = Decimal::from_parts(10_000_000, 0, 0, false, 0);
/// Withdrawals and refunds at most this in the sandbox.
pub(crate) const PAYOUT_LIMIT: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// `PaymentState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Checkout,
    Pending,
    AwaitingApproval,
    Authorized,
    Completed,
    Declined,
    Cancelled,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Checkout => "CHECKOUT",
            State::Pending => "PENDING",
            State::AwaitingApproval => "AWAITING_APPROVAL",
            State::Authorized => "AUTHORIZED",
            State::Completed => "COMPLETED",
            State::Declined => "DECLINED",
            State::Cancelled => "CANCELLED",
        }
    }

    /// The states the seed says webhooks are sent for.
    pub(crate) fn notifies(self) -> bool {
        matches!(self, State::Completed | State::Declined | State::Cancelled | State::Authorized)
    }

    fn is_final(self) -> bool {
        matches!(self, State::Completed | State::Declined | State::Cancelled)
    }
}

/// What a non-final payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Awaiting {
    /// Nothing the sandbox's pages can do (a background step, or the `77.77` trigger).
    Nothing,
    /// The 3-D Secure page after a host-to-host card step.
    ThreeDs,
    /// The customer paying by the instructions in `externalRefs` (the checkout page plays it).
    Customer,
}

/// The outcome of a test card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardOutcome {
    Approve,
    Decline(&'static str, &'static str, &'static str),
}

/// The spec's test-card table (plus one insufficient-funds card): `(3-D Secure enrolled,
/// outcome)`. Unlisted numbers decline with `4.13` Invalid card number.
pub(crate) fn test_card(number: &str) -> (bool, CardOutcome) {
    const ISSUER: CardOutcome = CardOutcome::Decline("4.00", "Declined by Issuer", "05");
    match number {
        "4000000000000002" | "5555000000000008" => (true, CardOutcome::Approve),
        "4242424242424242" | "5555000000000438" => (true, ISSUER),
        "4000000000000408" | "5555000000000107" => (false, CardOutcome::Approve),
        "4000000000000416" | "5555000000000115" => (false, ISSUER),
        "4000000000009995" => (false, CardOutcome::Decline("4.01", "Insufficient Funds", "51")),
        _ => (false, CardOutcome::Decline("4.13", "Declined by Issuer: Invalid card number", "14")),
    }
}

/// A background step that a timer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A refund settles: `PENDING -> COMPLETED` (or `DECLINED`).
    Refund,
    /// A withdrawal goes to review: `PENDING -> AWAITING_APPROVAL` (or `DECLINED`).
    Review,
    /// An approved withdrawal is paid out: `PENDING -> COMPLETED` (or `DECLINED`).
    Payout,
}

/// One entry of `GET /api/v1/payments/{id}/operations`.
#[derive(Debug, Clone)]
pub(crate) struct OpRec {
    pub id: i64,
    pub operation: &'static str,
    pub at: OffsetDateTime,
    pub state: State,
}

/// One payment of any type.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: String,
    pub seq: u64,
    pub kind: Kind,
    pub state: State,
    pub awaiting: Awaiting,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub req: PaymentRequest,
    /// The amount now (the captured amount after a partial capture).
    pub amount: Option<Decimal>,
    /// The request's amount and currency when the provider got another currency.
    pub converted_from: Option<(Decimal, String)>,
    pub currency: String,
    pub method_details: Option<MethodDetails>,
    pub redirect_url: Option<String>,
    pub error: Option<(&'static str, &'static str)>,
    pub external_result_code: Option<String>,
    pub external_refs: Option<BTreeMap<String, String>>,
    pub operations: Vec<OpRec>,
}

/// `ISO 8601 (YYYY-MM-DD'T'HH24:MI:SS)` in UTC, as `created` and the list filters.
pub(crate) fn fmt_created(t: OffsetDateTime) -> String {
    t.format(&format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        .unwrap_or_default()
}

/// The envelope's `timestamp` (`2024-09-24T20:29:11.632+00:00`).
pub(crate) fn fmt_timestamp(t: OffsetDateTime) -> String {
    let f = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00"
    );
    t.format(&f).unwrap_or_default()
}

/// Parses a list filter time (`2021-10-13T10:26:18`, UTC).
pub(crate) fn parse_query_time(s: &str) -> Option<OffsetDateTime> {
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, &f).ok().map(|p| p.assume_utc())
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

/// Keys of `ResponseCustomer` (what a payment answer shows of the request's `customer`).
const RESPONSE_CUSTOMER_KEYS: &[&str] = &[
    "referenceId",
    "citizenshipCountryCode",
    "firstName",
    "lastName",
    "dateOfBirth",
    "email",
    "phone",
    "locale",
    "accountName",
    "accountType",
    "bank",
    "bankCode",
    "bankBranch",
    "bankBranchCode",
    "documentType",
    "documentNumber",
    "routingGroup",
    "kycStatus",
    "paymentInstrumentKycStatus",
    "dateOfFirstDeposit",
    "ip",
];

impl Record {
    /// A new payment from a valid request (its state set by the caller).
    pub(crate) fn new(id: String, seq: u64, req: PaymentRequest, now: OffsetDateTime) -> Record {
        let mut rec = Record {
            id,
            seq,
            kind: req.kind,
            state: State::Pending,
            awaiting: Awaiting::Nothing,
            created: now,
            updated: now,
            amount: req.amount,
            converted_from: None,
            currency: req.currency.clone(),
            method_details: None,
            redirect_url: None,
            error: None,
            external_result_code: None,
            external_refs: None,
            operations: Vec::new(),
            req,
        };
        if rec.req.payment_method.is_none() && rec.req.card.is_some() {
            rec.req.payment_method = Some("BASIC_CARD".into());
        }
        rec.req.pre_auth &= rec.kind == Kind::Deposit;
        rec
    }

    /// Moves to `state`, noting the operation.
    pub(crate) fn move_to(&mut self, state: State, operation: &'static str, now: OffsetDateTime) {
        self.state = state;
        self.updated = now;
        if state != State::Pending {
            self.awaiting = Awaiting::Nothing;
        }
        self.note(operation, now);
    }

    /// Notes an operation without a move.
    pub(crate) fn note(&mut self, operation: &'static str, now: OffsetDateTime) {
        let n = i64::try_from(self.operations.len()).unwrap_or(0) + 1;
        let id = i64::try_from(self.seq).unwrap_or(0) * 1000 + n;
        self.operations.push(OpRec { id, operation, at: now, state: self.state });
    }

    /// Declines with an error code from the spec's table.
    pub(crate) fn decline(
        &mut self,
        code: &'static str,
        message: &'static str,
        external: Option<&str>,
        op: &'static str,
        now: OffsetDateTime,
    ) {
        self.error = Some((code, message));
        self.external_result_code = external.map(str::to_owned);
        self.move_to(State::Declined, op, now);
    }

    /// Fills `paymentMethodDetails` from the card that was run.
    pub(crate) fn set_card(&mut self, card: CardData) {
        self.method_details = Some(MethodDetails {
            customer_account_number: cards::masked(&card.number),
            card_token: hex_id(self.seq ^ 0x5eed_cafe),
            cardholder_name: card.holder.clone(),
            card_expiry_month: card.expiry_month.clone(),
            card_expiry_year: card.expiry_year.clone(),
            card_brand: match cards::brand(&card.number) {
                cards::Brand::Visa => "VISA",
                cards::Brand::Mastercard => "MASTERCARD",
                _ => "UNKNOWN",
            },
            card_issuing_country_code: "CY",
        });
        self.req.payment_method.get_or_insert_with(|| "BASIC_CARD".into());
        self.req.card = Some(card);
    }

    /// Whether the deposit is paid by card (with or without card data yet).
    pub(crate) fn is_card(&self) -> bool {
        self.req.card.is_some()
            || matches!(
                self.req.payment_method.as_deref(),
                None | Some("BASIC_CARD" | "BASIC_CARD_HPP")
            )
    }

    /// Runs a deposit's payment (the card, or the alternative method): the sandbox limit, the
    /// amount triggers, then the test-card table.
    pub(crate) fn run_deposit(&mut self, now: OffsetDateTime) {
        let amount = self.amount.unwrap_or_default();
        if amount >= DEPOSIT_LIMIT {
            return self.decline("3.28", "Amount higher than maximum", None, "DEPOSIT", now);
        }
        if amount == PROCESSING {
            self.move_to(State::Pending, "DEPOSIT", now);
            self.awaiting = Awaiting::Nothing;
            return;
        }
        let outcome =
            self.req.card.as_ref().map_or(CardOutcome::Approve, |c| test_card(&c.number).1);
        match outcome {
            CardOutcome::Decline(code, msg, ext) => {
                self.decline(code, msg, Some(ext), "DEPOSIT", now)
            }
            CardOutcome::Approve => {
                if self.req.card.is_some() {
                    self.external_result_code = Some("00".to_owned());
                }
                if amount == CONVERTED && self.currency != "EUR" {
                    self.converted_from = Some((amount, self.currency.clone()));
                    self.amount = Some(Decimal::new(1112, 2));
                    self.currency = "EUR".into();
                } else if amount == FINAL_DIFFERS {
                    self.amount = Some(Decimal::new(3000, 2));
                }
                let state = if self.req.pre_auth { State::Authorized } else { State::Completed };
                self.move_to(state, "DEPOSIT", now);
            }
        }
    }

    /// A background step: settles a refund, reviews or pays out a withdrawal.
    pub(crate) fn settle(&mut self, step: Step, now: OffsetDateTime) {
        if self.state != State::Pending {
            return;
        }
        let amount = self.amount.unwrap_or_default();
        let op = if self.kind == Kind::Refund { "REFUND" } else { "WITHDRAWAL" };
        if amount > PAYOUT_LIMIT {
            return self.decline("3.28", "Amount higher than maximum", None, op, now);
        }
        match step {
            Step::Refund if amount == REFUND_DECLINED => {
                self.decline("1.10", "Insufficient Balance", None, op, now)
            }
            Step::Refund => self.move_to(State::Completed, op, now),
            Step::Review => self.move_to(State::AwaitingApproval, op, now),
            Step::Payout => match self.req.card.as_ref().map(|c| test_card(&c.number).1) {
                Some(CardOutcome::Decline(code, msg, ext)) => {
                    self.decline(code, msg, Some(ext), op, now)
                }
                _ => self.move_to(State::Completed, op, now),
            },
        }
    }

    /// `PaymentResult` (`full`: answers and webhooks) or `Payment` (list items).
    pub(crate) fn json(&self, full: bool) -> PaymentJson {
        let customer = self.req.customer.as_ref().map(|c| {
            c.iter()
                .filter(|(k, v)| {
                    RESPONSE_CUSTOMER_KEYS.contains(&k.as_str())
                        && (v.is_string() || v.is_boolean())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>()
        });
        let show_redirect = !self.state.is_final() && self.state != State::Authorized;
        PaymentJson {
            id: self.id.clone(),
            reference_id: self.req.reference_id.clone(),
            created: fmt_created(self.created),
            payment_type: self.kind.as_str(),
            state: self.state.as_str(),
            description: self.req.description.clone(),
            parent_payment_id: self.req.parent_payment_id.clone(),
            payment_method: self.req.payment_method.clone(),
            payment_method_details: self.method_details.clone(),
            amount: self.amount.map(number),
            currency: self.currency.clone(),
            customer_amount: self.converted_from.as_ref().map(|(a, _)| number(*a)),
            customer_currency: self.converted_from.as_ref().map(|(_, c)| c.clone()),
            redirect_url: self.redirect_url.clone().filter(|_| show_redirect),
            error_code: self.error.map(|e| e.0),
            error_message: self.error.map(|e| e.1),
            external_result_code: self.external_result_code.clone(),
            customer,
            billing_address: self.req.billing_address.clone(),
            start_recurring: self.req.start_recurring,
            pre_auth: self.req.pre_auth,
            recurring_token: self.req.recurring_token.clone(),
            shop_name: "paymux sandbox shop",
            terminal_name: "SANDBOX",
            additional_parameters: self.req.additional_parameters.clone().filter(|_| full),
            external_refs: self.external_refs.clone().filter(|_| full),
        }
    }

    /// `PaymentOperation`s, most recent first.
    pub(crate) fn operations_json(&self) -> Vec<OperationJson> {
        self.operations
            .iter()
            .rev()
            .map(|o| OperationJson {
                id: o.id,
                operation: o.operation,
                started: fmt_timestamp(o.at),
                completed: fmt_timestamp(o.at),
                payment_state: o.state.as_str(),
            })
            .collect()
    }
}

/// Every payment of the sandbox shop.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub payments: std::collections::HashMap<String, Record>,
    pub next_seq: u64,
}

impl Store {
    /// What is left to refund of deposit `parent` (pending refunds count).
    pub(crate) fn refundable(&self, parent: &Record) -> Decimal {
        let refunded: Decimal = self
            .payments
            .values()
            .filter(|r| {
                r.kind == Kind::Refund
                    && r.req.parent_payment_id.as_deref() == Some(parent.id.as_str())
            })
            .filter(|r| !matches!(r.state, State::Declined | State::Cancelled))
            .filter_map(|r| r.amount)
            .sum();
        parent.amount.unwrap_or_default() - refunded
    }
}
