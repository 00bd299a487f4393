//! Exact money: an integer count of the currency's minor unit plus an ISO 4217 currency.

use std::fmt;
use std::sync::OnceLock;

use iso_currency::{Currency, IntoEnumIterator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why an amount could not become [`Money`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The amount carries more decimal places than the currency has (e.g. `10.005 USD`).
    #[error("{amount} has more decimal places than {currency} allows ({exponent})")]
    TooManyDecimals {
        /// The amount as given.
        amount: Decimal,
        /// The currency's ISO code.
        currency: &'static str,
        /// Decimal places the currency has.
        exponent: u16,
    },
    /// Amounts in paymux are never negative; a refund is its own resource, not a negative payment.
    #[error("amount must not be negative, got {0}")]
    Negative(Decimal),
    /// The amount does not fit in an `i64` of minor units.
    #[error("amount overflows the minor-unit range")]
    Overflow,
    /// The currency has no minor unit (precious metals, testing and fund codes such as XAU, XXX).
    #[error("{0} has no minor unit and cannot be used for payments")]
    NoMinorUnit(&'static str),
    /// The text is not a plain decimal amount (`"10.50"`, `"1000"`).
    #[error("{0:?} is not a decimal amount (digits with at most one '.')")]
    Unreadable(String),
    /// The currency code is not an ISO 4217 code.
    #[error("unknown currency code {0:?}")]
    UnknownCurrency(String),
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {0} vs {1}")]
    CurrencyMismatch(&'static str, &'static str),
}

/// An exact, non-negative amount of money in a currency's minor unit.
///
/// The number of decimals ("exponent") comes from ISO 4217: JPY and CLP have 0, USD 2, KWD 3.
/// Floats never appear: convert from major units with [`Money::from_major`].
///
/// ```
/// use paymux_core::{Money, Currency};
/// use rust_decimal::Decimal;
///
/// let m = Money::from_major(Decimal::new(1050, 2), Currency::USD).unwrap();
/// assert_eq!(m.amount_minor(), 1050);
/// assert_eq!(m.to_string(), "10.50 USD");
/// assert!(Money::from_major(Decimal::new(10005, 3), Currency::USD).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount_minor: i64,
    currency: Currency,
}

impl TryFrom<MoneyRepr> for Money {
    type Error = MoneyError;
    fn try_from(r: MoneyRepr) -> Result<Self, MoneyError> {
        Money::from_minor(r.amount_minor, r.currency)
    }
}

impl From<Money> for MoneyRepr {
    fn from(m: Money) -> Self {
        MoneyRepr { amount_minor: m.amount_minor, currency: m.currency }
    }
}

/// An amount exactly as a gateway stated it, in the currency code it used, for figures
/// [`Money`] cannot hold: a currency outside ISO 4217 (a cryptocurrency symbol such as `BTC`)
/// or more decimals than ISO 4217 gives the currency (`10.125 EUR`).
///
/// It is a record of what the gateway said, not money to compute with: there is no
/// arithmetic on it, and the code is not checked against any list.
///
/// ```
/// use paymux_core::{Decimal, GatewayAmount};
/// let btc = GatewayAmount::new(Decimal::new(12345, 8), "BTC");
/// assert_eq!(btc.to_string(), "0.00012345 BTC");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GatewayAmount {
    /// The figure, with every decimal the gateway sent.
    pub value: Decimal,
    /// The currency code as the gateway wrote it.
    pub currency: String,
}

impl GatewayAmount {
    /// The gateway's `value` in its `currency`.
    pub fn new(value: Decimal, currency: impl Into<String>) -> Self {
        GatewayAmount { value, currency: currency.into() }
    }

    /// The same amount as [`Money`], where `Money` holds it exactly: an ISO 4217 currency (in
    /// any letter case) with a minor unit, and no more decimals than it has.
    ///
    /// ```
    /// use paymux_core::{Currency, Decimal, GatewayAmount, Money};
    /// let eur = GatewayAmount::new(Decimal::new(1050, 2), "EUR");
    /// assert_eq!(eur.to_money()?, Money::from_minor(1050, Currency::EUR)?);
    /// assert!(GatewayAmount::new(Decimal::new(10125, 3), "EUR").to_money().is_err());
    /// assert!(GatewayAmount::new(Decimal::new(12345, 8), "BTC").to_money().is_err());
    /// # Ok::<(), paymux_core::MoneyError>(())
    /// ```
    pub fn to_money(&self) -> Result<Money, MoneyError> {
        Money::from_major(self.value, parse_currency(&self.currency)?)
    }
}

