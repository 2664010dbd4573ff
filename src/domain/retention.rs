//! What PayTrack keeps only for a while, and for how long: the privacy policy lists exactly
//! this, and a test checks that each entry's collection has the TTL index that makes the
//! database delete it on time (a promise the code keeps, not a sentence).

/// One kind of record that the database deletes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The collection the records live in.
    pub collection: &'static str,
    /// What they are, as the privacy policy names them.
    pub what: &'static str,
    /// How long they are kept.
    pub kept: &'static str,
}

pub const LIMITED: &[Retention] = &[
    Retention {
        collection: "login_tokens",
        what: "Sign-in links (stored only as a hash)",
        kept: "15 minutes after they are sent, used or not",
    },
    Retention {
        collection: "oauth_states",
        what: "The one-time check of a Google sign-in",
        kept: "10 minutes",
    },
    Retention {
        collection: "sessions",
        what: "Sessions, with the IP address and browser (user agent) they signed in from",
        kept: "30 days after their last use, and never more than 90 days after sign-in",
    },
    Retention {
        collection: "rate_limits",
        what: "Counters of sign-in and other attempts, keyed by IP address, network or a hash of the email address",
        kept: "until their window ends: at most one hour",
    },
    Retention {
        collection: "email_batches",
        what: "Emails waiting to be handed to Resend together",
        kept: "one day after Resend accepted them (their content is removed at once)",
    },
    Retention {
        collection: "webhook_events",
        what: "The ids of events Stripe and Resend sent us (so that none is handled twice)",
        kept: "7 days",
    },
];
