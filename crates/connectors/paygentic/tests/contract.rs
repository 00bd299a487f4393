//! The contract tables are tests: every row of the tables in the crate's docs is read from the
//! source and checked against the mapping function, and every word Paygentic documents has a
//! row.
#![allow(clippy::unwrap_used)]

use paymux_core::PaymentStatus;
use paymux_paygentic::{event_kind, payment_status};

/// The source file whose docs hold the tables.
const SOURCE: &str = include_str!("../src/mapping.rs");

/// The rows `/// | a | b |` of the doc table right above `pub fn <function>(`, header and
/// separator left out: (first cell, second cell).
fn table(function: &str) -> Vec<(String, String)> {
    let end = SOURCE.find(&format!("pub fn {function}(")).unwrap();
    let docs: Vec<&str> = SOURCE[..end]
        .lines()
        .rev()
        .skip(1)
        .take_while(|l| l.trim_start().starts_with("///"))
        .collect();
    let rows: Vec<(String, String)> = docs
        .iter()
        .rev()
        .filter_map(|l| l.trim_start().strip_prefix("/// |"))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            (cells[0].to_owned(), cells[1].to_owned())
        })
        .skip(2)
        .collect();
    assert!(!rows.is_empty(), "no table above {function}");
    rows
}

/// The word between backticks in a cell.
fn word(cell: &str) -> &str {
    let words: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
    assert_eq!(words.len(), 1, "{cell}");
    words[0]
}

/// The `status` enum of the `Payment` schema in Paygentic's OpenAPI document.
const DOCUMENTED_STATUSES: &[&str] =
    &["pending", "processing", "completed", "expired", "cancelled"];

#[test]
fn the_payment_status_table_is_the_mapping() {
    let rows = table("payment_status");
    for (word_cell, status_cell) in &rows {
        let url = word_cell.contains("+ paymentUrl").then_some("https://pay.paygentic.io/p/x");
        let got = payment_status(word(word_cell), url);
        assert_eq!(format!("{got:?}"), word(status_cell), "{word_cell}");
    }
    for documented in DOCUMENTED_STATUSES {
        assert!(rows.iter().any(|(w, _)| word(w) == *documented), "no row for {documented}");
    }
    for unknown in ["refunded", "COMPLETED", ""] {
        assert_eq!(payment_status(unknown, Some("https://x")), PaymentStatus::Processing);
    }
}

#[test]
fn the_event_type_table_is_the_mapping() {
    let rows = table("event_kind");
    for (word_cell, kind_cell) in &rows {
        let got = event_kind(word(word_cell));
        assert_eq!(format!("{got:?}"), word(kind_cell), "{word_cell}");
    }
    // NOTES.md decides `payment.<status>.v0` for every documented status.
    for status in DOCUMENTED_STATUSES {
        let name = format!("payment.{status}.v0");
        assert!(rows.iter().any(|(w, _)| word(w) == name), "no row for {name}");
    }
    for other in ["payment.completed.v1", "payment.a.b.v0", "invoice.paid.v0", ""] {
        assert_eq!(event_kind(other).as_str(), other);
    }
}
