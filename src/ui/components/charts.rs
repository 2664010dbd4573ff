//! The dashboard's charts, drawn by Leptos itself (no chart library): the money collected per
//! month and the operators' daily counts as SVG images with a text alternative and their numbers
//! in a table screen readers can read; outstanding money by age as a table with a bar per row.
//! Floats appear only in geometry: amounts stay integers and are formatted by `Money`.

use leptos::prelude::*;

use crate::api::dashboard::AGING_LABELS;
use crate::domain::invoice::invoices_counted;
use crate::domain::money::Money;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 36.0;

/// Bar height in drawing units for `value` on a scale up to `max`.
fn bar_height(value: i64, max: i64) -> f64 {
    if max <= 0 || value <= 0 {
        0.0
    } else {
        (value as f64 / max as f64) * (HEIGHT - TOP - BOTTOM)
    }
}

/// `value` in drawing units to a hundredth: finer than a pixel at any size the charts are
/// drawn, where the float's own digits (`37.333333333333336`) made each bar's markup twice as long.
fn unit(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// "2026-11" → "Nov".
fn month_label(key: &str) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    key.get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| NAMES.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or("")
}

/// Outstanding money by how late it is: a row per age, green for not yet due, warmer as it
/// ages. Rows of text with a bar drawn in each rather than an SVG, whose text would shrink with
/// the drawing on a phone; the table is what screen readers read.
#[component]
pub fn AgingChart(aging: [Money; 5], counts: [u32; 5], id: String) -> impl IntoView {
    let max = aging.iter().map(|m| m.minor()).max().unwrap_or(0);
    view! {
        <figure class="chart">
            <table class="aging-bars" id=id>
                <caption class="visually-hidden">"Outstanding by age"</caption>
                <thead class="visually-hidden">
                    <tr><th scope="col">"Age"</th><th scope="col">"Share"</th><th scope="col">"Amount"</th></tr>
                </thead>
                <tbody>
                    {aging.iter().enumerate().map(|(i, amount)| {
                        let share = bar_share(amount.minor(), max);
                        let invoices = invoices_counted(counts[i]);
                        let amount = amount.to_string();
                        view! {
                            <BarRow age=i label=AGING_LABELS[i].to_string() width=format!("{share}%")>
                                <strong>{amount}</strong>
                                <span class="muted small">{invoices}</span>
                            </BarRow>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

/// A row of a table of bars: what it counts, a bar `width` wide (CSS) in the colour of age
/// bucket `age` (as the aging chart colours them), and its figures.
#[component]
pub fn BarRow(age: usize, label: String, width: String, children: Children) -> impl IntoView {
    view! {
        <tr class=format!("bar-age-{age}")>
            <th scope="row">{label}</th>
            <td class="aging-bar" aria-hidden="true"><span style:width=width></span></td>
            <td class="num">{children()}</td>
        </tr>
    }
}

/// How much of the widest bar `value` fills, in percent; a sliver for anything above zero.
pub fn bar_share(value: i64, max: i64) -> u32 {
    if max <= 0 || value <= 0 {
        return 0;
    }
    let percent = i128::from(value) * 100 / i128::from(max);
    u32::try_from(percent).unwrap_or(100).clamp(1, 100)
}

/// Money collected per month for the last twelve months, this month last.
#[component]
pub fn CashChart(months: Vec<String>, collected: Vec<Money>, id: String) -> impl IntoView {
    let max = collected.iter().map(|m| m.minor()).max().unwrap_or(0);
    let slot = WIDTH / months.len().max(1) as f64;
    // Checked: a total too large to hold is left out of the title, never wrapped.
    let total = collected
        .iter()
        .try_fold(0_i64, |sum, m| sum.checked_add(m.minor()));
    let currency = collected.first().map(|m| m.currency());
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let peak = currency.map(|c| Money::from_minor(max, c).to_string());
    let sum = currency
        .zip(total)
        .map(|(c, total)| Money::from_minor(total, c).to_string());
    let last = months.len().saturating_sub(1);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                <title id=title_id>{format!("Collected per month, last 12 months: {} in total", sum.clone().unwrap_or_default())}</title>
                <line class="chart-grid" x1="0" x2=WIDTH y1=TOP y2=TOP />
                <text class="chart-label" x="0" y=TOP - 8.0>{peak.map(|p| format!("Best month: {p}"))}</text>
                <line class="chart-axis" x1="0" x2=WIDTH y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
                {months.iter().zip(collected.iter()).enumerate().map(|(i, (month, amount))| {
                    let h = bar_height(amount.minor(), max);
                    let x = slot * i as f64 + slot * 0.15;
                    view! {
                        <g class="bar bar-cash" class:bar-current=i == last>
                            <rect x=unit(x) y=unit(HEIGHT - BOTTOM - h) width=unit(slot * 0.7) height=unit(h.max(1.0)) rx="3">
                                <title>{format!("{month}: {amount}")}</title>
                            </rect>
                            <text class="chart-label" x=unit(x + slot * 0.35) y=HEIGHT - BOTTOM + 22.0 text-anchor="middle">{month_label(month)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="visually-hidden">
                <caption>"Collected per month"</caption>
                <thead><tr><th scope="col">"Month"</th><th scope="col">"Collected"</th></tr></thead>
                <tbody>
                    {months.iter().zip(collected.iter()).map(|(month, amount)| view! {
                        <tr><th scope="row">{month.clone()}</th><td>{amount.to_string()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

/// A count per day as bars (the operators' usage page), with the same numbers as a table.
#[component]
pub fn DailyChart(
    days: Vec<crate::domain::date::CalendarDate>,
    counts: Vec<i64>,
    label: String,
    id: String,
) -> impl IntoView {
    let max = counts.iter().copied().max().unwrap_or(0);
    let total: i64 = counts.iter().sum();
    let slot = WIDTH / days.len().max(1) as f64;
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let first = days.first().map(|d| d.to_string()).unwrap_or_default();
    let last = days.last().map(|d| d.to_string()).unwrap_or_default();
    view! {
        <figure class="chart chart-daily">
            <figcaption><strong>{label.clone()}</strong>" "<span class="muted">{format!("{total} in {} days", days.len())}</span></figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                <title id=title_id>{format!("{label} per day from {first} to {last}: {total} in total, at most {max} a day")}</title>
                <line class="chart-grid" x1="0" x2=WIDTH y1=TOP y2=TOP />
                <text class="chart-label" x="0" y=TOP - 8.0>{format!("Peak: {max}")}</text>
                <line class="chart-axis" x1="0" x2=WIDTH y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
                {days.iter().zip(counts.iter()).enumerate().map(|(i, (day, count))| {
                    let h = bar_height(*count, max);
                    let x = slot * i as f64 + slot * 0.1;
                    view! {
                        <rect class="bar bar-cash" x=unit(x) y=unit(HEIGHT - BOTTOM - h) width=unit(slot * 0.8) height=unit(h.max(1.0)) rx="2">
                            <title>{format!("{day}: {count}")}</title>
                        </rect>
                    }
                }).collect_view()}
                <text class="chart-label" x="0" y=HEIGHT - BOTTOM + 22.0>{first.clone()}</text>
                <text class="chart-label" x=WIDTH y=HEIGHT - BOTTOM + 22.0 text-anchor="end">{last.clone()}</text>
            </svg>
            <table class="visually-hidden">
                <caption>{format!("{label} per day")}</caption>
                <thead><tr><th scope="col">"Day"</th><th scope="col">"Count"</th></tr></thead>
                <tbody>
                    {days.iter().zip(counts.iter()).map(|(day, count)| view! {
                        <tr><th scope="row">{day.to_string()}</th><td>{*count}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_never_go_negative() {
        assert_eq!(bar_height(0, 0), 0.0);
        assert_eq!(bar_height(-5, 10), 0.0);
        assert_eq!(bar_height(10, 10), HEIGHT - TOP - BOTTOM);
        assert_eq!(month_label("2026-01"), "Jan");
        assert_eq!(month_label("2026-12"), "Dec");
        assert_eq!(month_label("bad"), "");
    }

    #[test]
    fn coordinates_are_written_to_a_hundredth() {
        assert_eq!(unit(37.333333333333336).to_string(), "37.33");
        assert_eq!(unit(400.00000000000006).to_string(), "400");
        assert_eq!(unit(118.75).to_string(), "118.75");
        assert_eq!(unit(2.0 / 3.0).to_string(), "0.67");
    }

    #[test]
    fn aging_bars_are_shares_of_the_largest_with_a_sliver_for_small_amounts() {
        assert_eq!(bar_share(0, 0), 0);
        assert_eq!(bar_share(0, 500), 0);
        assert_eq!(bar_share(500, 500), 100);
        assert_eq!(bar_share(250, 500), 50);
        assert_eq!(bar_share(1, 1_000_000), 1);
        assert_eq!(bar_share(i64::MAX, i64::MAX), 100);
    }
}
