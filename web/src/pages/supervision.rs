//! Follow-up supervision (重点事项跟进督办) on the page of a key case: the named
//! supervisor, supervision orders with their own clocks, on-site verification records
//! with photos, and progress and result reports reviewed one by one.
//!
//! Each form is shown only when the server lists its command in `allowed`; every
//! command is first checked in the browser by `duban_supervision::decide`, the
//! function the server runs.

use chrono::Utc;
use duban_api::admin::ListSupervisors;
use duban_api::keys::CaseKey;
use duban_api::routing::CaseRouting;
use duban_api::supervision::{CaseSupervision, Supervise};
use duban_api::{ApiError, AttachmentView, PersonView, SupervisionView, UnitView};
use duban_calendar::Calendar;
use duban_case::model::Finding;
use duban_supervision::{Attachment, Command, Ctx, Order, OrderStatus, Report, ReportKind, Visit};
use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::admin::unit_name;
use super::attachments::{AttachmentLink, AttachmentPicker};
use crate::api;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors};
use crate::components::unit_groups::grouped_unit_options;
use crate::dispatch_view::split_list;
use crate::format::{actor_label, local_time, person_text};
use crate::i18n::use_i18n;
use crate::mechanism_view::TIME_UNITS;
use crate::numeric::NumericText;
use crate::sla_view::SlaBadge;

/// Which form below the supervision is open.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Open {
    IssueOrder,
    RecordVisit,
    SubmitReport,
    /// Answering the order with this number.
    Answer(String),
    /// Closing (or sending back) the order with this number.
    Close(String),
}

/// Brings the section `id` into view when the address names it (`/cases/…#supervision`
/// from the inbox), once its content had a moment to render.
pub(crate) fn scroll_to_hash(id: &'static str) {
    if window().location().hash().ok().as_deref() != Some(&format!("#{id}")) {
        return;
    }
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        },
        std::time::Duration::from_millis(300),
    );
}

/// The supervision's attachments in the domain's terms, for the check in the browser.
fn as_attachments(list: &[AttachmentView]) -> Vec<Attachment> {
    list.iter()
        .map(|a| Attachment {
            id: a.id.clone(),
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
        })
        .collect()
}

/// Today in Beijing, for the visit date.
fn today() -> String {
    duban_core::china_date(Utc::now()).to_string()
}

fn order_status_key(s: OrderStatus) -> Key {
    match s {
        OrderStatus::Open => key!("order.status.open"),
        OrderStatus::Answered => key!("order.status.answered"),
        OrderStatus::Closed => key!("order.status.closed"),
    }
}

fn report_kind_code(k: ReportKind) -> &'static str {
    match k {
        ReportKind::Progress => "progress",
        ReportKind::Result => "result",
    }
}

