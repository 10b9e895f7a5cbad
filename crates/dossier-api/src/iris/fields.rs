//! IRIS request bodies: the kit's lenient reader ([`crate::kit::body`]) with IRIS's
//! (marshmallow's) messages, as `400 Data error {field: [message]}`.

use serde_json::{Map, Value};

pub use crate::kit::body::lenient_int;
use crate::kit::body::{self, BodyError, Expected, Lenient as _, Problem};

use super::wire::IrisError;

/// A request body as a JSON object (`{}` when empty), with `cid` taken out.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Map<String, Value>);

/// IRIS's message for a field problem.
fn message(p: Problem) -> &'static str {
    match p {
        Problem::Missing => "Missing data for required field.",
        Problem::Null(Expected::Integer) => "Invalid data - non null expected",
        Problem::Null(_) => "Field may not be null.",
        Problem::Wrong(Expected::String) => "Not a valid string.",
        Problem::Wrong(Expected::Integer) => "Invalid data type",
        Problem::Wrong(Expected::List) => "Not a valid list.",
        Problem::Wrong(Expected::Boolean) => "Not a valid boolean.",
        Problem::Wrong(Expected::Object) => "Not a valid mapping type.",
    }
}

fn iris<T>(name: &str, r: Result<T, Problem>) -> Result<T, IrisError> {
    r.map_err(|p| IrisError::field(name, message(p)))
}

impl Fields {
    pub fn parse(bytes: &[u8]) -> Result<Fields, IrisError> {
        match body::parse_object(bytes) {
            Ok(m) => Ok(Fields(m)),
            Err(BodyError::NotAnObject) => Err(IrisError::field("body", "Expected a JSON object")),
            Err(BodyError::Invalid(e)) => Err(IrisError::field("body", format!("Invalid JSON: {e}"))),
        }
    }

    /// The raw value of `name`, `None` when absent.
    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
    /// Whether the key is present (even as `null`).
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// A required string: absent → `Missing data for required field.`; null → `Field may not
    /// be null.`; not a string → `Not a valid string.`
    pub fn req_str(&self, name: &str) -> Result<String, IrisError> {
        iris(name, self.0.req_str(name))
    }

    /// An optional string: absent or null → `None`; numbers and booleans are taken as text.
    pub fn opt_str(&self, name: &str) -> Result<Option<String>, IrisError> {
        iris(name, self.0.opt_str(name))
    }

    /// A required integer (number or numeric string).
    pub fn req_int(&self, name: &str) -> Result<i64, IrisError> {
        iris(name, self.0.req_int(name))
    }

    /// An optional integer: absent, null or `""` → `None`.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, IrisError> {
        iris(name, self.0.opt_int(name))
    }

    /// A list of integers (numbers or numeric strings); absent or null → empty.
    pub fn int_list(&self, name: &str) -> Result<Vec<i64>, IrisError> {
        iris(name, self.0.int_list(name))
    }

    /// An optional boolean: JSON booleans, and `"true"/"false"`, `1/0`, `"y"/"n"`.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, IrisError> {
        iris(name, self.0.opt_bool(name))
    }

    /// An optional JSON object (`custom_attributes`).
    pub fn opt_object(&self, name: &str) -> Result<Option<Map<String, Value>>, IrisError> {
        iris(name, self.0.opt_object(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_messages() {
        let f =
            Fields::parse(br#"{"a": "1", "b": null, "c": "", "d": [1, "2"], "e": "no", "s": 3}"#).unwrap_or_default();
        assert_eq!(f.req_int("a").ok(), Some(1));
        assert_eq!(f.opt_int("c").ok(), Some(None));
        assert_eq!(f.int_list("d").ok(), Some(vec![1, 2]));
        assert_eq!(f.opt_bool("e").ok(), Some(Some(false)));
        fn data<T>(r: Result<T, IrisError>) -> Option<(String, serde_json::Value)> {
            r.err().map(|e| (e.message, e.data))
        }
        assert_eq!(
            data(f.req_int("b")),
            Some((
                "Data error".into(),
                serde_json::json!({"b": ["Invalid data - non null expected"]})
            ))
        );
        assert_eq!(
            data(f.req_str("zz")),
            Some((
                "Data error".into(),
                serde_json::json!({"zz": ["Missing data for required field."]})
            ))
        );
        assert_eq!(
            data(f.req_str("s")),
            Some(("Data error".into(), serde_json::json!({"s": ["Not a valid string."]})))
        );
        assert_eq!(
            data(f.int_list("e")),
            Some(("Data error".into(), serde_json::json!({"e": ["Not a valid list."]})))
        );
        assert!(Fields::parse(b"[1]").is_err());
        assert!(Fields::parse(b"").is_ok_and(|f| f.0.is_empty()));
    }
}
