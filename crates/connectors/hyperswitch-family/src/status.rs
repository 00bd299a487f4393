//! Hyperswitch status words (IntentStatus, RefundStatus, PayoutStatus, DisputeStatus,
//! DisputeStage, webhook `event_type`) onto the core vocabularies.

use paymux_core::{
    DisputeStage, DisputeStatus, EventKind, PaymentStatus, PayoutStatus, RefundStatus,
};

/// Every payment status word the family documents (Hyperswitch `IntentStatus` plus the
/// `requires_redirection` and `pending` that the Paychtec guide names), for table tests.
pub const PAYMENT_STATUS_WORDS: [&str; 17] = [
    "succeeded",
    "failed",
    "cancelled",
    "cancelled_post_capture",
    "processing",
    "requires_customer_action",
    "requires_merchant_action",
    "requires_payment_method",
    "requires_confirmation",
    "requires_capture",
    "partially_captured",
    "partially_captured_and_capturable",
    "partially_authorized_and_requires_capture",
    "conflicted",
    "expired",
    "requires_redirection",
    "pending",
];

/// The words of Hyperswitch's `IntentStatus` enum, in its order: the only words a list filter
/// (`status: [..]`) takes (a word outside the enum is refused). The guide's
/// `requires_redirection` and `pending` are answers only.
pub const INTENT_STATUS_WORDS: [&str; 15] = [
    "succeeded",
    "failed",
    "cancelled",
    "cancelled_post_capture",
    "processing",
    "requires_customer_action",
    "requires_merchant_action",
    "requires_payment_method",
    "requires_confirmation",
    "requires_capture",
    "partially_captured",
    "partially_captured_and_capturable",
    "partially_authorized_and_requires_capture",
    "conflicted",
    "expired",
];

/// Every refund status word the family documents (Hyperswitch's `RefundStatus` enum, which a
/// refund list filter takes).
pub const REFUND_STATUS_WORDS: [&str; 4] = ["succeeded", "failed", "pending", "review"];

/// Every payout status word the family documents: Hyperswitch's `PayoutStatus` enum, in its
/// order (its published v1 OpenAPI document), which a payout list filter takes.
pub const PAYOUT_STATUS_WORDS: [&str; 13] = [
    "success",
    "failed",
    "cancelled",
    "initiated",
    "expired",
    "reversed",
    "pending",
    "ineligible",
    "requires_creation",
    "requires_confirmation",
    "requires_payout_method_data",
    "requires_fulfillment",
    "requires_vendor_account_creation",
];

/// Every dispute status word the family documents: Hyperswitch's `DisputeStatus` enum, in its
/// order, which a dispute list filter takes.
pub const DISPUTE_STATUS_WORDS: [&str; 7] = [
    "dispute_opened",
    "dispute_expired",
    "dispute_accepted",
    "dispute_cancelled",
    "dispute_challenged",
    "dispute_won",
    "dispute_lost",
];

/// Every dispute stage word the family documents: Hyperswitch's `DisputeStage` enum.
pub const DISPUTE_STAGE_WORDS: [&str; 5] =
    ["pre_dispute", "dispute", "pre_arbitration", "arbitration", "dispute_reversal"];

/// Every webhook `event_type` the family documents.
pub const EVENT_TYPES: [&str; 29] = [
    "payment_succeeded",
    "payment_failed",
    "payment_processing",
    "payment_cancelled",
    "payment_cancelled_post_capture",
    "payment_authorized",
    "payment_partially_authorized",
    "payment_captured",
    "payment_expired",
    "action_required",
    "refund_succeeded",
    "refund_failed",
    "dispute_opened",
    "dispute_expired",
    "dispute_accepted",
    "dispute_cancelled",
    "dispute_challenged",
    "dispute_won",
    "dispute_lost",
    "mandate_active",
    "mandate_revoked",
    "payout_success",
    "payout_failed",
    "payout_initiated",
    "payout_processing",
    "payout_cancelled",
    "payout_expired",
    "payout_reversed",
    "invoice_paid",
];

