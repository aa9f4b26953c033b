//! The rule sets Duban ships with. They are data: the server stores them at first start
//! and administrators may edit them; edits apply to new clocks only.

use crate::{Condition, Limit, RequestKind, RuleSet, Stage, StageRule, TimeUnit};

fn rule(stage: Stage, amount: u32, unit: TimeUnit) -> StageRule {
    when(stage, Condition::default(), amount, unit)
}

fn when(stage: Stage, when: Condition, amount: u32, unit: TimeUnit) -> StageRule {
    // Amounts here are literals between 1 and 100000.
    let limit = Limit::new(amount, unit).unwrap_or(Limit { amount: 1, unit });
    StageRule { stage, when, limit }
}

fn set(
    id: &str,
    zh: &str,
    en: &str,
    source: &str,
    max_ext: Option<Limit>,
    rules: Vec<StageRule>,
) -> RuleSet {
    RuleSet {
        id: id.to_owned(),
        name_zh: zh.to_owned(),
        name_en: en.to_owned(),
        source: source.to_owned(),
        warn_percent: 80,
        max_extension: max_ext,
        rules,
    }
}

use TimeUnit::{Hours, NaturalDays, WorkingDays, WorkingHours};

/// Cases transferred by a central inspection team (督察交办件).
pub fn inspection_transfer() -> RuleSet {
    set(
        "inspection_transfer",
        "督察交办件",
        "Inspection transfers",
        "Duban 默认值，参照中央生态环境保护督察期间省级做法：交办当日分办，7个工作日内报送办理情况（边督边改）；请按协调联络组通知调整",
        Limit::new(10, WorkingDays).ok(),
        vec![
            rule(Stage::Dispatch, 24, Hours),
            rule(Stage::SignFor, 4, WorkingHours),
            rule(Stage::FirstContact, 1, WorkingDays),
            rule(Stage::Report, 7, WorkingDays),
            rule(Stage::Review, 2, WorkingDays),
            rule(Stage::ReturnVisit, 5, WorkingDays),
        ],
    )
}

/// Key items (重点信访事项): stricter than ordinary transfers.
pub fn key_items() -> RuleSet {
    set(
        "key_items",
        "重点信访事项",
        "Key items",
        "Duban 默认值：重点信访事项跟进督办，各环节时限严于一般交办件；请按协调联络组通知调整",
        Limit::new(5, WorkingDays).ok(),
        vec![
            rule(Stage::Dispatch, 4, Hours),
            rule(Stage::SignFor, 2, WorkingHours),
            rule(Stage::FirstContact, 4, WorkingHours),
            rule(Stage::Report, 5, WorkingDays),
            rule(Stage::Review, 1, WorkingDays),
            rule(Stage::ReturnVisit, 3, WorkingDays),
        ],
    )
}

/// 12345 government service hotline work orders.
pub fn hotline_12345() -> RuleSet {
    let urgent = Condition {
        urgent: Some(true),
        kinds: vec![],
    };
    let inquiry = Condition {
        urgent: None,
        kinds: vec![RequestKind::Inquiry],
    };
    set(
        "hotline_12345",
        "12345热线工单",
        "12345 hotline work orders",
        "《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）及各地12345热线工单办理规定：紧急工单2小时内派单，一般工单24小时内派单；1个工作日内签收；咨询类5个工作日内、投诉举报类15个工作日内办结",
        Limit::new(15, WorkingDays).ok(),
        vec![
            when(Stage::Dispatch, urgent.clone(), 2, Hours),
            rule(Stage::Dispatch, 24, Hours),
            rule(Stage::SignFor, 1, WorkingDays),
            when(Stage::FirstContact, urgent, 2, WorkingHours),
            rule(Stage::FirstContact, 1, WorkingDays),
            when(Stage::Report, inquiry, 5, WorkingDays),
            rule(Stage::Report, 15, WorkingDays),
            rule(Stage::Review, 2, WorkingDays),
            rule(Stage::ReturnVisit, 3, WorkingDays),
        ],
    )
}

/// Letters and visits under the 2022 Regulations on Letters and Visits (信访工作条例).
pub fn petitions_2022() -> RuleSet {
    set(
        "petitions_2022",
        "信访事项（信访工作条例）",
        "Petitions (2022 regulations)",
        "《信访工作条例》（2022年）：自收到信访事项之日起15日内转送、交办并告知信访人是否受理；自受理之日起60日内办结，情况复杂的经批准可适当延长，延长期限不得超过30日",
        Limit::new(30, NaturalDays).ok(),
        vec![
            rule(Stage::Dispatch, 15, NaturalDays),
            rule(Stage::Acceptance, 15, NaturalDays),
            rule(Stage::Report, 60, NaturalDays),
            rule(Stage::Review, 15, NaturalDays),
            rule(Stage::ReturnVisit, 15, NaturalDays),
        ],
    )
}

/// All shipped rule sets.
pub fn all() -> Vec<RuleSet> {
    vec![
        inspection_transfer(),
        key_items(),
        hotline_12345(),
        petitions_2022(),
    ]
}
