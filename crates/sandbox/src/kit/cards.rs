//! Test cards: the Luhn check, the brand, and what an answer may show of a number.

/// Whether `number` (digits only) passes the Luhn check.
pub fn luhn(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in number.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A plausible card number: 12 to 19 digits passing the Luhn check.
pub fn valid_number(number: &str) -> bool {
    (12..=19).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit()) && luhn(number)
}

/// A card's network, from its first digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    /// 4...
    Visa,
    /// 2..., 5...
    Mastercard,
    /// 34..., 37...
    Amex,
    /// 6...
    Discover,
    /// Anything else.
    Unknown,
}

/// The brand of `number`.
pub fn brand(number: &str) -> Brand {
    let b = number.as_bytes();
    match b.first() {
        Some(b'4') => Brand::Visa,
        Some(b'2' | b'5') => Brand::Mastercard,
        Some(b'3') if matches!(b.get(1), Some(b'4' | b'7')) => Brand::Amex,
        Some(b'6') => Brand::Discover,
        _ => Brand::Unknown,
    }
}

/// The last four digits.
pub fn last4(number: &str) -> &str {
    number.get(number.len().saturating_sub(4)..).unwrap_or("")
}

/// `400000***0002` (first six and last four).
pub fn masked(number: &str) -> String {
    match (number.get(..6), number.len() > 10) {
        (Some(head), true) => format!("{head}***{}", last4(number)),
        _ => "***".to_owned(),
    }
}

/// Digits only (spaces and dashes dropped).
pub fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        assert!(luhn("4242424242424242") && !luhn("4242424242424241"));
        assert!(valid_number("4000000000003220") && !valid_number("42"));
        assert_eq!(brand("5555000000000008"), Brand::Mastercard);
        assert_eq!(brand("378282246310005"), Brand::Amex);
        assert_eq!(masked("4000000000000002"), "400000***0002");
        assert_eq!(last4("4242424242424242"), "4242");
    }
}
