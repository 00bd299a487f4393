//! paymnt.cloud's JSON: the Hyperswitch shapes, as the family crate writes them once for both
//! family gateways ([`paymux_hyperswitch_family`]). paymnt.cloud documents no field of
//! its own, so nothing is declared here; this module names the ones the connector uses.

pub(crate) use paymux_hyperswitch_family::{
    BrowserInfo, Checked, CustomerRequest, CustomerResponse, ListResponse, OrderDetail,
    PaymentCancelRequest, PaymentCaptureRequest, PaymentConfirmRequest, PaymentCreateRequest,
    PaymentListRequest, PaymentMethodData, PaymentResponse, RefundCreateRequest, RefundListRequest,
    RefundResponse,
};
