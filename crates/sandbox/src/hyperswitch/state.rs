//! Payments and refunds of one Hyperswitch-shaped emulator and the moves between their
//! states. Pure and synchronous: it runs under the emulator's lock, with no HTTP here.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Config;
use super::api::{ApiError, CardData};
use super::records::Records;
use crate::kit::cards;

/// A payment's status word: Hyperswitch's `IntentStatus` plus the two the seed names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresCustomerAction,
    RequiresRedirection,
    RequiresMerchantAction,
    RequiresCapture,
    PartiallyAuthorizedAndRequiresCapture,
    Processing,
    Pending,
    Succeeded,
    PartiallyCaptured,
    PartiallyCapturedAndCapturable,
    Failed,
    Cancelled,
    CancelledPostCapture,
    Conflicted,
    Expired,
}

impl Status {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::RequiresPaymentMethod => "requires_payment_method",
            Status::RequiresConfirmation => "requires_confirmation",
            Status::RequiresCustomerAction => "requires_customer_action",
            Status::RequiresRedirection => "requires_redirection",
            Status::RequiresMerchantAction => "requires_merchant_action",
            Status::RequiresCapture => "requires_capture",
            Status::PartiallyAuthorizedAndRequiresCapture => {
                "partially_authorized_and_requires_capture"
            }
            Status::Processing => "processing",
            Status::Pending => "pending",
            Status::Succeeded => "succeeded",
            Status::PartiallyCaptured => "partially_captured",
            Status::PartiallyCapturedAndCapturable => "partially_captured_and_capturable",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::CancelledPostCapture => "cancelled_post_capture",
            Status::Conflicted => "conflicted",
            Status::Expired => "expired",
        }
    }

    /// The webhook `event_type` of entering this state, if it has one.
    pub(crate) fn event(self) -> Option<&'static str> {
        Some(match self {
            Status::RequiresCustomerAction | Status::RequiresRedirection => "action_required",
            Status::RequiresCapture => "payment_authorized",
            Status::PartiallyAuthorizedAndRequiresCapture => "payment_partially_authorized",
            Status::Processing | Status::Pending => "payment_processing",
            Status::Succeeded => "payment_succeeded",
            Status::PartiallyCaptured | Status::PartiallyCapturedAndCapturable => {
                "payment_captured"
            }
            Status::Failed => "payment_failed",
            Status::Cancelled => "payment_cancelled",
            Status::CancelledPostCapture => "payment_cancelled_post_capture",
            Status::Expired => "payment_expired",
            Status::RequiresPaymentMethod
            | Status::RequiresConfirmation
            | Status::RequiresMerchantAction
            | Status::Conflicted => {
                return None;
            }
        })
    }

    fn capturable(self) -> bool {
        matches!(
            self,
            Status::RequiresCapture
                | Status::PartiallyAuthorizedAndRequiresCapture
                | Status::PartiallyCapturedAndCapturable
        )
    }
}

/// How an authorization ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Final {
    Succeed,
    /// Authorized for half the amount.
    Partial,
    Decline(&'static str, &'static str),
}

/// What confirming a payment does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Now(Final),
    /// `processing` or `pending` until the settle route.
    Wait(Status),
    /// The customer's redirect (`requires_customer_action` or `requires_redirection`), then `Final`.
    Redirect(Status, Final),
    /// Held for the merchant's review.
    Review,
    Conflicted,
}

const DECLINED: Final = Final::Decline("card_declined", "Your card was declined.");
const NO_FUNDS: Final = Final::Decline("insufficient_funds", "Your card has insufficient funds.");

/// The card that opens a dispute once the payment succeeded.
pub(crate) const DISPUTE_CARD: &str = "4000000000000259";

/// The trigger table (see the module docs): a card trigger wins over an amount trigger.
fn outcome(card_number: &str, amount: i64) -> Outcome {
    let decline = |code, message| Outcome::Now(Final::Decline(code, message));
    match card_number {
        "4000000000000002" => return Outcome::Now(DECLINED),
        "4000000000009995" => return Outcome::Now(NO_FUNDS),
        "4000000000000069" => return decline("expired_card", "Your card has expired."),
        "4000000000000127" => {
            return decline("incorrect_cvc", "Your card's security code is incorrect.");
        }
        "4000000000000119" => {
            return decline(
                "processing_error",
                "An error occurred while processing your card. Try again in a little bit.",
            );
        }
        "4100000000000019" => return decline("fraudulent", "Your card was declined."),
        "4000000000003220" => {
            return Outcome::Redirect(Status::RequiresCustomerAction, Final::Succeed);
        }
        "4000008400001629" => return Outcome::Redirect(Status::RequiresCustomerAction, DECLINED),
        _ => {}
    }
    match amount {
        7777 => Outcome::Wait(Status::Processing),
        107_777 => Outcome::Wait(Status::Pending),
        100_002 => Outcome::Now(DECLINED),
        109_995 => Outcome::Now(NO_FUNDS),
        103_220 => Outcome::Redirect(Status::RequiresCustomerAction, Final::Succeed),
        103_063 => Outcome::Redirect(Status::RequiresRedirection, Final::Succeed),
        104_000 => Outcome::Now(Final::Partial),
        105_555 => Outcome::Review,
        106_666 => Outcome::Conflicted,
        _ => Outcome::Now(Final::Succeed),
    }
}

