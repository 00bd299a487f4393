//! The shared status vocabularies every connector maps its gateway's words onto.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a payment stands, the same for every gateway: **the contract**.
///
/// Every connector maps its gateway's words onto these, so that business code branches on the
/// status and never on the gateway. Each [`Payment`](crate::Payment) also keeps the gateway's
/// own word in `raw_status`; each connector's docs hold the table from its gateway's words to
/// these, and its tests check every row.
///
/// | status | what it means | what the caller does | fields set |
/// |---|---|---|---|
/// | `RequiresPaymentMethod` | created, no payment method yet (or the last one failed and another may be tried) | attach a method, or let the customer pick one | |
/// | `RequiresConfirmation` | method attached, the gateway waits for a confirm call | call `confirm_payment` | |
/// | `RequiresAction` | the **customer** must act: a hosted page, 3-D Secure, a bank step, payment instructions | send the customer where `next_action` says; wait for the webhook or poll | `next_action`, always and only here |
/// | `Processing` | the gateway is working on it, or holds it (fraud or manual review, reconciliation); nothing for the customer to do | wait for the webhook or poll; never ship yet | |
/// | `RequiresCapture` | authorized, waiting for a capture (for `amount_capturable`, which a partial authorization puts below `amount`) | `capture_payment` (at most `amount_capturable`) or `cancel_payment` | `amount_capturable` (unless the amount is one `Money` cannot hold: see `gateway_amount`) |
/// | `PartiallyCaptured` | part of the authorization captured; more may follow | capture more, or leave it | `amount_captured` where the gateway says |
/// | `Succeeded` | money taken; final | fulfil the order | |
/// | `Failed` | declined or errored; final | ask for another method; `failure` says why | `failure` |
/// | `Cancelled` | cancelled or voided before money was kept; final | release the order | |
/// | `Expired` | never completed in time (abandoned page, authorization lapsed); final | release the order, or start a new payment | |
///
/// The field rules are checked by [`Payment::contract_breach`](crate::Payment::contract_breach).
///
/// **Rule for unknown words** (applied by every connector): a word a connector does not know maps
/// to [`PaymentStatus::Processing`], a non-final state, so it is never mistaken for money
/// received, and the word itself is kept in `raw_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Waiting for payment details.
    RequiresPaymentMethod,
    /// Details attached, waiting for a confirm call.
    RequiresConfirmation,
    /// The customer must act: redirect, 3-D Secure, bank step. See `next_action`, which is set
    /// exactly in this status. A payment held for the merchant's review is `Processing`.
    RequiresAction,
    /// The gateway is working on it or holds it; the outcome is not known yet and the customer
    /// has nothing to do.
    Processing,
    /// Authorized, waiting for a (manual) capture of at most `amount_capturable`.
    RequiresCapture,
    /// Part of the authorized amount captured; more may follow.
    PartiallyCaptured,
    /// Money taken. Final.
    Succeeded,
    /// Declined or errored. Final. `failure` says why.
    Failed,
    /// Cancelled or voided before capture. Final.
    Cancelled,
    /// Never completed in time. Final.
    Expired,
}

impl PaymentStatus {
    /// Every status, for table tests and exhaustive handling.
    pub const ALL: [PaymentStatus; 10] = [
        Self::RequiresPaymentMethod,
        Self::RequiresConfirmation,
        Self::RequiresAction,
        Self::Processing,
        Self::RequiresCapture,
        Self::PartiallyCaptured,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::Expired,
    ];

    /// `true` for terminal states: nothing more will happen to the payment itself
    /// (refunds and disputes are their own resources).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled | Self::Expired)
    }

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresPaymentMethod => "requires_payment_method",
            Self::RequiresConfirmation => "requires_confirmation",
            Self::RequiresAction => "requires_action",
            Self::Processing => "processing",
            Self::RequiresCapture => "requires_capture",
            Self::PartiallyCaptured => "partially_captured",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a refund stands. Unknown gateway words map to [`RefundStatus::Pending`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Submitted, not settled (includes manual review).
    Pending,
    /// Money returned. Final.
    Succeeded,
    /// Refused or errored. Final.
    Failed,
    /// Withdrawn before it settled. Final.
    Cancelled,
}

