//! `POST /sandbox/<gateway>/trigger/{event}`: creates what an event is about and drives it to
//! the state that sends the event, through the same state machine as the API.

use serde_json::{Value, json};

use super::api::{ApiError, PaymentsRequest};
use super::records::Records;
use super::state::{DISPUTE_CARD, Event};
use super::{EVENTS, Emu};
use crate::kit::control::Triggers;

type Step<'a> = &'a dyn Fn(&Emu, &mut Records, &str) -> Result<(Value, Vec<Event>), ApiError>;

impl Emu {
    /// Runs `op` under the lock and sends its webhooks.
    fn run(
        &self,
        op: impl FnOnce(&Emu, &mut Records) -> Result<(Value, Vec<Event>), ApiError>,
    ) -> Result<Value, String> {
        let result = op(self, &mut self.records());
        let (value, events) = result.map_err(|e| e.message)?;
        self.emit(events);
        Ok(value)
    }

    /// A confirmed card payment of `amount` (`card`, manual capture or not, `extra` fields).
    fn trigger_payment(
        &self,
        amount: i64,
        card: Option<&str>,
        manual: bool,
        extra: Value,
    ) -> Result<String, String> {
        let mut body = json!({
            "amount": amount, "currency": "USD", "profile_id": self.cfg.profile_id(),
            "capture_method": if manual { "manual" } else { "automatic" }, "description": "sandbox trigger",
        });
        if let Some(card) = card {
            body["confirm"] = json!(true);
            body["payment_method"] = json!("card");
            body["payment_method_data"] = json!({"card": {"card_number": card, "card_exp_month": "12", "card_exp_year": "2030", "card_cvc": "123"}});
            body["billing"] = json!({"address": {"line1": "1 Sandbox Way", "country": "US"}, "phone": {"number": "6502530000", "country_code": "+1"}});
        }
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        let req: PaymentsRequest = serde_json::from_value(body).map_err(|e| e.to_string())?;
        let mut id = String::new();
        self.run(|emu, r| {
            id = r.create_payment(&emu.cfg, None, req)?;
            Ok(if card.is_some() { emu.confirm_now(r, &id) } else { r.payment_done(&emu.cfg, &id) })
        })?;
        Ok(id)
    }

    /// A payment, then `then` on it.
    fn payment_then(
        &self,
        amount: i64,
        card: &str,
        manual: bool,
        then: Step<'_>,
    ) -> Result<Value, String> {
        let id = self.trigger_payment(amount, Some(card), manual, json!({}))?;
        self.run(|emu, r| then(emu, r, &id))
    }

    fn trigger_dispute(&self, event: &str) -> Result<Value, String> {
        let id = self.trigger_payment(1000, Some(DISPUTE_CARD), false, json!({}))?;
        let dispute = self.run(|_, r| {
            let d = r
                .disputes
                .values()
                .find(|d| d.object.get("payment_id").and_then(Value::as_str) == Some(id.as_str()));
            d.map(|d| (Value::Object(d.object.clone()), vec![]))
                .ok_or_else(|| ApiError::not_found("Dispute"))
        })?;
        let dispute_id = dispute["dispute_id"].as_str().unwrap_or_default().to_owned();
        let evidence = || -> Result<Value, String> {
            let b = serde_json::from_value(
                json!({"dispute_id": dispute_id, "evidence_type": "receipt"}),
            )
            .map_err(|e| e.to_string())?;
            self.run(|_, r| r.submit_evidence(b))
        };
        let resolve = |from: &[&str], to: &'static str| {
            self.run(|_, r| r.move_dispute(&dispute_id, from, to))
        };
        match event {
            "dispute_opened" => Ok(dispute),
            "dispute_accepted" => resolve(&["dispute_opened"], "dispute_accepted"),
            "dispute_challenged" => evidence(),
            "dispute_won" => {
                evidence().and_then(|_| resolve(&["dispute_challenged"], "dispute_won"))
            }
            "dispute_lost" => {
                evidence().and_then(|_| resolve(&["dispute_challenged"], "dispute_lost"))
            }
            "dispute_expired" => resolve(&["dispute_opened"], "dispute_expired"),
            _ => resolve(&["dispute_opened"], "dispute_cancelled"),
        }
    }

    fn trigger_payout(&self, event: &str) -> Result<Value, String> {
        let amount = match event {
            "payout_failed" => 9995,
            "payout_processing" => 7777,
            _ => 5000,
        };
        let b = serde_json::from_value(
            json!({"amount": amount, "currency": "USD", "payout_type": "bank", "confirm": true}),
        )
        .map_err(|e| e.to_string())?;
        let payout = self.run(|emu, r| r.create_payout(&emu.cfg, b))?;
        let id = payout["payout_id"].as_str().unwrap_or_default().to_owned();
        match event {
            "payout_cancelled" => self.run(|_, r| r.cancel_payout(&id)),
            "payout_expired" => self.run(|_, r| r.move_payout(&id, "expired")),
            "payout_reversed" => self
                .run(|_, r| r.fulfill_payout(&id))
                .and_then(|_| self.run(|_, r| r.move_payout(&id, "reversed"))),
            _ => self.run(|_, r| r.fulfill_payout(&id)),
        }
    }

    fn trigger_mandate(&self, revoke: bool) -> Result<Value, String> {
        let extra = json!({"setup_future_usage": "off_session", "customer_acceptance": {"acceptance_type": "offline"}});
        let id = self.trigger_payment(1000, Some("4242424242424242"), false, extra)?;
        let payment = self.run(|emu, r| Ok((r.payment(&id)?.json(&emu.cfg, r), vec![])))?;
        let mandate = payment["mandate_id"].as_str().unwrap_or_default().to_owned();
        if revoke { self.run(|_, r| r.revoke_mandate(&mandate)) } else { Ok(payment) }
    }
}

