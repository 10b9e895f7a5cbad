"""Global search through the real client: IOCs (whole values, `%` wildcard), note contents and
comments, with the case and customer each result belongs to."""

import uuid

from dfir_iris_client.admin import AdminHelper
from dfir_iris_client.case import Case
from dfir_iris_client.global_search import global_search_ioc, global_search_notes
from dfir_iris_client.session import ClientSession

from conftest import ok


def user_session(session, server, key):
    """A session with another user's key. Opening it makes it the client's global session;
    the scenario's own session is put back so that later tests keep using it."""
    import dfir_iris_client.session as client_module
    try:
        return ClientSession(apikey=key, host=server.url, ssl_verify=False, timeout=30)
    finally:
        client_module.client_session = session


def new_case(session, label):
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Search scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case, data["case_id"]


def search_comments(session, value):
    """The client has no helper for comments: post as its helpers do."""
    return session.pi_post("search", data={"search_value": value, "search_type": "comments", "cid": 1})


def test_search_iocs(session):
    case, cid = new_case(session, "Search IOCs")
    tag = uuid.uuid4().hex[:10]
    ok(case.add_ioc(value=f"{tag}.evil.example", ioc_type="domain", ioc_tlp="red", description="C2 domain"))
    ok(case.add_ioc(value=f"{tag}_dropper.exe", ioc_type="filename", ioc_tlp="amber"))
    ok(case.add_ioc(value=f"{tag}Xdropper.exe", ioc_type="filename", ioc_tlp="green", description="Lookalike"))

    rows = ok(global_search_ioc(session, f"{tag}.evil.example"))
    assert rows == [{"ioc_name": f"{tag}.evil.example", "ioc_description": "C2 domain", "ioc_misp": None,
                     "type_name": "domain", "tlp_name": "red", "tlp_bscolor": "danger",
                     "case_name": rows[0]["case_name"], "case_id": cid, "customer_name": "IrisInitialClient"}]
    assert rows[0]["case_name"].startswith(f"#{cid} - Search IOCs")
    # A value matches as a whole: a part of it finds nothing without the wildcard.
    assert ok(global_search_ioc(session, tag)) == []
    names = sorted(r["ioc_name"] for r in ok(global_search_ioc(session, f"{tag}%")))
    assert names == sorted([f"{tag}.evil.example", f"{tag}_dropper.exe", f"{tag}Xdropper.exe"])
    # `_` is no wildcard; matching ignores case.
    assert [r["ioc_name"] for r in ok(global_search_ioc(session, f"{tag}_dropper.exe"))] == [f"{tag}_dropper.exe"]
    assert len(ok(global_search_ioc(session, f"{tag.upper()}%DROPPER.EXE"))) == 2
    # An IOC without a description reads as an empty string.
    row = ok(global_search_ioc(session, f"{tag}_dropper.exe"))[0]
    assert row["ioc_description"] == "" and row["tlp_name"] == "amber"
    # `%` lists every IOC, each with string names (what the client's own test reads).
    every = ok(global_search_ioc(session, "%"))
    assert len(every) >= 3
    assert all(isinstance(r["case_name"], str) and isinstance(r["customer_name"], str)
               and isinstance(r["ioc_description"], str) for r in every)
    # The client refuses an empty term itself.
    assert global_search_ioc(session, "").is_error()


def test_search_notes_and_comments(session):
    case, cid = new_case(session, "Search notes")
    word = f"needle{uuid.uuid4().hex[:8]}"
    directory = ok(case.add_notes_directory("Findings"))
    note = ok(case.add_note("Lateral movement", f"The attacker used {word.upper()} to pivot.", directory["id"]))
    ok(case.add_note("Unrelated", "Nothing here.", directory["id"]))

    rows = ok(global_search_notes(session, word))
    assert rows == [{"note_id": note["note_id"], "note_title": "Lateral movement",
                     "case_name": rows[0]["case_name"], "client_name": "IrisInitialClient", "case_id": cid}]
    assert rows[0]["case_name"].startswith(f"#{cid} - ")
    assert len(ok(global_search_notes(session, f"attacker%{word}"))) == 1
    assert ok(global_search_notes(session, f"{word}-absent")) == []
    every = ok(global_search_notes(session, "%"))
    assert all(isinstance(r["note_id"], int) and isinstance(r["note_title"], str)
               and isinstance(r["client_name"], str) for r in every)

    ioc = ok(case.add_ioc(value=f"{word}.example", ioc_type="domain", ioc_tlp="amber"))
    comment = ok(case.add_ioc_comment(ioc["ioc_id"], f"Seen again: {word} beaconing"))
    rows = ok(search_comments(session, word))
    assert rows == [{"comment_id": comment["comment_id"], "comment_text": f"Seen again: {word} beaconing",
                     "case_name": rows[0]["case_name"], "customer_name": "IrisInitialClient", "case_id": cid}]


def test_search_needs_the_permission_and_valid_input(session, server):
    r = session.pi_post("search", data={"search_value": "%", "search_type": "assets", "cid": 1})
    assert r.is_error() and r.get_msg() == "Data error" and "search_type" in r.get_data()
    r = session.pi_post("search", data={"search_type": "ioc", "cid": 1})
    assert r.is_error() and "search_value" in r.get_data()
    # A new user is an analyst: they may search.
    adm = AdminHelper(session)
    login = f"searcher_{uuid.uuid4().hex[:8]}"
    user = ok(adm.add_user(login=login, name="Searcher", password="TestPassword1-", email=f"{login}@iris.local"))
    own = user_session(session, server, user["user_api_key"])
    assert global_search_ioc(own, "%").is_success()
    ok(adm.deactivate_user(login))
    ok(adm.delete_user(login))