impl RefundStatus {
    /// Every status, for table tests.
    pub const ALL: [RefundStatus; 4] =
        [Self::Pending, Self::Succeeded, Self::Failed, Self::Cancelled];

    /// `true` for terminal states.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Pending)
    }

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Defines an enum of known snake_case words plus `Other(String)` that serializes as the word.
macro_rules! open_vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $word:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A word outside the shared vocabulary, kept as the gateway sent it.
            Other(String),
        }

        impl $name {
            /// Every named variant (without `Other`), for table tests.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The snake_case word (the gateway's own for `Other`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $word, )*
                    Self::Other(s) => s,
                }
            }

            /// The variant for a word; unknown words become `Other`.
            pub fn from_word(word: &str) -> Self {
                match word {
                    $( $word => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from_word(&word))
            }
        }
    };
}

/// Where a payout stands, the same for every gateway.
///
/// | status | what it means | what the caller does |
/// |---|---|---|
/// | `RequiresAction` | someone must act before money moves: the merchant (confirm, fulfil, approve) or the recipient (details on a page) | do the step the gateway asks for |
/// | `Processing` | on its way; the outcome is not known yet | wait for the webhook or poll |
/// | `Succeeded` | paid out; final unless later `Reversed` | book it |
/// | `Failed` | refused or errored (also: the recipient is not eligible); final; `failure` says why | pay another way |
/// | `Cancelled` | cancelled before money moved; final | |
/// | `Expired` | not completed in time; final | start a new payout |
/// | `Reversed` | paid, then returned to the merchant | book the return |
///
/// **Rule for unknown words**: a word a connector does not know maps to `Processing`, so it is
/// never mistaken for money sent; the word is kept in `raw_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutStatus {
    /// Waiting for the merchant or the recipient to act.
    RequiresAction,
    /// On its way.
    Processing,
    /// Paid out.
    Succeeded,
    /// Refused or errored. Final. `failure` says why.
    Failed,
    /// Cancelled before money moved. Final.
    Cancelled,
    /// Not completed in time. Final.
    Expired,
    /// Paid, then returned. Final.
    Reversed,
}

impl PayoutStatus {
    /// Every status, for table tests.
    pub const ALL: [PayoutStatus; 7] = [
        Self::RequiresAction,
        Self::Processing,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::Expired,
        Self::Reversed,
    ];

    /// `true` for states nothing follows, except that a `Succeeded` payout can still be
    /// `Reversed` (so `Succeeded` is not final here).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Failed | Self::Cancelled | Self::Expired | Self::Reversed)
    }

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresAction => "requires_action",
            Self::Processing => "processing",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::Reversed => "reversed",
        }
    }
}

impl fmt::Display for PayoutStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a dispute stands, the same for every gateway.
///
/// | status | what it means | what the caller does |
/// |---|---|---|
/// | `NeedsResponse` | opened; the merchant may answer until `evidence_due_by` | `accept_dispute`, or `submit_dispute_evidence` |
/// | `UnderReview` | answered or challenged; the issuer decides | wait |
/// | `Accepted` | the merchant accepted it: the money stays with the cardholder; final | |
/// | `Won` | decided for the merchant; final | |
/// | `Lost` | decided for the cardholder; final | |
/// | `Expired` | not answered in time (lost); final | |
/// | `Cancelled` | withdrawn by the cardholder or the issuer; final | |
///
/// **Rule for unknown words**: a word a connector does not know maps to `UnderReview`, a
/// non-final state that asks nothing of the merchant, and the word is kept in `raw_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Opened: accept it or submit evidence before the deadline.
    NeedsResponse,
    /// The issuer is deciding.
    UnderReview,
    /// Accepted by the merchant. Final.
    Accepted,
    /// Won by the merchant. Final.
    Won,
    /// Lost by the merchant. Final.
    Lost,
    /// Not answered in time. Final.
    Expired,
    /// Withdrawn. Final.
    Cancelled,
}

