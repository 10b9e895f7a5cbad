//! Authentication: API keys and session tokens (looked up by SHA-256, no argon2 per request),
//! password logins (argon2id, rate limited per account and address), bootstrap.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::{
    Core,
    actor::{Actor, Via},
    error::{Error, Problems, Result},
    ids::{CredentialId, UserId, WorkspaceId},
    model::{ApiKey, NewApiKey, Role, Timestamp},
    secret,
    store::{
        self,
        activity::{Audit, Entry},
        credential::CredentialKind,
    },
    time::now_us,
};

/// What the first start on an empty database creates.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    /// The admin password; generated when absent.
    pub admin_password: Option<String>,
    /// The admin's first API key; generated when absent.
    pub api_key: Option<String>,
}

/// Printed once by the first start.
#[derive(Debug, Clone)]
pub struct BootstrapReport {
    pub workspace: String,
    pub admin_login: String,
    pub admin_password: String,
    pub api_key: String,
}

/// A successful password login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The session token (cookie value or bearer token).
    pub token: String,
    pub expires_at: i64,
    pub user_id: Uuid,
}

pub(crate) const ADMIN_LOGIN: &str = "admin";
pub(crate) const DEFAULT_WORKSPACE: &str = "Default";

/// Last-used times are written at most this often (µs).
const TOUCH_EVERY_US: i64 = 60_000_000;

/// How long a resolved credential is trusted without asking the database again. A change this
/// process makes (revoke, logout, user disabled or deleted, membership changed) applies at
/// once; one made elsewhere (another replica, the CLI) within this time.
const KEY_CACHE_TTL: Duration = Duration::from_secs(2);
/// Entries kept at most; the cache starts over when full.
const KEY_CACHE_MAX: usize = 4096;

/// Recently resolved credentials by digest, so a busy client's key is not looked up on every
/// request (the lookup was a third of a case read's statements).
#[derive(Default)]
pub(crate) struct KeyCache {
    /// Bumped by every change that can withdraw or alter a credential; older entries are void.
    epoch: AtomicU64,
    entries: Mutex<HashMap<Vec<u8>, (store::credential::AuthRow, Instant, u64)>>,
}

impl KeyCache {
    /// A live entry, with the epoch it was read in.
    fn get(&self, sha: &[u8]) -> Option<(store::credential::AuthRow, u64)> {
        let epoch = self.epoch.load(Ordering::Acquire);
        let map = self.entries.lock().ok()?;
        let (row, at, e) = map.get(sha)?;
        (*e == epoch && at.elapsed() < KEY_CACHE_TTL).then(|| (row.clone(), epoch))
    }

    /// Keeps `row`, read when the epoch was `epoch` (so a change committed meanwhile voids it).
    fn put(&self, row: store::credential::AuthRow, epoch: u64) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= KEY_CACHE_MAX {
                map.clear();
            }
            map.insert(row.secret_sha.clone(), (row, Instant::now(), epoch));
        }
    }

    /// Voids every entry; called after a committed change to credentials, users or memberships.
    pub(crate) fn invalidate(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }
}

