"""The timeline through the real client: events with zones, categories by name, colours, links
to the case's assets and IOCs, the asset filter and the advanced filter, and the soft errors."""

import datetime
import uuid

from dfir_iris_client.case import Case
from dfir_iris_client.helper.colors import EventBlue, EventWhite

from conftest import ok


def new_case(session, label):
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Compat scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case, data["case_id"]


def ids(data):
    return [e["event_id"] for e in data["timeline"]]


def test_event_lifecycle_keeps_wall_time_and_zone(session):
    case, cid = new_case(session, "Timeline")
    asset = ok(case.add_asset(name="WS-01", asset_type="Windows - Computer", analysis_status="Unspecified"))
    ioc = ok(case.add_ioc(value="203.0.113.50", ioc_type="ip-any"))
    when = datetime.datetime(2025, 2, 10, 14, 33, 3, 123456)
    e = ok(case.add_event(title="Malware executed", date_time=when, content="powershell -enc ...",
                          raw_content="4688 event", source="Sysmon", linked_assets=[asset["asset_id"]],
                          linked_iocs=[ioc["ioc_id"]], category="Execution", color=EventWhite,
                          display_in_graph=False, display_in_summary=True, tags=["exec", "ps"],
                          timezone_string="+02:00"))
    assert e["event_title"] == "Malware executed"
    assert e["event_date"] == "2025-02-10T14:33:03.123456"
    assert e["event_date_wtz"] == "2025-02-10T14:33:03.123456"
    assert e["event_tz"] == "+02:00"
    assert e["event_category_id"] == 5
    assert e["category_name"] == "Execution"
    assert e["event_color"] == EventWhite
    assert e["event_tags"] == "exec,ps"
    assert (e["event_in_graph"], e["event_in_summary"]) == (False, True)
    assert (e["event_content"], e["event_raw"], e["event_source"]) == ("powershell -enc ...", "4688 event", "Sysmon")
    assert e["event_assets"] == [asset["asset_id"]]
    assert e["event_iocs"] == [ioc["ioc_id"]]
    assert e["case_id"] == cid
    event_id = e["event_id"]

    got = ok(case.get_event(event_id))
    assert got["iocs"] == [{"ioc_id": ioc["ioc_id"], "ioc_value": "203.0.113.50"}]
    assert got["assets"][0]["asset_name"] == "WS-01"

    # An update with only a title re-sends what was read; links not named are cleared (the
    # client sends []).
    u = ok(case.update_event(event_id, title="Malware executed (confirmed)"))
    assert u["event_title"] == "Malware executed (confirmed)"
    assert u["event_date"] == "2025-02-10T14:33:03.123456"
    assert u["event_tz"] == "+02:00"
    assert u["event_tags"] == "exec,ps"
    assert u["event_assets"] == [] and u["event_iocs"] == []

    later = datetime.datetime(2025, 2, 11, 8, 0, 0)
    u = ok(case.update_event(event_id, date_time=later, timezone_string="-05:00", category="Persistence",
                             color=EventBlue, linked_assets=[asset["asset_id"]], tags=["persist"]))
    assert (u["event_date"], u["event_tz"]) == ("2025-02-11T08:00:00.000000", "-05:00")
    assert u["category_name"] == "Persistence"
    assert u["event_color"] == EventBlue
    assert u["event_assets"] == [asset["asset_id"]]

    child = ok(case.add_event(title="Follow-up", date_time=later, parent_event_id=event_id))
    assert ok(case.get_event(child["event_id"]))["parent_event_id"] == event_id

    ok(case.delete_event(event_id))
    r = case.get_event(event_id)
    assert r.is_error() and "Invalid event ID" in r.get_msg()


