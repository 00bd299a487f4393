//! Creating, updating, confirming and listing payments: the typed request checked against
//! the gateway's rules (profile, customer, billing with card data, order lines), then the
//! state machine of [`super::state`]. Pure and synchronous.

use serde_json::Value;

use super::api::{ApiError, PaymentListFilter, PaymentListQuery, PaymentsRequest};
use super::records::Records;
use super::state::{Card, Details, Payment, Status};
use super::{Config, ProfileRule};

/// The validated optional fields and the card of one request.
fn details(cfg: &Config, b: &mut PaymentsRequest) -> Result<(Details, Option<Card>), ApiError> {
    if let Some(e) = &b.email {
        super::check_email("email", e)?;
    }
    if b.authentication_type.as_deref().is_some_and(|a| !matches!(a, "three_ds" | "no_three_ds")) {
        return Err(ApiError::invalid("authentication_type", "expected three_ds or no_three_ds"));
    }
    if b.payment_method.as_deref().is_some_and(|pm| pm != "card") {
        return Err(ApiError::invalid("payment_method", "the sandbox takes card payments only"));
    }
    if b.return_url
        .as_deref()
        .is_some_and(|u| !(u.starts_with("http://") || u.starts_with("https://")))
    {
        return Err(ApiError::invalid("return_url", "expected an http(s) URL"));
    }
    if b.setup_future_usage.as_deref().is_some_and(|u| !matches!(u, "off_session" | "on_session")) {
        return Err(ApiError::invalid("setup_future_usage", "expected off_session or on_session"));
    }
    let card = match b.payment_method_data.take() {
        None => None,
        Some(pmd) => match pmd.card {
            Some(c) => Some(Card::read(c)?),
            None => {
                return Err(ApiError::invalid(
                    "payment_method_data",
                    "the sandbox takes card payments only (payment_method_data.card)",
                ));
            }
        },
    };
    if card.is_some() && cfg.billing_with_card {
        let billing = b.billing.as_ref().ok_or_else(|| ApiError::missing("billing"))?;
        if billing.address.is_none() {
            return Err(ApiError::missing("billing.address"));
        }
        if billing.phone.is_none() {
            return Err(ApiError::missing("billing.phone"));
        }
    }
    let order_details = order_lines(cfg, b)?;
    let mut d = Details {
        email: b.email.clone(),
        name: b.name.clone(),
        phone: b.phone.clone(),
        phone_country_code: b.phone_country_code.clone(),
        description: b.description.clone(),
        return_url: b.return_url.clone(),
        authentication_type: b.authentication_type.clone(),
        merchant_order_reference_id: b.merchant_order_reference_id.clone(),
        payment_method: b.payment_method.clone(),
        payment_method_type: b.payment_method_type.clone(),
        billing: b.billing.as_ref().and_then(|a| serde_json::to_value(a).ok()),
        shipping: b.shipping.as_ref().and_then(|a| serde_json::to_value(a).ok()),
        order_details,
        metadata: b.metadata.clone().map(Value::Object),
        browser_info: b.browser_info.clone(),
        setup_future_usage: b.setup_future_usage.clone(),
        customer_acceptance: b.customer_acceptance.clone(),
    };
    if card.is_some() && d.payment_method.is_none() && !cfg.payment_method_required {
        d.payment_method = Some("card".into());
    }
    Ok((d, card))
}

/// `order_details`, each line with the product field this gateway names.
fn order_lines(cfg: &Config, b: &PaymentsRequest) -> Result<Option<Value>, ApiError> {
    let Some(lines) = &b.order_details else { return Ok(None) };
    let other = if cfg.order_line_name == "name" { "product_name" } else { "name" };
    for (i, line) in lines.iter().enumerate() {
        let want = if cfg.order_line_name == "name" { &line.name } else { &line.product_name };
        if want.is_none() {
            let given = if cfg.order_line_name == "name" { &line.product_name } else { &line.name };
            let hint = if given.is_some() {
                format!(
                    " (this gateway names the product `{}`, not `{other}`)",
                    cfg.order_line_name
                )
            } else {
                String::new()
            };
            let message =
                format!("Missing required param: order_details[{i}].{}{hint}", cfg.order_line_name);
            return Err(ApiError::new(400, "invalid_request", "IR_04", message));
        }
        if line.quantity < 1 {
            return Err(ApiError::invalid(
                &format!("order_details[{i}].quantity"),
                "must be at least 1",
            ));
        }
        if line.amount < 0 {
            return Err(ApiError::invalid(
                &format!("order_details[{i}].amount"),
                "must not be negative",
            ));
        }
    }
    Ok(serde_json::to_value(lines).ok())
}

fn capture_method(b: &PaymentsRequest) -> Result<Option<String>, ApiError> {
    match b.capture_method.as_deref() {
        None => Ok(None),
        Some(c @ ("automatic" | "manual" | "manual_multiple")) => Ok(Some(c.to_owned())),
        Some(_) => Err(ApiError::invalid(
            "capture_method",
            "the sandbox supports automatic, manual and manual_multiple capture",
        )),
    }
}

