//! Reference lists: the built-in rows (exact DFIR-IRIS ids) plus the workspace's own, and the
//! fixed lists that have no table (TLP, compromise status).

use std::sync::Arc;

use crate::{
    Core,
    actor::Actor,
    case::json_str,
    error::{Error, Problems, Result},
    model::{
        AssetType, AssetTypeInput, ClassificationInput, ClassificationRow, CompromiseStatus, CompromiseStatusRow,
        NamedRow, ObservableType, ObservableTypeInput, RefKey, ReferenceKind, ReferenceList, ReferenceRow, StateRow,
        Status, TaskStatusRow, Timestamp, Tlp, TlpRow,
    },
    store::{
        self, Ex,
        activity::{Audit, Entry},
        reference::{AssetTypeRow, ClassificationRefRow, ObservableTypeRow, OwnTable, OwnValues, RefTable},
    },
    time::now_us,
    validate,
};

/// Longest name of a workspace's own reference row.
pub const MAX_REF_NAME: usize = 200;
/// Longest taxonomy, validation pattern, hint or icon name.
const MAX_REF_EXTRA: usize = 1000;
/// Icons of an asset type added without its own.
const DEFAULT_ICON_COMPROMISED: &str = "ioc_question-mark.png";
const DEFAULT_ICON_NOT_COMPROMISED: &str = "question-mark.png";

/// IRIS `tlp_id` of a TLP level (1 red, 2 amber, 3 green, 4 clear, 5 amber+strict).
pub(crate) fn tlp_iris_id(t: Tlp) -> i64 {
    match t {
        Tlp::Red => 1,
        Tlp::Amber => 2,
        Tlp::Green => 3,
        Tlp::Clear => 4,
        Tlp::AmberStrict => 5,
    }
}

fn tlp_rows() -> Vec<TlpRow> {
    let mut rows: Vec<TlpRow> = [
        (Tlp::Red, "red", "danger"),
        (Tlp::Amber, "amber", "warning"),
        (Tlp::Green, "green", "success"),
        (Tlp::Clear, "clear", "black"),
        (Tlp::AmberStrict, "amber+strict", "warning"),
    ]
    .into_iter()
    .map(|(t, name, color)| TlpRow {
        id: tlp_iris_id(t),
        code: t,
        name: name.to_owned(),
        color: color.to_owned(),
    })
    .collect();
    rows.sort_by_key(|r| r.id);
    rows
}

fn task_canonical(v: i16) -> &'static str {
    match v {
        0 => "todo",
        1 => "in_progress",
        2 => "on_hold",
        3 => "done",
        4 => "canceled",
        _ => "unknown",
    }
}

fn classification_view(r: ClassificationRefRow) -> ClassificationRow {
    ClassificationRow {
        id: r.id,
        uuid: r.uuid,
        name: r.name,
        name_expanded: r.name_expanded,
        description: r.description,
        threat_type: r.threat_type,
        builtin: r.workspace_id.is_none(),
        created_at: Timestamp(r.created_at),
    }
}

fn asset_type_view(r: AssetTypeRow) -> AssetType {
    AssetType {
        id: r.id,
        uuid: r.uuid,
        name: r.name,
        description: r.description,
        icon_compromised: r.icon_compromised,
        icon_not_compromised: r.icon_not_compromised,
        builtin: r.workspace_id.is_none(),
    }
}

/// A change to a workspace's own reference row: `None` keeps the current value. `extra` is
/// in the order of [`OwnValues::extra`].
struct OwnInput {
    name: Option<String>,
    description: Option<String>,
    extra: Vec<Option<String>>,
}

fn own_kind(table: OwnTable) -> (&'static str, &'static str) {
    match table {
        OwnTable::Classification => ("classification", "classification"),
        OwnTable::ObservableType => ("observable_type", "observable type"),
        OwnTable::AssetType => ("asset_type", "asset type"),
    }
}

/// The names of the extra columns, for field errors and the audit trail.
fn own_extra_fields(table: OwnTable) -> &'static [&'static str] {
    match table {
        OwnTable::Classification => &["name_expanded"],
        OwnTable::ObservableType => &["taxonomy", "validation_regex", "validation_hint"],
        OwnTable::AssetType => &["icon_compromised", "icon_not_compromised"],
    }
}

