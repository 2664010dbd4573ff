//! The invoice as a PDF: the same content as its page (`ui::components::invoice_paper`) —
//! seller and logo, client, dates, lines, each tax, totals, notes, how to pay — on A4 or
//! Letter by the seller's country, with the fonts embedded. A credit note is the same sheet
//! with its own title, number and dates, what it takes back (every amount when it cancels the
//! invoice, one line when it reduces it), and nothing to pay.

use krilla::image::Image;

use super::layout::{MARGIN, Pages, Paper, PdfError, Weight, width, wrap};
pub use super::sheet::Sheet;
use super::sheet::{reduction_of, stated, totals_rows};
use crate::domain::invoice_document::{InvoiceDocument, LineView, PaymentView};
use crate::domain::status::InvoiceStatus;

/// A logo as stored: PNG or JPEG bytes, checked when uploaded.
pub struct Logo<'a> {
    pub bytes: &'a [u8],
    pub content_type: &'a str,
}

const BODY: f32 = 9.5;
const LEADING: f32 = 13.0;

pub fn render(
    document: &InvoiceDocument,
    sheet: Sheet<'_>,
    logo: Option<Logo<'_>>,
    paper: Paper,
) -> Result<Vec<u8>, PdfError> {
    let mut pages = Pages::new(paper);
    let right = pages.right();
    let half = pages.width() / 2.0;

    // The seller, with the logo above when there is one.
    if let Some(image) = logo.and_then(decode) {
        let height = pages.image(image, MARGIN, 160.0, 60.0);
        pages.y += height + 12.0;
    }
    let top = pages.y;
    pages.y += 12.0;
    let seller = &document.from;
    pages.text(
        MARGIN,
        11.0,
        Weight::Bold,
        seller.legal_name.as_deref().unwrap_or(&seller.name),
    );
    pages.y += LEADING;
    if seller.legal_name.is_some() && seller.legal_name.as_deref() != Some(&seller.name) {
        pages.text(MARGIN, BODY, Weight::Regular, &seller.name);
        pages.y += LEADING;
    }
    for line in seller_lines(document) {
        for wrapped in wrap(&line, BODY, Weight::Regular, half - MARGIN - 10.0) {
            pages.text(MARGIN, BODY, Weight::Regular, &wrapped);
            pages.y += LEADING;
        }
    }
    let seller_bottom = pages.y;

    // The title block on the right.
    pages.y = top + 20.0;
    let (title, number) = match sheet {
        Sheet::Invoice => ("INVOICE", document.number.as_str()),
        Sheet::CreditNote(note) => ("CREDIT NOTE", note.number.as_str()),
    };
    pages.text_right(right, 20.0, Weight::Bold, title);
    pages.y += 18.0;
    pages.text_right(right, 11.0, Weight::Regular, number);
    // Anything but a plain open invoice says so under its number (a draft is not yet one).
    let state = match (sheet, document.status) {
        (Sheet::CreditNote(_), _) => None,
        (_, InvoiceStatus::Draft) => Some("Draft, not sent".to_string()),
        (_, InvoiceStatus::Void) => Some(match &document.credit_note {
            Some(note) => format!("Void: cancelled by credit note {}", note.number),
            None => "Void".to_string(),
        }),
        (_, InvoiceStatus::WrittenOff) => Some("Written off".to_string()),
        (_, InvoiceStatus::Paid) => Some("Paid".to_string()),
        _ => None,
    };
    if let Some(state) = state {
        pages.y += 14.0;
        pages.text_right(right, BODY, Weight::Bold, &state);
    }
    pages.y += 22.0;
    let service = document
        .service_period
        .map(|period| (period.label(), period.to_string()));
    let dates = match sheet {
        Sheet::Invoice => [
            Some(("Issued", document.issue_date.to_string())),
            Some(("Due", document.due_date.to_string())),
            service,
            Some(("Amount due", document.totals.due.to_string())),
        ],
        Sheet::CreditNote(note) => [
            Some(("Issued", note.issued_on.to_string())),
            Some(("For invoice", document.number.clone())),
            Some(("Invoice date", document.issue_date.to_string())),
            service,
        ],
    };
    for (label, value) in dates.into_iter().flatten() {
        pages.gray_text(half + 40.0, BODY, label);
        // A value too long to sit beside its label (a service period) goes under it.
        let beside = width(label, BODY, Weight::Regular) + 8.0 + width(&value, BODY, Weight::Bold);
        if beside > right - (half + 40.0) {
            pages.y += LEADING;
        }
        pages.text_right(right, BODY, Weight::Bold, &value);
        pages.y += LEADING;
    }
    pages.y = pages.y.max(seller_bottom) + 18.0;

    // Bill to.
    pages.gray_text(MARGIN, 8.5, "BILL TO");
    pages.y += LEADING;
    let bill_to = &document.bill_to;
    pages.text(MARGIN, 10.5, Weight::Bold, &bill_to.name);
    pages.y += LEADING;
    let mut client_lines: Vec<String> = Vec::new();
    client_lines.extend(bill_to.company.clone());
    client_lines.extend(bill_to.address.clone());
    client_lines.extend(bill_to.country.clone());
    client_lines.extend(bill_to.tax_id.as_ref().map(|id| format!("Tax ID: {id}")));
    client_lines.extend(bill_to.emails.first().cloned());
    for line in client_lines {
        for wrapped in wrap(&line, BODY, Weight::Regular, half - MARGIN) {
            pages.text(MARGIN, BODY, Weight::Regular, &wrapped);
            pages.y += LEADING;
        }
    }
    pages.y += 16.0;

    // Lines.
    let (qty_right, price_right) = (right - 170.0, right - 85.0);
    let description_width = qty_right - MARGIN - 50.0;
    pages.gray_text(MARGIN, 8.5, "DESCRIPTION");
    pages.text_right(qty_right, 8.5, Weight::Regular, "QTY");
    pages.text_right(price_right, 8.5, Weight::Regular, "UNIT PRICE");
    pages.text_right(right, 8.5, Weight::Regular, "AMOUNT");
    pages.y += 6.0;
    pages.rule(MARGIN, right);
    pages.y += LEADING;
    let reduction = reduction_of(document, sheet);
    let lines: Vec<LineView> = match &reduction {
        Some(reduction) => vec![reduction.line.clone()],
        None => document.lines.clone(),
    };
    for line in &lines {
        let wrapped = wrap(&line.description, BODY, Weight::Regular, description_width);
        pages.room_for(LEADING * wrapped.len() as f32 + 6.0)?;
        pages.text_right(qty_right, BODY, Weight::Regular, &line.quantity);
        pages.text_right(
            price_right,
            BODY,
            Weight::Regular,
            &line.unit_price.to_string(),
        );
        pages.text_right(right, BODY, Weight::Regular, &stated(line.amount, sheet));
        for text in wrapped {
            pages.text(MARGIN, BODY, Weight::Regular, &text);
            pages.y += LEADING;
        }
        pages.y -= LEADING - 6.0;
        pages.rule(MARGIN, right);
        pages.y += LEADING;
    }

    // Totals, one line per tax.
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    if let Some(reduction) = &reduction {
        rows.push((
            "Subtotal".into(),
            stated(reduction.line.amount, sheet),
            false,
        ));
        for tax in &reduction.taxes {
            rows.push((tax.label.clone(), stated(tax.amount, sheet), false));
        }
        rows.push((
            "Total credited".into(),
            stated(reduction.amount, sheet),
            true,
        ));
    } else {
        rows.extend(totals_rows(document, sheet));
    }
    pages.room_for(LEADING * (rows.len() as f32 + 1.0))?;
    pages.y += 4.0;
    for (label, amount, strong) in rows {
        let weight = if strong {
            Weight::Bold
        } else {
            Weight::Regular
        };
        pages.text(half + 40.0, BODY, weight, &label);
        pages.text_right(right, BODY, weight, &amount);
        pages.y += LEADING + if strong { 2.0 } else { 0.0 };
    }
    pages.y += 14.0;

    // What else the invoice must say, and how to pay.
    let width = right - MARGIN;
    let section = |pages: &mut Pages, heading: &str, text: &str| -> Result<(), PdfError> {
        let lines = wrap(text, BODY, Weight::Regular, width);
        pages.room_for(LEADING * (lines.len() as f32 + 2.0))?;
        pages.gray_text(MARGIN, 8.5, heading);
        pages.y += LEADING;
        for line in lines {
            pages.text(MARGIN, BODY, Weight::Regular, &line);
            pages.y += LEADING;
        }
        pages.y += 8.0;
        Ok(())
    };
    if let Sheet::CreditNote(note) = sheet {
        let heading = if note.reduces.is_some() {
            "REDUCES"
        } else {
            "CANCELS"
        };
        section(
            &mut pages,
            heading,
            &note.says(&document.number, document.issue_date),
        )?;
    }
    if let Some(note) = &document.reverse_charge {
        section(&mut pages, "VAT", note)?;
    }
    // What to pay and how: an invoice's, never a credit note's.
    if matches!(sheet, Sheet::Invoice) {
        if let Some(url) = &document.pay_url {
            section(&mut pages, "PAY ONLINE", url)?;
        }
        if let Some(instructions) = &document.payment_instructions {
            let heading = if document.pay_url.is_some() {
                "OR PAY BY BANK TRANSFER"
            } else {
                "HOW TO PAY"
            };
            section(&mut pages, heading, instructions)?;
        }
        if let Some(notes) = &document.notes {
            section(&mut pages, "NOTES", notes)?;
        }
        if !document.payments.is_empty() {
            let received: Vec<String> = document.payments.iter().map(PaymentView::line).collect();
            section(&mut pages, "PAYMENTS RECEIVED", &received.join("\n"))?;
        }
    }
    if let Some(footer) = &document.footer {
        let lines = wrap(footer, 8.0, Weight::Regular, width);
        pages.room_for(LEADING * lines.len() as f32 + 10.0)?;
        pages.y += 10.0;
        for line in lines {
            pages.gray_text(MARGIN, 8.0, &line);
            pages.y += 11.0;
        }
    }
    pages.finish(&match sheet {
        Sheet::Invoice => format!("Invoice {}", document.number),
        Sheet::CreditNote(note) => format!("Credit note {}", note.number),
    })
}

/// The seller's details under their name, as the invoice page lists them.
fn seller_lines(document: &InvoiceDocument) -> Vec<String> {
    let seller = &document.from;
    let mut lines = Vec::new();
    lines.extend(seller.address.clone());
    lines.extend(seller.country.clone());
    lines.extend(seller.tax_id.as_ref().map(|id| format!("Tax ID: {id}")));
    lines.push(seller.email.clone());
    lines.extend(seller.phone.clone());
    lines
}

/// A stored logo for the PDF; one that no longer decodes is left out rather than failing the
/// whole invoice.
fn decode(logo: Logo<'_>) -> Option<Image> {
    let data = logo.bytes.to_vec().into();
    match logo.content_type {
        "image/png" => Image::from_png(data, true).ok(),
        "image/jpeg" => Image::from_jpeg(data, true).ok(),
        _ => None,
    }
}