impl Core {
    /// On an empty database: creates workspace "Default", user `admin` (server administrator)
    /// and an API key. Returns `None` when users already exist.
    pub async fn bootstrap(&self, b: Bootstrap) -> Result<Option<BootstrapReport>> {
        let password = match b.admin_password {
            Some(p) => p,
            None => secret::generate_password()?,
        };
        let key = match b.api_key {
            Some(k) if !k.trim().is_empty() => k.trim().to_owned(),
            _ => secret::generate(secret::KEY_PREFIX)?,
        };
        let hash = hash_blocking(password.clone()).await?;
        let key_sha = secret::digest(&key);
        let prefix = secret::display_prefix(&key);
        let created = self
            .db
            .write(move |tx| {
                let hash = hash.clone();
                let key_sha = key_sha.clone();
                let prefix = prefix.clone();
                Box::pin(async move {
                    if tx.backend() == store::Backend::Postgres {
                        // Replicas starting together on an empty database: one bootstraps, the
                        // others wait here and then find the users it made.
                        tx.script("SELECT pg_advisory_xact_lock(7201946102)").await?;
                    }
                    if store::user::count(&mut *tx).await? > 0 {
                        return Ok(false);
                    }
                    let now = now_us();
                    let ws = store::workspace::insert(tx, DEFAULT_WORKSPACE, Some("Created at first start"), true, now)
                        .await?;
                    let user = store::user::insert(
                        tx,
                        &store::user::NewUserRow {
                            login: ADMIN_LOGIN.into(),
                            email: "admin@localhost".into(),
                            name: "Administrator".into(),
                            password_hash: Some(hash),
                            is_superuser: true,
                            is_service_account: false,
                            default_workspace_id: Some(ws.0),
                        },
                        now,
                    )
                    .await?;
                    store::workspace::set_member(tx, ws.0, user.0, Role::Admin, now).await?;
                    store::credential::insert(
                        tx,
                        &store::credential::NewCredential {
                            user_id: user.0,
                            workspace_id: None,
                            kind: CredentialKind::ApiKey,
                            name: Some("bootstrap".into()),
                            prefix,
                            secret_sha: key_sha,
                            expires_at: None,
                        },
                        now,
                    )
                    .await?;
                    store::activity::record(
                        tx,
                        &Audit::system(ws.0),
                        now,
                        &[Entry::new("workspace", ws.0, ws.1, "bootstrap")
                            .message("first start: workspace, admin user and API key created")],
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await?;
        Ok(created.then(|| BootstrapReport {
            workspace: DEFAULT_WORKSPACE.into(),
            admin_login: ADMIN_LOGIN.into(),
            admin_password: password,
            api_key: key,
        }))
    }

    /// Resolves a presented secret (API key or session token) to an actor in a workspace:
    /// `workspace` if given (membership required), else the key's bound workspace, else the
    /// user's default workspace.
    pub async fn authenticate(&self, presented: &str, workspace: Option<Uuid>, via: Via) -> Result<Actor> {
        let sha = secret::digest(presented);
        let (mut row, epoch) = match self.keys.get(&sha) {
            Some(hit) => hit,
            None => {
                let epoch = self.keys.epoch.load(Ordering::Acquire);
                let row = store::credential::resolve(&self.db, &sha)
                    .await?
                    .ok_or(Error::Unauthenticated)?;
                self.keys.put(row.clone(), epoch);
                (row, epoch)
            }
        };
        if !secret::ct_eq(&row.secret_sha, &sha) {
            return Err(Error::Unauthenticated);
        }
        let now = now_us();
        if row.expires_at.is_some_and(|t| t <= now) {
            return Err(Error::Unauthenticated);
        }
        if row.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_US) {
            // The cached copy learns the new time too, so the next requests do not touch again.
            // It keeps the epoch it was read in: a revoke since then must not be undone here.
            row.last_used_at = Some(now);
            self.keys.put(row.clone(), epoch);
            let db = self.db.clone();
            let id = row.credential_id;
            tokio::spawn(async move {
                let r = db
                    .write(move |tx| Box::pin(async move { store::credential::touch(tx, id, now).await }))
                    .await;
                if let Err(e) = r {
                    tracing::debug!(error = %e, "could not record key use");
                }
            });
        }
        let mut actor = Actor {
            user_id: UserId(row.user_id),
            user_uuid: row.user_uuid,
            login: row.login.clone(),
            name: row.name.clone(),
            is_superuser: row.is_superuser,
            workspace_id: WorkspaceId(0),
            workspace_uuid: Uuid::nil(),
            role: Role::Viewer,
            credential_id: Some(CredentialId(row.credential_id)),
            via,
            request_id: None,
        };
        let (ws_id, ws_uuid, role) = match workspace {
            // An explicitly named workspace: membership (or server administration) required.
            Some(u) => {
                let ws = store::workspace::by_uuid(&self.db, u)
                    .await?
                    .ok_or_else(|| Error::Forbidden("no access to that workspace".into()))?;
                if row.bound_workspace_id.is_some_and(|b| b != ws.id) {
                    return Err(Error::Forbidden("this key is bound to another workspace".into()));
                }
                let role = store::workspace::role_of(&self.db, ws.id, row.user_id).await?;
                (ws.id, ws.uuid, role)
            }
            None => match (row.ws_id, row.ws_uuid, row.role.and_then(Role::from_ordinal)) {
                // The key's bound workspace, else the user's default, where they are a member.
                (Some(id), Some(uuid), Some(role)) => (id, uuid, Some(role)),
                (Some(id), Some(uuid), None) if row.bound_workspace_id.is_some() || row.is_superuser => {
                    (id, uuid, None)
                }
                // No usable default: the user's first membership.
                _ => match store::workspace::first_membership(&self.db, row.user_id).await? {
                    Some((id, uuid, role)) => (id, uuid, Role::from_ordinal(role)),
                    None => return Err(Error::Forbidden("you are not a member of any workspace".into())),
                },
            },
        };
        actor.workspace_id = WorkspaceId(ws_id);
        actor.workspace_uuid = ws_uuid;
        actor.role = match role {
            Some(r) => r,
            None if row.is_superuser => Role::Admin,
            None => return Err(Error::Forbidden("no access to that workspace".into())),
        };
        Ok(actor)
    }

    /// Password login. `address` is the client address, for rate limiting.
    pub async fn login(&self, login: &str, password: &str, address: Option<&str>) -> Result<LoginOutcome> {
        let mut p = Problems::new();
        p.text("login", login, 1, 320);
        p.text("password", password, 1, 1024);
        p.into_result()?;
        let now = now_us();
        let window = i64::try_from(self.cfg.login_window.as_micros()).unwrap_or(i64::MAX);
        let since = now - window;
        let user = store::user::by_login_or_email(&self.db, login.trim()).await?;
        // One counter per account, whichever spelling (login or email) is typed.
        let account_key = match &user {
            Some(u) => format!("account:{}", u.id),
            None => format!("account:{}", login.trim().to_lowercase()),
        };
        let address_key = address.map(|a| format!("address:{a}"));
        let retry = u64::try_from(window / 1_000_000).unwrap_or(60);
        if store::user::failures_since(&self.db, &account_key, since).await? >= self.cfg.login_max_failures_per_account
        {
            return Err(Error::RateLimited {
                retry_after_secs: retry,
            });
        }
        if let Some(k) = &address_key
            && store::user::failures_since(&self.db, k, since).await? >= self.cfg.login_max_failures_per_address
        {
            return Err(Error::RateLimited {
                retry_after_secs: retry,
            });
        }
        let hash = user
            .as_ref()
            .filter(|u| u.is_active && u.deleted_at.is_none())
            .and_then(|u| u.password_hash.clone());
        let ok = verify_blocking(password.to_owned(), hash.clone()).await && hash.is_some();
        let Some(user) = user.filter(|_| ok) else {
            let keys: Vec<String> = std::iter::once(account_key).chain(address_key).collect();
            self.db
                .write(move |tx| {
                    let keys = keys.clone();
                    Box::pin(async move {
                        for k in &keys {
                            store::user::record_failure(tx, k, now, since).await?;
                        }
                        Ok(())
                    })
                })
                .await?;
            return Err(Error::Unauthenticated);
        };
        let token = secret::generate(secret::SESSION_PREFIX)?;
        let expires_at = now + i64::try_from(self.cfg.session_ttl.as_micros()).unwrap_or(i64::MAX / 2);
        let cred = store::credential::NewCredential {
            user_id: user.id,
            workspace_id: None,
            kind: CredentialKind::LoginToken,
            name: Some("session".into()),
            prefix: secret::display_prefix(&token),
            secret_sha: secret::digest(&token),
            expires_at: Some(expires_at),
        };
        let user_id = user.id;
        self.db
            .write(move |tx| {
                let cred = cred.clone();
                Box::pin(async move {
                    store::credential::insert(tx, &cred, now).await?;
                    store::user::set_last_login(tx, user_id, now).await
                })
            })
            .await?;
        Ok(LoginOutcome {
            token,
            expires_at,
            user_id: user.uuid,
        })
    }

    /// Ends a session (or revokes the presented key).
    pub async fn logout(&self, presented: &str) -> Result<()> {
        let sha = secret::digest(presented);
        let now = now_us();
        self.db
            .write(move |tx| {
                let sha = sha.clone();
                Box::pin(async move { store::credential::revoke_by_sha(tx, &sha, now).await })
            })
            .await?;
        self.keys.invalidate();
        Ok(())
    }

    /// A new API key for the caller (or, for an admin, another user given by id).
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        user: Option<Uuid>,
        name: Option<String>,
        bind_workspace: bool,
        expires_at: Option<i64>,
    ) -> Result<NewApiKey> {
        let mut p = Problems::new();
        p.opt_text("name", name.as_deref(), 100);
        if expires_at.is_some_and(|t| t <= now_us()) {
            p.push("expires_at", "invalid", "expires_at must be in the future");
        }
        p.into_result()?;
        let (owner, bind_workspace) = match user {
            Some(u) if u != actor.user_uuid => {
                actor.require_admin()?;
                let row = store::user::by_uuid(&self.db, u)
                    .await?
                    .ok_or(Error::not_found("user"))?;
                if actor.is_superuser {
                    (row.id, bind_workspace)
                } else {
                    if store::workspace::role_of(&self.db, actor.workspace_id.0, row.id)
                        .await?
                        .is_none()
                    {
                        return Err(Error::not_found("user"));
                    }
                    // A workspace admin's keys for others act in that workspace only.
                    (row.id, true)
                }
            }
            _ => (actor.user_id.0, bind_workspace),
        };
        let key = secret::generate(secret::KEY_PREFIX)?;
        let cred = store::credential::NewCredential {
            user_id: owner,
            workspace_id: bind_workspace.then_some(actor.workspace_id.0),
            kind: CredentialKind::ApiKey,
            name,
            prefix: secret::display_prefix(&key),
            secret_sha: secret::digest(&key),
            expires_at,
        };
        let audit = Audit::of(actor);
        let row = self
            .db
            .write(move |tx| {
                let cred = cred.clone();
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    let (id, uuid) = store::credential::insert(tx, &cred, now).await?;
                    store::activity::record(tx, &audit, now, &[Entry::new("api_key", id, uuid, "create")]).await?;
                    store::credential::by_id(&mut *tx, id).await
                })
            })
            .await?;
        Ok(NewApiKey {
            key: api_key_view(row),
            secret: key,
        })
    }

    /// API keys (never their secrets) of the caller, or of another user for an admin.
    pub async fn list_api_keys(&self, actor: &Actor, user: Option<Uuid>) -> Result<Vec<ApiKey>> {
        let owner = match user {
            Some(u) if u != actor.user_uuid => {
                actor.require_admin()?;
                let row = store::user::by_uuid(&self.db, u)
                    .await?
                    .ok_or(Error::not_found("user"))?;
                if !actor.is_superuser
                    && store::workspace::role_of(&self.db, actor.workspace_id.0, row.id)
                        .await?
                        .is_none()
                {
                    return Err(Error::not_found("user"));
                }
                row.id
            }
            _ => actor.user_id.0,
        };
        let only_bound = owner != actor.user_id.0 && !actor.is_superuser;
        Ok(store::credential::list_keys(&self.db, owner)
            .await?
            .into_iter()
            .filter(|k| !only_bound || k.workspace_uuid == Some(actor.workspace_uuid))
            .map(api_key_view)
            .collect())
    }

    /// Revokes one of the caller's keys (an admin may revoke any key of a workspace member).
    pub async fn revoke_api_key(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let row = store::credential::by_uuid(&self.db, id)
            .await?
            .ok_or(Error::not_found("API key"))?;
        if row.user_id != actor.user_id.0 && !actor.is_superuser {
            // A workspace admin reaches only the keys bound to their workspace.
            actor.require_admin()?;
            if row.workspace_uuid != Some(actor.workspace_uuid) {
                return Err(Error::not_found("API key"));
            }
        }
        let audit = Audit::of(actor);
        let (id, uuid) = (row.id, row.uuid);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let now = now_us();
                    store::credential::revoke(tx, id, now).await?;
                    store::activity::record(tx, &audit, now, &[Entry::new("api_key", id, uuid, "revoke")]).await
                })
            })
            .await?;
        self.keys.invalidate();
        Ok(())
    }
}