impl DisputeStatus {
    /// Every status, for table tests.
    pub const ALL: [DisputeStatus; 7] = [
        Self::NeedsResponse,
        Self::UnderReview,
        Self::Accepted,
        Self::Won,
        Self::Lost,
        Self::Expired,
        Self::Cancelled,
    ];

    /// `true` for terminal states.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::NeedsResponse | Self::UnderReview)
    }

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsResponse => "needs_response",
            Self::UnderReview => "under_review",
            Self::Accepted => "accepted",
            Self::Won => "won",
            Self::Lost => "lost",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for DisputeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a dispute has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// An inquiry before a chargeback (a retrieval request; Hyperswitch `pre_dispute`).
    Inquiry,
    /// The chargeback itself (Hyperswitch `dispute`).
    Chargeback,
    /// A second chargeback after the merchant's answer (`pre_arbitration`).
    PreArbitration,
    /// Decided by the card network.
    Arbitration,
}

impl DisputeStage {
    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inquiry => "inquiry",
            Self::Chargeback => "chargeback",
            Self::PreArbitration => "pre_arbitration",
            Self::Arbitration => "arbitration",
        }
    }
}

impl fmt::Display for DisputeStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

open_vocabulary! {
    /// What a webhook event says happened, the same for every gateway.
    ///
    /// An event about a payment carries it (as far as the body does) in
    /// [`WebhookResource::Payment`](crate::WebhookResource::Payment), and its kind agrees with
    /// the payment's status as the table says; the status, not the kind, is what to act on
    /// (events can arrive out of order: fetch the payment when in doubt).
    ///
    /// | kind | what happened | the payment's status |
    /// |---|---|---|
    /// | `PaymentSucceeded` | money taken | `Succeeded` |
    /// | `PaymentFailed` | declined or errored | `Failed` |
    /// | `PaymentCancelled` | cancelled or voided | `Cancelled` |
    /// | `PaymentAuthorized` | authorized (in full or in part), waiting for capture | `RequiresCapture` |
    /// | `PaymentCaptured` | a capture went through | `PartiallyCaptured` or `Succeeded` |
    /// | `PaymentProcessing` | in progress, or held for review: nothing for the customer to do | `Processing` |
    /// | `PaymentActionRequired` | the customer must act | `RequiresAction` |
    /// | `PaymentExpired` | never completed in time | `Expired` |
    /// | `RefundSucceeded`, `RefundFailed` | a refund settled or failed | (a refund) |
    /// | `Payout*` | about a payout ([`EventKind::for_payout`]) | (resource `Payout`) |
    /// | `Dispute*` | about a dispute ([`EventKind::for_dispute`]) | (resource `Dispute`) |
    /// | `Mandate*` | about a mandate | (resource `Other`: see `raw`) |
    /// | `Other(word)` | a word outside this list, kept as sent (`""` when the body has none) | |
    pub enum EventKind {
        /// Payment completed: money taken.
        PaymentSucceeded => "payment_succeeded",
        /// Payment declined or errored.
        PaymentFailed => "payment_failed",
        /// Payment cancelled or voided.
        PaymentCancelled => "payment_cancelled",
        /// Payment authorized (in full or in part), waiting for capture.
        PaymentAuthorized => "payment_authorized",
        /// A (partial) capture went through.
        PaymentCaptured => "payment_captured",
        /// Payment in progress, or held for the merchant's review; nothing for the customer.
        PaymentProcessing => "payment_processing",
        /// The customer must act (redirect, 3-D Secure, instructions).
        PaymentActionRequired => "payment_action_required",
        /// Payment expired.
        PaymentExpired => "payment_expired",
        /// Refund settled.
        RefundSucceeded => "refund_succeeded",
        /// Refund failed.
        RefundFailed => "refund_failed",
        /// A dispute (chargeback) was opened.
        DisputeOpened => "dispute_opened",
        /// A dispute expired.
        DisputeExpired => "dispute_expired",
        /// The merchant accepted a dispute.
        DisputeAccepted => "dispute_accepted",
        /// A dispute was cancelled.
        DisputeCancelled => "dispute_cancelled",
        /// The merchant challenged a dispute.
        DisputeChallenged => "dispute_challenged",
        /// The merchant won a dispute.
        DisputeWon => "dispute_won",
        /// The merchant lost a dispute.
        DisputeLost => "dispute_lost",
        /// A payout was initiated.
        PayoutInitiated => "payout_initiated",
        /// A payout waits for the merchant or the recipient to act.
        PayoutActionRequired => "payout_action_required",
        /// A payout is being processed.
        PayoutProcessing => "payout_processing",
        /// A payout arrived.
        PayoutSucceeded => "payout_succeeded",
        /// A payout failed.
        PayoutFailed => "payout_failed",
        /// A payout was cancelled.
        PayoutCancelled => "payout_cancelled",
        /// A payout expired.
        PayoutExpired => "payout_expired",
        /// A payout was reversed.
        PayoutReversed => "payout_reversed",
        /// A mandate became active.
        MandateActive => "mandate_active",
        /// A mandate was revoked.
        MandateRevoked => "mandate_revoked",
    }
}

