"""Cases, their summary, outcome, task log and export, and customers, through the client's
`Case`, `Customer` and `AdminHelper` classes as a user script drives them."""

import uuid

from dfir_iris_client.admin import AdminHelper
from dfir_iris_client.case import Case
from dfir_iris_client.customer import Customer
from dfir_iris_client.helper.utils import get_data_from_resp, parse_api_data

from conftest import ok


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def new_case(session, name=None, customer="IrisInitialClient", classification="other:other"):
    """Adds a case for `customer` (a name, looked up by the client) and returns its id."""
    data = ok(Case(session=session).add_case(case_name=name or unique("Compat case"),
                                             case_description="Created by a compat scenario",
                                             case_customer=customer, case_classification=classification,
                                             soc_id="SOC-42", custom_attributes={}))
    return parse_api_data(data, "case_id")


def test_add_get_list_and_delete_a_case(session):
    case = Case(session=session)
    name = unique("Phishing wave")
    data = ok(case.add_case(case_name=name, case_description="Mails with a link", case_customer="IrisInitialClient",
                            case_classification="abusive-content:spam", soc_id="SOC-1", custom_attributes={}))
    cid = data["case_id"]
    assert data["case_name"] == f"#{cid} - {name}"
    assert data["classification_id"] == 1
    assert data["state_id"] == 3 and data["status_id"] == 0 and data["severity_id"] == 4

    got = ok(case.get_case(cid))
    assert got["case_name"] == f"#{cid} - {name}"
    assert got["case_description"] == "Mails with a link"
    assert got["case_soc_id"] == "SOC-1"
    assert got["customer_name"] == "IrisInitialClient"
    assert got["classification"] == "abusive-content:spam"
    assert got["state_name"] == "Open"
    assert got["close_date"] is None
    assert isinstance(got["open_by_user"], str) and got["status_id"] == 0

    rows = ok(case.list_cases())
    row = next(r for r in rows if r["case_id"] == cid)
    assert row["case_name"] == f"#{cid} - {name}"
    assert row["client_name"] == "IrisInitialClient"
    assert row["case_close_date"] == ""
    assert row["access_level"] == 4
    assert isinstance(row["opened_by_user_id"], int) and isinstance(row["owner"], str)

    assert case.case_id_exists(cid) is True
    ok(case.delete_case(cid))
    assert case.case_id_exists(cid) is False
    assert case.get_case(cid).is_error()


def test_update_a_case_as_the_client_merges_it(session):
    case = Case(session=session)
    cid = new_case(session)
    owner = ok(case.get_case(cid))["owner_id"]
    ok(case.update_case(case_id=cid, case_name="Renamed by the client", case_description="New description",
                        case_classification="malicious-code:ransomware", case_tags=["tag1", "tag2"],
                        case_owner=owner, soc_id="SOC-2"))
    got = ok(case.get_case(cid))
    assert got["case_name"] == f"#{cid} - Renamed by the client"
    assert got["case_description"] == "New description"
    assert got["case_tags"] == "tag1,tag2"
    assert got["classification"] == "malicious-code:ransomware"
    assert got["case_soc_id"] == "SOC-2"
    assert got["owner_id"] == owner

    # An update that changes nothing keeps everything (the client re-sends what it read).
    ok(case.update_case(case_id=cid))
    again = ok(case.get_case(cid))
    assert again["case_name"] == got["case_name"] and again["case_tags"] == "tag1,tag2"

    # Outcome by id and by the name the outcome list gives.
    ok(case.set_case_outcome_status(2, case_id=cid))
    assert ok(case.get_case(cid))["status_id"] == 2
    ok(case.set_case_outcome_status("legitimate", case_id=cid))
    got = ok(case.get_case(cid))
    assert got["status_id"] == 5 and got["status_name"] == "Legitimate"
    ok(case.delete_case(cid))


def test_close_and_reopen(session):
    case = Case(session=session)
    cid = new_case(session)
    closed = ok(case.close_case(case_id=cid))
    assert closed["state_id"] == 9 and closed["close_date"]
    got = ok(case.get_case(cid))
    assert got["state_name"] == "Closed" and got["close_date"] != ""
    row = next(r for r in ok(case.list_cases()) if r["case_id"] == cid)
    assert len(row["case_close_date"]) == 10 and row["case_close_date"][2] == "/"
    reopened = ok(case.reopen_case(case_id=cid))
    assert reopened["state_id"] == 3 and reopened["close_date"] is None
    assert ok(case.get_case(cid))["state_name"] == "Open"
    ok(case.delete_case(cid))


