//! Time is stored as epoch microseconds (UTC) everywhere.

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// Microseconds since the Unix epoch, UTC.
pub type Micros = i64;

pub fn now_us() -> Micros {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

pub fn to_datetime(us: Micros) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 with microseconds and `Z`.
pub fn rfc3339(us: Micros) -> String {
    let dt = to_datetime(us);
    let (y, mo, d) = (dt.year(), u8::from(dt.month()), dt.day());
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.microsecond()
    )
}

/// Parses RFC 3339 (any offset) into epoch microseconds.
pub fn parse_rfc3339(s: &str) -> Option<Micros> {
    let dt = OffsetDateTime::parse(s.trim(), &Rfc3339).ok()?;
    i64::try_from(dt.unix_timestamp_nanos() / 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339() {
        let us = 1_700_000_000_123_456;
        let s = rfc3339(us);
        assert_eq!(s, "2023-11-14T22:13:20.123456Z");
        assert_eq!(parse_rfc3339(&s), Some(us));
        assert_eq!(parse_rfc3339("2023-11-14T23:13:20.123456+01:00"), Some(us));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
