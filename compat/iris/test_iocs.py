"""IOCs of a case through the real client: type and TLP names, values read back, one IOC per
case (D11) with links to the other cases that hold the same value, and the soft errors."""

import uuid

from dfir_iris_client.case import Case

from conftest import ok


def new_case(session, label):
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Compat scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case, data["case_id"]


def by_id(items, value):
    return next(i for i in items if i["ioc_id"] == value)


def test_ioc_lifecycle_with_names(session):
    case, _ = new_case(session, "IOCs")
    i = ok(case.add_ioc(value="198.51.100.23", ioc_type="ip-any", ioc_tlp="amber", description="Beacon target",
                        ioc_tags=["c2", "cobalt"]))
    assert i["ioc_value"] == "198.51.100.23"
    assert i["ioc_type_id"] == 76
    assert i["ioc_tlp_id"] == 2
    assert i["ioc_description"] == "Beacon target"
    assert i["ioc_tags"] == "c2,cobalt"
    ioc_id = i["ioc_id"]

    got = ok(case.get_ioc(ioc_id))
    assert got["ioc_type"] == "ip-any"

    listed = ok(case.list_iocs())
    item = by_id(listed["ioc"], ioc_id)
    assert item["tlp_name"] == "amber"
    assert item["ioc_type"] == "ip-any"
    assert item["link"] == []
    assert isinstance(listed["state"]["object_state"], int)

    u = ok(case.update_ioc(ioc_id, description="Confirmed C2", ioc_tlp="red", ioc_tags=["c2"]))
    assert u["ioc_description"] == "Confirmed C2"
    assert u["ioc_tlp_id"] == 1
    assert u["ioc_tags"] == "c2"
    assert u["ioc_value"] == "198.51.100.23"
    u = ok(case.update_ioc(ioc_id, value="198.51.100.24", ioc_type="ip-dst"))
    assert (u["ioc_value"], u["ioc_type_id"], u["ioc_description"]) == ("198.51.100.24", 77, "Confirmed C2")

    ok(case.delete_ioc(ioc_id))
    r = case.get_ioc(ioc_id)
    assert r.is_error() and "Invalid IOC ID" in r.get_msg()


def test_adding_an_ioc_twice_returns_the_first(session):
    case, _ = new_case(session, "IOCs twice")
    first = ok(case.add_ioc(value="dummy ioc", ioc_type="AS", ioc_tlp="amber", ioc_tags=["one"]))
    again = case.add_ioc(value="dummy ioc", ioc_type="AS", ioc_tlp="clear", ioc_tags=["two"])
    assert again.is_success()
    assert "already exists" in again.get_msg()
    assert again.get_data()["ioc_id"] == first["ioc_id"]
    assert again.get_data()["ioc_tags"] == "one"
    assert len(ok(case.list_iocs())["ioc"]) == 1


def test_iocs_are_per_case_and_linked(session):
    case_a, cid_a = new_case(session, "IOCs A")
    case_b, cid_b = new_case(session, "IOCs B")
    value = f"{uuid.uuid4().hex[:10]}.example"
    a = ok(case_a.add_ioc(value=value, ioc_type="domain", description="from A"))
    b = ok(case_b.add_ioc(value=value, ioc_type="domain", description="from B"))
    assert a["ioc_id"] != b["ioc_id"]
    ok(case_b.update_ioc(b["ioc_id"], description="edited in B", ioc_tlp="red"))
    mine = ok(case_a.get_ioc(a["ioc_id"]))
    assert (mine["ioc_description"], mine["ioc_tlp_id"]) == ("from A", 2)
    link = by_id(ok(case_a.list_iocs())["ioc"], a["ioc_id"])["link"]
    assert [(l["case_id"], l["client_name"]) for l in link] == [(cid_b, "IrisInitialClient")]
    assert link[0]["case_name"].startswith(f"#{cid_b} - ")
    # An IOC of another case cannot be read or deleted through this one.
    r = case_a.get_ioc(b["ioc_id"])
    assert r.is_error() and "Invalid IOC ID" in r.get_msg()


def test_ioc_errors_are_soft(session):
    case, _ = new_case(session, "IOCs errors")
    r = case.add_ioc(value="dummy ioc", ioc_type="dummy AS", ioc_tlp="amber")
    assert r.is_error() and "IOC type" in r.get_msg()
    r = case.add_ioc(value="dummy ioc", ioc_type=111155551111, ioc_tlp="amber")
    assert r.is_error() and "Invalid ioc type ID" in r.get_data()["ioc_type_id"]
    r = case.add_ioc(value="dummy ioc", ioc_type="AS", ioc_tlp="dummy amber")
    assert r.is_error() and "TLP" in r.get_msg()
    r = case.add_ioc(value="dummy ioc", ioc_type="AS", ioc_tlp=111155551111)
    assert r.is_error() and "Invalid TLP ID" in r.get_data()["ioc_tlp_id"][0]
    r = case.add_ioc(value="not a hash", ioc_type="sha256")
    assert r.is_error()
    assert "64 hexadecimal characters" in r.get_data()["ioc_ioc_value"][0]

    i = ok(case.add_ioc(value="dummy ioc", ioc_type="AS"))
    r = case.update_ioc(i["ioc_id"], ioc_type=111155551111)
    assert r.is_error() and "Invalid ioc type ID" in r.get_data()["ioc_type_id"]
    r = case.update_ioc(i["ioc_id"], ioc_tlp=111155551111)
    assert r.is_error() and "Invalid TLP ID" in r.get_data()["ioc_tlp_id"][0]
    r = case.delete_ioc(111155551111)
    assert r.is_error() and "Not a valid IOC" in r.get_msg()
    r = case.get_ioc(111155551111)
    assert r.is_error() and "Invalid IOC ID" in r.get_msg()
