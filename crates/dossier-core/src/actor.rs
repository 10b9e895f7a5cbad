//! Who is acting, in which workspace, through which API.

use uuid::Uuid;

use crate::{
    error::{Error, Result},
    ids::{CredentialId, UserId, WorkspaceId},
    model::Role,
};

/// The API a request came through; recorded in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Native,
    Iris,
    Tracecat,
    Feed,
    Ciso,
    CaseBender,
    Cli,
    System,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Native => "native",
            Via::Iris => "iris",
            Via::Tracecat => "tracecat",
            Via::Feed => "feed",
            Via::Ciso => "ciso",
            Via::CaseBender => "casebender",
            Via::Cli => "cli",
            Via::System => "system",
        }
    }
}

/// An authenticated principal acting in one workspace.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub user_uuid: Uuid,
    pub login: String,
    pub name: String,
    pub is_superuser: bool,
    pub workspace_id: WorkspaceId,
    pub workspace_uuid: Uuid,
    pub role: Role,
    pub credential_id: Option<CredentialId>,
    pub via: Via,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn require_write(&self) -> Result<()> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(Error::Forbidden("your role in this workspace is read-only".into()))
        }
    }
    pub fn require_admin(&self) -> Result<()> {
        if self.role.is_admin() || self.is_superuser {
            Ok(())
        } else {
            Err(Error::Forbidden("this needs the admin role in this workspace".into()))
        }
    }
    pub fn require_superuser(&self) -> Result<()> {
        if self.is_superuser {
            Ok(())
        } else {
            Err(Error::Forbidden("this needs a server administrator".into()))
        }
    }
    /// The same principal acting in another workspace (membership already checked).
    pub fn in_workspace(&self, id: WorkspaceId, uuid: Uuid, role: Role) -> Actor {
        Actor {
            workspace_id: id,
            workspace_uuid: uuid,
            role,
            ..self.clone()
        }
    }
    pub fn with_request_id(mut self, id: Option<String>) -> Actor {
        self.request_id = id;
        self
    }
}

/// An actor for unit tests: user 7 (or 1) in workspace 1 with `role`.
#[cfg(test)]
pub(crate) fn test_actor(role: crate::model::Role, superuser: bool) -> Actor {
    Actor {
        user_id: crate::ids::UserId(7),
        user_uuid: Uuid::nil(),
        login: "x".into(),
        name: "x".into(),
        is_superuser: superuser,
        workspace_id: crate::ids::WorkspaceId(1),
        workspace_uuid: Uuid::nil(),
        role,
        credential_id: None,
        via: Via::Native,
        request_id: None,
    }
}