impl Triggers for Emu {
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn trigger(&self, event: &str) -> Result<Value, String> {
        let payment = |id: &str| self.run(|emu, r| Ok((r.payment(id)?.json(&emu.cfg, r), vec![])));
        let done: Step<'_> = &|emu, r, id| Ok((r.payment(id)?.json(&emu.cfg, r), vec![]));
        match event {
            "payment_succeeded" => self.payment_then(1000, "4242424242424242", false, done),
            "payment_failed" => self.payment_then(1000, "4000000000000002", false, done),
            "payment_processing" => self.payment_then(7777, "4242424242424242", false, done),
            "payment_authorized" => self.payment_then(1000, "4242424242424242", true, done),
            "payment_partially_authorized" => {
                self.payment_then(104_000, "4242424242424242", true, done)
            }
            "action_required" => self.payment_then(1000, "4000000000003220", false, done),
            "payment_cancelled" => {
                self.payment_then(1000, "4242424242424242", true, &|emu, r, id| {
                    r.payment_mut(id)?.cancel(Some("sandbox trigger".into()))?;
                    Ok(r.payment_done(&emu.cfg, id))
                })
            }
            "payment_captured" => {
                self.payment_then(2000, "4242424242424242", true, &|emu, r, id| {
                    r.payment_mut(id)?.capture(Some(1000))?;
                    Ok(r.payment_done(&emu.cfg, id))
                })
            }
            "payment_cancelled_post_capture" => {
                self.payment_then(1000, "4242424242424242", false, &|emu, r, id| {
                    r.payment_mut(id)?.cancel_post_capture()?;
                    Ok(r.payment_done(&emu.cfg, id))
                })
            }
            "payment_expired" => {
                let id = self.trigger_payment(1000, None, false, json!({}))?;
                self.run(|emu, r| {
                    r.payment_mut(&id)?.expire()?;
                    Ok(r.payment_done(&emu.cfg, &id))
                })?;
                payment(&id)
            }
            "refund_succeeded" | "refund_failed" => {
                let amount = if event == "refund_failed" { 9995 } else { 1000 };
                let id =
                    self.trigger_payment(20_000, Some("4242424242424242"), false, json!({}))?;
                let b = serde_json::from_value(json!({"payment_id": id, "amount": amount}))
                    .map_err(|e| e.to_string())?;
                self.run(|emu, r| r.create_refund(&emu.cfg, b))
            }
            e if e.starts_with("dispute_") && EVENTS.contains(&e) => self.trigger_dispute(e),
            e if e.starts_with("payout_") && EVENTS.contains(&e) => self.trigger_payout(e),
            "mandate_active" => self.trigger_mandate(false),
            "mandate_revoked" => self.trigger_mandate(true),
            "invoice_paid" => self.run(|_, r| Ok(r.invoice_paid(1000, "USD", crate::kit::now()))),
            other => Err(format!("{} sends no {other} event", self.cfg.gateway)),
        }
    }
}