/// Maps a Hyperswitch payment status word onto [`PaymentStatus`].
///
/// | word | status | why |
/// |---|---|---|
/// | `succeeded` | `Succeeded` | |
/// | `failed` | `Failed` | |
/// | `cancelled` | `Cancelled` | |
/// | `cancelled_post_capture` | `Cancelled` | the capture was voided before settlement: no money is kept, so it must never read as `Succeeded`; final either way |
/// | `processing`, `pending` | `Processing` | |
/// | `requires_customer_action`, `requires_redirection` | `RequiresAction` | see `next_action` |
/// | `requires_merchant_action` | `Processing` | held for manual review (approve/reject): not final, and nothing for the customer to do (no `next_action`, never `RequiresAction`) |
/// | `requires_payment_method` | `RequiresPaymentMethod` | |
/// | `requires_confirmation` | `RequiresConfirmation` | |
/// | `requires_capture` | `RequiresCapture` | |
/// | `partially_authorized_and_requires_capture` | `RequiresCapture` | authorized for less than asked; `amount_capturable` says how much |
/// | `partially_captured` | `Succeeded` | Hyperswitch uses it when part was captured and the rest released: nothing more can be captured, the money in `amount_received` is taken (final) |
/// | `partially_captured_and_capturable` | `PartiallyCaptured` | part captured, more may follow |
/// | `conflicted` | `Processing` | the gateway and the processor disagree; needs reconciliation, never a success, nothing for the customer to do |
/// | `expired` | `Expired` | |
/// | anything else | `Processing` | the core rule for unknown words (the word stays in `raw_status`) |
///
/// [`to_payment`](crate::to_payment) keeps `next_action` only for `RequiresAction` and
/// `amount_capturable` only for `RequiresCapture`.
pub fn payment_status(word: &str) -> PaymentStatus {
    match word {
        "succeeded" | "partially_captured" => PaymentStatus::Succeeded,
        "failed" => PaymentStatus::Failed,
        "cancelled" | "cancelled_post_capture" => PaymentStatus::Cancelled,
        "requires_customer_action" | "requires_redirection" => PaymentStatus::RequiresAction,
        "requires_payment_method" => PaymentStatus::RequiresPaymentMethod,
        "requires_confirmation" => PaymentStatus::RequiresConfirmation,
        "requires_capture" | "partially_authorized_and_requires_capture" => {
            PaymentStatus::RequiresCapture
        }
        "partially_captured_and_capturable" => PaymentStatus::PartiallyCaptured,
        "expired" => PaymentStatus::Expired,
        // processing, pending, requires_merchant_action, conflicted, unknown words.
        _ => PaymentStatus::Processing,
    }
}

/// The words a payment list filter sends for a core status: every [`INTENT_STATUS_WORDS`]
/// word that [`payment_status`] reads as `status`, so the list holds exactly the payments that
/// read as it (`Succeeded`: `succeeded`, `partially_captured`; `Processing`: `processing`,
/// `requires_merchant_action`, `conflicted`; `RequiresCapture`: `requires_capture`,
/// `partially_authorized_and_requires_capture`; `Cancelled`: `cancelled`,
/// `cancelled_post_capture`; every other status its one word). Never empty.
pub fn payment_status_filter(status: PaymentStatus) -> Vec<&'static str> {
    INTENT_STATUS_WORDS.into_iter().filter(|w| payment_status(w) == status).collect()
}

/// The words a refund list filter (`refund_status: [..]`) sends for a core status: every
/// [`REFUND_STATUS_WORDS`] word that [`refund_status`] reads as `status` (`Pending`:
/// `pending`, `review`). Empty for `Cancelled`: no family refund is ever cancelled.
pub fn refund_status_filter(status: RefundStatus) -> Vec<&'static str> {
    REFUND_STATUS_WORDS.into_iter().filter(|w| refund_status(w) == status).collect()
}