/// The values of a new row before the request's are applied.
fn own_defaults(table: OwnTable) -> OwnValues {
    let extra = match table {
        OwnTable::Classification => vec![Some(String::new())],
        OwnTable::ObservableType => vec![Some(String::new()), None, None],
        OwnTable::AssetType => vec![
            Some(DEFAULT_ICON_COMPROMISED.to_owned()),
            Some(DEFAULT_ICON_NOT_COMPROMISED.to_owned()),
        ],
    };
    OwnValues {
        name: String::new(),
        description: String::new(),
        extra,
    }
}

/// Applies a change and checks the result: names are trimmed; an observable type's optional
/// pattern and hint are removed by `""`, and the pattern must compile.
fn own_merge(table: OwnTable, old: &OwnValues, input: &OwnInput) -> Result<OwnValues> {
    let mut new = old.clone();
    if let Some(n) = &input.name {
        new.name = n.trim().to_owned();
    }
    if let Some(d) = &input.description {
        new.description = d.clone();
    }
    let names = own_extra_fields(table);
    let mut p = Problems::new();
    for (i, field) in names.iter().enumerate() {
        let Some(Some(v)) = input.extra.get(i) else {
            continue;
        };
        p.opt_text(field, Some(v), MAX_REF_EXTRA);
        let optional = table == OwnTable::ObservableType && i > 0;
        if let Some(slot) = new.extra.get_mut(i) {
            *slot = if optional && v.trim().is_empty() {
                None
            } else {
                Some(v.clone())
            };
        }
    }
    p.text("name", &new.name, 1, MAX_REF_NAME);
    p.opt_text("description", Some(&new.description), validate::MAX_DESCRIPTION);
    if table == OwnTable::ObservableType
        && let Some(Some(re)) = new.extra.get(1)
        && regex::RegexBuilder::new(&format!("^(?:{re})$"))
            .size_limit(1 << 20)
            .build()
            .is_err()
    {
        p.push(
            "validation_regex",
            "invalid",
            "validation_regex is not a valid regular expression",
        );
    }
    p.into_result()?;
    Ok(new)
}

pub(crate) fn observable_type_view(r: ObservableTypeRow) -> ObservableType {
    ObservableType {
        id: r.id,
        uuid: r.uuid,
        name: r.name,
        description: r.description,
        taxonomy: r.taxonomy,
        validation_regex: r.validation_regex,
        validation_hint: r.validation_hint,
        builtin: r.workspace_id.is_none(),
    }
}

