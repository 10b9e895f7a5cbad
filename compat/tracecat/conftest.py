"""Starts the real `dossier` binary for the session and gives the scenarios an httpx client
logged in the way Tracecat's browser and scripts are: a form login that sets the
`fastapiusersauth` cookie, kept by the client for every later call."""

import os
import sys

import httpx
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from dossier_server import API_KEY, PASSWORD, Server  # noqa: E402


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    try:
        calls, routes, errors = s.calls("/tracecat")
        print(f"\n[{s.backend}] Tracecat calls answered: {calls} on {len(routes)} distinct routes; 5xx: {errors}")
        assert errors == 0, "the server answered 5xx to the client"
    finally:
        s.stop()


@pytest.fixture(scope="session")
def workspace(server):
    r = httpx.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {API_KEY}"})
    r.raise_for_status()
    return r.json()["workspace"]["id"]


@pytest.fixture(scope="session")
def client(server):
    """Logged in with the form; the cookie jar carries `fastapiusersauth` from then on."""
    c = httpx.Client(base_url=server.url + "/tracecat", timeout=30)
    r = c.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 204, r.text
    assert "fastapiusersauth" in c.cookies
    yield c
    c.close()