/// The principal Hyperswitch word of a core status (`Processing`: `processing`,
/// `RequiresAction`: `requires_customer_action`). A list filter sends every word that reads as
/// the status instead: [`payment_status_filter`].
pub fn payment_status_word(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::RequiresPaymentMethod => "requires_payment_method",
        PaymentStatus::RequiresConfirmation => "requires_confirmation",
        PaymentStatus::RequiresAction => "requires_customer_action",
        PaymentStatus::Processing => "processing",
        PaymentStatus::RequiresCapture => "requires_capture",
        PaymentStatus::PartiallyCaptured => "partially_captured_and_capturable",
        PaymentStatus::Succeeded => "succeeded",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Cancelled => "cancelled",
        PaymentStatus::Expired => "expired",
    }
}

/// Maps a Hyperswitch refund status word onto [`RefundStatus`].
///
/// | word | status | why |
/// |---|---|---|
/// | `succeeded` | `Succeeded` | |
/// | `failed` | `Failed` | `failure` says why, where the gateway does |
/// | `pending` | `Pending` | |
/// | `review` | `Pending` | held for manual review: not settled, not final |
/// | anything else | `Pending` | the core rule for unknown refund words (the word stays in `raw_status`) |
pub fn refund_status(word: &str) -> RefundStatus {
    match word {
        "succeeded" => RefundStatus::Succeeded,
        "failed" => RefundStatus::Failed,
        // pending, review, unknown words.
        _ => RefundStatus::Pending,
    }
}

/// Maps a Hyperswitch payout status word onto [`PayoutStatus`].
///
/// | word | status | why |
/// |---|---|---|
/// | `success` | `Succeeded` | paid out |
/// | `failed` | `Failed` | `failure` says why, where the gateway does |
/// | `ineligible` | `Failed` | the recipient cannot receive this payout: final, nothing was sent |
/// | `cancelled` | `Cancelled` | |
/// | `expired` | `Expired` | |
/// | `reversed` | `Reversed` | paid, then returned |
/// | `initiated`, `pending` | `Processing` | sent to the processor, the outcome is not known yet |
/// | `requires_creation`, `requires_confirmation`, `requires_payout_method_data`, `requires_fulfillment`, `requires_vendor_account_creation` | `RequiresAction` | the merchant must create, confirm, give the method or fulfill it (the connector's `fulfill_payout`), or onboard the recipient, before money moves |
/// | anything else | `Processing` | the core rule for unknown payout words: never read as money sent (the word stays in `raw_status`) |
pub fn payout_status(word: &str) -> PayoutStatus {
    match word {
        "success" => PayoutStatus::Succeeded,
        "failed" | "ineligible" => PayoutStatus::Failed,
        "cancelled" => PayoutStatus::Cancelled,
        "expired" => PayoutStatus::Expired,
        "reversed" => PayoutStatus::Reversed,
        "requires_creation"
        | "requires_confirmation"
        | "requires_payout_method_data"
        | "requires_fulfillment"
        | "requires_vendor_account_creation" => PayoutStatus::RequiresAction,
        // initiated, pending, unknown words.
        _ => PayoutStatus::Processing,
    }
}

/// The words a payout list filter (`status: [..]`) sends for a core status: every
/// [`PAYOUT_STATUS_WORDS`] word that [`payout_status`] reads as `status` (`Failed`: `failed`,
/// `ineligible`; `Processing`: `initiated`, `pending`; `RequiresAction`: the five
/// `requires_*` words). Never empty.
pub fn payout_status_filter(status: PayoutStatus) -> Vec<&'static str> {
    PAYOUT_STATUS_WORDS.into_iter().filter(|w| payout_status(w) == status).collect()
}

