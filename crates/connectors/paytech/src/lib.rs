//! paymux connector for paytech (in progress).
