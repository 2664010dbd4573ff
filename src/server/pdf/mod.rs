//! PDFs PayTrack writes: invoices, laid out by hand on A4 or Letter with DejaVu Sans embedded.

pub mod invoice;
mod layout;
mod sheet;

pub use layout::{Paper, PdfError};