/// The `#supervision` section of a key case.
#[component]
pub fn SupervisionSection(
    case_id: String,
    units: RwSignal<Vec<UnitView>>,
    /// The case's lead unit: an order goes to it unless the supervisor picks another.
    lead: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = StoredValue::new(CaseKey::new(&*case_id));
    let case_id = StoredValue::new(case_id);
    let data = RwSignal::new(None::<SupervisionView>);
    let load_errors = RwSignal::new(Vec::<ApiError>::new());
    // Errors of the open form, of the assign form and of the review form.
    let errors = RwSignal::new(Vec::<ApiError>::new());
    let assign_errors = RwSignal::new(Vec::<ApiError>::new());
    let review_errors = RwSignal::new(Vec::<ApiError>::new());
    let open = RwSignal::new(None::<Open>);
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<Key>);
    // The supervisor the routing rules propose, and the accounts that may be named
    // (for the assign form).
    let proposed = RwSignal::new(None::<String>);
    let people = RwSignal::new(None::<Vec<PersonView>>);
    // Files uploaded for the visit being recorded.
    let uploads = RwSignal::new(Vec::<AttachmentView>::new());

    let load = move || {
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<CaseSupervision>(&key.get_value(), &(), &(), lang).await {
                Ok(v) => {
                    data.set(Some(v));
                    load_errors.set(Vec::new());
                }
                Err(f) => load_errors.set(f.errors().to_vec()),
            }
        });
    };
    load();
    scroll_to_hash("supervision");

    let allowed = move |code: &str| {
        data.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.allowed.iter().any(|c| c == code))
        })
    };
    // Whoever may assign may read the routing proposal (start from its supervisor)
    // and the accounts that may be named.
    let may_assign = Memo::new(move |_| allowed("assign"));
    Effect::new(move |_| {
        if !may_assign.get() || proposed.get_untracked().is_some() {
            return;
        }
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            if let Ok(r) = api::call::<CaseRouting>(&key.get_value(), &(), &(), lang).await {
                proposed.set(r.supervisor.map(|p| p.proposal.unit));
            }
        });
    });
    Effect::new(move |_| {
        if !may_assign.get() || people.with_untracked(Option::is_some) {
            return;
        }
        let lang = i18n.lang_untracked();
        spawn_local(async move {
            match api::call::<ListSupervisors>(&(), &(), &(), lang).await {
                Ok(list) => people.set(Some(list)),
                Err(f) => assign_errors.set(f.errors().to_vec()),
            }
        });
    });

    // Checks a command as the server will, then sends it; `errs` gets the problems.
    let send = move |cmd: Command, errs: RwSignal<Vec<ApiError>>| {
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang_untracked();
        notice.set(None);
        if let Some(v) = data.get_untracked() {
            let files = as_attachments(&uploads.get_untracked());
            let ctx = Ctx {
                now: Utc::now(),
                actor: "browser",
                calendar: Calendar::official(),
                order_number: Some("—"),
                attachments: &files,
            };
            if let Err(problems) = duban_supervision::decide(&v.supervision, &cmd, &ctx) {
                errs.set(duban_api::ErrorBody::from_errors(problems.iter(), lang).errors);
                return;
            }
        }
        busy.set(true);
        let visit = matches!(cmd, Command::RecordVisit { .. });
        spawn_local(async move {
            match api::call::<Supervise>(&key.get_value(), &(), &cmd, lang).await {
                Ok(v) => {
                    data.set(Some(v));
                    errs.set(Vec::new());
                    open.set(None);
                    if visit {
                        uploads.set(Vec::new());
                    }
                    notice.set(Some(key!("supervision.done")));
                }
                Err(f) => {
                    errs.set(f.errors().to_vec());
                    if f.status == 409 {
                        load();
                    }
                }
            }
            busy.set(false);
        });
    };
    let on_send = Callback::new(move |cmd: Command| send(cmd, errors));
    let on_assign = Callback::new(move |cmd: Command| send(cmd, assign_errors));
    let on_review = Callback::new(move |cmd: Command| send(cmd, review_errors));
    let on_cancel = Callback::new(move |()| {
        errors.set(Vec::new());
        open.set(None);
    });
    let choose = move |which: Open| {
        errors.set(Vec::new());
        notice.set(None);
        open.update(|o| {
            *o = if o.as_ref() == Some(&which) {
                None
            } else {
                Some(which)
            }
        });
    };

    let orders = move || {
        data.with(|d| {
            d.as_ref()
                .map(|d| d.supervision.orders().to_vec())
                .unwrap_or_default()
        })
    };
    let visits = move || {
        data.with(|d| {
            d.as_ref()
                .map(|d| d.supervision.visits().to_vec())
                .unwrap_or_default()
        })
    };
    let reports = move || {
        data.with(|d| {
            d.as_ref()
                .map(|d| d.supervision.reports().to_vec())
                .unwrap_or_default()
        })
    };

    view! {
        <section class="mechanism" id="supervision"
            data-supervisor=move || data.with(|d| d.as_ref().and_then(|d| d.supervision.supervisor().map(str::to_owned)).unwrap_or_default())>
            <h2>{move || i18n.t(key!("supervision.title"))}</h2>
            <OtherErrors fields=&[] errors=load_errors/>
            {move || notice.get().map(|n| view! { <p class="banner banner-ok" id="supervision-notice">{move || i18n.t(n)}</p> })}
            <dl class="facts">
                <dt>{move || i18n.t(key!("supervision.supervisor"))}</dt>
                <dd id="supervisor">
                    {move || data.with(|d| d.as_ref().and_then(|d| d.supervision.supervisor().map(str::to_owned)))
                        .map(|u| people.with(|list| supervisor_text(list.as_deref().unwrap_or_default(), &u)))
                        .unwrap_or_else(|| i18n.t(key!("supervision.no_supervisor")).to_owned())}
                </dd>
            </dl>
            <Show when=move || may_assign.get()>
                <AssignForm current=data.with_untracked(|d| d.as_ref().and_then(|d| d.supervision.supervisor().map(str::to_owned)))
                    proposed people errors=assign_errors busy on_send=on_assign/>
            </Show>

            <h3>{move || i18n.t(key!("supervision.orders"))}</h3>
            <table class="data-table" id="orders">
                <thead><tr>
                    <th>{move || i18n.t(key!("order.number"))}</th>
                    <th>{move || i18n.t(key!("order.target_unit"))}</th>
                    <th>{move || i18n.t(key!("order.demands"))}</th>
                    <th>{move || i18n.t(key!("order.clock"))}</th>
                    <th>{move || i18n.t(key!("order.status"))}</th>
                    <th>{move || i18n.t(key!("order.answer"))}</th>
                    <th>{move || i18n.t(key!("admin.col.actions"))}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let names = units.get();
                        let can_answer = allowed("answer_order");
                        let can_close = allowed("close_order");
                        orders().into_iter().map(|o| view! {
                            <OrderRow o=o.clone() target=unit_name(&names, &o.target_unit)
                                can_answer can_close open on_choose=Callback::new(choose)/>
                        }).collect_view()
                    }}
                    <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.supervision.orders().is_empty()))>
                        <tr><td class="empty" colspan="7">{move || i18n.t(key!("supervision.no_orders"))}</td></tr>
                    </Show>
                </tbody>
            </table>

            <h3>{move || i18n.t(key!("supervision.visits"))}</h3>
            <ul class="records" id="visits">
                {move || visits().into_iter().map(|v| view! { <VisitItem v/> }).collect_view()}
            </ul>
            <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.supervision.visits().is_empty()))>
                <p class="muted empty-note">{move || i18n.t(key!("supervision.no_visits"))}</p>
            </Show>

            <h3>{move || i18n.t(key!("supervision.reports"))}</h3>
            <ul class="records" id="reports">
                {move || {
                    let can_review = allowed("review_report");
                    reports().into_iter().map(|r| view! { <ReportItem r can_review errors=review_errors busy on_send=on_review/> }).collect_view()
                }}
            </ul>
            <Show when=move || data.with(|d| d.as_ref().is_some_and(|d| d.supervision.reports().is_empty()))>
                <p class="muted empty-note">{move || i18n.t(key!("supervision.no_reports"))}</p>
            </Show>

            <div class="actions" id="supervision-actions">
                {[(Open::IssueOrder, "issue_order", key!("supervision.issue_order")),
                  (Open::RecordVisit, "record_visit", key!("supervision.record_visit")),
                  (Open::SubmitReport, "submit_report", key!("supervision.submit_report"))]
                    .into_iter()
                    .map(|(which, code, label)| {
                        let mine = which.clone();
                        view! {
                            <Show when=move || allowed(code)>
                                <button type="button" class="btn" data-command=code
                                    class:btn-primary={let mine = mine.clone(); move || open.with(|o| o.as_ref() == Some(&mine))}
                                    on:click={let which = which.clone(); move |_| choose(which.clone())}>
                                    {move || i18n.t(label)}
                                </button>
                            </Show>
                        }
                    })
                    .collect_view()}
            </div>
            {move || open.get().map(|which| match which {
                Open::IssueOrder => view! { <IssueOrderForm units lead errors busy on_send on_cancel/> }.into_any(),
                Open::RecordVisit => view! { <RecordVisitForm case_id=case_id.get_value() uploads errors busy on_send on_cancel/> }.into_any(),
                Open::SubmitReport => view! { <SubmitReportForm errors busy on_send on_cancel/> }.into_any(),
                Open::Answer(number) => view! { <AnswerOrderForm case_id=case_id.get_value() number errors busy on_send on_cancel/> }.into_any(),
                Open::Close(number) => view! { <CloseOrderForm number errors busy on_send on_cancel/> }.into_any(),
            })}
        </section>
    }
}

