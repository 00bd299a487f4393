//! The tables are tests: each table of the docs (read from the source file) is checked row by
//! row against its mapping function, and every word the gateways document
//! (`fixtures/documented_words.json`, read from their documents by
//! `fixtures/make_documented_words.py`) has a row. One test per table.
#![allow(clippy::unwrap_used)]

use paymux_core::connector::{self, ticked};
use paymux_core::http::StatusCode;
use paymux_core::{
    DeclineCode, DisputeStage, DisputeStatus, EventKind, EvidenceKind, PaymentStatus, PayoutStatus,
    ProviderId,
};
use paymux_hyperswitch_family::mapping::{decline_code, evidence_type, to_payout};
use paymux_hyperswitch_family::status::{
    DISPUTE_STAGE_WORDS, DISPUTE_STATUS_WORDS, PAYOUT_STATUS_WORDS,
};
use paymux_hyperswitch_family::{
    PaymentResponse, PayoutResponse, dispute_stage, dispute_status, error_kind,
    error_kind_for_code, event_kind, payment_status, payout_status, refund_status, to_payment,
};
use serde_json::{Value, json};

const STATUS_RS: &str = include_str!("../src/status.rs");
const ERROR_RS: &str = include_str!("../src/error.rs");
const MAPPING_RS: &str = include_str!("../src/mapping.rs");
const DISPUTES_RS: &str = include_str!("../src/mapping/disputes.rs");

/// A word no gateway documents, for the "anything else" rows.
const UNKNOWN: &str = "word_nobody_documents";

/// One row of a docs table: the words of its first cell (empty for "anything else") and its
/// second cell without backticks.
#[derive(Debug)]
struct Row {
    words: Vec<String>,
    maps_to: String,
}

/// The table under `header` in the docs of the item that `item` starts
/// (`"pub fn payment_status("`), as [`Row`]s.
fn doc_table(source: &str, item: &str, header: &str) -> Vec<Row> {
    let rows = connector::doc_table(source, item, header)
        .unwrap_or_else(|| panic!("no table under {header} in the docs of {item}"));
    rows.iter()
        .map(|cells| Row {
            words: ticked(&cells[0]).into_iter().map(str::to_owned).collect(),
            maps_to: cells[1].replace('`', ""),
        })
        .collect()
}

fn documented(list: &str) -> Vec<String> {
    let words: Value =
        serde_json::from_str(include_str!("fixtures/documented_words.json")).unwrap();
    words[list].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_owned()).collect()
}

/// Every documented word has exactly one row; every row's word is documented; one row for
/// anything else.
fn covers(rows: &[Row], documented: &[String]) {
    let in_rows: Vec<&String> = rows.iter().flat_map(|r| &r.words).collect();
    for word in documented {
        let n = in_rows.iter().filter(|w| **w == word).count();
        assert_eq!(n, 1, "documented word {word} has {n} rows");
    }
    for word in &in_rows {
        assert!(documented.contains(word), "row for {word}, which no document names");
    }
    assert_eq!(rows.iter().filter(|r| r.words.is_empty()).count(), 1, "one 'anything else' row");
}

#[test]
fn payment_status_table() {
    let rows = doc_table(STATUS_RS, "pub fn payment_status(word", "| word | status |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            let status = payment_status(&word);
            assert_eq!(format!("{status:?}"), row.maps_to, "{word}");
            // The contract holds for every word, with the least an answer can carry.
            let wire: PaymentResponse = serde_json::from_value(
                json!({"payment_id": "pay_1", "status": word, "amount": 100, "currency": "USD"}),
            )
            .unwrap();
            let p = to_payment(&ProviderId::new("p"), &wire).unwrap();
            assert_eq!(p.contract_breach(), None, "{word}");
            assert_eq!(p.raw_status, word);
        }
    }
    covers(&rows, &documented("payment_status"));
    assert!(PaymentStatus::ALL.iter().all(|s| *s == PaymentStatus::PartiallyCaptured
        || rows.iter().any(|r| r.maps_to == format!("{s:?}"))));
}

#[test]
fn refund_status_table() {
    let rows = doc_table(STATUS_RS, "pub fn refund_status(word", "| word | status |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            assert_eq!(format!("{:?}", refund_status(&word)), row.maps_to, "{word}");
        }
    }
    covers(&rows, &documented("refund_status"));
}

#[test]
fn payout_status_table() {
    let rows = doc_table(STATUS_RS, "pub fn payout_status(word", "| word | status |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            assert_eq!(format!("{:?}", payout_status(&word)), row.maps_to, "{word}");
            // The contract holds for every word, with the least an answer can carry.
            let wire: PayoutResponse = serde_json::from_value(
                json!({"payout_id": "po_1", "status": word, "amount": 100, "currency": "USD"}),
            )
            .unwrap();
            let p = to_payout(&ProviderId::new("p"), &wire).unwrap();
            assert_eq!(p.contract_breach(), None, "{word}");
            assert_eq!(p.raw_status, word);
        }
    }
    covers(&rows, &documented("payout_status"));
    assert_eq!(PAYOUT_STATUS_WORDS.to_vec(), documented("payout_status"));
    assert!(PayoutStatus::ALL.iter().all(|s| rows.iter().any(|r| r.maps_to == format!("{s:?}"))));
}

