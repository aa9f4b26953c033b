//! UI language: the [`Lang`] enum, a reactive language context persisted in
//! `localStorage`, and the string table behind [`I18n::t`].
//!
//! Usage in a component:
//! ```ignore
//! let i18n = use_i18n();
//! view! { <h1>{move || i18n.t("cases.title")}</h1> }
//! ```
//! Wrap lookups in a closure (`move || i18n.t(..)`) so the text follows language
//! changes. Add new strings to [`STRINGS`]: Chinese (zh-CN, simplified) first, then
//! English. A key missing from the table renders as the key itself.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

/// `localStorage` key holding the chosen language code (`"zh-CN"` or `"en"`).
pub const STORAGE_KEY: &str = "duban.lang";

/// Interface language. Chinese (simplified, mainland) is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    /// BCP 47 tag, also used for `<html lang>` and the stored value.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a stored/BCP 47 code; anything Chinese maps to `ZhCn`.
    pub fn from_code(code: &str) -> Option<Self> {
        let lower = code.trim().to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Some(Lang::En)
        } else if lower == "zh" || lower.starts_with("zh-") {
            Some(Lang::ZhCn)
        } else {
            None
        }
    }

    /// The domain crates' language, for their labels and error messages.
    pub const fn domain(self) -> duban_case::Lang {
        match self {
            Lang::ZhCn => duban_case::Lang::Zh,
            Lang::En => duban_case::Lang::En,
        }
    }

    /// The other language (there are two).
    pub const fn toggled(self) -> Self {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }
}

