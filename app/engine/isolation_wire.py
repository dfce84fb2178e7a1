"""The wire between the application and its script workers: length-prefixed JSON frames.

Standard library only: the worker (`isolation_worker.py`) loads this file by path, without
importing the application. A frame is a 4-byte big-endian length and that many bytes of
JSON. Values are JSON plus a few inert types (date, datetime, time, timedelta, Decimal),
written as ``{<nonce>: "<type>", "v": ...}``; the nonce is chosen by the application per
worker and never visible to scripts, so script data cannot pose as such a value. Nothing
is ever unpickled: a worker that ran model code is untrusted.
"""
from __future__ import annotations

import json
import struct
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 2**31 - 1


class WireError(ValueError):
    """A frame or value that does not follow the protocol."""


def _tagger(nonce: str):
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return {nonce: "datetime", "v": value.isoformat()}
        if isinstance(value, date):
            return {nonce: "date", "v": value.isoformat()}
        if isinstance(value, time):
            return {nonce: "time", "v": value.isoformat()}
        if isinstance(value, timedelta):
            return {nonce: "timedelta", "v": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, Decimal):
            return {nonce: "Decimal", "v": str(value)}
        if isinstance(value, (set, frozenset)):
            raise TypeError("himpunan (set) tidak dapat disimpan sebagai data proses; gunakan list")
        raise TypeError(f"nilai bertipe {type(value).__name__} tidak dapat disimpan sebagai data proses")

    return default


_REVIVERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(days=int(v[0]), seconds=int(v[1]), microseconds=int(v[2])),
    "Decimal": lambda v: Decimal(str(v)),
}


def _reviver(nonce: str):
    def hook(obj: dict) -> Any:
        kind = obj.get(nonce)
        if kind is None:
            return obj
        revive = _REVIVERS.get(kind) if isinstance(kind, str) and len(obj) == 2 and "v" in obj else None
        if revive is None:
            raise WireError(f"unknown tagged value {kind!r}")
        try:
            return revive(obj["v"])
        except (TypeError, ValueError, IndexError, ArithmeticError) as exc:
            raise WireError(f"malformed {kind} value") from exc

    return hook


class Codec:
    """Encodes and decodes message bodies for one worker (its nonce)."""

    def __init__(self, nonce: str):
        self.nonce = nonce
        self._default = _tagger(nonce)
        self._hook = _reviver(nonce)

    def dumps(self, message: Any) -> bytes:
        """A message as JSON bytes (ASCII, so lone surrogates survive); TypeError for other objects."""
        return json.dumps(message, default=self._default, separators=(",", ":")).encode("ascii")

    def loads(self, payload: bytes) -> Any:
        """A message from JSON bytes; WireError when it is not one."""
        try:
            return json.loads(payload, object_hook=self._hook)
        except WireError:
            raise
        except (ValueError, RecursionError) as exc:
            raise WireError(f"unreadable message: {exc.__class__.__name__}") from exc


def frame(payload: bytes) -> bytes:
    """A payload with its length header."""
    if len(payload) > MAX_FRAME:
        raise WireError("frame too large")
    return HEADER.pack(len(payload)) + payload


def read_frame(read, max_bytes: int = MAX_FRAME) -> bytes | None:
    """One frame's payload from a blocking `read(n)`; None at end of stream."""
    header = _read_exact(read, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > max_bytes:
        raise WireError(f"frame of {length} bytes exceeds {max_bytes}")
    payload = _read_exact(read, length)
    if payload is None:
        raise WireError("stream ended inside a frame")
    return payload


def _read_exact(read, n: int) -> bytes | None:
    chunks = []
    got = 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            if got == 0:
                return None
            raise WireError("stream ended inside a frame")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
