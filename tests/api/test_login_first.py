"""Anonymous calls to operations that need a login are 401 before any input is looked at."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.one_database  # nothing here depends on the database


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/v1/cases", {"service": 12}),
    ("post", "/api/v1/tasks/1/complete", {"data": "not an object"}),
    ("get", "/api/v1/tasks?scope=nonsense&page=-3", None),
    ("post", "/api/v1/payments/bills/1/confirmations", {}),
])
def test_invalid_input_from_an_anonymous_caller_is_401_not_422(client, method, path, body):
    response = getattr(client, method)(path, json=body)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_public_operations_still_validate_anonymous_input(client):
    response = client.post("/api/v1/auth/token", json={"email": 5})
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]
