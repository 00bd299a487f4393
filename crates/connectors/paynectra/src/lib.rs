//! paymux connector for paynectra (in progress).
