//! paymux connector for paymnt (in progress).
