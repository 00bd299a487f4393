//! The contract tables are tests: every row of the tables in the crate's docs is read from the
//! source and checked against the mapping function, and every word Paygentic documents has a
//! row.
#![allow(clippy::unwrap_used)]

use paymux_core::PaymentStatus;
use paymux_core::connector::{doc_table, ticked};
use paymux_paygentic::{event_kind, payment_status};

/// The source file whose docs hold the tables.
const SOURCE: &str = include_str!("../src/mapping.rs");

/// The rows of the doc table under `header` right above `pub fn <function>(`, header and
/// separator left out: (first cell, second cell).
fn table(function: &str, header: &str) -> Vec<(String, String)> {
    doc_table(SOURCE, &format!("pub fn {function}("), header)
        .unwrap_or_else(|| panic!("no table above {function}"))
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[1].clone()))
        .collect()
}

/// The word between backticks in a cell.
fn word(cell: &str) -> &str {
    let words = ticked(cell);
    assert_eq!(words.len(), 1, "{cell}");
    words[0]
}

/// The `status` enum of the `Payment` schema in Paygentic's OpenAPI document.
const DOCUMENTED_STATUSES: &[&str] =
    &["pending", "processing", "completed", "expired", "cancelled"];

#[test]
fn the_payment_status_table_is_the_mapping() {
    let rows = table("payment_status", "| word | status |");
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
    let rows = table("event_kind", "| event type | kind |");
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
