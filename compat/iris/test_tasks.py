"""Case tasks and global tasks through the client, as a user script drives them: assignees by
login or number, statuses by name, full updates, and the errors the client reports."""

import uuid

from dfir_iris_client.case import Case
from dfir_iris_client.users import User

from conftest import ok

ADMIN_LOGIN = "admin"


def new_case(session, label):
    """A case of its own for one test; the returned Case has its cid set."""
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Task scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case


def user_id(session, login):
    return ok(User(session=session).lookup_username(login))["user_id"]


def test_case_task_lifecycle(session):
    case = new_case(session, "Tasks")
    me = user_id(session, ADMIN_LOGIN)

    # A login is looked up by the client; an unknown number is skipped by the server.
    task = ok(case.add_task(title="Collect triage", status="To do", assignees=[ADMIN_LOGIN, 111155551111],
                            description="KAPE on DC01", tags=["triage", "dc"], custom_attributes={}))
    task_id = task["id"]
    assert task["task_title"] == "Collect triage"
    assert task["task_description"] == "KAPE on DC01"
    assert task["task_tags"] == "triage,dc"
    assert task["task_status_id"] == 1
    assert task["task_case_id"] == case._cid
    assert [a["id"] for a in task["task_assignees"]] == [me]
    assert task["task_assignees"][0]["user"] == ADMIN_LOGIN
    assert task["task_close_date"] is None and task["task_userid_close"] is None
    assert task["task_userid_open"] == me and task["task_userid_update"] == me
    assert isinstance(task["task_open_date"], str) and isinstance(task["task_last_update"], str)

    got = ok(case.get_task(task_id))
    assert got["task_title"] == "Collect triage"
    assert got["task_assignees"] == task["task_assignees"]

    listed = ok(case.list_tasks())
    assert [t["task_id"] for t in listed["tasks"]] == [task_id]
    assert listed["tasks"][0]["status_name"] == "To do"
    assert listed["tasks"][0]["status_bscolor"] == "danger"
    assert {s["status_name"] for s in listed["tasks_status"]} >= {"To do", "In progress", "Done"}
    assert isinstance(listed["state"]["object_state"], int)

    # The client re-sends every field it read; Done leaves the close fields empty.
    done = ok(case.update_task(task_id, title="Collect triage v2", status="Done", assignees=[ADMIN_LOGIN],
                               description="Collected", tags=["tag1", "tag2"]))
    assert done["id"] == task_id
    assert done["task_title"] == "Collect triage v2"
    assert done["task_status_id"] == 4
    assert done["task_description"] == "Collected"
    assert done["task_tags"] == "tag1,tag2"
    assert done["task_close_date"] is None and done["task_userid_close"] is None

    same = ok(case.update_task(task_id))
    assert same["task_title"] == "Collect triage v2"
    assert same["task_tags"] == "tag1,tag2"
    assert [a["id"] for a in same["task_assignees"]] == [me]
    assert ok(case.get_task(task_id))["task_status_id"] == 4

    ok(case.delete_task(task_id))
    gone = case.get_task(task_id)
    assert gone.is_error()
    assert gone.get_msg() == "Invalid task ID for this case"
    assert ok(case.list_tasks())["tasks"] == []


