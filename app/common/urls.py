"""URLs the application hands out: absolute links from PUBLIC_BASE_URL, and safe local redirect targets."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import current_app

MAX_NEXT_LENGTH = 2048


def public_url(path: str = "/") -> str:
    """An absolute link to a path of this site, built from PUBLIC_BASE_URL, never from the request's Host."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/{path.lstrip('/')}"


def _looks_local(target: str, *, refused: str = "CZ") -> bool:
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(unicodedata.category(char)[0] in refused for char in target):
        return False  # controls, format characters, whitespace: browsers drop or fold some of them
    if "\\" in target:
        return False  # browsers read "\" as "/" in the path of an http(s) URL
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None: refuses other hosts however they are spelled."""
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if not _looks_local(target):
        return None
    seen = target
    for _ in range(3):  # also as decoded once, twice and after compatibility folding ("／" -> "/")
        folded = unicodedata.normalize("NFKC", seen)
        if not _looks_local(seen, refused="C") or not _looks_local(folded, refused="C"):
            return None
        decoded = unquote(seen)
        if decoded == seen:
            break
        seen = decoded
    return target