/// String table: `(key, zh-CN, en)`. Keep keys grouped by page, dotted.
pub const STRINGS: &[(&str, &str, &str)] = &[
    // shell
    (
        "app.title",
        "督办 · 生态环境信访件办理",
        "Duban · Environmental complaint handling",
    ),
    (
        "app.subtitle",
        "生态环境信访办理系统",
        "Environmental complaint case handling",
    ),
    ("nav.cases", "信访件", "Cases"),
    ("nav.new_case", "登记", "Intake"),
    ("nav.calendar", "工作日历", "Calendar"),
    ("nav.admin", "管理", "Admin"),
    ("nav.label", "主导航", "Main navigation"),
    ("nav.group_cases", "信访件", "Cases"),
    ("nav.case_list", "信访件列表", "Case list"),
    ("nav.group_mechanisms", "四项机制", "Mechanisms"),
    ("nav.group_board", "挂图作战与公开", "Board & disclosure"),
    ("nav.today", "今天", "Today"),
    (
        "nav.switch_lang",
        "切换语言 / Switch language",
        "Switch language / 切换语言",
    ),
    (
        "common.under_construction",
        "此页面正在建设中。",
        "This page is under construction.",
    ),
    // statuses (badge text)
    ("status.on_time", "按期办理", "On time"),
    ("status.due_soon", "临期", "Due soon"),
    ("status.overdue", "超期", "Overdue"),
    // case list
    ("cases.title", "信访件列表", "Cases"),
    ("cases.col.reference", "案件编号", "Case number"),
    ("cases.col.channel", "来源渠道", "Channel"),
    ("cases.col.category", "污染类型", "Categories"),
    ("cases.col.lead_unit", "承办单位", "Lead unit"),
    ("cases.col.deadline", "办理期限", "Deadline"),
    ("cases.col.status", "状态", "Status"),
    ("cases.empty", "暂无信访件。", "No cases yet."),
    ("cases.legend", "状态说明", "Status legend"),
    // intake
    ("new.title", "信访件登记", "Case intake"),
    // detail
    ("detail.title", "信访件详情", "Case detail"),
    ("detail.id", "案件标识", "Case id"),
    ("detail.back", "返回列表", "Back to the list"),
    // calendar
    ("calendar.title", "工作日历", "Working-day calendar"),
    (
        "calendar.hint",
        "办理期限按工作日计算，法定节假日与调休上班日在此维护。",
        "Deadlines count working days; public holidays and make-up working days are kept here.",
    ),
    // pages
    ("action.amount", "延期数量", "Amount"),
    ("action.cancel", "取消", "Cancel"),
    ("action.closure", "办结方式", "Closure"),
    (
        "action.co_units",
        "协办单位（可多选）",
        "Cooperating units (multiple)",
    ),
    ("action.comments", "审核意见", "Review comments"),
    ("action.confirm", "确认", "Confirm"),
    ("action.done", "操作已完成。", "Done."),
    ("conflict.action", "操作", "Action"),
    (
        "conflict.explain",
        "提交期间该信访件已在别处被修改。请对照两个版本后选择：按当前版本提交您的内容，或保留服务器上的版本。",
        "The case was changed elsewhere while you were submitting. Compare the two versions and choose: send yours against the current version, or keep the server's.",
    ),
    (
        "conflict.explain_closed",
        "提交期间该信访件已在别处被修改，现在的状态不再允许这项操作。您的内容不会被发送；可退回表单保留草稿，待信访件可办理时再提交。",
        "The case was changed elsewhere while you were submitting, and its state no longer allows this action. Yours will not be sent; take it back to the form to keep it as a draft until the case can take it.",
    ),
    (
        "conflict.keep_mine",
        "按当前版本提交我的内容",
        "Send mine against the current version",
    ),
    (
        "conflict.keep_theirs",
        "放弃我的，保留服务器版本",
        "Discard mine, keep the server's",
    ),
    ("conflict.due_at", "当前时限", "Deadline now"),
    ("conflict.mine", "我的提交", "My submission"),
    (
        "conflict.not_allowed",
        "信访件现在的状态不再允许这项操作，只能保留服务器版本；如仍需办理，请打开信访件重新操作。",
        "The case's state no longer allows this action: only the server's version can be kept. Open the case to act on it again.",
    ),
    ("conflict.reason", "对方说明", "Their reason"),
    ("conflict.status", "状态", "Status"),
    ("conflict.theirs", "服务器当前版本", "Now on the server"),
    ("conflict.updated_at", "对方修改时间", "Changed at"),
    ("conflict.version", "版本", "Version"),
    ("draft.discard", "清除草稿", "Discard draft"),
    (
        "draft.restored",
        "已恢复上次未提交的草稿。",
        "Your unsent draft was restored.",
    ),
    ("net.offline", "离线", "Offline"),
    (
        "net.offline_hint",
        "未连接网络：表单照常校验，提交后存入待发送箱，联网后自动发送",
        "No network: forms still check what you type; submissions wait in the outbox and are sent when the network returns",
    ),
    ("net.online", "在线", "Online"),
    ("net.server_down", "服务器未连接", "Server unreachable"),
    (
        "net.server_down_hint",
        "网络已连接，但上一次请求未到达服务器；提交会存入待发送箱，连上后自动发送。",
        "The network is up but the last request did not reach the server; submissions go to the outbox and are sent once it answers.",
    ),
    ("net.online_hint", "已连接网络", "Connected"),
    (
        "offline.case_not_kept",
        "无法连接服务器，且此信访件未在本机保存（只保存最近打开过的信访件）；联网后即可查看。",
        "The server cannot be reached and this case is not kept on this device (only cases opened lately are); it opens once the network is back.",
    ),
    (
        "logout.offline",
        "无法连接服务器，退出未完成：会话仍然有效，下一位使用者会以您的身份登录。请联网后再退出。",
        "The server cannot be reached, so you are not signed out: the session is still valid and the next person at this device would be signed in as you. Sign out once the network is back.",
    ),
    (
        "offline.cases_kept",
        "信访件列表需要联网。本机保存的最近打开的信访件可离线查看和填写：",
        "The case list needs the network. The cases last opened on this device can be read and filled in offline:",
    ),
    (
        "offline.case_copy",
        "当前离线：显示的是本机上次打开时的版本。可以填写并提交，联网后按此版本发送，如信访件已被修改将请您选择。",
        "Offline: this is the case as last opened on this device. You can fill in and submit; it is sent against this version when the network returns, and if the case changed meanwhile you will be asked to choose.",
    ),
    (
        "outbox.others",
        "其他账号在本浏览器留下的待发送条目（该账号登录后发送）：",
        "Entries other accounts left at this browser (sent when they sign in):",
    ),
    ("outbox.discard", "删除", "Discard"),
    (
        "outbox.discard_confirm",
        "删除后这条提交不会再发送，确定删除吗？",
        "Once discarded this submission is never sent. Discard it?",
    ),
    ("outbox.edit", "退回表单修改", "Back to the form to correct"),
    ("outbox.open_result", "查看", "Open"),
    (
        "outbox.empty",
        "没有待发送的提交。",
        "Nothing waits to be sent.",
    ),
    (
        "outbox.hint",
        "离线时的提交保存在本浏览器中，联网后按顺序自动发送；每条只会办理一次。",
        "Submissions made offline are kept in this browser and sent in order when the network returns; each is carried out once.",
    ),
    ("outbox.open", "查看待发送箱", "Open the outbox"),
    ("outbox.open_case", "打开信访件", "Open the case"),
    (
        "outbox.queued_server",
        "服务器暂时无法连接，已存入待发送箱，连上后自动发送。",
        "The server cannot be reached right now: saved to the outbox, to be sent once it answers.",
    ),
    (
        "outbox.conflict_confirm",
        "放弃后您的这条提交不会再发送，确定保留服务器版本吗？",
        "Once given up, your submission is never sent. Keep the server's version?",
    ),
    (
        "draft.report_waiting",
        "本机保存有尚未提交的核查报告草稿。",
        "A verification report typed on this device has not been submitted yet.",
    ),
    ("draft.report_open", "继续填写", "Continue"),
    (
        "draft.report_later",
        "信访件现在不能上报结果；草稿保留在本机，待可以上报时再继续。",
        "The case cannot take a report now; the draft stays on this device until it can.",
    ),
    (
        "outbox.queued",
        "当前离线，已存入待发送箱，联网后自动发送。",
        "You are offline: saved to the outbox, to be sent when the network returns.",
    ),
    ("outbox.send_now", "立即发送", "Send now"),
    ("outbox.sent", "已发送：", "Sent:"),
    ("outbox.title", "待发送", "Outbox"),
    ("outbox.waiting", "等待网络", "Waiting for the network"),
    ("outbox.what.case", "信访件登记", "New case"),
    ("action.lead_unit", "牵头单位", "Lead unit"),
    ("action.note", "说明（可选）", "Note (optional)"),
    (
        "action.primary",
        "主件案件编号（如 JS-2026-B03-0015）",
        "Primary case number (e.g. JS-2026-B03-0015)",
    ),
    ("action.reason", "原因", "Reason"),
    ("action.satisfaction", "满意度", "Satisfaction"),
    ("action.unit", "单位", "Unit"),
    ("action.visit_note", "回访记录", "Visit notes"),
    (
        "calendar.fallback",
        "该年份尚无国务院办公厅放假通知数据，暂按周一至周五为工作日计算。",
        "No State Council notice for this year yet: Monday to Friday are taken as working days.",
    ),
    ("calendar.source", "数据来源：", "Source: "),
    ("cases.col.content", "举报内容", "Content"),
    ("cases.col.division", "行政区域", "Division"),
    ("cases.col.received", "收件时间", "Received"),
    ("cases.key", "重点", "Key"),
    ("cases.more", "加载更多", "Load more"),
    ("cases.paused", "已挂起", "Paused"),
    ("cases.total", "共", "Total"),
    ("clock.due", "期限", "Due"),
    ("clock.limit", "时限", "Limit"),
    ("clock.stage", "环节", "Stage"),
    ("clock.started", "起算时间", "Started"),
    ("clock.status", "状态", "Status"),
    ("common.close", "关闭", "Close"),
    ("common.choose", "请选择", "Choose"),
    ("common.saving", "正在提交…", "Saving…"),
    ("day.holiday", "法定节假日", "Holiday"),
    ("day.makeup", "调休上班", "Make-up workday"),
    ("day.weekend", "周末", "Weekend"),
    ("day.workday", "工作日", "Workday"),
    ("detail.actions", "可办理操作", "Next actions"),
    ("detail.clocks", "办理时限", "SLA clocks"),
    ("detail.last_reason", "最近说明", "Latest reason"),
    ("detail.lead_unit", "牵头单位", "Lead unit"),
    ("detail.routed_why", "交办依据", "Why routed here"),
    (
        "detail.routed_by_hand",
        "由分办人员选定单位，未按分办规则建议",
        "Units chosen by the coordinator, not as the routing rules proposed",
    ),
    (
        "detail.no_actions",
        "当前无可办理操作",
        "No actions available",
    ),
    ("detail.outcome", "办理结果", "Outcome"),
    ("detail.timeline", "办理记录", "Timeline"),
    ("timeline.source.supervision", "跟进督办", "Supervision"),
    ("timeline.source.referral", "横向推送", "Referral"),
    ("timeline.source.incident", "应急联动", "Incident"),
    ("timeline.step_fired", "时限升级", "Escalation step"),
    ("field.address", "地址", "Address"),
    ("field.batch_date", "交办日期", "Batch date"),
    ("field.batch_number", "批次号", "Batch number"),
    ("field.categories", "污染类型", "Categories"),
    ("field.channel", "来源渠道", "Channel"),
    ("field.complainant_name", "举报人", "Complainant"),
    ("field.complainant_phone", "联系电话", "Phone"),
    ("field.content", "举报内容", "Content"),
    ("field.division", "行政区域", "Division"),
    ("field.key_classes", "重点类别", "Key classes"),
    ("field.lat", "纬度（可选）", "Latitude (optional)"),
    ("field.lon", "经度（可选）", "Longitude (optional)"),
    ("field.received_at", "收件时间", "Received at"),
    (
        "field.received_at.hint",
        "不填则为当前时间（北京时间）",
        "Empty means now (Beijing time)",
    ),
    ("field.request_kind", "诉求类型", "Request kind"),
    ("field.sender_ref", "交办编号", "Transfer number"),
    ("field.urgent", "紧急", "Urgent"),
    ("filter.all_categories", "全部类型", "All categories"),
    ("filter.all_cities", "全部设区市", "All cities"),
    ("filter.all_status", "全部状态", "All statuses"),
    ("filter.batch", "批次", "Batch"),
    ("filter.key_any", "重点与否", "Key or not"),
    ("filter.key_none", "非重点件", "Not key"),
    ("filter.key_only", "仅重点件", "Key only"),
    ("new.errors_left", "处需要修改", "problems to fix"),
    (
        "new.server_refused",
        "服务器未接受提交，请按提示修改。",
        "The server refused the case; see the messages.",
    ),
    ("new.submit", "提交登记", "Submit"),
    ("outcome.accountable", "问责人数", "Held accountable"),
    ("outcome.criminal", "立案侦查", "Criminal cases"),
    ("outcome.finding", "核实情况", "Finding"),
    ("outcome.fines", "罚款（元）", "Fines (yuan)"),
    ("outcome.measures", "整改措施", "Measures"),
    ("outcome.penalties", "立案处罚", "Penalty cases"),
    ("outcome.public_summary", "公开摘要", "Public summary"),
    ("outcome.rectification", "责令整改", "Ordered to rectify"),
    ("outcome.summoned", "约谈人数", "Summoned"),
    (
        "rules.hint",
        "默认时限为数据，由管理员维护；修改仅对新开始的计时生效。",
        "Defaults are data kept by administrators; edits apply to new clocks only.",
    ),
    ("rules.inquiry", "咨询类", "Inquiries"),
    ("rules.source", "依据：", "Source: "),
    ("rules.title", "办理时限规则", "SLA rule sets"),
    ("rules.urgent", "紧急件", "Urgent"),
    ("rules.warn", "预警比例", "Warning at"),
    ("sla.due", "期限", "Due"),
    ("unit.hours", "小时", "Hours"),
    ("unit.natural_days", "自然日", "Natural days"),
    ("unit.working_days", "工作日", "Working days"),
    ("unit.working_hours", "工作小时", "Working hours"),
    (
        "cases.no_match",
        "没有符合筛选条件的信访件。",
        "No cases match these filters.",
    ),
    ("outcome.fines_total", "罚款", "Fines"),
    ("unit.yuan", "元", "yuan"),
    ("clock.extended", "已延期×", "extended ×"),
    ("unit.group.city", "设区市人民政府", "City governments"),
    (
        "unit.group.county",
        "县（市、区）人民政府",
        "County governments",
    ),
    (
        "unit.group.department",
        "省级部门",
        "Provincial departments",
    ),
    ("unit.group.zone", "园区", "Zones"),
    ("rules.when", "适用条件", "Applies to"),
    ("login.title", "登录", "Sign in"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    (
        "login.demo_hint",
        "演示环境账号：coordinator、handler、supervisor、leader、admin，密码均为 demo",
        "Demo accounts: coordinator, handler, supervisor, leader, admin; password demo",
    ),
    ("nav.logout", "退出", "Sign out"),
    ("nav.logging_out", "正在退出…", "Signing out…"),
    // administration
    ("nav.admin_users", "用户管理", "Users"),
    ("nav.admin_units", "单位管理", "Units"),
    ("nav.admin_audit", "审计日志", "Audit log"),
    ("common.loading", "正在加载…", "Loading…"),
    (
        "admin.forbidden",
        "当前账号无权访问此页面，仅管理员可用。",
        "You have no permission to open this page: it is for administrators only.",
    ),
    (
        "role.forbidden",
        "当前账号的角色无权访问此页面。",
        "Your account's role gives no access to this page.",
    ),
    ("admin.col.actions", "操作", "Actions"),
    ("admin.edit", "编辑", "Edit"),
    ("admin.save", "保存", "Save"),
    (
        "admin.reason",
        "变更原因（必填）",
        "Reason for the change (required)",
    ),
    ("role.admin", "管理员", "Administrator"),
    ("role.coordinator", "协调员", "Coordinator"),
    ("role.supervisor", "督办专员", "Supervisor"),
    ("role.handler", "承办人", "Handler"),
    ("role.leader", "领导", "Leader"),
    ("users.title", "用户管理", "Users"),
    ("users.display_name", "姓名", "Display name"),
    ("users.role", "角色", "Role"),
    ("users.unit", "所属单位", "Unit"),
    ("users.state", "状态", "Status"),
    ("users.active", "正常", "Active"),
    ("users.disabled", "已停用", "Disabled"),
    ("users.empty", "暂无用户。", "No users yet."),
    ("users.new", "新建用户", "New user"),
    ("users.no_unit", "无", "None"),
    ("users.initial_password", "初始密码", "Initial password"),
    ("users.create", "创建用户", "Create user"),
    ("users.created", "用户已创建。", "User created."),
    ("users.saved", "用户信息已保存。", "User saved."),
    ("users.reset_password", "重置密码", "Reset password"),
    (
        "users.reset_password.hint",
        "留空则不修改",
        "Leave empty to keep it",
    ),
    ("users.disable", "停用此账号", "Disable this account"),
    ("units.title", "单位管理", "Units"),
    ("units.new", "新增单位", "New unit"),
    ("units.new_title", "新增单位", "Add a unit"),
    ("units.edit", "修改", "Edit"),
    (
        "units.edit_title",
        "修改单位名称或上级单位",
        "Rename or move the unit",
    ),
    ("units.add_child", "添加下级", "Add child"),
    ("units.name", "单位名称", "Name"),
    ("units.id", "单位标识", "Unit id"),
    ("units.id.hint", "如 gov-3201", "e.g. gov-3201"),
    ("units.kind", "类型", "Kind"),
    ("units.parent", "上级单位", "Parent unit"),
    ("units.no_parent", "无（顶级单位）", "None (top level)"),
    ("units.division", "行政区域", "Division"),
    (
        "units.division_optional",
        "行政区划代码（可选）",
        "Division code (optional)",
    ),
    (
        "units.division_unknown",
        "未知的行政区划代码",
        "Unknown division code",
    ),
    ("units.created", "单位已新增。", "Unit added."),
    ("units.saved", "单位已保存。", "Unit saved."),
    ("units.empty", "暂无单位。", "No units yet."),
    ("unit_kind.coordination", "协调", "Coordination"),
    ("unit_kind.department", "部门", "Department"),
    ("unit_kind.government", "政府", "Government"),
    ("unit_kind.zone", "园区", "Zone"),
    ("audit.title", "审计日志", "Audit log"),
    ("audit.filter.actor", "操作人用户名", "Actor (username)"),
    ("audit.filter.all_actions", "全部操作", "All actions"),
    ("audit.filter.case", "案件标识", "Case id"),
    (
        "audit.filter.q",
        "对象或原因包含",
        "Target or reason contains",
    ),
    ("audit.filter.from", "起", "From"),
    ("audit.filter.to", "止", "To"),
    ("audit.search", "查询", "Search"),
    ("audit.reset", "清除条件", "Clear"),
    (
        "audit.empty",
        "没有符合条件的审计记录。",
        "No audit records match.",
    ),
    ("audit.col.at", "时间", "Time"),
    ("audit.col.actor", "操作人", "Actor"),
    ("audit.col.role", "角色", "Role"),
    ("audit.col.ip", "IP 地址", "IP address"),
    ("audit.col.action", "操作", "Action"),
    ("audit.col.target", "对象", "Target"),
    ("audit.col.reason", "原因", "Reason"),
    ("audit.action.case", "信访件·", "Case: "),
    (
        "audit.action.case_any",
        "全部信访件操作",
        "All case actions",
    ),
    (
        "audit.action.supervision_any",
        "全部跟进督办操作",
        "All supervision actions",
    ),
    (
        "audit.action.referral_any",
        "全部横向推送操作",
        "All referral actions",
    ),
    (
        "audit.action.incident_any",
        "全部应急联动操作",
        "All incident actions",
    ),
    (
        "audit.action.routing_any",
        "全部分办规则操作",
        "All routing rule changes",
    ),
    (
        "audit.action.sla_any",
        "全部时限规则操作",
        "All SLA rule changes",
    ),
    (
        "audit.action.emergency_any",
        "全部应急预案操作",
        "All emergency plan changes",
    ),
    (
        "audit.action.attachment_any",
        "全部附件操作",
        "All attachment actions",
    ),
    (
        "audit.action.supervision.step_fired",
        "督办单时限升级",
        "Supervision order escalated",
    ),
    (
        "audit.action.referral.step_fired",
        "推送答复时限升级",
        "Referral response escalated",
    ),
    (
        "audit.action.incident.step_fired",
        "接报确认时限升级",
        "Incident acknowledgement escalated",
    ),
    ("audit.action.case.create", "登记信访件", "Case intake"),
    ("audit.action.import.commit", "批量导入", "Batch import"),
    (
        "audit.action.personal_data.read",
        "查看举报人信息",
        "Personal data read",
    ),
    ("audit.action.user.create", "新建用户", "User created"),
    ("audit.action.user.update", "修改用户", "User changed"),
    ("audit.action.unit.create", "新增单位", "Unit added"),
    ("audit.action.unit.update", "修改单位", "Unit changed"),
    ("audit.action.auth.login", "登录", "Sign-in"),
    (
        "audit.action.auth.login_failed",
        "登录失败",
        "Failed sign-in",
    ),
    ("audit.action.auth.logout", "退出登录", "Sign-out"),
    ("audit.action.case.escalate", "超期升级", "SLA escalation"),
    (
        "audit.action.case.repeat_attached",
        "并入重复件",
        "Repeat merged in",
    ),
    (
        "audit.action.supervision.assign",
        "指定督办专员",
        "Supervisor assigned",
    ),
    (
        "audit.action.supervision.issue_order",
        "下发督办单",
        "Supervision order issued",
    ),
    (
        "audit.action.supervision.answer_order",
        "答复督办单",
        "Supervision order answered",
    ),
    (
        "audit.action.supervision.close_order",
        "办结督办单",
        "Supervision order closed",
    ),
    (
        "audit.action.supervision.record_visit",
        "现场核查",
        "On-site visit",
    ),
    (
        "audit.action.supervision.submit_report",
        "报送进展",
        "Report submitted",
    ),
    (
        "audit.action.supervision.review_report",
        "审核报告",
        "Report reviewed",
    ),
    ("audit.action.referral.sent", "横向推送", "Referral sent"),
    (
        "audit.action.referral.acknowledged",
        "签收推送",
        "Referral acknowledged",
    ),
    (
        "audit.action.referral.replied",
        "推送留言",
        "Referral message",
    ),
    (
        "audit.action.referral.answered",
        "答复推送",
        "Referral answered",
    ),
    (
        "audit.action.referral.joint_set",
        "设为联合办理",
        "Joint handling set",
    ),
    (
        "audit.action.referral.closed",
        "办结推送",
        "Referral closed",
    ),
    (
        "audit.action.incident.declared",
        "宣布突发事件",
        "Incident declared",
    ),
    (
        "audit.action.incident.acknowledged",
        "确认响应",
        "Incident acknowledged",
    ),
    (
        "audit.action.incident.reported",
        "事件续报",
        "Situation report",
    ),
    (
        "audit.action.incident.escalated",
        "调整响应级别",
        "Incident escalated",
    ),
    (
        "audit.action.incident.closed",
        "关闭事件",
        "Incident closed",
    ),
    (
        "audit.action.attachment.upload",
        "上传附件",
        "Attachment uploaded",
    ),
    (
        "audit.action.sla.rule_set_update",
        "修改时限规则",
        "SLA rule set changed",
    ),
    (
        "inbox.action.decide_extension",
        "审批延期申请",
        "Decide on an extension request",
    ),
    // case pages: personal data, audit trail, export
    ("field.complainant_id_number", "身份证号", "ID number"),
    (
        "detail.show_contact",
        "查看完整联系方式",
        "Show contact details",
    ),
    (
        "detail.contact_logged",
        "此次查看已记入审计日志",
        "This view is recorded in the audit log",
    ),
    ("detail.audit", "审计记录", "Audit trail"),
    ("cases.export_csv", "导出 CSV", "Export CSV"),
    ("cases.export_xlsx", "导出 Excel", "Export Excel"),
    ("repeats.title", "疑似重复件", "Possible repeats"),
    (
        "repeats.loading",
        "正在查找疑似重复件…",
        "Looking for repeats…",
    ),
    (
        "repeats.none",
        "未发现疑似重复件",
        "No possible repeat found",
    ),
    ("repeats.case", "案件编号", "Case number"),
    ("repeats.score", "相似度", "Score"),
    ("repeats.reasons", "依据", "Why"),
    ("repeats.received", "接收时间", "Received"),
    ("repeats.status", "状态", "Status"),
    ("repeats.merge", "并入此件", "Merge into this"),
    (
        "repeats.confirm",
        "确认本件是 {reference} 的重复件？本件将并入该主件（两件的记录均保留），主件标记为重复信访件。",
        "Is this case a repeat of {reference}? It will be merged into it (both histories stay) and the primary marked as a repeated complaint.",
    ),
    ("repeats.reason", "合并说明", "Why"),
    ("repeats.merge_confirm", "确认合并", "Merge"),
    (
        "repeats.merged",
        "已并入 {reference}",
        "Merged into {reference}",
    ),
    // quick dispatch (信访任务快速交办): proposals, batch dispatch, clearing, rules
    ("nav.clearing", "日有日清", "Daily clearing"),
    ("nav.admin_routing", "分办规则", "Routing rules"),
    ("routing.title", "分办建议", "Routing proposal"),
    ("routing.kind.lead", "牵头", "Lead"),
    ("routing.kind.notify", "抄送", "Notify"),
    ("routing.kind.supervise", "督办", "Supervise"),
    ("routing.rule", "分办规则", "Routing rule"),
    (
        "routing.no_lead",
        "没有规则能确定牵头单位，请在“交办”中人工选择。",
        "No rule names a lead unit: choose one in “Dispatch”.",
    ),
    (
        "routing.dispatch_as_proposed",
        "按建议交办",
        "Dispatch as proposed",
    ),
    (
        "routing.adjust_hint",
        "如需调整单位，请点击下方“交办”修改后提交。",
        "To change the units, open “Dispatch” below and edit them.",
    ),
    ("dispatch.batch", "整批交办", "Dispatch whole batch"),
    (
        "dispatch.confirm_before",
        "将按分办规则交办第",
        "Every case of batch ",
    ),
    (
        "dispatch.confirm_after",
        "批中所有待分办（含被退回）的信访件；没有牵头单位建议的案件不会交办，将在结果中列出。",
        " that waits for dispatch (returned ones too) will be dispatched as the routing rules propose; cases without a proposed lead unit are left alone and listed.",
    ),
    ("dispatch.confirm", "确认交办", "Dispatch now"),
    ("dispatch.result_dispatched", "已交办", "Dispatched:"),
    ("dispatch.result_skipped", "未交办", "not dispatched:"),
    ("dispatch.result_sep", "，", ", "),
    ("dispatch.cases", "件", "cases"),
    ("dispatch.close", "关闭", "Close"),
    (
        "dispatch.skipped_title",
        "未交办的信访件及原因",
        "Cases not dispatched, and why",
    ),
    (
        "dispatch.dispatched_title",
        "已交办明细",
        "Cases dispatched",
    ),
    (
        "dispatch.nothing",
        "该批次没有待分办的信访件。",
        "No case of this batch waits for dispatch.",
    ),
    ("clearing.title", "日有日清", "Daily clearing"),
    (
        "clearing.hint",
        "按牵头单位统计待分办、待签收、今日到期和已超期的信访件，每分钟自动刷新；点击数字查看对应案件。",
        "Cases waiting for dispatch or sign-for, due today or overdue, per lead unit; refreshed every minute. Click a number to list its cases.",
    ),
    ("clearing.as_of", "数据时间：", "As of "),
    ("clearing.china_time", "（北京时间）", " (Beijing time)"),
    ("clearing.refresh", "刷新", "Refresh"),
    (
        "clearing.truncated",
        "待办事项过多，仅统计了其中一部分。",
        "There is more open work than one view holds; only part of it is counted.",
    ),
    ("clearing.col.unit", "单位", "Unit"),
    ("clearing.col.buckets", "事项", "Columns"),
    (
        "clearing.unassigned",
        "待分办（未确定单位）",
        "Awaiting dispatch (no unit yet)",
    ),
    ("clearing.total", "合计", "Total"),
    (
        "clearing.empty",
        "今日待办已全部清零。",
        "Nothing is waiting today.",
    ),
    ("clearing.cases", "待办信访件", "Open cases"),
    ("clearing.show_all", "显示全部", "Show all"),
    ("clearing.no_cases", "没有对应的信访件。", "No cases here."),
    ("clearing.more_before", "另有", "And "),
    (
        "clearing.more_after",
        "件未列出，请点击上表中的数字筛选。",
        " more not listed: click a number above to narrow the list.",
    ),
    ("bucket.not_dispatched", "待分办", "Not dispatched"),
    ("bucket.not_signed", "待签收", "Not signed for"),
    ("bucket.due_today", "今日到期", "Due today"),
    ("bucket.overdue", "已超期", "Overdue"),
    ("routing.rules_title", "分办规则", "Routing rules"),
    (
        "routing.rules_hint",
        "规则按顺序匹配：第一条匹配的牵头规则确定牵头单位，所有匹配的抄送规则各抄送一个部门，第一条匹配的督办规则确定督办专员。修改保存后对此后的交办生效。",
        "Rules are tried in order: the first matching lead rule names the lead unit, every matching notify rule adds a department, the first matching supervise rule names the supervisor. Saved changes apply to dispatches from then on.",
    ),
    (
        "routing.readonly",
        "仅管理员可修改分办规则。",
        "Only administrators may change the routing rules.",
    ),
    ("routing.col.kind", "类型", "Kind"),
    ("routing.col.name", "规则名称", "Rule"),
    ("routing.col.when", "适用条件", "Applies when"),
    ("routing.col.target", "指向", "Target"),
    ("routing.col.dispatched", "已交办", "Dispatched"),
    ("routing.col.returned", "被退回", "Returned"),
    ("routing.cond.divisions", "行政区域", "Divisions"),
    ("routing.cond.categories", "污染类型", "Categories"),
    ("routing.cond.key_classes", "重点类别", "Key classes"),
    ("routing.cond.keywords", "关键词", "Keywords"),
    ("routing.cond.channels", "来源渠道", "Channels"),
    ("routing.cond.always", "所有案件", "Every case"),
    ("routing.colon", "：", ": "),
    ("routing.target.unit", "指定单位", "A unit"),
    (
        "routing.target.territorial_government",
        "属地政府",
        "Territorial government",
    ),
    ("routing.target.person", "督办专员", "A supervisor"),
    (
        "routing.target.city",
        "属地政府（市）",
        "Territorial government (city)",
    ),
    (
        "routing.target.county",
        "属地政府（县）",
        "Territorial government (county)",
    ),
    ("routing.level", "政府层级", "Government level"),
    ("routing.level.city", "设区市", "City"),
    ("routing.level.county", "县（市、区）", "County"),
    ("routing.username", "督办专员", "Supervisor"),
    ("routing.misrouting", "易错派", "Misrouting"),
    (
        "routing.misrouting_hint",
        "被退回至少3次，且占交办数的五分之一以上",
        "Returned at least 3 times and in at least a fifth of its dispatches",
    ),
    ("routing.up", "上移", "Move up"),
    ("routing.down", "下移", "Move down"),
    ("routing.delete", "删除", "Delete"),
    ("routing.add_rule", "新增规则", "Add a rule"),
    ("routing.new_rule", "新增规则", "New rule"),
    ("routing.edit_rule", "修改规则", "Edit rule"),
    ("routing.id", "规则编号", "Rule id"),
    (
        "routing.id.hint",
        "如 notify-housing",
        "e.g. notify-housing",
    ),
    ("routing.name", "规则名称", "Rule name"),
    (
        "routing.keywords.hint",
        "多个关键词用逗号或顿号分隔",
        "Separate keywords with commas",
    ),
    (
        "routing.divisions.hint",
        "行政区划代码，如 3201、320102，用逗号分隔",
        "Division codes such as 3201, 320102, separated by commas",
    ),
    (
        "routing.divisions.unknown",
        "未知的行政区划代码：",
        "Unknown division codes: ",
    ),
    ("routing.apply", "确定", "Apply"),
    (
        "routing.apply_hint",
        "修改先放入下方列表，点击“保存”后生效。",
        "Changes go into the list below and take effect once saved.",
    ),
    ("routing.discard", "撤销修改", "Discard changes"),
    (
        "routing.unsaved",
        "规则有未保存的修改，请填写变更原因后保存。",
        "The rules have unsaved changes: give a reason and save.",
    ),
    ("routing.saved", "分办规则已保存。", "Routing rules saved."),
    ("routing.empty", "暂无分办规则。", "No routing rules."),
    ("routing.field.id", "规则编号", "Rule id"),
    ("routing.field.name", "规则名称", "Name"),
    ("routing.field.kind", "类型", "Kind"),
    ("routing.field.then", "指向", "Target"),
    ("routing.field.then.unit", "单位", "Unit"),
    ("routing.field.then.username", "督办专员", "Supervisor"),
    ("routing.field.when.keywords", "关键词", "Keywords"),
    ("routing.field.when.divisions", "行政区域", "Divisions"),
    (
        "audit.action.routing.update",
        "修改分办规则",
        "Routing rules changed",
    ),
    // error codes (`err.<code>`), shown instead of the server's message when known
    (
        "err.rate.limited",
        "请求过于频繁，请稍后再试",
        "Too many requests; try again shortly",
    ),
    ("err.rule.required", "必填", "Required"),
    (
        "err.rule.id_duplicate",
        "规则编号重复",
        "This rule id is used twice",
    ),
    (
        "err.rule.id_invalid",
        "规则编号应为1-40位字母、数字、- 或 _",
        "A rule id is 1-40 letters, digits, '-' or '_'",
    ),
    (
        "err.rule.target_mismatch",
        "牵头和抄送规则指向单位，督办规则指向督办专员",
        "Lead and notify rules name a unit; supervise rules name a supervisor",
    ),
    (
        "err.rule.unit_unknown",
        "单位不存在",
        "The unit does not exist",
    ),
    (
        "err.rule.keyword_empty",
        "关键词不能为空",
        "A keyword cannot be empty",
    ),
    (
        "err.rule.division_unknown",
        "有未知的行政区划代码",
        "A division code is not known",
    ),
    ("err.rules.too_many", "规则数量过多", "Too many rules"),
    (
        "err.import.sender_ref.imported",
        "该交办编号已在其他批次导入：请核对，或排除此行",
        "This transfer number was imported in another batch: check it, or exclude the row",
    ),
    (
        "err.import.edits.invalid",
        "修改内容格式不正确，请重新校验",
        "The edits are malformed; check the file again",
    ),
    (
        "err.import.edit.line_unknown",
        "文件中没有所修改的行，请重新校验后再修改",
        "The file has no such line; check it again before editing",
    ),
    (
        "err.import.exclude.reason_required",
        "排除行须填写原因",
        "Excluding a row needs a reason",
    ),
    (
        "err.import.exclude.reason_too_long",
        "排除原因不能超过200字",
        "The reason for excluding a row exceeds 200 characters",
    ),
    (
        "err.rules.no_change",
        "规则没有需要保存的修改",
        "The rules have not changed",
    ),
    (
        "err.dispatch.selection_required",
        "请指定批次号或案件（二选一）",
        "Name a batch or cases, one of the two",
    ),
    (
        "err.batch.out_of_range",
        "批次号应在1至99之间",
        "The batch number lies between 1 and 99",
    ),
    (
        "err.idempotency.answer_lost",
        "该提交已办理，但答复丢失；请刷新查看结果",
        "This submission was carried out but its answer was lost; reload to see it",
    ),
    (
        "err.idempotency.in_progress",
        "同一提交仍在处理中，稍后自动重试",
        "The same submission is still being processed; it is retried shortly",
    ),
    (
        "err.idempotency.key_invalid",
        "提交标识（Idempotency-Key）无效",
        "The submission key (Idempotency-Key) is invalid",
    ),
    (
        "err.idempotency.key_reused",
        "提交标识已用于另一份不同的提交",
        "The submission key was used for a different submission",
    ),
    (
        "err.version.conflict",
        "案件刚被他人更新，本次未作任何修改，请重试",
        "A case changed meanwhile; nothing was changed. Try again.",
    ),
    (
        "err.note.too_long",
        "说明最多500个字",
        "The note allows at most 500 characters",
    ),
    (
        "err.routing.no_lead",
        "没有规则能确定牵头单位，请逐件交办",
        "No rule names a lead unit; dispatch it by hand",
    ),
    (
        "err.user.username_taken",
        "用户名已被使用",
        "This username is already taken",
    ),
    (
        "err.username.invalid",
        "用户名格式不正确",
        "The username is not valid",
    ),
    (
        "err.password.too_short",
        "密码太短",
        "The password is too short",
    ),
    ("err.role.unknown", "未知的角色", "Unknown role"),
    ("err.unit.unknown", "单位不存在", "No such unit"),
    (
        "err.reason.required",
        "请填写变更原因",
        "A reason is required",
    ),
    (
        "err.role.forbidden",
        "当前角色无权执行此操作",
        "Your role may not do this",
    ),
    (
        "err.users.no_change",
        "没有需要保存的修改",
        "Nothing has changed",
    ),
    (
        "err.complainant.id_number.invalid",
        "身份证号应为18位，且校验位正确",
        "An identity card number has 18 characters and a valid check digit",
    ),
    // mechanisms: inbox, follow-up supervision, horizontal referral, emergency linkage
    ("nav.inbox", "待办", "Inbox"),
    ("nav.referrals", "横向推送", "Referrals"),
    ("nav.incidents", "应急联动", "Incidents"),
    ("nav.admin_plans", "应急预案", "Emergency plans"),
    ("detail.escalation", "已升级至", "Escalated to"),
    ("inbox.title", "待办", "Inbox"),
    (
        "inbox.hint",
        "需要本人处理的事项，按期限先后排列，每分钟自动刷新；点击事项名称前往办理。",
        "What waits for you, earliest deadline first; refreshed every minute. Click a title to handle it.",
    ),
    ("inbox.col.kind", "类型", "Kind"),
    ("inbox.col.title", "事项", "Item"),
    ("inbox.col.action", "待办操作", "To do"),
    ("inbox.col.due", "期限", "Due"),
    ("inbox.col.escalation", "升级", "Escalation"),
    (
        "inbox.empty",
        "当前没有待办事项。",
        "Nothing waits for you.",
    ),
    ("inbox.overdue_count", "超期：", "Overdue: "),
    ("inbox.kind.case", "信访件", "Case"),
    ("inbox.kind.supervision", "跟进督办", "Supervision"),
    ("inbox.kind.referral", "横向推送", "Referral"),
    ("inbox.kind.incident", "突发事件", "Incident"),
    ("inbox.action.dispatch", "分办", "Dispatch"),
    ("inbox.action.sign_for", "签收", "Sign for"),
    ("inbox.action.report", "办理上报", "Report the result"),
    ("inbox.action.review", "审核", "Review"),
    ("inbox.action.return_visit", "回访", "Return visit"),
    (
        "inbox.action.supervise_overdue",
        "超期督办",
        "Supervise the overdue case",
    ),
    ("inbox.action.summon", "约谈", "Summon talk"),
    (
        "inbox.action.assign_supervisor",
        "超期未督办：指定督办专员",
        "Overdue: name a supervisor",
    ),
    (
        "inbox.overflow",
        "另有{more}件“{action}”未在此列出（共{total}件，此处列出最紧急的{shown}件）",
        "{more} more to “{action}” are not listed here ({total} in all; the {shown} most urgent are)",
    ),
    ("inbox.overflow_link", "查看全部", "See them all"),
    (
        "inbox.action.answer_order",
        "答复督办单",
        "Answer the supervision order",
    ),
    (
        "inbox.action.close_order",
        "办结督办单",
        "Close the supervision order",
    ),
    (
        "inbox.action.review_report",
        "审核督办报告",
        "Review the report",
    ),
    (
        "inbox.action.acknowledge_referral",
        "签收推送",
        "Acknowledge the referral",
    ),
    (
        "inbox.action.answer_referral",
        "答复推送",
        "Answer the referral",
    ),
    (
        "inbox.action.close_referral",
        "办结推送",
        "Close the referral",
    ),
    (
        "inbox.action.acknowledge_incident",
        "确认应急响应",
        "Acknowledge the emergency",
    ),
    (
        "supervision.title",
        "重点事项跟进督办",
        "Follow-up supervision",
    ),
    ("supervision.supervisor", "督办专员", "Supervisor"),
    ("supervision.no_supervisor", "未指定", "Not assigned"),
    ("supervision.assign_label", "督办专员", "Supervisor"),
    (
        "supervision.no_supervisors",
        "没有可指派的督办人员，请管理员先添加督办角色账号。",
        "No one can be named supervisor: an administrator must first add an account with the supervisor role.",
    ),
    (
        "supervision.proposed",
        "分办规则建议：",
        "The routing rules propose: ",
    ),
    ("supervision.assign", "指定督办专员", "Assign supervisor"),
    ("supervision.orders", "督办单", "Supervision orders"),
    (
        "supervision.no_orders",
        "尚未下发督办单。",
        "No supervision order yet.",
    ),
    ("supervision.visits", "现场核查", "On-site verification"),
    (
        "supervision.no_visits",
        "暂无现场核查记录。",
        "No on-site verification yet.",
    ),
    (
        "supervision.reports",
        "进展与结果报告",
        "Progress and result reports",
    ),
    ("supervision.no_reports", "暂无报告。", "No report yet."),
    ("supervision.issue_order", "下发督办单", "Issue an order"),
    ("supervision.record_visit", "记录现场核查", "Record a visit"),
    ("supervision.submit_report", "提交报告", "Submit a report"),
    ("supervision.done", "督办操作已完成。", "Done."),
    (
        "supervision.event.assigned",
        "指定督办专员",
        "Supervisor assigned",
    ),
    (
        "supervision.event.order_issued",
        "下发督办单",
        "Order issued",
    ),
    (
        "supervision.event.order_answered",
        "答复督办单",
        "Order answered",
    ),
    (
        "supervision.event.order_closed",
        "督办单办结",
        "Order closed",
    ),
    (
        "supervision.event.order_reopened",
        "督办单退回重办",
        "Order sent back",
    ),
    (
        "supervision.event.report_approved",
        "报告审核通过",
        "Report approved",
    ),
    (
        "supervision.event.report_sent_back",
        "报告退回重办",
        "Report sent back",
    ),
    ("order.number", "督办单编号", "Order number"),
    ("order.target_unit", "督办对象", "Target unit"),
    ("order.demands", "督办要求", "Demands"),
    (
        "order.demands.hint",
        "写明需要办理的事项和要求，至少10个字",
        "What is to be done, at least 10 characters",
    ),
    ("order.status", "状态", "Status"),
    ("order.clock", "答复时限", "Answer due"),
    ("order.status.open", "待答复", "Awaiting answer"),
    ("order.status.answered", "已答复", "Answered"),
    ("order.status.closed", "已办结", "Closed"),
    ("order.answer", "答复", "Answer"),
    ("order.answer_action", "答复督办单", "Answer"),
    ("order.close_action", "办结或退回", "Close or send back"),
    (
        "order.close_comments",
        "意见（退回时必填）",
        "Comments (required to send back)",
    ),
    ("order.closing_comments", "办结意见", "Closing comments"),
    ("order.sent_back", "退回意见", "Sent back"),
    ("order.accept", "办结", "Close"),
    ("order.send_back", "退回重办", "Send back"),
    ("limit.amount", "时限", "Time limit"),
    ("visit.date", "核查日期", "Date"),
    ("visit.inspectors", "核查人员", "Inspectors"),
    (
        "visit.inspectors.hint",
        "多人用逗号或顿号分隔",
        "Separate names with commas",
    ),
    ("visit.findings", "核查情况", "Findings"),
    ("visit.photos", "现场照片", "Photos"),
    (
        "visit.photos.hint",
        "JPEG、PNG、WebP图片或PDF，每个不超过5 MB，选择后即上传",
        "JPEG, PNG, WebP or PDF, at most 5 MB each; uploaded when chosen",
    ),
    ("visit.uploading", "正在上传…", "Uploading…"),
    ("attachments.title", "附件", "Attachments"),
    ("attachments.files", "附件", "Attachments"),
    (
        "attachments.offline",
        "当前离线：附件需联网上传。可先提交表单（存入待发送箱），联网后再补传附件。",
        "You are offline: files need the network. The form can still be sent to the outbox; attach the files once back online.",
    ),
    ("report.kind", "报告类型", "Kind"),
    ("report.kind.progress", "进展报告", "Progress report"),
    ("report.kind.result", "结果报告", "Result report"),
    ("report.text", "报告内容", "Report"),
    ("report.pending", "待审核", "Awaiting review"),
    ("report.approved", "已通过", "Approved"),
    ("report.sent_back", "已退回重办", "Sent back"),
    (
        "report.review_comments",
        "审核意见（退回时必填）",
        "Comments (required to send back)",
    ),
    ("report.approve", "审核通过", "Approve"),
    ("report.send_back", "退回重办", "Send back"),
    ("referral.title", "横向推送", "Referrals"),
    ("referral.page_title", "横向推送", "Referrals"),
    (
        "referral.hint",
        "本单位参与的横向推送：签收、答复、联合办理和办结。",
        "Referrals your units take part in: acknowledge, answer, handle jointly, close.",
    ),
    ("referral.none", "暂无横向推送。", "No referrals."),
    (
        "referral.none_for_case",
        "本件尚无横向推送。",
        "This case has no referrals.",
    ),
    ("referral.new", "推送至其他部门", "Refer to a department"),
    ("referral.from", "推送单位", "From"),
    ("referral.to", "接收部门", "To"),
    ("referral.subject", "推送事项", "Subject"),
    ("referral.text", "推送说明", "Message"),
    ("referral.send", "推送", "Send"),
    ("referral.sent", "已推送。", "Referral sent."),
    ("referral.status.sent", "待签收", "Awaiting acknowledgement"),
    ("referral.status.acknowledged", "已签收", "Acknowledged"),
    ("referral.status.answered", "已答复", "Answered"),
    ("referral.status.closed", "已办结", "Closed"),
    ("referral.open_case", "查看信访件", "Open the case"),
    ("referral.joint", "联合办理", "Joint handling"),
    ("referral.joint_lead", "牵头部门", "Lead"),
    ("referral.co_handlers", "协办部门", "Co-handlers"),
    (
        "referral.joint_hint",
        "接收部门须为牵头或协办部门之一",
        "The receiving department stays in, as lead or co-handler",
    ),
    ("referral.answer_tag", "正式答复", "Answer"),
    ("referral.acknowledge", "签收", "Acknowledge"),
    ("referral.message", "留言或答复", "Message or answer"),
    ("referral.reply", "留言", "Reply"),
    ("referral.answer", "正式答复", "Answer"),
    ("referral.set_joint", "设为联合办理", "Handle jointly"),
    ("referral.summary", "办结小结", "Closing summary"),
    ("referral.close", "办结", "Close"),
    (
        "referral.proposals",
        "分办规则建议推送的部门",
        "Departments the routing rules propose",
    ),
    ("referral.refer_proposed", "按规则推送", "Refer as proposed"),
    ("referral.event.sent", "发起推送", "Referred"),
    ("referral.event.replied", "推送留言", "Message"),
    (
        "incident.page_title",
        "突发事件应急联动",
        "Emergency linkage",
    ),
    (
        "incident.hint",
        "宣布突发事件后，按预案通知各部门并开始响应确认计时；点击事件名称打开联动看板。",
        "Declaring an incident links the plan's departments and starts their acknowledgement clocks. Click a title to open its board.",
    ),
    ("incident.none", "暂无突发事件。", "No incidents."),
    ("incident.declare", "宣布突发事件", "Declare incident"),
    ("incident.declare_submit", "宣布", "Declare"),
    ("incident.title", "事件名称", "Title"),
    ("incident.type", "事件类型", "Type"),
    ("incident.severity", "事件级别", "Severity"),
    ("incident.status", "状态", "Status"),
    ("incident.status.active", "处置中", "Active"),
    ("incident.status.closed", "已关闭", "Closed"),
    ("incident.declared_at", "宣布时间", "Declared"),
    ("incident.whole_city", "（全市）", " (whole city)"),
    ("incident.back", "返回事件列表", "Back to the incidents"),
    (
        "incident.live",
        "每5秒自动更新",
        "Updates itself every 5 seconds",
    ),
    ("incident.plan", "启动预案", "Plan"),
    ("incident.place", "事发地点", "Place"),
    ("incident.case", "关联信访件", "Case"),
    ("incident.summary", "处置总结", "Summary"),
    (
        "incident.summary_hint",
        "事件经过和处置情况，至少20个字",
        "What happened and what was done, at least 20 characters",
    ),
    ("incident.linkage", "联动部门", "Linked departments"),
    ("incident.unit", "部门", "Department"),
    ("incident.tasks", "任务", "Tasks"),
    ("incident.ack_clock", "响应时限", "Acknowledgement"),
    ("incident.acknowledged_at", "确认时间", "Acknowledged at"),
    ("incident.acknowledged_by", "确认人", "By"),
    ("incident.acknowledge", "确认响应", "Acknowledge"),
    ("incident.report", "续报", "Situation report"),
    ("incident.report_text", "续报内容", "Report"),
    ("incident.report_submit", "提交续报", "Send report"),
    ("incident.reported", "续报已提交。", "Report sent."),
    ("incident.timeline", "处置记录", "Timeline"),
    ("incident.command", "指挥调度", "Command"),
    ("incident.escalate_to", "调整事件级别", "Change severity to"),
    ("incident.escalate", "调整级别", "Change severity"),
    ("incident.close", "关闭事件", "Close incident"),
    ("incident.added", "新增部门：", "added: "),
    ("incident.event.declared", "宣布事件", "Declared"),
    ("incident.event.acknowledged", "确认响应", "Acknowledged"),
    ("incident.event.reported", "续报", "Situation report"),
    ("incident.event.escalated", "调整级别", "Severity changed"),
    ("incident.event.closed", "关闭事件", "Closed"),
    ("plans.title", "应急预案", "Emergency plans"),
    (
        "plans.hint",
        "预案按顺序匹配：第一个同时适用于事件类型和级别的预案确定联动部门、任务和响应时限。修改保存后对此后宣布的事件生效。",
        "Plans are tried in order: the first that fits the incident's type and severity names the departments, their tasks and acknowledgement times. Saved changes apply to incidents declared from then on.",
    ),
    (
        "plans.readonly",
        "仅管理员可修改应急预案。",
        "Only administrators may change the plans.",
    ),
    ("plans.add", "新增预案", "Add a plan"),
    ("plans.new", "新增预案", "New plan"),
    ("plans.edit", "修改预案", "Edit plan"),
    ("plans.col.name", "预案名称", "Plan"),
    ("plans.col.types", "事件类型", "Types"),
    ("plans.col.severities", "事件级别", "Severities"),
    (
        "plans.col.departments",
        "联动部门、任务和响应时限",
        "Departments, tasks, acknowledgement",
    ),
    ("plans.minutes", "分钟", " min"),
    ("plans.empty", "暂无应急预案。", "No plans."),
    ("plans.field.id", "预案编号", "Plan id"),
    ("plans.id.hint", "如 water-major", "e.g. water-major"),
    ("plans.field.name", "预案名称", "Name"),
    ("plans.field.types", "事件类型", "Types"),
    ("plans.field.severities", "事件级别", "Severities"),
    ("plans.field.departments", "联动部门", "Departments"),
    ("plans.field.unit", "单位", "Unit"),
    ("plans.field.tasks", "任务", "Tasks"),
    (
        "plans.field.ack_minutes",
        "响应时限（分钟）",
        "Acknowledge within (minutes)",
    ),
    ("plans.tasks.hint", "任务每行一项", "One task per line"),
    ("plans.add_dept", "添加部门", "Add a department"),
    (
        "plans.apply_hint",
        "修改先放入下方列表，点击“保存”后生效。",
        "Changes go into the list below and take effect once saved.",
    ),
    (
        "plans.unsaved",
        "预案有未保存的修改，请填写变更原因后保存。",
        "The plans have unsaved changes: give a reason and save.",
    ),
    ("plans.saved", "应急预案已保存。", "Plans saved."),
    (
        "audit.action.emergency.plans_update",
        "修改应急预案",
        "Emergency plans changed",
    ),
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
        "督办时限过长：按日计最多30天（工作日或自然日），按小时计最多240小时",
        "The order's time limit is too long: at most 30 days (working or natural) or 240 hours",
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
        "意见至少5个字",
        "Comments need at least 5 characters",
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
        "督办单当前状态不允许此操作",
        "The order does not allow this now",
    ),
    (
        "err.order.not_found",
        "督办单不存在",
        "No such supervision order",
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
        "地址最多200个字",
        "The address allows at most 200 characters",
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
        "err.rule_set.limit.out_of_range",
        "时限须为1至100000之间的整数",
        "A limit must be a whole number from 1 to 100000",
    ),
    (
        "err.rule_set.warn_percent.out_of_range",
        "预警比例须为1至99之间的整数",
        "The warning share must be a whole number from 1 to 99",
    ),
    (
        "err.rule_set.rules.empty",
        "至少需要一条环节时限",
        "At least one stage limit is needed",
    ),
    (
        "err.rule_set.id.invalid",
        "规则编号无效",
        "Not a valid rule set id",
    ),
    (
        "err.rule_set.name.required",
        "规则需要中文和英文名称",
        "The rule set needs a Chinese and an English name",
    ),
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
    // not found
    ("notfound.title", "页面不存在", "Page not found"),
    ("notfound.back", "返回信访件列表", "Back to the case list"),
    // batch import (/import)
    ("nav.import", "批量导入", "Import"),
    ("import.title", "批量导入交办清单", "Import a transfer list"),
    (
        "import.hint",
        "选择督察组交办清单（Excel 或 CSV，至多32MB），先逐行校验，不保存。有错误的行可在下方逐行改正（选择行政区域、改正日期）或注明理由后排除；其余各行全部无误后一次性导入。",
        "Choose an inspection team's transfer list (Excel or CSV, at most 32 MB). Every row is checked first and nothing is saved. Rows with errors can be corrected below (pick the division, correct a date) or excluded with a reason; once the other rows have no error, they are imported at once.",
    ),
    (
        "import.template_xlsx",
        "下载模板（Excel）",
        "Template (Excel)",
    ),
    ("import.template_csv", "下载模板（CSV）", "Template (CSV)"),
    (
        "import.drop",
        "将文件拖到此处，或点击选择文件（.xlsx、.xls、.csv）",
        "Drop the file here, or click to choose it (.xlsx, .xls, .csv)",
    ),
    (
        "import.sheet",
        "工作表（默认第一个）",
        "Worksheet (the first by default)",
    ),
    ("import.recheck", "重新校验", "Check again"),
    ("import.uploading", "正在上传", "Uploading"),
    ("import.checking", "正在校验…", "Checking…"),
    ("import.importing", "正在导入…", "Importing…"),
    ("import.preview", "校验结果", "Check result"),
    ("import.file", "文件", "File"),
    (
        "import.format",
        "格式 · 编码 · 工作表",
        "Format · encoding · worksheet",
    ),
    ("import.title_line", "标题", "Title"),
    ("import.header_line", "表头所在行", "Header row"),
    ("import.columns", "已识别列", "Columns recognised"),
    ("import.ignored", "已忽略列", "Columns ignored"),
    (
        "import.counts",
        "共{total}行，可导入{valid}行，{errors}行有错误，{excluded}行已排除",
        "{total} rows: {valid} can be imported, {errors} have errors, {excluded} excluded",
    ),
    (
        "import.already",
        "该批次已于{at}由{by}导入（{rows}件），不会重复创建",
        "This batch was imported on {at} by {by} ({rows} cases); it will not be created again",
    ),
    ("import.commit", "确认导入 {n} 件", "Import {n} cases"),
    (
        "import.commit_blocked",
        "有错误，不能导入",
        "Errors found: cannot import",
    ),
    (
        "import.commit_nothing",
        "没有可导入的案件",
        "Nothing to import",
    ),
    (
        "import.skipped_examples",
        "已跳过示例行（序号为“示例”）：第{lines}行，不计入案件",
        "Example rows skipped (序号 “示例”): line {lines}; not counted as cases",
    ),
    ("import.col.categories", "污染类型", "Categories"),
    ("import.col.key", "重点", "Key"),
    ("import.not_key", "否", "No"),
    (
        "import.blocked",
        "请在下方改正有错误的行，或注明理由将其排除（也可改正文件后重新选择）；其余各行全部无误才能导入。",
        "Correct the rows with errors below, or exclude them with a reason (or correct the file and choose it again): the other rows are imported only when none has an error.",
    ),
    (
        "import.errors_only",
        "只看有错误的行",
        "Only rows with errors",
    ),
    ("import.col.line", "行号", "Line"),
    ("import.col.sender_ref", "交办编号", "Transfer no."),
    ("import.col.division", "行政区域", "Division"),
    ("import.col.excerpt", "内容摘要", "Content"),
    ("import.col.received", "受理时间", "Received"),
    ("import.col.lead", "拟牵头单位", "Proposed lead"),
    ("import.col.repeats", "疑似重复", "Possible repeats"),
    ("import.col.problems", "问题", "Problems"),
    (
        "import.source.batch_date",
        "按交办日期08:30计",
        "From the transfer date, 08:30",
    ),
    (
        "import.source.now",
        "无日期，按导入时间计",
        "No date: the import time",
    ),
    ("import.key", "重点", "Key"),
    ("import.row_number", "序号", "No."),
    ("import.reason_sep", "；", "; "),
    ("import.row_prefix", "第{line}行：", "Line {line}: "),
    ("import.no_rows", "没有要显示的行。", "No rows to show."),
    (
        "import.more",
        "显示更多（还有{n}行）",
        "Show more ({n} more rows)",
    ),
    ("import.done", "已导入 {n} 件", "{n} cases imported"),
    ("import.batch", "（第{n}批）", "(batch {n})"),
    (
        "import.range",
        "案件编号 {first} 至 {last}",
        "Case numbers {first} to {last}",
    ),
    (
        "import.range_one",
        "案件编号 {first}",
        "Case number {first}",
    ),
    ("import.to_dispatch", "去分办", "Dispatch them"),
    ("import.view_cases", "查看案件", "View the cases"),
    ("import.again", "导入其他文件", "Import another file"),
    (
        "import.settings",
        "整个文件统一设置（清单中没有的列）",
        "For the whole file (columns the list lacks)",
    ),
    ("import.set.channel", "来电/来信", "Channel"),
    ("import.set.from_file", "按文件", "As in the file"),
    ("import.set.batch_number", "批次号", "Batch number"),
    ("import.set.batch_date", "交办日期", "Transfer date"),
    (
        "import.historical",
        "按历史件导入",
        "Import as historical cases",
    ),
    (
        "import.historical_hint",
        "勾选后时限仍从交办日期起算，但导入时已到期的提醒、催办、升级不再触发，并在案件上注明；不勾选则按交办日期正常计时和升级。",
        "Checked: clocks still run from the transfer date, but reminders and escalations already due at the import never fire, and the cases say so. Unchecked: clocks and escalations run from the transfer date as usual.",
    ),
    ("import.batch_col", "批次", "Batch"),
    ("import.batch_rows", "行数", "Rows"),
    ("import.batch_valid", "可导入", "Valid"),
    ("import.batch_excluded", "已排除", "Excluded"),
    ("import.excluded", "已排除", "Excluded"),
    ("import.unexclude", "取消排除", "Include again"),
    ("import.fix.division", "选择行政区域", "Choose the division"),
    (
        "import.fix.date",
        "更正交办日期",
        "Correct the transfer date",
    ),
    ("import.exclude_reason", "排除原因", "Reason for excluding"),
    ("import.exclude", "排除此行", "Exclude the row"),
    (
        "case.historical",
        "历史件：{at}导入，导入时已到期的提醒和升级未触发",
        "Historical case: imported {at}; reminders and escalations already due then did not fire",
    ),
    // connected systems (/admin/api-clients)
    ("nav.admin_api_clients", "系统对接", "Connected systems"),
    ("api_clients.title", "系统对接", "Connected systems"),
    (
        "api_clients.hint",
        "12345热线平台与 Open311 客户端凭接入密钥推送诉求，每个系统一个密钥；停用系统后其密钥立即失效。",
        "12345 hotline platforms and Open311 clients push requests with a key, one per system; disabling a system revokes its key at once.",
    ),
    ("api_clients.col.name", "名称", "Name"),
    ("api_clients.col.kind", "类型", "Kind"),
    ("api_clients.col.state", "状态", "Status"),
    ("api_clients.col.created", "创建时间", "Created"),
    ("api_clients.kind.hotline", "12345热线", "12345 hotline"),
    ("api_clients.kind.open311", "Open311", "Open311"),
    ("api_clients.enabled", "启用", "Enabled"),
    ("api_clients.disabled", "停用", "Disabled"),
    ("api_clients.enable", "启用", "Enable"),
    ("api_clients.disable", "停用", "Disable"),
    ("api_clients.confirm_enable", "确认启用", "Enable"),
    ("api_clients.confirm_disable", "确认停用", "Disable"),
    (
        "api_clients.saved_enabled",
        "已启用该系统，其密钥可以使用。",
        "The system is enabled; its key works again.",
    ),
    (
        "api_clients.saved_disabled",
        "已停用该系统，其密钥已失效。",
        "The system is disabled; its key no longer works.",
    ),
    (
        "api_clients.empty",
        "尚未接入任何系统。",
        "No systems connected yet.",
    ),
    ("api_clients.new", "接入新系统", "Connect a system"),
    ("api_clients.name", "系统名称", "System name"),
    ("api_clients.kind", "类型", "Kind"),
    (
        "api_clients.create",
        "接入并生成密钥",
        "Connect and create a key",
    ),
    ("api_clients.key_of", " 的接入密钥", ": access key"),
    (
        "api_clients.key_once",
        "请立即复制保存，此密钥不会再次显示",
        "Copy and keep it now: this key will not be shown again",
    ),
    ("api_clients.copy", "复制", "Copy"),
    ("api_clients.copied", "已复制", "Copied"),
    (
        "api_clients.copy_manual",
        "已选中密钥，请按 Ctrl+C 复制",
        "The key is selected: press Ctrl+C to copy it",
    ),
    ("api_clients.key_done", "我已保存", "I have saved it"),
    ("api_clients.usage", "使用方法：", "How to use it:"),
    (
        "api_clients.usage.hotline_push",
        "推送工单",
        "Push a work order",
    ),
    (
        "api_clients.usage.hotline_status",
        "查询办理状态",
        "Read its status",
    ),
    ("api_clients.usage.header", "，请求头 ", ", header "),
    (
        "api_clients.usage.same_header",
        "，请求头同上",
        ", same header",
    ),
    (
        "api_clients.usage.open311_services",
        "服务列表",
        "Service list",
    ),
    (
        "api_clients.usage.open311_post",
        "提交诉求",
        "Submit a request",
    ),
    (
        "api_clients.usage.form_field",
        "，表单字段 ",
        ", form field ",
    ),
    (
        "err.api_client.name",
        "请填写系统名称（至多50字）",
        "Give the system a name (at most 50 characters)",
    ),
    // map board (挂图作战)
    ("nav.board", "挂图作战", "Map board"),
    ("nav.public", "信息公开", "Disclosure"),
    ("board.title", "挂图作战", "Map board"),
    ("board.updated", "数据更新于", "Figures as of"),
    ("board.loading", "正在读取…", "Loading…"),
    ("board.map", "江苏省案件分布图", "Cases across Jiangsu"),
    ("board.batch", "批次", "Batch"),
    ("board.from", "受理自", "Received from"),
    ("board.to", "至", "to"),
    ("board.all_categories", "全部污染类型", "All categories"),
    ("board.all_cases", "全部案件", "All cases"),
    ("board.key_any", "重点件", "Key cases"),
    ("board.key_none", "非重点件", "Ordinary cases"),
    ("board.reset", "清除筛选", "Clear filters"),
    ("board.province", "江苏省", "Jiangsu"),
    (
        "board.drill_hint",
        "点击县（市、区）查看案件清单",
        "Click a district for its cases",
    ),
    ("board.metric.open", "在办", "Open"),
    ("board.metric.overdue", "超期", "Overdue"),
    ("board.metric.key", "重点件", "Key cases"),
    ("board.total", "受理", "Received"),
    ("board.closure_rate", "办结率", "Closure rate"),
    ("board.on_time_rate", "按期办结率", "On-time rate"),
    ("board.outcomes", "办理成效", "Outcomes"),
    (
        "board.o.concluded",
        "办结（含阶段性办结）",
        "Closed or stage-closed",
    ),
    ("board.o.rectification", "责令整改", "Ordered to rectify"),
    ("board.o.penalty", "立案处罚", "Penalty cases"),
    ("board.o.fines", "罚款金额", "Fines"),
    ("board.o.criminal", "立案侦查", "Criminal investigations"),
    ("board.o.summoned", "约谈", "Officials summoned"),
    ("board.o.accountable", "问责", "Officials held accountable"),
    (
        "board.rates_note",
        "办结率＝办结（含阶段性办结）÷受理（不含已合并的重复件）；按期办结率＝在办理时限内上报结果的办结件÷办结件；超期＝在办件已过当前环节期限（已发催办通知）。",
        "Closure rate: closed or stage-closed over received (repeats merged away left out). On-time rate: concluded cases whose result was reported within the limit, over concluded cases. Overdue: past the current stage's deadline (chase notice sent).",
    ),
    ("board.by_category", "污染类型", "By category"),
    (
        "board.by_category_note",
        "一件涉及多个类型时分别计入；深色为已办结。",
        "A case of several categories counts under each; the darker part is concluded.",
    ),
    ("board.by_batch", "各批次案件", "Cases per batch"),
    ("board.by_day", "每日受理", "Cases per day"),
    ("board.by_month", "每月受理", "Cases per month"),
    ("board.no_batch", "批次外", "No batch"),
    (
        "board.rank_overdue",
        "超期件排名（牵头单位）",
        "Lead units by overdue cases",
    ),
    (
        "board.rank_ontime",
        "按期办结率排名（牵头单位）",
        "Lead units by on-time closure",
    ),
    ("board.unit", "单位", "Unit"),
    ("board.rank_empty", "暂无", "None"),
    (
        "board.rank_note",
        "排名按牵头单位统计；尚未交办的案件没有牵头单位，不计入排名，因此排名合计可能小于上方总数。",
        "Rankings count cases by lead unit; cases not dispatched yet have none and are left out, so the rankings may add up to less than the totals above.",
    ),
    ("unit.cases", "件", " cases"),
    ("unit.enterprises", "家", " enterprises"),
    ("unit.cases_filed", "起", " cases"),
    ("unit.persons", "人", " officials"),
    // public disclosure (信息公开)
    (
        "public.title",
        "环境信访件办理情况公开",
        "Handling of environmental complaints: disclosure",
    ),
    (
        "public.index_intro",
        "以下批次已公开经核实的办理情况。公开内容不含举报人个人信息。",
        "These batches have their handling published. No personal data of complainants is shown.",
    ),
    (
        "public.batch_title",
        "第{n}批交办件办理情况",
        "Batch {n}: how the cases were handled",
    ),
    (
        "public.none",
        "暂无公开的批次。",
        "No batch has been published yet.",
    ),
    ("public.published", "已公开", "published"),
    ("public.of_total", "件，本批共", "of"),
    (
        "public.totals",
        "本批次共受理{total}件，办结（含阶段性办结）{concluded}件；责令整改{rect}家，立案处罚{pen}起，罚款{fines}，立案侦查{crim}起，约谈{summ}人，问责{acct}人。",
        "This batch: {total} cases received, {concluded} closed or stage-closed; {rect} enterprises ordered to rectify, {pen} penalty cases, fines {fines}, {crim} criminal investigations, {summ} officials summoned, {acct} held accountable.",
    ),
    ("public.col.number", "序号", "No."),
    ("public.col.reference", "交办编号", "Transfer number"),
    ("public.col.division", "行政区域", "Division"),
    ("public.col.category", "污染类型", "Pollution type"),
    ("public.col.verification", "调查核实情况", "Verification"),
    (
        "public.col.handling",
        "处理和整改情况",
        "Handling and rectification",
    ),
    ("public.col.accountability", "问责情况", "Accountability"),
    ("public.print", "打印", "Print"),
    ("public.csv", "下载 CSV", "Download CSV"),
    ("public.xlsx", "下载 Excel", "Download Excel"),
    ("public.back", "全部批次", "All batches"),
    ("public.as_of", "数据截至", "As of"),
    ("case.publishable", "已同意公开", "Cleared for publication"),
    (
        "action.publish_hint",
        "同意后，本件的核实和处理情况将出现在本批次的公开页面（不含举报人信息）。",
        "Once cleared, the finding and handling of this case appear on the batch's public page (without the complainant).",
    ),
];