/// One supervision order: number, target, demands, live clock, status, answer, and the
/// buttons of what may be done with it.
#[component]
fn OrderRow(
    o: Order,
    target: String,
    can_answer: bool,
    can_close: bool,
    open: RwSignal<Option<Open>>,
    on_choose: Callback<Open>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = o.status;
    let answer_number = o.number.clone();
    let close_number = o.number.clone();
    let number = o.number.clone();
    let comments_key = if status == OrderStatus::Closed {
        key!("order.closing_comments")
    } else {
        key!("order.sent_back")
    };
    view! {
        <tr class="order" data-number=o.number.clone() data-status=status.code()
            class:row-picked=move || open.with(|x| matches!(x, Some(Open::Answer(n) | Open::Close(n)) if *n == number))>
            <td class="nowrap order-number">{o.number.clone()}</td>
            <td class="order-target" data-unit=o.target_unit.clone()>{target}</td>
            <td class="order-demands">{o.demands.clone()}</td>
            <td class="nowrap"><SlaBadge clock=o.clock.clone()/></td>
            <td class="nowrap"><span class="order-status" data-status=status.code()>{move || i18n.t(order_status_key(status))}</span></td>
            <td class="order-answer">
                {o.answer.clone().map(|a| view! { <p class="answer-text">{a}</p> })}
                {o.closing_comments.clone().filter(|c| !c.is_empty()).map(|c| view! {
                    <p class="hint">{move || i18n.t(comments_key)}{move || i18n.t(key!("routing.colon"))}{c.clone()}</p>
                })}
            </td>
            <td class="nowrap">
                {(can_answer && status == OrderStatus::Open).then(|| view! {
                    <button type="button" class="btn btn-small answer-order" data-number=answer_number.clone()
                        on:click=move |_| on_choose.run(Open::Answer(answer_number.clone()))>
                        {move || i18n.t(key!("order.answer_action"))}
                    </button>
                })}
                {(can_close && status == OrderStatus::Answered).then(|| view! {
                    <button type="button" class="btn btn-small close-order" data-number=close_number.clone()
                        on:click=move |_| on_choose.run(Open::Close(close_number.clone()))>
                        {move || i18n.t(key!("order.close_action"))}
                    </button>
                })}
            </td>
        </tr>
    }
}

