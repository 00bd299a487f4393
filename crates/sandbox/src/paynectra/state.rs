//! Paynectra's objects and payment state machine, in memory.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::server::IdGen;

/// A payment's status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    RequiresAction,
    RequiresCapture,
    Succeeded,
    Failed,
    Cancelled,
}

impl Status {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::RequiresAction => "requires_action",
            Status::RequiresCapture => "requires_capture",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Status> {
        [
            Status::Pending,
            Status::RequiresAction,
            Status::RequiresCapture,
            Status::Succeeded,
            Status::Failed,
            Status::Cancelled,
        ]
        .into_iter()
        .find(|s| s.word() == word)
    }
}

/// A card decline: `code`, `decline_code`, message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decline {
    pub code: &'static str,
    pub decline_code: &'static str,
    pub message: &'static str,
}

const GENERIC_DECLINE: Decline = Decline {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
};
const INSUFFICIENT_FUNDS: Decline = Decline {
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
};
const EXPIRED: Decline = Decline {
    code: "expired_card",
    decline_code: "expired_card",
    message: "Your card has expired.",
};
const INCORRECT_CVC: Decline = Decline {
    code: "incorrect_cvc",
    decline_code: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
};
const PROCESSING_ERROR: Decline = Decline {
    code: "processing_error",
    decline_code: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
};
const FRAUDULENT: Decline = Decline {
    code: "card_declined",
    decline_code: "fraudulent",
    message: "Your card was declined.",
};
const AUTH_FAILED: Decline = Decline {
    code: "payment_authentication_failure",
    decline_code: "authentication_failure",
    message: "The provided payment method has failed authentication.",
};

/// What confirming a payment with a card leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Authorised: `requires_capture` (manual) or `succeeded` (automatic).
    Approve,
    /// Declined: `failed`.
    Decline(Decline),
    /// 3-D Secure first (`requires_action`), then approved or declined.
    ThreeDs(Option<Decline>),
    /// Left `pending` (processing) for good.
    Processing,
}

/// Card number triggers (Stripe's and paymux's test cards).
pub(crate) const CARD_SUCCEEDS: &str = "4242424242424242";
pub(crate) const CARD_3DS: &str = "4000000000003220";

/// Amount triggers (minor units, any currency), applied to approving cards.
pub(crate) const AMOUNT_DECLINED: i64 = 100_002;
pub(crate) const AMOUNT_INSUFFICIENT_FUNDS: i64 = 109_995;
pub(crate) const AMOUNT_REQUIRES_ACTION: i64 = 103_220;
pub(crate) const AMOUNT_PROCESSING: i64 = 7_777;

/// The outcome of confirming a payment of `amount` with card `number` (card triggers win).
pub(crate) fn plan(number: &str, amount: i64) -> Plan {
    match number {
        "4000000000000002" => Plan::Decline(GENERIC_DECLINE),
        "4000000000009995" => Plan::Decline(INSUFFICIENT_FUNDS),
        "4000000000000069" => Plan::Decline(EXPIRED),
        "4000000000000127" => Plan::Decline(INCORRECT_CVC),
        "4000000000000119" => Plan::Decline(PROCESSING_ERROR),
        "4100000000000019" => Plan::Decline(FRAUDULENT),
        CARD_3DS => Plan::ThreeDs(None),
        "4000008400001629" => Plan::ThreeDs(Some(GENERIC_DECLINE)),
        _ => match amount {
            AMOUNT_DECLINED => Plan::Decline(GENERIC_DECLINE),
            AMOUNT_INSUFFICIENT_FUNDS => Plan::Decline(INSUFFICIENT_FUNDS),
            AMOUNT_REQUIRES_ACTION => Plan::ThreeDs(None),
            AMOUNT_PROCESSING => Plan::Processing,
            _ => Plan::Approve,
        },
    }
}

/// The card a payment was confirmed with (never the full number or the CVC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardUsed {
    pub number: String,
    pub exp_month: i64,
    pub exp_year: i64,
}

impl CardUsed {
    fn brand(&self) -> &'static str {
        let n = self.number.as_str();
        if n.starts_with('4') {
            "visa"
        } else if n.starts_with('5') || n.starts_with('2') {
            "mastercard"
        } else if n.starts_with("34") || n.starts_with("37") {
            "amex"
        } else {
            "unknown"
        }
    }

    fn json(&self) -> Value {
        let last4 = self.number.get(self.number.len().saturating_sub(4)..).unwrap_or_default();
        json!({
            "type": "card",
            "card": {
                "brand": self.brand(),
                "last4": last4,
                "exp_month": self.exp_month,
                "exp_year": self.exp_year,
            }
        })
    }
}

/// The customer step a payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Nothing to do.
    None,
    /// The hosted payment page (the JS SDK's stand-in): `pending` until visited.
    Checkout,
    /// 3-D Secure: `requires_action` until visited, then approved or declined.
    ThreeDs(Option<Decline>),
}

/// A payment.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: Status,
    pub manual: bool,
    pub customer_id: Option<String>,
    pub description: Option<String>,
    pub metadata: Map<String, Value>,
    pub return_url: Option<String>,
    pub created: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub amount_refunded: i64,
    pub step: Step,
    pub card: Option<CardUsed>,
    pub last_payment_error: Option<Value>,
    pub canceled_at: Option<i64>,
    pub cancellation_reason: Option<String>,
    pub statement_descriptor: Option<String>,
}

