//! Connected systems (`/admin/api-clients`).

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
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
];