/// One on-site verification: date, inspectors, finding, what was found, the photos.
#[component]
fn VisitItem(v: Visit) -> impl IntoView {
    let i18n = use_i18n();
    let finding = v.finding;
    view! {
        <li class="visit" data-seq=v.seq data-finding=finding.code()>
            <div class="record-head">
                <span class="when">{v.date.to_string()}</span>
                <span class="tag visit-finding" data-finding=finding.code()>{move || finding.label(i18n.lang())}</span>
                <span class="muted">{move || i18n.t(key!("visit.inspectors"))}{move || i18n.t(key!("routing.colon"))}{v.inspectors.join("、")}</span>
                <span class="muted">{move || format!("{} · {}", actor_label(&v.recorded_by, i18n.lang()), local_time(v.recorded_at))}</span>
            </div>
            <p class="record-text">{v.findings.clone()}</p>
            {(!v.attachments.is_empty()).then(|| view! {
                <div class="attachments">
                    {v.attachments.iter().map(|a| view! {
                        <AttachmentLink id=a.id.clone() name=a.name.clone() content_type=a.content_type.clone()/>
                    }).collect_view()}
                </div>
            })}
        </li>
    }
}

/// One report with its review, or the review form while it waits.
#[component]
fn ReportItem(
    r: Report,
    can_review: bool,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = report_kind_code(r.kind);
    let review_state = match &r.review {
        None => "pending",
        Some(rv) if rv.approved => "approved",
        Some(_) => "sent_back",
    };
    let id = r.id;
    let comments = RwSignal::new(String::new());
    let review = move |approve: bool| {
        on_send.run(Command::ReviewReport {
            report: id,
            approve,
            comments: comments.get_untracked(),
        });
    };
    view! {
        <li class="report" data-id=id data-kind=kind data-review=review_state>
            <div class="record-head">
                <span class="tag report-kind" data-kind=kind>{move || i18n.t(if kind == "result" { key!("report.kind.result") } else { key!("report.kind.progress") })}</span>
                <span class="muted">{let by = r.by.clone(); move || format!("{} · {}", actor_label(&by, i18n.lang()), local_time(r.at))}</span>
                <span class="report-review" data-review=review_state>{move || i18n.t(match review_state {
                    "approved" => key!("report.approved"),
                    "sent_back" => key!("report.sent_back"),
                    _ => key!("report.pending"),
                })}</span>
            </div>
            <p class="record-text">{r.text.clone()}</p>
            {r.review.clone().filter(|rv| !rv.comments.is_empty()).map(|rv| view! {
                <p class="hint review-comments">{move || i18n.t(key!("action.comments"))}{move || i18n.t(key!("routing.colon"))}{rv.comments.clone()}{move || format!(" · {}", actor_label(&rv.by, i18n.lang()))}</p>
            })}
            {(can_review && r.review.is_none()).then(|| view! {
                <form class="form action-panel" id="review-report" data-report=id novalidate
                    on:submit=move |ev| { ev.prevent_default(); review(true); }>
                    <label class="field field-wide">
                        <span class="label">{move || i18n.t(key!("report.review_comments"))}</span>
                        <textarea name="comments" rows="2" prop:value=move || comments.get()
                            on:input=move |ev| comments.set(event_target_value(&ev))></textarea>
                        <ApiFieldErrors field="comments" errors/>
                    </label>
                    <OtherErrors fields=&["comments"] errors/>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary" id="review-approve" disabled=move || busy.get()>{move || i18n.t(key!("report.approve"))}</button>
                        <button type="button" class="btn" id="review-send-back" disabled=move || busy.get()
                            on:click=move |_| review(false)>{move || i18n.t(key!("report.send_back"))}</button>
                    </div>
                </form>
            })}
        </li>
    }
}

