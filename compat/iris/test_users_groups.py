"""Users, groups and access control through the real client: AdminHelper and User as a script
would drive them, values read back, the new user's own key, and the errors the client reports."""

import uuid

import pytest
from dfir_iris_client.admin import AdminHelper
from dfir_iris_client.case import Case
from dfir_iris_client.helper.authorization import CaseAccessLevel, Permissions
from dfir_iris_client.session import ClientSession
from dfir_iris_client.users import User

from conftest import ok


def user_session(session, server, key):
    """A session with another user's key. Opening it makes it the client's global session;
    the scenario's own session is put back so that later tests keep using it."""
    import dfir_iris_client.session as client_module
    try:
        return ClientSession(apikey=key, host=server.url, ssl_verify=False, timeout=30)
    finally:
        client_module.client_session = session

PASSWORD = "TestPassword1-"


def unique(label):
    return f"{label}_{uuid.uuid4().hex[:8]}"


def new_user(adm, label="user"):
    """Adds a user; returns (login, data of the answer)."""
    login = unique(label)
    data = ok(adm.add_user(login=login, name=f"{login} name", password=PASSWORD, email=f"{login}@iris.local"))
    return login, data


def new_case(session, label):
    case = Case(session=session)
    data = ok(case.add_case(case_name=unique(label), case_description="Access scenario", case_customer=1,
                            case_classification=36, soc_id=""))
    return data["case_id"]


def test_user_lifecycle(session, server):
    adm = AdminHelper(session)
    users = User(session)
    login, added = new_user(adm)
    assert added["user_login"] == login
    assert added["user_name"] == f"{login} name"
    assert added["user_email"] == f"{login}@iris.local"
    assert added["active"] is True
    assert added["has_deletion_confirmation"] is False
    assert added["external_id"] is None and added["in_dark_mode"] is None
    assert isinstance(added["uuid"], str) and isinstance(added["id"], int)
    user_id = added["id"]

    # Lookups by login and by id, as the User helper makes them.
    assert users.user_exists(login) is True
    assert users.user_exists(user_id) is True
    looked = ok(users.lookup_username(login))
    assert looked == {"user_id": user_id, "user_uuid": added["uuid"], "user_login": login,
                      "user_name": f"{login} name", "user_email": f"{login}@iris.local", "user_active": True}
    assert ok(users.get_user(user_id)) == {"user_id": user_id, "user_login": login, "user_name": f"{login} name"}
    listed = ok(users.list_users())
    assert any(u["user_login"] == login and u["user_active"] is True for u in listed)

    # The full record, through AdminHelper (it resolves the login first).
    full = ok(adm.get_user(login))
    assert full["user_id"] == user_id
    assert full["user_groups"] == [] and full["user_cases_access"] == [] and full["user_customers"] == []
    assert isinstance(full["user_permissions"], dict)
    assert {p["name"] for p in full["user_permissions"].values()} >= {"standard_user", "search_across_cases"}
    assert len(full["user_organisations"]) == 1 and full["user_organisations"][0]["is_primary_org"] is True

    # Update: only what is given changes; the login stays (the client sends null).
    ok(adm.update_user(login, name="Renamed User", email=f"renamed-{login}@iris.local"))
    full = ok(adm.get_user(user_id))
    assert (full["user_login"], full["user_name"], full["user_email"]) == (
        login, "Renamed User", f"renamed-{login}@iris.local")
    ok(adm.update_user(user_id, password="AnotherPassword2"))

    # The new user's key opens a session; as an analyst they may search but not administer.
    own = user_session(session, server, added["user_api_key"])
    own_adm = AdminHelper(own)
    assert own_adm.has_permission(Permissions.search_across_cases).is_success()
    assert own_adm.has_permission(Permissions.server_administrator).is_error()
    r = own_adm.list_groups()
    assert r.is_error() and "Permission denied" in r.get_msg()
    assert ok(User(own).lookup_username(login))["user_id"] == user_id

    # An active user is not deleted; a deactivated one is, and their key stops working at once.
    r = adm.delete_user(login)
    assert r.is_error() and "Cannot delete active user" in r.get_msg()
    deactivated = ok(adm.deactivate_user(login))
    assert deactivated["user_active"] is False and deactivated["active"] is False
    with pytest.raises(ValueError, match="Invalid API key"):
        user_session(session, server, added["user_api_key"])
    ok(adm.delete_user(login))
    assert users.user_exists(login) is False
    assert users.user_exists(user_id) is False
    assert all(u["user_login"] != login for u in ok(users.list_users()))

    # The login can be used again, by a new user.
    again = ok(adm.add_user(login=login, name="Second life", password=PASSWORD, email=f"{login}@iris.local"))
    assert again["id"] != user_id
    ok(adm.deactivate_user(again["id"]))
    ok(adm.delete_user(again["id"]))


