//! Storage checks on both backends: the two schemas are logically identical, and the list
//! queries use indexes (no full scan, no sort) for every whitelisted sort key.

use std::collections::BTreeMap;

use dossier_testkit::PgDatabase;

use super::{Backend, Db, DbOptions, DbTarget, Tx, alert, case, migrate, sql::Sql};
use crate::model::CaseSort;

pub(super) async fn open_sqlite() -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("dossier-core-test-{}", uuid::Uuid::now_v7().simple()));
    let opts = DbOptions {
        target: DbTarget::SqliteFile(dir.join("t.db")),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    };
    let db = Db::open(&opts).await.expect("open sqlite");
    migrate::run(&db).await.expect("migrate sqlite");
    (db, dir)
}

/// A fresh, migrated PostgreSQL database (the workspace's one helper, `dossier-testkit`);
/// `None` when PostgreSQL is not configured outside CI.
pub(super) async fn open_pg() -> Option<(Db, PgDatabase)> {
    let pg = PgDatabase::create("storage test").await?;
    let opts = DbOptions {
        target: DbTarget::Postgres(pg.url.clone()),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    };
    let db = Db::open(&opts).await.expect("open pg");
    migrate::run(&db).await.expect("migrate pg");
    Some((db, pg))
}

#[derive(Debug, PartialEq, Eq, Clone)]
struct Column {
    name: String,
    kind: String,
    not_null: bool,
    default: Option<String>,
}

#[derive(Debug, PartialEq, Eq, Clone)]
struct Index {
    table: String,
    unique: bool,
    partial: bool,
    columns: Vec<String>,
}

#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, Vec<Column>>,
    indexes: BTreeMap<String, Index>,
}

fn norm_default(d: Option<String>) -> Option<String> {
    let d = d?;
    if d.starts_with("nextval(") {
        return None;
    }
    let d = d
        .split("::")
        .next()
        .unwrap_or(&d)
        .trim()
        .trim_matches('\'')
        .to_lowercase();
    Some(d)
}

async fn sqlite_schema(db: &Db) -> Schema {
    let mut s = Schema::default();
    let tables: Vec<(String,)> = Sql::new(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE 'search_docs_fts%' AND name NOT LIKE 'search_docs_tri%' ORDER BY name",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    for (t,) in tables {
        let mut q = Sql::new("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(");
        q.bind(t.clone()).push(") ORDER BY cid");
        let cols: Vec<(String, String, i64, Option<String>, i64)> = q.fetch_all(db).await.expect("columns");
        let cols = cols
            .into_iter()
            .map(|(name, ty, notnull, dflt, pk)| {
                let kind = match (ty.to_uppercase().as_str(), pk) {
                    ("INTEGER", 1) => "int64",
                    ("BIGINT", _) => "int64",
                    ("INTEGER", _) => "int32",
                    ("SMALLINT", _) => "int16",
                    ("TEXT", _) => "text",
                    ("BOOLEAN", _) => "bool",
                    ("BLOB", _) => "bytes",
                    _ => "other",
                }
                .to_owned();
                Column {
                    name,
                    kind,
                    not_null: notnull == 1 || pk > 0,
                    default: norm_default(dflt),
                }
            })
            .collect();
        let mut qi = Sql::new("SELECT name, \"unique\", partial FROM pragma_index_list(");
        qi.bind(t.clone()).push(")");
        let idx: Vec<(String, i64, i64)> = qi.fetch_all(db).await.expect("indexes");
        for (name, unique, partial) in idx {
            if name.starts_with("sqlite_autoindex_") {
                continue;
            }
            let mut qc = Sql::new("SELECT name FROM pragma_index_info(");
            qc.bind(name.clone()).push(") ORDER BY seqno");
            let cols: Vec<(Option<String>,)> = qc.fetch_all(db).await.expect("index columns");
            let columns = cols
                .into_iter()
                .map(|(c,)| c.unwrap_or_else(|| "<expr>".into()))
                .collect();
            s.indexes.insert(
                name,
                Index {
                    table: t.clone(),
                    unique: unique == 1,
                    partial: partial == 1,
                    columns,
                },
            );
        }
        s.tables.insert(t, cols);
    }
    s
}

