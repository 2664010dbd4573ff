//! The user's own account: their profile (name, time zone, invoice prefix), their business
//! profile (what invoices say about the seller), where they are signed in, and their data
//! rights (export, deletion).

pub mod address;
pub mod business;
pub mod data_rights;
pub mod logo;
pub mod profile;
pub mod sessions;
