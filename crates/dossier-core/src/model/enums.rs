//! Canonical enums (OCSF where it has one). Stored as SMALLINT ordinals, so that `ORDER BY`
//! gives declaration order; serialized as snake_case names.

/// Declares a canonical enum with its stored ordinal and wire name.
macro_rules! canonical_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $ord:literal => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn ordinal(self) -> i16 {
                match self { $($name::$variant => $ord),+ }
            }
            pub fn from_ordinal(v: i16) -> Option<Self> {
                match v { $($ord => Some($name::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
            /// The accepted names, for error messages.
            pub fn names() -> String {
                [$($wire),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

canonical_enum!(
    /// Case and alert status (OCSF).
    Status {
        Unknown = 0 => "unknown", New = 1 => "new", InProgress = 2 => "in_progress",
        OnHold = 3 => "on_hold", Resolved = 4 => "resolved", Closed = 5 => "closed", Other = 99 => "other",
    }
);

canonical_enum!(
    /// Severity (OCSF).
    Severity {
        Unknown = 0 => "unknown", Informational = 1 => "informational", Low = 2 => "low",
        Medium = 3 => "medium", High = 4 => "high", Critical = 5 => "critical", Fatal = 6 => "fatal",
        Other = 99 => "other",
    }
);

canonical_enum!(
    /// Priority (OCSF).
    Priority {
        Unknown = 0 => "unknown", Low = 1 => "low", Medium = 2 => "medium", High = 3 => "high",
        Critical = 4 => "critical", Other = 99 => "other",
    }
);

canonical_enum!(
    /// How a case or alert was resolved.
    Resolution {
        Unknown = 0 => "unknown", FalsePositive = 1 => "false_positive",
        TruePositiveWithImpact = 2 => "true_positive_with_impact",
        TruePositiveWithoutImpact = 3 => "true_positive_without_impact",
        NotApplicable = 4 => "not_applicable", Legitimate = 5 => "legitimate", Duplicate = 6 => "duplicate",
    }
);

canonical_enum!(
    /// Traffic Light Protocol.
    Tlp { Clear = 0 => "clear", Green = 1 => "green", Amber = 2 => "amber", AmberStrict = 3 => "amber_strict", Red = 4 => "red" }
);

canonical_enum!(
    /// Permissible Actions Protocol (CaseBender's alert PAP 4 is kept as `red_plus`).
    Pap { Clear = 0 => "clear", Green = 1 => "green", Amber = 2 => "amber", Red = 3 => "red", RedPlus = 4 => "red_plus" }
);

canonical_enum!(
    /// A user's role in one workspace.
    Role { Admin = 0 => "admin", Analyst = 1 => "analyst", Viewer = 2 => "viewer" }
);

impl Status {
    /// The default state row (crosswalk §2.2) for a canonical case status.
    pub fn default_case_state(self) -> i64 {
        match self {
            Status::Unknown => 1,
            Status::New => 3,
            Status::InProgress => 2,
            Status::OnHold => 12,
            Status::Resolved => 13,
            Status::Closed => 9,
            Status::Other => 14,
        }
    }
    /// The default state row for a canonical alert status.
    pub fn default_alert_state(self) -> i64 {
        match self {
            Status::Unknown => 1,
            Status::New => 2,
            Status::InProgress => 4,
            Status::OnHold => 5,
            Status::Resolved => 10,
            Status::Closed => 6,
            Status::Other => 11,
        }
    }
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Closed)
    }
}

/// Alert state rows with fixed meaning (crosswalk §2.2).
pub mod alert_state {
    pub const MERGED: i64 = 7;
    pub const ESCALATED: i64 = 8;
}

impl Role {
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_ordinal(s.ordinal()), Some(*s));
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::from_ordinal(s.ordinal()), Some(*s));
        }
        assert_eq!(Severity::parse("bogus"), None);
        assert_eq!(Status::Other.ordinal(), 99);
        assert_eq!(
            serde_json::to_string(&Status::InProgress).ok().as_deref(),
            Some("\"in_progress\"")
        );
    }
}
