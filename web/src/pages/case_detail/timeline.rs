//! The case timeline: the case's own events and, by time among them, those of its
//! mechanisms.

use chrono::Utc;
use duban_api::incidents::{GetIncident, ListIncidents};
use duban_api::keys::{CaseKey, IncidentKey};
use duban_api::referrals::CaseReferrals;
use duban_api::supervision::CaseSupervision;
use duban_api::{EventView, UnitView};
use duban_case::lifecycle::EventKind;
use leptos::prelude::*;

use crate::api;
use crate::format::{actor_label, actor_text, local_time};
use crate::i18n::{Lang, use_i18n};
use crate::mechanism_view::{
    IncidentHead, LinkedEvent, incident_events, linked_line, referral_events, source_key,
    supervision_events,
};
use crate::pages::admin::unit_name;

/// One line of the case timeline: an event of the case, or one of its mechanisms.
#[derive(Debug, Clone, PartialEq)]
enum TimelineEntry {
    Case(EventView),
    Linked(LinkedEvent),
}

impl TimelineEntry {
    fn at(&self) -> chrono::DateTime<Utc> {
        match self {
            TimelineEntry::Case(e) => e.event.at,
            TimelineEntry::Linked(l) => l.at,
        }
    }
}

/// The case's events and its mechanisms' in one list by time; at the same instant the
/// case's own event comes first, and each list keeps its order.
fn merge_timeline(case: Vec<EventView>, linked: Vec<LinkedEvent>) -> Vec<TimelineEntry> {
    let mut all: Vec<TimelineEntry> = case
        .into_iter()
        .map(TimelineEntry::Case)
        .chain(linked.into_iter().map(TimelineEntry::Linked))
        .collect();
    all.sort_by_key(TimelineEntry::at);
    all
}

/// The events of a case's supervision (key cases only), its referrals and the
/// incidents declared from it. What the reader may not see is left out; an incident
/// whose board cannot be read shows its declaration.
pub(super) async fn linked_events(case_id: &str, key: bool, lang: Lang) -> Vec<LinkedEvent> {
    let mut out = Vec::new();
    if key && let Ok(s) = api::call::<CaseSupervision>(&CaseKey::new(case_id), &(), &(), lang).await
    {
        out.extend(supervision_events(&s.events));
    }
    if let Ok(list) = api::call::<CaseReferrals>(&CaseKey::new(case_id), &(), &(), lang).await {
        out.extend(list.iter().flat_map(referral_events));
    }
    if let Ok(incidents) = api::call::<ListIncidents>(&(), &(), &(), lang).await {
        for incident in incidents.iter().filter(|i| i.case_id() == Some(case_id)) {
            let head = IncidentHead::from(incident);
            let key = IncidentKey::new(&*head.id);
            let board = api::call::<GetIncident>(&key, &(), &(), lang).await.ok();
            out.extend(incident_events(
                &head,
                board.as_ref().map(|b| b.events.as_slice()),
            ));
        }
    }
    out
}

/// The timeline (`ol#timeline`): the case's events and its mechanisms', by time.
#[component]
pub(super) fn Timeline(
    events: RwSignal<Vec<EventView>>,
    linked: RwSignal<Vec<LinkedEvent>>,
    units: RwSignal<Vec<UnitView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
    <ol class="timeline" id="timeline">
        {move || merge_timeline(events.get(), linked.get()).into_iter().map(|entry| match entry {
            TimelineEntry::Case(e) => {
                let lang = i18n.lang();
                let names = units.get();
                let detail = event_detail(&e.event.kind, lang, &|id: &str| {
                    names.iter().find(|u| u.id == id).map_or_else(|| id.to_owned(), |u| u.name.clone())
                });
                let step = match &e.event.kind {
                    EventKind::Escalated { step, .. } => Some(step.code()),
                    _ => None,
                };
                view! {
                    <li data-type=e.event.kind.code() data-step=step>
                        <span class="when">{local_time(e.event.at)}</span>
                        <span class="what">{e.event.kind.label(lang)}</span>
                        <span class="who">{actor_label(&e.event.actor, i18n.lang())}</span>
                        {(!detail.is_empty()).then(|| view! { <span class="detail">{detail}</span> })}
                    </li>
                }.into_any()
            }
            TimelineEntry::Linked(l) => {
                let lang = i18n.lang();
                let (what, detail) = units.with(|names| {
                    linked_line(&l, &|id: &str| unit_name(names, id), lang)
                });
                let what = what.unwrap_or_else(|| i18n.t(l.label).to_owned());
                view! {
                    <li class="linked" data-type=l.code data-source=l.source
                        data-step=l.step.map(|s| s.code()) data-on-behalf=l.on_behalf.then_some("true")>
                        <span class="when">{local_time(l.at)}</span>
                        <span class="tag timeline-source">{i18n.t(source_key(l.source))}</span>
                        <span class="what">{what}</span>
                        <span class="who">{actor_text(&l.actor, l.on_behalf, lang)}</span>
                        {(!detail.is_empty()).then(|| view! { <span class="detail">{detail}</span> })}
                    </li>
                }.into_any()
            }
        }).collect_view()}
    </ol>
    }
}