def test_summary_task_log_and_export(session):
    case = Case(session=session)
    cid = new_case(session)
    case.set_cid(cid)
    summary = ok(case.get_summary())
    assert summary["case_description"] == "Created by a compat scenario"
    assert isinstance(summary["crc32"], int)
    ok(case.set_summary("Dummy summary"))
    summary = ok(case.get_summary())
    assert summary["case_description"] == "Dummy summary"
    assert summary["crc32"] == 2277683553

    log = ok(case.add_task_log("Called the reporter"))
    assert log["activity_desc"] == "Called the reporter"
    assert log["case_id"] == cid and log["user_input"] is True

    export = ok(session.pi_get("case/export", cid=cid))
    assert export["case"]["case_id"] == cid
    assert export["case"]["case_description"] == "Dummy summary"
    for family in ("assets", "iocs", "timeline", "tasks", "notes", "evidences"):
        assert isinstance(export[family], list)
    ok(case.delete_case(cid))


def test_case_errors_are_soft(session):
    case = Case(session=session)
    # Unknown customer, by id and by name.
    assert case.add_case(case_name="Nope", case_description="Nope", case_customer=15551115,
                         case_classification="other:other", soc_id="", custom_attributes={}).is_error()
    assert case.add_case(case_name="Nope", case_description="Nope", case_customer="Dummy dummy 404",
                         case_classification="other:other", soc_id="", custom_attributes={}).is_error()
    # The primary case stays.
    resp = case.delete_case(1)
    assert resp.is_error()
    assert "Cannot delete a primary case to keep consistency" in resp.get_msg()
    # Unknown cases read as unreachable.
    assert case.case_id_exists(1111155555511111) is False
    resp = case.get_case(111155551111)
    assert resp.is_error() and "Permission denied" in resp.get_msg()
    resp = case.close_case(case_id=999999)
    assert resp.is_error()


def test_add_case_creating_its_customer(session):
    case = Case(session=session)
    customer = unique("compat customer").lower()
    data = ok(case.add_case(case_name=unique("For a new customer"), case_description="Creates its customer",
                            case_customer=customer, case_classification="other:other", soc_id="",
                            custom_attributes={"Test": {"Test": "Test"}}, create_customer=True))
    cid = data["case_id"]
    assert ok(case.get_case(cid))["customer_name"] == customer
    # A referenced customer stays until its case goes.
    adm = AdminHelper(session)
    resp = adm.delete_customer(customer=customer)
    assert resp.is_error() and "Cannot delete a referenced customer" in resp.get_msg()
    ok(case.delete_case(cid))
    ok(adm.delete_customer(customer=customer))
    assert Customer(session).lookup_customer(customer).is_error()


def test_customers(session):
    customers = Customer(session)
    adm = AdminHelper(session)
    first = ok(customers.list_customers())[0]
    assert first["customer_id"] == 1 and first["customer_name"] == "IrisInitialClient"

    name = unique("Dummy Customer")
    added = ok(adm.add_customer(name, "dummy description", "dummy sla"))
    assert added["customer_name"] == name.lower()  # the client lower-cases it
    assert type(added["customer_id"]) is int
    assert added["customer_sla"] == "dummy sla"

    found = ok(customers.lookup_customer(name.upper()))
    assert found["customer_id"] == added["customer_id"]
    got = ok(customers.get_customer_by_id(added["customer_id"]))
    assert got["customer_description"] == "dummy description" and got["contacts"] == []

    dup = adm.add_customer(name)
    assert dup.is_error()
    assert get_data_from_resp(dup) == {"customer_name": ["Customer already exists"]}
    assert dup.get_msg() == "Error adding customer"
    dup = adm.add_customer("IrisInitialClient")
    assert dup.is_error() and "customer_name" in dup.get_data()

    renamed = unique("renamed customer")
    ok(adm.update_customer(customer_id=added["customer_id"], customer_name=renamed))
    assert ok(customers.get_customer_by_id(added["customer_id"]))["customer_name"] == renamed.lower()
    ok(adm.delete_customer(customer=added["customer_id"]))
    assert customers.get_customer_by_id(added["customer_id"]).is_error()
    assert customers.lookup_customer(renamed).is_error()
