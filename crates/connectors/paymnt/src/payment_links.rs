//! Payment links: reading and listing them (Hyperswitch's `GET /payment_link/{id}` and
//! `POST /payment_link/list`). Hyperswitch makes a link with a payment, not on a route of its
//! own, so there is no create here.

use paymux_core::Result;
use paymux_hyperswitch_family::mapping::payment_link_list_body;

use crate::{ListPaymentLinks, PaymentLink, Paymnt};

impl Paymnt {
    /// Fetches a payment link (`GET /payment_link/{payment_link_id}`).
    pub async fn get_payment_link(&self, id: &str) -> Result<PaymentLink> {
        self.client.get_payment_link(id).await
    }

    /// Lists payment links (`POST /payment_link/list`, Hyperswitch's filter body: `limit`,
    /// `created.gte`, `created.lte`). The gateway pages no further than the limit.
    pub async fn list_payment_links(&self, query: ListPaymentLinks) -> Result<Vec<PaymentLink>> {
        let body = payment_link_list_body(&query)?;
        Ok(self.client.list_payment_links(&body).await?.into_vec())
    }
}