def test_user_errors(session):
    adm = AdminHelper(session)
    users = User(session)
    r = adm.get_user("dummy user")
    assert r.is_error() and "Invalid login" in r.get_msg()
    assert users.user_exists("nonexistent") is False
    assert users.user_exists(999999999) is False
    assert users.lookup_username("nonexistent").is_error()
    assert users.get_user(999999999).is_error()

    login, added = new_user(adm, "dup")
    r = adm.add_user(login=login, name="Other", password=PASSWORD, email=f"other-{login}@iris.local")
    assert r.is_error() and r.get_data() == {"user_login": ["User name already taken"]}
    r = adm.add_user(login=unique("other"), name="Other", password=PASSWORD, email=f"{login}@iris.local")
    assert r.is_error() and r.get_data() == {"user_email": ["User email already taken"]}
    r = adm.add_user(login=unique("weak"), name="Weak", password="weakpassword", email=f"weak-{login}@iris.local")
    assert r.is_error() and r.get_msg() == "Data error" and "user_password" in r.get_data()
    # A service account needs no password.
    svc = ok(adm.add_user(login=unique("svc"), name="Service", password="", email=f"svc-{login}@iris.local",
                          is_service_account=True))
    assert svc["user_is_service_account"] is True and svc["user_api_key"]

    r = adm.update_user(999999999, name="Nobody")
    assert r.is_error() and "Unable to fetch user" in r.get_msg()
    r = adm.deactivate_user("nonexistent")
    assert r.is_error() and "Invalid login" in r.get_msg()
    r = adm.delete_user_by_id(999999999)
    assert r.is_error() and "Invalid user ID" in r.get_msg()
    for u in (added["id"], svc["id"]):
        ok(adm.deactivate_user(u))
        ok(adm.delete_user(u))


def test_user_case_access(session):
    adm = AdminHelper(session)
    case_id = new_case(session, "Access")
    login, added = new_user(adm, "reader")
    data = ok(adm.update_user_cases_access(login, cases_list=[case_id], access_level=CaseAccessLevel.read_only))
    access = data["user_cases_access"]
    assert [(a["case_id"], a["access_level"]) for a in access] == [(case_id, 2)]
    assert access[0]["access_level_list"] == [{"name": "read_only", "value": 2}]
    assert access[0]["case_name"].startswith(f"#{case_id} - ")
    assert ok(adm.get_user(login))["user_cases_access"] == access

    # The trace shows the user's own row deciding this case.
    trace = ok(adm.get_user_cases_access_trace(login))
    entry = trace["access_audit"][str(case_id)]
    assert entry["user_effective_access"] == [{"name": "read_only", "value": CaseAccessLevel.read_only.value}]
    assert entry["user_access"][-1]["state"] == "Effective"
    assert entry["user_access"][-1]["inherited_from"]["object_type"] == "user_access_level"
    assert trace["permissions_audit"]["effective"] == 1133
    assert ok(adm.recompute_user_cases_access(login)) == []
    assert adm.recompute_all_users_cases_access().get_msg() == "Updated"

    r = adm.update_user_cases_access(login, cases_list=[999999], access_level=CaseAccessLevel.full_access)
    assert r.is_error() and "Invalid case ID" in r.get_msg()
    ok(adm.deactivate_user(login))
    ok(adm.delete_user(login))