/// A username for people, by the list of supervisors when it is there.
fn supervisor_text(people: &[PersonView], username: &str) -> String {
    people
        .iter()
        .find(|p| p.username == username)
        .map_or_else(|| username.to_owned(), person_text)
}

/// Names the supervisor, chosen from the accounts that may supervise
/// (`GET /api/v1/supervisors`), starting from the current one or the routing
/// proposal's.
#[component]
fn AssignForm(
    current: Option<String>,
    proposed: RwSignal<Option<String>>,
    people: RwSignal<Option<Vec<PersonView>>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(current.clone().unwrap_or_default());
    // The proposal arrives later: take it while nothing is chosen.
    Effect::new(move |_| {
        if let Some(p) = proposed.get()
            && value.with_untracked(String::is_empty)
        {
            value.set(p);
        }
    });
    // The accounts to choose from; the current and the proposed supervisor stay
    // listed even when they no longer have the role (the server then says so).
    let options = Memo::new(move |_| {
        let mut list = people.get().unwrap_or_default();
        for extra in [current.clone(), proposed.get()].into_iter().flatten() {
            if !extra.is_empty() && !list.iter().any(|p| p.username == extra) {
                list.push(PersonView {
                    username: extra.clone(),
                    display_name: String::new(),
                });
            }
        }
        list
    });
    let none = move || people.with(|p| p.as_ref().is_some_and(Vec::is_empty));
    view! {
        <form class="form inline-row" id="assign-supervisor" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_send.run(Command::Assign { supervisor: value.get_untracked() });
            }>
            <label class="field">
                <span class="label">{move || i18n.t(key!("supervision.assign_label"))}</span>
                <select name="supervisor" id="supervisor-select"
                    on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="" selected=move || value.with(String::is_empty)>{move || i18n.t(key!("common.choose"))}</option>
                    {move || options.get().into_iter().map(|p| {
                        let chosen = p.username.clone();
                        view! {
                            <option value=p.username.clone() selected=move || value.with(|v| *v == chosen)>{person_text(&p)}</option>
                        }
                    }).collect_view()}
                </select>
                {move || proposed.get().map(|p| {
                    let text = people.with(|list| supervisor_text(list.as_deref().unwrap_or_default(), &p));
                    view! { <span class="hint" id="proposed-supervisor" data-username=p.clone()>{move || i18n.t(key!("supervision.proposed"))}{text}</span> }
                })}
                <Show when=none>
                    <p class="banner banner-warn" id="no-supervisors">{move || i18n.t(key!("supervision.no_supervisors"))}</p>
                </Show>
                <ApiFieldErrors field="supervisor" errors/>
            </label>
            <OtherErrors fields=&["supervisor"] errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="assign-submit"
                    disabled=move || busy.get() || value.with(String::is_empty)>
                    {move || i18n.t(key!("supervision.assign"))}
                </button>
            </div>
        </form>
    }
}

/// The buttons under a form: confirm (disabled while sending) and cancel.
#[component]
fn FormButtons(id: &'static str, busy: RwSignal<bool>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="actions">
            <button type="submit" class="btn btn-primary" id=id disabled=move || busy.get()>
                {move || if busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("action.confirm")) }}
            </button>
            <button type="button" class="btn" on:click=move |_| on_cancel.run(())>{move || i18n.t(key!("action.cancel"))}</button>
        </div>
    }
}