/// The card as kept (never the CVC).
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub number: String,
    pub exp_month: String,
    pub exp_year: String,
    pub holder_name: Option<String>,
}

impl Card {
    /// Validates `payment_method_data.card`.
    pub(crate) fn read(c: CardData) -> Result<Card, ApiError> {
        let number = cards::digits(&c.card_number);
        if !cards::valid_number(&number) {
            return Err(ApiError::invalid(
                "payment_method_data.card.card_number",
                "card number is invalid",
            ));
        }
        if !matches!(c.card_exp_month.parse::<u8>(), Ok(1..=12)) {
            return Err(ApiError::invalid(
                "payment_method_data.card.card_exp_month",
                "expected \"01\" to \"12\"",
            ));
        }
        let y = &c.card_exp_year;
        if !(y.len() == 2 || y.len() == 4) || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid(
                "payment_method_data.card.card_exp_year",
                "expected a year such as \"2028\"",
            ));
        }
        if !(3..=4).contains(&c.card_cvc.len()) || !c.card_cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid(
                "payment_method_data.card.card_cvc",
                "expected 3 or 4 digits",
            ));
        }
        Ok(Card {
            number,
            exp_month: c.card_exp_month,
            exp_year: c.card_exp_year,
            holder_name: c.card_holder_name,
        })
    }

    /// The card as answers show it: never the full number nor the CVC.
    fn public(&self, card_type: Option<&str>) -> Value {
        let network = match cards::brand(&self.number) {
            cards::Brand::Visa => "Visa",
            cards::Brand::Mastercard => "Mastercard",
            cards::Brand::Amex => "AmericanExpress",
            cards::Brand::Discover => "Discover",
            cards::Brand::Unknown => "Unknown",
        };
        json!({
            "last4": cards::last4(&self.number), "card_isin": self.number.get(..6).unwrap_or(""),
            "card_network": network, "card_type": card_type, "card_exp_month": self.exp_month,
            "card_exp_year": self.exp_year, "card_holder_name": self.holder_name,
        })
    }
}

/// The fields a create, update or confirm may set, kept as answered.
#[derive(Debug, Clone, Default)]
pub(crate) struct Details {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub description: Option<String>,
    pub return_url: Option<String>,
    pub authentication_type: Option<String>,
    pub merchant_order_reference_id: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_type: Option<String>,
    pub billing: Option<Value>,
    pub shipping: Option<Value>,
    pub order_details: Option<Value>,
    pub metadata: Option<Value>,
    pub browser_info: Option<Value>,
    pub setup_future_usage: Option<String>,
    pub customer_acceptance: Option<Value>,
}

impl Details {
    /// Overwrites the fields `other` sets.
    pub(crate) fn merge(&mut self, other: Details) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            email,
            name,
            phone,
            phone_country_code,
            description,
            return_url,
            authentication_type,
            merchant_order_reference_id,
            payment_method,
            payment_method_type,
            billing,
            shipping,
            order_details,
            metadata,
            browser_info,
            setup_future_usage,
            customer_acceptance
        );
    }
}

/// One payment.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub id: String,
    pub seq: u64,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub expires: Option<OffsetDateTime>,
    pub status: Status,
    pub amount: i64,
    pub currency: String,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub capture_method: String,
    pub customer_id: Option<String>,
    pub details: Details,
    pub card: Option<Card>,
    pub next_action: Option<Value>,
    pub pending: Option<Final>,
    pub error: Option<(&'static str, &'static str)>,
    pub cancellation_reason: Option<String>,
    pub profile_id: String,
    pub attempt_count: u32,
    pub confirmed: bool,
    pub mandate_id: Option<String>,
}

/// One webhook to sign and send: `(event_type, content.type, content.object)`.
pub(crate) type Event = (&'static str, &'static str, Value);