def test_builtin_groups(session):
    adm = AdminHelper(session)
    groups = ok(adm.list_groups())
    assert groups[0]["group_name"] == "Administrators"
    for g in groups:
        assert isinstance(g["group_auto_follow"], bool)
        assert isinstance(g["group_auto_follow_access_level"], int)
        assert isinstance(g["group_description"], str)
        assert isinstance(g["group_id"], int)
        assert isinstance(g["group_members"], list)
        assert isinstance(g["group_permissions"], int)
        assert isinstance(g["group_permissions_list"], list)
        assert isinstance(g["group_uuid"], str)
    admins = ok(adm.lookup_group("administrators"))
    assert admins["group_id"] == 1
    assert admins["group_permissions"] == 4095
    assert admins["group_auto_follow"] is True and admins["group_auto_follow_access_level"] == 4
    assert any(m["id"] == 1 for m in admins["group_members"])
    analysts = ok(adm.get_group("Analysts"))
    assert analysts["group_permissions"] == 1133
    assert {p["name"] for p in analysts["group_permissions_list"]} == {
        "standard_user", "alerts_read", "alerts_write", "search_across_cases", "customers_read",
        "activities_read"}
    r = adm.delete_group("Analysts")
    assert r.is_error() and "built-in" in r.get_msg()


def test_group_lifecycle(session):
    adm = AdminHelper(session)
    name = unique("responders")
    g = ok(adm.add_group(group_name=name, group_description="Incident responders",
                         group_permissions=[Permissions.standard_user, Permissions.customers_read]))
    assert g["group_name"] == name
    assert g["group_permissions"] == 0x1 | 0x40
    assert g["group_auto_follow"] is False and g["group_auto_follow_access_level"] == 0
    assert g["group_members"] == [] and g["group_cases_access"] == []
    group_id = g["group_id"]
    assert ok(adm.get_group(group_id)) == g
    assert ok(adm.lookup_group(name.upper()))["group_id"] == group_id

    r = adm.add_group(group_name=name.upper(), group_description="Again", group_permissions=[])
    assert r.is_error() and r.get_data() == {"group_name": ["Group already exists"]}

    u = ok(adm.update_group(name, group_name=f"{name} updated", group_description="Changed",
                            group_permissions=[Permissions.server_administrator, Permissions.standard_user]))
    assert (u["group_name"], u["group_description"], u["group_permissions"]) == (f"{name} updated", "Changed", 3)
    name = f"{name} updated"

    # Members: the list replaces the members; unknown ids are skipped.
    login, added = new_user(adm, "member")
    m = ok(adm.update_group_members(name, [1, added["id"], 999999]))
    assert sorted(x["id"] for x in m["group_members"]) == [1, added["id"]]
    assert {"id": added["id"], "user": login, "name": f"{login} name"} in m["group_members"]
    full = ok(adm.get_user(login))
    assert [x["group_name"] for x in full["user_groups"]] == [name]
    assert name in full["user_permissions"]["2"]["inherited_from"]
    m = ok(adm.update_group_members(group_id, [1]))
    assert [x["id"] for x in m["group_members"]] == [1]

    # Case access: some cases, then every case (auto-follow, D8).
    case_id = new_case(session, "Group access")
    c = ok(adm.update_group_cases_access(group_id, [case_id], CaseAccessLevel.read_only, auto_follow=False))
    assert c["group_auto_follow_access_level"] == 0
    assert [(x["case_id"], x["access_level"]) for x in c["group_cases_access"]] == [(case_id, 2)]
    assert c["group_cases_access"][0]["access_level_list"][0] == {"name": "read_only", "value": 2}
    c = ok(adm.update_group_cases_access(group_id, [], CaseAccessLevel.full_access, auto_follow=True))
    assert c["group_auto_follow"] is True and c["group_auto_follow_access_level"] == 4
    assert (case_id, 4) in [(x["case_id"], x["access_level"]) for x in c["group_cases_access"]]
    later = new_case(session, "Followed")
    assert later in [x["case_id"] for x in ok(adm.get_group(group_id))["group_cases_access"]]
    r = adm.update_group_cases_access(group_id, [999999], CaseAccessLevel.read_only)
    assert r.is_error() and "Invalid case ID" in r.get_msg()

    r = adm.delete_group(name)
    assert r.is_success() and r.get_msg() == "Group deleted"
    r = adm.get_group(name)
    assert r.is_error() and "not found" in r.get_msg()
    r = adm.delete_group(999999)
    assert r.is_error() and "invalid group id" in r.get_msg().lower()
    assert ok(adm.get_user(login))["user_groups"] == []
    ok(adm.deactivate_user(login))
    ok(adm.delete_user(login))
