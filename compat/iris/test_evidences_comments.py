"""Evidences and the comments on every kind of case object, through the client: values read back
after full updates, comment authors, edits and deletions, and the errors the client reports."""

import datetime
import uuid

from dfir_iris_client.case import Case
from dfir_iris_client.users import User

from conftest import ok


def new_case(session, label):
    """A case of its own for one test; the returned Case has its cid set."""
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Work scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case


def test_evidence_lifecycle(session):
    case = new_case(session, "Evidences")
    me = ok(User(session=session).lookup_username("admin"))["user_id"]
    ev = ok(case.add_evidence(filename="dummy evidence", file_size=478, description="dummy description",
                              file_hash="dummy hash"))
    ev_id = ev["id"]
    assert ev["filename"] == "dummy evidence"
    assert ev["file_size"] == 478
    assert ev["file_description"] == "dummy description"
    assert ev["file_hash"] == "dummy hash"
    assert ev["case_id"] == case._cid and ev["user_id"] == me
    assert isinstance(ev["date_added"], str)

    partial = ok(case.add_evidence(filename="partial evidence", file_size=12))
    assert partial["file_description"] is None and partial["file_hash"] is None

    listed = ok(case.list_evidences())
    assert [e["id"] for e in listed["evidences"]] == [partial["id"], ev_id]
    first = listed["evidences"][1]
    assert first["username"] == "admin"
    assert first["user"]["id"] == me and first["user"]["user_login"] == "admin"
    assert isinstance(first["file_size"], int) and isinstance(first["date_added"], str)
    assert isinstance(listed["state"]["object_state"], int)

    up = ok(case.update_evidence(ev_id, filename="new dummy evidence", description="new description",
                                 file_size=30, file_hash="new hash"))
    assert (up["filename"], up["file_description"], up["file_size"], up["file_hash"]) == \
        ("new dummy evidence", "new description", 30, "new hash")
    # Only the description given: the client re-sends the rest as it read it.
    up = ok(case.update_evidence(ev_id, description="described again"))
    assert (up["filename"], up["file_size"], up["file_hash"]) == ("new dummy evidence", 30, "new hash")
    got = ok(case.get_evidence(ev_id))
    assert got["file_description"] == "described again"

    ok(case.delete_evidence(ev_id))
    gone = case.get_evidence(ev_id)
    assert gone.is_error() and gone.get_msg() == "Invalid evidence ID for this case"
    ok(case.delete_evidence(partial["id"]))
    assert ok(case.list_evidences())["evidences"] == []


def test_evidence_errors(session):
    case = new_case(session, "Evidence errors")
    bad = case.add_evidence(filename="dummy evidence", file_size="dummy_size")
    assert bad.is_error() and bad.get_data() == {"file_size": ["Invalid data type"]}
    ev = ok(case.add_evidence(filename="dummy evidence", file_size=478))
    assert case.update_evidence(ev["id"], file_size="dummy size").is_error()
    assert ok(case.get_evidence(ev["id"]))["file_size"] == 478
    bad = case.delete_evidence(111155551111)
    assert bad.is_error() and bad.get_msg() == "Invalid evidence ID for this case"
    assert case.update_evidence(111155551111, filename="x").is_error()
    ok(case.delete_evidence(ev["id"]))


def _objects(case):
    """One object of each kind that takes comments: (name, id, add, list, update, delete)."""
    asset = ok(case.add_asset(name="WS-0042", asset_type="Windows - Computer", analysis_status="Started"))
    ioc = ok(case.add_ioc(value="evil.example.org", ioc_type="domain", description="C2"))
    event = ok(case.add_event(title="Beacon", date_time=datetime.datetime(2025, 2, 10, 14, 33, 3)))
    directory = ok(case.add_notes_directory("D"))
    note = ok(case.add_note("N", "content", directory["id"]))
    task = ok(case.add_task(title="Task with talk", status="To do", assignees=[]))
    evidence = ok(case.add_evidence(filename="disk.E01", file_size=1024))
    return [
        ("asset", asset["asset_id"], case.add_asset_comment, case.list_asset_comments,
         case.update_asset_comment, case.delete_asset_comment),
        ("ioc", ioc["ioc_id"], case.add_ioc_comment, case.list_ioc_comments,
         case.update_ioc_comment, case.delete_ioc_comment),
        ("event", event["event_id"], case.add_event_comment, case.list_event_comments,
         case.update_event_comment, case.delete_event_comment),
        ("note", note["note_id"], case.add_note_comment, case.list_note_comments,
         case.update_note_comment, case.delete_note_comment),
        ("task", task["id"], case.add_task_comment, case.list_task_comments,
         case.update_task_comment, case.delete_task_comment),
        ("evidence", evidence["id"], case.add_evidence_comment, case.list_evidence_comments,
         case.update_evidence_comment, case.delete_evidence_comment),
    ]


def test_comments_on_every_object(session):
    case = new_case(session, "Comments")
    me = ok(User(session=session).lookup_username("admin"))["user_id"]
    for name, obj_id, add, list_, update, delete in _objects(case):
        c = ok(add(obj_id, f"first look at the {name}"))
        assert c["comment_text"] == f"first look at the {name}", name
        assert isinstance(c["comment_uuid"], str)
        assert isinstance(c["comment_id"], int)
        assert isinstance(c["comment_date"], str) and isinstance(c["comment_update_date"], str)
        assert c["comment_user_id"] == me and c["user"] == "admin"
        second = ok(add(obj_id, "second"))

        listed = ok(list_(obj_id))
        assert [x["comment_text"] for x in listed] == [f"first look at the {name}", "second"], name

        edited = ok(update(obj_id, c["comment_id"], f"{name} confirmed"))
        assert edited["comment_text"] == f"{name} confirmed"
        assert edited["comment_id"] == c["comment_id"]
        assert [x["comment_text"] for x in ok(list_(obj_id))] == [f"{name} confirmed", "second"]

        ok(delete(obj_id, c["comment_id"]))
        assert [x["comment_id"] for x in ok(list_(obj_id))] == [second["comment_id"]]
        # A comment is only reachable under its own object.
        assert update(obj_id, c["comment_id"], "again").is_error()


def test_comment_errors(session):
    case = new_case(session, "Comment errors")
    for name, _, add, list_, update, delete in _objects(case):
        for resp in (add(111155551111, "c"), list_(111155551111)):
            assert resp.is_error(), name
            assert "ID for this case" in resp.get_msg(), (name, resp.get_msg())
    task = ok(case.add_task(title="Talk", status="To do", assignees=[]))
    bad = case.add_task_comment(task["id"], "")
    assert bad.is_error() and "comment_text" in bad.get_data()
    bad = case.update_task_comment(task["id"], 111155551111, "x")
    assert bad.is_error() and bad.get_msg() == "Invalid comment ID"
    assert case.delete_task_comment(task["id"], 111155551111).is_error()
