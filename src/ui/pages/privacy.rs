use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::contact_email::ContactEmail;

/// The privacy policy: what PayTrack collects, why, who processes it, and the user's rights.
#[component]
pub fn Privacy() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    view! {
        <Title text="Privacy policy" />
        <article class="page prose">
            <h1>"Privacy policy"</h1>
            <p class="muted">"Last updated 2 December 2026"</p>
            <p>
                "PayTrack helps you send invoices and collect payment. To do that we keep some data about you and about the clients you bill. This page says what, why, who else handles it, and how you stay in control. Questions or requests: "
                <ContactEmail />"."
            </p>

            <h2>"What we collect"</h2>
            <ul>
                <li><strong>"Your account:"</strong>" name, email address, profile picture and Google account id if you sign in with Google, your time zone, and when you signed up."</li>
                <li><strong>"Your business data:"</strong>" the clients you add (names, email and postal addresses, notes), your invoices and their line items, payments you record (and, for your dashboard, what they add up to per currency and month), and your reminder settings."</li>
                <li><strong>"Email records:"</strong>" which invoice and reminder emails we sent, to whom, when, and whether they were delivered, bounced or marked as spam."</li>
                <li><strong>"Your clients' replies:"</strong>" when your clients reply to an invoice email or reminder, the message (sender, subject, text, and its HTML cleaned of scripts and images) is kept with the invoice, shown to you and forwarded to your email address. Resend receives it for us."</li>
                <li><strong>"Promises to pay:"</strong>" when your client names, on the invoice's page, the day they will pay by, that day and when they said it are kept with the invoice; PayTrack works out from your invoices how late each client pays on average and keeps that figure with the client. Both go when the invoice or the client does."</li>
                <li><strong>"Your Stripe connection:"</strong>" the API key you paste and the ids of the customers, payment links and invoices we create in your Stripe account."</li>
                <li><strong>"Sign-in sessions:"</strong>" a random session id in a cookie (we store only its hash), when the session started and was last used, how you signed in, and the IP address and browser (user agent) it signed in from — you see them all in account settings."</li>
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
                <li><strong>"Resend"</strong>" — delivers the invoice, reminder, login-link and notification emails, and receives your clients' replies to them."</li>
                <li><strong>"Crisp"</strong>" — the support chat. Nothing of Crisp loads until you press \"Chat with support\"; then Crisp receives your name and email address, and sets its own cookies to keep the conversation. Signing out resets Crisp's session in your browser."</li>
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
            <p>"Your account and business data: as long as your account exists. These records are deleted automatically by the database:"</p>
            <ul class="retention">
                {crate::domain::retention::LIMITED.iter().map(|r| view! {
                    <li><strong>{r.what}":"</strong>" "{r.kept}"."</li>
                }).collect_view()}
            </ul>
            <p>"Backups of our database roll over within 30 days, so a deleted account is gone from them 30 days after its deletion at the latest."</p>

            <h2>"What stays elsewhere after you delete your account"</h2>
            <ul>
                <li><strong>"Stripe (PayTrack's own billing):"</strong>" if you subscribed, your customer record and PayTrack's invoices to you stay in PayTrack's Stripe account, because tax and accounting law requires us to keep billing records (up to 10 years in some countries). Your subscription is canceled first."</li>
                <li><strong>"Your own Stripe account:"</strong>" the customers, payment links and payments PayTrack created there are yours; deleting PayTrack does not delete them."</li>
                <li><strong>"Crisp:"</strong>" conversations you had with support stay in Crisp until we delete them; write to us and we will."</li>
                <li><strong>"Resend:"</strong>" Resend keeps its log of the emails it delivered for us (recipient, subject, delivery events) for the log retention period of our Resend plan, then deletes it."</li>
            </ul>

            <h2>"Cookies"</h2>
            <p>"One cookie keeps you signed in, and a short-lived one (10 minutes) protects a Google sign-in. Crisp sets its own cookies only once you open the support chat. There are no analytics or advertising cookies."</p>
        </article>
    }
}
