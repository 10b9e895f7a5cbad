//! IRIS global search: `POST /search` over the IOCs, notes or comments of the caller's cases.
//!
//! `search_type` picks the core search: `ioc` matches whole IOC values with `%` as the wildcard
//! (`%` alone lists every IOC); `notes` and `comments` match a substring of the content. Matching
//! is case-insensitive on both backends; cases the caller may not read are left out (IRIS does
//! not filter); at most `dossier_core::MAX_MATCHES` results.

use crate::kit::route::{Routes, post};
use axum::extract::State;
use dossier_core::{MatchCase, model::Tlp};
use serde_json::{Value, json};

use super::{
    ctx::{Body, IrisUser},
    wire::{IrisError, IrisResult, ok},
};
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().route("/search", post(search))
}

/// IRIS's TLP name and colour.
fn tlp(t: Tlp) -> (&'static str, &'static str) {
    match t {
        Tlp::Red => ("red", "danger"),
        Tlp::Amber => ("amber", "warning"),
        Tlp::Green => ("green", "success"),
        Tlp::Clear => ("clear", "black"),
        Tlp::AmberStrict => ("amber+strict", "warning"),
    }
}

fn case_name(c: &MatchCase) -> String {
    super::common::case_name(c.number, &c.title)
}

async fn search(State(s): State<AppState>, IrisUser(a): IrisUser, Body(f): Body) -> IrisResult {
    let value = f.req_str("search_value")?;
    let kind = f.req_str("search_type")?;
    let rename = |e| IrisError::from(e).rename(&[("pattern", "search_value"), ("text", "search_value")]);
    let rows: Vec<Value> = match kind.as_str() {
        "ioc" => s
            .core
            .find_case_observables(&a, &value)
            .await
            .map_err(rename)?
            .into_iter()
            .map(|m| {
                let (tlp_name, tlp_color) = tlp(m.tlp);
                json!({
                    "ioc_name": m.value,
                    "ioc_description": m.description.unwrap_or_default(),
                    "ioc_misp": null,
                    "type_name": m.type_name,
                    "tlp_name": tlp_name,
                    "tlp_bscolor": tlp_color,
                    "case_name": case_name(&m.case),
                    "case_id": m.case.number,
                    "customer_name": m.case.customer.unwrap_or_default(),
                })
            })
            .collect(),
        "notes" => s
            .core
            .find_notes_containing(&a, &value)
            .await
            .map_err(rename)?
            .into_iter()
            .map(|m| {
                json!({
                    "note_id": m.number,
                    "note_title": m.text,
                    "case_name": case_name(&m.case),
                    "client_name": m.case.customer.unwrap_or_default(),
                    "case_id": m.case.number,
                })
            })
            .collect(),
        "comments" => s
            .core
            .find_comments_containing(&a, &value)
            .await
            .map_err(rename)?
            .into_iter()
            .map(|m| {
                json!({
                    "comment_id": m.number,
                    "comment_text": m.text,
                    "case_name": case_name(&m.case),
                    "customer_name": m.case.customer.unwrap_or_default(),
                    "case_id": m.case.number,
                })
            })
            .collect(),
        _ => {
            return Err(IrisError::field("search_type", "Must be one of: ioc, notes, comments."));
        }
    };
    ok("Results fetched", rows)
}
