//! Getting paid: recording a payment (by hand or through Stripe, one way), the Stripe link
//! or hosted invoice a client pays through (opened when an invoice is sent, replaced after a
//! part payment, closed when it is settled or voided), and what Stripe reports, recorded once
//! whether a webhook or reconciliation sees it first — including money paid through a link
//! since replaced. Money that leaves again — a refund, a client's bank disputing a payment —
//! comes off the invoice the same way.

pub mod by_hand;
pub mod closing;
pub mod disputes;
pub mod links;
pub mod missed_events;
pub mod money_back;
pub mod pay_state;
pub mod quiet_links;
pub mod record;
pub mod refunds;
pub mod retired_link;
pub mod settle;
pub mod taken_back;
