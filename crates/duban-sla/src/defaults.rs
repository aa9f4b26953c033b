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
        "Duban default after provincial practice during central inspections: dispatched the day received (当日分办), \
         handling reported within 7 working days (边督边改、限期报送); adjust to the coordination group's notice",
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
        "Duban default for key items under follow-up supervision (重点事项跟进督办): stricter than ordinary transfers; \
         adjust to the coordination group's notice",
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
        "国务院办公厅关于进一步优化地方政务服务便民热线的指导意见(国办发〔2020〕53号) and common local 12345 rules: \
         urgent orders dispatched within 2 hours, others within 24 hours; signed for within 1 working day; \
         inquiries answered within 5 working days, complaints and reports within 15",
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
        "信访事项(信访工作条例)",
        "Petitions (2022 regulations)",
        "信访工作条例(2022年): 15 days to route (第二十二条) and to tell the petitioner whether the matter is \
         accepted (第二十四条), 60 days to handle from acceptance, extendable by at most 30 days (第三十二条)",
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
