use std::collections::HashMap;

use crate::http::register::Routes;
use axum::extract::State;
use duban_api::inbox;

use duban_case::model::Status;

use crate::error::ApiFailure;
use crate::store::CaseFilter;

use crate::policy::Actor;
use crate::policy::speaking_units;
use crate::service::AppState;
use crate::service::mechanisms::INCIDENT;
use crate::service::mechanisms::REFERRAL;
use crate::service::mechanisms::SUPERVISION;

/// This feature's routes, under `/api/v1`.
pub fn routes() -> Routes {
    Routes::new().at(inbox::GetInbox, inbox)
}

/// Rows of each inbox source read at most.
pub(crate) const INBOX_MAX: i64 = 200;
/// Escalated key cases read at most to tell whose each is (a province has a few hundred
/// key cases a round).
pub(crate) const SUPERVISE_SCAN: i64 = 10_000;

/// What needs the actor's action now: cases by role and status, supervision orders and
/// reports, referrals and incidents of the actor's units; most urgent first.
pub(crate) async fn inbox(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<axum::Json<duban_api::Inbox>, ApiFailure> {
    use crate::auth::Role;
    let now = s.now();
    let mut items: Vec<duban_api::InboxItem> = Vec::new();
    let wanted = crate::policy::inbox_case_actions(actor.role);
    let mut overflow: Vec<duban_api::InboxOverflow> = Vec::new();
    // Every source's real totals, listed or not: a source lists its INBOX_MAX most
    // urgent items and counts the rest in the database.
    let now_ms = now.timestamp_millis();
    let (mut total, mut overdue) = (0u64, 0u64);
    for (status, action) in wanted {
        let f = CaseFilter {
            status: Some(status.code().to_owned()),
            units: actor.jurisdiction.clone(),
            limit: INBOX_MAX,
            urgent_first: true,
            running: true,
            // Closed cases wait for a return visit only while its clock runs.
            with_clock: *action == "return_visit",
            ..CaseFilter::default()
        };
        let found = s.store.cases(&f).await?;
        let shown = found.len() as u64;
        for c in found {
            let clock = c.current_clock();
            items.push(duban_api::InboxItem {
                kind: "case".into(),
                id: c.id().to_string(),
                case_id: Some(c.id().to_string()),
                title: c.reference().to_string(),
                action: (*action).to_owned(),
                due_at: clock.map(|k| k.due_at()),
                clock: clock.cloned(),
                escalation: c.current_escalation().map(|st| st.code().to_owned()),
            });
        }
        let (all, due) = if shown < INBOX_MAX as u64 {
            let due = items[items.len() - shown as usize..]
                .iter()
                .filter(|i| i.due_at.is_some_and(|d| d <= now))
                .count() as u64;
            (shown, due)
        } else {
            s.store.count_due(&f, now_ms).await?
        };
        total += all;
        overdue += due;
        if all > shown {
            overflow.push(duban_api::InboxOverflow {
                action: (*action).to_owned(),
                status: status.code().to_owned(),
                total: all,
                shown,
            });
        }
    }
    // Each escalation goes to someone who can act on it.
    let escalated_to_me = crate::policy::escalated_to(actor.role);
    if let Some((step, action)) = escalated_to_me {
        // Only key cases are supervised; the list shows the rest overdue.
        let supervised = step == duban_sla::Step::Supervise;
        let f = CaseFilter {
            min_escalation: Some(crate::store::escalation_rank(step)),
            units: actor.jurisdiction.clone(),
            key: supervised.then_some(true),
            running: true,
            // Whose a supervised case is lies in its supervision, so those are counted
            // here, up to SUPERVISE_SCAN; the leader's are counted in the database.
            limit: if supervised {
                SUPERVISE_SCAN
            } else {
                INBOX_MAX
            },
            urgent_first: true,
            ..CaseFilter::default()
        };
        let found = s.store.cases(&f).await?;
        // The supervisors of these cases, read in one go (none: not yet named).
        let mut supervisor_of: HashMap<String, Option<String>> = HashMap::new();
        if supervised {
            let ids: Vec<String> = found.iter().map(|c| c.id().to_string()).collect();
            for json in s.store.aggregates_by_key(SUPERVISION, &ids).await? {
                let sv: duban_supervision::Supervision =
                    serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
                supervisor_of.insert(sv.case_id().to_owned(), sv.supervisor().map(str::to_owned));
            }
        }
        let mut listed = 0u64;
        let mut matched = (0u64, 0u64);
        for c in found {
            if supervised {
                let mine = match supervisor_of.get(&c.id().to_string()).cloned().flatten() {
                    Some(name) => name == actor.user.username,
                    None => actor.role != Role::Supervisor,
                };
                if !mine {
                    continue;
                }
            }
            let clock = c.current_clock();
            matched.0 += 1;
            matched.1 += u64::from(clock.is_some_and(|k| k.due_at() <= now));
            if listed == INBOX_MAX as u64 {
                continue;
            }
            listed += 1;
            items.push(duban_api::InboxItem {
                kind: "case".into(),
                id: c.id().to_string(),
                case_id: Some(c.id().to_string()),
                title: c.reference().to_string(),
                action: action.into(),
                due_at: clock.map(|k| k.due_at()),
                escalation: c.current_escalation().map(|st| st.code().to_owned()),
                clock: clock.cloned(),
            });
        }
        let (all, due) = if supervised || listed < INBOX_MAX as u64 {
            matched
        } else {
            s.store.count_due(&f, now_ms).await?
        };
        total += all;
        overdue += due;
        if all > listed {
            overflow.push(duban_api::InboxOverflow {
                action: action.to_owned(),
                // Escalated cases of every status: the list filtered by key cases, or all.
                status: String::new(),
                total: all,
                shown: listed,
            });
        }
    }
    let case_items = items.len();
    // Extension requests wait for a coordinator.
    if actor.coordinates() {
        for status in [Status::Dispatched, Status::SignedFor, Status::InProgress] {
            let f = CaseFilter {
                status: Some(status.code().to_owned()),
                pending_extension: true,
                limit: INBOX_MAX,
                ..CaseFilter::default()
            };
            for c in s.store.cases(&f).await? {
                if c.pending_extension().is_some() {
                    items.push(duban_api::InboxItem {
                        kind: "case".into(),
                        id: c.id().to_string(),
                        case_id: Some(c.id().to_string()),
                        title: c.reference().to_string(),
                        action: "decide_extension".into(),
                        due_at: c.current_clock().map(|k| k.due_at()),
                        escalation: None,
                        clock: c.current_clock().cloned(),
                    });
                }
            }
        }
    }
    let mine = speaking_units(&s, &actor);
    let my_units: Vec<String> = match actor.role {
        Role::Admin | Role::Coordinator => vec![],
        _ => actor.jurisdiction.clone().unwrap_or_default(),
    };
    // Supervision: orders to my units; for supervisors, what waits for their review.
    let sup_parties: Vec<String> = my_units
        .iter()
        .cloned()
        .chain(std::iter::once(format!("user:{}", actor.user.username)))
        .collect();
    let sup_filter = (!actor.coordinates()).then_some(sup_parties.as_slice());
    for json in s
        .store
        .aggregates(SUPERVISION, None, sup_filter, INBOX_MAX)
        .await?
    {
        let sv: duban_supervision::Supervision =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        let is_supervisor =
            sv.supervisor() == Some(actor.user.username.as_str()) || actor.coordinates();
        let title = s
            .store
            .get_case(sv.case_id())
            .await?
            .map(|c| c.reference().to_string())
            .unwrap_or_default();
        for o in sv.orders() {
            let action = match o.status {
                duban_supervision::OrderStatus::Open
                    if mine.contains(&o.target_unit) && actor.role == Role::Handler =>
                {
                    "answer_order"
                }
                duban_supervision::OrderStatus::Answered if is_supervisor => "close_order",
                _ => continue,
            };
            items.push(duban_api::InboxItem {
                kind: "supervision".into(),
                id: sv.case_id().to_owned(),
                case_id: Some(sv.case_id().to_owned()),
                title: format!("{title} {}", o.number),
                action: action.into(),
                due_at: o.clock.is_running().then(|| o.clock.due_at()),
                escalation: o.fired.iter().max().map(|st| st.code().to_owned()),
                clock: o.clock.is_running().then(|| o.clock.clone()),
            });
        }
        if is_supervisor && sv.reports().iter().any(|r| r.review.is_none()) {
            items.push(duban_api::InboxItem {
                kind: "supervision".into(),
                id: sv.case_id().to_owned(),
                case_id: Some(sv.case_id().to_owned()),
                title,
                action: "review_report".into(),
                due_at: None,
                escalation: None,
                clock: None,
            });
        }
    }
    // Referrals: to acknowledge or answer (receivers), to close (senders).
    if actor.role != Role::Leader && actor.role != Role::Supervisor {
        for json in s
            .store
            .aggregates(REFERRAL, None, actor.jurisdiction.as_deref(), INBOX_MAX)
            .await?
        {
            let r: duban_referral::Referral =
                serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
            let receiver = actor.role == Role::Handler && mine.iter().any(|u| u == r.to_unit());
            let sender = actor.role != Role::Handler || mine.iter().any(|u| u == r.from_unit());
            let action = match r.status() {
                duban_referral::Status::Sent if receiver => "acknowledge_referral",
                duban_referral::Status::Acknowledged if receiver => "answer_referral",
                duban_referral::Status::Answered if sender => "close_referral",
                _ => continue,
            };
            items.push(duban_api::InboxItem {
                kind: "referral".into(),
                id: r.id().to_owned(),
                case_id: r.case_id().map(str::to_owned),
                title: r.subject().to_owned(),
                action: action.into(),
                due_at: r.clock().filter(|c| c.is_running()).map(|c| c.due_at()),
                escalation: r.fired().iter().max().map(|st| st.code().to_owned()),
                clock: r.clock().filter(|c| c.is_running()).cloned(),
            });
        }
        // Incidents: my units' acknowledgements.
        if actor.role == Role::Handler {
            for json in s
                .store
                .aggregates(INCIDENT, None, actor.jurisdiction.as_deref(), INBOX_MAX)
                .await?
            {
                let i: duban_emergency::Incident =
                    serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
                if i.status() == duban_emergency::Status::Closed {
                    continue;
                }
                for l in i
                    .linkages()
                    .iter()
                    .filter(|l| l.acknowledged_at.is_none() && mine.contains(&l.unit))
                {
                    items.push(duban_api::InboxItem {
                        kind: "incident".into(),
                        id: i.id().to_owned(),
                        case_id: i.case_id().map(str::to_owned),
                        title: i.title().to_owned(),
                        action: "acknowledge_incident".into(),
                        due_at: Some(l.clock.due_at()),
                        escalation: l.fired.iter().max().map(|st| st.code().to_owned()),
                        clock: Some(l.clock.clone()),
                    });
                }
            }
        }
    }
    // The other sources are listed whole.
    let rest = &items[case_items..];
    total += rest.len() as u64;
    overdue += rest
        .iter()
        .filter(|i| i.due_at.is_some_and(|d| d <= now))
        .count() as u64;
    items.sort_by_key(|i| (i.due_at.is_none(), i.due_at));
    Ok(axum::Json(duban_api::Inbox {
        total,
        overdue,
        items,
        overflow,
    }))
}
