"""JSON Schema + UI schema -> accessible HTML fields (and read-only values); app/jsonforms/parse.py reads
a submitted form back into typed, validated data.

Both directions walk the same field tree (`build_fields`), so what is rendered is exactly what is
parsed. Field names are dotted paths (`document_verdicts.ktp.verdict`), the same paths the
validator reports errors under, so server-side messages land next to their fields.

Supported: strings (text, textarea, date, email), integers and numbers, booleans, `oneOf`
const/title and `enum` choices (radio or select), arrays of choices (checkboxes) or of strings
(one per line), nested objects (fieldsets), maps (`additionalProperties` objects, one fieldset
per key given in `map_keys`, e.g. one per document requirement), free objects (a sub-form given
in `subforms`, else JSON text), uploads (UI widget "file" with `accept` and `max_mb`; the caller
stores them), UI `steps` (fieldsets), and `if`/`then` conditions on a sibling
field: the fields a `then` requires carry a `data-show-when` condition that
static/js/jsonforms.js uses to show or hide them (a UI option `"keepVisible": true` keeps a field
shown); without JavaScript every field is shown and the server's validation decides. Rules of the
form that compare a date with today (`x-rules`, app/jsonforms/rules.py) give date inputs `min`/`max`.
Errors come with a summary on top (templates/_error_summary.html) linking to each field's control.
Titles, help, placeholders, choice titles, step titles and map entry labels appear in the page's language
from the `x-translations` the schemas carry (app/catalog/texts.py); values, keys and patterns never change.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from app.catalog import texts

from .rules import date_bounds

MISSING = object()  # a field the submitted form left empty
CHOICE_RADIO_LIMIT = 4


@dataclass
class Field:
    """One node of the rendered form."""

    kind: str  # text textarea date email number checkbox radio select checkboxes lines object group map json
    name: str
    id: str
    label: str
    schema: dict
    help: str | None = None
    placeholder: str | None = None
    required: bool = False
    value: Any = None
    options: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    show_when: list[dict] = field(default_factory=list)
    map_key: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def text_value(self) -> str:
        """The value as an input shows it."""
        if self.value is None:
            return ""
        if self.kind == "lines" and isinstance(self.value, list):
            return "\n".join(str(v) for v in self.value)
        if self.kind == "json":
            return json.dumps(self.value, ensure_ascii=False, indent=2)
        if self.kind == "file":
            return str(self.value.get("filename") or "") if isinstance(self.value, dict) else str(self.value)
        return str(self.value)

    def is_chosen(self, option: dict) -> bool:
        """Whether a choice is the current value (or among the current values)."""
        values = self.value if isinstance(self.value, list) else [self.value]
        return any(v is not None and (v == option["value"] or str(v) == str(option["value"])) for v in values)

    @property
    def display(self) -> str:
        """The value as a reader sees it: choice titles, Ya/Tidak, lists joined."""
        if self.value is None or self.value == "" or self.value == []:
            return "—"
        if self.options:
            return ", ".join(o["label"] for o in self.options if self.is_chosen(o)) or str(self.value)
        if isinstance(self.value, bool):
            return _("Ya") if self.value else _("Tidak")
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        if self.kind == "file":
            return self.text_value or "—"
        if isinstance(self.value, dict):
            return json.dumps(self.value, ensure_ascii=False)
        return str(self.value)

    @property
    def condition(self) -> str | None:
        """The show/hide condition as JSON for the data attribute."""
        return json.dumps(self.show_when, separators=(",", ":")) if self.show_when else None


@dataclass
class Context:
    map_keys: dict[str, list[dict]]
    subforms: dict[str, dict]
    errors: dict[str, list[str]]
    id_prefix: str
    files: Any = None  # uploaded files of the submitted form (a MultiDict of FileStorage)
    store_file: Callable[[Field, Any], Any] | None = None  # stores one upload, returns the field's value


def _dom_id(prefix: str, name: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "-", name.replace(".", "--"))


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _choices(schema: dict, ui: dict) -> list[dict] | None:
    if isinstance(schema.get("oneOf"), list) and all(isinstance(o, dict) and "const" in o for o in schema["oneOf"]):
        return [{"value": o["const"], "label": o.get("title", str(o["const"]))} for o in schema["oneOf"]]
    if isinstance(schema.get("enum"), list):
        names = ui.get("enumNames") or []
        return [{"value": v, "label": names[i] if i < len(names) else str(v)} for i, v in enumerate(schema["enum"])]
    return None


def _conditions(schema: dict, prefix: str) -> dict[str, list[dict]]:
    """Fields required only by an `if`/`then` on a sibling: {field: [condition, ...]}."""
    found: dict[str, list[dict]] = {}
    rules = [schema] + [s for s in schema.get("allOf") or [] if isinstance(s, dict)]
    base_required = set(schema.get("required") or [])
    for rule in rules:
        cond, then = rule.get("if"), rule.get("then")
        if not isinstance(cond, dict) or not isinstance(then, dict):
            continue
        props = cond.get("properties") or {}
        if len(props) != 1:
            continue
        (subject, test), = props.items()
        spec: dict[str, Any] = {"field": _join(prefix, subject)}
        for key, alias in (("const", "const"), ("enum", "enum"), ("exclusiveMinimum", "gt"),
                           ("minimum", "gte"), ("exclusiveMaximum", "lt"), ("maximum", "lte")):
            if key in test:
                spec[alias] = test[key]
        if len(spec) == 1:
            continue
        for target in then.get("required") or []:
            if target not in base_required:
                found.setdefault(target, []).append(spec)
    return found


def _leaf(schema: dict, ui: dict, inherited: dict, name: str, ctx: Context, value: Any, required: bool) -> Field:
    label = schema.get("title") or name.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    examples = schema.get("examples") or []
    placeholder = ui.get("placeholder") or inherited.get("placeholder")
    if placeholder is None and examples and isinstance(examples[0], str | int | float):
        placeholder = _("Contoh: %(example)s", example=examples[0])
    node = Field(kind="text", name=name, id=_dom_id(ctx.id_prefix, name), label=label, schema=schema,
                 help=ui.get("help") or schema.get("description"), placeholder=placeholder, required=required,
                 value=value, errors=list(ctx.errors.get(name, [])))
    widget = ui.get("widget")
    kind = schema.get("type")
    options = _choices(schema, ui)
    if widget == "file":
        node.kind = "file"
        node.placeholder = None
        node.attrs = {"accept": ",".join(ui.get("accept") or []), "max_mb": ui.get("max_mb")}
        limits = ", ".join(ui.get("accept") or []) + (
            "; " + _("maks. %(mb)s MB", mb=ui["max_mb"]) if ui.get("max_mb") else "")
        node.help = f"{node.help} ({limits})" if node.help and limits else (node.help or limits or None)
    elif options is not None:
        node.options = options
        widget = widget or inherited.get("widget")
        node.kind = widget if widget in ("radio", "select") else (
            "radio" if len(options) <= CHOICE_RADIO_LIMIT else "select")
        node.placeholder = ui.get("placeholder") if node.kind == "select" else None
    elif kind == "boolean":
        node.kind = "checkbox"
    elif kind in ("integer", "number"):
        node.kind = "number"
        node.attrs = {k: schema[s] for k, s in (("min", "minimum"), ("max", "maximum")) if s in schema}
        node.attrs["step"] = "1" if kind == "integer" else "any"
    elif kind == "array":
        item_options = _choices(schema.get("items") or {}, ui)
        node.kind = "checkboxes" if item_options else "lines"
        node.options = item_options or []
    elif widget == "textarea":
        node.kind = "textarea"
    elif widget == "date" or schema.get("format") == "date":
        node.kind = "date"
    elif schema.get("format") == "email":
        node.kind = "email"
    if node.kind in ("text", "textarea", "email") and "maxLength" in schema:
        node.attrs["maxlength"] = schema["maxLength"]
    return node


def _object(schema: dict, ui: dict, name: str, ctx: Context, data: Any, label: str | None = None,
            required: bool = False) -> Field:
    data = data if isinstance(data, dict) else {}
    props = schema.get("properties") or {}
    required_keys = set(schema.get("required") or [])
    ui_fields = ui.get("fields") or {}
    inherited = {k: ui.get(k) for k in ("widget", "placeholder")}
    conditions = _conditions(schema, name)
    bounds = date_bounds(schema)
    ui_order = [k for k in ui.get("ui:order") or [] if k in props]
    order = ui_order + [k for k in props if k not in ui_order]
    children: dict[str, Field] = {}
    for key in order:
        children[key] = build_node(props[key], ui_fields.get(key) or {}, inherited, _join(name, key), ctx,
                                   data.get(key), key in required_keys)
        if conditions.get(key) and not (ui_fields.get(key) or {}).get("keepVisible"):
            children[key].show_when = conditions[key]
        if children[key].kind == "date" and key in bounds:  # the date picker offers only plausible days
            children[key].attrs.update(bounds[key])
    node = Field(kind="object", name=name, id=_dom_id(ctx.id_prefix, name or "form"),
                 label=label or schema.get("title") or "", schema=schema, help=schema.get("description"),
                 required=required, errors=list(ctx.errors.get(name, [])) if name else [])
    steps = ui.get("steps") or []
    if steps:
        placed: set[str] = set()
        for index, step in enumerate(steps):
            group = Field(kind="group", name=f"{name}#step{index}", id=_dom_id(ctx.id_prefix, f"{name}-step{index}"),
                          label=step.get("title", ""), schema={})
            group.children = [children[k] for k in step.get("fields") or [] if k in children and k not in placed]
            placed.update(step.get("fields") or [])
            node.children.append(group)
        node.children.extend(children[k] for k in order if k not in placed)
    else:
        node.children = [children[k] for k in order]
    return node


def _map(schema: dict, ui: dict, name: str, ctx: Context, data: Any, required: bool) -> Field:
    data = data if isinstance(data, dict) else {}
    entry_schema = schema["additionalProperties"]
    known = list(ctx.map_keys.get(name, []))
    keys = [k["key"] for k in known] + [k for k in data if k not in {m["key"] for m in known}]
    labels = {k["key"]: k for k in known}
    node = Field(kind="map", name=name, id=_dom_id(ctx.id_prefix, name), label=schema.get("title") or name,
                 schema=schema, help=schema.get("description"), required=required,
                 errors=list(ctx.errors.get(name, [])))
    entry_ui = {**ui, "fields": ui.get("fields") or {}}
    for key in keys:
        info = labels.get(key, {})
        child = _object(entry_schema, entry_ui, _join(name, key), ctx, data.get(key), label=info.get("label", key),
                        required=True)
        child.help = info.get("description")
        child.map_key = key
        node.children.append(child)
    return node


def build_node(schema: dict, ui: dict, inherited: dict, name: str, ctx: Context, value: Any,
               required: bool) -> Field:
    """The field (with children) for one schema node."""
    schema = schema if isinstance(schema, dict) else {}
    if ui.get("widget") == "file":
        return _leaf(schema, ui, inherited, name, ctx, value, required)
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("properties"):
            return _object(schema, ui, name, ctx, value, required=required)
        if isinstance(schema.get("additionalProperties"), dict):
            return _map(schema, ui, name, ctx, value, required)
        if name in ctx.subforms:
            sub = ctx.subforms[name]
            node = _object(sub["schema"], sub.get("ui_schema") or {}, name, ctx, value,
                           label=schema.get("title"), required=required)
            node.help = schema.get("description") or node.help
            return node
        node = _leaf(schema, ui, inherited, name, ctx, value, required)
        node.kind = "json"
        return node
    return _leaf(schema, ui, inherited, name, ctx, value, required)


def localized_inputs(schema: dict | None, ui_schema: dict | None, map_keys: dict[str, list[dict]] | None,
                     subforms: dict[str, dict] | None) -> tuple[Any, Any, Any, Any]:
    """The form's texts in the page's language, from the x-translations the schemas carry (app/catalog/texts.py).

    One catalog for all of them: the form's, its UI schema's and its sub-forms' entries (a form the catalog
    hands out carries its whole version's). Values, keys and patterns are untouched, so what is parsed back
    is the same in every language. In Indonesian everything comes back as it is.
    """
    lang = texts.current_language()
    if lang == texts.SOURCE_LANGUAGE:
        return schema, ui_schema, map_keys, subforms
    docs = [schema, ui_schema] + [d for sub in (subforms or {}).values() if isinstance(sub, dict)
                                  for d in (sub.get("schema"), sub.get("ui_schema"))]
    catalog = texts.own_texts(*docs, lang=lang)
    if not catalog:
        return schema, ui_schema, map_keys, subforms
    return tuple(texts.localized(doc, texts=catalog, lang=lang)  # type: ignore[return-value]
                 for doc in (schema, ui_schema, map_keys, subforms))


def build_fields(schema: dict, ui_schema: dict | None = None, data: dict | None = None,
                 errors: dict[str, list[str]] | None = None, *, map_keys: dict[str, list[dict]] | None = None,
                 subforms: dict[str, dict] | None = None, id_prefix: str = "f") -> Field:
    """The field tree of a form, its texts in the page's language."""
    schema, ui_schema, map_keys, subforms = localized_inputs(schema, ui_schema, map_keys, subforms)
    ctx = Context(map_keys=map_keys or {}, subforms=subforms or {}, errors=errors or {}, id_prefix=id_prefix)
    return _object(schema or {"type": "object"}, ui_schema or {}, "", ctx, data or {})


