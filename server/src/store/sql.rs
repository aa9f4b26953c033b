//! The SQL both databases run, written once over [`Db`].
//!
//! sqlx's generic API needs a bound per value type and per executor at every generic
//! function (`String: Encode<'_, DB> + Type<DB>`, `for<'c> &'c mut DB::Connection:
//! Executor<'c>` …), and Rust does not carry such where-clauses along with a trait. So
//! they are stated once, on the blanket `impl Db for DB`, and the store reaches the
//! database through [`Sql`], [`Cols`] and [`On`], which only ask for `DB: Db`. The few
//! types the schema uses (text, 64-bit integers, reals, blobs, each nullable) are all it
//! binds and reads.

use std::borrow::Cow;

use sqlx::query::Query;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Postgres, Row as _,
    SqlSafeStr, Sqlite, Transaction, Type,
};

/// Which database: the few places their SQL or their upkeep differ `match` on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    /// `sqlite` or `postgres` (see [`super::Store::kind`]).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }
}

/// What differs between the two databases at the type level.
pub trait Dialect: Database {
    const KIND: Kind;
    fn rows_affected(done: &Self::QueryResult) -> u64;
}

impl Dialect for Sqlite {
    const KIND: Kind = Kind::Sqlite;
    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}

impl Dialect for Postgres {
    const KIND: Kind = Kind::Postgres;
    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// A database the store runs on: binds and reads [`Val`]s, executes on a pool or a
/// transaction. Implemented once, for every database sqlx gives these abilities.
pub trait Db: Dialect<Arguments: IntoArguments<Self>> {
    fn on_conn(c: &mut Self::Connection) -> impl Executor<'_, Database = Self>;
    fn on_pool(p: &Pool<Self>) -> impl Executor<'_, Database = Self>;
    fn bind(
        q: Query<'static, Self, Self::Arguments>,
        v: Val<'_>,
    ) -> Query<'static, Self, Self::Arguments>;
    fn text(r: &Self::Row, i: usize) -> sqlx::Result<Option<String>>;
    fn int(r: &Self::Row, i: usize) -> sqlx::Result<Option<i64>>;
    fn real(r: &Self::Row, i: usize) -> sqlx::Result<Option<f64>>;
    fn blob(r: &Self::Row, i: usize) -> sqlx::Result<Option<Vec<u8>>>;
}

impl<DB> Db for DB
where
    DB: Dialect,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> Option<&'t str>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<f64>: Encode<'t, DB> + Type<DB>,
    for<'t> &'t [u8]: Encode<'t, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB> + Type<DB>,
    for<'r> Option<i64>: Decode<'r, DB> + Type<DB>,
    for<'r> Option<f64>: Decode<'r, DB> + Type<DB>,
    for<'r> Option<Vec<u8>>: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    fn on_conn(c: &mut DB::Connection) -> impl Executor<'_, Database = DB> {
        c
    }
    fn on_pool(p: &Pool<DB>) -> impl Executor<'_, Database = DB> {
        p
    }
    fn bind(q: Query<'static, DB, DB::Arguments>, v: Val<'_>) -> Query<'static, DB, DB::Arguments> {
        match v {
            Val::Text(s) => q.bind(s.as_deref()),
            Val::Int(i) => q.bind(i),
            Val::Real(x) => q.bind(x),
            Val::Blob(b) => q.bind(b),
        }
    }
    fn text(r: &DB::Row, i: usize) -> sqlx::Result<Option<String>> {
        r.try_get(i)
    }
    fn int(r: &DB::Row, i: usize) -> sqlx::Result<Option<i64>> {
        r.try_get(i)
    }
    fn real(r: &DB::Row, i: usize) -> sqlx::Result<Option<f64>> {
        r.try_get(i)
    }
    fn blob(r: &DB::Row, i: usize) -> sqlx::Result<Option<Vec<u8>>> {
        r.try_get(i)
    }
}

/// A value to bind. A `None` keeps its type: PostgreSQL wants typed NULLs.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Text(Option<Cow<'a, str>>),
    Int(Option<i64>),
    Real(Option<f64>),
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Self {
        Val::Text(Some(Cow::Borrowed(s)))
    }
}
impl<'a> From<&'a String> for Val<'a> {
    fn from(s: &'a String) -> Self {
        Val::Text(Some(Cow::Borrowed(s)))
    }
}
impl From<String> for Val<'_> {
    fn from(s: String) -> Self {
        Val::Text(Some(Cow::Owned(s)))
    }
}
impl<'a> From<Option<&'a str>> for Val<'a> {
    fn from(s: Option<&'a str>) -> Self {
        Val::Text(s.map(Cow::Borrowed))
    }
}
impl<'a> From<&'a Option<String>> for Val<'a> {
    fn from(s: &'a Option<String>) -> Self {
        Val::Text(s.as_deref().map(Cow::Borrowed))
    }
}
impl From<Option<String>> for Val<'_> {
    fn from(s: Option<String>) -> Self {
        Val::Text(s.map(Cow::Owned))
    }
}
impl From<i64> for Val<'_> {
    fn from(i: i64) -> Self {
        Val::Int(Some(i))
    }
}
impl From<Option<i64>> for Val<'_> {
    fn from(i: Option<i64>) -> Self {
        Val::Int(i)
    }
}
impl From<Option<f64>> for Val<'_> {
    fn from(x: Option<f64>) -> Self {
        Val::Real(x)
    }
}
impl<'a> From<&'a [u8]> for Val<'a> {
    fn from(b: &'a [u8]) -> Self {
        Val::Blob(b)
    }
}
impl<'a> From<&'a Arg> for Val<'a> {
    fn from(a: &'a Arg) -> Self {
        match a {
            Arg::Text(s) => s.into(),
            Arg::Int(i) => (*i).into(),
        }
    }
}