fn api_key_view(r: store::credential::CredentialRow) -> ApiKey {
    ApiKey {
        id: r.uuid,
        name: r.name,
        prefix: r.prefix,
        workspace_id: r.workspace_uuid,
        created_at: Timestamp(r.created_at),
        last_used_at: r.last_used_at.map(Timestamp),
        expires_at: r.expires_at.map(Timestamp),
        revoked_at: r.revoked_at.map(Timestamp),
    }
}

/// argon2 is deliberately slow: keep it off the async workers.
pub(crate) async fn hash_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || secret::hash_password(&password))
        .await
        .map_err(Error::internal)?
}

async fn verify_blocking(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let h = hash.as_deref().unwrap_or_else(|| secret::dummy_hash());
        secret::verify_password(&password, h)
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod key_cache_tests {
    use super::*;

    fn row(sha: &[u8]) -> store::credential::AuthRow {
        store::credential::AuthRow {
            credential_id: 1,
            secret_sha: sha.to_vec(),
            bound_workspace_id: None,
            expires_at: None,
            last_used_at: None,
            user_id: 1,
            user_uuid: Uuid::nil(),
            login: "u".into(),
            name: "U".into(),
            is_superuser: false,
            ws_id: Some(1),
            ws_uuid: Some(Uuid::nil()),
            role: Some(1),
        }
    }

    #[test]
    fn invalidation_voids_entries_read_before_it() {
        let cache = KeyCache::default();
        let e0 = cache.epoch.load(Ordering::Acquire);
        cache.put(row(b"k"), e0);
        let (hit, epoch) = cache.get(b"k").expect("cached");
        assert_eq!((hit.credential_id, epoch), (1, e0));
        cache.invalidate();
        assert!(cache.get(b"k").is_none());
        // A request that read the row before the change puts it back: it stays void.
        cache.put(row(b"k"), e0);
        assert!(cache.get(b"k").is_none());
        let e1 = cache.epoch.load(Ordering::Acquire);
        cache.put(row(b"k"), e1);
        assert_eq!(cache.get(b"k").map(|(_, e)| e), Some(e1));
        assert!(cache.get(b"other").is_none());
    }
}
