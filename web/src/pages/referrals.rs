//! Horizontal referral (重点问题横向推送): a problem of a case pushed to another
//! department with a response deadline on its own clock. The case page lists a case's
//! referrals (`#referrals`) with the form that sends one; `/referrals` lists every
//! referral the user's units take part in. Each referral shows the buttons and forms of
//! the commands the server lists in `allowed`.
//!
//! Administrators and coordinators see, above the form, the departments the routing
//! rules propose to notify for the case (`ul#refer-proposals`); a button fills the form
//! with one of them and its rule, the message is still the user's.

use chrono::Utc;
use duban_api::admin::ListUnits;
use duban_api::keys::{CaseKey, ReferralKey};
use duban_api::referrals::{self as endpoints, ActOnReferral, MyReferrals, Refer};
use duban_api::routing::CaseRouting;
use duban_api::{ApiError, ProposalView, ReferralView, UnitView};
use duban_calendar::Calendar;
use duban_core::Aggregate as _;
use duban_referral::{Command, Ctx, EventKind, Status};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::admin::unit_name;
use super::supervision::{LimitFields, scroll_to_hash};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors};
use crate::components::multi_select::chosen_values;
use crate::format::{actor_text, local_time};
use crate::i18n::use_i18n;
use crate::session::{DISPATCH_ROLES, use_current_user};
use crate::sla_view::SlaBadge;

/// Roles that may refer a problem and act on referrals (the server checks the units).
pub const REFERRAL_ROLES: &[&str] = &["admin", "coordinator", "handler"];

/// The unit a referral is sent from: the coordination group for administrators and
/// coordinators, the user's own unit for handlers.
fn sending_unit(role: &str, unit: Option<&str>) -> Option<String> {
    match role {
        "admin" | "coordinator" => Some("prov-coord".to_owned()),
        _ => unit.map(str::to_owned),
    }
}

fn status_key(s: Status) -> Key {
    match s {
        Status::Sent => key!("referral.status.sent"),
        Status::Acknowledged => key!("referral.status.acknowledged"),
        Status::Answered => key!("referral.status.answered"),
        Status::Closed => key!("referral.status.closed"),
    }
}

/// The units' list once, for names and selects.
fn load_units(units: RwSignal<Vec<UnitView>>, lang: crate::i18n::Lang) {
    spawn_local(async move {
        if let Ok(u) = api::call::<ListUnits>(&(), &(), &(), lang).await {
            units.set(u);
        }
    });
}

/// `/referrals`: every referral the user's units take part in, with a link to its case.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::<ReferralView>::new());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    let units = RwSignal::new(Vec::<UnitView>::new());
    let load = move || {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<MyReferrals>(&(), &(), &(), lang).await {
                Ok(v) => {
                    list.set(v);
                    errors.set(Vec::new());
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            loaded.set(true);
        });
    };
    load();
    load_units(units, i18n.lang_untracked());
    view! {
        <section>
            <div class="page-head">
                <h1>{move || i18n.t(key!("referral.page_title"))}</h1>
            </div>
            <p class="hint">{move || i18n.t(key!("referral.hint"))}</p>
            <OtherErrors fields=&[] errors/>
            <ReferralList list units with_case_link=true/>
            <Show when=move || loaded.get() && list.with(Vec::is_empty)>
                <p class="muted empty-note" id="referrals-empty">{move || i18n.t(key!("referral.none"))}</p>
            </Show>
        </section>
    }
}

