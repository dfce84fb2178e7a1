"""Static files: served by WhiteNoise, compressed, under content-hashed names that browsers keep for good.

`url_for('static', filename='css/app.css')` answers `/static/css/app.<12 hex digits>.css`, the digits being
the start of the file's SHA-256. A request for that name gets the file with
``Cache-Control: max-age=<10 years>, public, immutable``: a changed file has a new name, so a long cache is
safe. The plain name still answers, cached for STATIC_MAX_AGE seconds (CSS that refers to its fonts by a
relative URL, an old page asking for a name that has since changed). Each file is compressed once (gzip,
and Brotli when the module is installed) into STATIC_CACHE_DIR, named by its digest, on its first request;
WhiteNoise then picks the encoding the browser accepts. `/favicon.ico` is answered here too.
docs/DEPLOY.md: nginx does the same in production.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor
from whitenoise.responders import StaticFile
from whitenoise.string_utils import decode_path_info

from app.common.security import CSP

DIGEST_LENGTH = 12
HASHED_NAME = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")
# Served at the site root, as browsers and crawlers ask for them: URL -> file under the static folder.
ROOT_FILES = {"/favicon.ico": "favicon.ico"}
# The app's own security headers (app/common/security.py) for what it serves before Flask sees the request.
STATIC_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": CSP,
                  "Referrer-Policy": "strict-origin-when-cross-origin"}

log = logging.getLogger(__name__)
_digests: dict[tuple[str, int, int], str] = {}  # (path, mtime_ns, size) -> digest, shared by the process's apps


def file_digest(path: str | os.PathLike) -> str | None:
    """The first hex digits of the file's SHA-256; None when it is not a regular file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    digest = _digests.get(key)
    if digest is None:
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()[:DIGEST_LENGTH]
        _digests[key] = digest
    return digest


def hashed_name(root: str | os.PathLike, filename: str) -> str:
    """`css/app.css` -> `css/app.<digest>.css`; a missing file or one without an extension keeps its name."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem or "/" in ext:
        return filename
    digest = file_digest(Path(root) / filename)
    return f"{stem}.{digest}.{ext}" if digest else filename


class StaticFiles(WhiteNoise):
    """WhiteNoise over the static folder, looking each file up when asked (so an edited file is served fresh),
    with content-hashed names cached for good and compressed copies made on first request."""

    def __init__(self, application, *, root: str, prefix: str, cache_dir: str, max_age: int):
        super().__init__(application, max_age=max_age, allow_all_origins=False)
        self.root = os.path.abspath(root).rstrip(os.sep) + os.sep
        self.prefix = prefix.rstrip("/") + "/"
        self.cache_dir = cache_dir
        self.compressor = Compressor(quiet=True)
        self._served: dict[tuple[str, bool], tuple[tuple, object]] = {}  # (file, immutable) -> (stat, StaticFile)

    def __call__(self, environ, start_response):
        static_file = self.lookup(decode_path_info(environ.get("PATH_INFO", "")))
        if static_file is None:
            return self.application(environ, start_response)
        return self.serve(static_file, environ, start_response)

    def lookup(self, url: str):
        """The StaticFile answering `url`, or None to let the app answer."""
        if url in ROOT_FILES:
            relative, immutable = ROOT_FILES[url], False
        elif url.startswith(self.prefix) and self.url_is_canonical(url):
            relative, immutable = url[len(self.prefix):], False
            match = HASHED_NAME.match(relative)
            if match and not os.path.isfile(self.root + relative):
                relative = match["stem"] + match["ext"]
                # An outdated digest gets today's file, but only for the short while of a plain name.
                immutable = file_digest(self.root + relative) == match["digest"]
        else:
            return None
        path = self.root + relative
        if not self.path_is_child_of(path, self.root) or self.is_compressed_variant(path):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        signature = (st.st_mtime_ns, st.st_size)
        cached = self._served.get((relative, immutable))
        if cached is not None and cached[0] == signature:
            return cached[1]
        static_file = self._static_file(path, relative, immutable)
        self._served[(relative, immutable)] = (signature, static_file)
        return static_file

    def _static_file(self, path: str, relative: str, immutable: bool):
        headers = Headers([])
        self.add_mime_headers(headers, path, relative)
        if immutable:
            headers["Cache-Control"] = f"max-age={self.FOREVER}, public, immutable"
        else:
            headers["Cache-Control"] = f"max-age={self.max_age}, public"
        for name, value in STATIC_HEADERS.items():
            headers[name] = value
        try:
            encodings = self._compressed(path, relative)
        except OSError as exc:  # a read-only or full disk: serve the file as it is
            log.warning("static file %s not compressed: %s", relative, exc)
            encodings = {}
        return StaticFile(path, headers.items(), encodings=encodings)

    def _compressed(self, path: str, relative: str) -> dict[str, str]:
        """Compressed copies of the file, named by its digest so that a stale copy is never served."""
        if not self.compressor.should_compress(path):
            return {}
        digest = file_digest(path)
        base = os.path.join(self.cache_dir, f"{relative}.{digest}")
        encodings = {"gzip": base + ".gz", "br": base + ".br"}
        wanted = {"gzip": True, "br": self.compressor.use_brotli}
        if all(os.path.exists(p) or not wanted[e] for e, p in encodings.items()) or os.path.exists(base + ".skip"):
            return encodings
        with open(path, "rb") as f:
            data = f.read()
        os.makedirs(os.path.dirname(base), exist_ok=True)
        for encoding, target in encodings.items():
            if not wanted[encoding] or os.path.exists(target):
                continue
            packed = (self.compressor.compress_gzip if encoding == "gzip" else self.compressor.compress_brotli)(data)
            if not data or len(packed) / len(data) > 0.95:  # not worth it (already compressed, tiny)
                _write(base + ".skip", b"")
                break
            _write(target, packed)
        return encodings


def _write(target: str, data: bytes) -> None:
    """Write atomically: another process serving the same file never reads half a copy."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)


def init_app(app: Flask) -> None:
    """Serve the static folder through StaticFiles and make url_for('static', ...) name files by content."""
    root = app.static_folder
    cache_dir = app.config.get("STATIC_CACHE_DIR") or os.path.join(app.instance_path, "static-cache")
    app.wsgi_app = StaticFiles(app.wsgi_app, root=root, prefix=app.static_url_path, cache_dir=cache_dir,
                               max_age=int(app.config.get("STATIC_MAX_AGE", 3600)))

    @app.url_defaults
    def content_hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename"):
            values["filename"] = hashed_name(root, values["filename"])
