//! The user's clients: adding (counted against Free's active clients), editing (drafts take
//! the new details, a fixed address lifts bounce holds, reminders re-planned), archiving and
//! restoring, and one client's page.

use std::collections::HashMap;

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::client::{self, Client};
use crate::domain::date::CalendarDate;
use crate::domain::invoice_list::ListParams;
use crate::domain::money::{Currency, Money};
use crate::domain::owing::Owing;
use crate::domain::pay_habits::{LastReply, PaidInvoice, PayHabits};
use crate::domain::usage::UsageEvent;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::client_choices::{self, Among, ClientChoiceDoc};
use crate::server::db::client_owed;
use crate::server::db::client_rows::{self, ClientRowDoc};
use crate::server::db::clients::{self, ClientDoc};
use crate::server::db::invoices::{self, ListedInvoice};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::effects::count;
use crate::server::jobs::plan::today_of;
use crate::server::limits::{self, Adds};
use crate::server::pay_habits;
use crate::server::state::AppState;

/// How many invoices a client's page lists.
const HISTORY: usize = 100;

/// How many clients a page of the list shows: as many as a page of the invoice list. A hundred
/// made the page 80 KB of HTML, which under load held it to ~150 requests a second with a p99
/// near 600 ms, for rows few scroll through before they search.
const PAGE: usize = crate::server::invoicing::listing::PAGE_SIZE;

/// The most clients the invoice editor's picker and the invoice list's filter offer at once
/// (the picker finds the others by search).
const PICKABLE: usize = 1000;

/// One client's page: the client, what they still owe per currency, their latest invoices.
pub struct ClientFile {
    pub client: ClientDoc,
    pub balances: Vec<Money>,
    pub invoices: Vec<ListedInvoice>,
    /// The user's today the page was read on (rows say "overdue" against it).
    pub today: CalendarDate,
    pub habits: PayHabits,
    /// The invoices they paid last, latest first.
    pub paid: Vec<PaidInvoice>,
    pub last_reply: Option<LastReply>,
}

/// A page of the client list.
pub struct ClientPage {
    pub clients: Vec<ClientRowDoc>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
    /// How many archived clients an empty first page of active ones hides (else 0): someone
    /// who archived every client is not told they have none.
    pub archived_hidden: u64,
    /// What the clients of the page who owe something owe, on the user's today.
    pub owing: Vec<(ObjectId, Owing)>,
}

/// A page of the owner's clients by name, matching `search` (name, company or email), from
/// the `after` cursor of the page before (empty for the first).
pub async fn list(
    state: &AppState,
    user: &UserDoc,
    include_archived: bool,
    search: &str,
    after: &str,
) -> Result<ClientPage, AppError> {
    let owner = user.id;
    let search = checked_search(search)?;
    let after = match after {
        "" => None,
        cursor => Some(client_rows::ListPosition::parse(cursor).ok_or_else(AppError::stale_page)?),
    };
    let mut page = client_rows::read(
        &state.db,
        owner,
        include_archived,
        search,
        after.as_ref(),
        PAGE as i64 + 1,
    )
    .await
    .map_err(db::failed("listing clients"))?;
    let next = if page.len() > PAGE {
        page.truncate(PAGE);
        page.last()
            .map(|last| client_rows::ListPosition::after(last).to_cursor())
    } else {
        None
    };
    let archived_hidden =
        if page.is_empty() && search.is_empty() && after.is_none() && !include_archived {
            clients::count_archived(&state.db, owner)
                .await
                .map_err(db::failed("counting archived clients"))?
        } else {
            0
        };
    let owing = owing_of(state, user, &page).await?;
    Ok(ClientPage {
        clients: page,
        next,
        archived_hidden,
        owing,
    })
}

/// What each of `clients` who owes something owes, from their open invoices' kept days
/// (`db::client_owed`).
async fn owing_of(
    state: &AppState,
    user: &UserDoc,
    clients: &[ClientRowDoc],
) -> Result<Vec<(ObjectId, Owing)>, AppError> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ObjectId> = clients.iter().map(|c| c.id).collect();
    let kept = client_owed::of_clients(&state.db, user.id, Some(&ids))
        .await
        .map_err(db::failed("reading what clients owe"))?;
    let today = today_of(user);
    let mut by_client: HashMap<ObjectId, Vec<(Money, CalendarDate)>> = HashMap::new();
    for (client, day) in kept {
        let due = Money::from_minor(day.minor, day.currency);
        by_client.entry(client).or_default().push((due, day.due));
    }
    let mut owing = Vec::new();
    for id in ids {
        let Some(theirs) = by_client.remove(&id) else {
            continue;
        };
        let summed = Owing::of(theirs, today).map_err(|err| {
            tracing::error!(client = %id, error = %err, "a client's open invoices do not sum");
            AppError::Internal
        })?;
        if !summed.owed.is_empty() {
            owing.push((id, summed));
        }
    }
    Ok(owing)
}

fn checked_search(search: &str) -> Result<&str, AppError> {
    if search.chars().count() > 100 {
        return Err(AppError::Rejected(
            "Keep the search under 100 characters.".to_string(),
        ));
    }
    Ok(search.trim())
}

