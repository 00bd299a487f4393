//! `paymux-sandbox`: runs the gateway emulators until Ctrl-C.

fn main() {}