def _all_fields(node: Field) -> list[Field]:
    found = [node]
    for child in node.children:
        found.extend(_all_fields(child))
    return found


def _focus_id(node: Field) -> str:
    """The element an error summary links to: the control itself, or a choice group's first option."""
    return f"{node.id}-1" if node.kind in ("radio", "checkboxes") and node.options else node.id


def _summary(root: Field, errors: dict[str, list[str]]) -> list[dict]:
    placed = {f.name: f for f in _all_fields(root)}
    return [{"label": placed[path].label if path in placed else path,
             "id": _focus_id(placed[path]) if path in placed else None, "messages": messages}
            for path, messages in errors.items()]


def error_summary_items(schema: dict, ui_schema: dict | None, errors: dict[str, list[str]], *,
                        id_prefix: str = "f") -> list[dict]:
    """Entries of an error summary for `errors` by field path: the field's label, element id and messages."""
    return _summary(build_fields(schema, ui_schema, {}, errors, id_prefix=id_prefix), errors)


def render_form(schema: dict, ui_schema: dict | None = None, data: dict | None = None,
                errors: dict[str, list[str]] | None = None, *, map_keys: dict[str, list[dict]] | None = None,
                subforms: dict[str, dict] | None = None, id_prefix: str = "f", disabled: bool = False) -> Markup:
    """The form's fields as HTML (the caller adds <form>, the CSRF token and the buttons)."""
    errors = errors or {}
    root = build_fields(schema, ui_schema, data, errors, map_keys=map_keys, subforms=subforms, id_prefix=id_prefix)
    summary = _summary(root, errors)
    return Markup(render_template("jsonforms/form.html", root=root, summary=summary, disabled=disabled))


def render_values(schema: dict, ui_schema: dict | None = None, data: dict | None = None, *,
                  map_keys: dict[str, list[dict]] | None = None, subforms: dict[str, dict] | None = None) -> Markup:
    """Submitted data as a read-only description list, with the form's titles and choice labels."""
    root = build_fields(schema, ui_schema, data, map_keys=map_keys, subforms=subforms, id_prefix="v")
    return Markup(render_template("jsonforms/values.html", root=root))
