//! A client's bank disputing a card payment (a chargeback). Stripe takes the money back from
//! the account when a dispute opens and gives it back if the account wins; an inquiry (the
//! bank only asking) moves no money. Stripe lists each move on the dispute as a balance
//! transaction — none, one (taken back), two (taken and given back) — and that count only
//! grows, so it orders news that arrives late, twice or out of order: the money follows the
//! count, never the order of events.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::money::Money;

/// Where a dispute stands, as the owner reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisputeState {
    /// The bank is asking questions: no money has moved, an answer is due.
    Inquiry,
    /// The money was taken back; the account can answer with evidence.
    Open,
    Won,
    Lost,
    /// Closed without a chargeback (an inquiry that went no further).
    Closed,
}

impl DisputeState {
    /// From Stripe's `status`; one Stripe adds later reads as a dispute still open.
    pub fn of(status: &str) -> Self {
        match status {
            "warning_needs_response" | "warning_under_review" => DisputeState::Inquiry,
            "warning_closed" | "prevented" => DisputeState::Closed,
            "won" => DisputeState::Won,
            "lost" => DisputeState::Lost,
            _ => DisputeState::Open,
        }
    }

    /// How far along a dispute is: news of a dispute less far along is older.
    fn rank(self) -> u8 {
        match self {
            DisputeState::Inquiry => 0,
            DisputeState::Open => 1,
            DisputeState::Won | DisputeState::Lost | DisputeState::Closed => 2,
        }
    }
}

/// What Stripe says of a dispute at one moment: its status and how many times it moved money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeStep<'a> {
    pub status: &'a str,
    pub moves: u8,
}

impl DisputeStep<'_> {
    /// Whether this says more than `known` did: more money moved, or the dispute went further.
    pub fn is_newer_than(&self, known: &DisputeStep<'_>) -> bool {
        self.moves > known.moves
            || (self.moves == known.moves
                && DisputeState::of(self.status).rank() > DisputeState::of(known.status).rank())
    }
}

/// What news of a dispute does to the money of the payment it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyMove {
    /// Nothing: an inquiry, a status change, or a take and a give-back both heard at once.
    Stays,
    TakenBack,
    GivenBack,
}

/// The money move between `known` moves and `heard` moves (Stripe's counts).
pub fn money_move(known: u8, heard: u8) -> MoneyMove {
    match (known.min(2), heard.min(2)) {
        (0, 1) => MoneyMove::TakenBack,
        (1, 2) => MoneyMove::GivenBack,
        _ => MoneyMove::Stays,
    }
}

/// A dispute as the invoice page tells it to the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeView {
    pub state: DisputeState,
    /// What the bank disputed.
    pub amount: Money,
    /// The day PayTrack heard of it, in the owner's zone.
    pub opened_on: CalendarDate,
    /// The last day to answer in Stripe, while that matters.
    pub respond_by: Option<CalendarDate>,
    /// Won, when the invoice was settled another way meanwhile: what came back that it no
    /// longer wanted, for the owner to give back.
    pub to_refund: Option<Money>,
}