fn event_detail(
    kind: &EventKind,
    lang: duban_case::Lang,
    unit_name: &dyn Fn(&str) -> String,
) -> String {
    match kind {
        EventKind::Dispatched {
            lead_unit,
            co_units,
            note,
            ..
        } => {
            let mut s = unit_name(lead_unit.as_str());
            if !co_units.is_empty() {
                s.push_str(&format!(
                    " + {}",
                    co_units
                        .iter()
                        .map(|u| unit_name(u.as_str()))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            if !note.is_empty() {
                s.push_str(&format!(" · {note}"));
            }
            s
        }
        EventKind::Returned { reason }
        | EventKind::Reopened { reason }
        | EventKind::Paused { reason } => reason.clone(),
        EventKind::SentBack { comments } => comments.clone(),
        EventKind::HandlingStarted { note } => note.clone(),
        EventKind::Reported { outcome } => format!(
            "{} · {}",
            outcome.finding().label(lang),
            outcome.public_summary()
        ),
        EventKind::Approved { closure } => closure.label(lang).to_owned(),
        EventKind::ReturnVisited { satisfaction, note } => {
            if note.is_empty() {
                satisfaction.label(lang).to_owned()
            } else {
                format!("{}：{note}", satisfaction.label(lang))
            }
        }
        EventKind::Extended { by, reason } => {
            let by = by.text(lang);
            format!("+{by} · {reason}")
        }
        EventKind::Merged {
            primary,
            primary_reference,
        } => primary_reference
            .as_ref()
            .map_or_else(|| primary.to_string(), ToString::to_string),
        EventKind::RepeatAttached { reference, .. } => reference.to_string(),
        // What the handler asked for, so that the coordinator decides knowing it.
        EventKind::ExtensionRequested { by, reason } => {
            let by = by.text(lang);
            format!("+{by} · {reason}")
        }
        EventKind::ExtensionRefused { reason } => reason.clone(),

        EventKind::Escalated {
            stage, reached_at, ..
        } => {
            let reached = local_time(*reached_at);
            duban_text::key!("timeline.escalated").fill(
                lang,
                &[("stage", stage.name(lang).to_owned()), ("at", reached)],
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_text::key;

    fn at(s: &str) -> chrono::DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    fn case_event(seq: u64, time: &str) -> Option<EventView> {
        serde_json::from_value(serde_json::json!({
            "seq": seq, "at": time, "actor": "handler", "type": "signed_for"
        }))
        .ok()
    }

    fn linked(time: &str, code: &'static str) -> LinkedEvent {
        LinkedEvent {
            at: at(time),
            actor: "coordinator".into(),
            on_behalf: false,
            source: "referral",
            code,
            label: key!("referral.event.sent"),
            unit: None,
            detail: String::new(),
            step: None,
        }
    }

    #[test]
    fn the_timeline_merges_by_time() {
        let case: Vec<EventView> = [
            case_event(1, "2025-06-03T01:00:00Z"),
            case_event(2, "2025-06-03T03:00:00Z"),
        ]
        .into_iter()
        .flatten()
        .collect();
        assert_eq!(case.len(), 2);
        let merged = merge_timeline(
            case,
            vec![
                linked("2025-06-03T03:00:00Z", "acknowledged"),
                linked("2025-06-03T02:00:00Z", "sent"),
            ],
        );
        let order: Vec<String> = merged
            .iter()
            .map(|e| match e {
                TimelineEntry::Case(e) => format!("case{}", e.seq),
                TimelineEntry::Linked(l) => l.code.to_owned(),
            })
            .collect();
        assert_eq!(order, ["case1", "sent", "case2", "acknowledged"]);
    }
}
