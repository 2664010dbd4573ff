use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::contact_email::ContactEmail;

/// The privacy policy: what PayTrack collects, why, who processes it, and the user's rights.
#[component]
pub fn Privacy() -> impl IntoView {
    view! {
        <Title text="Privacy policy" />
        <article class="page prose">
            <h1>"Privacy policy"</h1>
            <p class="muted">"Last updated 27 November 2026"</p>
            <p>
                "PayTrack helps you send invoices and collect payment. To do that we keep some data about you and about the clients you bill. This page says what, why, who else handles it, and how you stay in control. Questions or requests: "
                <ContactEmail />"."
            </p>

            <h2>"What we collect"</h2>
            <ul>
                <li><strong>"Your account:"</strong>" name, email address, profile picture and Google account id if you sign in with Google, your time zone, and when you signed up."</li>
                <li><strong>"Your business data:"</strong>" the clients you add (names, email and postal addresses, notes), your invoices and their line items, payments you record, and your reminder settings."</li>
                <li><strong>"Email records:"</strong>" which invoice and reminder emails we sent, to whom, when, and whether they were delivered, bounced or marked as spam."</li>
                <li><strong>"Your Stripe connection:"</strong>" the API key you paste and the ids of the customers, payment links and invoices we create in your Stripe account."</li>
                <li><strong>"Sign-in sessions:"</strong>" a random session id in a cookie, and when each session was last used."</li>
                <li><strong>"Usage counts:"</strong>" daily totals of events such as \"invoice sent\", kept without your name or email. We use no third-party trackers or advertising cookies."</li>
            </ul>

            <h2>"Why we use it"</h2>
            <ul>
                <li>"To run the service you asked for: sign you in, store your invoices, email your clients, and detect payments."</li>
                <li>"To keep it secure: rate limits, security notices about your account, and abuse prevention."</li>
                <li>"To bill you for PayTrack Pro, if you subscribe."</li>
                <li>"To answer you when you contact support."</li>
            </ul>
            <p>"We never sell your data or your clients' data, and never use it for advertising."</p>

            <h2>"Who processes it for us"</h2>
            <ul>
                <li><strong>"Stripe"</strong>" — your clients' payments (in your own Stripe account) and PayTrack's own subscription billing."</li>
                <li><strong>"Resend"</strong>" — delivers the invoice, reminder, login-link and notification emails."</li>
                <li><strong>"Crisp"</strong>" — the support chat; it receives your name and email when you open it."</li>
                <li><strong>"MongoDB Atlas"</strong>" — hosts our database."</li>
                <li><strong>"Google"</strong>" — only if you choose \"Continue with Google\" to sign in."</li>
            </ul>

            <h2>"How we protect your Stripe key"</h2>
            <p>
                "Your Stripe API key is encrypted at rest with XChaCha20-Poly1305 under a master key that is kept outside the database. It is decrypted only in memory for the moment a call to Stripe needs it, is never written to logs, never included in an export, and never sent back to your browser — we show only its last four characters. Disconnecting Stripe deletes it. We recommend a restricted key that can do only what PayTrack needs."
            </p>

            <h2>"Your rights"</h2>
            <ul>
                <li><strong>"See and correct:"</strong>" everything you entered is visible and editable in the app; your profile is in account settings."</li>
                <li><strong>"Export:"</strong>" download everything we hold about you as a JSON file from account settings."</li>
                <li><strong>"Delete:"</strong>" deleting your account removes your data from every part of our database, ends all sessions, cancels your PayTrack subscription, and sends you a receipt."</li>
                <li><strong>"Object or complain:"</strong>" write to us, or to your local data protection authority."</li>
            </ul>

            <h2>"How long we keep it"</h2>
            <p>"As long as your account exists. Login links expire after 15 minutes; expired sessions are removed. Backups roll over within 30 days of a deletion."</p>

            <h2>"Cookies"</h2>
            <p>"One cookie keeps you signed in, and a short-lived one protects the Google sign-in. There are no analytics or advertising cookies."</p>
        </article>
    }
}
