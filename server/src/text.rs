//! The server's own refusals: each one a person may read from the server that no domain
//! crate raises, under a stable code, worded by the catalogue (duban-text). A refusal is
//! named by its variant and its text by a checked key, so a missing one does not compile.

use duban_case::Lang;
use duban_text::{Key, key};

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
    /// The stable code clients and tests match on: its text's, but where one text
    /// words two codes or a code has a text for its context.
    pub fn code(self) -> &'static str {
        match self {
            Text::DisplayNameInvalid => "display_name.invalid",
            Text::MergeReasonRequired => "reason.required",
            other => other.key().code(),
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
        self.key().get(lang)
    }

    /// Its wording in the catalogue (duban-text).
    const fn key(self) -> Key {
        match self {
            Text::ReasonRequired => key!("err.reason.required"),
            Text::UsernameInvalid => key!("err.username.invalid"),
            Text::UsernameTaken => key!("err.username.taken"),
            Text::PasswordTooShort => key!("err.password.too_short"),
            Text::PasswordCommon => key!("err.password.common"),
            Text::PasswordTooLong => key!("err.password.too_long"),
            Text::PasswordInvalid => key!("err.password.invalid"),
            Text::RoleUnknown => key!("err.role.unknown"),
            Text::DisplayNameTooLong | Text::DisplayNameInvalid => {
                key!("err.display_name.too_long")
            }
            Text::UserNotFound => key!("err.user.not_found"),
            Text::UserSelfLockout => key!("err.user.self_lockout"),
            Text::SessionNotFound => key!("err.session.not_found"),
            Text::UnitUnknown => key!("err.unit.unknown"),
            Text::UnitRequired => key!("err.unit.required"),
            Text::UnitIdInvalid => key!("err.unit.id_invalid"),
            Text::UnitIdTaken => key!("err.unit.id_taken"),
            Text::UnitNotFound => key!("err.unit.not_found"),
            Text::UnitNameInvalid => key!("err.unit.name_invalid"),
            Text::UnitKindUnknown => key!("err.unit.kind_unknown"),
            Text::UnitParentUnknown => key!("err.unit.parent_unknown"),
            Text::UnitParentCycle => key!("err.unit.parent_cycle"),
            Text::DivisionUnknown => key!("err.division.unknown"),
            Text::ApiClientName => key!("err.api_client.name"),
            Text::ApiClientKind => key!("err.api_client.kind"),
            Text::ApiClientDuplicate => key!("err.api_client.duplicate"),
            Text::DispatchSelectionRequired => key!("err.dispatch.selection_required"),
            Text::DispatchVersionConflict | Text::MergeVersionConflict => {
                key!("err.version.conflict")
            }
            Text::RuleSetIdMismatch => key!("err.rule_set.id_mismatch"),
            Text::RoleForbidden => key!("err.role.forbidden"),
            Text::PrimaryUnknown => key!("err.primary.unknown"),
            Text::MergeReasonRequired => key!("srv.merge.reason_required"),
            Text::CaseNotKey => key!("err.case.not_key"),
            Text::SupervisorUnknown => key!("err.supervisor.unknown"),
        }
    }
}