impl Payment {
    pub(crate) fn json(&self, public_url: &str) -> Value {
        let next_action = match self.step {
            Step::None => Value::Null,
            Step::Checkout => redirect(&self.checkout_url(public_url), self.return_url.as_deref()),
            Step::ThreeDs(_) => {
                redirect(&self.redirect_url(public_url), self.return_url.as_deref())
            }
        };
        json!({
            "id": self.id,
            "object": "payment",
            "amount": self.amount,
            "amount_capturable": self.amount_capturable,
            "amount_received": self.amount_received,
            "amount_captured": self.amount_received,
            "amount_refunded": self.amount_refunded,
            "currency": self.currency,
            "status": self.status.word(),
            "capture_method": if self.manual { "manual" } else { "automatic" },
            "customer_id": self.customer_id,
            "description": self.description,
            "metadata": self.metadata,
            "return_url": self.return_url,
            "created": self.created,
            "livemode": false,
            "next_action": next_action,
            "payment_method_details": self.card.as_ref().map(CardUsed::json),
            "last_payment_error": self.last_payment_error,
            "canceled_at": self.canceled_at,
            "cancellation_reason": self.cancellation_reason,
            "statement_descriptor": self.statement_descriptor,
        })
    }

    /// The hosted payment page of this payment.
    pub(crate) fn checkout_url(&self, public_url: &str) -> String {
        format!("{public_url}/sandbox/paynectra/checkout/{}", self.id)
    }

    /// The 3-D Secure page of this payment.
    pub(crate) fn redirect_url(&self, public_url: &str) -> String {
        format!("{public_url}/sandbox/paynectra/redirect/{}", self.id)
    }
}

fn redirect(url: &str, return_url: Option<&str>) -> Value {
    json!({"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": return_url}})
}

/// A refund (always `succeeded` at once, as in Stripe's test mode).
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub reason: Option<String>,
    pub metadata: Map<String, Value>,
    pub created: i64,
}

impl Refund {
    pub(crate) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "refund",
            "payment_id": self.payment_id,
            "amount": self.amount,
            "currency": self.currency,
            "status": "succeeded",
            "reason": self.reason,
            "metadata": self.metadata,
            "created": self.created,
        })
    }
}

/// A customer, kept as its answer.
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub id: String,
    pub object: Value,
}

/// A stored idempotent answer.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// Route and body of the first request.
    pub fingerprint: String,
    pub status: u16,
    pub body: Value,
}

/// A webhook to send once the lock is released: `(type, data.object, event id, created)`.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub id: String,
    pub kind: &'static str,
    pub object: Value,
    pub created: i64,
}

/// Everything the emulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// In creation order.
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub customers: Vec<Customer>,
    pub idempotency: HashMap<String, Stored>,
    pub ids: IdGen,
}

impl State {
    pub(crate) fn payment_mut(&mut self, id: &str) -> Option<&mut Payment> {
        self.payments.iter_mut().find(|p| p.id == id)
    }

    pub(crate) fn payment(&self, id: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.id == id)
    }

    pub(crate) fn event(&self, kind: &'static str, object: Value, now: i64) -> Event {
        Event { id: self.ids.next("evt_"), kind, object, created: now }
    }
}

/// The current unix time in seconds.
pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The event a payment's current status announces.
pub(crate) fn status_event(p: &Payment) -> &'static str {
    match p.status {
        Status::Pending if p.step == Step::Checkout => "payment.created",
        Status::Pending => "payment.processing",
        Status::RequiresAction => "payment.requires_action",
        Status::RequiresCapture => "payment.requires_capture",
        Status::Succeeded => "payment.succeeded",
        Status::Failed => "payment.failed",
        Status::Cancelled => "payment.canceled",
    }
}

/// Moves `p` after a confirmation (or a 3-D Secure step) with outcome `plan`.
pub(crate) fn apply(p: &mut Payment, plan: Plan) {
    match plan {
        Plan::Approve => {
            p.step = Step::None;
            if p.manual {
                p.status = Status::RequiresCapture;
                p.amount_capturable = p.amount;
            } else {
                p.status = Status::Succeeded;
                p.amount_received = p.amount;
            }
        }
        Plan::Decline(d) => {
            p.step = Step::None;
            p.status = Status::Failed;
            p.last_payment_error = Some(decline_error(&d));
        }
        Plan::ThreeDs(then) => {
            p.step = Step::ThreeDs(then);
            p.status = Status::RequiresAction;
        }
        Plan::Processing => {
            p.step = Step::None;
            p.status = Status::Pending;
        }
    }
}

/// Completes a 3-D Secure step: `authenticated` false fails the payment.
pub(crate) fn complete_three_ds(p: &mut Payment, authenticated: bool) {
    let Step::ThreeDs(then) = p.step else { return };
    let plan = match (authenticated, then) {
        (false, _) => Plan::Decline(AUTH_FAILED),
        (true, Some(d)) => Plan::Decline(d),
        (true, None) => Plan::Approve,
    };
    apply(p, plan);
}

/// The error object of a decline (`last_payment_error`, and the 402 answer's `error`).
pub(crate) fn decline_error(d: &Decline) -> Value {
    json!({
        "type": "card_error",
        "code": d.code,
        "decline_code": d.decline_code,
        "message": d.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_trigger_wins_over_amount() {
        assert_eq!(plan("4000000000009995", AMOUNT_DECLINED), Plan::Decline(INSUFFICIENT_FUNDS));
        assert_eq!(plan(CARD_SUCCEEDS, AMOUNT_DECLINED), Plan::Decline(GENERIC_DECLINE));
        assert_eq!(plan(CARD_SUCCEEDS, 100), Plan::Approve);
        assert_eq!(plan(CARD_SUCCEEDS, AMOUNT_PROCESSING), Plan::Processing);
    }
}