async fn pg_schema(db: &Db) -> Schema {
    let mut s = Schema::default();
    let cols: Vec<(String, String, String, String, Option<String>, String)> = Sql::new(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text, is_identity::text \
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(db)
    .await
    .expect("columns");
    for (t, name, ty, nullable, dflt, _identity) in cols {
        let kind = match ty.as_str() {
            "bigint" => "int64",
            "integer" => "int32",
            "smallint" => "int16",
            "text" => "text",
            "boolean" => "bool",
            "uuid" | "bytea" => "bytes",
            _ => "other",
        }
        .to_owned();
        s.tables.entry(t).or_default().push(Column {
            name,
            kind,
            not_null: nullable == "NO",
            default: norm_default(dflt),
        });
    }
    let idx: Vec<(String, String, bool, bool, String)> = Sql::new(
        "SELECT i.relname::text, t.relname::text, ix.indisunique, ix.indpred IS NOT NULL, \
         array_to_string(ARRAY(SELECT COALESCE(a.attname::text, '<expr>') FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord) \
           LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord), ',') \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'",
    )
    .fetch_all(db)
    .await
    .expect("indexes");
    for (name, table, unique, partial, columns) in idx {
        if name.ends_with("_pkey") || name.starts_with("pgx_") {
            continue;
        }
        let columns = columns.split(',').map(str::to_owned).collect();
        s.indexes.insert(
            name,
            Index {
                table,
                unique,
                partial,
                columns,
            },
        );
    }
    s
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_are_identical() {
    let (lite, dir) = open_sqlite().await;
    let a = sqlite_schema(&lite).await;
    assert!(
        a.tables.len() >= 57,
        "the whole model is migrated ({} tables)",
        a.tables.len()
    );
    assert!(
        a.tables.contains_key("cases")
            && a.tables.contains_key("timeline_events")
            && a.tables.contains_key("evidences")
    );
    let Some((pg, _guard)) = open_pg().await else {
        let _ = std::fs::remove_dir_all(dir);
        return;
    };
    let b = pg_schema(&pg).await;
    let names_a: Vec<_> = a.tables.keys().collect();
    let names_b: Vec<_> = b.tables.keys().collect();
    assert_eq!(names_a, names_b, "same tables");
    for (t, cols) in &a.tables {
        assert_eq!(
            Some(cols),
            b.tables.get(t),
            "columns of {t} differ (SQLite left, PostgreSQL right)"
        );
    }
    let idx_a: Vec<_> = a.indexes.keys().collect();
    let idx_b: Vec<_> = b.indexes.keys().collect();
    assert_eq!(idx_a, idx_b, "same index names");
    for (name, i) in &a.indexes {
        assert_eq!(
            Some(i),
            b.indexes.get(name),
            "index {name} differs (SQLite left, PostgreSQL right)"
        );
    }
    lite.close().await;
    pg.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// The query plan as text lines (PostgreSQL: with sequential scans and sorts disabled, so the
/// plan shows whether an index path exists).
pub(super) async fn plan(db: &Db, sql: &Sql) -> Vec<String> {
    match db.backend() {
        Backend::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> = sql
                .prefixed("EXPLAIN QUERY PLAN ")
                .fetch_all(db)
                .await
                .expect("explain");
            rows.into_iter().map(|r| r.3).collect()
        }
        Backend::Postgres => {
            let sql = sql.prefixed("EXPLAIN ");
            db.write(move |tx: &mut Tx<'_>| {
                let sql = sql.clone();
                Box::pin(async move {
                    // Tables are empty: make the planner show whether an index path exists.
                    tx.script("SET LOCAL enable_seqscan = off").await?;
                    tx.script("SET LOCAL enable_sort = off").await?;
                    let rows: Vec<(String,)> = sql.fetch_all(&mut *tx).await?;
                    Ok(rows.into_iter().map(|r| r.0).collect())
                })
            })
            .await
            .expect("explain")
        }
    }
}

/// Like [`plan`], but on PostgreSQL with plain index and bitmap scans disabled too: the plan
/// shows an `Index Only Scan` exactly when an index covers the query (on empty tables the
/// planner would otherwise pick either).
pub(super) async fn plan_index_only(db: &Db, sql: &Sql) -> Vec<String> {
    match db.backend() {
        Backend::Sqlite => plan(db, sql).await,
        Backend::Postgres => {
            let sql = sql.prefixed("EXPLAIN ");
            db.write(move |tx: &mut Tx<'_>| {
                let sql = sql.clone();
                Box::pin(async move {
                    tx.script("SET LOCAL enable_seqscan = off").await?;
                    tx.script("SET LOCAL enable_sort = off").await?;
                    tx.script("SET LOCAL enable_indexscan = off").await?;
                    tx.script("SET LOCAL enable_bitmapscan = off").await?;
                    let rows: Vec<(String,)> = sql.fetch_all(&mut *tx).await?;
                    Ok(rows.into_iter().map(|r| r.0).collect())
                })
            })
            .await
            .expect("explain")
        }
    }
}

