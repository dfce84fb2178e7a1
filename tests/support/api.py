"""Helpers to drive the HTTP API as the demo users do."""
from __future__ import annotations

import io

from app.accounts.demo import DEMO_PASSWORD

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
MINIMAL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class ApiClient:
    """A Flask test client holding one user's bearer token."""

    def __init__(self, client, email: str, password: str = DEMO_PASSWORD):
        self.client = client
        response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        self.token = response.get_json()["token"]
        self.user = response.get_json()["user"]

    def _headers(self, extra=None):
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path, **kw):
        return self.client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, **kw):
        return self.client.post(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path, **kw):
        return self.client.patch(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def upload(self, case_id: int, requirement: str, content: bytes = MINIMAL_PDF, filename: str = "berkas.pdf"):
        return self.post(f"/api/v1/cases/{case_id}/documents",
                         data={"requirement": requirement, "file": (io.BytesIO(content), filename)},
                         content_type="multipart/form-data")


def rate_limited_client(app, **config):
    """A test client of `app` with the per-client rate limits on (the test configuration turns them off)."""
    from app.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, **config)
    limiter.init_app(app)
    return app.test_client()



def completion(data: dict) -> dict:
    """A task completion's body; a signature carries the signer's statement that they read the draft permit."""
    return {"data": data} | ({"confirm_draft_reviewed": True} if data.get("signing_decision") == "sign" else {})
