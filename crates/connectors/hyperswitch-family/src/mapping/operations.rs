//! Both directions for the operations beyond the core trait that both gateways serve alike:
//! payment and refund updates, the customer list, the payment link list.

use paymux_core::{Customer, Error, Page, PageCursor, ProviderId, Result};

use super::{
    MAX_REFUND_REASON_LEN, capture_method_word, format_time, offset, page_limit, positive_amount,
    to_customer, to_page,
};
use crate::operations::{ListPaymentLinks, UpdatePayment, UpdateRefund};
use crate::wire::{
    CustomerListResponse, ListResponse, PaymentLinkListRequest, PaymentUpdateRequest,
    RefundUpdateRequest,
};

/// The body of `POST /payments/{payment_id}` without its order lines (each connector names
/// the product its way and fills `order_details`): only the fields set; the amount positive
/// and at most [`MAX_AMOUNT_MINOR`](super::MAX_AMOUNT_MINOR); order lines in the new
/// amount's currency.
pub fn update_body(req: &UpdatePayment) -> Result<PaymentUpdateRequest> {
    let amount = positive_amount(req.amount, "payment")?;
    if let (Some(amount), Some(lines)) = (req.amount, &req.order_lines)
        && let Some(line) = lines.iter().find(|l| l.unit_amount.currency() != amount.currency())
    {
        return Err(Error::invalid_request(format!(
            "order line {:?} is in {} but the payment is in {}",
            line.name,
            line.unit_amount.currency().code(),
            amount.currency().code()
        )));
    }
    let details = req.customer_details.clone().unwrap_or_default();
    Ok(PaymentUpdateRequest {
        amount,
        currency: req.amount.map(|a| a.currency().code().to_owned()),
        capture_method: req.capture.map(capture_method_word),
        description: req.description.clone(),
        return_url: req.return_url.clone(),
        email: details.email,
        name: details.name,
        phone: details.phone.as_ref().map(|p| p.number.clone()),
        phone_country_code: details.phone.map(|p| p.country_code),
        merchant_order_reference_id: None,
        order_details: None,
        metadata: req.metadata.clone(),
    })
}

/// The body of `POST /refunds/{refund_id}`: a reason of at most
/// [`MAX_REFUND_REASON_LEN`](super::MAX_REFUND_REASON_LEN) characters and the metadata; an
/// update that changes neither is refused (it would send `{}`).
pub fn refund_update_body(req: &UpdateRefund) -> Result<RefundUpdateRequest> {
    if req.reason.is_none() && req.metadata.is_none() {
        return Err(Error::invalid_request(
            "a refund update changes the reason or the metadata: give at least one",
        ));
    }
    if req.reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REFUND_REASON_LEN) {
        return Err(Error::invalid_request(format!(
            "refund reason must be at most {MAX_REFUND_REASON_LEN} characters"
        )));
    }
    Ok(RefundUpdateRequest { reason: req.reason.clone(), metadata: req.metadata.clone() })
}

/// The body of `POST /payment_link/list`: the limit clamped like every family list
/// ([`page_limit`], when given) and the window as `created.gte` / `created.lte` (RFC 3339,
/// UTC).
pub fn payment_link_list_body(query: &ListPaymentLinks) -> Result<PaymentLinkListRequest> {
    Ok(PaymentLinkListRequest {
        limit: query.limit.map(|l| page_limit(Some(l))),
        created_gte: query.created_from.map(format_time).transpose()?,
        created_lte: query.created_to.map(format_time).transpose()?,
    })
}

/// The `limit` and `offset` of `GET /customers/list` ([`page_limit`], [`offset`]).
pub fn customer_list_query(
    limit: Option<u32>,
    cursor: Option<&PageCursor>,
) -> Result<(u32, Option<u64>)> {
    Ok((page_limit(limit), offset(cursor)?))
}

/// A customer list as a page; the answer has no total, so a full page may have more.
pub fn customer_page(
    provider: &ProviderId,
    list: CustomerListResponse,
    offset: u64,
    limit: u32,
) -> Result<Page<Customer>> {
    let list = ListResponse { count: None, total_count: None, data: list.into_vec() };
    to_page(&list, offset, limit, |c| Ok(to_customer(provider, c)))
}