/// Looks `key` up for `lang`; `None` if the key is not in [`STRINGS`].
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    STRINGS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, zh, en)| match lang {
            Lang::ZhCn => zh,
            Lang::En => en,
        })
}

/// Reactive language handle, provided as context by [`provide_i18n`]. `Copy`, so it
/// can be moved into any number of closures.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Current language (tracked: re-runs the enclosing closure on change).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// Current language, without tracking (for event handlers).
    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// Sets the language; persisted and applied to `<html lang>` by an effect.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// Switches between Chinese and English.
    pub fn toggle(&self) {
        self.lang.update(|l| *l = l.toggled());
    }

    /// The UI string for `key` in the current language (tracked). Falls back to the
    /// key itself, so a missing entry is visible rather than blank.
    pub fn t(&self, key: &'static str) -> &'static str {
        match lookup(self.lang.get(), key) {
            Some(s) => s,
            None => {
                leptos::logging::warn!("i18n: missing key {key:?}");
                key
            }
        }
    }

    /// The UI string for a key built at run time (tracked), if the table has it.
    pub fn try_t(&self, key: &str) -> Option<&'static str> {
        lookup(self.lang.get(), key)
    }

    /// An error from the server for people: the table's `err.<code>` text when there
    /// is one (tracked), the server's own message otherwise.
    pub fn error(&self, e: &duban_api::ApiError) -> String {
        self.try_t(&format!("err.{}", e.code))
            .map_or_else(|| e.message.clone(), str::to_owned)
    }

    /// The underlying signal, for components that need it directly.
    pub fn signal(&self) -> RwSignal<Lang> {
        self.lang
    }
}

