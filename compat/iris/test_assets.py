"""Assets of a case through the real client: names resolved by the client's helpers, values read
back, IOC links, the same asset in another case, and IRIS's soft errors."""

import uuid

from dfir_iris_client.case import Case

from conftest import ok


def new_case(session, label):
    """A case of its own (customer 1, classification 36 other:other), set as the Case's cid."""
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Compat scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case, data["case_id"]


def by_id(items, key, value):
    return next(i for i in items if i[key] == value)


def test_asset_lifecycle_with_names(session):
    case, cid = new_case(session, "Assets")
    a = ok(case.add_asset(name="WS-FIN-01", asset_type="Windows - Computer", analysis_status="Started",
                          compromise_status="Compromised", tags=["finance", "laptop"], description="CFO laptop",
                          domain="corp.example", ip="10.20.30.40", additional_info="EDR isolated",
                          custom_attributes={}))
    assert a["asset_name"] == "WS-FIN-01"
    assert a["asset_type_id"] == 9
    assert a["analysis_status_id"] == 3
    assert a["asset_compromise_status_id"] == 1
    assert a["asset_tags"] == "finance,laptop"
    assert a["asset_description"] == "CFO laptop"
    assert a["asset_domain"] == "corp.example"
    assert a["asset_ip"] == "10.20.30.40"
    assert a["asset_info"] == "EDR isolated"
    assert a["case_id"] == cid
    assert isinstance(a["user_id"], int)
    asset_id = a["asset_id"]

    assert case.asset_exists(asset_id) is True
    got = ok(case.get_asset(asset_id))
    assert got["asset_name"] == "WS-FIN-01"
    assert got["linked_ioc"] == []

    listed = ok(case.list_assets())
    assert isinstance(listed["state"]["object_state"], int)
    item = by_id(listed["assets"], "asset_id", asset_id)
    assert item["asset_type"] == "Windows - Computer"
    assert item["analysis_status"] == "Started"
    assert item["asset_icon_compromised"] == "ioc_windows_desktop.png"
    assert item["link"] == []

    u = ok(case.update_asset(asset_id, name="WS-FIN-01b", analysis_status="Done",
                             compromise_status="Not compromised", tags=["cleaned"], description="Reimaged"))
    assert u["asset_name"] == "WS-FIN-01b"
    assert u["analysis_status_id"] == 6
    assert u["asset_compromise_status_id"] == 2
    assert u["asset_tags"] == "cleaned"
    assert u["asset_description"] == "Reimaged"
    # Fields the update did not name are re-sent from what the client read.
    assert u["asset_ip"] == "10.20.30.40"
    assert u["asset_domain"] == "corp.example"
    assert u["asset_type_id"] == 9

    # D17: without a description, the client sends the (absent) analysis status in its place,
    # and what is sent is stored.
    u = ok(case.update_asset(asset_id, ip="dummy IP"))
    assert u["asset_ip"] == "dummy IP"
    assert u["asset_description"] is None

    ok(case.delete_asset(asset_id))
    gone = case.get_asset(asset_id)
    assert gone.is_error()
    assert "Invalid asset ID" in gone.get_msg()
    assert case.asset_exists(asset_id) is False


def test_asset_with_only_the_required_fields(session):
    case, _ = new_case(session, "Assets minimal")
    a = ok(case.add_asset(name="svc-backup", asset_type="Account", analysis_status="Unspecified"))
    assert a["asset_compromise_status_id"] is None
    assert a["asset_description"] is None
    assert a["asset_ip"] is None
    assert a["asset_tags"] is None
    assert a["custom_attributes"] is None
    ok(case.delete_asset(a["asset_id"]))
    again = case.delete_asset(a["asset_id"])
    assert again.is_error()


def test_asset_ioc_links(session):
    case, _ = new_case(session, "Assets links")
    ioc = ok(case.add_ioc(value="198.51.100.7", ioc_type="ip-any", ioc_tlp="red", description="C2"))
    a = ok(case.add_asset(name="DC01", asset_type="Windows - DC", analysis_status="Unspecified",
                          ioc_links=[ioc["ioc_id"]]))
    linked = a["linked_ioc"]
    assert [(l["ioc_id"], l["ioc_value"], l["type_name"], l["ioc_tlp_id"]) for l in linked] == \
        [(ioc["ioc_id"], "198.51.100.7", "ip-any", 1)]
    item = by_id(ok(case.list_assets())["assets"], "asset_id", a["asset_id"])
    assert item["ioc_links"] == [{"ioc_id": ioc["ioc_id"], "ioc_value": "198.51.100.7"}]

    # The client checks each link exists before sending.
    bad = case.update_asset(a["asset_id"], ioc_links=[111155551111])
    assert bad.is_error()
    assert "IOC" in bad.get_msg()

    u = ok(case.update_asset(a["asset_id"], ioc_links=[]))
    assert u["linked_ioc"] == []


def test_same_asset_in_another_case_of_the_customer_is_linked(session):
    case_a, cid_a = new_case(session, "Assets A")
    case_b, cid_b = new_case(session, "Assets B")
    name = f"SRV-{uuid.uuid4().hex[:6]}"
    a = ok(case_a.add_asset(name=name, asset_type="Linux - Server", analysis_status="Unspecified"))
    ok(case_b.add_asset(name=name.lower(), asset_type="Linux - Server", analysis_status="Unspecified",
                        description="seen here too", compromise_status=1))
    item = by_id(ok(case_a.list_assets())["assets"], "asset_id", a["asset_id"])
    links = [(l["case_id"], l["asset_description"], l["asset_compromise_status_id"]) for l in item["link"]]
    assert links == [(cid_b, "seen here too", 1)]
    assert item["link"][0]["case_name"].startswith(f"#{cid_b} - ")


def test_asset_errors_are_soft(session):
    case, _ = new_case(session, "Assets errors")
    r = case.get_asset(111155551111)
    assert r.is_error() and "Invalid asset ID" in r.get_msg()
    r = case.add_asset(name="x", asset_type=111155551111, analysis_status="Unspecified")
    assert r.is_error()
    assert "Invalid" in r.get_data()["asset_type_id"][0]
    r = case.add_asset(name="x", asset_type="Account", analysis_status=111155551111)
    assert r.is_error()
    assert "Invalid" in r.get_data()["analysis_status_id"][0]
    r = case.add_asset(name="x", asset_type="No such type", analysis_status="Unspecified")
    assert r.is_error() and "asset type" in r.get_msg().lower()

    ok(case.add_asset(name="Twice", asset_type="Account", analysis_status="Unspecified"))
    r = case.add_asset(name="twice", asset_type="Account", analysis_status="Unspecified")
    assert r.is_error()
    assert r.get_data()["asset_name"] == ["Asset name already exists in this case"]

    r = case.delete_asset(111155551111)
    assert r.is_error() and "Invalid asset ID" in r.get_msg()
    r = case.update_asset(111155551111, name="x", asset_type="Account", analysis_status="Unspecified")
    assert r.is_error() and "Invalid asset ID" in r.get_msg()
