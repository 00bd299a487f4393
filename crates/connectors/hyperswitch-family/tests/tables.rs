//! Every status word and event type the family documents, mapped.
#![allow(clippy::unwrap_used)]

use paymux_core::{EventKind, PaymentStatus, RefundStatus};
use paymux_hyperswitch_family::status::{EVENT_TYPES, PAYMENT_STATUS_WORDS, REFUND_STATUS_WORDS};
use paymux_hyperswitch_family::{event_kind, payment_status, payment_status_word, refund_status};

#[test]
fn every_payment_status_word() {
    let table = [
        ("succeeded", PaymentStatus::Succeeded),
        ("failed", PaymentStatus::Failed),
        ("cancelled", PaymentStatus::Cancelled),
        ("cancelled_post_capture", PaymentStatus::Cancelled),
        ("processing", PaymentStatus::Processing),
        ("requires_customer_action", PaymentStatus::RequiresAction),
        ("requires_merchant_action", PaymentStatus::Processing),
        ("requires_payment_method", PaymentStatus::RequiresPaymentMethod),
        ("requires_confirmation", PaymentStatus::RequiresConfirmation),
        ("requires_capture", PaymentStatus::RequiresCapture),
        ("partially_captured", PaymentStatus::Succeeded),
        ("partially_captured_and_capturable", PaymentStatus::PartiallyCaptured),
        ("partially_authorized_and_requires_capture", PaymentStatus::RequiresCapture),
        ("conflicted", PaymentStatus::Processing),
        ("expired", PaymentStatus::Expired),
        ("requires_redirection", PaymentStatus::RequiresAction),
        ("pending", PaymentStatus::Processing),
    ];
    assert_eq!(table.len(), PAYMENT_STATUS_WORDS.len());
    for (word, expected) in table {
        assert!(PAYMENT_STATUS_WORDS.contains(&word), "{word} missing from the word list");
        assert_eq!(payment_status(word), expected, "{word}");
    }
}

#[test]
fn unknown_payment_words_are_processing_never_success() {
    for word in ["", "SUCCEEDED", "authorized", "succeeded ", "brand_new_state"] {
        assert_eq!(payment_status(word), PaymentStatus::Processing, "{word:?}");
    }
}

#[test]
fn states_that_must_never_read_as_money_received() {
    for word in ["requires_merchant_action", "conflicted", "cancelled_post_capture", "pending"] {
        assert_ne!(payment_status(word), PaymentStatus::Succeeded, "{word}");
    }
}

#[test]
fn filter_words_round_trip() {
    for status in PaymentStatus::ALL {
        assert_eq!(payment_status(payment_status_word(status)), status, "{status}");
    }
}

#[test]
fn every_refund_status_word() {
    let table = [
        ("succeeded", RefundStatus::Succeeded),
        ("failed", RefundStatus::Failed),
        ("pending", RefundStatus::Pending),
        ("review", RefundStatus::Pending),
    ];
    assert_eq!(table.len(), REFUND_STATUS_WORDS.len());
    for (word, expected) in table {
        assert!(REFUND_STATUS_WORDS.contains(&word));
        assert_eq!(refund_status(word), expected, "{word}");
    }
    assert_eq!(refund_status("transaction_failure_new"), RefundStatus::Pending);
    assert_eq!(refund_status(""), RefundStatus::Pending);
}

#[test]
fn every_event_type() {
    let table = [
        ("payment_succeeded", EventKind::PaymentSucceeded),
        ("payment_failed", EventKind::PaymentFailed),
        ("payment_processing", EventKind::PaymentProcessing),
        ("payment_cancelled", EventKind::PaymentCancelled),
        ("payment_cancelled_post_capture", EventKind::PaymentCancelled),
        ("payment_authorized", EventKind::PaymentAuthorized),
        ("payment_partially_authorized", EventKind::PaymentAuthorized),
        ("payment_captured", EventKind::PaymentCaptured),
        ("payment_expired", EventKind::PaymentExpired),
        ("action_required", EventKind::PaymentActionRequired),
        ("refund_succeeded", EventKind::RefundSucceeded),
        ("refund_failed", EventKind::RefundFailed),
        ("dispute_opened", EventKind::DisputeOpened),
        ("dispute_expired", EventKind::DisputeExpired),
        ("dispute_accepted", EventKind::DisputeAccepted),
        ("dispute_cancelled", EventKind::DisputeCancelled),
        ("dispute_challenged", EventKind::DisputeChallenged),
        ("dispute_won", EventKind::DisputeWon),
        ("dispute_lost", EventKind::DisputeLost),
        ("mandate_active", EventKind::MandateActive),
        ("mandate_revoked", EventKind::MandateRevoked),
        ("payout_success", EventKind::PayoutSucceeded),
        ("payout_failed", EventKind::PayoutFailed),
        ("payout_initiated", EventKind::PayoutInitiated),
        ("payout_processing", EventKind::PayoutProcessing),
        ("payout_cancelled", EventKind::PayoutCancelled),
        ("payout_expired", EventKind::PayoutExpired),
        ("payout_reversed", EventKind::PayoutReversed),
        ("invoice_paid", EventKind::Other("invoice_paid".into())),
    ];
    assert_eq!(table.len(), EVENT_TYPES.len());
    for (word, expected) in table {
        assert!(EVENT_TYPES.contains(&word), "{word} missing from EVENT_TYPES");
        assert_eq!(event_kind(word), expected, "{word}");
    }
    assert_eq!(event_kind("subscription_created"), EventKind::Other("subscription_created".into()));
}

#[test]
fn payout_and_dispute_filters_name_every_word_that_reads_as_the_status() {
    use paymux_core::{DisputeStatus, PayoutStatus};
    use paymux_hyperswitch_family::status::{DISPUTE_STATUS_WORDS, PAYOUT_STATUS_WORDS};
    use paymux_hyperswitch_family::{
        dispute_status, dispute_status_filter, payout_status, payout_status_filter,
    };
    for status in PayoutStatus::ALL {
        let words = payout_status_filter(status);
        assert!(!words.is_empty(), "{status}");
        let expected: Vec<&str> =
            PAYOUT_STATUS_WORDS.into_iter().filter(|w| payout_status(w) == status).collect();
        assert_eq!(words, expected);
    }
    assert_eq!(payout_status_filter(PayoutStatus::Failed), ["failed", "ineligible"]);
    assert_eq!(payout_status_filter(PayoutStatus::Processing), ["initiated", "pending"]);
    assert_eq!(payout_status_filter(PayoutStatus::RequiresAction).len(), 5);
    for status in DisputeStatus::ALL {
        let words = dispute_status_filter(status);
        assert_eq!(words.len(), 1, "{status}: one word each");
        assert_eq!(dispute_status(words[0]), status);
    }
    assert_eq!(DISPUTE_STATUS_WORDS.len(), DisputeStatus::ALL.len());
}
