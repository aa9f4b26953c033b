//! Error codes (`err.<code>`) of the case and administration calls.

use crate::Entry;

pub(crate) const STRINGS: &[Entry] = &[
    // error codes (`err.<code>`), shown instead of the server's message when known
    (
        "err.rate.limited",
        "请求过于频繁，请 {wait} 秒后再试",
        "Too many requests; try again in {wait} s",
    ),
    ("err.rule.required", "必填", "Required"),
    (
        "err.rule.id_duplicate",
        "规则编号“{id}”重复",
        "Rule id “{id}” is used twice",
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
        "单位“{unit}”不存在",
        "Unit “{unit}” does not exist",
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
    (
        "err.rules.too_many",
        "规则最多{max}条",
        "At most {max} rules",
    ),
    (
        "err.import.sender_ref.imported",
        "该交办编号已在其他批次导入，案件编号 {reference}：请核对，或排除此行",
        "This transfer number was imported in another batch as {reference}: check it, or exclude the row",
    ),
    (
        "err.import.already_imported",
        "该批次的此交办编号已导入，案件编号 {reference}",
        "This transfer number of the batch was imported as {reference}",
    ),
    (
        "err.import.edits.invalid",
        "修改内容格式不正确，请重新校验",
        "The edits are malformed; check the file again",
    ),
    (
        "err.import.edit.line_unknown",
        "文件中没有第{line}行，请重新校验后再修改",
        "The file has no line {line}; check it again before editing",
    ),
    (
        "err.import.exclude.reason_required",
        "排除第{line}行须填写原因",
        "Excluding line {line} needs a reason",
    ),
    (
        "err.import.exclude.reason_too_long",
        "排除第{line}行的原因超过{max}字",
        "The reason for excluding line {line} exceeds {max} characters",
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
        "批次号应在{min}至{max}之间",
        "The batch number lies between {min} and {max}",
    ),
    (
        "err.query.invalid",
        "查询参数无效",
        "Invalid query parameters",
    ),
    // worded for both readers: the browser's outbox and a client of the API
    (
        "err.idempotency.answer_lost",
        "该提交已办理，但服务器中断导致答复丢失；请刷新查看结果，勿重复提交",
        "This submission was carried out, but its answer was lost when the server stopped; reload to see it rather than sending it again",
    ),
    (
        "err.idempotency.in_progress",
        "同一提交（Idempotency-Key）仍在处理中，请稍后重试",
        "The same submission (Idempotency-Key) is still being processed; try again shortly",
    ),
    (
        "err.idempotency.key_invalid",
        "提交标识（Idempotency-Key）无效：须为1至255个可见 ASCII 字符",
        "The submission key (Idempotency-Key) is invalid: it has 1 to 255 visible ASCII characters",
    ),
    (
        "err.idempotency.key_reused",
        "提交标识（Idempotency-Key）已用于另一份不同的提交",
        "The submission key (Idempotency-Key) was used for a different submission",
    ),
    (
        "err.version.conflict",
        "已被他人更新，本次未作任何修改：请查看最新内容后重试",
        "It changed meanwhile and nothing was changed: review the latest and try again",
    ),
    (
        "err.note.too_long",
        "说明最多{max}个字，当前{actual}个字",
        "The note allows at most {max} characters (now {actual})",
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
        "密码太短，至少12个字符",
        "The password is too short: at least 12 characters",
    ),
    (
        "err.password.common",
        "密码过于常见或容易猜到（常用密码、与用户名相同或单一重复字符），请换一个",
        "This password is too common or easy to guess (a common password, the username, or one repeated character); choose another",
    ),
    (
        "err.session.idle",
        "长时间未操作，已自动退出，请重新登录",
        "You were signed out after a period of inactivity; sign in again",
    ),
    (
        "err.session.not_found",
        "该会话不存在或已结束",
        "No such session, or it has ended",
    ),
    ("err.role.unknown", "未知的角色", "Unknown role"),
    ("err.unit.unknown", "单位不存在", "No such unit"),
    ("err.reason.required", "请填写原因", "A reason is required"),
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
    // found in the browser
    (
        "err.primary.invalid",
        "案件标识无效",
        "Enter a valid case id",
    ),
];
