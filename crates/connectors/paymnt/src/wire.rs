//! paymnt.cloud's JSON: the Hyperswitch shapes, as the family crate writes them once for both
//! family gateways ([`paymux_hyperswitch_family`]). paymnt.cloud documents no field of
//! its own, so nothing is declared here; this module names the ones the connector's mapping
//! fills (the routes' bodies and answers are typed by [`paymux_hyperswitch_family::Routes`]).

pub(crate) use paymux_hyperswitch_family::{
    BrowserInfo, OrderDetail, PaymentConfirmRequest, PaymentCreateRequest, PaymentMethodData,
    PaymentUpdateRequest, PayoutCreateRequest, RefundCreateRequest, RefundListRequest,
};
