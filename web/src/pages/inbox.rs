//! `/inbox` (待办): what waits for the signed-in user, most urgent first, from
//! `GET /api/v1/inbox`; and the navigation's "待办" link with its count. The shell
//! asks once a minute and after every change the user makes, and the page shows the
//! same answer.

use duban_api::inbox::GetInbox;
use duban_text::key;
use std::time::Duration;

use duban_api::{ApiError, Inbox, InboxItem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::field_errors::OtherErrors;
use crate::format::deadline;
use crate::i18n::{I18n, use_i18n};
use crate::mechanism_view::{due_state, inbox_link, item_state, parse_step, step_label};
use crate::session::CurrentUser;
use crate::sla_view::{SlaBadge, span, use_now};

/// How often the count is asked for.
const REFRESH: Duration = Duration::from_secs(60);

/// The inbox, shared by the navigation and the page. `Copy`.
#[derive(Clone, Copy, Debug)]
pub struct InboxState {
    pub data: RwSignal<Option<Inbox>>,
    pub errors: RwSignal<Vec<ApiError>>,
    loading: RwSignal<bool>,
    /// Asked again while a request was under way: ask once more after it.
    again: RwSignal<bool>,
    i18n: I18n,
    user: CurrentUser,
}

impl InboxState {
    /// Asks the server again (once the user is known).
    pub fn refresh(self) {
        if self.user.get_untracked().is_none() {
            return;
        }
        if self.loading.get_untracked() {
            self.again.set(true);
            return;
        }
        self.loading.set(true);
        let lang = self.i18n.lang_untracked();
        spawn_local(async move {
            match api::call_with::<GetInbox>(&(), &(), &(), api::Use::Background.into(), lang).await
            {
                Ok(v) => {
                    self.data.set(Some(v));
                    self.errors.set(Vec::new());
                }
                Err(f) => self.errors.set(f.errors().to_vec()),
            }
            self.loading.set(false);
            if self.again.get_untracked() {
                self.again.set(false);
                self.refresh();
            }
        });
    }

    pub fn loading(self) -> bool {
        self.loading.get()
    }
}

/// Provides the inbox at the root: read when the user becomes known, every minute, and
/// whenever the user changed something on the server.
pub fn provide_inbox(i18n: I18n, user: CurrentUser) -> InboxState {
    let state = InboxState {
        data: RwSignal::new(None),
        errors: RwSignal::new(Vec::new()),
        loading: RwSignal::new(false),
        again: RwSignal::new(false),
        i18n,
        user,
    };
    provide_context(state);
    Effect::new(move |_| {
        if user.get().is_some() {
            state.refresh();
        }
    });
    if let Ok(handle) = set_interval_with_handle(move || state.refresh(), REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let listener =
        window_event_listener_untyped(crate::api::CHANGED_EVENT, move |_| state.refresh());
    on_cleanup(move || listener.remove());
    state
}

pub fn use_inbox() -> InboxState {
    expect_context::<InboxState>()
}

/// The navigation's "待办" link (`#nav-inbox`) with the count (`#inbox-count`), red
/// while something is overdue.
#[component]
pub fn InboxNavLink() -> impl IntoView {
    let i18n = use_i18n();
    let inbox = use_inbox();
    let total = Memo::new(move |_| inbox.data.with(|d| d.as_ref().map_or(0, |d| d.total)));
    let overdue = Memo::new(move |_| inbox.data.with(|d| d.as_ref().map_or(0, |d| d.overdue)));
    let any_overdue = Memo::new(move |_| overdue.get() > 0);
    let none = Memo::new(move |_| total.get() == 0);
    view! {
        <A href="/inbox" attr:id="nav-inbox">
            {move || i18n.t(key!("nav.inbox"))}
            <span id="inbox-count" class="count-badge"
                class:count-badge-overdue=any_overdue
                class:count-badge-zero=none
                data-total=total data-overdue=overdue
                title=move || format!("{}{}", i18n.t(key!("inbox.overdue_count")), overdue.get())>
                // Not read yet (no network since the app opened): unknown, not zero.
                {move || if inbox.data.with(Option::is_none) { "—".to_owned() } else { total.get().to_string() }}
            </span>
        </A>
    }
}

/// The kind of an inbox item for people: 信访件 / 跟进督办 / 横向推送 / 突发事件.
fn kind_label(i18n: I18n, kind: &str) -> String {
    i18n.try_t(&format!("inbox.kind.{kind}"))
        .map_or_else(|| kind.to_owned(), str::to_owned)
}

/// What an inbox item expects, for people; unknown codes as they are.
fn action_label(i18n: I18n, action: &str) -> String {
    i18n.try_t(&format!("inbox.action.{action}"))
        .map_or_else(|| action.to_owned(), str::to_owned)
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let inbox = use_inbox();
    inbox.refresh();
    let loaded = move || inbox.data.with(Option::is_some);
    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("inbox.title"))}</h1>
                <div class="actions">
                    <span class="muted" id="inbox-summary">
                        {move || inbox.data.with(|d| d.as_ref().map(|d| key!("inbox.summary").fill(
                            i18n.lang(),
                            &[("total", d.total.to_string()), ("overdue", d.overdue.to_string())],
                        )))}
                    </span>
                    <button type="button" class="btn" id="inbox-refresh" disabled=move || inbox.loading()
                        on:click=move |_| inbox.refresh()>
                        {move || i18n.t(key!("clearing.refresh"))}
                    </button>
                </div>
            </div>
            <p class="hint">{move || i18n.t(key!("inbox.hint"))}</p>
            <OtherErrors fields=&[] errors=inbox.errors/>
            {move || inbox.data.get().map(|d| d.overflow.into_iter().map(|o| {
                let text = i18n
                    .t(key!("inbox.overflow"))
                    .replace("{more}", &o.total.saturating_sub(o.shown).to_string())
                    .replace("{action}", &action_label(i18n, &o.action))
                    .replace("{total}", &o.total.to_string())
                    .replace("{shown}", &o.shown.to_string());
                // Escalated cases come in every status: the whole list then.
                let href = if o.status.is_empty() {
                    "/".to_owned()
                } else {
                    format!("/?status={}", o.status)
                };
                view! {
                    <p class="banner banner-warn inbox-overflow" data-action=o.action.clone() data-total=o.total>
                        {text}" "
                        <A href=href attr:class="inbox-overflow-link">
                            {move || i18n.t(key!("inbox.overflow_link"))}
                        </A>
                    </p>
                }
            }).collect_view())}
            <table class="data-table" id="inbox">
                <thead><tr>
                    <th>{move || i18n.t(key!("inbox.col.kind"))}</th>
                    <th>{move || i18n.t(key!("inbox.col.title"))}</th>
                    <th>{move || i18n.t(key!("inbox.col.action"))}</th>
                    <th>{move || i18n.t(key!("inbox.col.due"))}</th>
                    <th>{move || i18n.t(key!("inbox.col.escalation"))}</th>
                </tr></thead>
                <tbody>
                    {move || inbox.data.get().map(|d| d.items.into_iter().map(|item| view! { <InboxRow item/> }).collect_view())}
                    <Show when=move || loaded() && inbox.data.with(|d| d.as_ref().is_some_and(|d| d.items.is_empty()))>
                        <tr><td class="empty" colspan="5" id="inbox-empty">{move || i18n.t(key!("inbox.empty"))}</td></tr>
                    </Show>
                    <Show when=move || !loaded() && inbox.errors.with(Vec::is_empty)>
                        <tr><td class="empty" colspan="5">{move || i18n.t(key!("common.loading"))}</td></tr>
                    </Show>
                </tbody>
            </table>
        </section>
    }
}

