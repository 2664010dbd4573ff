//! Users' own Stripe accounts: their API keys, the payment links and hosted invoices their
//! clients pay through, and the webhooks and polling that tell PayTrack an invoice is paid (or
//! that a payment was refunded).

pub mod account;
pub mod api_key;
pub mod billing;
pub mod client;
pub mod customers;
pub mod events;
mod hosted_invoices;
pub mod link_sessions;
mod opening;
pub mod paid_through;
pub mod payments;
pub mod reseal;
