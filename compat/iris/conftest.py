"""Starts the real `dossier` binary on a free loopback port for the whole session and opens a
`dfir_iris_client` session on it, as a user script would.

Environment: DOSSIER_BIN (the binary), DOSSIER_COMPAT_BACKEND (sqlite or postgres) and, for
PostgreSQL, DOSSIER_TEST_DATABASE_URL (a server where databases may be created and dropped).
"""

import os
import sys

import pytest
from dfir_iris_client.session import ClientSession

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from dossier_server import API_KEY, Server  # noqa: E402


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    try:
        calls, routes, errors = s.calls()
        print(f"\n[{s.backend}] client calls answered: {calls} on {len(routes)} distinct IRIS routes; 5xx: {errors}")
        assert errors == 0, "the server answered 5xx to the client"
    finally:
        s.stop()


@pytest.fixture(scope="session")
def session(server):
    """A logged-in client session (runs the client's handshake: ping and version check)."""
    return ClientSession(apikey=API_KEY, host=server.url, ssl_verify=False, timeout=30)


def ok(resp):
    """The data of a successful client response; fails the test with the server's message."""
    assert resp.is_success(), f"{resp.get_msg()} {resp.get_data()}"
    return resp.get_data()
