//! Typed identifiers. Internal ids never cross the API boundary; users see a UUIDv7 and, where
//! a dialect shows one, the per-workspace sequence number.

use uuid::Uuid;

macro_rules! internal_id {
    ($($name:ident),+ $(,)?) => {$(
        /// Internal row id (never shown to clients).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) i64);
        impl $name {
            pub fn raw(self) -> i64 { self.0 }
        }
    )+};
}

internal_id!(WorkspaceId, UserId, CaseId, AlertId, CommentId, CredentialId, TermId);

/// How a client names an object: by its UUID or by its per-workspace number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Uuid(Uuid),
    Seq(i64),
}

impl Key {
    /// Parses a path segment: a positive integer is a number, anything else must be a UUID.
    pub fn parse(s: &str) -> Option<Key> {
        let s = s.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse::<i64>().ok().filter(|n| *n > 0).map(Key::Seq);
        }
        Uuid::parse_str(s).ok().map(Key::Uuid)
    }
}

impl From<Uuid> for Key {
    fn from(u: Uuid) -> Self {
        Key::Uuid(u)
    }
}

pub fn new_uuid() -> Uuid {
    Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys() {
        assert_eq!(Key::parse("42"), Some(Key::Seq(42)));
        assert_eq!(Key::parse("0"), None);
        assert_eq!(Key::parse("-1"), None);
        assert_eq!(Key::parse("99999999999999999999999"), None);
        let u = new_uuid();
        assert_eq!(Key::parse(&u.to_string()), Some(Key::Uuid(u)));
        assert_eq!(Key::parse("not-a-uuid"), None);
    }
}
