//! The roles of an account (DOMAIN.md), on the wire as their snake_case codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Roles of DOMAIN.md. The public has no account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员
    Admin,
    /// 省协调联络组(分办、审核)
    Coordinator,
    /// 督办专员
    Supervisor,
    /// 承办人: sees only its own unit's subtree.
    Handler,
    /// 领导: read-only dashboards.
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::Supervisor,
        Role::Handler,
        Role::Leader,
    ];

    /// The code on the wire and in storage (`coordinator`).
    pub const fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Supervisor => "supervisor",
            Role::Handler => "handler",
            Role::Leader => "leader",
        }
    }

    /// The role a code names (surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Role, ()> {
        Role::parse(s).ok_or(())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn a_role_travels_as_its_code() -> serde_json::Result<()> {
        for role in Role::ALL {
            assert_eq!(serde_json::to_value(role)?, role.code());
            assert_eq!(Role::parse(&format!(" {role} ")), Some(role));
        }
        assert_eq!(Role::parse("chief"), None);
        Ok(())
    }
}
