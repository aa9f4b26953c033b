//! SLA rule sets (administration).

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // SLA rule sets (administration)
    ("nav.admin_sla", "时限规则", "SLA rules"),
    ("sla.title", "时限规则", "SLA rules"),
    (
        "sla.hint",
        "各类信访件每个环节的办理时限、预警比例和最长延期，由管理员维护；每次修改须填写原因，并记入审计日志。",
        "Each kind of case's limit per stage, warning share and longest extension, kept by administrators; every change needs a reason and is written to the audit log.",
    ),
    (
        "sla.scope",
        "修改只对此后开始的计时生效；正在计时的环节仍按原时限计算。",
        "Edits apply to clocks started from now on; running clocks keep their limits.",
    ),
    ("sla.empty", "暂无时限规则。", "No SLA rule sets."),
    ("sla.warn_percent", "预警比例", "Warning share"),
    ("sla.max_extension", "最长延期", "Longest extension"),
    ("sla.no_extension", "不允许延期", "No extension"),
    ("sla.cond.always", "全部", "All cases"),
    ("sla.cond.urgent", "紧急件", "Urgent"),
    ("sla.cond.not_urgent", "非紧急件", "Not urgent"),
    ("sla.edit_title", "修改时限规则：", "Edit SLA rules: "),
    (
        "sla.field.warn_percent",
        "预警比例（%，1至99）",
        "Warning share (%, 1 to 99)",
    ),
    ("sla.field.max_extension", "最长延期", "Longest extension"),
    ("sla.field.max_extension_unit", "延期单位", "Extension unit"),
    ("sla.field.rules", "各环节时限", "Stage limits"),
    ("sla.reason", "变更原因", "Reason"),
    ("sla.field.urgent", "紧急程度", "Urgency"),
    (
        "sla.field.kinds",
        "诉求类型（不选即不限）",
        "Request kinds (none ticked: any)",
    ),
    ("sla.field.amount", "时限", "Limit"),
    ("sla.field.unit", "单位", "Unit"),
    ("sla.urgent.any", "不限", "Any"),
    ("sla.urgent.yes", "紧急", "Urgent"),
    ("sla.urgent.no", "非紧急", "Not urgent"),
    (
        "sla.order_hint",
        "同一环节按顺序取第一条条件相符的规则：有条件的规则请排在不限条件的规则之前。",
        "For each stage the first rule whose condition fits applies: put rules with conditions before the one without.",
    ),
    ("sla.add_rule", "添加环节时限", "Add a stage limit"),
    (
        "sla.saved",
        "时限规则已保存，此后开始的计时按新时限计算。",
        "SLA rules saved; clocks started from now on use them.",
    ),
    ("unit.minutes", "分钟", "Minutes"),
    (
        "err.rule_set.id_mismatch",
        "规则编号与地址不一致",
        "The rule set's id differs from the one in the address",
    ),
    (
        "err.rule_set.not_found",
        "时限规则不存在",
        "No such SLA rule set",
    ),
    (
        "err.rule_set.no_change",
        "时限规则没有需要保存的修改",
        "The SLA rules have not changed",
    ),
    (
        "err.json.invalid",
        "提交的数据格式有误",
        "The data sent is not valid",
    ),
    // a clock's badge: how long is left or overdue, and how it ended
    ("span.minutes", "{m}分钟", "{m}m"),
    ("span.hours", "{h}小时{m}分", "{h}h {m}m"),
    ("span.days", "{d}天{h}小时", "{d}d {h}h"),
    ("span.minutes_seconds", "{m}分{s}秒", "{m}m {s}s"),
    ("sla.badge.left", "剩余{span}", "{span} left"),
    ("sla.badge.overdue", "超期{span}", "Overdue {span}"),
    ("sla.badge.met", "按期完成", "Met"),
    ("sla.badge.missed", "超期完成", "Missed"),
    // an error of a rule of the form: `第1条 分办 · …`
    (
        "sla.error.rule",
        "第{n}条 {stage} · {message}",
        "Rule {n} {stage} · {message}",
    ),
    // the stages with a clock (duban-sla's Stage), by code
    ("sla.stage.dispatch", "分办", "Dispatch"),
    ("sla.stage.acceptance", "受理告知", "Acceptance notice"),
    ("sla.stage.sign_for", "签收", "Sign for"),
    ("sla.stage.first_contact", "首次联系", "First contact"),
    ("sla.stage.report", "办理上报", "Report"),
    ("sla.stage.review", "审核", "Review"),
    ("sla.stage.return_visit", "回访", "Return visit"),
    ("sla.stage.supervision_order", "督办单", "Supervision order"),
    ("sla.stage.referral", "横向推送答复", "Referral response"),
    (
        "sla.stage.emergency_ack",
        "应急响应确认",
        "Emergency acknowledgement",
    ),
    // the escalation ladder's steps (duban-sla's Step), by code
    ("sla.step.remind", "临期提醒", "Reminder"),
    ("sla.step.chase", "超期催办", "Chase notice"),
    ("sla.step.supervise", "督办", "Supervision order"),
    ("sla.step.summon", "约谈", "Summon talk"),
    // a time limit worded (duban-sla's Limit); `.one` is English's singular, for 1
    ("sla.limit.minutes", "{n}分钟", "{n} minutes"),
    ("sla.limit.minutes.one", "{n}分钟", "{n} minute"),
    ("sla.limit.hours", "{n}小时", "{n} hours"),
    ("sla.limit.hours.one", "{n}小时", "{n} hour"),
    (
        "sla.limit.working_hours",
        "{n}个工作小时",
        "{n} working hours",
    ),
    (
        "sla.limit.working_hours.one",
        "{n}个工作小时",
        "{n} working hour",
    ),
    ("sla.limit.natural_days", "{n}日", "{n} days"),
    ("sla.limit.natural_days.one", "{n}日", "{n} day"),
    ("sla.limit.working_days", "{n}个工作日", "{n} working days"),
    (
        "sla.limit.working_days.one",
        "{n}个工作日",
        "{n} working day",
    ),
    // the working-day calendar's weekday heads, Monday first, split at spaces
    ("calendar.weekdays", "一 二 三 四 五 六 日", "M T W T F S S"),
    // duban-sla's SlaError
    (
        "sla.err.limit_out_of_range",
        "时限须为1至100000之间的整数",
        "A limit must be a whole number from 1 to 100000",
    ),
    (
        "sla.err.warn_percent_out_of_range",
        "预警比例须为1至99之间的整数",
        "The warning share must be a whole number from 1 to 99",
    ),
    (
        "sla.err.invalid_id",
        "规则编号无效",
        "Not a valid rule set id",
    ),
    (
        "sla.err.missing_name",
        "规则需要中文和英文名称",
        "The rule set needs a Chinese and an English name",
    ),
    (
        "sla.err.no_rules",
        "至少需要一条环节时限",
        "At least one stage limit is needed",
    ),
    (
        "sla.err.already_paused",
        "计时已暂停",
        "The clock is already paused",
    ),
    (
        "sla.err.not_paused",
        "计时未暂停",
        "The clock is not paused",
    ),
    (
        "sla.err.clock_stopped",
        "计时已停止",
        "The clock has stopped",
    ),
];