/// Reads the stored language (default `ZhCn`), provides an [`I18n`] context and keeps
/// `localStorage` and `<html lang>` in step with it. Call once, at the root.
pub fn provide_i18n() -> I18n {
    let initial = LocalStorage::get::<String>(STORAGE_KEY)
        .ok()
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default();
    let i18n = I18n {
        lang: RwSignal::new(initial),
    };
    provide_context(i18n);

    Effect::new(move |_| {
        let lang = i18n.lang.get();
        if let Err(e) = LocalStorage::set(STORAGE_KEY, lang.code()) {
            leptos::logging::warn!("i18n: cannot persist language: {e}");
        }
        if let Some(root) = document().document_element() {
            // `lang` lets the browser pick CJK fonts and line breaking correctly.
            let _ = root.set_attribute("lang", lang.code());
        }
        if let Some(title) = lookup(lang, "app.title") {
            document().set_title(title);
        }
    });

    i18n
}

/// The [`I18n`] context. Panics if [`provide_i18n`] was not called above.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_strings_non_empty() {
        let mut seen = HashSet::new();
        for &(key, zh, en) in STRINGS {
            assert!(seen.insert(key), "duplicate i18n key {key}");
            assert!(!zh.trim().is_empty(), "empty zh-CN string for {key}");
            assert!(!en.trim().is_empty(), "empty en string for {key}");
        }
    }

    #[test]
    fn lang_codes_round_trip() {
        for lang in [Lang::ZhCn, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.toggled().toggled(), lang);
        }
        assert_eq!(Lang::from_code("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::default(), Lang::ZhCn);
    }

    #[test]
    fn lookup_picks_language() {
        assert_eq!(lookup(Lang::ZhCn, "nav.cases"), Some("信访件"));
        assert_eq!(lookup(Lang::En, "nav.cases"), Some("Cases"));
        assert_eq!(lookup(Lang::En, "no.such.key"), None);
    }
}
