"""Reference lookups through the client's helper classes (names resolved to the ids
integrations hard-code), and the admin writes of classifications, IOC types and asset types."""

import uuid

import pytest
from dfir_iris_client.admin import AdminHelper
from dfir_iris_client.case import Case
from dfir_iris_client.helper.alert_status import AlertStatusHelper
from dfir_iris_client.helper.analysis_status import AnalysisStatusHelper
from dfir_iris_client.helper.assets_type import AssetTypeHelper
from dfir_iris_client.helper.case_classifications import CaseClassificationsHelper
from dfir_iris_client.helper.compromise_status import CompromiseStatusHelper
from dfir_iris_client.helper.events_categories import EventCategoryHelper
from dfir_iris_client.helper.ioc_types import IocTypeHelper
from dfir_iris_client.helper.outcome_status import CaseOutcomeStatusHelper
from dfir_iris_client.helper.task_status import TaskStatusHelper
from dfir_iris_client.helper.tlps import TlpHelper
from dfir_iris_client.helper.utils import parse_api_data

from conftest import ok


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_names_resolve_to_the_iris_ids(session):
    assert AssetTypeHelper(session).lookup_asset_type_name("Windows - Computer") == 9
    assert AssetTypeHelper(session).lookup_asset_type_name("account") == 1
    assert IocTypeHelper(session).lookup_ioc_type_name("ip-any") == 76
    assert IocTypeHelper(session).lookup_ioc_type_name("AS") == 1
    assert IocTypeHelper(session).lookup_ioc_type_name("no-such-type") is None
    assert TlpHelper(session).lookup_tlp_name("amber") == 2
    assert TlpHelper(session).lookup_tlp_name("red") == 1
    assert CaseClassificationsHelper(session).lookup_case_classification_name("abusive-content:spam") == 1
    assert CaseClassificationsHelper(session).lookup_case_classification_name("other:other") == 36
    assert CaseClassificationsHelper(session).lookup_case_classification_name("invalid") is None
    assert TaskStatusHelper(session).lookup_task_status_name("To do") == 1
    assert TaskStatusHelper(session).lookup_task_status_name("done") == 4
    assert EventCategoryHelper(session).lookup_event_category_name("Execution") == 5
    assert AnalysisStatusHelper(session).lookup_analysis_status_name("Unspecified") == 1
    assert CompromiseStatusHelper(session).lookup_compromise_status_name("compromised") == 1
    assert CompromiseStatusHelper(session).lookup_compromise_status_name("To be determined") == 0
    assert CaseOutcomeStatusHelper(session).lookup_case_outcome_status_name("False positive") == 1
    assert CaseOutcomeStatusHelper(session).lookup_case_outcome_status_name("legitimate") == 5
    assert AlertStatusHelper(session).lookup_alert_status_name("Merged") == 7
    assert AlertStatusHelper(session).lookup_alert_status_name("new") == 2


def test_lists_and_rows_have_the_iris_fields(session):
    assets = ok(AssetTypeHelper(session).list_asset_types())
    assert len(assets) == 21
    assert set(assets[0]) == {"asset_id", "asset_name", "asset_description", "asset_icon_compromised",
                              "asset_icon_not_compromised"}
    one = ok(AssetTypeHelper(session).get_asset_type(9))
    assert one["asset_name"] == "Windows - Computer"

    iocs = ok(IocTypeHelper(session).list_ioc_types())
    assert len(iocs) == 160
    for key in ("type_id", "type_name", "type_description", "type_taxonomy"):
        parse_api_data(iocs[0], key)
    assert ok(IocTypeHelper(session).get_ioc_type(76))["type_name"] == "ip-any"

    tlp = ok(TlpHelper(session).get_tlp(2))
    assert tlp == {"tlp_id": 2, "tlp_name": "amber", "tlp_bscolor": "warning"}

    classification = ok(CaseClassificationsHelper(session).get_case_classification(1))
    assert isinstance(classification["creation_date"], str)
    assert classification["name_expanded"] and isinstance(classification["id"], int)
    assert CaseClassificationsHelper(session).get_case_classification(999999).is_error()

    statuses = ok(TaskStatusHelper(session).list_task_status_types())
    assert [s["status_name"] for s in statuses] == ["To do", "In progress", "On hold", "Done", "Canceled"]
    assert ok(TaskStatusHelper(session).get_task_status(4))["status_bscolor"] == "success"
    assert ok(EventCategoryHelper(session).get_event_category(1)) == {"id": 1, "name": "Unspecified"}
    assert ok(AnalysisStatusHelper(session).get_analysis_status(6))["name"] == "Done"
    assert ok(AlertStatusHelper(session).get_alert_status(8))["status_name"] == "Escalated"
    outcomes = ok(CaseOutcomeStatusHelper(session).list_case_outcome_status_types())
    assert [o["value"] for o in outcomes] == [0, 1, 2, 3, 4, 5]
    assert ok(CompromiseStatusHelper(session).list_compromise_status_types())[3] == {"value": 3, "name": "Unknown"}

    # Lists the client has no helper for.
    states = ok(session.pi_get("manage/case-states/list"))
    assert {"state_id": 9, "state_name": "Closed"}.items() <= next(s for s in states if s["state_id"] == 9).items()
    severities = ok(session.pi_get("manage/severities/list"))
    assert [s["severity_name"] for s in severities] == ["Unspecified", "Informational", "Low", "Medium", "High",
                                                        "Critical"]
    assert len(ok(session.pi_get("manage/evidence-types/list"))) == 58