impl Core {
    /// One reference list: built-in rows and the workspace's own, by id.
    pub async fn reference_list(&self, actor: &Actor, kind: ReferenceKind) -> Result<ReferenceList> {
        let ws = actor.workspace_id.0;
        let db = &self.db;
        let items: Vec<ReferenceRow> = match kind {
            ReferenceKind::ObservableTypes => store::reference::observable_types(db, ws)
                .await?
                .into_iter()
                .map(|r| ReferenceRow::ObservableType(observable_type_view(r)))
                .collect(),
            ReferenceKind::AssetTypes => store::reference::asset_types(db, ws)
                .await?
                .into_iter()
                .map(|r| ReferenceRow::AssetType(asset_type_view(r)))
                .collect(),
            ReferenceKind::Classifications => store::reference::classifications(db, ws)
                .await?
                .into_iter()
                .map(|r| ReferenceRow::Classification(classification_view(r)))
                .collect(),
            ReferenceKind::CaseStates | ReferenceKind::AlertStates => {
                store::reference::states(db, ws, kind == ReferenceKind::AlertStates)
                    .await?
                    .into_iter()
                    .map(|r| {
                        ReferenceRow::State(StateRow {
                            id: r.id,
                            uuid: r.uuid,
                            code: r.code,
                            label: r.label,
                            description: r.description,
                            canonical: Status::from_ordinal(r.canonical).unwrap_or(Status::Unknown),
                            color: r.color,
                            protected: r.protected,
                            position: r.position,
                            builtin: r.workspace_id.is_none(),
                        })
                    })
                    .collect()
            }
            ReferenceKind::TaskStatuses => store::reference::task_statuses(db, ws)
                .await?
                .into_iter()
                .map(|r| {
                    ReferenceRow::TaskStatus(TaskStatusRow {
                        id: r.id,
                        uuid: r.uuid,
                        name: r.name,
                        description: r.description,
                        color: r.color,
                        canonical: task_canonical(r.canonical).to_owned(),
                        builtin: r.workspace_id.is_none(),
                    })
                })
                .collect(),
            ReferenceKind::AnalysisStatuses | ReferenceKind::EventCategories | ReferenceKind::EvidenceTypes => {
                let table = match kind {
                    ReferenceKind::AnalysisStatuses => RefTable::AnalysisStatus,
                    ReferenceKind::EventCategories => RefTable::EventCategory,
                    _ => RefTable::EvidenceType,
                };
                store::reference::named_rows(db, table, ws)
                    .await?
                    .into_iter()
                    .map(|r| {
                        ReferenceRow::Named(NamedRow {
                            id: r.id,
                            uuid: r.uuid,
                            name: r.name,
                            description: r.description,
                            builtin: r.workspace_id.is_none(),
                        })
                    })
                    .collect()
            }
            ReferenceKind::CompromiseStatuses => CompromiseStatus::ALL
                .iter()
                .map(|c| {
                    ReferenceRow::CompromiseStatus(CompromiseStatusRow {
                        id: i64::from(c.ordinal()),
                        code: c.as_str().to_owned(),
                        name: c.label().to_owned(),
                    })
                })
                .collect(),
            ReferenceKind::Tlp => tlp_rows().into_iter().map(ReferenceRow::Tlp).collect(),
        };
        Ok(ReferenceList { kind, items })
    }

