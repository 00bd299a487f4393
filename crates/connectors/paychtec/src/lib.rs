//! paymux connector for paychtec (in progress).
