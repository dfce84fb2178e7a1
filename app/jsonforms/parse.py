"""A submitted HTML form -> typed JSON data, validated with the form's schema (app/jsonforms/validation.py).

It walks the same field tree the renderer draws (`render.build_fields`), so every rendered field is
read back with the schema's types: choices become their `const`/`enum` values, numbers become numbers,
empty inputs are left out (the schema's `required` then reports them), map entries are kept for every
expected key, and uploads go through the caller's `store_file`.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .render import MISSING, Context, Field, _join, _object
from .validation import validate


def _typed_choice(node: Field, raw: str) -> Any:
    for option in node.options:
        if str(option["value"]) == raw:
            return option["value"]
    return raw


def _number(raw: str, kind: str, name: str, problems: dict[str, list[str]]) -> Any:
    text = raw.replace(" ", "")
    try:
        if kind == "integer":
            return int(text)
        return float(text.replace(",", "."))
    except ValueError:
        problems[name] = ["Harus berupa bilangan bulat." if kind == "integer" else "Harus berupa angka."]
        return MISSING


def _parse_file(node: Field, files, store_file, problems: dict[str, list[str]]) -> Any:
    upload = files.get(node.name) if files is not None else None
    if upload is None or not upload.filename:
        return MISSING
    if store_file is None:
        problems[node.name] = ["Berkas tidak dapat diterima di sini."]
        return MISSING
    from app.common.errors import AppError

    try:
        return store_file(node, upload)
    except AppError as exc:
        problems[node.name] = [next(iter(exc.fields.values()), [exc.message])[0] if exc.fields else exc.message]
        return MISSING


def _parse_leaf(node: Field, form, problems: dict[str, list[str]], ctx: Context) -> Any:
    if node.kind == "file":
        return _parse_file(node, ctx.files, ctx.store_file, problems)
    values = form.getlist(node.name)
    if node.kind in ("checkboxes",):
        if not values:
            return MISSING
        return [_typed_choice(node, v) for v in values if v != ""]
    if not values:
        return MISSING
    raw = values[-1].replace("\r\n", "\n")
    if node.kind == "checkbox":
        return raw.lower() in ("true", "on", "1", "ya")
    if node.kind == "lines":
        lines = "\n".join(values).replace("\r\n", "\n").split("\n")
        return [line.strip() for line in lines if line.strip()]
    raw = raw.strip()
    if raw == "":
        return MISSING
    if node.kind == "json":
        try:
            return json.loads(raw)
        except ValueError:
            problems[node.name] = ["Format JSON tidak sah."]
            return MISSING
    if node.options:
        return _typed_choice(node, raw)
    if node.schema.get("type") in ("integer", "number"):
        return _number(raw, node.schema["type"], node.name, problems)
    return raw


def _submitted_keys(form, name: str) -> list[str]:
    prefix = f"{name}."
    keys: list[str] = []
    for submitted in form.keys():
        if submitted.startswith(prefix):
            key = submitted[len(prefix):].split(".", 1)[0]
            if key and key not in keys:
                keys.append(key)
    return keys


def _parse_node(node: Field, form, problems: dict[str, list[str]], ctx: Context, keep_empty: bool = False) -> Any:
    if node.kind == "object":
        result: dict[str, Any] = {}
        members = [g for c in node.children for g in (c.children if c.kind == "group" else [c])]
        for child in members:  # the fields of a UI step belong to the object around it
            value = _parse_node(child, form, problems, ctx)
            if value is not MISSING:
                result[child.name.rsplit(".", 1)[-1]] = value
        return result if (result or keep_empty or not node.name) else MISSING
    if node.kind == "map":
        result = {}
        known = {child.map_key: child for child in node.children}
        for key in _submitted_keys(form, node.name):
            if key not in known:
                extra = _object(node.schema["additionalProperties"], {}, _join(node.name, key), ctx, None)
                known[key] = extra
        for key, child in known.items():
            value = _parse_node(child, form, problems, ctx, keep_empty=True)
            result[key] = value if value is not MISSING else {}
        return result if result or form.getlist(node.name) else (MISSING if not node.required else {})
    return _parse_leaf(node, form, problems, ctx)


def parse_form(schema: dict, form, *, ui_schema: dict | None = None, map_keys: dict[str, list[dict]] | None = None,
               subforms: dict[str, dict] | None = None, partial: bool = False, files=None,
               store_file: Callable[[Field, Any], Any] | None = None) -> tuple[dict, dict[str, list[str]]]:
    """Typed data from a submitted form (a MultiDict), and field errors from parsing and the schema.

    File fields (UI widget "file") take their value from `store_file(field, upload)`, which stores the
    upload and returns what the schema expects (e.g. {"document_id", "filename"}) or raises an AppError.
    """
    ctx = Context(map_keys=map_keys or {}, subforms=subforms or {}, errors={}, id_prefix="f", files=files,
                  store_file=store_file)
    root = _object(schema or {"type": "object"}, ui_schema or {}, "", ctx, {})
    problems: dict[str, list[str]] = {}
    data = _parse_node(root, form, problems, ctx)
    errors = dict(problems)
    for path, messages in validate(schema, data, partial=partial).items():
        if path not in problems:
            errors[path] = messages
    for path, sub in (subforms or {}).items():
        value = _get_path(data, path)
        if isinstance(value, dict):
            for sub_path, messages in validate(sub["schema"], value, prefix=path, partial=partial).items():
                errors.setdefault(sub_path, messages)
    return data, errors


def _get_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data