/// A time limit: amount and unit (`input[name=amount]`, `select[name=unit]`).
#[component]
pub(crate) fn LimitFields(
    amount: RwSignal<String>,
    unit: RwSignal<String>,
    errors: RwSignal<Vec<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="label">{move || i18n.t(key!("limit.amount"))}</span>
            <NumericText name="amount" text=amount on_text=move |v| amount.set(v)/>
            <ApiFieldErrors field="amount" errors/>
        </label>
        <label class="field">
            <span class="label">{move || i18n.t(key!("action.unit"))}</span>
            <select name="unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                {TIME_UNITS.into_iter().map(|(code, key)| view! {
                    <option value=code selected=move || unit.with(|u| u == code)>{move || i18n.t(key)}</option>
                }).collect_view()}
            </select>
            <ApiFieldErrors field="unit" errors/>
        </label>
    }
}

#[component]
fn IssueOrderForm(
    units: RwSignal<Vec<UnitView>>,
    lead: Signal<Option<String>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let target = RwSignal::new(lead.get_untracked().unwrap_or_default());
    let demands = RwSignal::new(String::new());
    let amount = RwSignal::new("5".to_owned());
    let unit = RwSignal::new("working_days".to_owned());
    view! {
        <form class="form action-panel" id="issue-order" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_send.run(Command::IssueOrder {
                    target_unit: target.get_untracked(),
                    demands: demands.get_untracked(),
                    amount: crate::numeric::parse(&amount.get_untracked()).unwrap_or(0),
                    unit: unit.get_untracked().into(),
                });
            }>
            <h3>{move || i18n.t(key!("supervision.issue_order"))}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("order.target_unit"))}</span>
                    <select name="target_unit" on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        {move || grouped_unit_options(i18n, &units.get(), target.into())}
                    </select>
                    <ApiFieldErrors field="target_unit" errors/>
                </label>
                <LimitFields amount unit errors/>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("order.demands"))}</span>
                <textarea name="demands" rows="3" placeholder=move || i18n.t(key!("order.demands.hint"))
                    prop:value=move || demands.get()
                    on:input=move |ev| demands.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="demands" errors/>
            </label>
            <OtherErrors fields=&["target_unit", "demands", "amount", "unit"] errors/>
            <FormButtons id="issue-order-submit" busy on_cancel/>
        </form>
    }
}

#[component]
fn AnswerOrderForm(
    case_id: String,
    number: String,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let answer = RwSignal::new(String::new());
    let n = StoredValue::new(number.clone());
    // Files for the answer (a rectification notice, photos) are the case's attachments,
    // uploaded when chosen and listed on the case page.
    let uploads = RwSignal::new(Vec::<AttachmentView>::new());
    let uploading = RwSignal::new(0usize);
    view! {
        <form class="form action-panel" id="answer-order" data-number=number.clone() novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if uploading.get_untracked() > 0 {
                    return;
                }
                on_send.run(Command::AnswerOrder { number: n.get_value(), answer: answer.get_untracked() });
            }>
            <h3>{move || i18n.t(key!("order.answer_action"))}" "{number.clone()}</h3>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("order.answer"))}</span>
                <textarea name="answer" rows="3" prop:value=move || answer.get()
                    on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="answer" errors/>
            </label>
            <AttachmentPicker case_id id="answer-files" list_id="answer-uploads" label=key!("attachments.files") uploads uploading/>
            <OtherErrors fields=&["answer"] errors/>
            <FormButtons id="answer-order-submit" busy on_cancel/>
        </form>
    }
}

#[component]
fn CloseOrderForm(
    number: String,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let comments = RwSignal::new(String::new());
    let n = StoredValue::new(number.clone());
    let close = move |accept: bool| {
        on_send.run(Command::CloseOrder {
            number: n.get_value(),
            accept,
            comments: comments.get_untracked(),
        });
    };
    view! {
        <form class="form action-panel" id="close-order" data-number=number.clone() novalidate
            on:submit=move |ev| { ev.prevent_default(); close(true); }>
            <h3>{move || i18n.t(key!("order.close_action"))}" "{number.clone()}</h3>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("order.close_comments"))}</span>
                <textarea name="comments" rows="2" prop:value=move || comments.get()
                    on:input=move |ev| comments.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="comments" errors/>
            </label>
            <OtherErrors fields=&["comments"] errors/>
            <div class="actions">
                <button type="submit" class="btn btn-primary" id="close-order-accept" disabled=move || busy.get()>{move || i18n.t(key!("order.accept"))}</button>
                <button type="button" class="btn" id="close-order-send-back" disabled=move || busy.get()
                    on:click=move |_| close(false)>{move || i18n.t(key!("order.send_back"))}</button>
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>{move || i18n.t(key!("action.cancel"))}</button>
            </div>
        </form>
    }
}

