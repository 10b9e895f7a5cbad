//! Capabilities: what an actor may do outside any one case (IRIS's twelve permission flags).
//!
//! An actor holds its workspace role's baseline (admin: every flag; analyst: standard user,
//! alerts read and write, search across cases, customers read, activities read; viewer: the
//! same without alerts write and search across cases), plus the flags of its teams. A server
//! administrator holds every flag. Services check the capability they need with
//! [`Core::require_capability`], whatever API the request came through; dialects render the
//! refusal (`Error::Forbidden`) in their own shape and show the flags as they are.

use crate::{
    Core,
    actor::Actor,
    error::{Error, Result},
    model::Role,
    store,
};

/// One permission flag; its bit is IRIS's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    StandardUser,
    ServerAdministrator,
    AlertsRead,
    AlertsWrite,
    AlertsDelete,
    SearchAcrossCases,
    CustomersRead,
    CustomersWrite,
    CaseTemplatesRead,
    CaseTemplatesWrite,
    ActivitiesRead,
    AllActivitiesRead,
}

impl Capability {
    pub const ALL: [Capability; 12] = [
        Capability::StandardUser,
        Capability::ServerAdministrator,
        Capability::AlertsRead,
        Capability::AlertsWrite,
        Capability::AlertsDelete,
        Capability::SearchAcrossCases,
        Capability::CustomersRead,
        Capability::CustomersWrite,
        Capability::CaseTemplatesRead,
        Capability::CaseTemplatesWrite,
        Capability::ActivitiesRead,
        Capability::AllActivitiesRead,
    ];

    /// The flag's bit (IRIS's value).
    pub fn bit(self) -> i64 {
        1 << (self as u32)
    }

    /// The flag's name (IRIS's).
    pub fn name(self) -> &'static str {
        match self {
            Capability::StandardUser => "standard_user",
            Capability::ServerAdministrator => "server_administrator",
            Capability::AlertsRead => "alerts_read",
            Capability::AlertsWrite => "alerts_write",
            Capability::AlertsDelete => "alerts_delete",
            Capability::SearchAcrossCases => "search_across_cases",
            Capability::CustomersRead => "customers_read",
            Capability::CustomersWrite => "customers_write",
            Capability::CaseTemplatesRead => "case_templates_read",
            Capability::CaseTemplatesWrite => "case_templates_write",
            Capability::ActivitiesRead => "activities_read",
            Capability::AllActivitiesRead => "all_activities_read",
        }
    }

    /// What a refusal says is missing.
    fn describe(self) -> &'static str {
        match self {
            Capability::StandardUser => "standard user rights",
            Capability::ServerAdministrator => "server administrator rights",
            Capability::AlertsRead => "the right to read alerts",
            Capability::AlertsWrite => "the right to change alerts",
            Capability::AlertsDelete => "the right to delete alerts",
            Capability::SearchAcrossCases => "the right to search across cases",
            Capability::CustomersRead => "the right to read customers",
            Capability::CustomersWrite => "the right to change customers",
            Capability::CaseTemplatesRead => "the right to read case templates",
            Capability::CaseTemplatesWrite => "the right to change case templates",
            Capability::ActivitiesRead => "the right to read activities",
            Capability::AllActivitiesRead => "the right to read all activities",
        }
    }
}

/// Every flag.
pub const ALL_FLAGS: i64 = 0xFFF;

/// The flags a workspace role gives (a server administrator holds every flag).
pub fn role_flags(actor: &Actor) -> i64 {
    if actor.is_superuser {
        return ALL_FLAGS;
    }
    let of = |caps: &[Capability]| caps.iter().fold(0, |acc, c| acc | c.bit());
    use Capability::*;
    match actor.role {
        Role::Admin => ALL_FLAGS,
        Role::Analyst => of(&[
            StandardUser,
            AlertsRead,
            AlertsWrite,
            SearchAcrossCases,
            CustomersRead,
            ActivitiesRead,
        ]),
        Role::Viewer => of(&[StandardUser, AlertsRead, CustomersRead, ActivitiesRead]),
    }
}

impl Core {
    /// The actor's flags: its role's baseline OR the flags of its teams.
    pub async fn capabilities(&self, actor: &Actor) -> Result<i64> {
        let teams = store::team::of_user(&self.db, actor.workspace_id.0, actor.user_id.0).await?;
        Ok(teams.iter().fold(role_flags(actor), |acc, t| acc | t.permissions))
    }

    /// Fails with `Forbidden` unless the actor holds `cap`. The role's baseline is checked
    /// first, so the common case costs no query.
    pub async fn require_capability(&self, actor: &Actor, cap: Capability) -> Result<()> {
        if role_flags(actor) & cap.bit() != 0 || self.capabilities(actor).await? & cap.bit() != 0 {
            return Ok(());
        }
        Err(Error::Forbidden(format!("this needs {}", cap.describe())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::test_actor as actor;

    #[test]
    fn bits_and_baselines_are_irises() {
        let bits: Vec<i64> = Capability::ALL.iter().map(|c| c.bit()).collect();
        assert_eq!(
            bits,
            [0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800]
        );
        assert_eq!(Capability::AlertsDelete.name(), "alerts_delete");
        assert_eq!(role_flags(&actor(Role::Admin, false)), 4095);
        assert_eq!(role_flags(&actor(Role::Analyst, false)), 1133);
        assert_eq!(role_flags(&actor(Role::Viewer, false)), 1093);
        assert_eq!(role_flags(&actor(Role::Viewer, true)), 4095);
    }
}