impl EventKind {
    /// The kind of an event about a payment now in `status` (the table of [`EventKind`]), for
    /// events whose name says only that something happened to a payment (`payment.created`):
    /// `RequiresAction` is `PaymentActionRequired`, `RequiresCapture` `PaymentAuthorized`,
    /// `PartiallyCaptured` `PaymentCaptured`, each final status its own kind, and the states
    /// before a result (`RequiresPaymentMethod`, `RequiresConfirmation`, `Processing`)
    /// `PaymentProcessing`.
    ///
    /// ```
    /// use paymux_core::{EventKind, PaymentStatus};
    /// assert_eq!(
    ///     EventKind::for_payment(PaymentStatus::RequiresAction),
    ///     EventKind::PaymentActionRequired
    /// );
    /// ```
    pub fn for_payment(status: PaymentStatus) -> EventKind {
        match status {
            PaymentStatus::RequiresPaymentMethod
            | PaymentStatus::RequiresConfirmation
            | PaymentStatus::Processing => EventKind::PaymentProcessing,
            PaymentStatus::RequiresAction => EventKind::PaymentActionRequired,
            PaymentStatus::RequiresCapture => EventKind::PaymentAuthorized,
            PaymentStatus::PartiallyCaptured => EventKind::PaymentCaptured,
            PaymentStatus::Succeeded => EventKind::PaymentSucceeded,
            PaymentStatus::Failed => EventKind::PaymentFailed,
            PaymentStatus::Cancelled => EventKind::PaymentCancelled,
            PaymentStatus::Expired => EventKind::PaymentExpired,
        }
    }

    /// The kind of an event about a payout now in `status`, for events whose name says only
    /// that something happened to a payout.
    pub fn for_payout(status: PayoutStatus) -> EventKind {
        match status {
            PayoutStatus::RequiresAction => EventKind::PayoutActionRequired,
            PayoutStatus::Processing => EventKind::PayoutProcessing,
            PayoutStatus::Succeeded => EventKind::PayoutSucceeded,
            PayoutStatus::Failed => EventKind::PayoutFailed,
            PayoutStatus::Cancelled => EventKind::PayoutCancelled,
            PayoutStatus::Expired => EventKind::PayoutExpired,
            PayoutStatus::Reversed => EventKind::PayoutReversed,
        }
    }