/// The `#referrals` section of a case: its referrals and the form that sends one.
#[component]
pub fn CaseReferrals(case_id: String, units: RwSignal<Vec<UnitView>>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let key = CaseKey::new(&*case_id);
    let list = RwSignal::new(Vec::<ReferralView>::new());
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    let loaded = RwSignal::new(false);
    let form_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<Key>);
    let lang = i18n.lang_untracked();
    spawn_local(async move {
        match api::call::<endpoints::CaseReferrals>(&key, &(), &(), lang).await {
            Ok(v) => list.set(v),
            Err(f) => load_errors.set(f.errors().to_vec()),
        }
        loaded.set(true);
    });
    scroll_to_hash("referrals");
    let on_sent = Callback::new(move |v: ReferralView| {
        list.update(|l| l.insert(0, v));
        form_open.set(false);
        notice.set(Some(key!("referral.sent")));
    });
    view! {
        <section class="mechanism" id="referrals">
            <div class="page-head">
                <h2>{move || i18n.t(key!("referral.title"))}</h2>
                <Show when=move || user.has_role(REFERRAL_ROLES)>
                    <button type="button" class="btn" id="open-refer"
                        class:btn-primary=move || form_open.get()
                        on:click=move |_| { notice.set(None); form_open.update(|o| *o = !*o); }>
                        {move || i18n.t(key!("referral.new"))}
                    </button>
                </Show>
            </div>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="referral-notice">{move || i18n.t(n)}</p> })}
            <Show when=move || form_open.get()>
                <ReferForm case_id=case_id.clone() units on_sent on_cancel=Callback::new(move |()| form_open.set(false))/>
            </Show>
            <ReferralList list units with_case_link=false/>
            <Show when=move || loaded.get() && list.with(Vec::is_empty)>
                <p class="muted empty-note">{move || i18n.t(key!("referral.none_for_case"))}</p>
            </Show>
        </section>
    }
}

/// Referrals, each kept in place when it changes.
#[component]
fn ReferralList(
    list: RwSignal<Vec<ReferralView>>,
    units: RwSignal<Vec<UnitView>>,
    with_case_link: bool,
) -> impl IntoView {
    let on_update = Callback::new(move |v: ReferralView| {
        list.update(|l| {
            if let Some(slot) = l.iter_mut().find(|x| x.referral.id() == v.referral.id()) {
                *slot = v;
            }
        });
    });
    view! {
        <div class="referral-list">
            <For each=move || list.get()
                key=|r| (r.referral.id().to_owned(), r.referral.version())
                let:r>
                <ReferralCard r units with_case_link on_update/>
            </For>
        </div>
    }
}