/// One item: kind, title linking to where it is handled, expected action, deadline
/// with the time left, escalation step. The time left is the live badge of the item's
/// clock (warned at the rule set's share, like every other badge); an item sent
/// without its clock is coloured by its bare deadline.
#[component]
fn InboxRow(item: InboxItem) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let href = inbox_link(&item);
    let kind = item.kind.clone();
    let action = item.action.clone();
    let step = item.escalation.as_deref().and_then(parse_step);
    let due = item
        .due_at
        .or_else(|| item.clock.as_ref().map(|c| c.due_at()));
    // Incidents' acknowledgement clocks run in minutes: count seconds.
    let seconds = item.kind == "incident";
    let clock = item.clock.clone();
    let state = StoredValue::new(item.clone());
    let overdue = move || {
        state
            .with_value(|i| item_state(i, now.get()))
            .is_some_and(|(_, code)| code == "overdue")
    };
    view! {
        <tr class="inbox-item" data-kind=item.kind.clone() data-action=item.action.clone() data-id=item.id.clone()
            data-overdue=move || overdue().to_string()>
            <td class="nowrap"><span class="tag inbox-kind" data-kind=item.kind.clone()>{move || kind_label(i18n, &kind)}</span></td>
            <td><A href=href attr:class="inbox-link">{item.title.clone()}</A></td>
            <td class="nowrap inbox-action">{move || action_label(i18n, &action)}</td>
            <td class="nowrap">
                {due.map(|d| view! { <span class="due-at">{deadline(d)}</span>" " })}
                {match (clock, due) {
                    (Some(clock), _) => view! { <SlaBadge clock seconds/> }.into_any(),
                    (None, Some(d)) => view! {
                        <span class=move || due_state(d, now.get()).0 data-sla=move || due_state(d, now.get()).1>
                            {move || {
                                let left = (d - now.get()).num_seconds();
                                let lang = i18n.lang();
                                let text = if left > 0 { key!("sla.badge.left") } else { key!("sla.badge.overdue") };
                                text.fill(lang, &[("span", span(left, lang))])
                            }}
                        </span>
                    }.into_any(),
                    (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="nowrap">
                {step.map(|s| view! {
                    <span class="tag tag-escalation" data-step=s.code()>
                        {move || step_label(s, i18n.lang())}
                    </span>
                })}
            </td>
        </tr>
    }
}
