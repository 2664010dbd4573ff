//! An invoice's life: draft → open (sent) → partially paid → paid, or void, or written off
//! (what is left no longer expected: the client won't or can't pay — and if they pay after
//! all, the money is recorded and what was written off shrinks). "Overdue" is not
//! stored: it is an open or partially paid invoice whose due date is before today in the
//! user's time zone.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvoiceStatus {
    Draft,
    Open,
    PartiallyPaid,
    Paid,
    Void,
    WrittenOff,
}

/// What can happen to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceEvent {
    Send,
    /// A payment that leaves something owed.
    PartPayment,
    /// A payment that settles the invoice.
    FullPayment,
    Void,
    /// The user stops expecting what is left; payments already made stay.
    WriteOff,
    /// A credit note takes part of what is owed off the price (the status follows what is
    /// left: see `after_reduction`).
    Reduce,
}

impl InvoiceStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "Draft",
            InvoiceStatus::Open => "Open",
            InvoiceStatus::PartiallyPaid => "Partially paid",
            InvoiceStatus::Paid => "Paid",
            InvoiceStatus::Void => "Void",
            InvoiceStatus::WrittenOff => "Written off",
        }
    }

    /// The status after `event`, or why it cannot happen.
    pub fn apply(self, event: InvoiceEvent) -> Result<InvoiceStatus, String> {
        use InvoiceEvent as E;
        use InvoiceStatus as S;
        match (self, event) {
            (S::Draft, E::Send) => Ok(S::Open),
            (S::Open | S::PartiallyPaid, E::PartPayment) => Ok(S::PartiallyPaid),
            (S::Open | S::PartiallyPaid, E::FullPayment) => Ok(S::Paid),
            (S::Draft | S::Open, E::Void) => Ok(S::Void),
            (S::Open | S::PartiallyPaid, E::WriteOff) => Ok(S::WrittenOff),
            (S::Open | S::PartiallyPaid, E::Reduce) => Ok(self),
            (S::Draft, E::Reduce) => Err(
                "A draft hasn't gone to the client yet: edit its lines instead of issuing a credit note."
                    .to_string(),
            ),
            (S::Paid, E::Reduce) => Err(
                "This invoice is paid, so nothing is owed to take off: give money back by a refund."
                    .to_string(),
            ),
            (S::WrittenOff, E::Reduce) => Err(
                "This invoice was written off: nothing is expected on it to take off.".to_string(),
            ),
            // Paid after all: what was written off shrinks, and is gone once all of it came.
            (S::WrittenOff, E::PartPayment) => Ok(S::WrittenOff),
            (S::WrittenOff, E::FullPayment) => Ok(S::Paid),
            (S::Draft, E::WriteOff) => Err(
                "A draft isn't owed yet, so there is nothing to write off: delete it instead."
                    .to_string(),
            ),
            (S::Paid, E::WriteOff) => {
                Err("This invoice is paid, so nothing is left to write off.".to_string())
            }
            (S::Draft, E::PartPayment | E::FullPayment) => {
                Err("Send the invoice before recording a payment against it.".to_string())
            }
            (S::Open | S::PartiallyPaid | S::Paid | S::WrittenOff, E::Send) => {
                Err("This invoice has already been sent.".to_string())
            }
            (S::PartiallyPaid, E::Void) => Err(
                "This invoice has payments on it, so it can't be voided: write off what is left instead, or remove a payment you recorded by mistake (under “Payments you recorded”)."
                    .to_string(),
            ),
            (S::Paid, E::Void) => Err("A paid invoice can't be voided.".to_string()),
            (S::Paid, E::PartPayment | E::FullPayment) => Err("This invoice is already paid.".to_string()),
            (S::Void, _) => Err("This invoice is void; duplicate it to bill again.".to_string()),
            (S::WrittenOff, E::Void) => {
                Err("This invoice was written off; it stays as it was sent.".to_string())
            }
            (S::WrittenOff, E::WriteOff) => {
                Err("This invoice was already written off.".to_string())
            }
        }
    }

    /// The status once a payment is taken off (one recorded by mistake): owed again in full
    /// when `paid_after` is nothing, in part otherwise — unless the invoice was written off
    /// (`written_off`, even if paid in full after), which it stays, with more written off.
    pub fn without_payment(
        self,
        paid_after: i64,
        written_off: bool,
    ) -> Result<InvoiceStatus, String> {
        match self {
            InvoiceStatus::WrittenOff => Ok(InvoiceStatus::WrittenOff),
            InvoiceStatus::Paid if written_off => Ok(InvoiceStatus::WrittenOff),
            InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid if paid_after == 0 => {
                Ok(InvoiceStatus::Open)
            }
            InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid => Ok(InvoiceStatus::PartiallyPaid),
            InvoiceStatus::Void => {
                Err("This invoice is void; its payments stay as they are.".to_string())
            }
            InvoiceStatus::Draft | InvoiceStatus::Open => {
                Err("This invoice has no payment to remove.".to_string())
            }
        }
    }

    /// The status once Stripe gave part of a payment back: like a payment taken off — the
    /// money has left either way, so nothing refuses it.
    pub fn after_refund(self, paid_after: i64, written_off: bool) -> InvoiceStatus {
        self.without_payment(paid_after, written_off)
            .unwrap_or(self)
    }

    /// The status once a credit note took `amount` off an invoice owing `due`: paid when it
    /// takes off all that was left (what was paid and credited make the total), as it was
    /// otherwise.
    pub fn after_reduction(self, amount: i64, due: i64) -> InvoiceStatus {
        if amount >= due {
            InvoiceStatus::Paid
        } else {
            self
        }
    }

    /// Whether money for this invoice is welcome: while it is owed, and after it was written
    /// off (paid after all). Not once paid or voided (that money is the client's).
    pub fn takes_payments(self) -> bool {
        self.is_collectable() || self == InvoiceStatus::WrittenOff
    }

    /// Whether PayTrack should chase this invoice at all.
    pub fn is_collectable(self) -> bool {
        matches!(self, InvoiceStatus::Open | InvoiceStatus::PartiallyPaid)
    }

    /// Overdue: still collectable and due before `today` (the user's local date).
    pub fn is_overdue(self, due: CalendarDate, today: CalendarDate) -> bool {
        self.is_collectable() && due < today
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvoiceEvent as E;
    use InvoiceStatus as S;

    const ALL: [S; 6] = [
        S::Draft,
        S::Open,
        S::PartiallyPaid,
        S::Paid,
        S::Void,
        S::WrittenOff,
    ];
    const EVENTS: [E; 6] = [
        E::Send,
        E::PartPayment,
        E::FullPayment,
        E::Void,
        E::WriteOff,
        E::Reduce,
    ];

    #[test]
    fn a_reduction_of_all_that_is_left_settles_the_invoice() {
        assert_eq!(S::Open.after_reduction(100, 500), S::Open);
        assert_eq!(S::PartiallyPaid.after_reduction(100, 500), S::PartiallyPaid);
        assert_eq!(S::PartiallyPaid.after_reduction(500, 500), S::Paid);
    }

    #[test]
    fn the_normal_life_of_an_invoice() {
        let sent = S::Draft.apply(E::Send).unwrap();
        let part = sent.apply(E::PartPayment).unwrap();
        let paid = part.apply(E::FullPayment).unwrap();
        assert_eq!((sent, part, paid), (S::Open, S::PartiallyPaid, S::Paid));
        assert_eq!(S::Draft.apply(E::Void), Ok(S::Void));
        assert_eq!(S::Open.apply(E::Void), Ok(S::Void));
    }

    #[test]
    fn every_illegal_transition_explains_itself() {
        let legal = [
            (S::Draft, E::Send),
            (S::Draft, E::Void),
            (S::Open, E::PartPayment),
            (S::Open, E::FullPayment),
            (S::Open, E::Void),
            (S::PartiallyPaid, E::PartPayment),
            (S::PartiallyPaid, E::FullPayment),
            (S::Open, E::WriteOff),
            (S::PartiallyPaid, E::WriteOff),
            (S::WrittenOff, E::PartPayment),
            (S::WrittenOff, E::FullPayment),
            (S::Open, E::Reduce),
            (S::PartiallyPaid, E::Reduce),
        ];
        for status in ALL {
            for event in EVENTS {
                let outcome = status.apply(event);
                if legal.contains(&(status, event)) {
                    assert!(outcome.is_ok(), "{status:?} + {event:?}");
                } else {
                    let message = outcome.unwrap_err();
                    assert!(
                        message.ends_with('.') && message.len() > 20,
                        "{status:?} + {event:?}: {message}"
                    );
                }
            }
        }
    }

    #[test]
    fn taking_a_payment_off_leaves_it_owed_in_part_or_in_full() {
        assert_eq!(S::Paid.without_payment(0, false), Ok(S::Open));
        assert_eq!(S::Paid.without_payment(500, false), Ok(S::PartiallyPaid));
        assert_eq!(S::PartiallyPaid.without_payment(0, false), Ok(S::Open));
        assert_eq!(
            S::PartiallyPaid.without_payment(1, false),
            Ok(S::PartiallyPaid)
        );
        for status in [S::Draft, S::Open, S::Void] {
            assert!(status.without_payment(0, false).unwrap_err().ends_with('.'));
        }
    }

    #[test]
    fn a_written_off_invoice_paid_after_all_stays_written_off_when_money_comes_off() {
        assert_eq!(S::WrittenOff.apply(E::PartPayment), Ok(S::WrittenOff));
        assert_eq!(S::WrittenOff.apply(E::FullPayment), Ok(S::Paid));
        assert_eq!(S::WrittenOff.without_payment(0, true), Ok(S::WrittenOff));
        assert_eq!(S::Paid.without_payment(500, true), Ok(S::WrittenOff));
        assert!(S::WrittenOff.takes_payments());
        assert!(!S::Paid.takes_payments() && !S::Void.takes_payments());
    }

    #[test]
    fn a_refund_reopens_what_was_paid_but_a_write_off_stays_one() {
        assert_eq!(S::Paid.after_refund(0, false), S::Open);
        assert_eq!(S::Paid.after_refund(500, false), S::PartiallyPaid);
        assert_eq!(S::PartiallyPaid.after_refund(0, false), S::Open);
        assert_eq!(S::WrittenOff.after_refund(0, true), S::WrittenOff);
        assert_eq!(S::Paid.after_refund(0, true), S::WrittenOff);
        assert_eq!(S::Void.after_refund(0, false), S::Void);
    }

    #[test]
    fn overdue_is_derived_from_the_due_date_and_the_users_today() {
        let due = CalendarDate::parse("2026-11-26").unwrap();
        let today = CalendarDate::parse("2026-11-27").unwrap();
        assert!(S::Open.is_overdue(due, today));
        assert!(S::PartiallyPaid.is_overdue(due, today));
        assert!(
            !S::Open.is_overdue(today, today),
            "due today is not yet overdue"
        );
        assert!(!S::Paid.is_overdue(due, today));
        assert!(!S::Draft.is_overdue(due, today));
        assert!(!S::Void.is_overdue(due, today));
        assert!(!S::WrittenOff.is_overdue(due, today));
    }
}
