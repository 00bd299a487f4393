//! paymux connector for paygentic (in progress).