/// The clients a picker offers.
pub struct Choices {
    /// The owner's clients `among` by name, at most `PICKABLE`, and `also` wherever it sorts.
    pub clients: Vec<ClientChoiceDoc>,
    /// Whether more clients matched than are offered: the editor's picker then searches.
    pub more: bool,
}

/// Up to `PICKABLE` of the owner's clients `among` (every one for the invoice list's filter,
/// the active ones for the editor's picker), by name, with the client `also` among them when
/// it is the owner's (the one the list is filtered by or the invoice is for, or that a client's
/// page asked for), though it be past the first `PICKABLE` or archived.
pub async fn choices(
    state: &AppState,
    owner: ObjectId,
    among: Among,
    also: Option<ObjectId>,
) -> Result<Choices, AppError> {
    let mut clients = client_choices::read(&state.db, owner, among, PICKABLE as i64 + 1)
        .await
        .map_err(db::failed("listing clients"))?;
    let more = clients.len() > PICKABLE;
    clients.truncate(PICKABLE);
    if let Some(also) = also
        && !clients.iter().any(|c| c.id == also)
    {
        let found = client_choices::read(&state.db, owner, Among::Only(also), 1)
            .await
            .map_err(db::failed("reading a client"))?;
        for client in found {
            let at =
                clients.partition_point(|c| (&c.sort_name, c.id) < (&client.sort_name, client.id));
            clients.insert(at, client);
        }
    }
    Ok(Choices { clients, more })
}

/// The currency a new client of `user`'s starts in (`domain::client::usual_currency`).
pub async fn usual_currency(state: &AppState, user: &UserDoc) -> Result<Currency, AppError> {
    let latest = clients::latest_currency(&state.db, user.id)
        .await
        .map_err(db::failed("reading your latest client"))?;
    let business_country = user.business.as_ref().and_then(|b| b.country);
    Ok(client::usual_currency(
        latest,
        business_country,
        &user.time_zone,
    ))
}

async fn get(state: &AppState, owner: ObjectId, id: ObjectId) -> Result<ClientDoc, AppError> {
    clients::get(&state.db, owner, id)
        .await
        .map_err(db::failed("reading a client"))?
        .ok_or_else(|| AppError::not_found("client"))
}

pub async fn file(state: &AppState, user: &UserDoc, id: ObjectId) -> Result<ClientFile, AppError> {
    let client = get(state, user.id, id).await?;
    let balances = invoices::balances_of_client(&state.db, user.id, id)
        .await
        .map_err(db::failed("adding up a client's balance"))?
        .into_iter()
        .filter(|(_, due)| *due > 0)
        .map(|(currency, due)| Money::from_minor(due, currency))
        .collect();
    let query = ListParams::default()
        .parse()
        .map_err(AppError::BadRequest)?;
    let today = today_of(user);
    let (invoices, _) = invoices::list(&state.db, user.id, &query, Some(id), today, HISTORY)
        .await
        .map_err(|err| err.user_facing("listing a client's invoices"))?;
    let ((habits, paid), last_reply) = futures::try_join!(
        pay_habits::of_client(state, user, id, client.habits.as_ref()),
        pay_habits::last_reply(state, user, id),
    )?;
    Ok(ClientFile {
        client,
        balances,
        invoices,
        today,
        habits,
        paid,
        last_reply,
    })
}

pub async fn create(
    state: &AppState,
    user: &UserDoc,
    client: &Client,
) -> Result<ClientDoc, AppError> {
    let insert = async {
        clients::insert(&state.db, user.id, client, DateTime::now())
            .await
            .map_err(db::failed("saving a new client"))
    };
    let saved = limits::guarded(state, user, Adds::ActiveClient, insert).await?;
    count(state, UsageEvent::ClientCreated).await;
    Ok(saved)
}

pub async fn update(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    client: &Client,
) -> Result<ClientDoc, AppError> {
    let saved = clients::update(&state.db, user.id, id, client, DateTime::now())
        .await
        .map_err(db::failed("saving a client"))?
        .ok_or_else(|| AppError::not_found("client"))?;
    if let Err(err) = invoices::readdress_drafts(&state.db, user.id, &saved).await {
        tracing::error!(error = %err, "updating drafts after a client edit");
        return Err(AppError::Internal);
    }
    // A fixed address lifts the hold a bounce put on the client's invoices; reminders
    // switched on or off take effect on every open invoice.
    if let Err(err) = invoices::lift_bounce_holds(&state.db, user.id, saved.id).await {
        tracing::error!(error = %err, "lifting bounce holds after a client edit");
    }
    crate::server::chasing::replan_all(state, user, Some(saved.id)).await;
    Ok(saved)
}

/// Archives (or, with `archived = false`, restores) a client. Their invoices stay as they are.
pub async fn archive(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    archived: bool,
) -> Result<ClientDoc, AppError> {
    let set = async {
        clients::set_archived(&state.db, user.id, id, archived, DateTime::now())
            .await
            .map_err(db::failed("archiving a client"))?
            .ok_or_else(|| AppError::not_found("client"))
    };
    // Restoring makes the client active again: it counts against the Free plan.
    let restoring = !archived && get(state, user.id, id).await?.archived;
    if restoring {
        limits::guarded(state, user, Adds::ActiveClient, set).await
    } else {
        set.await
    }
}