/// A text or integer argument of a WHERE clause built at run time, in placeholder order.
#[derive(Debug)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// Where a statement runs: on the pool (a connection of its own) or in a transaction.
pub enum On<'c, DB: Database> {
    Pool(&'c Pool<DB>),
    Tx(&'c mut Transaction<'static, DB>),
}

impl<'c, DB: Database> From<&'c Pool<DB>> for On<'c, DB> {
    fn from(p: &'c Pool<DB>) -> Self {
        On::Pool(p)
    }
}

impl<'c, DB: Database> From<&'c mut Transaction<'static, DB>> for On<'c, DB> {
    fn from(t: &'c mut Transaction<'static, DB>) -> Self {
        On::Tx(t)
    }
}

/// A statement with its arguments, as [`sqlx::query`] makes, for any [`Db`].
pub struct Sql<DB: Database> {
    q: Query<'static, DB, DB::Arguments>,
}

/// A statement to bind and run.
pub fn sql<DB: Database>(text: impl SqlSafeStr) -> Sql<DB> {
    Sql {
        q: sqlx::query(text),
    }
}

impl<DB: Db> Sql<DB> {
    pub fn bind<'a>(self, v: impl Into<Val<'a>>) -> Self {
        Sql {
            q: DB::bind(self.q, v.into()),
        }
    }

    /// Bind a run-time WHERE clause's arguments, in order.
    pub fn bind_args(mut self, args: &[Arg]) -> Self {
        for a in args {
            self = self.bind(a);
        }
        self
    }

    /// Run; how many rows it changed.
    pub async fn execute(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<u64> {
        let done = match on.into() {
            On::Pool(p) => self.q.execute(DB::on_pool(p)).await?,
            On::Tx(t) => self.q.execute(DB::on_conn(t)).await?,
        };
        Ok(DB::rows_affected(&done))
    }

    pub async fn fetch_all(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<Vec<Cols<DB>>> {
        let rows = match on.into() {
            On::Pool(p) => self.q.fetch_all(DB::on_pool(p)).await?,
            On::Tx(t) => self.q.fetch_all(DB::on_conn(t)).await?,
        };
        Ok(rows.into_iter().map(Cols).collect())
    }

    pub async fn fetch_optional(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<Option<Cols<DB>>> {
        let row = match on.into() {
            On::Pool(p) => self.q.fetch_optional(DB::on_pool(p)).await?,
            On::Tx(t) => self.q.fetch_optional(DB::on_conn(t)).await?,
        };
        Ok(row.map(Cols))
    }

    pub async fn fetch_one(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<Cols<DB>> {
        let row = match on.into() {
            On::Pool(p) => self.q.fetch_one(DB::on_pool(p)).await?,
            On::Tx(t) => self.q.fetch_one(DB::on_conn(t)).await?,
        };
        Ok(Cols(row))
    }

    /// The first column of every row.
    pub async fn scalars<T: Col>(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<Vec<T>> {
        self.fetch_all(on).await?.iter().map(|r| r.get(0)).collect()
    }

    /// The first column of the row, if there is one.
    pub async fn scalar_optional<T: Col>(
        self,
        on: impl Into<On<'_, DB>>,
    ) -> sqlx::Result<Option<T>> {
        self.fetch_optional(on).await?.map(|r| r.get(0)).transpose()
    }

    /// The first column of the one row.
    pub async fn scalar<T: Col>(self, on: impl Into<On<'_, DB>>) -> sqlx::Result<T> {
        self.fetch_one(on).await?.get(0)
    }
}

/// A row read, its columns by position.
pub struct Cols<DB: Database>(DB::Row);

impl<DB: Db> Cols<DB> {
    pub fn get<T: Col>(&self, i: usize) -> sqlx::Result<T> {
        T::read::<DB>(&self.0, i)
    }
}

/// A Rust type a column is read as.
pub trait Col: Sized {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self>;
}

/// A NULL where the column's type does not take one, as sqlx reports it.
fn not_null<T>(v: Option<T>, index: usize) -> sqlx::Result<T> {
    v.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: Box::new(sqlx::error::UnexpectedNullError),
    })
}

impl Col for Option<String> {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        DB::text(r, i)
    }
}
impl Col for String {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        not_null(DB::text(r, i)?, i)
    }
}
impl Col for Option<i64> {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        DB::int(r, i)
    }
}
impl Col for i64 {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        not_null(DB::int(r, i)?, i)
    }
}
impl Col for Option<f64> {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        DB::real(r, i)
    }
}
impl Col for Option<Vec<u8>> {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        DB::blob(r, i)
    }
}
impl Col for Vec<u8> {
    fn read<DB: Db>(r: &DB::Row, i: usize) -> sqlx::Result<Self> {
        not_null(DB::blob(r, i)?, i)
    }
}

/// ` WHERE a AND b` with each `?` numbered `$1`, `$2` … in order; empty for no parts.
pub fn numbered_where(parts: &[String]) -> String {
    if parts.is_empty() {
        return String::new();
    }
    let mut sql = String::from(" WHERE ");
    let mut n = 0;
    for ch in parts.join(" AND ").chars() {
        if ch == '?' {
            n += 1;
            sql.push_str(&format!("${n}"));
        } else {
            sql.push(ch);
        }
    }
    sql
}

/// A LIKE pattern matching `s` literally (with `ESCAPE '\'`).
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `$from, $from+1, …` for `n` placeholders.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