def test_unknown_rows_are_soft_errors(session):
    for resp in (AssetTypeHelper(session).get_asset_type(999),
                 IocTypeHelper(session).get_ioc_type(111155551111),
                 TlpHelper(session).get_tlp(-1),
                 TaskStatusHelper(session).get_task_status(99),
                 EventCategoryHelper(session).get_event_category(99),
                 AnalysisStatusHelper(session).get_analysis_status(99)):
        assert resp.is_error()
    assert TlpHelper(session).get_tlp(99).get_msg() == "Invalid TLP ID 99"


def test_case_classifications_admin(session):
    adm = AdminHelper(session)
    name = unique("dummy:classification")
    added = ok(adm.add_case_classification(name=name, name_expanded="Dummy: Classification",
                                           description="dummy description"))
    assert added["name"] == name and added["name_expanded"] == "Dummy: Classification"
    cl_id = added["id"]
    assert CaseClassificationsHelper(session).lookup_case_classification_name(name) == cl_id

    dup = adm.add_case_classification(name=name, name_expanded="Again", description="dummy description")
    assert dup.is_error()
    assert dup.get_data().get("name") == ["Case classification name already exists"]

    renamed = unique("new:classification")
    ok(adm.update_case_classification(classification_id=cl_id, name=renamed, name_expanded="New: Classification"))
    got = ok(CaseClassificationsHelper(session).get_case_classification(cl_id))
    assert got["name"] == renamed and got["description"] == "dummy description"
    clash = adm.update_case_classification(classification_id=cl_id, name="other:other")
    assert clash.get_data().get("name") == ["Case classification name already exists"]

    # A case can use it.
    case = Case(session=session)
    cid = ok(case.add_case(case_name=unique("Classified"), case_description="Uses the new one",
                           case_customer=1, case_classification=renamed, soc_id="", custom_attributes={}))["case_id"]
    assert ok(case.get_case(cid))["classification"] == renamed
    ok(case.delete_case(cid))

    ok(adm.delete_case_classification(cl_id))
    assert CaseClassificationsHelper(session).lookup_case_classification_name(renamed) is None


def test_ioc_types_admin(session):
    adm = AdminHelper(session)
    name = unique("dummy ioc type")
    added = ok(adm.add_ioc_type(name, description="dummy description", taxonomy="dummy taxo"))
    assert added["type_name"] == name and added["type_taxonomy"] == "dummy taxo"
    assert type(added["type_id"]) is int
    assert IocTypeHelper(session).lookup_ioc_type_name(name) == added["type_id"]

    dup = adm.add_ioc_type("AS", description="dummy description", taxonomy="dummy taxo")
    assert dup.is_error() and "Data error" in dup.get_msg()
    assert dup.get_data().get("type_name") == ["IOC type name already exists"]

    renamed = unique("renamed ioc type")
    ok(adm.update_ioc_type(ioc_type_id=added["type_id"], name=renamed, taxonomy="new taxo"))
    got = ok(IocTypeHelper(session).get_ioc_type(added["type_id"]))
    assert got["type_name"] == renamed and got["type_taxonomy"] == "new taxo"
    assert got["type_description"] == "dummy description"

    ok(adm.delete_ioc_type(added["type_id"]))
    assert IocTypeHelper(session).get_ioc_type(added["type_id"]).is_error()
    assert adm.delete_ioc_type(76).is_error()


def test_asset_types_admin(session):
    adm = AdminHelper(session)
    # The client refuses these itself (IRIS 2 takes multipart with icons) ...
    with pytest.raises(DeprecationWarning):
        adm.add_asset_type("dummy asset type", description="dummy description")
    with pytest.raises(DeprecationWarning):
        adm.update_asset_type(asset_type_id=0, name="dummy asset type", description="dummy description")
    # ... so a script posts JSON, as IRIS 1.x took it.
    name = unique("dummy asset type")
    added = ok(session.pi_post("manage/asset-type/add",
                               data={"asset_name": name, "asset_description": "dummy description", "cid": 1}))
    assert AssetTypeHelper(session).lookup_asset_type_name(name) == added["asset_id"]
    dup = session.pi_post("manage/asset-type/add", data={"asset_name": "WAF", "asset_description": "again"})
    assert dup.get_data() == {"asset_name": ["Asset type name already exists"]}
    ok(adm.delete_asset_type(added["asset_id"]))
    assert AssetTypeHelper(session).lookup_asset_type_name(name) is None
