"""Task data is plain JSON: how it is written to and read from a stored workflow state.

SpiffWorkflow's serializer revives any dict carrying a ``typename`` key as the registered
class of that name (``{"typename": "timedelta", "days": 1}`` becomes a ``timedelta``; an
unknown name makes the whole state unreadable). Data comes from applicants, officers,
partners and scripts, so it must never be read as such a tag. Every data-bearing part of
a state (task data and deltas, internal data such as message payloads, workflow data,
event payloads) goes through `encode` and `decode`:

- a user key ``typename`` is written ``~typename`` (and ``~typename`` as ``~~typename``,
  and so on), so it reads back as the same plain key;
- a ``typename`` key that is still there when a state is read was written by the engine
  for one of the few values it may tag (`ENGINE_VALUE_TYPES`) or was forged into a state
  stored before this encoding: anything else is refused with `ForgedValue`, never revived.
"""
from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

RESERVED_KEY = "typename"
# Tags the engine itself may write inside internal data (timers and ids); task data has none.
ENGINE_VALUE_TYPES = frozenset({"datetime", "timedelta", "UUID"})
NO_VALUE_TYPES: frozenset[str] = frozenset()

_ESCAPABLE = re.compile(r"~*typename")
_JSON_SCALARS = (str, int, float, bool, type(None))

# Set while an analyst's repair reads a state: forged tags are collected and kept as plain data.
_neutralised: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("neutralised", default=None)


class ForgedValue(ValueError):
    """A stored state tags a data value as a class the engine does not revive there."""

    def __init__(self, path: str, typename: Any):
        super().__init__(f"nilai bertanda typename={typename!r} di {path}")
        self.path = path
        self.typename = typename


def escape_key(key: Any) -> Any:
    """The stored form of a user key (``typename`` → ``~typename``)."""
    return "~" + key if isinstance(key, str) and _ESCAPABLE.fullmatch(key) else key


def unescape_key(key: Any) -> Any:
    """The user key a stored key stands for (``~typename`` → ``typename``)."""
    return key[1:] if isinstance(key, str) and key.startswith("~") and _ESCAPABLE.fullmatch(key) else key


def encode(value: Any, convert: Callable[[Any], Any]) -> Any:
    """Data as stored: plain JSON with user keys escaped; other objects go to `convert` (the registry)."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, dict):
        return {escape_key(k): encode(v, convert) for k, v in value.items()
                if not callable(v) and not isinstance(v, ModuleType)}
    if isinstance(value, (list, tuple)):
        return [encode(v, convert) for v in value]
    return convert(value)


def decode(value: Any, revive: Callable[[dict], Any], *, allowed: frozenset[str], path: str) -> Any:
    """Data as read back: keys unescaped; a tagged value revived only when its typename is `allowed`."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, dict):
        if RESERVED_KEY in value:
            return _tagged(value, revive, allowed=allowed, path=path)
        return {unescape_key(k): decode(v, revive, allowed=allowed, path=f"{path}.{unescape_key(k)}")
                for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, revive, allowed=allowed, path=f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _tagged(value: dict, revive: Callable[[dict], Any], *, allowed: frozenset[str], path: str) -> Any:
    typename = value[RESERVED_KEY]
    if isinstance(typename, str) and typename in allowed:
        try:
            return revive(value)
        except Exception as exc:  # noqa: BLE001 - a malformed tag is as unreadable as a forged one
            forged = ForgedValue(path, typename)
            if _neutralised.get() is None:
                raise forged from exc
    collected = _neutralised.get()
    if collected is None:
        raise ForgedValue(path, typename)
    collected.append(path)
    # Kept as the plain data it claims to be: its `typename` is an ordinary key from now on.
    return {unescape_key(k): decode(v, revive, allowed=NO_VALUE_TYPES, path=f"{path}.{unescape_key(k)}")
            for k, v in value.items()}


@contextmanager
def neutralising() -> Iterator[list[str]]:
    """Read states leniently inside the block (analyst repair), collecting the neutralised paths."""
    found: list[str] = []
    token = _neutralised.set(found)
    try:
        yield found
    finally:
        _neutralised.reset(token)