impl fmt::Display for GatewayAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.currency)
    }
}

/// The number of decimal places of `currency`, or an error for currencies without a minor unit.
pub fn currency_exponent(currency: Currency) -> Result<u16, MoneyError> {
    currency.exponent().ok_or(MoneyError::NoMinorUnit(currency.code()))
}

/// Parses an ISO 4217 code in any letter case (`"usd"`, `"USD"`).
pub fn parse_currency(code: &str) -> Result<Currency, MoneyError> {
    // Every gateway answer carries a currency, so this is on the hot path: a binary search
    // over a table sorted once, instead of upper-casing into a new String and walking
    // `Currency::from_code`'s ~180 string comparisons.
    static BY_CODE: OnceLock<Vec<([u8; 3], Currency)>> = OnceLock::new();
    let table = BY_CODE.get_or_init(|| {
        let mut table: Vec<([u8; 3], Currency)> = Currency::iter()
            .filter_map(|c| Some((c.code().as_bytes().try_into().ok()?, c)))
            .collect();
        table.sort_unstable_by_key(|(code, _)| *code);
        table
    });
    let found = <[u8; 3]>::try_from(code.as_bytes()).ok().and_then(|key| {
        let key = key.map(|b| b.to_ascii_uppercase());
        let i = table.binary_search_by_key(&key, |(code, _)| *code).ok()?;
        table.get(i).map(|(_, c)| *c)
    });
    found.ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
}

impl Money {
    /// Money from a count of minor units (cents for USD, yen for JPY, fils for KWD).
    pub fn from_minor(amount_minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        currency_exponent(currency)?;
        if amount_minor < 0 {
            return Err(MoneyError::Negative(Decimal::from(amount_minor)));
        }
        Ok(Money { amount_minor, currency })
    }

