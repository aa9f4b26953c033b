//! The server's own words: each refusal a person may read from the server that no domain
//! crate words, once, in Chinese and English, under a stable code. A message is named by
//! its variant, so a missing one does not compile.

use duban_case::Lang;

/// A message of the server's own, by what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Text {
    ReasonRequired,
    UsernameInvalid,
    UsernameTaken,
    PasswordTooShort,
    PasswordCommon,
    PasswordTooLong,
    PasswordInvalid,
    RoleUnknown,
    DisplayNameTooLong,
    DisplayNameInvalid,
    UserNotFound,
    UserSelfLockout,
    SessionNotFound,
    UnitUnknown,
    UnitRequired,
    UnitIdInvalid,
    UnitIdTaken,
    UnitNotFound,
    UnitNameInvalid,
    UnitKindUnknown,
    UnitParentUnknown,
    UnitParentCycle,
    DivisionUnknown,
    ApiClientName,
    ApiClientKind,
    ApiClientDuplicate,
    DispatchSelectionRequired,
    DispatchVersionConflict,
    RuleSetIdMismatch,
    RoleForbidden,
    PrimaryUnknown,
    MergeReasonRequired,
    MergeVersionConflict,
    CaseNotKey,
    SupervisorUnknown,
}

impl Text {
    /// The stable code clients and tests match on.
    pub const fn code(self) -> &'static str {
        match self {
            Text::ReasonRequired => "reason.required",
            Text::UsernameInvalid => "username.invalid",
            Text::UsernameTaken => "username.taken",
            Text::PasswordTooShort => "password.too_short",
            Text::PasswordCommon => "password.common",
            Text::PasswordTooLong => "password.too_long",
            Text::PasswordInvalid => "password.invalid",
            Text::RoleUnknown => "role.unknown",
            Text::DisplayNameTooLong => "display_name.too_long",
            Text::DisplayNameInvalid => "display_name.invalid",
            Text::UserNotFound => "user.not_found",
            Text::UserSelfLockout => "user.self_lockout",
            Text::SessionNotFound => "session.not_found",
            Text::UnitUnknown => "unit.unknown",
            Text::UnitRequired => "unit.required",
            Text::UnitIdInvalid => "unit.id_invalid",
            Text::UnitIdTaken => "unit.id_taken",
            Text::UnitNotFound => "unit.not_found",
            Text::UnitNameInvalid => "unit.name_invalid",
            Text::UnitKindUnknown => "unit.kind_unknown",
            Text::UnitParentUnknown => "unit.parent_unknown",
            Text::UnitParentCycle => "unit.parent_cycle",
            Text::DivisionUnknown => "division.unknown",
            Text::ApiClientName => "api_client.name",
            Text::ApiClientKind => "api_client.kind",
            Text::ApiClientDuplicate => "api_client.duplicate",
            Text::DispatchSelectionRequired => "dispatch.selection_required",
            Text::DispatchVersionConflict => "version.conflict",
            Text::RuleSetIdMismatch => "rule_set.id_mismatch",
            Text::RoleForbidden => "role.forbidden",
            Text::PrimaryUnknown => "primary.unknown",
            Text::MergeReasonRequired => "reason.required",
            Text::MergeVersionConflict => "version.conflict",
            Text::CaseNotKey => "case.not_key",
            Text::SupervisorUnknown => "supervisor.unknown",
        }
    }

    /// Whether it says that something named does not exist (answered 404).
    pub const fn is_not_found(self) -> bool {
        matches!(
            self,
            Text::UserNotFound | Text::SessionNotFound | Text::UnitNotFound
        )
    }

    /// The message in the reader's language.
    pub const fn message(self, lang: Lang) -> &'static str {
        let (zh, en) = self.words();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    const fn words(self) -> (&'static str, &'static str) {
        match self {
            Text::ReasonRequired => ("请填写变更原因", "Give a reason for the change"),
            Text::UsernameInvalid => (
                "用户名应为2-32位字母、数字或 . _ -",
                "A username is 2-32 letters, digits, '.', '_' or '-'",
            ),
            Text::UsernameTaken => ("该用户名已被使用", "This username is taken"),
            Text::PasswordTooShort => ("密码至少12个字符", "A password has at least 12 characters"),
            Text::PasswordCommon => (
                "密码过于常见或容易猜到（如常用密码、用户名、重复字符），请换一个",
                "This password is too common or easy to guess (a common password, the username, one repeated character); choose another",
            ),
            Text::PasswordTooLong => ("密码过长", "The password is too long"),
            Text::PasswordInvalid => ("无法设置该密码", "This password cannot be set"),
            Text::RoleUnknown => ("未知角色", "Unknown role"),
            Text::DisplayNameTooLong | Text::DisplayNameInvalid => {
                ("姓名应为1-50个字符", "A display name has 1-50 characters")
            }
            Text::UserNotFound => ("账号不存在", "No such account"),
            Text::UserSelfLockout => (
                "不能停用自己或取消自己的管理员角色",
                "You cannot disable yourself or drop your own administrator role",
            ),
            Text::SessionNotFound => ("该会话不存在或已结束", "No such session, or it has ended"),
            Text::UnitUnknown => ("单位不存在", "The unit does not exist"),
            Text::UnitRequired => ("承办人必须属于一个单位", "A handler belongs to a unit"),
            Text::UnitIdInvalid => (
                "单位代码应为2-40位小写字母、数字或 -",
                "A unit id is 2-40 lower-case letters, digits or '-'",
            ),
            Text::UnitIdTaken => ("该单位代码已存在", "This unit id is taken"),
            Text::UnitNotFound => ("单位不存在", "No such unit"),
            Text::UnitNameInvalid => ("单位名称应为2-60个字符", "A unit name has 2-60 characters"),
            Text::UnitKindUnknown => ("未知单位类型", "Unknown unit kind"),
            Text::UnitParentUnknown => ("上级单位不存在", "The parent unit does not exist"),
            Text::UnitParentCycle => (
                "上级单位不能是本单位或其下级",
                "A unit cannot sit below itself or its own sub-units",
            ),
            Text::DivisionUnknown => ("不是江苏省的行政区划代码", "Not a Jiangsu division code"),
            Text::ApiClientName => (
                "请填写系统名称（至多50字）",
                "Give the system a name (at most 50 characters)",
            ),
            Text::ApiClientKind => (
                "类型须为 hotline（12345热线）或 open311",
                "The kind is hotline (12345) or open311",
            ),
            Text::ApiClientDuplicate => ("已有同名系统", "A system of that name exists"),
            Text::DispatchSelectionRequired => (
                "请指定批次号或案件（二选一）",
                "Name a batch or cases, one of the two",
            ),
            Text::DispatchVersionConflict => (
                "有案件刚被他人更新，整批未交办，请重试",
                "A case changed meanwhile; nothing was dispatched. Try again.",
            ),
            Text::RuleSetIdMismatch => (
                "规则编号与地址不一致",
                "The rule set's id differs from the one in the path",
            ),
            Text::RoleForbidden => ("当前角色无权执行此操作", "Your role may not do this"),
            Text::PrimaryUnknown => (
                "请选择要并入的主件",
                "Choose the primary case to merge into",
            ),
            Text::MergeReasonRequired => (
                "请说明为何认定为重复件（至少2个字）",
                "Say why this is a repeat (at least 2 characters)",
            ),
            Text::MergeVersionConflict => (
                "案件已被他人更新，请刷新后重试",
                "A case changed meanwhile; reload and try again",
            ),
            Text::CaseNotKey => (
                "只有重点信访事项才跟进督办",
                "Only key cases are supervised",
            ),
            Text::SupervisorUnknown => ("督办专员账号不存在或不可用", "No such supervisor account"),
        }
    }
}
