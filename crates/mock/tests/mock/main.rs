//! Behaviour tests of the mock, one binary.

mod harness;
mod payments;
mod payouts;
mod refunds;
mod webhooks;

use paymux_core::{Card, CreatePayment, Currency, Money};

/// `minor` US cents.
pub fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD).expect("valid amount")
}

/// A valid card with `number`.
pub fn card(number: &str) -> Card {
    Card::new(number, 12, 2030, "123").expect("valid card")
}

/// A one-step automatic payment of `minor` cents with `number`.
pub fn pay(minor: i64, number: &str) -> CreatePayment {
    CreatePayment::new(usd(minor)).with_card(card(number))
}