/// ISO 8601 in UTC with milliseconds, as Hyperswitch writes times.
pub(crate) fn fmt_time(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&f).unwrap_or_default()
}

impl Payment {
    /// The payment as `GET` answers it.
    pub(crate) fn json(&self, cfg: &Config, records: &Records) -> Value {
        let d = &self.details;
        let refunds = records.refunds_of(&self.id);
        let pmd = self.card.as_ref().map(
            |c| json!({"card": c.public(d.payment_method_type.as_deref()), "billing": Value::Null}),
        );
        json!({
            "payment_id": self.id, "merchant_id": cfg.merchant_id, "status": self.status.word(),
            "amount": self.amount, "net_amount": self.amount, "amount_capturable": self.amount_capturable,
            "amount_received": (self.amount_received > 0).then_some(self.amount_received),
            "connector": self.confirmed.then_some("sandbox"), "client_secret": format!("{}_secret_{:06}", self.id, self.seq),
            "created": fmt_time(self.created), "updated": fmt_time(self.updated), "currency": self.currency,
            "customer_id": self.customer_id, "customer": records.customer_summary(self.customer_id.as_deref()),
            "description": d.description, "refunds": (!refunds.is_empty()).then_some(refunds),
            "mandate_id": self.mandate_id, "capture_method": self.capture_method,
            "payment_method": d.payment_method, "payment_method_type": d.payment_method_type,
            "payment_method_data": pmd, "email": d.email, "name": d.name, "phone": d.phone,
            "phone_country_code": d.phone_country_code, "return_url": d.return_url,
            "authentication_type": d.authentication_type, "billing": d.billing, "shipping": d.shipping,
            "order_details": d.order_details, "next_action": self.next_action,
            "cancellation_reason": self.cancellation_reason, "error_code": self.error.map(|e| e.0),
            "error_message": self.error.map(|e| e.1), "profile_id": self.profile_id, "metadata": d.metadata,
            "merchant_order_reference_id": d.merchant_order_reference_id, "attempt_count": self.attempt_count,
            "setup_future_usage": d.setup_future_usage,
            "expires_on": self.expires.map(fmt_time),
        })
    }

    fn apply_final(&mut self, f: Final) -> Status {
        self.next_action = None;
        self.pending = None;
        match f {
            Final::Partial => {
                self.amount_capturable = self.amount / 2;
                Status::PartiallyAuthorizedAndRequiresCapture
            }
            Final::Succeed if self.capture_method.starts_with("manual") => {
                self.amount_capturable = self.amount;
                Status::RequiresCapture
            }
            Final::Succeed => {
                self.amount_capturable = 0;
                self.amount_received = self.amount;
                Status::Succeeded
            }
            Final::Decline(code, message) => {
                self.amount_capturable = 0;
                self.error = Some((code, message));
                Status::Failed
            }
        }
    }

    /// Authorizes a payment that has its card: the trigger table decides.
    pub(crate) fn confirm(&mut self, redirect_url: String) {
        self.confirmed = true;
        self.attempt_count += 1;
        self.error = None;
        let number = self.card.as_ref().map(|c| c.number.clone()).unwrap_or_default();
        let multiple = self.amount == 108_888;
        if multiple && self.capture_method == "manual" {
            self.capture_method = "manual_multiple".into();
        }
        self.status = match outcome(&number, self.amount) {
            Outcome::Now(f) => self.apply_final(f),
            Outcome::Wait(s) => {
                self.amount_capturable = 0;
                s
            }
            Outcome::Redirect(s, then) => {
                self.pending = Some(then);
                self.amount_capturable = self.amount;
                self.next_action =
                    Some(json!({"type": "redirect_to_url", "redirect_to_url": redirect_url}));
                s
            }
            Outcome::Review => {
                self.pending = Some(Final::Succeed);
                Status::RequiresMerchantAction
            }
            Outcome::Conflicted => Status::Conflicted,
        };
        self.updated = crate::kit::now();
    }

    /// The customer's redirect is done: the pending outcome applies.
    pub(crate) fn complete_redirect(&mut self) -> bool {
        if !matches!(self.status, Status::RequiresCustomerAction | Status::RequiresRedirection) {
            return false;
        }
        let f = self.pending.unwrap_or(Final::Succeed);
        self.status = self.apply_final(f);
        true
    }

    /// Sandbox only: a `processing` or `pending` payment completes.
    pub(crate) fn settle(&mut self) -> Result<(), ApiError> {
        if !matches!(self.status, Status::Processing | Status::Pending) {
            return Err(ApiError::bad_state(
                "Payment",
                "settled",
                self.status.word(),
                "processing, pending",
            ));
        }
        self.status = self.apply_final(Final::Succeed);
        Ok(())
    }

