//! The three mechanisms (follow-up supervision, horizontal referral, emergency linkage),
//! the inbox and escalations for people: codes and string-table keys, the units a user
//! speaks for, links, file names for upload headers and the field paths of plan errors.

use chrono::{DateTime, Utc};
use duban_api::{InboxItem, IncidentEventView, ReferralView, SupervisionEventView, UnitView};
use duban_case::model::Category;
use duban_core::Tagged as _;
use duban_emergency::{IncidentType, Place, Severity};
use duban_sla::Step;
use duban_text::Key;
use duban_text::key;

use crate::i18n::Lang;

/// Time units of order and referral limits: `(code, string-table key)`, in the order
/// the forms list them.
pub const TIME_UNITS: [(&str, Key); 4] = [
    ("working_days", key!("unit.working_days")),
    ("natural_days", key!("unit.natural_days")),
    ("working_hours", key!("unit.working_hours")),
    ("hours", key!("unit.hours")),
];

/// An escalation step from its wire code (`remind`, `chase`, `supervise`, `summon`).
pub fn parse_step(code: &str) -> Option<Step> {
    Step::ALL.into_iter().find(|s| s.code() == code)
}

/// 临期提醒 / Reminder …
pub fn step_label(step: Step, lang: Lang) -> &'static str {
    step.name(lang)
}

/// The highest rung a case's clocks have climbed.
pub fn highest_step(escalations: &[duban_case::lifecycle::Escalation]) -> Option<Step> {
    escalations.iter().map(|e| e.step).max()
}