    /// Money from an amount in major units, exactly: refuses more decimals than the currency
    /// has instead of rounding (`10.005 USD` is an error, `10.50 USD` is 1050 cents).
    pub fn from_major(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let exponent = currency_exponent(currency)?;
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative(amount));
        }
        let places = u32::from(exponent);
        // amount = mantissa / 10^scale, so minor = mantissa * 10^(exponent - scale): integer
        // arithmetic, exact, and far less code on every gateway answer than Decimal's
        // normalize / multiply / convert.
        let (mut mantissa, mut scale) = (amount.mantissa().unsigned_abs(), amount.scale());
        // Trailing zeros are not extra decimals: `10.5000 USD` is 1050 cents.
        while scale > places && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        if scale > places {
            return Err(MoneyError::TooManyDecimals {
                amount,
                currency: currency.code(),
                exponent,
            });
        }
        let minor = mantissa
            .checked_mul(10_u128.pow(places - scale))
            .and_then(|m| i64::try_from(m).ok())
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { amount_minor: minor, currency })
    }

    /// Money from decimal text in major units, as gateways write amounts (`"10.50"`,
    /// `"1000"`): ASCII digits with at most one `.` between digits. No sign, exponent,
    /// separator or space is accepted (`Decimal::from_str` takes `"1_000"`, which no gateway
    /// means). Exact like [`Money::from_major`]: more decimals than the currency has are
    /// refused unless they are trailing zeros.
    ///
    /// ```
    /// use paymux_core::{Currency, Money, MoneyError};
    ///
    /// assert_eq!(Money::parse_major("10.50", Currency::USD)?.amount_minor(), 1050);
    /// assert_eq!(Money::parse_major("1000", Currency::JPY)?.amount_minor(), 1000);
    /// assert_eq!(Money::parse_major("10.5000", Currency::USD)?.amount_minor(), 1050);
    /// assert!(matches!(
    ///     Money::parse_major("10.005", Currency::USD),
    ///     Err(MoneyError::TooManyDecimals { .. })
    /// ));
    /// for bad in ["", "-1", "1e3", "1_000", " 1", "1.", ".5", "1.2.3"] {
    ///     assert!(matches!(Money::parse_major(bad, Currency::USD), Err(MoneyError::Unreadable(_))));
    /// }
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let exponent = currency_exponent(currency)?;
        let places = usize::from(exponent);
        let unreadable = || MoneyError::Unreadable(text.to_owned());
        let (whole, fraction) = match text.split_once('.') {
            Some((_, "")) => return Err(unreadable()),
            Some(parts) => parts,
            None => (text, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(unreadable());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > places {
            // Error path only: the Decimal is for the message.
            return match text.parse::<Decimal>() {
                Ok(amount) => {
                    Err(MoneyError::TooManyDecimals { amount, currency: currency.code(), exponent })
                }
                Err(_) => Err(unreadable()),
            };
        }
        let padding = std::iter::repeat_n(b'0', places - fraction.len());
        let mut minor: i64 = 0;
        for digit in whole.bytes().chain(fraction.bytes()).chain(padding) {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(digit - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        Ok(Money { amount_minor: minor, currency })
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Result<Self, MoneyError> {
        Self::from_minor(0, currency)
    }

    /// The amount in minor units.
    pub fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The currency's decimal places.
    pub fn exponent(&self) -> u16 {
        // Construction guarantees the currency has an exponent.
        self.currency.exponent().unwrap_or(0)
    }

    /// The amount in major units with exactly the currency's number of decimals (`10.50`).
    pub fn to_major(&self) -> Decimal {
        Decimal::new(self.amount_minor, u32::from(self.exponent()))
    }

    /// The amount in major units as text with exactly the currency's number of decimals, the
    /// way gateways read amounts: `"10.50"` for 1050 USD cents, `"1000"` for 1000 JPY.
    ///
    /// ```
    /// use paymux_core::{Currency, Money};
    ///
    /// assert_eq!(Money::from_minor(1050, Currency::USD)?.to_major_string(), "10.50");
    /// assert_eq!(Money::from_minor(7, Currency::KWD)?.to_major_string(), "0.007");
    /// assert_eq!(Money::from_minor(1000, Currency::JPY)?.to_major_string(), "1000");
    /// # Ok::<(), paymux_core::MoneyError>(())
    /// ```
    pub fn to_major_string(&self) -> String {
        MajorAmount(*self).to_string()
    }

    /// `true` when the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount_minor == 0
    }

    /// Sum of two amounts in the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self.amount_minor.checked_add(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Money::from_minor(sum, self.currency)
    }

    /// Difference of two amounts in the same currency; refuses to go below zero.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let diff = self.amount_minor.checked_sub(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Money::from_minor(diff, self.currency)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency.code(), other.currency.code()))
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", MajorAmount(*self), self.currency.code())
    }
}

/// Writes the major-unit amount from the integer, with the currency's decimals.
struct MajorAmount(Money);

