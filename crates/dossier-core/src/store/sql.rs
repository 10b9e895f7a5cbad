//! A small SQL builder: text is only ever `&'static str` fragments, every value is a bound
//! argument with a `$n` placeholder (which SQLite and PostgreSQL both accept). User input can
//! therefore never become SQL text. It replaces a general query builder: our dynamic queries
//! are lists with optional filters, and this keeps them readable and the crate graph small.

use sqlx::{
    Arguments, FromRow,
    postgres::{PgArguments, PgRow},
    sqlite::{SqliteArguments, SqliteRow},
};
use uuid::Uuid;

use super::{Db, Ex, Tx};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    I64(Option<i64>),
    I32(Option<i32>),
    I16(Option<i16>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Uuid(Option<Uuid>),
    Bool(Option<bool>),
}

macro_rules! arg_from {
    ($t:ty, $v:ident) => {
        impl From<$t> for Arg {
            fn from(x: $t) -> Self {
                Arg::$v(Some(x.into()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(x: Option<$t>) -> Self {
                Arg::$v(x.map(Into::into))
            }
        }
    };
}
arg_from!(i64, I64);
arg_from!(i32, I32);
arg_from!(i16, I16);
arg_from!(String, Text);
arg_from!(&str, Text);
arg_from!(Vec<u8>, Bytes);
arg_from!(Uuid, Uuid);
arg_from!(bool, Bool);

impl From<&String> for Arg {
    fn from(x: &String) -> Self {
        Arg::Text(Some(x.clone()))
    }
}
impl From<Option<&String>> for Arg {
    fn from(x: Option<&String>) -> Self {
        Arg::Text(x.cloned())
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Plan with the actual argument values every time (no cached statement).
    one_off: bool,
}

fn bind_err(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("cannot bind a query argument: {e}"))
}

impl Sql {
    pub fn new(text: &'static str) -> Self {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
            one_off: false,
        }
    }
    /// Test-only: the same query behind a prefix such as `EXPLAIN `.
    #[cfg(test)]
    pub fn prefixed(&self, prefix: &str) -> Sql {
        Sql {
            text: format!("{prefix}{}", self.text),
            args: self.args.clone(),
            one_off: self.one_off,
        }
    }
    /// Plans the query with its actual arguments on every run instead of caching a prepared
    /// statement: for predicates whose cost depends on the value (a text pattern), PostgreSQL's
    /// generic plan of a cached statement can be far worse than a plan for the real value.
    pub fn one_off(&mut self) -> &mut Self {
        self.one_off = true;
        self
    }
    /// Appends SQL text.
    pub fn push(&mut self, text: &'static str) -> &mut Self {
        self.text.push_str(text);
        self
    }
    /// Appends a placeholder bound to `v`.
    pub fn bind(&mut self, v: impl Into<Arg>) -> &mut Self {
        self.args.push(v.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }
    /// Appends ` LIMIT n` with `n` written into the text, not bound: SQLite (3.47 on) plans
    /// with the value of a bound LIMIT, which makes the cached statement expire on every
    /// rebind: each run was parsed and planned again (16% of a case list's CPU time).
    pub fn limit(&mut self, n: i64) -> &mut Self {
        self.text.push_str(" LIMIT ");
        self.text.push_str(&n.max(0).to_string());
        self
    }
    /// Appends ` OFFSET n`, written into the text for the same reason as [`Sql::limit`].
    pub fn offset(&mut self, n: i64) -> &mut Self {
        self.text.push_str(" OFFSET ");
        self.text.push_str(&n.max(0).to_string());
        self
    }
    /// Adds an argument for a `$n` already written in the text.
    pub fn arg(mut self, v: impl Into<Arg>) -> Self {
        self.args.push(v.into());
        self
    }
    /// Appends `($a, $b, …)`.
    pub fn bind_list<T: Into<Arg>>(&mut self, items: impl IntoIterator<Item = T>) -> &mut Self {
        self.text.push('(');
        for (i, v) in items.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }
    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }
    #[cfg(test)]
    pub fn arg_count(&self) -> usize {
        self.args.len()
    }

    /// The text SQLite runs. A statement with many arguments whose `$n` run 1, 2, 3… in order
    /// (the multi-row inserts) is sent with anonymous `?` placeholders: SQLite looks up a
    /// named parameter by walking a list, and the driver asks for every parameter's name, so
    /// with `$n` binding costs grow with the square of the count (87% of a 1,000-alert batch
    /// ingest went there).
    fn sqlite_text(&self) -> String {
        if self.args.len() < 32 {
            return self.text.clone();
        }
        anonymous_placeholders(&self.text, self.args.len()).unwrap_or_else(|| self.text.clone())
    }

    fn sqlite_args(&self) -> Result<SqliteArguments> {
        let mut a = SqliteArguments::default();
        for v in &self.args {
            match v.clone() {
                Arg::I64(x) => a.add(x),
                Arg::I32(x) => a.add(x),
                Arg::I16(x) => a.add(x),
                Arg::Text(x) => a.add(x),
                Arg::Bytes(x) => a.add(x),
                Arg::Uuid(x) => a.add(x),
                Arg::Bool(x) => a.add(x),
            }
            .map_err(bind_err)?;
        }
        Ok(a)
    }

    fn pg_args(&self) -> Result<PgArguments> {
        let mut a = PgArguments::default();
        for v in &self.args {
            match v.clone() {
                Arg::I64(x) => a.add(x),
                Arg::I32(x) => a.add(x),
                Arg::I16(x) => a.add(x),
                Arg::Text(x) => a.add(x),
                Arg::Bytes(x) => a.add(x),
                Arg::Uuid(x) => a.add(x),
                Arg::Bool(x) => a.add(x),
            }
            .map_err(bind_err)?;
        }
        Ok(a)
    }

    pub async fn fetch_all<'a, 'c: 'a, R>(&self, ex: impl Into<Ex<'a, 'c>>) -> Result<Vec<R>>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let text = sqlx::AssertSqlSafe(self.text.clone());
        let lite = || sqlx::AssertSqlSafe(self.sqlite_text());
        Ok(match ex.into() {
            Ex::Db(Db::Sqlite(s)) => {
                sqlx::query_as_with(lite(), self.sqlite_args()?)
                    .persistent(!self.one_off)
                    .fetch_all(&s.read)
                    .await?
            }
            Ex::Db(Db::Postgres(p)) => {
                sqlx::query_as_with(text, self.pg_args()?)
                    .persistent(!self.one_off)
                    .fetch_all(p)
                    .await?
            }
            Ex::Tx(Tx::Sqlite(c)) => {
                sqlx::query_as_with(lite(), self.sqlite_args()?)
                    .persistent(!self.one_off)
                    .fetch_all(&mut **c)
                    .await?
            }
            Ex::Tx(Tx::Postgres(c)) => {
                sqlx::query_as_with(text, self.pg_args()?)
                    .persistent(!self.one_off)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_optional<'a, 'c: 'a, R>(&self, ex: impl Into<Ex<'a, 'c>>) -> Result<Option<R>>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let text = sqlx::AssertSqlSafe(self.text.clone());
        let lite = || sqlx::AssertSqlSafe(self.sqlite_text());
        Ok(match ex.into() {
            Ex::Db(Db::Sqlite(s)) => {
                sqlx::query_as_with(lite(), self.sqlite_args()?)
                    .persistent(!self.one_off)
                    .fetch_optional(&s.read)
                    .await?
            }
            Ex::Db(Db::Postgres(p)) => {
                sqlx::query_as_with(text, self.pg_args()?)
                    .persistent(!self.one_off)
                    .fetch_optional(p)
                    .await?
            }
            Ex::Tx(Tx::Sqlite(c)) => {
                sqlx::query_as_with(lite(), self.sqlite_args()?)
                    .persistent(!self.one_off)
                    .fetch_optional(&mut **c)
                    .await?
            }
            Ex::Tx(Tx::Postgres(c)) => {
                sqlx::query_as_with(text, self.pg_args()?)
                    .persistent(!self.one_off)
                    .fetch_optional(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_one<'a, 'c: 'a, R>(&self, ex: impl Into<Ex<'a, 'c>>) -> Result<R>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        self.fetch_optional(ex)
            .await?
            .ok_or_else(|| Error::internal("a query that must return a row returned none"))
    }

    /// Runs a statement in a write transaction; returns the rows affected.
    pub async fn execute(&self, tx: &mut Tx<'_>) -> Result<u64> {
        Ok(match tx {
            Tx::Sqlite(c) => sqlx::query_with(sqlx::AssertSqlSafe(self.sqlite_text()), self.sqlite_args()?)
                .persistent(!self.one_off)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Tx::Postgres(c) => sqlx::query_with(sqlx::AssertSqlSafe(self.text.clone()), self.pg_args()?)
                .persistent(!self.one_off)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }
}

/// `text` with `$1 … $n` replaced by `?`, if they occur exactly once each, in order, outside
/// quoted literals; `None` otherwise (the text then keeps its numbered placeholders).
fn anonymous_placeholders(text: &str, n: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut expected = 1usize;
    let mut i = 0;
    let mut copied = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'$' if !quoted => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                if end > start {
                    let k: usize = text[start..end].parse().ok()?;
                    if k != expected {
                        return None;
                    }
                    expected += 1;
                    out.push_str(&text[copied..i]);
                    out.push('?');
                    copied = end;
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    (expected == n + 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_placeholders_become_anonymous() {
        assert_eq!(
            anonymous_placeholders("INSERT INTO t VALUES ($1, $2), ($3, 'a$9')", 3).as_deref(),
            Some("INSERT INTO t VALUES (?, ?), (?, 'a$9')")
        );
        // Reused, out of order or missing numbers keep the numbered form.
        assert_eq!(anonymous_placeholders("SELECT $1, $1", 1), None);
        assert_eq!(anonymous_placeholders("SELECT $2, $1", 2), None);
        assert_eq!(anonymous_placeholders("SELECT $1", 2), None);
        let mut q = Sql::new("INSERT INTO t (a) VALUES ");
        for i in 0..40i64 {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(i).push(")");
        }
        assert!(q.sqlite_text().starts_with("INSERT INTO t (a) VALUES (?), (?)"));
        assert!(!q.sqlite_text().contains('$'));
        let small = Sql::new("SELECT $1").arg(1i64);
        assert_eq!(small.sqlite_text(), "SELECT $1");
    }

    #[test]
    fn numbers_placeholders_in_order() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE a = ");
        q.bind(5i64)
            .push(" AND b IN ")
            .bind_list(["x", "y"])
            .push(" AND c = ")
            .bind(Some(true));
        assert_eq!(q.text(), "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3) AND c = $4");
        assert_eq!(q.arg_count(), 4);
        assert_eq!(q.args[1], Arg::Text(Some("x".into())));
    }
}