fn check_profile(cfg: &Config, given: Option<&str>, field: &str) -> Result<(), ApiError> {
    match given {
        Some(p) if p != cfg.profile_id() => Err(ApiError::invalid(
            field,
            &format!("business profile `{p}` does not exist for this merchant"),
        )),
        _ => Ok(()),
    }
}

impl Records {
    fn check_customer(&self, id: Option<&str>) -> Result<(), ApiError> {
        match id {
            Some(c) if !self.customers.contains_key(c) => Err(ApiError::invalid(
                "customer_id",
                &format!(
                    "customer `{c}` does not exist; create it with POST /customers and pass the customer_id it returns"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// `POST /payments` (not confirmed yet: the caller confirms when `confirm` is true).
    pub(crate) fn create_payment(
        &mut self,
        cfg: &Config,
        profile_header: Option<&str>,
        mut b: PaymentsRequest,
    ) -> Result<String, ApiError> {
        let amount = b.amount.ok_or_else(|| ApiError::missing("amount"))?;
        if amount <= 0 {
            return Err(ApiError::invalid("amount", "must be greater than 0 (minor units)"));
        }
        let currency =
            super::currency(b.currency.clone())?.ok_or_else(|| ApiError::missing("currency"))?;
        match cfg.profile {
            ProfileRule::RequiredInBody => check_profile(
                cfg,
                Some(b.profile_id.as_deref().ok_or_else(|| ApiError::missing("profile_id"))?),
                "profile_id",
            )?,
            ProfileRule::OptionalHeader => {
                check_profile(cfg, profile_header, "x-profile-id")?;
                check_profile(cfg, b.profile_id.as_deref(), "profile_id")?;
            }
        }
        if let Some(id) = &b.payment_id {
            super::check_id("payment_id", id, 64)?;
            if self.payments.contains_key(id) {
                return Err(ApiError::duplicate(
                    "The payment with the specified payment_id already exists in our records",
                ));
            }
        }
        self.check_customer(b.customer_id.as_deref())?;
        let capture_method = capture_method(&b)?.unwrap_or_else(|| "automatic".into());
        let (details, card) = details(cfg, &mut b)?;
        if b.confirm == Some(true) {
            if card.is_none() {
                return Err(ApiError::missing("payment_method_data"));
            }
            if details.payment_method.is_none() {
                return Err(ApiError::missing("payment_method"));
            }
        }
        let id = b
            .payment_id
            .clone()
            .unwrap_or_else(|| self.fresh_id("pay_", |id| self.payments.contains_key(id)));
        let now = crate::kit::now();
        let expires = b.session_expiry.map(|s| now + time::Duration::seconds(i64::from(s)));
        let status = if card.is_some() {
            Status::RequiresConfirmation
        } else {
            Status::RequiresPaymentMethod
        };
        let payment = Payment {
            id: id.clone(),
            seq: self.next_seq(),
            created: now,
            updated: now,
            expires,
            status,
            amount,
            currency,
            amount_capturable: amount,
            amount_received: 0,
            capture_method,
            customer_id: b.customer_id,
            details,
            card,
            next_action: None,
            pending: None,
            error: None,
            cancellation_reason: None,
            profile_id: cfg.profile_id().to_owned(),
            attempt_count: 0,
            confirmed: false,
            mandate_id: None,
        };
        if let Some(at) = expires {
            self.expiries.add(at, id.clone());
        }
        self.payments.insert(id.clone(), payment);
        Ok(id)
    }

    /// `POST /payments/{id}` (update, before confirmation).
    pub(crate) fn update_payment(
        &mut self,
        cfg: &Config,
        id: &str,
        mut b: PaymentsRequest,
    ) -> Result<(), ApiError> {
        let status = self.payment(id)?.status;
        if !matches!(status, Status::RequiresPaymentMethod | Status::RequiresConfirmation) {
            return Err(ApiError::bad_state(
                "Payment",
                "updated",
                status.word(),
                "requires_payment_method, requires_confirmation",
            ));
        }
        if b.confirm == Some(true) {
            return Err(ApiError::invalid(
                "confirm",
                "confirm with POST /payments/{payment_id}/confirm",
            ));
        }
        check_profile(cfg, b.profile_id.as_deref(), "profile_id")?;
        if b.payment_id.as_deref().is_some_and(|p| p != id) {
            return Err(ApiError::invalid("payment_id", "cannot be changed"));
        }
        if b.amount.is_some_and(|a| a <= 0) {
            return Err(ApiError::invalid("amount", "must be greater than 0 (minor units)"));
        }
        let currency = super::currency(b.currency.clone())?;
        let capture = capture_method(&b)?;
        self.check_customer(b.customer_id.as_deref())?;
        let (details, card) = details(cfg, &mut b)?;
        let p = self.payment_mut(id)?;
        if let Some(a) = b.amount {
            p.amount = a;
            p.amount_capturable = a;
        }
        p.currency = currency.unwrap_or_else(|| p.currency.clone());
        p.capture_method = capture.unwrap_or_else(|| p.capture_method.clone());
        p.customer_id = b.customer_id.or(p.customer_id.take());
        p.details.merge(details);
        if card.is_some() {
            p.card = card;
            p.status = Status::RequiresConfirmation;
        }
        p.updated = crate::kit::now();
        Ok(())
    }

    /// `POST /payments/{id}/confirm`: the body's fields, then the authorization.
    pub(crate) fn confirm_fields(
        &mut self,
        cfg: &Config,
        id: &str,
        mut b: PaymentsRequest,
    ) -> Result<(), ApiError> {
        let status = self.payment(id)?.status;
        if !matches!(status, Status::RequiresPaymentMethod | Status::RequiresConfirmation) {
            return Err(ApiError::bad_state(
                "Payment",
                "confirmed",
                status.word(),
                "requires_payment_method, requires_confirmation",
            ));
        }
        let capture = capture_method(&b)?;
        self.check_customer(b.customer_id.as_deref())?;
        let (details, card) = details(cfg, &mut b)?;
        let p = self.payment_mut(id)?;
        if card.is_none() && p.card.is_none() {
            return Err(ApiError::missing("payment_method_data"));
        }
        if p.details.payment_method.is_none() && details.payment_method.is_none() {
            return Err(ApiError::missing("payment_method"));
        }
        p.capture_method = capture.unwrap_or_else(|| p.capture_method.clone());
        p.customer_id = b.customer_id.or(p.customer_id.take());
        p.details.merge(details);
        if card.is_some() {
            p.card = card;
        }
        Ok(())
    }

    /// `POST /payments/list`: Hyperswitch's `PaymentListFilterConstraints`.
    pub(crate) fn list_payments(
        &self,
        cfg: &Config,
        f: PaymentListFilter,
    ) -> Result<Value, ApiError> {
        let (from, to) = (
            super::time_of("start_time", f.start_time.as_deref())?,
            super::time_of("end_time", f.end_time.as_deref())?,
        );
        let any = |list: &Option<Vec<String>>, word: &str| {
            list.as_ref().is_none_or(|l| l.iter().any(|w| w == word))
        };
        let mut found: Vec<&Payment> = self
            .payments
            .values()
            .filter(|p| any(&f.status, p.status.word()) && any(&f.currency, &p.currency))
            .filter(|p| any(&f.payment_method, p.details.payment_method.as_deref().unwrap_or("")))
            .filter(|p| f.customer_id.as_ref().is_none_or(|c| p.customer_id.as_ref() == Some(c)))
            .filter(|p| f.payment_id.as_ref().is_none_or(|id| &p.id == id))
            .filter(|p| f.profile_id.as_ref().is_none_or(|id| &p.profile_id == id))
            .filter(|p| {
                f.merchant_order_reference_id
                    .as_ref()
                    .is_none_or(|r| p.details.merchant_order_reference_id.as_ref() == Some(r))
            })
            .filter(|p| from.is_none_or(|t| p.created >= t) && to.is_none_or(|t| p.created <= t))
            .collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        super::api::page(found.into_iter().map(|p| p.json(cfg, self)).collect(), f.limit, f.offset)
    }

    /// `GET /payments/list`: the query of Hyperswitch's published document.
    pub(crate) fn list_payments_get(
        &self,
        cfg: &Config,
        q: PaymentListQuery,
    ) -> Result<Value, ApiError> {
        let t = |name: &str, v: &Option<String>| super::time_of(name, v.as_deref());
        let (gte, lte, gt, lt, eq) = (
            t("created_gte", &q.created_gte)?,
            t("created_lte", &q.created_lte)?,
            t("created_gt", &q.created_gt)?,
            t("created_lt", &q.created_lt)?,
            t("created", &q.created)?,
        );
        let mut found: Vec<&Payment> = self
            .payments
            .values()
            .filter(|p| q.customer_id.as_ref().is_none_or(|c| p.customer_id.as_ref() == Some(c)))
            .filter(|p| gte.is_none_or(|t| p.created >= t) && lte.is_none_or(|t| p.created <= t))
            .filter(|p| {
                gt.is_none_or(|t| p.created > t)
                    && lt.is_none_or(|t| p.created < t)
                    && eq.is_none_or(|t| p.created == t)
            })
            .collect();
        found.sort_by_key(|x| std::cmp::Reverse(x.seq));
        let start = match q.starting_after.as_deref() {
            Some(after) => found.iter().position(|p| p.id == after).map_or(found.len(), |i| i + 1),
            None => 0,
        };
        let end = q
            .ending_before
            .as_deref()
            .and_then(|b| found.iter().position(|p| p.id == b))
            .unwrap_or(found.len());
        let items = found
            .get(start..end.max(start))
            .unwrap_or_default()
            .iter()
            .map(|p| p.json(cfg, self))
            .collect();
        super::api::page(items, q.limit, None)
    }
}