def test_case_task_errors(session):
    case = new_case(session, "Task errors")
    bad = case.add_task(title="dummy title", status="dummy status", assignees=[ADMIN_LOGIN])
    assert bad.is_error() and "Invalid task status" in bad.get_msg()
    bad = case.add_task(title="dummy title", status=111155551111, assignees=[ADMIN_LOGIN])
    assert bad.is_error()
    assert bad.get_data() == {"task_status_id": ["Invalid task status ID"]}
    bad = case.add_task(title="dummy title", status="To do", assignees=["dummy user"])
    assert bad.is_error() and "Invalid login" in bad.get_msg()
    # An unknown assignee number is no error: the task just has no assignee.
    lone = ok(case.add_task(title="dummy title", status="To do", assignees=[111155551111]))
    assert lone["task_assignees"] == []

    bad = case.update_task(lone["id"], status=111155551111)
    assert bad.is_error()
    assert ok(case.get_task(lone["id"]))["task_status_id"] == 1
    bad = case.update_task(lone["id"], assignees=["dummy assignee"])
    assert bad.is_error() and "Invalid login" in bad.get_msg()

    for resp in (case.get_task(111155551111), case.delete_task(111155551111)):
        assert resp.is_error() and resp.get_msg() == "Invalid task ID for this case"
    assert case.update_task(111155551111, title="x").is_error()
    denied = case.delete_task(1, cid=111155551111)
    assert denied.is_error() and "permission denied" in denied.get_msg().lower()
    ok(case.delete_task(lone["id"]))


def test_global_task_lifecycle(session):
    case = Case(session=session)
    me = user_id(session, ADMIN_LOGIN)
    title = f"Rotate keys {uuid.uuid4().hex[:8]}"
    task = ok(case.add_global_task(title=title, status="To do", assignee=ADMIN_LOGIN,
                                   description="All service accounts", tags=["hygiene", "keys"]))
    task_id = task["task_id"]
    assert task["task_assignee_id"] == me
    assert task["task_title"] == title
    assert task["task_description"] == "All service accounts"
    assert task["task_tags"] == "hygiene,keys"
    assert task["task_status_id"] == 1
    assert task["task_close_date"] is None and task["task_userid_close"] is None
    assert task["task_userid_update"] == me

    listed = [t for t in ok(case.list_global_tasks())["tasks"] if t["task_id"] == task_id]
    assert len(listed) == 1
    assert listed[0]["status_name"] == "To do"
    assert isinstance(listed[0]["user_name"], str)
    assert listed[0]["task_assignee_id"] == me

    assert ok(case.get_global_task(task_id))["task_title"] == title

    done = ok(case.update_global_task(task_id, title=title + " (done)", status="Done", assignee=ADMIN_LOGIN,
                                      description="Rotated", tags=["tag1", "tag2"]))
    assert done["task_title"] == title + " (done)"
    assert done["task_status_id"] == 4
    assert done["task_description"] == "Rotated"
    assert done["task_tags"] == "tag1,tag2"
    assert done["task_close_date"] is None and done["task_userid_close"] is None

    same = ok(case.update_global_task(task_id))
    assert same["task_title"] == title + " (done)"
    assert same["task_assignee_id"] == me

    ok(case.delete_global_task(task_id))
    gone = case.get_global_task(task_id)
    assert gone.is_error() and gone.get_msg() == f"Global task ID {task_id} not found"


def test_global_task_errors(session):
    case = Case(session=session)
    bad = case.add_global_task(title="dummy title", status="dummy status", assignee=ADMIN_LOGIN)
    assert bad.is_error() and "Invalid task status" in bad.get_msg()
    assert case.add_global_task(title="dummy title", status=111155551111, assignee=ADMIN_LOGIN).is_error()
    bad = case.add_global_task(title="dummy title", status="To do", assignee="dummy user")
    assert bad.is_error() and "Invalid login" in bad.get_msg()
    assert case.add_global_task(title="dummy title", status="To do", assignee=111155551111).is_error()

    task = ok(case.add_global_task(title="dummy title", status="To do", assignee=ADMIN_LOGIN))
    assert case.update_global_task(task["task_id"], status=111155551111).is_error()
    assert case.update_global_task(task["task_id"], assignee=111155551111).is_error()
    assert ok(case.get_global_task(task["task_id"]))["task_status_id"] == 1
    ok(case.delete_global_task(task["task_id"]))

    bad = case.delete_global_task(111155551111)
    assert bad.is_error() and bad.get_msg() == "Invalid global task ID"
    assert case.update_global_task(111155551111, title="x").is_error()
