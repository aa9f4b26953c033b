//! Error codes of the mechanisms.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // error codes of the mechanisms
    (
        "err.case.not_key",
        "只有重点信访事项才跟进督办",
        "Only key cases are supervised",
    ),
    (
        "err.supervisor.required",
        "请先指定督办专员",
        "Assign a supervisor first",
    ),
    (
        "err.supervisor.unknown",
        "督办专员账号不存在或不可用",
        "No such supervisor account",
    ),
    (
        "err.supervisor.invalid",
        "用户名格式不正确",
        "The username is not valid",
    ),
    (
        "err.target_unit.required",
        "请选择督办对象",
        "Choose the target unit",
    ),
    (
        "err.demands.required",
        "请填写督办要求",
        "Demands are required",
    ),
    (
        "err.demands.too_short",
        "督办要求至少10个字",
        "Demands need at least 10 characters",
    ),
    (
        "err.demands.too_long",
        "督办要求最多2000个字",
        "Demands allow at most 2000 characters",
    ),
    (
        "err.amount.invalid",
        "时限无效：小时为1至720，天为1至90",
        "Not a valid limit: 1 to 720 hours, 1 to 90 days",
    ),
    (
        "err.amount.above_max",
        "督办时限过长：按日计最多{max_days}天（工作日或自然日），按小时计最多{max_hours}小时",
        "The order's time limit is too long: at most {max_days} days (working or natural) or {max_hours} hours",
    ),
    ("err.unit.invalid", "时限单位无效", "Not a valid time unit"),
    ("err.answer.required", "请填写答复", "An answer is required"),
    (
        "err.answer.too_short",
        "答复至少10个字",
        "An answer needs at least 10 characters",
    ),
    (
        "err.comments.required",
        "退回时请填写意见",
        "Comments are required to send back",
    ),
    (
        "err.comments.too_short",
        "意见至少{min}个字",
        "Comments need at least {min} characters",
    ),
    (
        "err.date.required",
        "请填写核查日期",
        "The date is required",
    ),
    (
        "err.date.invalid",
        "核查日期无效（不能晚于今天）",
        "Not a valid date (not after today)",
    ),
    (
        "err.inspectors.required",
        "请填写核查人员",
        "Name the inspectors",
    ),
    (
        "err.inspectors.too_long",
        "核查人员最多10人",
        "At most 10 inspectors",
    ),
    (
        "err.findings.required",
        "请填写核查情况",
        "Findings are required",
    ),
    (
        "err.findings.too_short",
        "核查情况至少10个字",
        "Findings need at least 10 characters",
    ),
    (
        "err.finding.required",
        "请选择核查结论",
        "Choose the finding",
    ),
    (
        "err.attachment.unknown",
        "附件不存在或不属于本案",
        "The attachment is unknown or belongs to another case",
    ),
    (
        "err.attachments.too_long",
        "附件最多20个",
        "At most 20 attachments",
    ),
    (
        "err.order.wrong_state",
        "督办单{number}当前状态不允许此操作",
        "Supervision order {number} does not allow this now",
    ),
    (
        "err.order.not_found",
        "督办单{number}不存在",
        "Supervision order {number} does not exist",
    ),
    (
        "err.report.pending",
        "上一份报告尚未审核",
        "The previous report is still waiting for review",
    ),
    (
        "err.report.already_reviewed",
        "该报告已审核",
        "This report was already reviewed",
    ),
    ("err.report.not_found", "报告不存在", "No such report"),
    (
        "err.kind.invalid",
        "报告类型无效",
        "Not a valid report kind",
    ),
    ("err.text.required", "请填写内容", "The text is required"),
    (
        "err.file.type_mismatch",
        "文件内容与类型不符",
        "The file's content does not match its type",
    ),
    (
        "err.file.too_large",
        "文件不能超过5 MB",
        "Files are at most 5 MB",
    ),
    (
        "err.file.type_unsupported",
        "只接受JPEG、PNG、WebP图片或PDF",
        "Only JPEG, PNG, WebP images or PDF",
    ),
    ("err.file.empty", "文件为空", "The file is empty"),
    (
        "err.to_unit.required",
        "请选择接收部门",
        "Choose the receiving department",
    ),
    (
        "err.to_unit.same_as_sender",
        "不能推送给本单位",
        "A referral goes to another unit",
    ),
    (
        "err.from_unit.required",
        "当前账号没有所属单位，无法推送",
        "Your account has no unit to send from",
    ),
    (
        "err.subject.required",
        "请填写推送事项",
        "The subject is required",
    ),
    (
        "err.subject.too_long",
        "推送事项最多100个字",
        "The subject allows at most 100 characters",
    ),
    (
        "err.referral.wrong_state",
        "推送当前状态不允许此操作",
        "Not allowed in the referral's current state",
    ),
    (
        "err.referral.wrong_side",
        "本单位不能执行此操作",
        "Your unit may not do this",
    ),
    ("err.referral.not_found", "推送不存在", "No such referral"),
    (
        "err.lead.invalid",
        "接收部门须为牵头或协办部门之一",
        "The receiving department stays in, as lead or co-handler",
    ),
    (
        "err.co_handlers.invalid",
        "协办部门重复或与牵头部门相同",
        "A co-handler is repeated or is the lead",
    ),
    (
        "err.summary.required",
        "请填写总结",
        "A summary is required",
    ),
    (
        "err.summary.too_short",
        "处置总结至少20个字",
        "A summary needs at least 20 characters",
    ),
    (
        "err.title.required",
        "请填写事件名称",
        "A title is required",
    ),
    (
        "err.title.too_short",
        "事件名称至少4个字",
        "A title needs at least 4 characters",
    ),
    (
        "err.title.too_long",
        "事件名称最多100个字",
        "A title allows at most 100 characters",
    ),
    (
        "err.incident_type.invalid",
        "请选择事件类型",
        "Choose the incident type",
    ),
    (
        "err.severity.invalid",
        "事件级别无效或未改变",
        "Not a valid severity, or unchanged",
    ),
    (
        "err.division.invalid",
        "请选择行政区域",
        "Choose the division",
    ),
    (
        "err.address.too_long",
        "地址最多{max}个字",
        "The address allows at most {max} characters",
    ),
    (
        "err.plan.none",
        "没有适用于该类型和级别的预案",
        "No plan fits this type and severity",
    ),
    (
        "err.unit.not_linked",
        "该单位未纳入本次联动",
        "This unit is not linked to the incident",
    ),
    (
        "err.unit.already_acknowledged",
        "该单位已确认响应",
        "This unit has acknowledged already",
    ),
    (
        "err.unit.not_yours",
        "只能代表本单位操作",
        "You can only act for your own unit",
    ),
    (
        "err.incident.closed",
        "事件已关闭",
        "The incident is closed",
    ),
    ("err.incident.not_found", "事件不存在", "No such incident"),
    ("err.plan.required", "必填", "Required"),
    (
        "err.plan.id_duplicate",
        "预案编号重复",
        "This plan id is used twice",
    ),
    ("err.plan.invalid", "无效", "Not valid"),
    (
        "err.plan.unit_unknown",
        "单位不存在",
        "The unit does not exist",
    ),
    (
        "err.plans.no_change",
        "预案没有需要保存的修改",
        "The plans have not changed",
    ),
];
