"""Alerts through the real client's `Alert` class: add, read, filter, update, delete, escalate
into a new case, merge into and unmerge from an existing one, with values read back (the
alert's IOCs and assets, and what reaches the case)."""

import uuid

from dfir_iris_client.alert import Alert
from dfir_iris_client.case import Case

from conftest import ok


def tag():
    return uuid.uuid4().hex[:8]


def alert_data(title, marker):
    """The client test suite's `resources/alert.json`, with values of this test's own."""
    return {
        "alert_title": title,
        "alert_description": "This is a test alert",
        "alert_source": "Test Source",
        "alert_source_ref": "Test-123",
        "alert_source_link": "https://source_link.com",
        "alert_source_content": {"raw": marker},
        "alert_severity_id": 4,
        "alert_status_id": 3,
        "alert_context": {"context_key": "context_value"},
        "alert_source_event_time": "2023-03-26T03:00:30",
        "alert_note": "Test note",
        "alert_tags": f"defender,{marker}",
        "alert_iocs": [
            {"ioc_value": f"tarzan5-{marker}", "ioc_description": "description kwekwe", "ioc_tlp_id": 1,
             "ioc_type_id": 2, "ioc_tags": "tag1,tag2",
             "ioc_enrichment": {"provider_1": {"data": 2, "new_data": 3}}},
            {"ioc_value": f"tarzan2-{marker}", "ioc_description": "description_hey", "ioc_tlp_id": 2,
             "ioc_type_id": 4, "ioc_tags": "tag1,tag2"},
        ],
        "alert_assets": [{
            "asset_name": f"My super nop {marker}",
            "asset_description": "Asset description",
            "asset_type_id": 1,
            "asset_ip": "1.1.1.1",
            "asset_domain": "",
            "asset_tags": "tag1,tag2",
            "asset_enrichment": {"enrich": {"enrich2": "super_enrich"}},
        }],
        "alert_customer_id": 1,
        "alert_classification_id": 1,
    }


def assert_alert_shape(a):
    """What the client's own test (`assert_alert_isvalid`) checks, and the values' types."""
    for key in ["alert_uuid", "alert_title", "alert_description", "alert_source", "alert_source_ref",
                "alert_source_link", "alert_note", "alert_tags", "alert_creation_time", "alert_source_event_time"]:
        assert isinstance(a[key], str), key
    for key in ["alert_id", "alert_severity_id", "alert_status_id", "alert_classification_id", "alert_customer_id"]:
        assert isinstance(a[key], int), key
    assert a["alert_owner_id"] is None or isinstance(a["alert_owner_id"], int)
    for key in ["alert_context", "alert_source_content", "modification_history", "customer", "severity",
                "classification", "status"]:
        assert isinstance(a[key], dict), key
    assert a["owner"] is None or isinstance(a["owner"], dict)
    for key in ["assets", "iocs", "comments", "cases"]:
        assert isinstance(a[key], list), key