def test_timeline_lists_and_filters(session):
    case, _ = new_case(session, "Timeline filters")
    web = ok(case.add_asset(name="WEB-01", asset_type="Linux - Server", analysis_status="Unspecified"))
    db = ok(case.add_asset(name="DB-01", asset_type="Linux - Server", analysis_status="Unspecified"))
    ioc = ok(case.add_ioc(value="evil-update.example", ioc_type="domain"))
    base = datetime.datetime(2025, 3, 1, 12, 0, 0)
    first = ok(case.add_event(title="Webshell uploaded", date_time=base, linked_assets=[web["asset_id"]],
                              category="Initial Access", tags=["webshell"], content="POST /upload.php"))
    second = ok(case.add_event(title="Database dumped", date_time=base + datetime.timedelta(hours=5),
                               linked_assets=[web["asset_id"], db["asset_id"]], linked_iocs=[ioc["ioc_id"]],
                               category="Exfiltration", tags=["exfil"]))
    third = ok(case.add_event(title="Unrelated note", date_time=base + datetime.timedelta(days=1)))
    f, s, t = first["event_id"], second["event_id"], third["event_id"]

    assert ids(ok(case.list_events())) == [f, s, t]
    assert ids(ok(case.list_events(filter_by_asset=db["asset_id"]))) == [s]
    assert ids(ok(case.list_events(filter_by_asset=111155551111))) == []

    assert ids(ok(case.filter_events())) == [f, s, t]
    assert ids(ok(case.filter_events({"tag": ["%"]}))) == [f, s, t]
    assert ids(ok(case.filter_events({"tag": ["randomrandomrandom"]}))) == []
    assert ids(ok(case.filter_events({"title": ["dump"]}))) == [s]
    assert ids(ok(case.filter_events({"description": ["upload"]}))) == [f]
    assert ids(ok(case.filter_events({"asset": ["web-01"]}))) == [f, s]
    assert ids(ok(case.filter_events({"asset": ["WEB-01", "DB-01"]}))) == [s]
    assert ids(ok(case.filter_events({"ioc": ["evil-update.example"]}))) == [s]
    assert ids(ok(case.filter_events({"category": ["Exfiltration"]}))) == [s]
    assert ids(ok(case.filter_events({"event_id": [f, t]}))) == [f, t]
    day = {"startDate": ["2025-03-01T00:00:00"], "endDate": ["2025-03-01T23:59:59"]}
    assert ids(ok(case.filter_events(day))) == [f, s]
    listed = ok(case.filter_events({"event_id": [s]}))["timeline"][0]
    assert sorted(a["asset_name"] for a in listed["assets"]) == ["DB-01", "WEB-01"]
    assert listed["iocs"] == [{"ioc_id": ioc["ioc_id"], "ioc_value": "evil-update.example"}]

    # Syncing links the event's IOCs to its assets.
    ok(case.add_event(title="Synced", date_time=base, linked_assets=[db["asset_id"]],
                      linked_iocs=[ioc["ioc_id"]], sync_ioc_with_assets=True))
    linked = ok(case.get_asset(db["asset_id"]))["linked_ioc"]
    assert [l["ioc_id"] for l in linked] == [ioc["ioc_id"]]


def test_event_errors_are_soft(session):
    case, _ = new_case(session, "Timeline errors")
    now = datetime.datetime.now()
    r = case.add_event(title="x event", date_time=now, category="dummy cat")
    assert r.is_error() and "Event category" in r.get_msg()
    r = case.add_event(title="x event", date_time=now, category=111155551111)
    assert r.is_error() and "Invalid event category" in r.get_data()["event_category_id"][0]
    r = case.add_event(title="x event", date_time=now, timezone_string="not a zone")
    assert r.is_error() and r.get_data()["event_date"] == ["Invalid date time"]
    r = case.add_event(title="x event", date_time=now, linked_assets=[111155551111])
    assert r.is_error() and r.get_data()["event_assets"] == ["Invalid assets ID"]
    r = case.update_event(111155551111)
    assert r.is_error() and "Invalid event ID" in r.get_msg()
    r = case.delete_event(111155551111)
    assert r.is_error() and "Not a valid event ID" in r.get_msg()
    e = ok(case.add_event(title="Off palette", date_time=now, color="#123456"))
    assert e["event_color"] == ""
    r = case.update_event(e["event_id"], category="dummy cat")
    assert r.is_error() and "Event category" in r.get_msg()