/// Sends a referral from the user's unit (`form#refer`).
#[component]
fn ReferForm(
    case_id: String,
    units: RwSignal<Vec<UnitView>>,
    on_sent: Callback<ReferralView>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let to_unit = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let amount = RwSignal::new("3".to_owned());
    let unit = RwSignal::new("working_days".to_owned());
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let from = Memo::new(move |_| {
        user.get()
            .and_then(|m| sending_unit(m.role.code(), m.unit_id.as_deref()))
    });
    // The departments the routing rules propose to notify, asked for again in the
    // reader's language; nothing for other roles, on refusal or when none is proposed.
    let proposals = RwSignal::new(Vec::<ProposalView>::new());
    let key = StoredValue::new(CaseKey::new(&*case_id));
    Effect::new(move |_| {
        if !user.has_role(DISPATCH_ROLES) {
            proposals.set(Vec::new());
            return;
        }
        let lang = i18n.lang();
        spawn_local(async move {
            let found = api::call::<CaseRouting>(&key.get_value(), &(), &(), lang)
                .await
                .map(|r| r.notify)
                .unwrap_or_default();
            proposals.set(found);
        });
    });
    let proposed = move |id: &str| proposals.with(|p| p.iter().any(|x| x.proposal.unit == id));
    let case_id = StoredValue::new(case_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang_untracked();
        let from_unit = from.get_untracked().unwrap_or_default();
        let cmd = Command::Send {
            from_unit: from_unit.clone(),
            to_unit: to_unit.get_untracked(),
            subject: subject.get_untracked(),
            text: text.get_untracked(),
            amount: amount.get_untracked().trim().parse().unwrap_or(0),
            unit: unit.get_untracked().into(),
        };
        // The fields as the server checks them (the sender is the user's own unit).
        let speaks = [from_unit];
        let ctx = Ctx {
            now: Utc::now(),
            actor: "browser",
            actor_units: &speaks,
            calendar: Calendar::official(),
        };
        if let Err(problems) = duban_referral::open(Some(&case_id.get_value()), &cmd, &ctx) {
            errors.set(duban_api::ErrorBody::from_errors(&problems, lang).errors);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::call::<Refer>(&key.get_value(), &(), &cmd, lang).await {
                Ok(v) => {
                    errors.set(Vec::new());
                    on_sent.run(v);
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || proposals.with(|p| !p.is_empty())>
            <div class="routing-proposal refer-proposals">
                <h3>{move || i18n.t(key!("referral.proposals"))}</h3>
                <ul class="proposals" id="refer-proposals">
                    {move || proposals.get().into_iter().map(|p| {
                        let unit = p.proposal.unit.clone();
                        let rule_name = p.proposal.rule_name.clone();
                        view! {
                            <li data-unit=p.proposal.unit.clone() data-rule=p.proposal.rule.clone()>
                                <span class="proposal-name">{p.proposal.name.clone()}</span>
                                <span class="tag proposal-rule" title=move || i18n.t(key!("routing.rule"))>{p.proposal.rule_name.clone()}</span>
                                <button type="button" class="btn btn-small refer-proposed" data-unit=p.proposal.unit.clone()
                                    on:click=move |_| {
                                        to_unit.set(unit.clone());
                                        subject.set(rule_name.clone());
                                    }>
                                    {move || i18n.t(key!("referral.refer_proposed"))}
                                </button>
                                <p class="explanation">{let p = p.proposal.clone(); move || p.explain(i18n.lang())}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
        <form class="form action-panel" id="refer" novalidate on:submit=submit>
            <h3>{move || i18n.t(key!("referral.new"))}</h3>
            <div class="form-grid">
                <div class="field">
                    <span class="label">{move || i18n.t(key!("referral.from"))}</span>
                    <span id="refer-from" data-unit=move || from.get().unwrap_or_default()>
                        {move || from.get().map(|f| unit_name(&units.get(), &f)).unwrap_or_else(|| "—".into())}
                    </span>
                    <ApiFieldErrors field="from_unit" errors/>
                </div>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("referral.to"))}</span>
                    <select name="to_unit" on:change=move |ev| to_unit.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        // Departments, and whichever other units the rules propose.
                        {move || units.get().into_iter().filter(|u| u.kind == "department" || proposed(&u.id)).map(|u| {
                            let id = u.id.clone();
                            view! { <option value=u.id.clone() selected=move || to_unit.with(|t| *t == id)>{u.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="to_unit" errors/>
                </label>
                <LimitFields amount unit errors/>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("referral.subject"))}</span>
                <input type="text" name="subject" maxlength="100" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))/>
                <ApiFieldErrors field="subject" errors/>
            </label>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("referral.text"))}</span>
                <textarea name="text" rows="3" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="text" errors/>
            </label>
            <OtherErrors fields=&["from_unit", "to_unit", "subject", "text", "amount", "unit"] errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="refer-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("referral.send")) }}
                </button>
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

/// One referral: units, subject, status, clock, joint handling, the thread and the
/// commands the reader may send.
#[component]
fn ReferralCard(
    r: ReferralView,
    units: RwSignal<Vec<UnitView>>,
    with_case_link: bool,
    on_update: Callback<ReferralView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rf = r.referral.clone();
    let id = rf.id().to_owned();
    let status = rf.status();
    let key = StoredValue::new(ReferralKey::new(&*id));
    let allowed = StoredValue::new(r.allowed.clone());
    let may = move |code: &str| allowed.with_value(|a| a.iter().any(|c| c == code));
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let busy = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let joint_open = RwSignal::new(false);
    let lead = RwSignal::new(rf.joint_lead().unwrap_or(rf.to_unit()).to_owned());
    let co = RwSignal::new(rf.co_handlers().to_vec());
    let closing = r.events.iter().find_map(|e| match &e.event.kind {
        EventKind::Closed { summary } => Some(summary.clone()),
        _ => None,
    });

    let act = move |cmd: Command| {
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::call::<ActOnReferral>(&key.get_value(), &(), &cmd, lang).await {
                Ok(v) => {
                    errors.set(Vec::new());
                    on_update.run(v);
                }
                Err(f) => errors.set(f.errors().to_vec()),
            }
            busy.set(false);
        });
    };
    let name = move |u: &str| unit_name(&units.get(), u);
    let from_unit = rf.from_unit().to_owned();
    let to_unit = rf.to_unit().to_owned();
    let joint = rf
        .joint_lead()
        .map(|l| (l.to_owned(), rf.co_handlers().to_vec()));
    let thread = rf.thread().to_vec();
    let receiver = rf.to_unit().to_owned();

    view! {
        <article class="referral" data-id=id.clone() data-status=status.code()>
            <div class="referral-head">
                <span class="referral-units">
                    <span class="referral-from" data-unit=from_unit.clone()>{let u = from_unit.clone(); move || name(&u)}</span>
                    " → "
                    <span class="referral-to" data-unit=to_unit.clone()>{let u = to_unit.clone(); move || name(&u)}</span>
                </span>
                <span class="referral-subject">{rf.subject().to_owned()}</span>
                <span class="referral-status status" data-status=status.code()>{move || i18n.t(status_key(status))}</span>
                {rf.clock().cloned().map(|clock| view! { <SlaBadge clock/> })}
                {with_case_link.then(|| rf.case_id().map(|c| view! {
                    <A href=format!("/cases/{c}") attr:class="case-link referral-case">{move || i18n.t(key!("referral.open_case"))}</A>
                })).flatten()}
            </div>
            {joint.map(|(lead_unit, cos)| view! {
                <p class="referral-joint" data-lead=lead_unit.clone()>
                    <span class="muted">{move || i18n.t(key!("referral.joint"))}{move || i18n.t(key!("routing.colon"))}</span>
                    {move || i18n.t(key!("referral.joint_lead"))}" "{let u = lead_unit.clone(); move || name(&u)}
                    {(!cos.is_empty()).then(|| view! {
                        "；"{move || i18n.t(key!("referral.co_handlers"))}" "
                        {move || cos.iter().map(|u| name(u)).collect::<Vec<_>>().join("、")}
                    })}
                </p>
            })}
            <ol class="thread">
                {thread.into_iter().map(|m| {
                    let unit = m.unit.clone();
                    let (by, on_behalf) = (m.by.clone(), m.on_behalf);
                    view! {
                        <li class="message" data-answer=m.answer.to_string() data-unit=m.unit.clone() class:message-answer=m.answer
                            data-on-behalf=on_behalf.then_some("true")>
                            <span class="when">{local_time(m.at)}</span>
                            <span class="who">{move || name(&unit)}" · "{move || actor_text(&by, on_behalf, i18n.lang())}</span>
                            {m.answer.then(|| view! { <span class="tag tag-answer">{move || i18n.t(key!("referral.answer_tag"))}</span> })}
                            <p class="message-text">{m.text.clone()}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {closing.map(|s| view! { <p class="hint referral-summary">{move || i18n.t(key!("referral.summary"))}{move || i18n.t(key!("routing.colon"))}{s.clone()}</p> })}
            <div class="actions referral-actions">
                {may("acknowledge").then(|| view! {
                    <button type="button" class="btn btn-primary referral-ack" data-id=id.clone() disabled=move || busy.get()
                        on:click=move |_| act(Command::Acknowledge)>
                        {move || i18n.t(key!("referral.acknowledge"))}
                    </button>
                })}
                {may("set_joint").then(|| view! {
                    <button type="button" class="btn referral-joint-open" class:btn-primary=move || joint_open.get()
                        on:click=move |_| joint_open.update(|o| *o = !*o)>
                        {move || i18n.t(key!("referral.set_joint"))}
                    </button>
                })}
            </div>
            {(may("reply") || may("answer")).then(|| view! {
                <form class="form inline-form referral-compose" novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let t = text.get_untracked();
                        act(if may("reply") { Command::Reply { text: t } } else { Command::Answer { text: t } });
                    }>
                    <label class="field field-wide">
                        <span class="label">{move || i18n.t(key!("referral.message"))}</span>
                        <textarea name="text" rows="2" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        <ApiFieldErrors field="text" errors/>
                    </label>
                    <div class="actions">
                        {may("reply").then(|| view! {
                            <button type="submit" class="btn referral-reply" disabled=move || busy.get()>{move || i18n.t(key!("referral.reply"))}</button>
                        })}
                        {may("answer").then(|| view! {
                            <button type="button" class="btn btn-primary referral-answer" disabled=move || busy.get()
                                on:click=move |_| act(Command::Answer { text: text.get_untracked() })>
                                {move || i18n.t(key!("referral.answer"))}
                            </button>
                        })}
                    </div>
                </form>
            })}
            {may("close").then(|| view! {
                <form class="form inline-form referral-close" novalidate
                    on:submit=move |ev| { ev.prevent_default(); act(Command::Close { summary: summary.get_untracked() }); }>
                    <label class="field field-wide">
                        <span class="label">{move || i18n.t(key!("referral.summary"))}</span>
                        <textarea name="summary" rows="2" prop:value=move || summary.get()
                            on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                        <ApiFieldErrors field="summary" errors/>
                    </label>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary referral-close-submit" disabled=move || busy.get()>{move || i18n.t(key!("referral.close"))}</button>
                    </div>
                </form>
            })}
            <Show when=move || joint_open.get()>
                <form class="form inline-form referral-joint" novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        act(Command::SetJoint { lead: lead.get_untracked(), co_handlers: co.get_untracked() });
                    }>
                    <div class="form-grid">
                        <label class="field">
                            <span class="label">{move || i18n.t(key!("referral.joint_lead"))}</span>
                            <select name="lead" on:change=move |ev| lead.set(event_target_value(&ev))>
                                {let receiver = receiver.clone(); move || units.get().into_iter().filter(|u| u.kind == "department" || u.id == receiver).map(|u| {
                                    let id = u.id.clone();
                                    view! { <option value=u.id.clone() selected=move || lead.with(|l| *l == id)>{u.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            <ApiFieldErrors field="lead" errors/>
                        </label>
                        <label class="field field-wide2">
                            <span class="label">{move || i18n.t(key!("referral.co_handlers"))}</span>
                            <select name="co_handlers" multiple size="5" on:change=move |ev| co.set(chosen_values(&ev))>
                                {move || units.get().into_iter().filter(|u| u.kind == "department").map(|u| {
                                    let id = u.id.clone();
                                    view! { <option value=u.id.clone() selected=move || co.with(|c| c.contains(&id))>{u.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            <span class="hint">{move || i18n.t(key!("referral.joint_hint"))}</span>
                            <ApiFieldErrors field="co_handlers" errors/>
                        </label>
                    </div>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary referral-joint-submit" disabled=move || busy.get()>{move || i18n.t(key!("action.confirm"))}</button>
                    </div>
                </form>
            </Show>
            <OtherErrors fields=&["text", "summary", "lead", "co_handlers"] errors/>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinators_send_from_the_coordination_group() {
        assert_eq!(
            sending_unit("coordinator", None).as_deref(),
            Some("prov-coord")
        );
        assert_eq!(
            sending_unit("admin", Some("x")).as_deref(),
            Some("prov-coord")
        );
        assert_eq!(
            sending_unit("handler", Some("gov-3211")).as_deref(),
            Some("gov-3211")
        );
        assert_eq!(sending_unit("handler", None), None);
    }
}
