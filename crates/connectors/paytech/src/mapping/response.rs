//! pay.tech answer -> core: amounts, state words, decline codes, resources, errors, times.

use std::collections::BTreeMap;
use std::str::FromStr;

use paymux_core::transport::GatewayError;
use paymux_core::{
    CaptureMode, CreateRefund, CustomerId, DeclineCode, Error, Failure, GatewayAmount, Metadata,
    Money, NextAction, Page, PageCursor, Payment, PaymentId, PaymentStatus, Payout, PayoutId,
    PayoutStatus, ProviderId, Refund, RefundId, RefundStatus, Result,
};
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use time::OffsetDateTime;

use crate::wire::{ErrorBody, ListEnvelope, PaymentResult, PaymentType};

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

/// Reads a JSON number token (`11.12`, `2000`, `1.5E+3`) exactly. A quoted number is accepted
/// too, in case the gateway ever sends one.
pub(crate) fn parse_amount(raw: &RawValue) -> Result<Decimal> {
    let (token, text) = number_text(raw);
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    parsed.map_err(|e| Error::invalid_response(format!("amount {token} is not a decimal: {e}")))
}

/// The token as sent, and its number text without the quotes of a quoted number.
fn number_text(raw: &RawValue) -> (&str, &str) {
    let token = raw.get().trim();
    (token, token.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(token))
}

/// An amount token and a currency code exactly as the gateway wrote them. Fails only when the
/// token is not a decimal number or is negative (an answer no payment can have); a figure
/// [`Money`] cannot hold (a cryptocurrency, more decimals than ISO 4217 gives the currency) is
/// read all the same.
pub(crate) fn gateway_amount(raw: &RawValue, currency: &str) -> Result<GatewayAmount> {
    let value = parse_amount(raw)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::invalid_response(format!("amount {} is negative", number_text(raw).0)));
    }
    Ok(GatewayAmount::new(value, currency))
}

/// A gateway figure as [`Money`], or why `Money` cannot hold it: an `InvalidResponse` whose
/// source is the [`MoneyError`](paymux_core::MoneyError) (so that a webhook reader notes it
/// as unsupported, not invalid).
fn held(figure: &GatewayAmount) -> Result<Money> {
    figure.to_money().map_err(|e| {
        Error::invalid_response(format!("{figure} cannot be a Money: {e}")).with_source(e)
    })
}

/// An amount token plus a currency code from the gateway, as exact [`Money`]. Refuses (rather
/// than rounds) more decimals than the currency has, and a currency outside ISO 4217.
pub(crate) fn wire_money(raw: &RawValue, currency: &str) -> Result<Money> {
    held(&gateway_amount(raw, currency)?)
}

fn optional_figure(
    raw: Option<&RawValue>,
    currency: Option<&str>,
) -> Result<Option<GatewayAmount>> {
    match (raw, currency) {
        (Some(raw), Some(currency)) => gateway_amount(raw, currency).map(Some),
        _ => Ok(None),
    }
}

/// The pointer of the answer's `amount`, for notes on what a webhook could not hold.
pub(crate) const AMOUNT: &str = "/amount";
/// The pointer of the answer's `customerAmount`.
pub(crate) const CUSTOMER_AMOUNT: &str = "/customerAmount";
/// The pointer of the answer's `currency`.
pub(crate) const CURRENCY: &str = "/currency";

