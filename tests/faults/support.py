"""Real server processes for fault tests: gunicorn on a free port, a tiny HTTP client, process lookup."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(app, **extra) -> dict:
    """Environment for a web or scheduler process on the test app's database."""
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "fault-tests",
            "UPLOAD_DIR": app.config["UPLOAD_DIR"], "PYTHONPATH": str(ROOT), "RATELIMIT_ENABLED": "0",
            "PASSWORD_HASH_TIME_COST": "1", "PASSWORD_HASH_MEMORY_KIB": "1024",
            "SIGNING_DEV_DIR": app.config["SIGNING_DEV_DIR"], "GUNICORN_ACCESS_LOG": "", **extra}


class Web:
    """One gunicorn master with its workers, serving the app on a local port."""

    def __init__(self, app, logs: Path, name: str = "web", workers: int = 2, threads: int = 8, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = logs / f"{name}.log"
        environment = server_env(app, GUNICORN_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers),
                                 GUNICORN_THREADS=str(threads), **env)
        with self.log.open("w") as out:
            self.proc = subprocess.Popen([GUNICORN, "-c", "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                         env=environment, stdout=out, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 60, workers: int | None = None) -> None:
        """Until /healthz answers 200 (and, if given, that many workers run)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-5000:]
            try:
                status, _ = request("GET", f"{self.url}/healthz", timeout=5)
            except OSError:
                status = None
            if status == 200 and (workers is None or len(self.workers()) == workers):
                return
            time.sleep(0.2)
        raise AssertionError(f"{self.url} not healthy in {timeout}s:\n{self.log.read_text()[-5000:]}")

    def workers(self) -> list[int]:
        """Process ids of the master's live workers."""
        return children(self.proc.pid)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then kill if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def request(method: str, url: str, *, token: str | None = None, body: dict | None = None,
            timeout: float = 30) -> tuple[int, dict | str]:
    """One HTTP request; returns (status, JSON or text).

    Connection failures raise OSError, and so does an answer cut off mid-body (a worker killed after sending
    its headers): either way the client cannot know whether the request took effect.
    """
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
    except http.client.HTTPException as exc:  # IncompleteRead and the like: the answer was torn off
        raise ConnectionError(f"answer cut off: {exc!r}") from exc
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def token(base_url: str, email: str) -> str:
    """A bearer token for a demo account."""
    from app.accounts.demo import DEMO_PASSWORD

    status, body = request("POST", f"{base_url}/api/v1/auth/token", body={"email": email, "password": DEMO_PASSWORD})
    assert status == 200, body
    return body["token"]


def upload(base_url: str, bearer: str, case_id: int, requirement: str, filename: str, content: bytes,
           content_type: str) -> tuple[int, dict | str]:
    """POST one document (multipart/form-data) to a case."""
    import uuid

    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\n{requirement}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{base_url}/api/v1/cases/{case_id}/documents", data=body, method="POST", headers={
        "Authorization": f"Bearer {bearer}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