fn assert_indexed(backend: Backend, table_alias: &str, what: &str, lines: &[String]) {
    let text = lines.join("\n");
    match backend {
        Backend::Sqlite => {
            assert!(!text.contains("TEMP B-TREE"), "{what}: sorts in a temp b-tree:\n{text}");
            for l in lines {
                let scan_of_table = l.starts_with(&format!("SCAN {table_alias}")) && !l.contains("USING");
                assert!(!scan_of_table, "{what}: full scan of {table_alias}:\n{text}");
            }
        }
        Backend::Postgres => {
            assert!(
                !text.contains("Seq Scan on cases") && !text.contains("Seq Scan on alerts"),
                "{what}: full scan:\n{text}"
            );
            assert!(
                !text.contains("Sort  (") && !text.contains("->  Sort"),
                "{what}: sorts:\n{text}"
            );
        }
    }
}

/// A case filter of an actor who reads every case (the default filter reads none).
fn open_filter() -> case::ListFilter {
    case::ListFilter {
        access: super::access::Scope::Uniform(super::access::FULL_ACCESS),
        ..Default::default()
    }
}

async fn explain_lists(db: &Db) {
    let b = db.backend();
    let f = open_filter();
    for sort in [
        CaseSort::CreatedAt,
        CaseSort::UpdatedAt,
        CaseSort::Number,
        CaseSort::Severity,
        CaseSort::Priority,
        CaseSort::Status,
    ] {
        for desc in [true, false] {
            for after in [false, true] {
                let sql = case::list_sql(b, &f, sort, desc, after);
                let what = format!("case list sort {sort:?} desc={desc} after={after}");
                assert_indexed(b, "c", &what, &plan(db, &sql).await);
            }
        }
    }
    // A user whose access varies per case: the rule runs per row, the walk stays on the index.
    let per_case = case::ListFilter {
        access: super::access::Scope::PerCase {
            user: 1,
            follow: Some(super::access::READ_ONLY),
            default: super::access::FULL_ACCESS,
        },
        ..Default::default()
    };
    for sort in [CaseSort::CreatedAt, CaseSort::Number] {
        let sql = case::list_sql(b, &per_case, sort, true, true);
        assert_indexed(
            b,
            "c",
            &format!("cases with per-case access, {sort:?}"),
            &plan(db, &sql).await,
        );
    }
    let by_status = case::ListFilter {
        status: vec![2],
        ..open_filter()
    };
    assert_indexed(
        b,
        "c",
        "cases by one status",
        &plan(db, &case::list_sql(b, &by_status, CaseSort::CreatedAt, true, true)).await,
    );
    let by_sev = case::ListFilter {
        severity: vec![4],
        ..open_filter()
    };
    assert_indexed(
        b,
        "c",
        "cases by one severity",
        &plan(db, &case::list_sql(b, &by_sev, CaseSort::CreatedAt, true, false)).await,
    );
    let text = case::ListFilter {
        q: Some("evil.example.com".into()),
        ..open_filter()
    };
    let lines = plan(db, &case::list_sql(b, &text, CaseSort::CreatedAt, true, false)).await;
    assert_indexed(b, "c", "cases by text", &lines);
    // The search predicate on its own goes through the text indexes.
    let mut q = Sql::new("SELECT c.id FROM cases c WHERE c.workspace_id = 1");
    super::search::push_contains(&mut q, b, 1, "case", "c.id", "host-42.corp");
    let joined = plan(db, &q).await.join("\n");
    match b {
        Backend::Sqlite => assert!(
            joined.contains("search_docs_tri VIRTUAL TABLE INDEX"),
            "text search uses FTS5:\n{joined}"
        ),
        Backend::Postgres => {
            let mut d = Sql::new("SELECT d.object_id FROM search_docs d WHERE d.workspace_id = 1");
            d.push(" AND (d.title || ' ' || d.body) ILIKE ")
                .bind("%host-42.corp%")
                .push(" ESCAPE '\\'");
            let joined = plan(db, &d).await.join("\n");
            assert!(
                joined.contains("pgx_search_docs_trgm"),
                "text search uses the trigram index:\n{joined}"
            );
        }
    }
    // Search: a range of ids is matched through the text indexes (or walked by primary key
    // on PostgreSQL), never the whole table; only the range's matches are sorted.
    let kinds = ["alert", "case", "note", "observable"];
    for (lo, what) in [(90_000, "search, newest range"), (0, "search, open range")] {
        let sql = super::search::search_sql(
            b,
            1,
            &super::access::Scope::Uniform(super::access::FULL_ACCESS),
            "host-42.corp",
            &kinds,
            lo,
            100_001,
            51,
        );
        let lines = plan(db, &sql).await;
        let joined = lines.join("\n");
        match b {
            Backend::Sqlite => {
                assert!(
                    joined.contains("search_docs_tri VIRTUAL TABLE INDEX"),
                    "{what}: uses FTS5:\n{joined}"
                );
                assert!(
                    joined.contains("SEARCH d USING INTEGER PRIMARY KEY"),
                    "{what}: documents are looked up by the matches' ids:\n{joined}"
                );
            }
            Backend::Postgres => {
                assert!(
                    !joined.contains("Seq Scan on search_docs"),
                    "{what}: scans search_docs:\n{joined}"
                );
                let index = if lo == 0 {
                    "pgx_search_docs_trgm"
                } else {
                    "search_docs_pkey"
                };
                assert!(joined.contains(index), "{what}: goes through {index}:\n{joined}");
            }
        }
    }
    for after in [false, true] {
        let sql = alert::list_sql(b, &alert::ListFilter::default(), after);
        assert_indexed(b, "a", &format!("alert list after={after}"), &plan(db, &sql).await);
    }
    let by_status = alert::ListFilter {
        status: vec![1],
        ..Default::default()
    };
    assert_indexed(
        b,
        "a",
        "alerts by one status",
        &plan(db, &alert::list_sql(b, &by_status, false)).await,
    );
    // The signal filters of the native list (migration 0007) walk their own index.
    let signal = [
        alert::ListFilter {
            subject_email: Some("j.doe@example.com".into()),
            ..Default::default()
        },
        alert::ListFilter {
            signal_type: Some("core_iam".into()),
            ..Default::default()
        },
        alert::ListFilter {
            platform_event_id: Some("DUO-1".into()),
            ..Default::default()
        },
        alert::ListFilter {
            flagged: Some(true),
            ..Default::default()
        },
        alert::ListFilter {
            safe: Some(false),
            ..Default::default()
        },
    ];
    for (i, f) in signal.iter().enumerate() {
        for after in [false, true] {
            assert_indexed(
                b,
                "a",
                &format!("alerts by signal filter {i} after={after}"),
                &plan(db, &alert::list_sql(b, f, after)).await,
            );
        }
    }
    // IRIS's alerts/filter: offset pages by alert number, both directions.
    for ascending in [false, true] {
        let sql = alert::query_ids_sql(1, &alert::QueryFilter::default(), ascending, 100, 50);
        assert_indexed(
            b,
            "a",
            &format!("IRIS alert page ascending={ascending}"),
            &plan(db, &sql).await,
        );
    }
}