/// The units a user speaks for, as the server counts them: administrators and
/// coordinators every unit, handlers their unit and every unit below it, the other
/// roles none.
pub fn speaking_units(role: &str, unit: Option<&str>, units: &[UnitView]) -> Vec<String> {
    match role {
        "admin" | "coordinator" => units.iter().map(|u| u.id.clone()).collect(),
        "handler" => {
            let Some(root) = unit else {
                return Vec::new();
            };
            let mut out = vec![root.to_owned()];
            let mut i = 0;
            while i < out.len() {
                let parent = out[i].clone();
                for u in units {
                    if u.parent.as_deref() == Some(parent.as_str()) && !out.contains(&u.id) {
                        out.push(u.id.clone());
                    }
                }
                i += 1;
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Where an inbox item is handled: the case (its supervision section for supervision
/// items), the incident's board, or the referral list.
pub fn inbox_link(item: &InboxItem) -> String {
    match (item.kind.as_str(), item.case_id.as_deref()) {
        ("incident", _) => format!("/incidents/{}", item.id),
        ("supervision", Some(case)) => format!("/cases/{case}#supervision"),
        ("referral", Some(case)) => format!("/cases/{case}#referrals"),
        ("referral", None) => "/referrals".to_owned(),
        (_, Some(case)) => format!("/cases/{case}"),
        (_, None) => format!("/cases/{}", item.id),
    }
}

/// A file name for the `X-File-Name` header: UTF-8, percent-encoded except for
/// unreserved characters.
pub fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Splits an error path of the plan list: `plans[0].departments[1].unit` →
/// `(0, Some(1), "unit")`, `plans[2].name` → `(2, None, "name")`, `plans[0]` →
/// `(0, None, "")`; `None` for paths outside one plan (`reason`).
pub fn plan_error_path(field: &str) -> Option<(usize, Option<usize>, &str)> {
    let rest = field.strip_prefix("plans[")?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    let rest = match rest {
        "" => return Some((index, None, "")),
        r => r.strip_prefix('.')?,
    };
    match rest.strip_prefix("departments[") {
        Some(d) => {
            let (dept, tail) = d.split_once(']')?;
            let dept = dept.parse().ok()?;
            Some((index, Some(dept), tail.strip_prefix('.').unwrap_or(tail)))
        }
        None => Some((index, None, rest)),
    }
}

/// A plan department's tasks as typed: one per line, blanks dropped.
pub fn parse_tasks(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The incident type a case's categories suggest, for declaring from a case.
pub fn incident_type_for(categories: &[Category]) -> IncidentType {
    let found = |c: Category| categories.contains(&c);
    if found(Category::Water) {
        IncidentType::WaterPollution
    } else if found(Category::Air) {
        IncidentType::AirPollution
    } else if found(Category::SolidWaste) {
        IncidentType::SolidWaste
    } else if found(Category::Radiation) {
        IncidentType::Radiation
    } else {
        IncidentType::Other
    }
}

/// The wire code of an incident's status (`active`, `closed`).
pub const fn incident_status_code(s: duban_emergency::Status) -> &'static str {
    match s {
        duban_emergency::Status::Active => "active",
        duban_emergency::Status::Closed => "closed",
    }
}

/// How much time a deadline without a clock has left: `(css class, code)`; overdue
/// once due, warned within a day. Only for items the server sent without their clock
/// (see [`item_state`]).
pub fn due_state(due: DateTime<Utc>, now: DateTime<Utc>) -> (&'static str, &'static str) {
    let left = (due - now).num_seconds();
    if left <= 0 {
        ("badge badge-overdue", "overdue")
    } else if left <= 86_400 {
        ("badge badge-warn", "warning")
    } else {
        ("badge badge-ok", "on_time")
    }
}

/// Where an inbox item stands: `(css class, code)` from its clock, with the rule set's
/// warning share, as every SLA badge computes it; from the bare deadline
/// ([`due_state`]) when the item came without a clock; `None` without a deadline.
pub fn item_state(item: &InboxItem, now: DateTime<Utc>) -> Option<(&'static str, &'static str)> {
    match (&item.clock, item.due_at) {
        (Some(clock), _) => {
            let s = clock
                .status(now, duban_calendar::Calendar::official())
                .status;
            Some((
                crate::sla_view::status_class(s),
                crate::sla_view::status_code(s),
            ))
        }
        (None, Some(due)) => Some(due_state(due, now)),
        (None, None) => None,
    }
}

/// A countdown with seconds, for the minutes-long acknowledgement clocks of an
/// incident: `12分05秒` / `12m 05s`, `1小时02分` / `1h 02m` beyond an hour.
pub fn countdown(secs: i64, lang: Lang) -> String {
    let s = secs.abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    // Two digits after the first unit, so the countdown does not jitter.
    match h {
        0 => key!("span.minutes_seconds")
            .fill(lang, &[("m", m.to_string()), ("s", format!("{sec:02}"))]),
        _ => key!("span.hours").fill(lang, &[("h", h.to_string()), ("m", format!("{m:02}"))]),
    }
}

/// The head of an incident as the list and the board show it (owned, for the views).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentHead {
    pub id: String,
    pub case_id: Option<String>,
    pub title: String,
    pub incident_type: IncidentType,
    pub severity: Severity,
    pub place: Place,
    pub plan_id: String,
    pub plan_name: String,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    pub status: duban_emergency::Status,
    pub summary: Option<String>,
}

impl From<&duban_emergency::Incident> for IncidentHead {
    fn from(i: &duban_emergency::Incident) -> IncidentHead {
        IncidentHead {
            id: i.id().to_owned(),
            case_id: i.case_id().map(str::to_owned),
            title: i.title().to_owned(),
            incident_type: i.incident_type(),
            severity: i.severity(),
            place: i.place().clone(),
            plan_id: i.plan_id().to_owned(),
            plan_name: i.plan_name().to_owned(),
            declared_at: i.declared_at(),
            declared_by: i.declared_by().to_owned(),
            status: i.status(),
            summary: i.summary().map(str::to_owned),
        }
    }
}

/// An event of a case's follow-up supervision, referrals or incidents, as the case
/// timeline merges it with the case's own events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// Entered by the coordinators for the unit that acted (代录).
    pub on_behalf: bool,
    /// `supervision`, `referral` or `incident`.
    pub source: &'static str,
    /// The event's wire code (`order_issued`, `sent`, `declared`, …).
    pub code: &'static str,
    /// String-table key of its label.
    pub label: Key,
    /// A unit the event names, shown by name before the detail.
    pub unit: Option<String>,
    /// Order number, referral subject, incident title.
    pub detail: String,
    /// The escalation step a mechanism clock reached (`step_fired`): the order's
    /// (its number in `detail`), the referral's response clock, or a department's
    /// acknowledgement clock (the department in `unit`).
    pub step: Option<Step>,
}

/// The clock a ladder step of a mechanism fired on, and the step:
/// `督办单 苏督〔2026〕3号：超期催办` (`subject`: the order number),
/// `住建厅 接报确认：临期提醒` (`subject`: the department's name),
/// `答复时限：督办` (referrals; `subject` unused).
pub fn step_text(source: &str, subject: &str, step: Step, lang: Lang) -> String {
    let step = step_label(step, lang);
    let text = match source {
        "supervision" => key!("step.supervision"),
        "incident" => key!("step.incident"),
        _ => key!("step.referral"),
    };
    text.fill(
        lang,
        &[("subject", subject.to_owned()), ("step", step.to_owned())],
    )
}

/// A linked event as the case timeline shows it: what happened when it is not the
/// label's text (ladder steps), and the detail line (the unit by name, then the
/// detail).
pub fn linked_line(
    l: &LinkedEvent,
    unit_name: &dyn Fn(&str) -> String,
    lang: Lang,
) -> (Option<String>, String) {
    let unit = l.unit.as_deref().map(unit_name).unwrap_or_default();
    match (l.step, l.source) {
        (Some(step), "supervision") => (
            Some(step_text(l.source, &l.detail, step, lang)),
            String::new(),
        ),
        (Some(step), "incident") => (
            Some(step_text(l.source, &unit, step, lang)),
            l.detail.clone(),
        ),
        (Some(step), _) => (Some(step_text(l.source, "", step, lang)), l.detail.clone()),
        (None, _) => {
            let detail = [unit, l.detail.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            (None, detail)
        }
    }
}

/// String-table key of a timeline source's tag.
pub const fn source_key(source: &str) -> Key {
    match source.as_bytes() {
        b"supervision" => key!("timeline.source.supervision"),
        b"referral" => key!("timeline.source.referral"),
        _ => key!("timeline.source.incident"),
    }
}

/// A supervision's events for the case timeline: the order number as the detail, the
/// order's target as the unit.
pub fn supervision_events(events: &[SupervisionEventView]) -> Vec<LinkedEvent> {
    use duban_supervision::{EventKind as K, ReportKind};
    events
        .iter()
        .map(|e| {
            let (label, unit, detail) = match &e.event.kind {
                K::SupervisorAssigned { supervisor } => {
                    (key!("supervision.event.assigned"), None, supervisor.clone())
                }
                K::OrderIssued { order } => (
                    key!("supervision.event.order_issued"),
                    Some(order.target_unit.clone()),
                    order.number.clone(),
                ),
                K::OrderAnswered { number, .. } => (
                    key!("supervision.event.order_answered"),
                    None,
                    number.clone(),
                ),
                K::OrderClosed { number, .. } => {
                    (key!("supervision.event.order_closed"), None, number.clone())
                }
                K::OrderReopened { number, .. } => (
                    key!("supervision.event.order_reopened"),
                    None,
                    number.clone(),
                ),
                K::VisitRecorded { visit } => {
                    (key!("supervision.visits"), None, visit.date.to_string())
                }
                K::ReportSubmitted { report } => (
                    match report.kind {
                        ReportKind::Progress => key!("report.kind.progress"),
                        ReportKind::Result => key!("report.kind.result"),
                    },
                    None,
                    String::new(),
                ),
                K::ReportReviewed { review, .. } => (
                    if review.approved {
                        key!("supervision.event.report_approved")
                    } else {
                        key!("supervision.event.report_sent_back")
                    },
                    None,
                    review.comments.clone(),
                ),
                K::StepFired { order_number, .. } => {
                    (key!("timeline.step_fired"), None, order_number.clone())
                }
            };
            let step = match &e.event.kind {
                K::StepFired { step, .. } => Some(*step),
                _ => None,
            };
            LinkedEvent {
                at: e.event.at,
                actor: e.event.actor.clone(),
                on_behalf: e.event.on_behalf,
                source: "supervision",
                code: e.event.kind.code(),
                label,
                unit,
                detail,
                step,
            }
        })
        .collect()
}

/// A referral's events for the case timeline: the referral's subject as the detail,
/// the unit that acted (the receiver for the sending) as the unit.
pub fn referral_events(r: &ReferralView) -> Vec<LinkedEvent> {
    use duban_referral::EventKind as K;
    let subject = r.referral.subject().to_owned();
    r.events
        .iter()
        .map(|e| {
            let (label, unit) = match &e.event.kind {
                K::Sent { to_unit, .. } => (key!("referral.event.sent"), Some(to_unit.clone())),
                K::Acknowledged { unit } => {
                    (key!("referral.status.acknowledged"), Some(unit.clone()))
                }
                K::Replied { unit, .. } => (key!("referral.event.replied"), Some(unit.clone())),
                K::Answered { unit, .. } => (key!("referral.status.answered"), Some(unit.clone())),
                K::JointSet { lead, .. } => (key!("referral.joint"), Some(lead.clone())),
                K::Closed { .. } => (key!("referral.status.closed"), None),
                K::StepFired { .. } => (key!("timeline.step_fired"), None),
            };
            let step = match &e.event.kind {
                K::StepFired { step } => Some(*step),
                _ => None,
            };
            LinkedEvent {
                at: e.event.at,
                actor: e.event.actor.clone(),
                on_behalf: e.event.on_behalf,
                source: "referral",
                code: e.event.kind.code(),
                label,
                unit,
                detail: subject.clone(),
                step,
            }
        })
        .collect()
}

/// An incident's events for the case timeline, the incident's title as the detail;
/// without them (the board could not be read), one line for the declaration.
pub fn incident_events(
    head: &IncidentHead,
    events: Option<&[IncidentEventView]>,
) -> Vec<LinkedEvent> {
    use duban_emergency::EventKind as K;
    let Some(events) = events else {
        return vec![LinkedEvent {
            at: head.declared_at,
            actor: head.declared_by.clone(),
            on_behalf: false,
            source: "incident",
            code: "declared",
            label: key!("incident.event.declared"),
            unit: None,
            detail: head.title.clone(),
            step: None,
        }];
    };
    events
        .iter()
        .map(|e| {
            let (label, unit) = match &e.event.kind {
                K::Declared { .. } => (key!("incident.event.declared"), None),
                K::Acknowledged { unit, .. } => {
                    (key!("incident.event.acknowledged"), Some(unit.clone()))
                }
                K::Reported { unit, .. } => (key!("incident.event.reported"), Some(unit.clone())),
                K::Escalated { .. } => (key!("incident.event.escalated"), None),
                K::Closed { .. } => (key!("incident.event.closed"), None),
                K::StepFired { unit, .. } => (key!("timeline.step_fired"), Some(unit.clone())),
            };
            let step = match &e.event.kind {
                K::StepFired { step, .. } => Some(*step),
                _ => None,
            };
            LinkedEvent {
                at: e.event.at,
                actor: e.event.actor.clone(),
                on_behalf: e.event.on_behalf,
                source: "incident",
                code: e.event.kind.code(),
                label,
                unit,
                detail: head.title.clone(),
                step,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, parent: Option<&str>) -> UnitView {
        UnitView {
            id: id.into(),
            name: id.into(),
            kind: "government".into(),
            parent: parent.map(Into::into),
            division: None,
        }
    }

    #[test]
    fn an_unread_incident_shows_its_declaration() {
        let incident = serde_json::from_value::<duban_emergency::Incident>(serde_json::json!({
            "id": "i-1", "case_id": "c-1", "title": "某河段突发水污染",
            "incident_type": "water_pollution", "severity": "II",
            "place": {"division": "321102", "address": "京口区"},
            "plan_id": "water-major", "plan_name": "预案",
            "declared_at": "2025-06-03T01:00:00Z", "declared_by": "coordinator",
            "linkages": [], "reports": [], "status": "active", "version": 1
        }));
        assert!(incident.is_ok());
        if let Ok(incident) = incident {
            let head = IncidentHead::from(&incident);
            let lines = incident_events(&head, None);
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].code, "declared");
            assert_eq!(lines[0].source, "incident");
            assert_eq!(lines[0].label, key!("incident.event.declared"));
            assert_eq!(lines[0].detail, "某河段突发水污染");
            assert!(incident_events(&head, Some(&[])).is_empty());
        }
        assert_eq!(source_key("referral"), key!("timeline.source.referral"));
        assert_eq!(
            source_key("supervision"),
            key!("timeline.source.supervision")
        );
    }

    #[test]
    fn handlers_speak_for_their_unit_and_below() {
        let units = vec![
            unit("prov-coord", None),
            unit("gov-3211", Some("prov-coord")),
            unit("gov-321102", Some("gov-3211")),
            unit("zone-x", Some("gov-321102")),
            unit("gov-3201", Some("prov-coord")),
        ];
        assert_eq!(
            speaking_units("handler", Some("gov-3211"), &units),
            ["gov-3211", "gov-321102", "zone-x"]
        );
        assert_eq!(speaking_units("coordinator", None, &units).len(), 5);
        assert!(speaking_units("leader", Some("prov-coord"), &units).is_empty());
        assert!(speaking_units("handler", None, &units).is_empty());
    }

    #[test]
    fn plan_paths_name_plan_and_department() {
        assert_eq!(
            plan_error_path("plans[0].departments[1].unit"),
            Some((0, Some(1), "unit"))
        );
        assert_eq!(
            plan_error_path("plans[3].departments[12].ack_minutes"),
            Some((3, Some(12), "ack_minutes"))
        );
        assert_eq!(plan_error_path("plans[2].name"), Some((2, None, "name")));
        assert_eq!(
            plan_error_path("plans[2].departments"),
            Some((2, None, "departments"))
        );
        assert_eq!(plan_error_path("plans[0]"), Some((0, None, "")));
        assert_eq!(plan_error_path("reason"), None);
        assert_eq!(plan_error_path("plans[x].id"), None);
    }

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(percent_encode("现场.jpg"), "%E7%8E%B0%E5%9C%BA.jpg");
        assert_eq!(percent_encode("a b/c.png"), "a%20b%2Fc.png");
    }

    #[test]
    fn steps_and_links() {
        for s in Step::ALL {
            assert_eq!(parse_step(s.code()), Some(s));
        }
        assert_eq!(parse_step("nothing"), None);
        let mut item = InboxItem {
            kind: "incident".into(),
            id: "i-1".into(),
            case_id: Some("c-1".into()),
            title: String::new(),
            action: "acknowledge_incident".into(),
            due_at: None,
            escalation: None,
            clock: None,
        };
        assert_eq!(inbox_link(&item), "/incidents/i-1");
        item.kind = "referral".into();
        assert_eq!(inbox_link(&item), "/cases/c-1#referrals");
        item.case_id = None;
        assert_eq!(inbox_link(&item), "/referrals");
        item.kind = "case".into();
        item.id = "c-2".into();
        assert_eq!(inbox_link(&item), "/cases/c-2");
    }

    #[test]
    fn tasks_are_lines_and_countdowns_show_seconds() {
        assert_eq!(
            parse_tasks(" 赶赴现场，开展监测\n\n 疏散群众 "),
            ["赶赴现场，开展监测", "疏散群众"]
        );
        assert_eq!(countdown(725, Lang::Zh), "12分05秒");
        assert_eq!(countdown(-65, Lang::En), "1m 05s");
        assert_eq!(countdown(3720, Lang::Zh), "1小时02分");
        assert_eq!(
            incident_type_for(&[Category::Noise, Category::Water]),
            IncidentType::WaterPollution
        );
        assert_eq!(incident_type_for(&[]), IncidentType::Other);
    }

    #[test]
    fn inbox_items_use_their_clocks_warning_share() {
        use duban_sla::{Clock, Limit, Stage, TimeUnit};
        let start = DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default();
        let limit = Limit::new(10, TimeUnit::Hours);
        assert!(limit.is_ok());
        let Ok(limit) = limit else { return };
        // Warned from half the budget on: 5 of 10 hours, far more than a day ahead.
        let clock = Clock::start(
            Stage::SupervisionOrder,
            limit,
            50,
            start,
            duban_calendar::Calendar::official(),
        );
        let mut item = InboxItem {
            kind: "supervision".into(),
            id: "c-1".into(),
            case_id: Some("c-1".into()),
            title: String::new(),
            action: "answer_order".into(),
            due_at: Some(clock.due_at()),
            escalation: None,
            clock: Some(clock),
        };
        let at = |h: i64| start + chrono::TimeDelta::hours(h);
        assert_eq!(item_state(&item, at(1)).map(|s| s.1), Some("on_time"));
        assert_eq!(item_state(&item, at(6)).map(|s| s.1), Some("warning"));
        assert_eq!(item_state(&item, at(11)).map(|s| s.1), Some("overdue"));
        // Without its clock the item falls back to the bare deadline (warned within
        // a day).
        item.clock = None;
        assert_eq!(item_state(&item, at(1)).map(|s| s.1), Some("warning"));
        item.due_at = None;
        assert_eq!(item_state(&item, at(1)), None);
    }

    #[test]
    fn ladder_steps_name_their_clock() {
        assert_eq!(
            step_text("supervision", "苏督〔2026〕3号", Step::Chase, Lang::Zh),
            "督办单 苏督〔2026〕3号：超期催办"
        );
        assert_eq!(
            step_text("incident", "住建厅", Step::Remind, Lang::Zh),
            "住建厅 接报确认：临期提醒"
        );
        assert_eq!(
            step_text("referral", "", Step::Summon, Lang::En),
            "Response deadline: Summon talk"
        );
        let line = LinkedEvent {
            at: DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default(),
            actor: "system".into(),
            on_behalf: false,
            source: "incident",
            code: "step_fired",
            label: key!("timeline.step_fired"),
            unit: Some("dept-zjt".into()),
            detail: "某河段突发水污染".into(),
            step: Some(Step::Remind),
        };
        let names = |id: &str| {
            if id == "dept-zjt" {
                "住建厅".to_owned()
            } else {
                id.to_owned()
            }
        };
        assert_eq!(
            linked_line(&line, &names, Lang::Zh),
            (
                Some("住建厅 接报确认：临期提醒".to_owned()),
                "某河段突发水污染".to_owned()
            )
        );
        let plain = LinkedEvent {
            step: None,
            code: "acknowledged",
            ..line
        };
        assert_eq!(
            linked_line(&plain, &names, Lang::Zh),
            (None, "住建厅 · 某河段突发水污染".to_owned())
        );
    }

    #[test]
    fn due_states() {
        let now = DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default();
        assert_eq!(due_state(now, now).1, "overdue");
        assert_eq!(
            due_state(now + chrono::TimeDelta::hours(3), now).1,
            "warning"
        );
        assert_eq!(
            due_state(now + chrono::TimeDelta::days(3), now).1,
            "on_time"
        );
    }
}
