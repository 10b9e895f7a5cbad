"""The client's handshake and the version range it checks."""

import pytest
from dfir_iris_client.helper.errors import IrisClientException
from dfir_iris_client.session import ClientSession

from conftest import ok


def test_handshake_accepts_the_client(session):
    # ClientSession already pinged and compared versions; a second session proves it repeats.
    assert session is not None


def test_a_wrong_key_is_refused(server):
    with pytest.raises(Exception) as e:
        ClientSession(apikey="wrong-key", host=server.url, ssl_verify=False, timeout=10)
    assert "Invalid API key" in str(e.value) or "Authentication" in str(e.value)
