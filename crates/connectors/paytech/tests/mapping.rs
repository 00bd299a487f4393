//! Table tests of every state word and of the decline-code table.
#![allow(clippy::unwrap_used)]

use paymux_core::{DeclineCode, PaymentStatus, PayoutStatus, RefundStatus};
use paymux_paytech::{decline_code, payment_status, payout_status, refund_status};

#[test]
fn every_payment_state_is_mapped() {
    for (state, code, status) in [
        ("CHECKOUT", None, PaymentStatus::RequiresAction),
        ("PENDING", None, PaymentStatus::Processing),
        ("AWAITING_APPROVAL", None, PaymentStatus::Processing),
        ("AUTHORIZED", None, PaymentStatus::RequiresCapture),
        ("COMPLETED", None, PaymentStatus::Succeeded),
        ("DECLINED", Some("4.01"), PaymentStatus::Failed),
        ("CANCELLED", None, PaymentStatus::Cancelled),
        ("CANCELLED", Some("2.00"), PaymentStatus::Cancelled),
        ("CANCELLED", Some("1.04"), PaymentStatus::Expired),
        // Unknown words are never final.
        ("REVERSED", None, PaymentStatus::Processing),
        ("completed", None, PaymentStatus::Processing),
        ("", None, PaymentStatus::Processing),
    ] {
        assert_eq!(payment_status(state, code), status, "{state} {code:?}");
    }
}

#[test]
fn every_refund_state_is_mapped() {
    for (state, status) in [
        ("CHECKOUT", RefundStatus::Pending),
        ("PENDING", RefundStatus::Pending),
        ("AWAITING_APPROVAL", RefundStatus::Pending),
        ("AUTHORIZED", RefundStatus::Pending),
        ("COMPLETED", RefundStatus::Succeeded),
        ("DECLINED", RefundStatus::Failed),
        ("CANCELLED", RefundStatus::Cancelled),
        ("SOMETHING_NEW", RefundStatus::Pending),
    ] {
        assert_eq!(refund_status(state), status, "{state}");
    }
}

#[test]
fn every_withdrawal_state_is_a_payout_status() {
    for (state, status) in [
        ("CHECKOUT", PayoutStatus::RequiresAction),
        ("PENDING", PayoutStatus::Processing),
        ("AWAITING_APPROVAL", PayoutStatus::RequiresAction),
        ("AUTHORIZED", PayoutStatus::Processing),
        ("COMPLETED", PayoutStatus::Succeeded),
        ("DECLINED", PayoutStatus::Failed),
        ("CANCELLED", PayoutStatus::Cancelled),
        // Unknown words are never final.
        ("SOMETHING_NEW", PayoutStatus::Processing),
        ("completed", PayoutStatus::Processing),
    ] {
        assert_eq!(payout_status(state), status, "{state}");
    }
    assert!(!payout_status("AWAITING_APPROVAL").is_final());
    assert!(payout_status("CANCELLED").is_final());
}

#[test]
fn decline_code_table() {
    use DeclineCode as D;
    for (code, expected) in [
        ("1.00", Some(D::ProcessingError)),
        ("1.03", Some(D::ProcessingError)),
        ("1.04", None),
        ("1.05", Some(D::ConfigError)),
        ("1.08", Some(D::InvalidAmount)),
        ("1.09", Some(D::UnsupportedFeature)),
        ("1.10", Some(D::InsufficientFunds)),
        ("2.00", None),
        ("3.00", Some(D::CardDeclined)),
        ("3.01", Some(D::FraudSuspected)),
        ("3.03", Some(D::ProcessingError)),
        ("3.09", Some(D::AuthenticationRequired)),
        // A duplicate is not a decline of the card, and no shared code says "duplicate".
        ("3.16", None),
        ("3.17", Some(D::ConfigError)),
        // Cancelled or abandoned: nobody declined, like 2.00.
        ("3.18", None),
        ("3.19", Some(D::FraudSuspected)),
        ("3.27", Some(D::InvalidAmount)),
        ("3.28", Some(D::InvalidAmount)),
        ("4.00", Some(D::CardDeclined)),
        ("4.01", Some(D::InsufficientFunds)),
        ("4.02", Some(D::CardDeclined)),
        ("4.03", Some(D::IncorrectNumber)),
        ("4.04", Some(D::InvalidExpiryDate)),
        ("4.06", Some(D::PickUpCard)),
        ("4.07", Some(D::IncorrectCvc)),
        ("4.09", Some(D::FraudSuspected)),
        ("4.11", Some(D::IncorrectAddress)),
        ("4.13", Some(D::InvalidNumber)),
        ("4.14", Some(D::IncorrectPin)),
        ("4.15", Some(D::ProcessingError)),
        ("5.00", Some(D::CardDeclined)),
        ("5.01", Some(D::ProcessingError)),
        ("6.00", Some(D::FraudSuspected)),
        ("6.06", Some(D::InvalidAmount)),
        ("6.15", Some(D::UnsupportedFeature)),
        ("6.53", Some(D::FraudSuspected)),
        ("7.00", Some(D::FraudSuspected)),
        ("7.01", Some(D::ProcessingError)),
        ("8.00", None),
        // Codes added later fall back to their family.
        ("4.99", Some(D::CardDeclined)),
        ("6.99", Some(D::FraudSuspected)),
        ("9.00", None),
        ("garbage", None),
    ] {
        assert_eq!(decline_code(code), expected, "{code}");
    }
}
