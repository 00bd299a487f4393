//! Fuzz target: the bytes are a webhook body, signed with paynectra's own scheme before
//! `parse_webhook`, so every input reaches the parser (see `harness::signed_webhook`).

#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::signed_webhook(harness::Connector::Paynectra, data);
});