def test_alert_add_read_update_filter_delete(session):
    alert = Alert(session)
    marker = tag()
    a = ok(alert.add_alert(alert_data(f"Compat alert {marker}", marker)))
    assert_alert_shape(a)
    alert_id = a["alert_id"]
    assert a["alert_title"] == f"Compat alert {marker}"
    assert a["alert_source_content"] == {"raw": marker}
    assert a["alert_context"] == {"context_key": "context_value"}
    assert a["alert_source_event_time"].startswith("2023-03-26T03:00:30")
    assert a["alert_tags"] == f"defender,{marker}"
    assert a["severity"]["severity_name"] == "Medium"
    assert a["status"]["status_name"] == "Assigned"
    assert a["customer"]["customer_name"] == "IrisInitialClient"
    assert a["classification"]["name"] == "abusive-content:spam"
    assert [i["ioc_value"] for i in a["iocs"]] == [f"tarzan5-{marker}", f"tarzan2-{marker}"]
    assert [i["ioc_tlp_id"] for i in a["iocs"]] == [1, 2]
    assert [i["ioc_type_id"] for i in a["iocs"]] == [2, 4]
    assert a["iocs"][0]["ioc_tags"] == "tag1,tag2"
    assert all(isinstance(i["ioc_uuid"], str) for i in a["iocs"])
    assert len(a["assets"]) == 1
    asset = a["assets"][0]
    assert asset["asset_name"] == f"My super nop {marker}"
    assert asset["asset_ip"] == "1.1.1.1"
    assert asset["asset_type_id"] == 1
    assert asset["asset_enrichment"] == {"enrich": {"enrich2": "super_enrich"}}

    got = ok(alert.get_alert(alert_id))
    assert_alert_shape(got)
    assert isinstance(got["related_alerts"], dict)
    assert got["iocs"] == a["iocs"]

    # A second alert with the same IOC is related to the first.
    other = ok(alert.add_alert(alert_data(f"Compat alert twin {marker}", marker)))
    got = ok(alert.get_alert(alert_id))
    assert other["alert_id"] in got["related_alerts"]["iocs"]
    assert other["alert_id"] in got["related_alerts"]["assets"]

    u = ok(alert.update_alert(alert_id, {"alert_title": "test", "alert_status_id": 4, "alert_severity_id": 6,
                                         "alert_resolution_status_id": 1, "alert_note": "triaged"}))
    assert u["alert_title"] == "test"
    assert u["alert_status_id"] == 4
    assert u["status"]["status_name"] == "In progress"
    assert u["alert_severity_id"] == 6
    assert u["alert_resolution_status_id"] == 1
    assert u["alert_note"] == "triaged"
    assert u["alert_description"] == "This is a test alert"
    assert u["iocs"] == a["iocs"]
    assert ok(alert.get_alert(alert_id))["alert_note"] == "triaged"

    # Invalid update: nothing changes.
    assert alert.update_alert(alert_id, {"alert_title": None}).is_error()
    assert ok(alert.get_alert(alert_id))["alert_title"] == "test"

    f = ok(alert.filter_alerts(alert_tags=marker))
    assert f["total"] == 2
    assert {x["alert_id"] for x in f["alerts"]} == {alert_id, other["alert_id"]}
    for x in f["alerts"]:
        assert_alert_shape(x)
    f = ok(alert.filter_alerts(alert_tags=marker, alert_status_id=4))
    assert [x["alert_id"] for x in f["alerts"]] == [alert_id]
    f = ok(alert.filter_alerts(alert_iocs=f"tarzan5-{marker}", per_page=1, page=1))
    assert f["total"] == 2 and len(f["alerts"]) == 1 and f["next_page"] == 2 and f["last_page"] == 2
    f = ok(alert.filter_alerts(alert_assets=f"My super nop {marker}", alert_severity_id=6))
    assert [x["alert_id"] for x in f["alerts"]] == [alert_id]
    f = ok(alert.filter_alerts(alert_title="INVALID-" + marker))
    assert f["total"] == 0 and f["alerts"] == []
    f = ok(alert.filter_alerts(alert_start_date="2000-01-01", alert_end_date="2999-01-01", alert_tags=marker))
    assert f["total"] == 2
    many = ok(alert.get_alerts([alert_id, other["alert_id"]]))
    assert sorted(x["alert_id"] for x in many["alerts"]) == sorted([alert_id, other["alert_id"]])

    ok(alert.delete_alert(other["alert_id"]))
    assert alert.get_alert(other["alert_id"]).is_error()
    assert ok(alert.filter_alerts(alert_tags=marker))["total"] == 1
    assert alert.delete_alert(-1).is_error()


def test_alert_add_failure(session):
    alert = Alert(session)
    data = alert_data("x", tag())
    data["alert_title"] = None
    del data["alert_description"]
    resp = alert.add_alert(data)
    assert resp.is_error()
    assert "alert_title" in resp.get_data()


