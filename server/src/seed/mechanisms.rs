//! The four mechanisms at work in the demo, through the same handlers as the browser's
//! requests, as the server itself: a supervise rule for key cases, supervised key cases
//! (an open order with a visit, an answered order, a progress report to review), an open
//! referral to 住建厅, a running incident with its linked departments.

use axum::extract::{Path, State};
use duban_case::Lang;
use duban_case::lifecycle::Case;
use duban_case::model::{Category, Status};
use serde_json::{Value, json};

use crate::error::{ApiFailure, ApiJson, ReqLang};
use crate::policy::Actor;
use crate::service::AppState;

/// The server acting for the demo: an administrator, of no unit.
pub(super) fn system_actor() -> Actor {
    Actor {
        user: crate::store::UserRecord {
            id: "system".into(),
            username: "system".into(),
            display_name: "系统".into(),
            role: "admin".into(),
            unit_id: None,
            password_hash: String::new(),
            disabled: false,
        },
        role: crate::auth::Role::Admin,
        jurisdiction: None,
        who: crate::service::Who::system(),
    }
}

/// Whether a case is with its unit (dispatched, signed for or in hand): the work of the
/// mechanisms is on such cases, never on concluded ones.
fn in_hand(c: &Case) -> bool {
    matches!(
        c.status(),
        Status::Dispatched | Status::SignedFor | Status::InProgress
    )
}

fn lang() -> ReqLang {
    ReqLang(Lang::Zh)
}

fn id_of(c: &Case) -> Path<String> {
    Path(c.id().to_string())
}

pub(super) async fn demo_mechanisms(state: &AppState) -> Result<(), ApiFailure> {
    let actor = system_actor();
    let mut rules: Vec<duban_dispatch::Rule> = state.routing_rules().into();
    rules.push(duban_dispatch::Rule {
        id: "supervise-key".into(),
        name: "督察组交办重点件由督办专员跟进".into(),
        kind: duban_dispatch::RuleKind::Supervise,
        when: duban_dispatch::When {
            key_classes: vec![duban_case::model::KeyClass::InspectionKey],
            ..duban_dispatch::When::default()
        },
        then: duban_dispatch::Target::Person {
            username: "supervisor".into(),
        },
    });
    if let Err(e) = state
        .set_routing_rules(rules, "演示：重点件由督办专员跟进", &actor.who)
        .await
    {
        tracing::warn!(?e, "demo routing rule not added");
    }
    let f = crate::store::CaseFilter {
        limit: 500,
        ..crate::store::CaseFilter::default()
    };
    let cases = state.store.cases(&f).await?;
    supervision(state, &actor, &cases).await?;
    referral(state, &actor, &cases).await?;
    incident(state, &actor, &cases).await
}

/// Follow-up supervision of the first three key cases in hand: each with a supervisor
/// and an order to its lead unit; the first order stays open with an on-site visit, the
/// second is answered (for the supervisor to close), the third case has a progress
/// report for the supervisor to review.
async fn supervision(state: &AppState, actor: &Actor, cases: &[Case]) -> Result<(), ApiFailure> {
    let send = |case: &Case, body: Value| {
        crate::routes::supervision::supervise(
            State(state.clone()),
            lang(),
            actor.clone(),
            id_of(case),
            ApiJson(body),
        )
    };
    let key = cases
        .iter()
        .filter(|c| c.is_key() && in_hand(c) && c.lead_unit().is_some());
    for (n, case) in key.take(3).enumerate() {
        let lead = case.lead_unit().map(|u| u.to_string()).unwrap_or_default();
        let _ = send(
            case,
            json!({"action": "assign", "supervisor": "supervisor"}),
        )
        .await?;
        let axum::Json(view) = send(
            case,
            json!({"action": "issue_order", "target_unit": lead,
                "demands": "请于3个工作日内查明情况，报送调查处理结果和整改方案", "amount": 3, "unit": "working_days"}),
        )
        .await?;
        let number = view
            .supervision
            .orders()
            .last()
            .map(|o| o.number.clone())
            .unwrap_or_default();
        let next = match n {
            0 => {
                let date = duban_core::china_date(state.now()).to_string();
                json!({"action": "record_visit", "date": date, "inspectors": ["李明", "王芳"],
                    "findings": "现场核查发现企业废气收集设施未正常运行，已责令立即整改。", "finding": "substantiated"})
            }
            1 => json!({"action": "answer_order", "number": number,
                "answer": "已组织现场核查，问题基本属实，企业已停产整改，整改方案随后报送。"}),
            _ => json!({"action": "submit_report", "kind": "progress",
                "text": "已完成现场核查和取样监测，正在督促企业制定整改方案。"}),
        };
        let _ = send(case, next).await?;
    }
    Ok(())
}

/// A referral of a sewage problem to 住建厅, acknowledged and open.
async fn referral(state: &AppState, actor: &Actor, cases: &[Case]) -> Result<(), ApiFailure> {
    let Some(case) = cases
        .iter()
        .find(|c| in_hand(c) && c.lead_unit().is_some() && c.content().contains("污水"))
    else {
        return Ok(());
    };
    let (_, axum::Json(view)) = crate::routes::referrals::refer(
        State(state.clone()),
        lang(),
        actor.clone(),
        id_of(case),
        ApiJson(json!({"action": "send", "from_unit": "prov-coord", "to_unit": "dept-zjt",
            "subject": "生活污水管网问题", "text": "该件涉及城镇生活污水管网，请住建厅协同核查并答复。",
            "amount": 3, "unit": "working_days"})),
    )
    .await?;
    let _ = crate::routes::referrals::act_on_referral(
        State(state.clone()),
        lang(),
        actor.clone(),
        Path(view.referral.id().to_owned()),
        ApiJson(json!({"action": "acknowledge"})),
    )
    .await?;
    Ok(())
}

/// A running incident from a water case in hand: one department acknowledged and
/// reporting, the others' acknowledgement clocks running.
async fn incident(state: &AppState, actor: &Actor, cases: &[Case]) -> Result<(), ApiFailure> {
    let Some(case) = cases
        .iter()
        .find(|c| in_hand(c) && c.categories().contains(&Category::Water))
    else {
        return Ok(());
    };
    let (_, axum::Json(view)) = crate::routes::incidents::declare_incident_from_case(
        State(state.clone()),
        lang(),
        actor.clone(),
        id_of(case),
        ApiJson(json!({"action": "declare", "title": "河道出现大面积死鱼", "incident_type": "water_pollution",
            "severity": "III", "division": case.division().as_str(), "address": case.address()})),
    )
    .await?;
    let id = view.incident.id().to_owned();
    for body in [
        json!({"action": "acknowledge", "unit": "dept-sthjt"}),
        json!({"action": "report", "unit": "dept-sthjt",
            "text": "监测人员已到达现场，上下游设置3个采样点，初步判断为上游企业超标排放所致。"}),
    ] {
        let _ = crate::routes::incidents::act_on_incident(
            State(state.clone()),
            lang(),
            actor.clone(),
            Path(id.clone()),
            ApiJson(body),
        )
        .await?;
    }
    Ok(())
}
