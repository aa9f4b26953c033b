//! What fills the `{params}` of the API's paths: one type per kind of thing named, its
//! field named like the placeholder.

use serde::{Deserialize, Serialize};

use crate::endpoint::params;

/// Declares a path key: a struct of one field, documented in the OpenAPI document as a
/// path parameter.
macro_rules! key {
    ($(#[$doc:meta])* $name:ident { $(#[$field_doc:meta])* $field:ident: $ty:ty }) => {
        $(#[$doc])*
        #[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Path))]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        pub struct $name {
            $(#[$field_doc])*
            pub $field: $ty,
        }
        impl $name {
            pub fn new(value: impl Into<$ty>) -> $name {
                $name { $field: value.into() }
            }
        }
        params!($name);
    };
}

key!(
    /// A case (`/cases/{id}`).
    CaseKey {
        /// Case id (UUID)
        id: String
    }
);
key!(
    /// A stored attachment.
    AttachmentKey {
        /// Attachment id
        id: String
    }
);
key!(
    /// A referral.
    ReferralKey {
        /// Referral id
        id: String
    }
);
key!(
    /// An incident.
    IncidentKey {
        /// Incident id
        id: String
    }
);
key!(
    /// An account.
    UserKey {
        /// User id
        id: String
    }
);
key!(
    /// A unit.
    UnitKey {
        /// Unit id
        id: String
    }
);
key!(
    /// A connected system.
    ApiClientKey {
        /// API client id
        id: String
    }
);
key!(
    /// An SLA rule set.
    RuleSetKey {
        /// Rule set id
        id: String
    }
);
key!(
    /// A 12345 work order, by the platform's number.
    OrderKey {
        /// The platform's work order number
        order_no: String
    }
);
key!(
    /// A calendar year.
    YearKey {
        /// 2000 to 2199
        year: i32
    }
);
key!(
    /// A transfer batch of the public disclosure.
    BatchKey {
        /// The batch number
        batch: u32
    }
);
