//! The user's own account: their profile (name, time zone, invoice prefix) and where they
//! are signed in.

pub mod profile;
pub mod sessions;
