pub mod contact_email;
pub mod error_view;
pub mod layout;
pub mod status_check;