#[component]
fn SubmitReportForm(
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("progress".to_owned());
    let text = RwSignal::new(String::new());
    view! {
        <form class="form action-panel" id="submit-report" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_send.run(Command::SubmitReport { kind: kind.get_untracked().into(), text: text.get_untracked() });
            }>
            <h3>{move || i18n.t(key!("supervision.submit_report"))}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("report.kind"))}</span>
                    <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="progress" selected=move || kind.with(|k| k == "progress")>{move || i18n.t(key!("report.kind.progress"))}</option>
                        <option value="result" selected=move || kind.with(|k| k == "result")>{move || i18n.t(key!("report.kind.result"))}</option>
                    </select>
                    <ApiFieldErrors field="kind" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("report.text"))}</span>
                <textarea name="text" rows="4" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="text" errors/>
            </label>
            <OtherErrors fields=&["kind", "text"] errors/>
            <FormButtons id="submit-report-submit" busy on_cancel/>
        </form>
    }
}

/// Records an on-site verification. Photos upload as soon as they are chosen, one
/// request per file (`AttachmentPicker`); the visit then names the uploaded files.
#[component]
fn RecordVisitForm(
    case_id: String,
    uploads: RwSignal<Vec<AttachmentView>>,
    errors: RwSignal<Vec<ApiError>>,
    busy: RwSignal<bool>,
    on_send: Callback<Command>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let date = RwSignal::new(today());
    let inspectors = RwSignal::new(String::new());
    let findings = RwSignal::new(String::new());
    let finding = RwSignal::new(String::new());
    let uploading = RwSignal::new(0usize);

    view! {
        <form class="form action-panel" id="record-visit" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if uploading.get_untracked() > 0 {
                    return;
                }
                on_send.run(Command::RecordVisit {
                    date: date.get_untracked(),
                    inspectors: split_list(&inspectors.get_untracked(), false),
                    findings: findings.get_untracked(),
                    finding: finding.get_untracked().into(),
                    attachments: uploads.with_untracked(|u| u.iter().map(|a| a.id.clone()).collect()),
                });
            }>
            <h3>{move || i18n.t(key!("supervision.record_visit"))}</h3>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{move || i18n.t(key!("visit.date"))}</span>
                    <input type="date" name="date" prop:value=move || date.get()
                        on:input=move |ev| date.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="date" errors/>
                </label>
                <label class="field field-wide2">
                    <span class="label">{move || i18n.t(key!("visit.inspectors"))}</span>
                    <input type="text" name="inspectors" placeholder=move || i18n.t(key!("visit.inspectors.hint"))
                        prop:value=move || inspectors.get()
                        on:input=move |ev| inspectors.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="inspectors" errors/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("outcome.finding"))}</span>
                    <select name="finding" on:change=move |ev| finding.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(key!("common.choose"))}</option>
                        {Finding::ALL.iter().map(|x| view! {
                            <option value=x.code() selected=move || finding.with(|f| f == x.code())>{move || x.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                    <ApiFieldErrors field="finding" errors/>
                </label>
            </div>
            <label class="field field-wide">
                <span class="label">{move || i18n.t(key!("visit.findings"))}</span>
                <textarea name="findings" rows="3" prop:value=move || findings.get()
                    on:input=move |ev| findings.set(event_target_value(&ev))></textarea>
                <ApiFieldErrors field="findings" errors/>
            </label>
            <AttachmentPicker case_id id="visit-photos" list_id="visit-uploads" label=key!("visit.photos") uploads uploading/>
            <ApiFieldErrors field="attachments" errors/>
            <OtherErrors fields=&["date", "inspectors", "finding", "findings", "attachments"] errors/>
            <FormButtons id="record-visit-submit" busy on_cancel/>
        </form>
    }
}