#[tokio::test]
async fn list_queries_use_indexes_on_sqlite() {
    let (db, dir) = open_sqlite().await;
    explain_lists(&db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn list_queries_use_indexes_on_postgres() {
    let Some((db, _guard)) = open_pg().await else {
        return;
    };
    // Realistic statistics for the text index: the planner picks trigram lookups only when it
    // knows the table is large.
    db.write(|tx: &mut Tx<'_>| {
        Box::pin(async move {
            tx.script(
                "INSERT INTO workspaces (id, uuid, name, is_default, settings, created_at, updated_at) \
                 VALUES (1, gen_random_uuid(), 'w', TRUE, '{}', 0, 0); \
                 INSERT INTO search_docs (workspace_id, kind, object_id, title, body, updated_at) \
                 SELECT 1, 'case', g, 'case ' || g, md5(g::text) || ' host-' || g || '.corp.example', 0 FROM generate_series(1, 100000) g; \
                 ANALYZE search_docs",
            )
            .await
        })
    })
    .await
    .expect("seed search docs");
    explain_lists(&db).await;
    db.close().await;
}

/// 150,000 documents of which four hold a rare word: three of workspace 1 spread over the
/// three id ranges search walks (ids 149,000, 140,000 and 3) and one of workspace 2.
const SEARCH_SEED_SQLITE: &str = "\
    INSERT INTO workspaces (id, uuid, name, is_default, settings, created_at, updated_at) \
      VALUES (1, randomblob(16), 'w1', TRUE, '{}', 0, 0), (2, randomblob(16), 'w2', FALSE, '{}', 0, 0); \
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 150000) \
    INSERT INTO search_docs (id, workspace_id, kind, object_id, title, body, updated_at) \
      SELECT n, CASE WHEN n = 149500 THEN 2 ELSE 1 END, 'observable', n, 'doc ' || n, \
        CASE WHEN n IN (3, 140000, 149000, 149500) THEN 'seen quuxotic-beacon here' ELSE 'filler text ' || n END, n FROM g; \
    INSERT INTO observables (id, uuid, workspace_id, type_id, value, value_sha, first_seen_at, last_seen_at, created_at, updated_at) \
      SELECT n, randomblob(16), CASE WHEN n = 149500 THEN 2 ELSE 1 END, (SELECT MIN(id) FROM observable_types), \
        'v' || n, randomblob(32), 0, 0, 0, 0 FROM (SELECT 3 AS n UNION ALL SELECT 140000 UNION ALL SELECT 149000 UNION ALL SELECT 149500); \
    INSERT INTO search_docs_tri (search_docs_tri) VALUES ('rebuild'); \
    INSERT INTO search_docs_fts (search_docs_fts) VALUES ('rebuild')";

const SEARCH_SEED_PG: &str = "\
    INSERT INTO workspaces (id, uuid, name, is_default, settings, created_at, updated_at) \
      VALUES (1, gen_random_uuid(), 'w1', TRUE, '{}', 0, 0), (2, gen_random_uuid(), 'w2', FALSE, '{}', 0, 0); \
    INSERT INTO search_docs (id, workspace_id, kind, object_id, title, body, updated_at) \
      SELECT n, CASE WHEN n = 149500 THEN 2 ELSE 1 END, 'observable', n, 'doc ' || n, \
        CASE WHEN n IN (3, 140000, 149000, 149500) THEN 'seen quuxotic-beacon here' ELSE 'filler text ' || n END, n \
      FROM generate_series(1, 150000) n; \
    INSERT INTO observables (id, uuid, workspace_id, type_id, value, value_sha, first_seen_at, last_seen_at, created_at, updated_at) \
      SELECT n, gen_random_uuid(), CASE WHEN n = 149500 THEN 2 ELSE 1 END, (SELECT MIN(id) FROM observable_types), \
        'v' || n, sha256(('v' || n)::bytea), 0, 0, 0, 0 FROM unnest(ARRAY[3, 140000, 149000, 149500]) n; \
    ANALYZE search_docs";

async fn search_walks_ranges(db: &Db) {
    let b = db.backend();
    db.write(move |tx: &mut Tx<'_>| {
        Box::pin(async move {
            tx.script(if b == Backend::Sqlite {
                SEARCH_SEED_SQLITE
            } else {
                SEARCH_SEED_PG
            })
            .await
        })
    })
    .await
    .expect("seed search docs");
    let ids = |rows: Vec<super::search::HitRow>| rows.into_iter().map(|r| r.doc_id).collect::<Vec<_>>();
    let kinds = ["observable"];
    let open = super::access::Scope::Uniform(super::access::FULL_ACCESS);
    let find = |before: Option<i64>, limit: u32| {
        super::search::search(db, b, 1, &open, "quuxotic-beacon", &kinds, before, limit)
    };
    // limit + 1 rows: one match from the newest range, the next from the second.
    assert_eq!(ids(find(None, 1).await.expect("search")), [149_000, 140_000]);
    // Everything: all three ranges, never workspace 2's match.
    assert_eq!(ids(find(None, 10).await.expect("search")), [149_000, 140_000, 3]);
    // After a cursor: ranges start below it.
    assert_eq!(ids(find(Some(140_000), 10).await.expect("search")), [3]);
    assert!(find(Some(3), 10).await.expect("search").is_empty());
    // Workspace 2 sees only its own.
    let other = super::search::search(db, b, 2, &open, "quuxotic", &kinds, None, 10)
        .await
        .expect("search");
    assert_eq!(ids(other), [149_500]);
}