/// Maps a Hyperswitch dispute status word onto [`DisputeStatus`].
///
/// | word | status | why |
/// |---|---|---|
/// | `dispute_opened` | `NeedsResponse` | accept it or submit evidence before `challenge_required_by` |
/// | `dispute_challenged` | `UnderReview` | evidence submitted; the issuer decides |
/// | `dispute_accepted` | `Accepted` | |
/// | `dispute_won` | `Won` | |
/// | `dispute_lost` | `Lost` | |
/// | `dispute_expired` | `Expired` | |
/// | `dispute_cancelled` | `Cancelled` | |
/// | anything else | `UnderReview` | the core rule for unknown dispute words: not final, nothing asked of the merchant (the word stays in `raw_status`) |
pub fn dispute_status(word: &str) -> DisputeStatus {
    match word {
        "dispute_opened" => DisputeStatus::NeedsResponse,
        "dispute_accepted" => DisputeStatus::Accepted,
        "dispute_won" => DisputeStatus::Won,
        "dispute_lost" => DisputeStatus::Lost,
        "dispute_expired" => DisputeStatus::Expired,
        "dispute_cancelled" => DisputeStatus::Cancelled,
        // dispute_challenged, unknown words.
        _ => DisputeStatus::UnderReview,
    }
}

/// The words a dispute list filter (`dispute_status=a,b`) sends for a core status: every
/// [`DISPUTE_STATUS_WORDS`] word that [`dispute_status`] reads as `status` (one word each).
pub fn dispute_status_filter(status: DisputeStatus) -> Vec<&'static str> {
    DISPUTE_STATUS_WORDS.into_iter().filter(|w| dispute_status(w) == status).collect()
}

/// Maps a Hyperswitch dispute stage word onto [`DisputeStage`].
///
/// | word | stage | why |
/// |---|---|---|
/// | `pre_dispute` | `Inquiry` | a retrieval request before any chargeback |
/// | `dispute` | `Chargeback` | |
/// | `pre_arbitration` | `PreArbitration` | |
/// | `arbitration` | `Arbitration` | |
/// | `dispute_reversal` | `Chargeback` | the chargeback, reversed by the network: still that stage; the status says how it ended |
/// | anything else | none | no stage is guessed |
pub fn dispute_stage(word: &str) -> Option<DisputeStage> {
    match word {
        "pre_dispute" => Some(DisputeStage::Inquiry),
        "dispute" | "dispute_reversal" => Some(DisputeStage::Chargeback),
        "pre_arbitration" => Some(DisputeStage::PreArbitration),
        "arbitration" => Some(DisputeStage::Arbitration),
        _ => None,
    }
}