    /// Adds a case classification of the workspace's own (admins).
    pub async fn create_classification(&self, actor: &Actor, input: ClassificationInput) -> Result<ClassificationRow> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.name_expanded],
        };
        let id = self.save_own(actor, OwnTable::Classification, None, own).await?;
        self.classification(actor, id).await
    }

    /// Changes one of the workspace's own classifications (built-in ones are shared and fixed).
    pub async fn update_classification(
        &self,
        actor: &Actor,
        id: i64,
        input: ClassificationInput,
    ) -> Result<ClassificationRow> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.name_expanded],
        };
        self.save_own(actor, OwnTable::Classification, Some(id), own).await?;
        self.classification(actor, id).await
    }

    /// Deletes one of the workspace's own classifications that no case or alert uses.
    pub async fn delete_classification(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_own(actor, OwnTable::Classification, id).await
    }

    /// A classification visible in the workspace.
    pub async fn classification(&self, actor: &Actor, id: i64) -> Result<ClassificationRow> {
        store::reference::classification_by_id(&self.db, actor.workspace_id.0, id)
            .await?
            .map(classification_view)
            .ok_or(Error::not_found("classification"))
    }

    /// Adds an observable type of the workspace's own (admins).
    pub async fn create_observable_type(&self, actor: &Actor, input: ObservableTypeInput) -> Result<ObservableType> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.taxonomy, input.validation_regex, input.validation_hint],
        };
        let id = self.save_own(actor, OwnTable::ObservableType, None, own).await?;
        self.observable_type(actor, id).await
    }

    /// Changes one of the workspace's own observable types.
    pub async fn update_observable_type(
        &self,
        actor: &Actor,
        id: i64,
        input: ObservableTypeInput,
    ) -> Result<ObservableType> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.taxonomy, input.validation_regex, input.validation_hint],
        };
        self.save_own(actor, OwnTable::ObservableType, Some(id), own).await?;
        self.observable_type(actor, id).await
    }

    /// Deletes one of the workspace's own observable types that no observable uses.
    pub async fn delete_observable_type(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_own(actor, OwnTable::ObservableType, id).await
    }

    /// An observable type visible in the workspace, by id.
    pub async fn observable_type(&self, actor: &Actor, id: i64) -> Result<ObservableType> {
        store::reference::observable_type_by_id(&self.db, actor.workspace_id.0, id)
            .await?
            .map(observable_type_view)
            .ok_or(Error::not_found("observable type"))
    }

    /// Adds an asset type of the workspace's own (admins).
    pub async fn create_asset_type(&self, actor: &Actor, input: AssetTypeInput) -> Result<AssetType> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.icon_compromised, input.icon_not_compromised],
        };
        let id = self.save_own(actor, OwnTable::AssetType, None, own).await?;
        self.asset_type(actor, id).await
    }

    /// Changes one of the workspace's own asset types.
    pub async fn update_asset_type(&self, actor: &Actor, id: i64, input: AssetTypeInput) -> Result<AssetType> {
        let own = OwnInput {
            name: input.name,
            description: input.description,
            extra: vec![input.icon_compromised, input.icon_not_compromised],
        };
        self.save_own(actor, OwnTable::AssetType, Some(id), own).await?;
        self.asset_type(actor, id).await
    }

    /// Deletes one of the workspace's own asset types that no asset uses.
    pub async fn delete_asset_type(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_own(actor, OwnTable::AssetType, id).await
    }

    /// An asset type visible in the workspace, by id.
    pub async fn asset_type(&self, actor: &Actor, id: i64) -> Result<AssetType> {
        store::reference::asset_type_by_id(&self.db, actor.workspace_id.0, id)
            .await?
            .map(asset_type_view)
            .ok_or(Error::not_found("asset type"))
    }

    /// Adds (`id` None) or changes a workspace's own row; names are unique among the rows the
    /// workspace sees, case-insensitively. Returns the row's id.
    async fn save_own(&self, actor: &Actor, table: OwnTable, id: Option<i64>, input: OwnInput) -> Result<i64> {
        actor.require_admin()?;
        let audit = Audit::of(actor);
        let input = Arc::new(input);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                let input = Arc::clone(&input);
                Box::pin(async move {
                    let (kind, label) = own_kind(table);
                    let now = now_us();
                    let current = match id {
                        Some(id) => {
                            let head = store::reference::own_row_head(&mut *tx, table, audit.ws, id)
                                .await?
                                .ok_or(Error::not_found(label))?;
                            if head.workspace_id.is_none() {
                                return Err(Error::Conflict(format!(
                                    "built-in {label} {id} is shared by every workspace and cannot be changed"
                                )));
                            }
                            let old = store::reference::own_values(tx, table, id)
                                .await?
                                .ok_or(Error::not_found(label))?;
                            Some((id, head.uuid, old))
                        }
                        None => None,
                    };
                    let old = current.as_ref().map_or_else(|| own_defaults(table), |c| c.2.clone());
                    let new = own_merge(table, &old, &input)?;
                    let except = current.as_ref().map(|c| c.0);
                    if (current.is_none() || !new.name.eq_ignore_ascii_case(&old.name))
                        && store::reference::own_name_taken(tx, table, audit.ws, &new.name, except).await?
                    {
                        return Err(Error::field(
                            "name",
                            "taken",
                            format!("name: a {label} named `{}` already exists", new.name),
                        ));
                    }
                    match current {
                        None => {
                            let (id, uuid) =
                                store::reference::insert_own(tx, table, audit.ws, &new, audit.actor, now).await?;
                            store::activity::record(
                                tx,
                                &audit,
                                now,
                                &[Entry::new(kind, id, uuid, "create")
                                    .message(format!("{label} `{}` added", new.name))],
                            )
                            .await?;
                            Ok(id)
                        }
                        Some((id, uuid, old)) => {
                            if new == old {
                                return Ok(id);
                            }
                            store::reference::update_own(tx, table, id, &new, now).await?;
                            let mut changes = Vec::new();
                            if new.name != old.name {
                                changes.push(Entry::new(kind, id, uuid, "update").change(
                                    "name",
                                    json_str(&old.name),
                                    json_str(&new.name),
                                ));
                            }
                            if new.description != old.description {
                                changes.push(Entry::new(kind, id, uuid, "update").change(
                                    "description",
                                    json_str(&old.description),
                                    json_str(&new.description),
                                ));
                            }
                            for (i, field) in own_extra_fields(table).iter().enumerate() {
                                let (o, n) = (old.extra.get(i), new.extra.get(i));
                                if o != n {
                                    changes.push(Entry::new(kind, id, uuid, "update").change(
                                        field,
                                        json_str(&o),
                                        json_str(&n),
                                    ));
                                }
                            }
                            store::activity::record(tx, &audit, now, &changes).await?;
                            Ok(id)
                        }
                    }
                })
            })
            .await
    }

    /// Deletes a workspace's own row that nothing uses (else 409); built-in rows stay.
    async fn delete_own(&self, actor: &Actor, table: OwnTable, id: i64) -> Result<()> {
        actor.require_admin()?;
        let audit = Audit::of(actor);
        self.db
            .write(move |tx| {
                let audit = audit.clone();
                Box::pin(async move {
                    let (kind, label) = own_kind(table);
                    let head = store::reference::own_row_head(&mut *tx, table, audit.ws, id)
                        .await?
                        .ok_or(Error::not_found(label))?;
                    if head.workspace_id.is_none() {
                        return Err(Error::Conflict(format!(
                            "built-in {label} {id} is shared by every workspace and cannot be deleted"
                        )));
                    }
                    let used = store::reference::own_references(tx, table, id).await?;
                    if used > 0 {
                        return Err(Error::Conflict(format!(
                            "{label} {id} is still used by {used} object(s); change or delete them first"
                        )));
                    }
                    let old = store::reference::own_values(tx, table, id).await?;
                    let now = now_us();
                    store::reference::delete_own(tx, table, id).await?;
                    let snapshot = old.map(|o| o.name);
                    store::activity::record(
                        tx,
                        &audit,
                        now,
                        &[Entry::new(kind, id, head.uuid, "delete").change("name", json_str(&snapshot), None)],
                    )
                    .await
                })
            })
            .await
    }

    /// An observable type visible in the workspace, by id or exact name, with its validation
    /// pattern and hint.
    pub async fn find_observable_type(&self, actor: &Actor, key: &RefKey) -> Result<ObservableType> {
        match crate::observable::resolve_type(Ex::Db(&self.db), actor.workspace_id.0, key, "type").await {
            Ok(t) => Ok(observable_type_view(t)),
            Err(Error::Validation(_)) => Err(Error::not_found("observable type")),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlp_ids_are_the_iris_ones() {
        let rows = tlp_rows();
        let ids: Vec<(i64, &str)> = rows.iter().map(|r| (r.id, r.name.as_str())).collect();
        assert_eq!(
            ids,
            [
                (1, "red"),
                (2, "amber"),
                (3, "green"),
                (4, "clear"),
                (5, "amber+strict")
            ]
        );
        let mut ids: Vec<i64> = Tlp::ALL.iter().map(|t| tlp_iris_id(*t)).collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
    }
}

#[cfg(test)]
mod service_tests {
    use crate::{
        Backend,
        model::{ReferenceKind, ReferenceRow},
        observable::testkit::{env, on_both},
    };

    on_both!(every_list_is_served);

    async fn every_list_is_served(b: Backend) {
        let Some(e) = env(b).await else { return };
        let mut sizes = Vec::new();
        for kind in ReferenceKind::ALL {
            let l = e.core.reference_list(&e.admin, *kind).await.expect("list");
            assert_eq!(l.kind, *kind);
            sizes.push((kind.as_str(), l.items.len()));
        }
        assert_eq!(
            sizes,
            [
                ("observable-types", 160),
                ("asset-types", 21),
                ("classifications", 36),
                ("case-states", 15),
                ("alert-states", 11),
                ("task-statuses", 5),
                ("analysis-statuses", 6),
                ("event-categories", 15),
                ("evidence-types", 58),
                ("compromise-statuses", 4),
                ("tlp", 5),
            ]
        );
        let types = e
            .core
            .reference_list(&e.other, ReferenceKind::ObservableTypes)
            .await
            .expect("list");
        match &types.items[75] {
            ReferenceRow::ObservableType(t) => assert_eq!((t.id, t.name.as_str()), (76, "ip-any")),
            other => panic!("{other:?}"),
        }
        match &e
            .core
            .reference_list(&e.admin, ReferenceKind::AssetTypes)
            .await
            .expect("list")
            .items[8]
        {
            ReferenceRow::AssetType(t) => assert_eq!((t.id, t.name.as_str()), (9, "Windows - Computer")),
            other => panic!("{other:?}"),
        }
    }
}
