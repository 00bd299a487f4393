//! Both directions between the core and Paynectra's wire, the one place a request field or a
//! status word is mapped: [`request`] (core requests -> bodies and queries, checked before
//! anything is sent) and [`response`] (answers, status words and errors -> core).

mod request;
mod response;

pub use request::*;
pub use response::*;

/// Metadata key that carries the core `merchant_reference` (Paynectra has no such field).
pub const MERCHANT_REFERENCE_KEY: &str = "merchant_reference";
/// Metadata key that carries the core `merchant_refund_id` (Paynectra has no such field).
pub const MERCHANT_REFUND_ID_KEY: &str = "merchant_refund_id";

#[cfg(test)]
mod tests {
    use paymux_core::{Currency, ErrorKind};

    use super::*;

    #[test]
    fn phones_split_on_the_country_code() {
        let us = phone_from_e164("+16502530000").unwrap();
        assert_eq!((us.country_code.as_str(), us.number.as_str()), ("+1", "6502530000"));
        let uk = phone_from_e164("+447911123456").unwrap();
        assert_eq!((uk.country_code.as_str(), uk.number.as_str()), ("+44", "7911123456"));
        let ie = phone_from_e164("+353861234567").unwrap();
        assert_eq!((ie.country_code.as_str(), ie.number.as_str()), ("+353", "861234567"));
        assert!(phone_from_e164("6502530000").is_none());
    }

    #[test]
    fn currency_is_lowercase_on_the_wire_and_any_case_back() {
        assert_eq!(currency_to_wire(Currency::USD), "usd");
        assert_eq!(money(100, "eur").unwrap().currency(), Currency::EUR);
        assert_eq!(money(100, "zzz").unwrap_err().kind(), ErrorKind::InvalidResponse);
    }
}