def test_alert_escalation_brings_chosen_iocs_and_assets(session):
    alert = Alert(session)
    marker = tag()
    a = ok(alert.add_alert(alert_data(f"Escalated {marker}", marker)))
    ioc_uuid = a["iocs"][0]["ioc_uuid"]
    asset_uuid = a["assets"][0]["asset_uuid"]
    c = ok(alert.escalate_alert(a["alert_id"], iocs_import_list=[ioc_uuid, None, "INVALID"],
                                assets_import_list=[asset_uuid], escalation_note="escalation note",
                                case_title=f"test {marker}", case_tags="defender,test", import_as_event=True))
    for key in ["classification_id", "case_uuid", "case_name", "case_id", "case_customer", "modification_history",
                "case_description", "case_soc_id", "status_id"]:
        assert key in c, key
    case_id = c["case_id"]
    assert c["case_name"] == f"#{case_id} - test {marker}"
    assert c["case_customer"] == 1
    assert c["classification_id"] == 1
    assert "escalation note" in c["case_description"]

    case = Case(session=session)
    iocs = ok(case.list_iocs(cid=case_id))["ioc"]
    assert [i["ioc_value"] for i in iocs] == [f"tarzan5-{marker}"]
    assets = ok(case.list_assets(cid=case_id))["assets"]
    assert [x["asset_name"] for x in assets] == [f"My super nop {marker}"]
    assert assets[0]["asset_ip"] == "1.1.1.1"
    assert [link["ioc_value"] for link in assets[0]["ioc_links"] or []] == [f"tarzan5-{marker}"]
    events = ok(case.list_events(cid=case_id))["timeline"]
    assert [e["event_title"] for e in events] == [f"[ALERT] Escalated {marker}"]

    got = ok(alert.get_alert(a["alert_id"]))
    assert got["alert_status_id"] == 8
    assert got["cases"] == [case_id]
    assert [x["alert_id"] for x in ok(alert.filter_alerts(case_id=case_id))["alerts"]] == [a["alert_id"]]


def test_alert_merge_and_unmerge(session):
    alert = Alert(session)
    case = Case(session=session)
    marker = tag()
    target = ok(case.add_case(case_name=f"Merge target {marker}", case_description="Compat scenario",
                              case_customer=1, case_classification=36, soc_id=""))["case_id"]
    a = ok(alert.add_alert(alert_data(f"Merged {marker}", marker)))
    c = ok(alert.merge_alert(a["alert_id"], target_case_id=target, iocs_import_list=[a["iocs"][1]["ioc_uuid"]],
                             assets_import_list=["INVALID"], merge_note="merge note", import_as_event=False))
    assert c["case_id"] == target
    for key in ["classification_id", "case_uuid", "case_customer", "modification_history", "case_description",
                "case_soc_id", "status_id"]:
        assert key in c, key
    assert [i["ioc_value"] for i in ok(case.list_iocs(cid=target))["ioc"]] == [f"tarzan2-{marker}"]
    assert ok(case.list_assets(cid=target))["assets"] == []
    got = ok(alert.get_alert(a["alert_id"]))
    assert got["alert_status_id"] == 7
    assert got["cases"] == [target]

    # Unknown target case or alert.
    assert alert.merge_alert(a["alert_id"], target_case_id=-1, iocs_import_list=[], assets_import_list=[],
                             merge_note="x").is_error()
    assert alert.merge_alert(-1, target_case_id=target, iocs_import_list=["dummy_ioc_uid"],
                             assets_import_list=["dummy_asset_uid"], merge_note="x").is_error()

    u = ok(alert.unmerge_alert(a["alert_id"], target))
    assert u["cases"] == []
    assert alert.unmerge_alert(a["alert_id"], target).is_error()
    assert alert.unmerge_alert(a["alert_id"], -1).is_error()
    assert alert.unmerge_alert(-1, target).is_error()
    # What the merge copied stays in the case.
    assert [i["ioc_value"] for i in ok(case.list_iocs(cid=target))["ioc"]] == [f"tarzan2-{marker}"]
