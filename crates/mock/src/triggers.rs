//! Test card numbers and amounts that steer the mock's outcome.
//!
//! | Trigger | Outcome on confirm |
//! |---|---|
//! | [`CARD_SUCCEEDS`] `4242424242424242`, or any unlisted card | succeeds (`Succeeded`, or `RequiresCapture` in manual capture) |
//! | [`CARD_DECLINED`] `4000000000000002` | `Failed`, [`DeclineCode::CardDeclined`] |
//! | [`CARD_INSUFFICIENT_FUNDS`] `4000000000009995` | `Failed`, [`DeclineCode::InsufficientFunds`] |
//! | [`CARD_EXPIRED`] `4000000000000069` | `Failed`, [`DeclineCode::ExpiredCard`] |
//! | [`CARD_INCORRECT_CVC`] `4000000000000127` | `Failed`, [`DeclineCode::IncorrectCvc`] |
//! | [`CARD_PROCESSING_ERROR`] `4000000000000119` | `Failed`, [`DeclineCode::ProcessingError`] |
//! | [`CARD_FRAUD`] `4100000000000019` | `Failed`, [`DeclineCode::FraudSuspected`] |
//! | [`CARD_3DS`] `4000000000003220` | `RequiresAction` (redirect to `…/3ds/{id}`); the next `confirm_payment` succeeds |
//! | [`CARD_3DS_THEN_DECLINED`] `4000008400001629` | `RequiresAction`; the next `confirm_payment` fails with `CardDeclined` |
//! | [`PaymentMethod::HostedPage`] | `RequiresAction` (redirect to `…/checkout/{id}`); the next `confirm_payment` completes it |
//! | amount [`AMOUNT_DECLINED`] (`100002` minor units) | `Failed`, `CardDeclined` |
//! | amount [`AMOUNT_INSUFFICIENT_FUNDS`] (`109995`) | `Failed`, `InsufficientFunds` |
//! | amount [`AMOUNT_REQUIRES_ACTION`] (`103220`) | like [`CARD_3DS`] |
//!
//! Amount triggers apply in any currency, to payments made with a succeeding card (4242 or
//! unlisted) or a hosted page; a card trigger wins over an amount trigger.
//!
//! A payout to a card that declines payments fails the same way (`Failed` with that code);
//! to any other card, or without a card, it is `Processing` until the test settles it.

use paymux_core::{DeclineCode, ExposeSecret, Money, PaymentId, PaymentMethod};

/// Succeeds; so does every card number not listed in this module.
pub const CARD_SUCCEEDS: &str = "4242424242424242";
/// Declined with [`DeclineCode::CardDeclined`].
pub const CARD_DECLINED: &str = "4000000000000002";
/// Declined with [`DeclineCode::InsufficientFunds`].
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Declined with [`DeclineCode::ExpiredCard`].
pub const CARD_EXPIRED: &str = "4000000000000069";
/// Declined with [`DeclineCode::IncorrectCvc`].
pub const CARD_INCORRECT_CVC: &str = "4000000000000127";
/// Declined with [`DeclineCode::ProcessingError`].
pub const CARD_PROCESSING_ERROR: &str = "4000000000000119";
/// Declined with [`DeclineCode::FraudSuspected`].
pub const CARD_FRAUD: &str = "4100000000000019";
/// Requires 3-D Secure (`RequiresAction` with a redirect), then succeeds on `confirm_payment`.
pub const CARD_3DS: &str = "4000000000003220";
/// Requires 3-D Secure, then is declined ([`DeclineCode::CardDeclined`]) on `confirm_payment`.
pub const CARD_3DS_THEN_DECLINED: &str = "4000008400001629";

/// An amount (minor units, any currency) declined with [`DeclineCode::CardDeclined`].
pub const AMOUNT_DECLINED: i64 = 100_002;
/// An amount (minor units, any currency) declined with [`DeclineCode::InsufficientFunds`].
pub const AMOUNT_INSUFFICIENT_FUNDS: i64 = 109_995;
/// An amount (minor units, any currency) that requires 3-D Secure, then succeeds.
pub const AMOUNT_REQUIRES_ACTION: i64 = 103_220;

