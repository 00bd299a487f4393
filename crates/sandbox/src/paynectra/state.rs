//! Paynectra's objects and payment state machine, in memory. Pure: no HTTP here.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::api::{Address, CustomerJson, PaymentJson, RefundJson};
use crate::kit::cards;

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

    /// The words the list's `status` filter takes (the seed's: `pending`, `succeeded`,
    /// `failed`, `cancelled`).
    pub(crate) fn filter(word: &str) -> Option<Status> {
        [Status::Pending, Status::Succeeded, Status::Failed, Status::Cancelled]
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

const fn decline(code: &'static str, decline_code: &'static str, message: &'static str) -> Decline {
    Decline { code, decline_code, message }
}

const GENERIC: Decline = decline("card_declined", "generic_decline", "Your card was declined.");
const NO_FUNDS: Decline =
    decline("card_declined", "insufficient_funds", "Your card has insufficient funds.");
const AUTH_FAILED: Decline = decline(
    "payment_authentication_failure",
    "authentication_failure",
    "The provided payment method has failed authentication.",
);

/// What paying with a card leads to.
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

/// The card the hosted page uses when none is given.
pub(crate) const CARD_SUCCEEDS: &str = "4242424242424242";

/// Amount triggers (minor units, any currency), applied to approving cards.
pub(crate) const AMOUNT_DECLINED: i64 = 100_002;
pub(crate) const AMOUNT_INSUFFICIENT_FUNDS: i64 = 109_995;
pub(crate) const AMOUNT_REQUIRES_ACTION: i64 = 103_220;
pub(crate) const AMOUNT_PROCESSING: i64 = 7_777;
/// Refund amount trigger: the refund fails.
pub(crate) const REFUND_FAILS: i64 = 9_995;

/// The outcome of paying `amount` with card `number` (card triggers win).
pub(crate) fn plan(number: &str, amount: i64) -> Plan {
    match number {
        "4000000000000002" => Plan::Decline(GENERIC),
        "4000000000009995" => Plan::Decline(NO_FUNDS),
        "4000000000000069" => {
            Plan::Decline(decline("expired_card", "expired_card", "Your card has expired."))
        }
        "4000000000000127" => Plan::Decline(decline(
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        )),
        "4000000000000119" => Plan::Decline(decline(
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        )),
        "4100000000000019" => {
            Plan::Decline(decline("card_declined", "fraudulent", "Your card was declined."))
        }
        "4000000000003220" => Plan::ThreeDs(None),
        "4000008400001629" => Plan::ThreeDs(Some(GENERIC)),
        _ => match amount {
            AMOUNT_DECLINED => Plan::Decline(GENERIC),
            AMOUNT_INSUFFICIENT_FUNDS => Plan::Decline(NO_FUNDS),
            AMOUNT_REQUIRES_ACTION => Plan::ThreeDs(None),
            AMOUNT_PROCESSING => Plan::Processing,
            _ => Plan::Approve,
        },
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
    pub metadata: BTreeMap<String, String>,
    pub return_url: Option<String>,
    pub created: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub amount_refunded: i64,
    pub step: Step,
    pub card: Option<String>,
    pub last_payment_error: Option<Decline>,
    pub canceled_at: Option<i64>,
}

impl Payment {
    pub(crate) fn json(&self, public_url: &str) -> PaymentJson {
        let redirect = |url: String| json!({"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": self.return_url}});
        let next_action = match self.step {
            Step::None => None,
            Step::Checkout => Some(redirect(self.checkout_url(public_url))),
            Step::ThreeDs(_) => Some(redirect(self.three_ds_url(public_url))),
        };
        let card = self.card.as_ref().map(|n| {
            let brand = format!("{:?}", cards::brand(n)).to_lowercase();
            json!({"type": "card", "card": {"brand": brand, "last4": cards::last4(n), "exp_month": 12, "exp_year": 2030}})
        });
        PaymentJson {
            id: self.id.clone(),
            object: "payment",
            amount: self.amount,
            amount_capturable: self.amount_capturable,
            amount_received: self.amount_received,
            amount_captured: self.amount_received,
            amount_refunded: self.amount_refunded,
            currency: self.currency.clone(),
            status: self.status.word(),
            capture_method: if self.manual { "manual" } else { "automatic" },
            customer_id: self.customer_id.clone(),
            description: self.description.clone(),
            metadata: self.metadata.clone(),
            return_url: self.return_url.clone(),
            created: self.created,
            livemode: false,
            next_action,
            payment_method_details: card,
            last_payment_error: self.last_payment_error.as_ref().map(decline_error),
            canceled_at: self.canceled_at,
        }
    }

    /// The hosted payment page of this payment.
    pub(crate) fn checkout_url(&self, public_url: &str) -> String {
        format!("{public_url}/sandbox/paynectra/checkout/{}", self.id)
    }

    /// The 3-D Secure page of this payment.
    pub(crate) fn three_ds_url(&self, public_url: &str) -> String {
        format!("{public_url}/sandbox/paynectra/redirect/{}", self.id)
    }

    /// The event this payment's current status announces.
    pub(crate) fn event(&self) -> &'static str {
        match self.status {
            Status::Pending if self.step == Step::Checkout => "payment.created",
            Status::Pending => "payment.processing",
            Status::RequiresAction => "payment.requires_action",
            Status::RequiresCapture => "payment.requires_capture",
            Status::Succeeded => "payment.succeeded",
            Status::Failed => "payment.failed",
            Status::Cancelled => "payment.canceled",
        }
    }

    /// Pays on the hosted page with `card`: moves per [`plan`].
    pub(crate) fn pay(&mut self, card: &str) {
        self.card = Some(card.to_owned());
        self.apply(plan(card, self.amount));
    }

    fn apply(&mut self, plan: Plan) {
        self.step = Step::None;
        match plan {
            Plan::Approve if self.manual => {
                self.status = Status::RequiresCapture;
                self.amount_capturable = self.amount;
            }
            Plan::Approve => {
                self.status = Status::Succeeded;
                self.amount_received = self.amount;
            }
            Plan::Decline(d) => {
                self.status = Status::Failed;
                self.last_payment_error = Some(d);
            }
            Plan::ThreeDs(then) => {
                self.step = Step::ThreeDs(then);
                self.status = Status::RequiresAction;
            }
            Plan::Processing => self.status = Status::Pending,
        }
    }

    /// Completes a 3-D Secure step: `authenticated` false fails the payment.
    pub(crate) fn complete_three_ds(&mut self, authenticated: bool) {
        let Step::ThreeDs(then) = self.step else { return };
        self.apply(match (authenticated, then) {
            (false, _) => Plan::Decline(AUTH_FAILED),
            (true, Some(d)) => Plan::Decline(d),
            (true, None) => Plan::Approve,
        });
    }

    /// Captures `amount` of a `requires_capture` payment (the rest is released).
    pub(crate) fn capture(&mut self, amount: i64) {
        self.status = Status::Succeeded;
        self.amount_received = amount;
        self.amount_capturable = 0;
    }

    pub(crate) fn cancel(&mut self, at: i64) {
        self.status = Status::Cancelled;
        self.step = Step::None;
        self.amount_capturable = 0;
        self.canceled_at = Some(at);
    }
}