/// The amounts of a deposit, as far as [`Money`] holds them (the crate docs, "Amounts").
pub(crate) struct Amounts {
    /// The requested amount: the caller's, else `customerAmount`, else `amount`, else zero in
    /// `currency`; `None` when `Money` cannot hold it (it is then in `gateway`).
    pub requested: Option<Money>,
    /// `amount`/`currency` (what went to the provider), when `Money` holds it.
    pub wire: Option<Money>,
    /// The gateway's own figure where `Money` cannot hold it: the requested one when
    /// `requested` is `None`, else `amount`/`currency`.
    pub gateway: Option<GatewayAmount>,
    /// Each figure `Money` could not hold: where it is in the answer, and why.
    pub unheld: Vec<(&'static str, Error)>,
}

/// Reads a deposit's amounts. Only an answer that states no amount at all (neither an amount
/// nor a currency), or an amount that is not a non-negative number, is an error: a figure
/// `Money` cannot hold is kept in [`Amounts::gateway`].
pub(crate) fn amounts(r: &PaymentResult, requested: Option<Money>) -> Result<Amounts> {
    let wire_figure = optional_figure(r.amount.as_deref(), r.currency.as_deref())?;
    let customer_figure =
        optional_figure(r.customer_amount.as_deref(), r.customer_currency.as_deref())?;
    let mut unheld = Vec::new();
    let mut gateway = None;
    let wire = match &wire_figure {
        Some(figure) => match held(figure) {
            Ok(money) => Some(money),
            Err(e) => {
                unheld.push((AMOUNT, e));
                None
            }
        },
        None => None,
    };
    let requested = match (requested, customer_figure) {
        (Some(money), _) => Some(money),
        // The gateway converted the request: `customerAmount` is what was asked for.
        (None, Some(figure)) => match held(&figure) {
            Ok(money) => Some(money),
            Err(e) => {
                unheld.push((CUSTOMER_AMOUNT, e));
                gateway = Some(figure);
                None
            }
        },
        (None, None) => match (&wire_figure, wire) {
            (_, Some(money)) => Some(money),
            // Already noted above: the requested figure is `amount` itself.
            (Some(figure), None) => {
                gateway = Some(figure.clone());
                None
            }
            // A deposit created without an amount, whose checkout page collects it.
            (None, None) => {
                let code = r.currency.as_deref().ok_or_else(|| {
                    Error::invalid_response(format!(
                        "payment {} has neither amount nor currency",
                        r.id
                    ))
                })?;
                let zero = GatewayAmount::new(Decimal::ZERO, code);
                match held(&zero) {
                    Ok(money) => Some(money),
                    Err(e) => {
                        unheld.push((CURRENCY, e));
                        gateway = Some(zero);
                        None
                    }
                }
            }
        },
    };
    // `amount_received` cannot hold the provider-side figure: keep it here instead.
    if gateway.is_none() && wire.is_none() {
        gateway = wire_figure;
    }
    Ok(Amounts { requested, wire, gateway, unheld })
}

// ---------------------------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------------------------

/// The error code pay.tech sets on a deposit cancelled because the customer never finished.
pub(crate) const CANCELLED_BY_TIMEOUT: &str = "1.04";

/// A `PaymentState` (deposit view) as a [`PaymentStatus`], by the word alone. Every state
/// the spec documents has a row (the crate's tests check each against this function); a word
/// it does not document is `Processing` (never final), kept in `raw_status`.
///
/// | state | status |
/// |---|---|
/// | `CHECKOUT` | `RequiresAction` (the customer must go to `redirectUrl`) |
/// | `PENDING` | `Processing` (but see below) |
/// | `AWAITING_APPROVAL` | `Processing` |
/// | `AUTHORIZED` | `RequiresCapture` |
/// | `COMPLETED` | `Succeeded` |
/// | `DECLINED` | `Failed` |
/// | `CANCELLED` with `errorCode` `1.04` (Cancelled by Timeout) | `Expired` |
/// | `CANCELLED` | `Cancelled` |
///
/// A deposit read from an answer also takes what the answer says the customer must do
/// (`next_action` is set on `RequiresAction` payments and on no other):
///
/// | answer | status | `next_action` |
/// |---|---|---|
/// | `CHECKOUT` with `redirectUrl` | `RequiresAction` | `Redirect` to `redirectUrl` (the answer of the host-to-host step shows its `externalRefs` first) |
/// | `CHECKOUT` with neither `redirectUrl` nor `externalRefs` | `Processing` (nowhere to send the customer) | none |
/// | `PENDING` with `externalRefs` (the guide: "payment instructions to the customer") | `RequiresAction` | `Instructions` |
/// | `PENDING` with `redirectUrl`, in the answer of the host-to-host step (`confirm_payment`) | `RequiresAction` | `Redirect` (its 3-D Secure or bank page) |
/// | `PENDING` otherwise, `redirectUrl` included (the checkout page the customer already went through) | `Processing` | none |
/// | `AUTHORIZED` | `RequiresCapture`, `amount_capturable` = `amount` (the authorized amount; the requested amount when `amount` is in another currency, since pay.tech authorizes the whole request) | none |
/// | `DECLINED` | `Failed`, with a `Failure` even when the answer has no `errorCode` | none |
/// | any other state | as above | none |
pub fn payment_status(state: &str, error_code: Option<&str>) -> PaymentStatus {
    match state {
        "CHECKOUT" => PaymentStatus::RequiresAction,
        "PENDING" | "AWAITING_APPROVAL" => PaymentStatus::Processing,
        "AUTHORIZED" => PaymentStatus::RequiresCapture,
        "COMPLETED" => PaymentStatus::Succeeded,
        "DECLINED" => PaymentStatus::Failed,
        "CANCELLED" if error_code == Some(CANCELLED_BY_TIMEOUT) => PaymentStatus::Expired,
        "CANCELLED" => PaymentStatus::Cancelled,
        _ => PaymentStatus::Processing,
    }
}

/// A `PaymentState` of a `REFUND` payment as a [`RefundStatus`]. Every documented state has
/// a row (checked by the crate's tests); a word the spec does not document is `Pending`.
///
/// | state | refund status |
/// |---|---|
/// | `CHECKOUT` | `Pending` |
/// | `PENDING` | `Pending` (where a refund starts) |
/// | `AWAITING_APPROVAL` | `Pending` |
/// | `AUTHORIZED` | `Pending` |
/// | `COMPLETED` | `Succeeded` |
/// | `DECLINED` | `Failed` |
/// | `CANCELLED` | `Cancelled` |
pub fn refund_status(state: &str) -> RefundStatus {
    match state {
        "COMPLETED" => RefundStatus::Succeeded,
        "DECLINED" => RefundStatus::Failed,
        "CANCELLED" => RefundStatus::Cancelled,
        _ => RefundStatus::Pending,
    }
}

/// A `PaymentState` of a `WITHDRAWAL` (a payout) as a [`PayoutStatus`]. Every documented
/// state has a row (checked by the crate's tests); a word the spec does not document is
/// `Processing` (never final), kept in `raw_status`.
///
/// | state | payout status |
/// |---|---|
/// | `CHECKOUT` | `RequiresAction` (the recipient gives details on a page) |
/// | `PENDING` | `Processing` (where a withdrawal starts) |
/// | `AWAITING_APPROVAL` | `RequiresAction` (the merchant approves or rejects it) |
/// | `AUTHORIZED` | `Processing` |
/// | `COMPLETED` | `Succeeded` |
/// | `DECLINED` | `Failed` |
/// | `CANCELLED` | `Cancelled` (a rejected withdrawal too) |
pub fn payout_status(state: &str) -> PayoutStatus {
    match state {
        "CHECKOUT" | "AWAITING_APPROVAL" => PayoutStatus::RequiresAction,
        "COMPLETED" => PayoutStatus::Succeeded,
        "DECLINED" => PayoutStatus::Failed,
        "CANCELLED" => PayoutStatus::Cancelled,
        _ => PayoutStatus::Processing,
    }
}

// ---------------------------------------------------------------------------------------------
// Decline codes
// ---------------------------------------------------------------------------------------------

/// pay.tech's `errorCode` (the spec's "Error codes" table) as a normalized [`DeclineCode`].
///
/// Every code the spec documents maps as the table says (the crate's tests check each row
/// against this function, and that every documented code has one). A code the spec does not
/// document maps by its family (the part before the dot): `1.xx` (gateway) `processing_error`;
/// `2.xx` (customer) and `8.xx` (merchant) none; `3.xx` (acquirer), `4.xx` (issuer) and `5.xx`
/// (3-D Secure) `card_declined`; `6.xx` (internal anti-fraud) and `7.xx` (external anti-fraud)
/// `fraud_suspected`; anything else none. The original code always stays in
/// `Failure::gateway_code`.
///
/// "none" means no shared code says what happened: the payment was not declined (a timeout,
/// the customer or the merchant cancelling, an abandoned payment) or it was refused for a
/// reason the shared vocabulary lacks (`3.16`, a duplicate: nothing is wrong with the card, and
/// `card_declined` would send the customer to another card for nothing).
///
/// | code | meaning (the spec's) | decline code |
/// |---|---|---|
/// | `1.00` | Illegal Workflow State | `processing_error` |
/// | `1.01` | Not Found | `processing_error` |
/// | `1.02` | Communication Problem | `processing_error` |
/// | `1.03` | Internal Server Error | `processing_error` |
/// | `1.04` | Cancelled by Timeout | none |
/// | `1.05` | Terminal not Found | `config_error` |
/// | `1.06` | Recurring Token not Found | `processing_error` |
/// | `1.07` | Payer Unaccepted | `processing_error` |
/// | `1.08` | Invalid Amount | `invalid_amount` |
/// | `1.09` | Invalid Currency | `unsupported_feature` |
/// | `1.10` | Insufficient Balance | `insufficient_funds` |
/// | `1.11` | Processing Limits Reached | `processing_error` |
/// | `2.00` | Cancelled by Customer | none |
/// | `3.00` | Declined by Acquirer | `card_declined` |
/// | `3.01` | Declined by Acquirer: Anti-fraud | `fraud_suspected` |
/// | `3.02` | Invalid request format or missing required parameters | `processing_error` |
/// | `3.03` | Acquirer Malfunction | `processing_error` |
/// | `3.04` | Acquirer Timeout | `processing_error` |
/// | `3.05` | Acquirer Limits Reached | `card_declined` |
/// | `3.06` | Declined by Acquirer: Card Scheme | `card_declined` |
/// | `3.07` | Declined by Acquirer: Card Data | `card_declined` |
/// | `3.08` | Declined by Acquirer: Business Rules | `card_declined` |
/// | `3.09` | SCA required | `authentication_required` |
/// | `3.10` | Unknown Error Code | `card_declined` |
/// | `3.11` | Payer cannot pay | `card_declined` |
/// | `3.12` | Invalid ID Document | `card_declined` |
/// | `3.13` | ID Document Restrictions | `card_declined` |
/// | `3.14` | Declined Due to Age Requirements | `card_declined` |
/// | `3.15` | ID Document Under Temporary Restrictions | `card_declined` |
/// | `3.16` | Duplicate Payment | none |
/// | `3.17` | Channel not active | `config_error` |
/// | `3.18` | Cancelled or abandoned transaction | none |
/// | `3.19` | Card PAN blacklisted | `fraud_suspected` |
/// | `3.20` | Card PAN not whitelisted | `card_declined` |
/// | `3.21` | Invalid phone number | `card_declined` |
/// | `3.22` | Card BIN country not allowed | `card_declined` |
/// | `3.23` | Bank does not exist or not supported | `unsupported_feature` |
/// | `3.24` | Requisites Unavailable | `card_declined` |
/// | `3.25` | Document type is required | `card_declined` |
/// | `3.26` | Invalid document type and/or document | `card_declined` |
/// | `3.27` | Amount lower than minimum | `invalid_amount` |
/// | `3.28` | Amount higher than maximum | `invalid_amount` |
/// | `3.29` | Transaction has chargeback already | `card_declined` |
/// | `3.30` | Invalid Email | `card_declined` |
/// | `3.31` | Bank is temporarily unavailable | `processing_error` |
/// | `4.00` | Declined by Issuer | `card_declined` |
/// | `4.01` | Insufficient Funds | `insufficient_funds` |
/// | `4.02` | Do Not Honor | `card_declined` |
/// | `4.03` | Invalid Account Number | `incorrect_number` |
/// | `4.04` | Declined by Issuer: Invalid card expiration date | `invalid_expiry_date` |
/// | `4.05` | Issuer Limits Reached | `card_declined` |
/// | `4.06` | Card Lost or not active | `pick_up_card` |
/// | `4.07` | Invalid Security Code | `incorrect_cvc` |
/// | `4.08` | Declined by Issuer: Business Rules | `card_declined` |
/// | `4.09` | Declined by Issuer: Anti-fraud | `fraud_suspected` |
/// | `4.10` | Transaction not permitted to cardholder | `card_declined` |
/// | `4.11` | AVS failed | `incorrect_address` |
/// | `4.12` | Declined by Issuer: Invalid email | `card_declined` |
/// | `4.13` | Declined by Issuer: Invalid card number | `invalid_number` |
/// | `4.14` | Declined by Issuer: PIN attempts limit exceeded | `incorrect_pin` |
/// | `4.15` | The bank has requested a retry of the transaction | `processing_error` |
/// | `5.00` | Declined by 3DS | `card_declined` |
/// | `5.01` | 3DS Timeout | `processing_error` |
/// | `5.02` | ACS malfunction | `processing_error` |
/// | `6.00` | Declined by Internal Anti-fraud | `fraud_suspected` |
/// | `6.01` | Card PAN Blacklisted | `fraud_suspected` |
/// | `6.02` | Customer Email Blacklisted | `fraud_suspected` |
/// | `6.03` | Card Issuing Country Restricted | `fraud_suspected` |
/// | `6.04` | IP Country Restricted | `fraud_suspected` |
/// | `6.05` | Restricted Currency | `unsupported_feature` |
/// | `6.06` | Invalid Amount | `invalid_amount` |
/// | `6.07` | IP Country Must Be Equal to Billing Country | `fraud_suspected` |
/// | `6.08` | IP Country Must Be Equal to Card Issuing Country | `fraud_suspected` |
/// | `6.09` | Billing Country Must Be Equal to Card Issuing Country | `fraud_suspected` |
/// | `6.10` | Payment Created Within Closed Period of Day | `fraud_suspected` |
/// | `6.11` | Card PAN not Whitelisted | `fraud_suspected` |
/// | `6.12` | Cardholder name is invalid | `fraud_suspected` |
/// | `6.13` | The same card is used by different customers | `fraud_suspected` |
/// | `6.14` | Customer Phone Blacklisted | `fraud_suspected` |
/// | `6.15` | Card Brand not supported | `unsupported_feature` |
/// | `6.21` | Limit exceeded: Number of completed deposits | `fraud_suspected` |
/// | `6.22` | Limit exceeded: Number of completed deposits for card | `fraud_suspected` |
/// | `6.23` | Limit exceeded: Number of declined deposits for card | `fraud_suspected` |
/// | `6.24` | Limit exceeded: Number of cards for IP address | `fraud_suspected` |
/// | `6.25` | Limit exceeded: Number of IP addresses for card | `fraud_suspected` |
/// | `6.26` | Limit exceeded: IP country does not match card country | `fraud_suspected` |
/// | `6.27` | Limit exceeded: Same amount and currency for card | `fraud_suspected` |
/// | `6.28` | Limit exceeded: Amount of deposits in specified currency | `fraud_suspected` |
/// | `6.29` | Limit exceeded: Amount of deposits for card and currency | `fraud_suspected` |
/// | `6.30` | Limit exceeded: Amount of deposits in base currency | `fraud_suspected` |
/// | `6.31` | Limit exceeded: Amount of deposits for card in base currency | `fraud_suspected` |
/// | `6.32` | Limit exceeded: Number of IP countries for card | `fraud_suspected` |
/// | `6.33` | Limit exceeded: Amount of deposits for customer in base currency | `fraud_suspected` |
/// | `6.34` | Limit exceeded: Withdrawal amount for customer in base currency | `fraud_suspected` |
/// | `6.35` | Billing Country Restricted | `fraud_suspected` |
/// | `6.36` | Customer Citizenship Country Restricted | `fraud_suspected` |
/// | `6.37` | Limit exceeded: Number of withdrawals | `fraud_suspected` |
/// | `6.38` | Limit exceeded: Amount of withdrawals in specified currency | `fraud_suspected` |
/// | `6.39` | Card BIN Blacklisted | `fraud_suspected` |
/// | `6.40` | UPI VPA Blacklisted | `fraud_suspected` |
/// | `6.41` | ID Document Blacklisted | `fraud_suspected` |
/// | `6.42` | Limit exceeded: Decline deposits streak for card | `fraud_suspected` |
/// | `6.43` | Limit exceeded: Incomplete deposits APM streak for email | `fraud_suspected` |
/// | `6.44` | Customer email contains restricted word | `fraud_suspected` |
/// | `6.45` | Limit exceeded: Pending deposits for customer | `fraud_suspected` |
/// | `6.46` | Limit exceeded: Pending same amount deposits for customer | `fraud_suspected` |
/// | `6.47` | Limit exceeded: Number of completed deposits for email | `fraud_suspected` |
/// | `6.48` | Limit exceeded: Number of completed deposits for IP address | `fraud_suspected` |
/// | `6.49` | Limit exceeded: Number of cards for customer | `fraud_suspected` |
/// | `6.50` | Number of cards for customer | `fraud_suspected` |
/// | `6.51` | Suspicious Email | `fraud_suspected` |
/// | `6.52` | Blacklisted IP Address | `fraud_suspected` |
/// | `6.53` | Limit exceeded: Number of error codes in deposits for email | `fraud_suspected` |
/// | `7.00` | Declined by External Anti-fraud | `fraud_suspected` |
/// | `7.01` | External Anti-fraud Communication Problem | `processing_error` |
/// | `8.00` | Rejected by Merchant | none |
pub fn decline_code(code: &str) -> Option<DeclineCode> {
    let code = code.trim();
    let specific = match code {
        "1.04" | "2.00" | "3.18" | "8.00" => return None,
        // A duplicate is not a decline of the card, and no shared code says "duplicate":
        // `card_declined` would send the customer to another card for nothing.
        "3.16" => return None,
        "1.05" | "3.17" => DeclineCode::ConfigError,
        "1.08" | "3.27" | "3.28" | "6.06" => DeclineCode::InvalidAmount,
        "1.09" | "3.23" | "6.05" | "6.15" => DeclineCode::UnsupportedFeature,
        "1.10" | "4.01" => DeclineCode::InsufficientFunds,
        "3.01" | "3.19" | "4.09" => DeclineCode::FraudSuspected,
        "3.02" | "3.03" | "3.04" | "3.31" | "4.15" | "5.01" | "5.02" | "7.01" => {
            DeclineCode::ProcessingError
        }
        "3.09" => DeclineCode::AuthenticationRequired,
        "4.03" => DeclineCode::IncorrectNumber,
        "4.13" => DeclineCode::InvalidNumber,
        "4.04" => DeclineCode::InvalidExpiryDate,
        "4.06" => DeclineCode::PickUpCard,
        "4.07" => DeclineCode::IncorrectCvc,
        "4.11" => DeclineCode::IncorrectAddress,
        "4.14" => DeclineCode::IncorrectPin,
        _ => {
            let family = code.split('.').next().unwrap_or_default();
            return match family {
                "1" => Some(DeclineCode::ProcessingError),
                "3" | "4" | "5" => Some(DeclineCode::CardDeclined),
                "6" | "7" => Some(DeclineCode::FraudSuspected),
                _ => None,
            };
        }
    };
    Some(specific)
}

/// The answer's `errorCode`/`errorMessage` as a [`Failure`], when it has either.
pub(crate) fn failure(r: &PaymentResult) -> Option<Failure> {
    if r.error_code.is_none() && r.error_message.is_none() {
        return None;
    }
    Some(Failure {
        code: r.error_code.as_deref().and_then(decline_code),
        gateway_code: r.error_code.clone(),
        message: r.error_message.clone(),
    })
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

/// A refund's requested amount, which the model keeps as [`Money`] only: as [`amounts`] reads
/// it, and `InvalidResponse` (with the `MoneyError` as its source) when `Money` cannot hold it.
fn requested_money(r: &PaymentResult, requested: Option<Money>) -> Result<Money> {
    let mut read = amounts(r, requested)?;
    match read.requested {
        Some(money) => Ok(money),
        // The requested figure's own reason is the last one noted.
        None => Err(read.unheld.pop().map(|(_, e)| e).unwrap_or_else(|| {
            Error::invalid_response(format!("payment {} has no amount Money can hold", r.id))
        })),
    }
}

/// Which answer a deposit is read from, which decides what its links mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Any answer but the host-to-host step's: `redirectUrl` is the checkout page.
    Checkout,
    /// The answer of the host-to-host step: `externalRefs` first (the checkout link is
    /// stale), and a `redirectUrl` on a `PENDING` deposit is the step's own page.
    Instructions,
}

/// A deposit as a core [`Payment`]. `requested` is the amount the caller asked for, when this
/// connector created the payment.
pub(crate) fn to_payment(
    provider: &ProviderId,
    r: PaymentResult,
    requested: Option<Money>,
) -> Result<Payment> {
    payment(provider, r, requested, Shown::Checkout).map(|(p, _)| p)
}

/// A deposit read from a webhook: the payment, and each figure of the body [`Money`] could
/// not hold (its pointer and why), which the webhook notes as unread.
pub(crate) fn to_webhook_payment(
    provider: &ProviderId,
    r: PaymentResult,
) -> Result<(Payment, Vec<(&'static str, Error)>)> {
    payment(provider, r, None, Shown::Checkout)
}

/// The deposit the host-to-host step answers: its `externalRefs` (payment instructions for
/// the customer) become `NextAction::Instructions`.
pub(crate) fn to_host_to_host_payment(provider: &ProviderId, r: PaymentResult) -> Result<Payment> {
    payment(provider, r, None, Shown::Instructions).map(|(p, _)| p)
}

/// Takes the answer by value: its strings move into the payment. Keeps the contract's field
/// rules (see [`Payment::contract_breach`]).
fn payment(
    provider: &ProviderId,
    r: PaymentResult,
    requested: Option<Money>,
    shown: Shown,
) -> Result<(Payment, Vec<(&'static str, Error)>)> {
    let state = r.state.as_deref().unwrap_or_default();
    let word_status = payment_status(state, r.error_code.as_deref());
    let Amounts { requested: amount, wire, gateway, unheld } = amounts(&r, requested)?;
    let created_at = r.created.as_deref().and_then(parse_time);
    let failure = match word_status {
        PaymentStatus::Succeeded => None,
        // Every failed payment says why, even when the gateway gives no code or message.
        PaymentStatus::Failed => Some(failure(&r).unwrap_or_default()),
        _ => failure(&r),
    };
    let (status, next_action) =
        customer_step(word_status, state, r.redirect_url, r.external_refs, shown);
    let state = r.state.unwrap_or_default();
    let mut p = Payment::with_amount(PaymentId::new(r.id), provider.clone(), status, state, amount);
    p.gateway_amount = gateway;
    match status {
        // `amount`/`currency` is what was finally sent to (and settled by) the provider; for
        // some methods it differs from the request.
        PaymentStatus::Succeeded => p.amount_received = wire,
        // An `AUTHORIZED` deposit's `amount` is what a capture without an amount takes ("the
        // authorized payment amount"). In another currency than the payment's (conversion) it
        // cannot be compared with `amount`; pay.tech authorizes the whole request, so the
        // capturable amount is then the requested one.
        PaymentStatus::RequiresCapture => {
            p.amount_capturable = match (wire, amount) {
                (Some(w), Some(a)) if w.currency() == a.currency() => Some(w),
                (_, a) => a,
            };
        }
        _ => {}
    }
    p.capture_mode =
        r.pre_auth.map(|pre| if pre { CaptureMode::Manual } else { CaptureMode::Automatic });
    p.merchant_reference = r.reference_id;
    p.description = r.description;
    p.customer_id = r.customer.and_then(|c| c.reference_id).map(CustomerId::from_gateway);
    p.next_action = next_action;
    p.failure = failure;
    p.created_at = created_at;
    Ok((p, unheld))
}

/// The status and next action of a deposit, from its state word's status and what the answer
/// says the customer must do (the table in [`payment_status`]): `next_action` only ever goes
/// with `RequiresAction`.
fn customer_step(
    status: PaymentStatus,
    state: &str,
    redirect: Option<String>,
    refs: Option<serde_json::Map<String, serde_json::Value>>,
    shown: Shown,
) -> (PaymentStatus, Option<NextAction>) {
    let redirect = redirect.filter(|u| !u.is_empty()).map(|url| NextAction::Redirect { url });
    let refs = refs
        .filter(|m| !m.is_empty())
        .map(|m| NextAction::Instructions { data: serde_json::Value::Object(m) });
    match (state, shown) {
        // Waiting for the customer, but with nowhere to send them: nothing the caller can do.
        ("CHECKOUT", Shown::Checkout) => match redirect.or(refs) {
            Some(action) => (status, Some(action)),
            None => (PaymentStatus::Processing, None),
        },
        ("CHECKOUT", Shown::Instructions) => match refs.or(redirect) {
            Some(action) => (status, Some(action)),
            None => (PaymentStatus::Processing, None),
        },
        // After the checkout page (or the host-to-host step) the deposit waits for the
        // customer only where the answer says what they must do; a `redirectUrl` on a later
        // read is the checkout page they already went through.
        ("PENDING", Shown::Checkout) => match refs {
            Some(action) => (PaymentStatus::RequiresAction, Some(action)),
            None => (status, None),
        },
        ("PENDING", Shown::Instructions) => match refs.or(redirect) {
            Some(action) => (PaymentStatus::RequiresAction, Some(action)),
            None => (status, None),
        },
        _ => (status, None),
    }
}

/// The `externalRefs` of a host-to-host deposit (payment instructions for the customer), as
/// `confirm_payment` returns them in `NextAction::Instructions`. Empty when there are none;
/// non-string values are left out.
pub fn external_refs(payment: &Payment) -> BTreeMap<String, String> {
    match &payment.next_action {
        Some(NextAction::Instructions { data: serde_json::Value::Object(map) }) => {
            map.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect()
        }
        _ => BTreeMap::new(),
    }
}

/// One page of the list route as deposits: refunds and withdrawals share the route and are
/// left out of `items`, but counted in the next offset.
pub(crate) fn to_deposit_page(
    provider: &ProviderId,
    answer: ListEnvelope,
    offset: u64,
) -> Result<Page<Payment>> {
    let results = answer.result.unwrap_or_default();
    let has_more = answer.has_more.unwrap_or(false);
    let count = u64::try_from(results.len()).unwrap_or(u64::MAX);
    let items = results
        .into_iter()
        .filter(|r| r.payment_type.as_deref().is_none_or(|t| t == PaymentType::Deposit.as_str()))
        .map(|r| to_payment(provider, r, None))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        items,
        has_more,
        next: has_more.then(|| PageCursor::Offset(offset.saturating_add(count))),
        total: None,
    })
}

/// Refuses an answer of another payment type than the route was asked for: one id space
/// holds deposits, refunds and withdrawals alike.
pub(crate) fn expect_type(r: &PaymentResult, want: PaymentType) -> Result<()> {
    match r.payment_type.as_deref() {
        Some(t) if t != want.as_str() => Err(Error::invalid_request(format!(
            "pay.tech payment {} is a {t}, not a {}",
            r.id,
            want.as_str()
        ))),
        _ => Ok(()),
    }
}

/// What a deposit took in the currency of its request, which is the currency its refunds are
/// asked in (crate docs, "Refunds"): `customerAmount`/`customerCurrency` when the gateway
/// converted the deposit, else `amount`/`currency`.
pub(crate) fn refundable(parent: &PaymentResult, id: &PaymentId) -> Result<Money> {
    let unreadable = |e: Error| {
        Error::invalid_request(format!(
            "the amount of payment {id} cannot be read ({}): give the refund an amount",
            e.message()
        ))
    };
    let customer = (parent.customer_amount.as_deref(), parent.customer_currency.as_deref());
    let wire = (parent.amount.as_deref(), parent.currency.as_deref());
    match (customer, wire) {
        ((Some(raw), Some(currency)), _) | (_, (Some(raw), Some(currency))) => {
            wire_money(raw, currency).map_err(unreadable)
        }
        _ => Err(Error::invalid_request(format!(
            "payment {id} has no amount to refund: give the refund an amount"
        ))),
    }
}

/// Adds to `refunded` the refunds of deposit `parent` on one page of the list route that still
/// count against it (every state but `DECLINED` and `CANCELLED`, pending ones included, as the
/// gateway counts them), each in the currency of its request. Payments of another type or
/// another parent are skipped, and so is a refund that names no parent (nothing ties it to
/// this deposit). A refund of this deposit whose amount cannot be read in `refunded`'s
/// currency makes the remainder unknown: `InvalidRequest`, nothing is sent.
pub(crate) fn add_refunds(
    mut refunded: Money,
    page: &[PaymentResult],
    parent: &PaymentId,
) -> Result<Money> {
    for r in page {
        let is_refund = r.payment_type.as_deref() == Some(PaymentType::Refund.as_str());
        let of_parent = r.parent_payment_id.as_deref() == Some(parent.as_str());
        let counts = !matches!(r.state.as_deref(), Some("DECLINED" | "CANCELLED"));
        if !(is_refund && of_parent && counts) {
            continue;
        }
        let amount = refundable(r, parent)
            .ok()
            .filter(|m| m.currency() == refunded.currency())
            .and_then(|m| refunded.checked_add(m).ok());
        refunded = amount.ok_or_else(|| {
            Error::invalid_request(format!(
                "refund {} of payment {parent} has no amount in {}, so what is left to refund \
                 is unknown: give the refund an amount",
                r.id,
                refunded.currency().code()
            ))
        })?;
    }
    Ok(refunded)
}

/// What is left to refund: `total` less `refunded`; nothing left is refused before sending.
pub(crate) fn remainder(total: Money, refunded: Money, parent: &PaymentId) -> Result<Money> {
    match total.checked_sub(refunded) {
        Ok(left) if left.amount_minor() > 0 => Ok(left),
        _ => Err(Error::invalid_request(format!(
            "nothing is left to refund of payment {parent}: {refunded} of {total} is refunded \
             or being refunded"
        ))),
    }
}

/// The refund `create_refund` made (or found), with the caller's parent and reason, and the
/// amount it asked for when it sent one.
pub(crate) fn created_refund(
    provider: &ProviderId,
    r: &PaymentResult,
    req: &CreateRefund,
    amount: Option<Money>,
) -> Result<Refund> {
    let mut refund = to_refund(provider, r, amount, Some(&req.payment_id))?;
    refund.reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
    Ok(refund)
}

/// A `REFUND` payment as a core [`Refund`]. Its amount is the requested one: the caller's when
/// known, else `customerAmount` (the refund was converted), else `amount`.
pub(crate) fn to_refund(
    provider: &ProviderId,
    r: &PaymentResult,
    requested: Option<Money>,
    parent: Option<&PaymentId>,
) -> Result<Refund> {
    let state = r.state.clone().unwrap_or_default();
    let status = refund_status(&state);
    let payment_id = match (&r.parent_payment_id, parent) {
        (Some(id), _) => PaymentId::new(id),
        (None, Some(id)) => id.clone(),
        (None, None) => {
            return Err(Error::invalid_response(format!("refund {} has no parentPaymentId", r.id)));
        }
    };
    let amount = requested_money(r, requested)?;
    let mut refund =
        Refund::new(RefundId::new(&r.id), provider.clone(), payment_id, status, state, amount);
    refund.merchant_refund_id = r.reference_id.clone();
    if status != RefundStatus::Succeeded {
        refund.failure = failure(r);
    }
    refund.created_at = r.created.as_deref().and_then(parse_time);
    Ok(refund)
}

/// A `WITHDRAWAL` payment as a core [`Payout`]. `requested` is the amount the caller asked
/// for, when this connector created it. Its amount is read as a deposit's (the requested one:
/// the caller's, else `customerAmount`, else `amount`), and a figure [`Money`] cannot hold is
/// kept in `gateway_amount`; `failure` is set exactly when it failed (a rejection, `CANCELLED`
/// with `8.00`, is not a failure).
pub(crate) fn to_payout(
    provider: &ProviderId,
    r: PaymentResult,
    requested: Option<Money>,
) -> Result<Payout> {
    to_webhook_payout(provider, r, requested).map(|(p, _)| p)
}

/// A payout read from a webhook: the payout, and each figure of the body [`Money`] could not
/// hold (its pointer and why), which the webhook notes as unread.
pub(crate) fn to_webhook_payout(
    provider: &ProviderId,
    r: PaymentResult,
    requested: Option<Money>,
) -> Result<(Payout, Vec<(&'static str, Error)>)> {
    let Amounts { requested: amount, wire: _, gateway, unheld } = amounts(&r, requested)?;
    let raw_status = r.state.clone().unwrap_or_default();
    let status = payout_status(&raw_status);
    let failure = (status == PayoutStatus::Failed).then(|| failure(&r).unwrap_or_default());
    let payout = Payout {
        id: PayoutId::new(r.id),
        provider: provider.clone(),
        status,
        raw_status,
        amount,
        gateway_amount: gateway,
        customer_id: r.customer.and_then(|c| c.reference_id).map(CustomerId::from_gateway),
        merchant_reference: r.reference_id,
        description: r.description,
        failure,
        metadata: Metadata::new(),
        created_at: r.created.as_deref().and_then(parse_time),
    };
    Ok((payout, unheld))
}

/// One page of the list route as payouts: deposits and refunds share the route and are left
/// out of `items`, but counted in the next offset.
pub(crate) fn to_payout_page(
    provider: &ProviderId,
    answer: ListEnvelope,
    offset: u64,
) -> Result<Page<Payout>> {
    let results = answer.result.unwrap_or_default();
    let has_more = answer.has_more.unwrap_or(false);
    let count = u64::try_from(results.len()).unwrap_or(u64::MAX);
    let items = results
        .into_iter()
        .filter(|r| r.payment_type.as_deref() == Some(PaymentType::Withdrawal.as_str()))
        .map(|r| to_payout(provider, r, None))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        items,
        has_more,
        next: has_more.then(|| PageCursor::Offset(offset.saturating_add(count))),
        total: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The [`ErrorParser`](paymux_core::transport::ErrorParser) for
/// `{timestamp, status, error, message, path, errors[]}`. The kind comes from the HTTP status
/// (400 `InvalidRequest`, 401 `Authentication`, 404 `NotFound`, 5xx `ProviderUnavailable`);
/// `error` ("Bad Request") becomes the gateway code, `message` plus each `errors[]` entry
/// (`field: defaultMessage`) the gateway message.
pub(crate) fn error_parser(_status: http::StatusCode, body: &[u8]) -> Option<GatewayError> {
    let e: ErrorBody = serde_json::from_slice(body).ok()?;
    let details: Vec<String> = e
        .errors
        .iter()
        .filter_map(|f| match (&f.field, &f.default_message) {
            (Some(field), Some(msg)) => Some(format!("{field}: {msg}")),
            (None, Some(msg)) => Some(msg.clone()),
            (Some(field), None) => Some(field.clone()),
            (None, None) => None,
        })
        .collect();
    let mut message = e.message.filter(|m| !m.trim().is_empty());
    if !details.is_empty() {
        let joined = details.join("; ");
        message = Some(match message {
            Some(m) => format!("{m} ({joined})"),
            None => joined,
        });
    }
    if e.error.is_none() && message.is_none() {
        return None;
    }
    // The state machine refused the step (result code `1.00`, "Illegal Workflow State": a
    // capture of a captured payment, a reject of a withdrawal not waiting for approval): a
    // conflict with the resource's state, as on every gateway, not a malformed request.
    let kind = message
        .as_deref()
        .is_some_and(|m| m.starts_with("Illegal Workflow State"))
        .then_some(paymux_core::ErrorKind::Conflict);
    Some(GatewayError { code: e.error, message, kind, decline_code: None })
}

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

/// `created` is `YYYY-MM-DDTHH:MM:SS` in UTC (RFC 3339 accepted too); unreadable -> `None`.
pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    // The documented form (`2030-12-25T10:11:12`, UTC) is RFC 3339 without its offset: read
    // it with the one RFC 3339 parser, `Z` appended, rather than trying RFC 3339 and then a
    // second, interpreted format on every answer.
    let has_offset = text
        .split_once('T')
        .is_some_and(|(_, time)| time.ends_with(['Z', 'z']) || time.contains(['+', '-']));
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    if has_offset {
        OffsetDateTime::parse(text, rfc3339).ok()
    } else {
        OffsetDateTime::parse(&format!("{text}Z"), rfc3339).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paymux_core::Currency;
    use time::macros::datetime;

    #[test]
    fn times_read_with_and_without_offset() {
        assert_eq!(parse_time("2030-12-25T10:11:12"), Some(datetime!(2030-12-25 10:11:12 UTC)));
        assert_eq!(
            parse_time("2030-12-25T10:11:12.708"),
            Some(datetime!(2030-12-25 10:11:12.708 UTC))
        );
        assert_eq!(
            parse_time("2030-12-25T10:11:12.708+02:00"),
            Some(datetime!(2030-12-25 10:11:12.708 +2))
        );
        assert_eq!(parse_time("2030-12-25T10:11:12Z"), Some(datetime!(2030-12-25 10:11:12 UTC)));
        assert_eq!(
            parse_time("2030-12-25T10:11:12-05:00"),
            Some(datetime!(2030-12-25 10:11:12 -5))
        );
        for bad in ["", "2030-12-25", "2030-12-25T25:00:00", "yesterday", "2030-12-25T10:11:12ZZ"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    fn money(token: &str, currency: &str) -> Result<Money> {
        wire_money(&RawValue::from_string(token.to_owned()).expect("token"), currency)
    }

    #[test]
    fn amount_tokens_are_read_exactly_in_every_form() {
        let eur = |minor| Money::from_minor(minor, Currency::EUR).expect("money");
        assert_eq!(money("11.12", "EUR").unwrap(), eur(1112));
        assert_eq!(money("2000", "EUR").unwrap(), eur(200_000));
        assert_eq!(money("1.5E+3", "EUR").unwrap(), eur(150_000));
        assert_eq!(money("1.234e2", "eur").unwrap(), eur(12_340));
        assert_eq!(money("\"10.50\"", "EUR").unwrap(), eur(1050));
        assert_eq!(money("10.500", "EUR").unwrap(), eur(1050));
        for (token, currency) in
            [("10.123", "EUR"), ("-1.00", "EUR"), ("1.5E-3", "EUR"), ("0.1", "JPY")]
        {
            let e = money(token, currency).unwrap_err();
            assert_eq!(e.kind(), paymux_core::ErrorKind::InvalidResponse, "{token} {currency}");
        }
        assert!(money("11.12", "ZZZ").is_err());
    }
}
