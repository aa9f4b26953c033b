//! Error codes of the case (duban-case `CaseError`): a field's own words where the
//! form names it (`content.too_short`), and the life cycle's refusals. Codes the case
//! shares with other crates (`reason.required`, `note.too_long`, `comments.*`,
//! `address.too_long`, `division.unknown`, `complainant.id_number.invalid`,
//! `batch.out_of_range`) are worded once, where they first stood.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    (
        "err.content.required",
        "举报内容不能为空",
        "Content: required",
    ),
    (
        "err.content.too_short",
        "举报内容至少{min}个字，当前{actual}个字",
        "Content needs at least {min} characters (now {actual})",
    ),
    (
        "err.content.too_long",
        "举报内容最多{max}个字，当前{actual}个字",
        "Content allows at most {max} characters (now {actual})",
    ),
    ("err.address.required", "地址不能为空", "Address: required"),
    (
        "err.address.too_short",
        "地址至少{min}个字，当前{actual}个字",
        "Address needs at least {min} characters (now {actual})",
    ),
    (
        "err.outcome.public_summary.required",
        "公开摘要不能为空",
        "Public summary: required",
    ),
    (
        "err.outcome.public_summary.too_short",
        "公开摘要至少{min}个字，当前{actual}个字",
        "Public summary needs at least {min} characters (now {actual})",
    ),
    (
        "err.outcome.public_summary.too_long",
        "公开摘要最多{max}个字，当前{actual}个字",
        "Public summary allows at most {max} characters (now {actual})",
    ),
    (
        "err.reason.too_short",
        "原因至少{min}个字，当前{actual}个字",
        "Reason needs at least {min} characters (now {actual})",
    ),
    (
        "err.reason.too_long",
        "原因最多{max}个字，当前{actual}个字",
        "Reason allows at most {max} characters (now {actual})",
    ),
    ("err.note.required", "说明不能为空", "Note: required"),
    (
        "err.note.too_short",
        "说明至少{min}个字，当前{actual}个字",
        "Note needs at least {min} characters (now {actual})",
    ),
    (
        "err.comments.too_long",
        "审核意见最多{max}个字，当前{actual}个字",
        "Comments allow at most {max} characters (now {actual})",
    ),
    (
        "err.complainant.name.too_long",
        "举报人最多{max}个字，当前{actual}个字",
        "Complainant allows at most {max} characters (now {actual})",
    ),
    (
        "err.sender_ref.too_long",
        "交办编号最多{max}个字，当前{actual}个字",
        "Transfer number allows at most {max} characters (now {actual})",
    ),
    (
        "err.outcome.measures.too_long",
        "整改措施最多{max}个字，当前{actual}个字",
        "Measures allows at most {max} characters (now {actual})",
    ),
    (
        "err.channel.required",
        "来源渠道不能为空",
        "Channel: required",
    ),
    (
        "err.categories.required",
        "污染类型不能为空",
        "Categories: required",
    ),
    (
        "err.sender_ref.required",
        "交办编号不能为空",
        "Transfer number: required",
    ),
    (
        "err.batch.date.required",
        "交办日期不能为空",
        "Batch date: required",
    ),
    (
        "err.batch.number.required",
        "批次号不能为空",
        "Batch number: required",
    ),
    (
        "err.outcome.finding.required",
        "核实情况不能为空",
        "Finding: required",
    ),
    (
        "err.lead_unit.required",
        "牵头单位不能为空",
        "Lead unit: required",
    ),
    (
        "err.co_units.required",
        "协办单位不能为空",
        "Cooperating units: required",
    ),
    (
        "err.satisfaction.required",
        "满意度不能为空",
        "Satisfaction: required",
    ),
    (
        "err.extension.unit.required",
        "延期单位不能为空",
        "Extension unit: required",
    ),
    (
        "err.division.required",
        "行政区域不能为空",
        "Division: required",
    ),
    (
        "err.channel.unknown",
        "来源渠道不支持“{value}”",
        "Channel: unknown value “{value}”",
    ),
    (
        "err.request_kind.unknown",
        "诉求类型不支持“{value}”",
        "Request kind: unknown value “{value}”",
    ),
    (
        "err.categories.unknown",
        "污染类型不支持“{value}”",
        "Categories: unknown value “{value}”",
    ),
    (
        "err.key_classes.unknown",
        "重点类别不支持“{value}”",
        "Key classes: unknown value “{value}”",
    ),
    (
        "err.outcome.finding.unknown",
        "核实情况不支持“{value}”",
        "Finding: unknown value “{value}”",
    ),
    (
        "err.routed_by.unknown",
        "分办规则不支持“{value}”",
        "Routing rule: unknown value “{value}”",
    ),
    (
        "err.why.unknown",
        "分办依据不支持“{value}”",
        "Routing reason: unknown value “{value}”",
    ),
    (
        "err.closure.unknown",
        "办结方式不支持“{value}”",
        "Closure: unknown value “{value}”",
    ),
    (
        "err.satisfaction.unknown",
        "满意度不支持“{value}”",
        "Satisfaction: unknown value “{value}”",
    ),
    (
        "err.extension.unit.unknown",
        "延期单位不支持“{value}”",
        "Extension unit: unknown value “{value}”",
    ),
    (
        "err.categories.duplicate",
        "污染类型重复：“{value}”",
        "Categories: “{value}” appears twice",
    ),
    (
        "err.key_classes.duplicate",
        "重点类别重复：“{value}”",
        "Key classes: “{value}” appears twice",
    ),
    (
        "err.co_units.duplicate",
        "协办单位重复：“{value}”",
        "Cooperating units: “{value}” appears twice",
    ),
    (
        "err.lead_unit.unknown",
        "单位“{value}”不存在",
        "Unit “{value}” does not exist",
    ),
    (
        "err.co_units.unknown",
        "单位“{value}”不存在",
        "Unit “{value}” does not exist",
    ),
    (
        "err.batch.number.out_of_range",
        "批次号应在{min}至{max}之间",
        "Batch number must be between {min} and {max}",
    ),
    (
        "err.extension.amount.out_of_range",
        "延期数量应在{min}至{max}之间",
        "Extension amount must be between {min} and {max}",
    ),
    (
        "err.batch.number.not_applicable",
        "批次号仅适用于督察组交办件",
        "Batch number applies to inspection transfers only",
    ),
    (
        "err.batch.date.not_applicable",
        "交办日期仅适用于督察组交办件",
        "Batch date applies to inspection transfers only",
    ),
    (
        "err.received_at.too_early",
        "收件时间不能早于2000年",
        "Received at cannot be before 2000",
    ),
    (
        "err.batch.date.too_early",
        "交办日期不能早于2000年",
        "Batch date cannot be before 2000",
    ),
    (
        "err.division.malformed",
        "行政区划代码应为2、4或6位数字，“{value}”不符合",
        "A division code has 2, 4 or 6 digits, not “{value}”",
    ),
    (
        "err.complainant.phone.invalid",
        "联系电话应为11位手机号或带区号的固定电话",
        "Phone must be an 11-digit mobile or a landline with area code",
    ),
    (
        "err.coordinates.invalid",
        "经纬度不是有效数字",
        "Coordinates are not valid numbers",
    ),
    (
        "err.coordinates.outside_jiangsu",
        "经纬度不在江苏省范围内",
        "Coordinates lie outside Jiangsu",
    ),
    (
        "err.coordinates.incomplete",
        "经度和纬度需同时填写",
        "Give both latitude and longitude",
    ),
    (
        "err.batch.date.invalid",
        "交办日期不是有效日期（年-月-日）",
        "Batch date is not a valid date (YYYY-MM-DD)",
    ),
    (
        "err.received_at.invalid",
        "收件时间不是有效时间",
        "Received at is not a valid time",
    ),
    (
        "err.received_at.in_future",
        "收件时间不能晚于当前时间",
        "Received at cannot be in the future",
    ),
    (
        "err.batch.date.after_receipt",
        "交办日期不能晚于收件时间",
        "The batch date cannot be after the receipt",
    ),
    (
        "err.outcome.fines_yuan.without_penalty",
        "有罚款金额时立案处罚数至少为1",
        "Fines need at least one penalty case",
    ),
    (
        "err.transition.not_allowed",
        "案件处于“{from:case.status}”状态，不能执行“{action:case.action}”",
        "“{action:case.action}” is not allowed while the case is {from:case.status}",
    ),
    (
        "err.case.paused",
        "案件已挂起，请先恢复",
        "The case is paused; resume it first",
    ),
    (
        "err.case.not_paused",
        "案件未挂起",
        "The case is not paused",
    ),
    (
        "err.extension.too_long",
        "延期超过规则允许的最长期限",
        "The extension exceeds the rule set's maximum",
    ),
    (
        "err.extension.not_allowed",
        "该规则不允许延期",
        "This rule set allows no extension",
    ),
    (
        "err.extension.nothing_running",
        "当前没有正在计时的环节",
        "No running clock to extend",
    ),
    (
        "err.merge.into_self",
        "不能与自身合并",
        "A case cannot be merged into itself",
    ),
    (
        "err.case.open_work",
        "{kind:case.open_work}“{title}”尚未办结：请先将其办结，再办结或归档本案",
        "{kind:case.open_work} “{title}” is still open: close it before closing or archiving the case",
    ),
];
