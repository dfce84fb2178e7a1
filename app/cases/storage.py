"""Uploaded files: streamed to disk outside the web root under random names, checked by content."""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _

from app.common.errors import PayloadTooLarge, UnsupportedMediaType
from app.common.i18n import format_number

# extension -> the content type the file's bytes must show
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
CHUNK = 64 * 1024


@dataclass
class StoredFile:
    key: str
    size: int
    sha256: str
    content_type: str


def upload_dir() -> Path:
    """Where uploaded files live (never under app/static)."""
    configured = current_app.config.get("UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(key: str) -> Path:
    """The file of a storage key."""
    if not key.isalnum():
        raise ValueError("bad storage key")
    return upload_dir() / key[:2] / key


def sniff(head: bytes) -> str | None:
    """The content type the bytes really have."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def type_not_allowed_message(ext: str, allowed: list[str]) -> str:
    """The message for a file type outside the allow-list (pages reuse it for their pre-check)."""
    return _("Jenis berkas %(ext)s tidak diizinkan. Gunakan: %(allowed)s.", ext=ext or _("(tanpa ekstensi)"),
             allowed=", ".join(allowed))


def too_large_message(max_bytes: int) -> str:
    """The message for a file over the size limit (pages reuse it for their pre-check)."""
    return _("Berkas melebihi batas %(size)s MB.", size=format_number(max_bytes // (1024 * 1024)))


def store(stream: BinaryIO, *, filename: str, accept: list[str], max_bytes: int) -> StoredFile:
    """Stream an upload to storage, enforcing the size limit and the content type allow-list."""
    ext = os.path.splitext(filename or "")[1].lower()
    allowed = [a.lower() for a in accept] if accept else list(CONTENT_TYPES)
    if ext not in allowed or ext not in CONTENT_TYPES:
        raise UnsupportedMediaType(type_not_allowed_message(ext, allowed),
                                   fields={"file": [_("Jenis berkas tidak diizinkan.")]})
    key = secrets.token_hex(16)
    target = path_for(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    tmp = target.with_suffix(".part")
    try:
        with open(tmp, "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(too_large_message(max_bytes), fields={"file": [_("Berkas terlalu besar.")]})
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            from app.common.errors import ValidationFailed

            raise ValidationFailed(_("Berkas kosong."), fields={"file": [_("Berkas kosong.")]})
        actual = sniff(head)
        if actual != CONTENT_TYPES[ext]:
            raise UnsupportedMediaType(_("Isi berkas tidak sesuai dengan jenisnya."),
                                       fields={"file": [_("Isi berkas bukan %(ext)s.", ext=ext)]})
        from .upload_checks import check

        check(tmp, actual)  # PDF and image bombs, before anyone opens the file
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StoredFile(key=key, size=size, sha256=digest.hexdigest(), content_type=CONTENT_TYPES[ext])


def remove(key: str) -> None:
    """Delete a stored file (used when the transaction that referenced it fails)."""
    path_for(key).unlink(missing_ok=True)


def copy(key: str) -> StoredFile:
    """A copy of a stored file under a new key (a reused document gets its own file)."""
    import shutil

    source = path_for(key)
    new_key = secrets.token_hex(16)
    target = path_for(new_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    head = target.read_bytes()[:8192]
    return StoredFile(key=new_key, size=target.stat().st_size, sha256=digest, content_type=sniff(head) or "")
