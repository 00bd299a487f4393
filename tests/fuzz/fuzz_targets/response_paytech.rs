//! Fuzz target: the bytes are a 2xx answer body, fed to every public response parser of
//! paytech and mapped to core types (see `harness::response`).

#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::response(harness::Connector::Paytech, data);
});
