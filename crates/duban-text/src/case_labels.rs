//! Names of the case's values (channels, categories, statuses, actions, events, …),
//! keyed by their stable codes (`case.status.<code>`), and of its fields.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // Channel
    (
        "case.channel.inspection_phone",
        "督察组交办（来电）",
        "Inspection transfer (phone)",
    ),
    (
        "case.channel.inspection_letter",
        "督察组交办（来信）",
        "Inspection transfer (letter)",
    ),
    ("case.channel.hotline_12345", "12345热线", "12345 hotline"),
    ("case.channel.letter_visit", "来信来访", "Letter or visit"),
    ("case.channel.online", "网上信访", "Online"),
    ("case.channel.media", "媒体曝光", "Media"),
    (
        "case.channel.leader_instruction",
        "领导批示",
        "Leader instruction",
    ),
    (
        "case.channel.self_discovered",
        "自行发现",
        "Self-discovered",
    ),
    // Category
    ("case.category.air", "大气", "Air"),
    ("case.category.water", "水", "Water"),
    ("case.category.noise", "噪声", "Noise"),
    ("case.category.solid_waste", "固废", "Solid waste"),
    ("case.category.soil", "土壤", "Soil"),
    ("case.category.ecology", "生态", "Ecology"),
    ("case.category.radiation", "辐射", "Radiation"),
    ("case.category.other", "其他", "Other"),
    // KeyClass
    (
        "case.key_class.inspection_key",
        "督察组交办重点件",
        "Key case named by the inspection team",
    ),
    (
        "case.key_class.leader_instructed",
        "领导批示件",
        "Leader-instructed",
    ),
    (
        "case.key_class.repeated",
        "重复信访件",
        "Repeated complaint",
    ),
    (
        "case.key_class.collective",
        "群体性联名件",
        "Collective or joint",
    ),
    (
        "case.key_class.public_opinion",
        "舆情关注件",
        "Media or public-opinion attention",
    ),
    (
        "case.key_class.sensitive_area",
        "敏感区域件",
        "Sensitive area",
    ),
    (
        "case.key_class.sudden_incident",
        "突发事件件",
        "Sudden incident",
    ),
    // Status
    ("case.status.received", "待分办", "Received"),
    ("case.status.dispatched", "待签收", "Dispatched"),
    ("case.status.returned", "已退回", "Returned"),
    ("case.status.signed_for", "已签收", "Signed for"),
    ("case.status.in_progress", "办理中", "In progress"),
    ("case.status.reported", "待审核", "Reported"),
    ("case.status.stage_closed", "阶段办结", "Stage-closed"),
    ("case.status.closed", "已办结", "Closed"),
    ("case.status.archived", "已归档", "Archived"),
    ("case.status.merged", "已合并", "Merged"),
    // Finding
    ("case.finding.substantiated", "属实", "Substantiated"),
    (
        "case.finding.partly_substantiated",
        "部分属实",
        "Partly substantiated",
    ),
    ("case.finding.unsubstantiated", "不属实", "Unsubstantiated"),
    // Satisfaction
    ("case.satisfaction.satisfied", "满意", "Satisfied"),
    (
        "case.satisfaction.basically_satisfied",
        "基本满意",
        "Basically satisfied",
    ),
    ("case.satisfaction.unsatisfied", "不满意", "Unsatisfied"),
    // Closure
    ("case.closure.closed", "办结", "Closed"),
    ("case.closure.stage_closed", "阶段办结", "Stage-closed"),
    // RequestKind
    ("case.request_kind.report", "举报", "Report"),
    ("case.request_kind.complaint", "投诉", "Complaint"),
    ("case.request_kind.inquiry", "咨询", "Inquiry"),
    ("case.request_kind.suggestion", "建议", "Suggestion"),
    // ActionKind
    ("case.action.dispatch", "交办", "Dispatch"),
    ("case.action.sign_for", "签收", "Sign for"),
    ("case.action.return", "退回（错派）", "Return as misrouted"),
    ("case.action.start_handling", "开始办理", "Start handling"),
    ("case.action.report", "上报结果", "Report result"),
    ("case.action.approve", "审核通过", "Approve"),
    ("case.action.send_back", "退回重办", "Send back to redo"),
    ("case.action.close", "办结", "Close"),
    ("case.action.return_visit", "回访", "Return visit"),
    ("case.action.reopen", "重新办理", "Reopen"),
    ("case.action.pause", "挂起", "Pause"),
    ("case.action.resume", "恢复", "Resume"),
    ("case.action.extend", "延期", "Extend deadline"),
    (
        "case.action.request_extension",
        "申请延期",
        "Request an extension",
    ),
    (
        "case.action.refuse_extension",
        "驳回延期申请",
        "Refuse the extension",
    ),
    ("case.action.merge", "合并到主件", "Merge into primary"),
    ("case.action.publish", "同意公开", "Clear for publication"),
    (
        "case.action.unpublish",
        "撤回公开",
        "Withdraw from publication",
    ),
    // EventKind
    ("case.event.received", "收件登记", "Received"),
    ("case.event.dispatched", "交办", "Dispatched"),
    ("case.event.signed_for", "签收", "Signed for"),
    (
        "case.event.returned",
        "退回（错派）",
        "Returned as misrouted",
    ),
    (
        "case.event.handling_started",
        "开始办理",
        "Handling started",
    ),
    ("case.event.reported", "上报办理结果", "Result reported"),
    ("case.event.approved", "审核通过", "Approved"),
    ("case.event.sent_back", "退回重办", "Sent back to redo"),
    ("case.event.closed", "办结", "Closed"),
    ("case.event.return_visited", "回访", "Return visit"),
    ("case.event.reopened", "重新办理", "Reopened"),
    ("case.event.paused", "挂起", "Paused"),
    ("case.event.resumed", "恢复", "Resumed"),
    ("case.event.extended", "延期", "Deadline extended"),
    ("case.event.merged", "合并到主件", "Merged into primary"),
    (
        "case.event.repeat_attached",
        "重复件并入",
        "Repeat merged in",
    ),
    (
        "case.event.published",
        "同意公开",
        "Cleared for publication",
    ),
    (
        "case.event.unpublished",
        "撤回公开",
        "Withdrawn from publication",
    ),
    (
        "case.event.extension_requested",
        "申请延期",
        "Extension requested",
    ),
    (
        "case.event.extension_refused",
        "延期申请被驳回",
        "Extension refused",
    ),
    // OpenWorkKind: mechanism work that keeps a case from closing
    (
        "case.open_work.supervision_order",
        "督办单",
        "Supervision order",
    ),
    ("case.open_work.referral", "横向推送", "Referral"),
    ("case.open_work.incident", "突发事件", "Incident"),
    // an action code this crate does not know
    ("case.action.other", "操作", "action"),
    // field names the form's own labels (`field.*`, `outcome.*`, `action.*`) do not
    // give in the same words
    ("case.field.coordinates", "经纬度", "Coordinates"),
    ("case.field.comments", "审核意见", "Comments"),
    ("case.field.co_units", "协办单位", "Cooperating units"),
    ("case.field.fines_yuan", "罚款金额", "Fines"),
    ("case.field.note", "说明", "Note"),
    ("case.field.extension", "延期", "Extension"),
    (
        "case.field.extension_amount",
        "延期数量",
        "Extension amount",
    ),
    ("case.field.extension_unit", "延期单位", "Extension unit"),
    ("case.field.closure", "办结方式", "Closure"),
    ("case.field.satisfaction", "满意度", "Satisfaction"),
    ("case.field.routed_by", "分办规则", "Routing rule"),
    ("case.field.why", "分办依据", "Routing reason"),
    ("case.field.other", "该项", "This field"),
];