    /// `approve` / `reject` of a payment held for review.
    pub(crate) fn review(&mut self, approve: bool) -> Result<(), ApiError> {
        if self.status != Status::RequiresMerchantAction {
            let flow = if approve { "approved" } else { "rejected" };
            return Err(ApiError::bad_state(
                "Payment",
                flow,
                self.status.word(),
                "requires_merchant_action",
            ));
        }
        let f = if approve {
            self.pending.unwrap_or(Final::Succeed)
        } else {
            Final::Decline("rejected", "Rejected by the merchant's review")
        };
        self.status = self.apply_final(f);
        Ok(())
    }

    /// Captures `amount` (all that is capturable if `None`).
    pub(crate) fn capture(&mut self, amount: Option<i64>) -> Result<(), ApiError> {
        if !self.status.capturable() {
            return Err(ApiError::bad_state(
                "Payment",
                "captured",
                self.status.word(),
                "requires_capture, partially_authorized_and_requires_capture, partially_captured_and_capturable",
            ));
        }
        let capturable = self.amount_capturable;
        let amount = amount.unwrap_or(capturable);
        if amount <= 0 {
            return Err(ApiError::invalid(
                "amount_to_capture",
                "must be greater than 0 (minor units)",
            ));
        }
        if amount > capturable {
            return Err(ApiError::invalid(
                "amount_to_capture",
                &format!("amount_to_capture is greater than amount_capturable ({capturable})"),
            ));
        }
        self.amount_received += amount;
        let multiple = self.capture_method == "manual_multiple";
        self.amount_capturable = if multiple { capturable - amount } else { 0 };
        self.status = if self.amount_received == self.amount {
            Status::Succeeded
        } else if self.amount_capturable > 0 {
            Status::PartiallyCapturedAndCapturable
        } else {
            Status::PartiallyCaptured
        };
        self.updated = crate::kit::now();
        Ok(())
    }

    /// `POST /payments/{id}/cancel`.
    pub(crate) fn cancel(&mut self, reason: Option<String>) -> Result<(), ApiError> {
        let allowed = [
            Status::RequiresPaymentMethod,
            Status::RequiresConfirmation,
            Status::RequiresCustomerAction,
            Status::RequiresRedirection,
            Status::RequiresMerchantAction,
            Status::RequiresCapture,
            Status::PartiallyAuthorizedAndRequiresCapture,
        ];
        if !allowed.contains(&self.status) {
            let expected = "requires_payment_method, requires_confirmation, requires_customer_action, requires_capture";
            return Err(ApiError::bad_state("Payment", "cancelled", self.status.word(), expected));
        }
        self.cancellation_reason = reason;
        self.amount_capturable = 0;
        self.next_action = None;
        self.pending = None;
        self.status = Status::Cancelled;
        Ok(())
    }

    /// Sandbox only: a captured payment is voided after capture.
    pub(crate) fn cancel_post_capture(&mut self) -> Result<(), ApiError> {
        if !matches!(self.status, Status::Succeeded | Status::PartiallyCaptured) {
            return Err(ApiError::bad_state(
                "Payment",
                "cancelled post capture",
                self.status.word(),
                "succeeded, partially_captured",
            ));
        }
        self.status = Status::CancelledPostCapture;
        Ok(())
    }

    /// Expires an unconfirmed or waiting payment.
    pub(crate) fn expire(&mut self) -> Result<(), ApiError> {
        let open = [
            Status::RequiresPaymentMethod,
            Status::RequiresConfirmation,
            Status::RequiresCustomerAction,
            Status::RequiresRedirection,
        ];
        if !open.contains(&self.status) {
            return Err(ApiError::bad_state(
                "Payment",
                "expired",
                self.status.word(),
                "requires_payment_method, requires_confirmation, requires_customer_action",
            ));
        }
        self.next_action = None;
        self.amount_capturable = 0;
        self.status = Status::Expired;
        Ok(())
    }

    /// Whether `session_expiry` has passed on a payment that is still open.
    pub(crate) fn expired_by(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|t| t <= now)
            && matches!(
                self.status,
                Status::RequiresPaymentMethod
                    | Status::RequiresConfirmation
                    | Status::RequiresCustomerAction
                    | Status::RequiresRedirection
            )
    }

    /// Whether the payment can be refunded.
    pub(crate) fn refundable(&self) -> bool {
        matches!(
            self.status,
            Status::Succeeded | Status::PartiallyCaptured | Status::PartiallyCapturedAndCapturable
        )
    }
}
