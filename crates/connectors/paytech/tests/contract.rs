//! The tables are tests: every row of the connector's doc tables (status words, event kinds,
//! decline codes) is checked against the mapping function it documents, and every word the
//! spec documents (`tests/fixtures/documented_words.json`, made from the published spec by
//! `tests/fixtures/make_documented_words.py`) has a row.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use paymux_core::connector::{self, ticked};
use paymux_core::{PaymentStatus, PayoutStatus, RefundStatus};
use paymux_paytech::webhook::event_kind;
use paymux_paytech::{decline_code, payment_status, payout_status, refund_status};
use serde_json::Value;

const MAPPING: &str = include_str!("../src/mapping/response.rs");
const WEBHOOK: &str = include_str!("../src/webhook.rs");

fn documented() -> Value {
    serde_json::from_str(include_str!("fixtures/documented_words.json")).unwrap()
}

fn documented_words(key: &str) -> Vec<String> {
    documented()[key].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_owned()).collect()
}

/// The data rows (as cells) of the doc table under `header` right above `item`.
fn doc_table(source: &str, item: &str, header: &str) -> Vec<Vec<String>> {
    connector::doc_table(source, item, header)
        .unwrap_or_else(|| panic!("{item}: no rows under {header}"))
}

/// The word a state cell maps, and the `errorCode` it names (`CANCELLED` with `errorCode`
/// `1.04`).
fn word_and_code(cell: &str) -> (&str, Option<&str>) {
    let words = ticked(cell);
    let code = words.iter().position(|w| *w == "errorCode").map(|i| words[i + 1]);
    (words[0], code)
}

/// Every documented word has a row whose word it is.
fn every_word_has_a_row(table: &str, rows: &BTreeSet<String>, documented: &[String]) {
    for word in documented {
        assert!(rows.contains(word), "{table}: the documented word {word} has no row");
    }
}

#[test]
fn the_payment_state_table_is_the_mapping() {
    let rows = doc_table(MAPPING, "pub fn payment_status(", "| state | status |");
    let mut words = BTreeSet::new();
    for row in &rows {
        let (word, code) = word_and_code(&row[0]);
        let status = ticked(&row[1])[0];
        assert_eq!(format!("{:?}", payment_status(word, code)), status, "{row:?}");
        words.insert(word.to_owned());
    }
    every_word_has_a_row("payment_status", &words, &documented_words("payment_states"));
    // A word the spec does not document is never final.
    assert_eq!(payment_status("REVERSED", None), PaymentStatus::Processing);
}

#[test]
fn the_refund_state_table_is_the_mapping() {
    let rows = doc_table(MAPPING, "pub fn refund_status(", "| state | refund status |");
    let mut words = BTreeSet::new();
    for row in &rows {
        let word = ticked(&row[0])[0];
        assert_eq!(format!("{:?}", refund_status(word)), ticked(&row[1])[0], "{row:?}");
        words.insert(word.to_owned());
    }
    every_word_has_a_row("refund_status", &words, &documented_words("payment_states"));
    assert_eq!(refund_status("REVERSED"), RefundStatus::Pending);
}

#[test]
fn the_payout_state_table_is_the_mapping() {
    let rows = doc_table(MAPPING, "pub fn payout_status(", "| state | payout status |");
    let mut words = BTreeSet::new();
    for row in &rows {
        let word = ticked(&row[0])[0];
        assert_eq!(format!("{:?}", payout_status(word)), ticked(&row[1])[0], "{row:?}");
        words.insert(word.to_owned());
    }
    every_word_has_a_row("payout_status", &words, &documented_words("payment_states"));
    assert_eq!(payout_status("REVERSED"), PayoutStatus::Processing);
}

#[test]
fn the_error_code_table_is_the_mapping() {
    let rows = doc_table(MAPPING, "pub fn decline_code(", "| code | meaning");
    let documented = documented();
    let codes = documented["error_codes"].as_object().unwrap();
    let mut seen = BTreeSet::new();
    for row in &rows {
        let code = ticked(&row[0])[0];
        let expected = ticked(&row[2]).first().copied();
        if expected.is_none() {
            assert_eq!(row[2], "none", "{row:?}");
        }
        let got = decline_code(code);
        assert_eq!(got.as_ref().map(|c| c.as_str()), expected, "{row:?}");
        // The row says what the spec says the code means.
        assert_eq!(codes.get(code).and_then(Value::as_str), Some(row[1].as_str()), "{row:?}");
        assert!(seen.insert(code.to_owned()), "{code} has two rows");
    }
    let documented: BTreeSet<String> = codes.keys().cloned().collect();
    assert_eq!(seen, documented, "every documented error code has exactly one row");
}

#[test]
fn the_event_kind_table_is_the_mapping() {
    let rows = doc_table(WEBHOOK, "pub fn event_kind(", "| payment type | state | event kind |");
    let mut pairs = BTreeSet::new();
    for row in &rows {
        let ty = ticked(&row[0])[0];
        let (state, code) = word_and_code(&row[1]);
        let kind = ticked(&row[2])[0];
        assert_eq!(format!("{:?}", event_kind(ty, state, code)), kind, "{row:?}");
        pairs.insert((ty.to_owned(), state.to_owned()));
    }
    for ty in documented_words("payment_types") {
        for state in documented_words("payment_states") {
            assert!(pairs.contains(&(ty.clone(), state.clone())), "{ty} {state} has no row");
        }
    }
}
