//! Reference lists: the built-in rows (exact DFIR-IRIS ids) plus the workspace's own, and the
//! fixed lists that have no table (TLP, compromise status).

use crate::{
    Core,
    actor::Actor,
    error::{Error, Result},
    model::{
        AssetType, ClassificationRow, CompromiseStatus, CompromiseStatusRow, NamedRow, ObservableType, RefKey,
        ReferenceKind, ReferenceList, ReferenceRow, StateRow, Status, TaskStatusRow, Tlp, TlpRow,
    },
    store::{
        self, Ex,
        reference::{ObservableTypeRow, RefTable},
    },
};

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
                .map(|r| {
                    ReferenceRow::AssetType(AssetType {
                        id: r.id,
                        uuid: r.uuid,
                        name: r.name,
                        description: r.description,
                        icon_compromised: r.icon_compromised,
                        icon_not_compromised: r.icon_not_compromised,
                        builtin: r.workspace_id.is_none(),
                    })
                })
                .collect(),
            ReferenceKind::Classifications => store::reference::classifications(db, ws)
                .await?
                .into_iter()
                .map(|r| {
                    ReferenceRow::Classification(ClassificationRow {
                        id: r.id,
                        uuid: r.uuid,
                        name: r.name,
                        name_expanded: r.name_expanded,
                        description: r.description,
                        threat_type: r.threat_type,
                        builtin: r.workspace_id.is_none(),
                    })
                })
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
