//! Fuzz target: unsigned or wrongly signed deliveries. The first byte picks the connector,
//! then `name: value` header lines, a blank line and the body; every input must be refused
//! by verification (see `harness::unsigned_webhook`).

#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::unsigned_webhook(data);
});
