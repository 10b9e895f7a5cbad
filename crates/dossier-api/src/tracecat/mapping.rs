//! Tracecat's enum tables. Case status, priority and severity need none: the core's canonical
//! enums are Tracecat's own (the reference's decision 9), serialized as they are.

use dossier_core::model::FieldType;

crate::enum_table!(
    /// Custom field types: L0's eight and L3's four.
    pub field_type: &'static str => FieldType {
        both {
            "TEXT" => Text, "INTEGER" => Integer, "DECIMAL" => Decimal, "NUMERIC" => Numeric,
            "BOOLEAN" => Boolean, "TIMESTAMP" => Timestamp, "TIMESTAMPTZ" => Timestamptz,
            "DATE" => Date, "JSONB" => Json, "UUID" => Uuid, "SELECT" => Select,
            "MULTI_SELECT" => MultiSelect,
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        field_type::check();
        assert_eq!(field_type::to_core("JSONB"), Some(FieldType::Json));
        assert_eq!(field_type::to_core("text"), None);
        assert_eq!(field_type::to_dialect(FieldType::Timestamptz), "TIMESTAMPTZ");
    }
}