impl fmt::Display for MajorAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.0.exponent();
        // Money is never negative; `unsigned_abs` keeps this total anyway.
        let minor = self.0.amount_minor.unsigned_abs();
        if exponent == 0 {
            return write!(f, "{minor}");
        }
        let unit = 10_u64.pow(u32::from(exponent));
        let places = usize::from(exponent);
        write!(f, "{}.{:0places$}", minor / unit, minor % unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn explicit_currencies() {
        let usd = Money::from_major(dec("10.50"), Currency::USD).unwrap();
        assert_eq!(usd.amount_minor(), 1050);
        assert_eq!(usd.to_string(), "10.50 USD");
        let jpy = Money::from_major(dec("1000"), Currency::JPY).unwrap();
        assert_eq!(jpy.amount_minor(), 1000);
        assert_eq!(jpy.to_string(), "1000 JPY");
        assert!(Money::from_major(dec("1000.5"), Currency::JPY).is_err());
        let kwd = Money::from_major(dec("1.234"), Currency::KWD).unwrap();
        assert_eq!(kwd.amount_minor(), 1234);
        assert_eq!(kwd.to_string(), "1.234 KWD");
        assert!(matches!(
            Money::from_major(dec("1.2345"), Currency::KWD),
            Err(MoneyError::TooManyDecimals { exponent: 3, .. })
        ));
        let clp = Money::from_major(dec("5000"), Currency::CLP).unwrap();
        assert_eq!(clp.amount_minor(), 5000);
        assert!(Money::from_major(dec("0.1"), Currency::CLP).is_err());
    }

    #[test]
    fn trailing_zeros_are_not_extra_decimals() {
        let m = Money::from_major(dec("10.5000"), Currency::USD).unwrap();
        assert_eq!(m.amount_minor(), 1050);
        assert_eq!(m.to_major().to_string(), "10.50");
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(
            Money::from_major(dec("-1.00"), Currency::USD),
            Err(MoneyError::Negative(dec("-1.00")))
        );
        assert!(matches!(Money::from_minor(-5, Currency::USD), Err(MoneyError::Negative(_))));
        assert_eq!(Money::from_major(dec("1"), Currency::XAU), Err(MoneyError::NoMinorUnit("XAU")));
        assert_eq!(Money::from_minor(1, Currency::XXX), Err(MoneyError::NoMinorUnit("XXX")));
        assert_eq!(
            Money::from_major(dec("100000000000000000"), Currency::USD),
            Err(MoneyError::Overflow)
        );
        let max = Money::from_minor(i64::MAX, Currency::USD).unwrap();
        let one = Money::from_minor(1, Currency::USD).unwrap();
        assert_eq!(max.checked_add(one), Err(MoneyError::Overflow));
        assert!(one.checked_sub(max).is_err());
        let eur = Money::from_minor(1, Currency::EUR).unwrap();
        assert_eq!(one.checked_add(eur), Err(MoneyError::CurrencyMismatch("USD", "EUR")));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let m = Money::from_minor(1050, Currency::USD).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount_minor":1050,"currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Money>(r#"{"amount_minor":-1,"currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount_minor":1,"currency":"XAU"}"#).is_err());
    }

    #[test]
    fn currency_codes_parse_in_any_case() {
        assert_eq!(parse_currency("eur").unwrap(), Currency::EUR);
        assert_eq!(parse_currency("USD").unwrap(), Currency::USD);
        assert!(matches!(parse_currency("zzz"), Err(MoneyError::UnknownCurrency(_))));
        for bad in ["", "US", "USDD", "U$D", "€UR"] {
            assert!(matches!(parse_currency(bad), Err(MoneyError::UnknownCurrency(_))), "{bad}");
        }
        // The lookup table agrees with iso_currency for every currency, in both cases.
        for c in Currency::iter() {
            assert_eq!(parse_currency(c.code()).unwrap(), c);
            assert_eq!(parse_currency(&c.code().to_ascii_lowercase()).unwrap(), c);
        }
    }

    fn currencies_with_minor_unit() -> Vec<Currency> {
        use iso_currency::IntoEnumIterator;
        Currency::iter().filter(|c| c.exponent().is_some()).collect()
    }

    /// The Decimal arithmetic `from_major` had before its integer version: the reference the
    /// integer version must agree with.
    fn from_major_reference(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let exponent = currency_exponent(currency)?;
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative(amount));
        }
        let normalized = amount.normalize();
        if normalized.scale() > u32::from(exponent) {
            return Err(MoneyError::TooManyDecimals {
                amount,
                currency: currency.code(),
                exponent,
            });
        }
        let factor = Decimal::from(10_i64.pow(u32::from(exponent)));
        let minor = normalized.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
        Money::from_minor(minor, currency)
    }

    #[test]
    fn decimal_text_is_read_strictly() {
        let usd = |t| Money::parse_major(t, Currency::USD);
        assert_eq!(usd("10.50").unwrap().amount_minor(), 1050);
        assert_eq!(usd("0").unwrap().amount_minor(), 0);
        assert_eq!(usd("007.5").unwrap().amount_minor(), 750);
        assert_eq!(usd("92233720368547758.07").unwrap().amount_minor(), i64::MAX);
        assert_eq!(usd("92233720368547758.08"), Err(MoneyError::Overflow));
        assert_eq!(
            usd("1.001"),
            Err(MoneyError::TooManyDecimals { amount: dec("1.001"), currency: "USD", exponent: 2 })
        );
        assert_eq!(Money::parse_major("1", Currency::XAU), Err(MoneyError::NoMinorUnit("XAU")));
        for bad in ["", ".", "+1", "-0", "1e2", "1E2", "1,00", "1_0", "1.0 ", "٣", "0x10", "1..0"]
        {
            assert_eq!(usd(bad), Err(MoneyError::Unreadable(bad.to_owned())), "{bad:?}");
        }
    }

    #[test]
    fn major_text_has_the_currency_decimals() {
        for c in currencies_with_minor_unit() {
            for minor in [0, 1, 9, 10, 99, 100, 1050, 123_456_789, i64::MAX] {
                let m = Money::from_minor(minor, c).unwrap();
                assert_eq!(m.to_major_string(), m.to_major().to_string(), "{minor} {}", c.code());
            }
        }
        assert_eq!(Money::from_minor(5, Currency::USD).unwrap().to_string(), "0.05 USD");
    }

    proptest! {
        #[test]
        fn from_major_agrees_with_decimal_arithmetic(
            idx in any::<prop::sample::Index>(),
            mantissa in any::<i64>(),
            wide in any::<bool>(),
            scale in 0_u32..=28,
        ) {
            let all = currencies_with_minor_unit();
            let currency = *idx.get(&all);
            // Beyond i64 too: Decimal holds 96 bits.
            let mantissa = if wide { i128::from(mantissa) << 30 } else { i128::from(mantissa) };
            let amount = Decimal::from_i128_with_scale(mantissa, scale);
            prop_assert_eq!(
                Money::from_major(amount, currency),
                from_major_reference(amount, currency)
            );
        }

        #[test]
        fn parse_major_agrees_with_decimal_parsing(
            idx in any::<prop::sample::Index>(),
            text in "[0-9]{1,22}(\\.[0-9]{1,6})?",
        ) {
            let all = currencies_with_minor_unit();
            let currency = *idx.get(&all);
            let decimal = Decimal::from_str(&text).unwrap();
            prop_assert_eq!(
                Money::parse_major(&text, currency),
                from_major_reference(decimal, currency)
            );
        }

        #[test]
        fn parse_major_reads_what_to_major_string_writes(
            idx in any::<prop::sample::Index>(),
            minor in 0_i64..=i64::MAX,
        ) {
            let all = currencies_with_minor_unit();
            let currency = *idx.get(&all);
            let m = Money::from_minor(minor, currency).unwrap();
            prop_assert_eq!(Money::parse_major(&m.to_major_string(), currency), Ok(m));
        }

        #[test]
        fn parse_major_never_panics(text in "\\PC{0,30}") {
            let _ = Money::parse_major(&text, Currency::USD);
        }

        #[test]
        fn major_minor_round_trip(idx in any::<prop::sample::Index>(), minor in 0_i64..=i64::MAX) {
            let all = currencies_with_minor_unit();
            let currency = *idx.get(&all);
            let m = Money::from_minor(minor, currency).unwrap();
            prop_assert_eq!(Money::from_major(m.to_major(), currency).unwrap(), m);
            prop_assert_eq!(m.to_major().scale(), u32::from(m.exponent()));
        }

        #[test]
        fn extra_decimals_refused(idx in any::<prop::sample::Index>(), mantissa in 1_i64..1_000_000_000, last in 1_i64..10) {
            let all = currencies_with_minor_unit();
            let currency = *idx.get(&all);
            let exp = u32::from(currency.exponent().unwrap());
            // One more decimal than allowed, with a non-zero last digit.
            let value = Decimal::new(mantissa * 10 + last, exp + 1);
            prop_assert!(
                matches!(
                    Money::from_major(value, currency),
                    Err(MoneyError::TooManyDecimals { .. })
                ),
                "value {} currency {}", value, currency.code()
            );
        }
    }
}
