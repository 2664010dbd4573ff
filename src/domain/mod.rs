//! Types shared by the server and the browser. Pure, no I/O, unit-tested. Constructors parse
//! and return `Result`, so a value that exists is valid.

pub mod aging;
pub mod bulk;
pub mod business;
pub mod client;
pub mod country;
pub mod dashboard;
pub mod date;
pub mod dispute;
pub mod email;
pub mod html;
pub mod inbound;
pub mod invoice;
pub mod invoice_document;
pub mod invoice_draft;
pub mod invoice_list;
pub mod invoice_number;
pub mod money;
pub mod pause;
pub mod pay_habits;
pub mod pay_way;
pub mod pay_with;
pub mod payment;
pub mod plan;
pub mod profile;
pub mod promise;
pub mod reminder_policy;
pub mod reminder_schedule;
pub mod retention;
pub mod service_period;
pub mod status;
pub mod stripe_pay;
pub mod tax;
pub mod timeline;
pub mod usage;
pub mod written_number;