/// Maps a webhook `event_type` onto [`EventKind`], from the word alone.
///
/// | `event_type` | kind | why |
/// |---|---|---|
/// | `payment_succeeded` | `PaymentSucceeded` | |
/// | `payment_failed` | `PaymentFailed` | |
/// | `payment_processing` | `PaymentProcessing` | |
/// | `payment_cancelled` | `PaymentCancelled` | |
/// | `payment_cancelled_post_capture` | `PaymentCancelled` | its payment is `Cancelled` (`cancelled_post_capture`) |
/// | `payment_authorized` | `PaymentAuthorized` | |
/// | `payment_partially_authorized` | `PaymentAuthorized` | the payment waits for capture of `amount_capturable` |
/// | `payment_captured` | `PaymentCaptured` | |
/// | `payment_expired` | `PaymentExpired` | |
/// | `action_required` | `PaymentActionRequired` | from the word alone; events are read with [`event_kind_for`], which looks at the payment |
/// | `refund_succeeded` | `RefundSucceeded` | |
/// | `refund_failed` | `RefundFailed` | |
/// | `dispute_opened` | `DisputeOpened` | |
/// | `dispute_expired` | `DisputeExpired` | |
/// | `dispute_accepted` | `DisputeAccepted` | |
/// | `dispute_cancelled` | `DisputeCancelled` | |
/// | `dispute_challenged` | `DisputeChallenged` | |
/// | `dispute_won` | `DisputeWon` | |
/// | `dispute_lost` | `DisputeLost` | |
/// | `mandate_active` | `MandateActive` | |
/// | `mandate_revoked` | `MandateRevoked` | |
/// | `payout_success` | `PayoutSucceeded` | |
/// | `payout_failed` | `PayoutFailed` | |
/// | `payout_initiated` | `PayoutInitiated` | |
/// | `payout_processing` | `PayoutProcessing` | |
/// | `payout_cancelled` | `PayoutCancelled` | |
/// | `payout_expired` | `PayoutExpired` | |
/// | `payout_reversed` | `PayoutReversed` | |
/// | `invoice_paid` | `Other` | a subscription invoice: nothing in the core vocabulary (the word is kept) |
/// | anything else | `Other` | the word is kept: `Other(word)` |
///
/// Hyperswitch sends `action_required` for a payment held for the merchant's review
/// (`requires_merchant_action`) and for a `conflicted` one as well as for a customer action:
/// the word alone cannot tell them apart. Events are read with [`event_kind_for`], which looks
/// at the payment.
pub fn event_kind(event_type: &str) -> EventKind {
    match event_type {
        "payment_succeeded" => EventKind::PaymentSucceeded,
        "payment_failed" => EventKind::PaymentFailed,
        "payment_processing" => EventKind::PaymentProcessing,
        "payment_cancelled" | "payment_cancelled_post_capture" => EventKind::PaymentCancelled,
        "payment_authorized" | "payment_partially_authorized" => EventKind::PaymentAuthorized,
        "payment_captured" => EventKind::PaymentCaptured,
        "payment_expired" => EventKind::PaymentExpired,
        "action_required" => EventKind::PaymentActionRequired,
        "refund_succeeded" => EventKind::RefundSucceeded,
        "refund_failed" => EventKind::RefundFailed,
        "dispute_opened" => EventKind::DisputeOpened,
        "dispute_expired" => EventKind::DisputeExpired,
        "dispute_accepted" => EventKind::DisputeAccepted,
        "dispute_cancelled" => EventKind::DisputeCancelled,
        "dispute_challenged" => EventKind::DisputeChallenged,
        "dispute_won" => EventKind::DisputeWon,
        "dispute_lost" => EventKind::DisputeLost,
        "mandate_active" => EventKind::MandateActive,
        "mandate_revoked" => EventKind::MandateRevoked,
        "payout_success" => EventKind::PayoutSucceeded,
        "payout_failed" => EventKind::PayoutFailed,
        "payout_initiated" => EventKind::PayoutInitiated,
        "payout_processing" => EventKind::PayoutProcessing,
        "payout_cancelled" => EventKind::PayoutCancelled,
        "payout_expired" => EventKind::PayoutExpired,
        "payout_reversed" => EventKind::PayoutReversed,
        other => EventKind::Other(other.to_owned()),
    }
}

/// Maps a webhook `event_type` onto [`EventKind`] given the status of the payment the event
/// carries (`None` when it carries none): [`event_kind`], except for `action_required`, which
/// is a customer action only when the payment reads as one.
///
/// | `action_required` with a payment that is | kind | why |
/// |---|---|---|
/// | `RequiresAction` (`requires_customer_action`, `requires_redirection`) | `PaymentActionRequired` | the customer must act (see `next_action`) |
/// | anything else (`requires_merchant_action`, `conflicted`, ...) | `PaymentProcessing` | held for the merchant's review or for reconciliation: not final, nothing for the customer to do (the payment's status is `Processing`) |
/// | no payment | `Other("action_required")` | cannot tell whose action it is |
pub fn event_kind_for(event_type: &str, payment: Option<PaymentStatus>) -> EventKind {
    match (event_type, payment) {
        ("action_required", Some(PaymentStatus::RequiresAction)) => {
            EventKind::PaymentActionRequired
        }
        ("action_required", Some(_)) => EventKind::PaymentProcessing,
        ("action_required", None) => EventKind::Other(event_type.to_owned()),
        _ => event_kind(event_type),
    }
}
