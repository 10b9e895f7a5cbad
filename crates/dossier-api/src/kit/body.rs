//! Lenient request bodies: a JSON object whatever the content type, integers given as numbers
//! or numeric strings, booleans as `true`/`"yes"`/`1`, numbers taken as text. Older API
//! clients (IRIS, Python scripts) send all of these.
//!
//! The readers return a [`Problem`] that says what was wrong; each dialect turns it into its own
//! message and error shape (IRIS: marshmallow's `Missing data for required field.` etc.).

use serde_json::{Map, Value};

/// Why a body could not be read as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Valid JSON that is not an object.
    NotAnObject,
    /// Not JSON; the parser's explanation.
    Invalid(String),
}

/// A body as a JSON object; an empty or all-blank body is `{}`.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(e) => Err(BodyError::Invalid(e.to_string())),
    }
}

/// The kind of value a reader expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    String,
    Integer,
    List,
    Boolean,
    Object,
}

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A required field is absent.
    Missing,
    /// A required field is `null`.
    Null(Expected),
    /// The value is not of the expected kind (for a list, an item may be the culprit:
    /// `Wrong(Integer)`; a scalar that is not a list is `Wrong(List)`).
    Wrong(Expected),
}

/// A number or a numeric string as an integer; a float with no fraction is accepted.
/// Out of the signed 64-bit range is `None`.
pub fn lenient_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A boolean, `0`/non-zero, or `"true"/"false"`, `"y"/"n"`, `"yes"/"no"`, `"1"/"0"`,
/// `"on"/"off"` (any case; `""` is false).
pub fn lenient_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "1" | "on" => Some(true),
            "false" | "n" | "no" | "0" | "off" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Typed, lenient reads of a body's fields.
pub trait Lenient {
    fn field(&self, name: &str) -> Option<&Value>;

    /// A required string (no coercion).
    fn req_str(&self, name: &str) -> Result<String, Problem> {
        match self.field(name) {
            None => Err(Problem::Missing),
            Some(Value::Null) => Err(Problem::Null(Expected::String)),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(Problem::Wrong(Expected::String)),
        }
    }

    /// An optional string: absent or null → `None`; numbers and booleans are taken as text.
    fn opt_str(&self, name: &str) -> Result<Option<String>, Problem> {
        match self.field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(Problem::Wrong(Expected::String)),
        }
    }

    /// A required integer (number or numeric string).
    fn req_int(&self, name: &str) -> Result<i64, Problem> {
        match self.field(name) {
            None => Err(Problem::Missing),
            Some(Value::Null) => Err(Problem::Null(Expected::Integer)),
            Some(v) => lenient_int(v).ok_or(Problem::Wrong(Expected::Integer)),
        }
    }

    /// An optional integer: absent, null or blank → `None`.
    fn opt_int(&self, name: &str) -> Result<Option<i64>, Problem> {
        match self.field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(v) => lenient_int(v).map(Some).ok_or(Problem::Wrong(Expected::Integer)),
        }
    }

    /// A list of integers; absent or null → empty; a single integer → a list of one.
    fn int_list(&self, name: &str) -> Result<Vec<i64>, Problem> {
        match self.field(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| lenient_int(v).ok_or(Problem::Wrong(Expected::Integer)))
                .collect(),
            Some(v) => lenient_int(v).map(|n| vec![n]).ok_or(Problem::Wrong(Expected::List)),
        }
    }

    /// An optional boolean ([`lenient_bool`]).
    fn opt_bool(&self, name: &str) -> Result<Option<bool>, Problem> {
        match self.field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => lenient_bool(v).map(Some).ok_or(Problem::Wrong(Expected::Boolean)),
        }
    }

    /// An optional JSON object.
    fn opt_object(&self, name: &str) -> Result<Option<Map<String, Value>>, Problem> {
        match self.field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(Problem::Wrong(Expected::Object)),
        }
    }
}

impl Lenient for Map<String, Value> {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_and_booleans_are_lenient() {
        assert_eq!(lenient_int(&json!(3)), Some(3));
        assert_eq!(lenient_int(&json!("9")), Some(9));
        assert_eq!(lenient_int(&json!(" 12 ")), Some(12));
        assert_eq!(lenient_int(&json!(2.0)), Some(2));
        assert_eq!(lenient_int(&json!(2.5)), None);
        assert_eq!(lenient_int(&json!("x")), None);
        assert_eq!(lenient_int(&json!(true)), None);
        assert_eq!(lenient_bool(&json!("Yes")), Some(true));
        assert_eq!(lenient_bool(&json!("")), Some(false));
        assert_eq!(lenient_bool(&json!(0)), Some(false));
        assert_eq!(lenient_bool(&json!("maybe")), None);
    }

    #[test]
    fn fields_report_what_is_wrong() {
        let m = parse_object(br#"{"a": "1", "b": null, "c": "", "d": [1, "2"], "e": "no", "f": [1, "x"], "g": 7}"#)
            .unwrap_or_default();
        assert_eq!(m.req_int("a"), Ok(1));
        assert_eq!(m.req_int("b"), Err(Problem::Null(Expected::Integer)));
        assert_eq!(m.req_int("zz"), Err(Problem::Missing));
        assert_eq!(m.opt_int("c"), Ok(None));
        assert_eq!(m.int_list("d"), Ok(vec![1, 2]));
        assert_eq!(m.int_list("f"), Err(Problem::Wrong(Expected::Integer)));
        assert_eq!(m.int_list("e"), Err(Problem::Wrong(Expected::List)));
        assert_eq!(m.opt_bool("e"), Ok(Some(false)));
        assert_eq!(m.opt_str("g"), Ok(Some("7".into())));
        assert_eq!(m.req_str("g"), Err(Problem::Wrong(Expected::String)));
        assert_eq!(m.opt_object("d"), Err(Problem::Wrong(Expected::Object)));
        assert_eq!(parse_object(b"[1]"), Err(BodyError::NotAnObject));
        assert!(matches!(parse_object(b"{"), Err(BodyError::Invalid(_))));
        assert_eq!(parse_object(b" \n"), Ok(Map::new()));
    }
}