#[tokio::test]
async fn search_walks_id_ranges_newest_first_on_sqlite() {
    let (db, dir) = open_sqlite().await;
    search_walks_ranges(&db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn search_walks_id_ranges_newest_first_on_postgres() {
    let Some((db, _guard)) = open_pg().await else {
        return;
    };
    search_walks_ranges(&db).await;
    db.close().await;
}

/// The id window of an offset page comes from an index alone (no row read, no sort), for the
/// unfiltered case and alert lists and those filtered on status, severity or state.
async fn explain_offset_windows(db: &Db) {
    let b = db.backend();
    let covering = |what: &str, lines: &[String]| {
        let text = lines.join("\n");
        match b {
            Backend::Sqlite => {
                assert!(text.contains("COVERING INDEX"), "{what}: reads rows:\n{text}");
                assert!(!text.contains("TEMP B-TREE"), "{what}: sorts:\n{text}");
            }
            Backend::Postgres => {
                assert!(text.contains("Index Only Scan"), "{what}: reads rows:\n{text}");
                assert!(!text.contains("Sort"), "{what}: sorts:\n{text}");
            }
        }
    };
    let filters = [
        ("no filter", open_filter()),
        (
            "severity",
            case::ListFilter {
                severity: vec![4],
                ..open_filter()
            },
        ),
        (
            "status",
            case::ListFilter {
                status: vec![2],
                ..open_filter()
            },
        ),
    ];
    for (name, f) in &filters {
        for desc in [true, false] {
            let sql = case::window_ids_sql(b, 1, f, CaseSort::CreatedAt, desc, 44_950, 50);
            covering(
                &format!("case window, {name}, desc={desc}"),
                &plan_index_only(db, &sql).await,
            );
        }
        assert!(f.counted().is_some(), "{name}: the counters answer its total");
    }
    let owned = case::ListFilter {
        tags: vec!["x".into()],
        ..open_filter()
    };
    assert!(owned.counted().is_none(), "a tag filter is counted from rows");
    let per_case = case::ListFilter {
        access: super::access::Scope::PerCase {
            user: 1,
            follow: None,
            default: super::access::FULL_ACCESS,
        },
        ..Default::default()
    };
    assert!(
        per_case.counted().is_none(),
        "someone whose access varies per case is counted from rows"
    );
    let alert_filters = [
        ("no filter", alert::QueryFilter::default()),
        (
            "state",
            alert::QueryFilter {
                state_id: Some(2),
                ..Default::default()
            },
        ),
        (
            "severity",
            alert::QueryFilter {
                severity: Some(4),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in &alert_filters {
        for ascending in [true, false] {
            let sql = alert::query_ids_sql(1, f, ascending, 44_950, 50);
            covering(
                &format!("alert window, {name}, ascending={ascending}"),
                &plan(db, &sql).await,
            );
        }
        assert!(f.counted().is_some(), "{name}: the counters answer its total");
    }
    // The whole window in one statement: the ids as above, then the rows by primary key.
    let by_key = |what: &str, lines: &[String], alias: &str| {
        let text = lines.join("\n");
        match b {
            Backend::Sqlite => {
                assert!(
                    text.contains(&format!("SEARCH {alias} USING INTEGER PRIMARY KEY")),
                    "{what}: rows by id:\n{text}"
                );
                assert!(text.contains("COVERING INDEX"), "{what}: ids from the index:\n{text}");
            }
            Backend::Postgres => {
                assert!(
                    !text.contains("Seq Scan on cases") && !text.contains("Seq Scan on alerts"),
                    "{what}: full scan:\n{text}"
                );
            }
        }
    };
    let sql = case::window_sql(b, 1, &open_filter(), CaseSort::CreatedAt, true, 5_000, 50);
    by_key("case window rows", &plan(db, &sql).await, "c");
    let sql = alert::query_window_sql(1, &alert::QueryFilter::default(), false, 5_000, 50);
    by_key("alert window rows", &plan(db, &sql).await, "a");
    // A total from the counters is a primary-key range of the counter table.
    let mut q = Sql::new(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM workspace_counts WHERE workspace_id = 1 AND kind = 1",
    );
    q.push(" AND severity IN (4)");
    let text = plan(db, &q).await.join("\n");
    match b {
        Backend::Sqlite => assert!(text.contains("SEARCH workspace_counts USING"), "counter sum:\n{text}"),
        Backend::Postgres => assert!(!text.contains("Seq Scan"), "counter sum:\n{text}"),
    }
}

#[tokio::test]
async fn offset_windows_read_only_the_index_on_sqlite() {
    let (db, dir) = open_sqlite().await;
    explain_offset_windows(&db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn offset_windows_read_only_the_index_on_postgres() {
    let Some((db, _guard)) = open_pg().await else {
        return;
    };
    explain_offset_windows(&db).await;
    db.close().await;
}