/// The error object of a decline (`last_payment_error`).
fn decline_error(d: &Decline) -> Value {
    json!({"type": "card_error", "code": d.code, "decline_code": d.decline_code, "message": d.message})
}

/// A refund: `succeeded` at once, or `failed` for the [`REFUND_FAILS`] amount.
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub failed: bool,
    pub reason: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
}

impl Refund {
    pub(crate) fn json(&self) -> RefundJson {
        RefundJson {
            id: self.id.clone(),
            object: "refund",
            payment_id: self.payment_id.clone(),
            amount: self.amount,
            currency: self.currency.clone(),
            status: if self.failed { "failed" } else { "succeeded" },
            reason: self.reason.clone(),
            metadata: self.metadata.clone(),
            created: self.created,
            failure_reason: self.failed.then_some("declined"),
        }
    }

    pub(crate) fn event(&self) -> &'static str {
        if self.failed { "refund.failed" } else { "refund.succeeded" }
    }
}

/// A customer.
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
}

impl Customer {
    pub(crate) fn json(&self) -> CustomerJson {
        CustomerJson {
            id: self.id.clone(),
            object: "customer",
            email: self.email.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            metadata: self.metadata.clone(),
            created: self.created,
            livemode: false,
        }
    }
}

/// Everything the emulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// In creation order.
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub customers: Vec<Customer>,
}

impl State {
    pub(crate) fn payment_mut(&mut self, id: &str) -> Option<&mut Payment> {
        self.payments.iter_mut().find(|p| p.id == id)
    }

    pub(crate) fn payment(&self, id: &str) -> Option<&Payment> {
        self.payments.iter().find(|p| p.id == id)
    }
}

/// The current unix time in seconds.
pub(crate) fn now() -> i64 {
    crate::kit::now().unix_timestamp()
}

/// Stripe's cursor pagination over `items` (creation order), newest first:
/// `Ok((page, has_more))`, or `Err(param)` for a cursor that names no item.
pub(crate) fn page<'a, T>(
    items: &'a [T],
    id_of: impl Fn(&T) -> &str,
    keep: impl Fn(&T) -> bool,
    limit: usize,
    starting_after: Option<&str>,
    ending_before: Option<&str>,
) -> Result<(Vec<&'a T>, bool), &'static str> {
    let order: Vec<&T> = items.iter().rev().collect();
    let find = |id: &str| order.iter().position(|x| id_of(x) == id);
    if let Some(before) = ending_before {
        let at = find(before).ok_or("ending_before")?;
        let newer: Vec<&T> = order[..at].iter().copied().filter(|x| keep(x)).collect();
        let skip = newer.len().saturating_sub(limit);
        return Ok((newer[skip..].to_vec(), skip > 0));
    }
    let start = match starting_after {
        Some(after) => find(after).ok_or("starting_after")? + 1,
        None => 0,
    };
    let mut older = order[start..].iter().copied().filter(|x| keep(x));
    let page: Vec<&T> = older.by_ref().take(limit).collect();
    Ok((page, older.next().is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_trigger_wins_over_amount() {
        assert_eq!(plan("4000000000009995", AMOUNT_DECLINED), Plan::Decline(NO_FUNDS));
        assert_eq!(plan(CARD_SUCCEEDS, AMOUNT_DECLINED), Plan::Decline(GENERIC));
        assert_eq!(plan(CARD_SUCCEEDS, 100), Plan::Approve);
        assert_eq!(plan(CARD_SUCCEEDS, AMOUNT_PROCESSING), Plan::Processing);
    }
}
