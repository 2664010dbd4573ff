pub mod account;
pub mod dev_outbox;
pub mod landing;
pub mod login_link;
pub mod not_found;
pub mod privacy;
pub mod sign_in;
pub mod terms;
