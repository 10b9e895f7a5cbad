"""A Tracecat user's script against Dossier: list, filter, create, patch, read back, comment,
custom fields, events, delete, and paging through hundreds of cases on the canonical path."""

import httpx

from dossier_server import API_KEY


def find(client, ws, summary):
    cases = client.get("/cases", params={"workspace_id": ws}).json()
    return next(c for c in cases if c["summary"] == summary)


def test_the_seed_list_and_a_case_round_trip(client, workspace):
    ws = workspace
    r = client.get("/cases", params={"workspace_id": ws})
    assert r.status_code == 200 and isinstance(r.json(), list)
    body = {"summary": "Suspicious OAuth grant", "description": "Found by the SOC",
            "status": "new", "priority": "high", "severity": "medium"}
    r = client.post("/cases", params={"workspace_id": ws}, json=body)
    assert r.status_code == 201 and r.json() is None
    case = find(client, ws, "Suspicious OAuth grant")
    assert set(case) == {"id", "short_id", "created_at", "updated_at", "summary", "status",
                         "priority", "severity", "assignee"}
    assert case["short_id"].startswith("CASE-") and len(case["short_id"]) >= 9
    assert (case["status"], case["priority"], case["severity"]) == ("new", "high", "medium")

    r = client.patch(f"/cases/{case['id']}", params={"workspace_id": ws},
                     json={"status": "in_progress", "severity": "critical"})
    assert r.status_code == 204 and r.content == b""
    one = client.get(f"/cases/{case['id']}", params={"workspace_id": ws}).json()
    assert one["status"] == "in_progress" and one["severity"] == "critical"
    assert one["priority"] == "high" and one["description"] == "Found by the SOC"
    assert [f["id"] for f in one["fields"]][:4] == ["id", "created_at", "updated_at", "case_id"]

    # Filters on the L1 search route.
    found = client.get("/cases/search", params={"workspace_id": ws, "search_term": "oauth",
                                                "severity": "critical"}).json()
    assert [c["id"] for c in found] == [case["id"]]
    none = client.get("/cases/search", params={"workspace_id": ws, "status": "closed"}).json()
    assert case["id"] not in [c["id"] for c in none]

    # Comments, oldest first.
    path = f"/cases/{case['id']}/comments"
    for text in ["first look", "escalated to IR"]:
        assert client.post(path, params={"workspace_id": ws}, json={"content": text}).status_code == 201
    comments = client.get(path, params={"workspace_id": ws}).json()
    assert [c["content"] for c in comments] == ["first look", "escalated to IR"]
    cid = comments[0]["id"]
    assert client.patch(f"{path}/{cid}", params={"workspace_id": ws},
                        json={"content": "first look, edited"}).status_code == 204
    assert client.delete(f"{path}/{comments[1]['id']}", params={"workspace_id": ws}).status_code == 204
    comments = client.get(path, params={"workspace_id": ws}).json()
    assert [c["content"] for c in comments] == ["first look, edited"]

    # The activity feed.
    events = client.get(f"/cases/{case['id']}/events", params={"workspace_id": ws}).json()
    kinds = [e["type"] for e in events["events"]]
    assert kinds[0] == "case_created" and "status_changed" in kinds and "severity_changed" in kinds

    # Delete (admin), then the case is gone.
    assert client.delete(f"/cases/{case['id']}", params={"workspace_id": ws}).status_code == 204
    r = client.get(f"/cases/{case['id']}", params={"workspace_id": ws})
    assert r.status_code == 404 and r.json() == {"detail": f"Case with ID {case['id']} not found"}


def test_custom_fields_are_typed_and_merged(client, workspace):
    ws = workspace
    for f in [{"name": "hostname", "type": "TEXT"}, {"name": "score", "type": "INTEGER"}]:
        r = client.post("/case-fields", params={"workspace_id": ws}, json=f)
        assert r.status_code == 201, r.text
    body = {"summary": "With fields", "description": "", "status": "new", "priority": "low",
            "severity": "low", "fields": {"hostname": "ws-042"}}
    assert client.post("/cases", params={"workspace_id": ws}, json=body).status_code == 201
    case = find(client, ws, "With fields")
    assert client.patch(f"/cases/{case['id']}", params={"workspace_id": ws},
                        json={"fields": {"score": 7}}).status_code == 204
    r = client.patch(f"/cases/{case['id']}", params={"workspace_id": ws}, json={"fields": {"score": "x"}})
    assert r.status_code == 422
    fields = {f["id"]: f.get("value") for f in
              client.get(f"/cases/{case['id']}", params={"workspace_id": ws}).json()["fields"]}
    assert fields["hostname"] == "ws-042" and fields["score"] == 7


def test_refusals_are_tracecats(server, client, workspace):
    r = httpx.get(server.url + "/tracecat/cases")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "workspace_id"]
    r = httpx.get(server.url + "/tracecat/cases", params={"workspace_id": workspace})
    assert r.status_code == 403 and r.json() == {"detail": "Forbidden"}
    r = client.post("/cases", params={"workspace_id": workspace}, json={"summary": "x", "status": "nope"})
    assert r.status_code == 422
    assert {d["loc"][-1] for d in r.json()["detail"]} == {"description", "status", "priority", "severity"}
    r = httpx.post(server.url + "/tracecat/auth/login", data={"username": "admin", "password": "wrong"})
    assert r.status_code == 400 and r.json() == {"detail": "LOGIN_BAD_CREDENTIALS"}
    # A bearer API key works as well as the cookie.
    r = httpx.get(server.url + "/tracecat/cases", params={"workspace_id": workspace},
                  headers={"Authorization": f"Bearer {API_KEY}"})
    assert r.status_code == 200


def test_paging_hundreds_of_cases_on_the_canonical_path(server, client, workspace):
    ws = workspace
    batch = [{"title": f"Bulk case {i}", "severity": "low"} for i in range(350)]
    r = httpx.post(server.url + "/api/v1/cases/batch", json={"cases": batch},
                   headers={"Authorization": f"Bearer {API_KEY}"})
    assert r.status_code == 201, r.text
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"/workspaces/{ws}/cases", params=params).json()
        pages += 1
        seen += [c["id"] for c in page["items"]]
        assert page["has_more"] == (page["next_cursor"] is not None)
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    total = page["total_estimate"]
    assert len(seen) == len(set(seen)) == total >= 350
    assert pages == -(-total // 100)
    # The seed list holds the same cases.
    assert len(client.get("/cases", params={"workspace_id": ws}).json()) == total


def test_logout_ends_the_cookie(server, workspace):
    from dossier_server import PASSWORD
    c = httpx.Client(base_url=server.url + "/tracecat")
    assert c.post("/auth/login", data={"username": "admin", "password": PASSWORD}).status_code == 204
    assert c.get("/cases", params={"workspace_id": workspace}).status_code == 200
    token = c.cookies["fastapiusersauth"]
    assert c.post("/auth/logout").status_code == 204
    # The session itself is over, not only the cookie: sending the old token again fails.
    c.cookies.clear()
    c.cookies.set("fastapiusersauth", token)
    assert c.get("/cases", params={"workspace_id": workspace}).status_code == 403
