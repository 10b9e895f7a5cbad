//! IRIS's enum and id tables (crosswalk §2.3–2.4), declared with the kit's `enum_table!`.
//! Route modules translate through these; a table is never written twice.

use dossier_core::model::Severity;

crate::enum_table!(
    /// Case severity ids: 1 Unspecified … 6 Critical. `other` reads as Unspecified and
    /// `fatal` as Critical (IRIS has neither).
    pub severity: i64 => Severity {
        both { 1 => Unknown, 2 => Informational, 3 => Low, 4 => Medium, 5 => High, 6 => Critical }
        read { 1 => Other, 6 => Fatal }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        severity::check();
        assert_eq!(severity::to_core(&7), None);
        assert_eq!(severity::to_dialect(Severity::Fatal), 6);
    }
}
