"""Note directories and notes through the client: the directory tree, notes read back after a
full update, search, and the errors the client reports."""

import uuid

import pytest
from dfir_iris_client.case import Case

from conftest import ok


def new_case(session, label):
    """A case of its own for one test; the returned Case has its cid set."""
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Notes scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case


def test_directories(session):
    case = new_case(session, "Directories")
    root = ok(case.add_notes_directory("Triage"))
    assert root["name"] == "Triage" and root["parent_id"] is None and root["case_id"] == case._cid
    child = ok(case.add_notes_directory("Hosts", parent_directory_id=root["id"]))
    assert child["parent_id"] == root["id"]
    assert ok(case.get_notes_directory(child["id"])) == child

    note = ok(case.add_note("DC01", "Logon storm", child["id"]))
    tree = ok(case.list_notes_directories())
    assert [d["name"] for d in tree] == ["Hosts", "Triage"]
    by_id = {d["id"]: d for d in tree}
    assert by_id[root["id"]]["subdirectories"] == [
        {"id": child["id"], "name": "Hosts", "note_count": 1, "subdirectories": []}]
    assert by_id[child["id"]]["notes"] == [{"id": note["note_id"], "title": "DC01"}]
    assert by_id[child["id"]]["note_count"] == 1

    renamed = ok(case.update_notes_directory(child["id"], "Servers"))
    assert renamed["name"] == "Servers" and renamed["parent_id"] == root["id"]
    assert ok(case.get_notes_directory(child["id"]))["name"] == "Servers"

    # Deleting a directory removes what it holds.
    ok(case.delete_notes_directory(root["id"]))
    for resp in (case.get_notes_directory(child["id"]), case.get_note(note["note_id"])):
        assert resp.is_error()
    assert ok(case.list_notes_directories()) == []


def test_note_lifecycle(session):
    case = new_case(session, "Notes")
    directory = ok(case.add_notes_directory("Dummy title"))
    content = "# Dummy content with markdown\n## Very dummy"
    note = ok(case.add_note(note_title="Dummy title", note_content=content, custom_attributes={},
                            directory_id=directory["id"]))
    note_id = note["note_id"]
    assert note["note_title"] == "Dummy title"
    assert note["note_content"] == content
    assert note["directory_id"] == directory["id"]
    assert note["note_case_id"] == case._cid
    assert isinstance(note["note_creationdate"], str) and isinstance(note["note_lastupdate"], str)

    ok(case.update_note(note_id=note_id, note_title="New dummy", note_content="New dummy content",
                        custom_attributes={"Test": {"Test": "Test"}}))
    got = ok(case.get_note(note_id))
    assert got["note_title"] == "New dummy"
    assert got["note_content"] == "New dummy content"
    assert got["custom_attributes"] == {"Test": {"Test": "Test"}}
    assert got["directory"] == directory

    # Only the title given: the client re-sends the content it read.
    ok(case.update_note(note_id=note_id, note_title="Newer"))
    got = ok(case.get_note(note_id))
    assert (got["note_title"], got["note_content"]) == ("Newer", "New dummy content")

    other = ok(case.add_notes_directory("Other"))
    moved = ok(case.update_note(note_id=note_id, directory_id=other["id"]))
    assert moved["directory_id"] == other["id"]

    # The deprecated group_id argument still names the directory.
    with pytest.warns(DeprecationWarning):
        grouped = ok(case.add_note("Grouped", "g", None, group_id=directory["id"]))
    assert grouped["directory_id"] == directory["id"]

    ok(case.delete_note(note_id))
    gone = case.get_note(note_id)
    assert gone.is_error() and gone.get_msg() == "Invalid note ID"


def test_search(session):
    case = new_case(session, "Search")
    directory = ok(case.add_notes_directory("D"))
    lateral = ok(case.add_note("Lateral movement", "psexec from WS12", directory["id"]))
    persist = ok(case.add_note("Persistence", "Run key with PSEXESVC", directory["id"]))
    ok(case.add_note("Unrelated", "nothing to see", directory["id"]))

    hits = ok(case.search_notes("psexe"))
    assert sorted(n["note_id"] for n in hits) == sorted([lateral["note_id"], persist["note_id"]])
    assert {n["note_title"] for n in hits} == {"Lateral movement", "Persistence"}
    assert [n["note_id"] for n in ok(case.search_notes("lateral"))] == [lateral["note_id"]]
    assert len(ok(case.search_notes("%"))) == 3
    assert ok(case.search_notes("no such words")) == []


def test_note_errors(session):
    case = new_case(session, "Note errors")
    bad = case.add_note(note_title="Dummy title", note_content="c", custom_attributes={"Test": {"Test": "Test"}},
                        directory_id=111555411)
    assert bad.is_error() and bad.get_msg() == "Invalid directory ID"
    assert case.update_note(note_id=111555411, note_title="Dummy title", note_content="Dummy content").is_error()
    bad = case.delete_note(note_id=111555411)
    assert bad.is_error() and bad.get_msg() == "Invalid note ID for this case"
    bad = case.delete_note(note_id=111555411, cid=111555411)
    assert bad.is_error() and "permission denied" in bad.get_msg().lower()
    bad = case.get_notes_directory(111555411)
    assert bad.is_error() and bad.get_msg() == "Invalid directory ID"
    # The notes groups are gone: the client refuses locally, the server answers 410.
    with pytest.raises(DeprecationWarning):
        case.list_notes_groups()
    gone = case._s.pi_get("case/notes/groups/list", cid=case._cid)
    assert gone.is_error() and "deprecated" in gone.get_msg()