impl DisputeView {
    /// What the invoice page says of it.
    pub fn sentence(&self) -> String {
        let amount = self.amount;
        let answer = match self.respond_by {
            Some(day) => format!("Answer it in your Stripe dashboard by {}", day.long()),
            None => "Answer it in your Stripe dashboard".to_string(),
        };
        match self.state {
            DisputeState::Inquiry => format!(
                "Your client's bank asked about {amount} of this invoice's payment on {}. No money has moved yet. {answer}, or the bank may take the money back.",
                self.opened_on.long()
            ),
            DisputeState::Open => format!(
                "Your client disputed {amount} of this invoice's payment with their bank, and Stripe took it back on {}: it is owed again, and reminders are paused. {answer}; if the bank decides for you, the money comes back here by itself.",
                self.opened_on.long()
            ),
            DisputeState::Won => match self.to_refund {
                Some(rest) => format!(
                    "The dispute over {amount} was decided for you and the money came back, but this invoice had been settled meanwhile: {rest} of it is more than was owed. Refund it to your client from your Stripe dashboard."
                ),
                None => format!(
                    "The dispute over {amount} was decided for you: the money came back and counts as paid again."
                ),
            },
            DisputeState::Lost => format!(
                "The bank decided the dispute over {amount} for your client: the money stays with them and is owed on this invoice. Resume reminders to chase it, or write it off."
            ),
            DisputeState::Closed => format!(
                "Your client's bank closed its questions about {amount} of this invoice's payment; nothing was taken back."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn step(status: &str, moves: u8) -> DisputeStep<'_> {
        DisputeStep { status, moves }
    }

    #[test]
    fn money_follows_the_count_of_moves_whatever_order_news_comes_in() {
        assert_eq!(money_move(0, 1), MoneyMove::TakenBack);
        assert_eq!(money_move(1, 2), MoneyMove::GivenBack);
        // Taken and given back before PayTrack heard: the payment stands as it was.
        assert_eq!(money_move(0, 2), MoneyMove::Stays);
        assert_eq!(money_move(0, 0), MoneyMove::Stays);
        assert_eq!(money_move(1, 1), MoneyMove::Stays);
        // Late news of the take, after the give-back.
        assert_eq!(money_move(2, 1), MoneyMove::Stays);
        assert_eq!(money_move(2, 7), MoneyMove::Stays);
    }

    #[test]
    fn news_is_newer_when_money_moved_or_the_dispute_went_further() {
        assert!(step("needs_response", 1).is_newer_than(&step("warning_needs_response", 0)));
        assert!(step("lost", 1).is_newer_than(&step("needs_response", 1)));
        assert!(step("won", 2).is_newer_than(&step("under_review", 1)));
        assert!(!step("needs_response", 1).is_newer_than(&step("won", 2)));
        assert!(!step("under_review", 1).is_newer_than(&step("needs_response", 1)));
        assert!(!step("needs_response", 1).is_newer_than(&step("lost", 1)));
        assert!(!step("won", 2).is_newer_than(&step("won", 2)));
    }

    #[test]
    fn stripes_statuses_read_as_states() {
        assert_eq!(
            DisputeState::of("warning_under_review"),
            DisputeState::Inquiry
        );
        assert_eq!(DisputeState::of("warning_closed"), DisputeState::Closed);
        assert_eq!(DisputeState::of("needs_response"), DisputeState::Open);
        assert_eq!(DisputeState::of("under_review"), DisputeState::Open);
        assert_eq!(DisputeState::of("something_new"), DisputeState::Open);
        assert_eq!(DisputeState::of("won"), DisputeState::Won);
        assert_eq!(DisputeState::of("lost"), DisputeState::Lost);
    }

    #[test]
    fn the_page_says_what_to_do_and_by_when() {
        let day = CalendarDate::parse("2026-12-01").unwrap();
        let by = CalendarDate::parse("2026-12-20").unwrap();
        let view = |state, to_refund| DisputeView {
            state,
            amount: Money::from_minor(5_000, Currency::EUR),
            opened_on: day,
            respond_by: Some(by),
            to_refund,
        };
        let open = view(DisputeState::Open, None).sentence();
        assert!(
            open.contains("€50.00") && open.contains(&by.long()),
            "{open}"
        );
        assert!(open.contains("owed again"), "{open}");
        let won = view(DisputeState::Won, None).sentence();
        assert!(won.contains("counts as paid again"), "{won}");
        let rest = Some(Money::from_minor(2_000, Currency::EUR));
        let won_late = view(DisputeState::Won, rest).sentence();
        assert!(
            won_late.contains("€20.00") && won_late.contains("Refund"),
            "{won_late}"
        );
        let lost = view(DisputeState::Lost, None).sentence();
        assert!(lost.contains("write it off"), "{lost}");
    }
}
