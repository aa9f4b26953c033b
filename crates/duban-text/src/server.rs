//! Refusals only the server words (sign-in, accounts, units, API clients, merging, a
//! request it cannot read), by code; `srv.*` words a code for one context.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    (
        "err.username.taken",
        "该用户名已被使用",
        "This username is taken",
    ),
    (
        "err.password.too_long",
        "密码过长",
        "The password is too long",
    ),
    (
        "err.password.invalid",
        "无法设置该密码",
        "This password cannot be set",
    ),
    (
        "err.display_name.too_long",
        "姓名应为1-50个字符",
        "A display name has 1-50 characters",
    ),
    ("err.user.not_found", "账号不存在", "No such account"),
    (
        "err.user.self_lockout",
        "不能停用自己或取消自己的管理员角色",
        "You cannot disable yourself or drop your own administrator role",
    ),
    (
        "err.unit.required",
        "承办人必须属于一个单位",
        "A handler belongs to a unit",
    ),
    (
        "err.unit.id_invalid",
        "单位代码应为2-40位小写字母、数字或 -",
        "A unit id is 2-40 lower-case letters, digits or '-'",
    ),
    (
        "err.unit.id_taken",
        "该单位代码已存在",
        "This unit id is taken",
    ),
    ("err.unit.not_found", "单位不存在", "No such unit"),
    (
        "err.unit.name_invalid",
        "单位名称应为2-60个字符",
        "A unit name has 2-60 characters",
    ),
    ("err.unit.kind_unknown", "未知单位类型", "Unknown unit kind"),
    (
        "err.unit.parent_unknown",
        "上级单位不存在",
        "The parent unit does not exist",
    ),
    (
        "err.unit.parent_cycle",
        "上级单位不能是本单位或其下级",
        "A unit cannot sit below itself or its own sub-units",
    ),
    (
        "err.division.unknown",
        "不是江苏省的行政区划代码",
        "Not a Jiangsu division code",
    ),
    (
        "err.api_client.kind",
        "类型须为 hotline（12345热线）或 open311",
        "The kind is hotline (12345) or open311",
    ),
    (
        "err.api_client.duplicate",
        "已有同名系统",
        "A system of that name exists",
    ),
    (
        "err.primary.unknown",
        "请选择要并入的主件",
        "Choose the primary case to merge into",
    ),
    // `reason.required` where the reason says why a case repeats another
    (
        "srv.merge.reason_required",
        "请说明为何认定为重复件（至少2个字）",
        "Say why this is a repeat (at least 2 characters)",
    ),
    ("problem.not_found", "未找到", "Not found"),
    (
        "err.method.not_allowed",
        "不支持该请求方法",
        "Method not allowed",
    ),
    (
        "err.body.too_large",
        "请求内容过大",
        "The request body is too large",
    ),
    (
        "err.api_key.invalid",
        "API 密钥无效或已停用",
        "The API key is missing, wrong or disabled",
    ),
    (
        "err.order_no.invalid",
        "工单编号须为1至64位字母、数字或 - _ .",
        "The order number is 1 to 64 letters, digits or - _ .",
    ),
    // `transition.not_allowed` for a case of a batch that cannot be dispatched
    (
        "srv.dispatch.not_dispatchable",
        "案件当前为“{status}”，不能交办",
        "The case is {status}; it cannot be dispatched",
    ),
    // signing in and the session
    (
        "err.auth.invalid_credentials",
        "用户名或密码错误",
        "Wrong username or password",
    ),
    (
        "err.auth.throttled",
        "登录失败次数过多，请15分钟后再试",
        "Too many failed logins; try again in 15 minutes",
    ),
    (
        "err.auth.address_throttled",
        "此地址登录失败次数过多，请15分钟后再试",
        "Too many failed logins from this address; try again in 15 minutes",
    ),
    ("err.auth.required", "请先登录", "Please sign in"),
    (
        "err.csrf.invalid",
        "CSRF 校验失败，请刷新页面后重试",
        "CSRF check failed; reload the page and try again",
    ),
    // a case's command (`POST /cases/{id}/actions`)
    (
        "err.action.required",
        "请指定操作（action）",
        "Name the action",
    ),
    (
        "err.action.unknown",
        "不支持的操作：{action}",
        "Unknown action: {action}",
    ),
    // `query.invalid` naming the parameter, or the parser's detail
    (
        "srv.query.unknown_parameter",
        "不支持查询参数“{name}”",
        "Unknown query parameter “{name}”",
    ),
    (
        "srv.query.invalid_detail",
        "查询参数无效：{detail}",
        "Invalid query parameters: {detail}",
    ),
    (
        "err.body.unreadable",
        "请求体无法读取",
        "The request body cannot be read",
    ),
    (
        "err.path.invalid",
        "路径无法解析",
        "The path does not decode",
    ),
];
