//! A database that cannot be reached or written at start: a quick non-zero exit with one
//! clear line on stderr, no panic, no backtrace.

use std::time::{Duration, Instant};

use crate::harness::*;

/// The process's stderr is one line starting `dossier: ` that mentions each of `words`.
#[track_caller]
fn assert_one_clear_line(stderr: &str, words: &[&str]) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{stderr}");
    let line = lines[0];
    assert!(line.starts_with("dossier: "), "{line}");
    for w in words {
        assert!(
            line.to_lowercase().contains(&w.to_lowercase()),
            "stderr line does not mention {w:?}: {line}"
        );
    }
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "stack"] {
        assert!(!stderr.contains(bad), "stderr has {bad:?}:\n{stderr}");
    }
}

/// Runs the command; it must exit non-zero within `limit` and not listen.
async fn fails_fast(args: &[&str], limit: Duration) -> (String, Duration) {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let started = Instant::now();
    let mut p = Proc::spawn(&args, &[("RUST_BACKTRACE", "1")], None);
    let status = p.wait_timeout(limit + Duration::from_secs(20)).await;
    let took = started.elapsed();
    let Some(status) = status else {
        panic!("dossier {args:?} still running after {took:?}\n{}", p.dump());
    };
    assert!(!status.success(), "dossier {args:?} exited 0\n{}", p.dump());
    assert!(took <= limit, "dossier {args:?} took {took:?} to fail\n{}", p.dump());
    assert!(!p.stdout().contains("listening"), "{}", p.dump());
    (p.stderr(), took)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_postgres_at_start() {
    const URL: &str = "postgres://postgres@127.0.0.1:1/x";
    // Concurrently: each waits for the pool's acquire timeout.
    let runs: Vec<_> = [
        &["serve", "--listen", "127.0.0.1:0", "--database-url", URL][..],
        &["migrate", "--database-url", URL][..],
        &["user", "list", "--database-url", URL][..],
    ]
    .into_iter()
    .map(|cmd| {
        tokio::spawn(async move {
            let (stderr, took) = fails_fast(cmd, Duration::from_secs(15)).await;
            assert_one_clear_line(&stderr, &["PostgreSQL", "connect"]);
            say(format!(
                "{}: failed in {:.1} s: {}",
                cmd[0],
                took.as_secs_f64(),
                stderr.trim()
            ));
        })
    })
    .collect();
    for r in runs {
        if let Err(e) = r.await {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unwritable_sqlite_at_start() {
    let dir = std::env::temp_dir().join(format!("dossier-bt-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(dir.join("a-directory")).expect("scratch");
    std::fs::write(dir.join("a-file"), b"not a directory").expect("scratch");
    struct Cleanup(std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let _ = std::fs::set_permissions(self.0.join("read-only"), std::fs::Permissions::from_mode(0o755));
            }
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(dir.clone());
    let d = |p: &str| dir.join(p).display().to_string();

    let mut cases: Vec<(Vec<String>, String)> = vec![
        // The data directory is a regular file.
        (vec!["--data-dir".into(), d("a-file")], d("a-file")),
        // A parent of the database file is a regular file.
        (
            vec!["--database-url".into(), format!("sqlite://{}", d("a-file/sub/x.db"))],
            d("a-file"),
        ),
        // The database file is a directory.
        (
            vec!["--database-url".into(), format!("sqlite://{}", d("a-directory"))],
            d("a-directory"),
        ),
    ];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let ro = dir.join("read-only");
        std::fs::create_dir_all(&ro).expect("scratch");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        if std::fs::write(ro.join("probe"), b"x").is_ok() {
            say("SKIPPED: read-only directory case (running with privileges that ignore modes)");
        } else {
            cases.push((vec!["--data-dir".into(), d("read-only")], d("read-only")));
        }
    }
    for (db_args, mentions) in cases {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend(db_args.iter().map(String::as_str));
        let (stderr, _) = fails_fast(&args, Duration::from_secs(15)).await;
        assert_one_clear_line(&stderr, &[mentions.as_str()]);
        say(format!("{db_args:?}: {}", stderr.trim()));
    }
}