#[test]
fn dispute_status_table() {
    let rows = doc_table(STATUS_RS, "pub fn dispute_status(word", "| word | status |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            assert_eq!(format!("{:?}", dispute_status(&word)), row.maps_to, "{word}");
        }
    }
    covers(&rows, &documented("dispute_status"));
    assert_eq!(DISPUTE_STATUS_WORDS.to_vec(), documented("dispute_status"));
    assert!(DisputeStatus::ALL.iter().all(|s| rows.iter().any(|r| r.maps_to == format!("{s:?}"))));
    // Each documented word is its event type's, and the event's kind the status's.
    for word in DISPUTE_STATUS_WORDS {
        assert_eq!(EventKind::for_dispute(dispute_status(word)), event_kind(word), "{word}");
    }
}

#[test]
fn dispute_stage_table() {
    let rows = doc_table(STATUS_RS, "pub fn dispute_stage(word", "| word | stage |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            let stage = dispute_stage(&word);
            match stage {
                Some(stage) => assert_eq!(format!("{stage:?}"), row.maps_to, "{word}"),
                None => assert_eq!(row.maps_to, "none", "{word}"),
            }
        }
    }
    covers(&rows, &documented("dispute_stage"));
    assert_eq!(DISPUTE_STAGE_WORDS.to_vec(), documented("dispute_stage"));
    let every = [
        DisputeStage::Inquiry,
        DisputeStage::Chargeback,
        DisputeStage::PreArbitration,
        DisputeStage::Arbitration,
    ];
    assert!(every.iter().all(|s| rows.iter().any(|r| r.maps_to == format!("{s:?}"))));
}

#[test]
fn evidence_type_table() {
    let rows = doc_table(DISPUTES_RS, "pub fn evidence_type(kind", "| kind | word |");
    let every = [
        EvidenceKind::CancellationPolicy,
        EvidenceKind::CustomerCommunication,
        EvidenceKind::CustomerSignature,
        EvidenceKind::Receipt,
        EvidenceKind::RefundPolicy,
        EvidenceKind::ServiceDocumentation,
        EvidenceKind::ShippingDocumentation,
        EvidenceKind::InvoiceShowingDistinctTransactions,
        EvidenceKind::RecurringTransactionAgreement,
        EvidenceKind::Uncategorized,
    ];
    assert_eq!(rows.len(), every.len());
    for kind in every {
        let row = rows.iter().find(|r| r.words == [format!("{kind:?}")]).unwrap();
        assert_eq!(evidence_type(kind), Some(row.maps_to.as_str()), "{kind:?}");
    }
}

#[test]
fn event_type_table() {
    let rows = doc_table(STATUS_RS, "pub fn event_kind(event_type", "| `event_type` |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            let kind = event_kind(&word);
            if row.maps_to == "Other" {
                assert_eq!(kind, EventKind::Other(word.clone()), "{word}");
            } else {
                assert_eq!(format!("{kind:?}"), row.maps_to, "{word}");
            }
        }
    }
    covers(&rows, &documented("event_type"));
}

#[test]
fn error_type_table() {
    let rows = doc_table(ERROR_RS, "pub fn error_kind(status", "| `type` |");
    for row in &rows {
        let words = if row.words.is_empty() { vec![UNKNOWN.to_owned()] } else { row.words.clone() };
        for word in words {
            for status in [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY] {
                let kind = error_kind(status, Some(&word));
                assert_eq!(format!("{kind:?}"), row.maps_to, "{word} {status}");
            }
        }
    }
    assert_eq!(format!("{:?}", error_kind(StatusCode::BAD_REQUEST, None)), "InvalidRequest");
    covers(&rows, &documented("error_type"));
}

#[test]
fn error_code_table() {
    let rows = doc_table(ERROR_RS, "pub fn error_kind_for_code(", "| `code` |");
    for row in &rows {
        for error_type in documented("error_type") {
            for status in [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY] {
                if row.words.is_empty() {
                    let kind = error_kind_for_code(status, Some(&error_type), Some(UNKNOWN));
                    assert_eq!(kind, error_kind(status, Some(&error_type)), "as its type");
                }
                for code in &row.words {
                    let kind = error_kind_for_code(status, Some(&error_type), Some(code));
                    assert_eq!(format!("{kind:?}"), row.maps_to, "{code} {error_type} {status}");
                }
            }
        }
    }
    covers(&rows, &documented("error_code"));
}

#[test]
fn decline_code_table() {
    let rows = doc_table(MAPPING_RS, "pub fn decline_code(", "| `error_code` (any case) |");
    let mut words = 0;
    for row in &rows {
        if row.words.is_empty() {
            assert_eq!(row.maps_to, "none");
            assert_eq!(decline_code(UNKNOWN), None);
            assert_eq!(decline_code("05"), None);
            continue;
        }
        for word in &row.words {
            words += 1;
            let expected = match row.maps_to.as_str() {
                "the same word" => DeclineCode::from_word(word),
                other => DeclineCode::from_word(other),
            };
            assert!(!matches!(expected, DeclineCode::Other(_)), "{word}: not a core word");
            assert_eq!(decline_code(word), Some(expected.clone()), "{word}");
            assert_eq!(decline_code(&word.to_uppercase()), Some(expected), "{word}, any case");
        }
    }
    // The family's documents name no decline codes: the table is the core words and aliases.
    assert_eq!(words, 20 + 4 + 3 + 2);
}