    /// The kind of an event about a dispute now in `status`.
    ///
    /// ```
    /// use paymux_core::{DisputeStatus, EventKind};
    /// assert_eq!(EventKind::for_dispute(DisputeStatus::UnderReview), EventKind::DisputeChallenged);
    /// ```
    pub fn for_dispute(status: DisputeStatus) -> EventKind {
        match status {
            DisputeStatus::NeedsResponse => EventKind::DisputeOpened,
            DisputeStatus::UnderReview => EventKind::DisputeChallenged,
            DisputeStatus::Accepted => EventKind::DisputeAccepted,
            DisputeStatus::Won => EventKind::DisputeWon,
            DisputeStatus::Lost => EventKind::DisputeLost,
            DisputeStatus::Expired => EventKind::DisputeExpired,
            DisputeStatus::Cancelled => EventKind::DisputeCancelled,
        }
    }
}

open_vocabulary! {
    /// Why a payment was declined, normalized after ActiveMerchant's standard error codes.
    ///
    /// The gateway's own code always travels beside it (`Failure::gateway_code`).
    pub enum DeclineCode {
        /// The card number is wrong.
        IncorrectNumber => "incorrect_number",
        /// The card number is not a valid card number.
        InvalidNumber => "invalid_number",
        /// The expiry date is invalid.
        InvalidExpiryDate => "invalid_expiry_date",
        /// The CVC is invalid.
        InvalidCvc => "invalid_cvc",
        /// The card has expired.
        ExpiredCard => "expired_card",
        /// The CVC is wrong.
        IncorrectCvc => "incorrect_cvc",
        /// The postal code failed verification.
        IncorrectZip => "incorrect_zip",
        /// The address failed verification.
        IncorrectAddress => "incorrect_address",
        /// The PIN is wrong.
        IncorrectPin => "incorrect_pin",
        /// Generic decline by the issuer.
        CardDeclined => "card_declined",
        /// The gateway or issuer failed while processing.
        ProcessingError => "processing_error",
        /// The issuer wants the cardholder to call.
        CallIssuer => "call_issuer",
        /// The card is to be retained (lost or stolen).
        PickUpCard => "pick_up_card",
        /// The merchant account is misconfigured.
        ConfigError => "config_error",
        /// A live card was used in test mode.
        TestModeLiveCard => "test_mode_live_card",
        /// The gateway or card does not support this.
        UnsupportedFeature => "unsupported_feature",
        /// The amount is not acceptable.
        InvalidAmount => "invalid_amount",
        /// Not enough funds.
        InsufficientFunds => "insufficient_funds",
        /// Refused as suspected fraud.
        FraudSuspected => "fraud_suspected",
        /// Strong customer authentication (3-D Secure) is required.
        AuthenticationRequired => "authentication_required",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_status_serde_round_trip_and_finality() {
        let finals = [
            PaymentStatus::Succeeded,
            PaymentStatus::Failed,
            PaymentStatus::Cancelled,
            PaymentStatus::Expired,
        ];
        for status in PaymentStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<PaymentStatus>(&json).unwrap(), status);
            assert_eq!(status.is_final(), finals.contains(&status), "{status}");
        }
    }

    #[test]
    fn refund_status_serde_round_trip_and_finality() {
        for status in RefundStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(serde_json::from_str::<RefundStatus>(&json).unwrap(), status);
            assert_eq!(status.is_final(), status != RefundStatus::Pending);
        }
    }

    #[test]
    fn open_vocabularies_round_trip_and_keep_unknown_words() {
        for kind in EventKind::KNOWN {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(&serde_json::from_str::<EventKind>(&json).unwrap(), kind);
        }
        for code in DeclineCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(&serde_json::from_str::<DeclineCode>(&json).unwrap(), code);
        }
        assert_eq!(DeclineCode::KNOWN.len(), 20);
        let other: EventKind = serde_json::from_str("\"invoice_paid\"").unwrap();
        assert_eq!(other, EventKind::Other("invoice_paid".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"invoice_paid\"");
        assert_eq!(DeclineCode::from_word("05"), DeclineCode::Other("05".into()));
    }
}