/// Base of the redirect URLs in `NextAction::Redirect`.
pub const REDIRECT_BASE: &str = "https://mock.paymux.invalid";

/// Which customer step a payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirect {
    ThreeDs,
    HostedPage,
}

impl Redirect {
    pub(crate) fn url(self, id: &PaymentId) -> String {
        let path = match self {
            Redirect::ThreeDs => "3ds",
            Redirect::HostedPage => "checkout",
        };
        format!("{REDIRECT_BASE}/{path}/{id}")
    }
}

/// What happens when a payment with this method is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Plan {
    /// A customer step first, if any.
    pub(crate) redirect: Option<Redirect>,
    /// The decline after any customer step; `None` succeeds.
    pub(crate) decline: Option<DeclineCode>,
}

/// The plan for a payment method and amount, per the table in the module docs.
pub(crate) fn plan(method: &PaymentMethod, amount: &Money) -> Plan {
    let by_amount = amount_plan(amount.amount_minor());
    match method {
        PaymentMethod::Card(card) => {
            card_plan(paymux_core::connector::card_number(card).expose_secret())
                .unwrap_or(by_amount)
        }
        PaymentMethod::HostedPage => Plan { redirect: Some(Redirect::HostedPage), ..by_amount },
        _ => by_amount,
    }
}

/// Why a payout to `card` fails, if its number is a declining test card.
pub(crate) fn payout_decline(card: &paymux_core::Card) -> Option<DeclineCode> {
    card_plan(paymux_core::connector::card_number(card).expose_secret())
        .and_then(|plan| if plan.redirect.is_none() { plan.decline } else { None })
}

fn card_plan(number: &str) -> Option<Plan> {
    let decline = |code| Some(Plan { redirect: None, decline: Some(code) });
    match number {
        CARD_DECLINED => decline(DeclineCode::CardDeclined),
        CARD_INSUFFICIENT_FUNDS => decline(DeclineCode::InsufficientFunds),
        CARD_EXPIRED => decline(DeclineCode::ExpiredCard),
        CARD_INCORRECT_CVC => decline(DeclineCode::IncorrectCvc),
        CARD_PROCESSING_ERROR => decline(DeclineCode::ProcessingError),
        CARD_FRAUD => decline(DeclineCode::FraudSuspected),
        CARD_3DS => Some(Plan { redirect: Some(Redirect::ThreeDs), decline: None }),
        CARD_3DS_THEN_DECLINED => Some(Plan {
            redirect: Some(Redirect::ThreeDs),
            decline: Some(DeclineCode::CardDeclined),
        }),
        _ => None,
    }
}

fn amount_plan(minor: i64) -> Plan {
    match minor {
        AMOUNT_DECLINED => Plan { redirect: None, decline: Some(DeclineCode::CardDeclined) },
        AMOUNT_INSUFFICIENT_FUNDS => {
            Plan { redirect: None, decline: Some(DeclineCode::InsufficientFunds) }
        }
        AMOUNT_REQUIRES_ACTION => Plan { redirect: Some(Redirect::ThreeDs), decline: None },
        _ => Plan::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paymux_core::{Card, Currency};

    fn card(number: &str) -> PaymentMethod {
        PaymentMethod::Card(Card::new(number, 12, 2030, "123").unwrap())
    }

    #[test]
    fn card_trigger_wins_over_amount_trigger() {
        let declined_amount = Money::from_minor(AMOUNT_DECLINED, Currency::USD).unwrap();
        let p = plan(&card(CARD_INSUFFICIENT_FUNDS), &declined_amount);
        assert_eq!(p.decline, Some(DeclineCode::InsufficientFunds));
        let p = plan(&card(CARD_SUCCEEDS), &declined_amount);
        assert_eq!(p.decline, Some(DeclineCode::CardDeclined));
        let p = plan(&PaymentMethod::HostedPage, &declined_amount);
        assert_eq!(p.redirect, Some(Redirect::HostedPage));
        assert_eq!(p.decline, Some(DeclineCode::CardDeclined));
    }
}
